/* fail_midstream.c -- emits one batch of dossiers, then reports a read
 * error: the run must stop with that error and write no output. */
#include <stddef.h>
#include <stdlib.h>
#include "parscore/plugin.h"

typedef struct cfg { char *unit; } cfg;
static const ps_option opts[] = {{"unit", PS_OPT_STRING, "02647", offsetof(cfg, unit), 0, "unit code"},
                                 {NULL, 0, NULL, 0, 0, NULL}};
typedef struct st { const ps_host *host; ps_sink *sink; const cfg *cfg; } st;

static int op(const ps_host *h, ps_sink *s, void *c, void **out, ps_error *e) {
    st *x = calloc(1, sizeof *x);
    if (!x) return h->error(e, PS_ENOMEM, NULL, 0, 0, "out of memory");
    x->host = h;
    x->sink = s;
    x->cfg = c;
    *out = x;
    return PS_OK;
}
static int rd(void *state, ps_error *e) {
    st *x = state;
    ps_dossier d = {.code = "FAIL-1", .unit_code = x->cfg->unit, .procedure_code = "1.0",
                    .channel = 1, .status = 10, .received_at = "2025-03-03T08:00:00",
                    .synced = PS_UNKNOWN, .paid_online = PS_UNKNOWN,
                    .digitized_input = PS_UNKNOWN, .digitized_result = PS_UNKNOWN};
    int rc = PS_EMIT(x->host, x->sink, PS_REC_DOSSIER, &d, 1, e);
    if (rc != PS_OK) return rc;
    return x->host->error(e, PS_EPARSE, "fail_midstream.dat", 7, 0,
                          "simulated failure after one batch");
}
static void cl(void *state) { free(state); }
static const ps_plugin p = {
    .size = sizeof(ps_plugin), .abi_version = PS_ABI_VERSION, .name = "fail_midstream",
    .version = "0", .record_kinds = PS_KIND_BIT(PS_REC_DOSSIER), .precedence = 90,
    .config_size = sizeof(cfg), .options = opts, .open = op, .read = rd, .close = cl,
};
PS_PLUGIN_EXPORT(p)
