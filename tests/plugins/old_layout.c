/* old_layout.c -- a plugin built against another layout of ps_dossier
 * with the right ABI number: its records are smaller than the core's
 * (as if a field had been added to the header since it was built).  The
 * core must refuse the batch by its record size, naming the plugin, and
 * never read past the records. */
#include <stddef.h>
#include "parscore/plugin.h"

/* ps_dossier as an older header declared it: no online_level, no src_line */
typedef struct old_dossier {
    const char *code, *unit_code, *procedure_code;
    int channel, status;
    const char *received_at, *due_at, *finished_at, *returned_at, *apology_at;
    int paid_online, digitized_input, digitized_result, synced, rating;
} old_dossier;

typedef struct st { const ps_host *host; ps_sink *sink; } st;
static st the_state;

static int op(const ps_host *h, ps_sink *s, void *c, void **out, ps_error *e) {
    (void)c; (void)e;
    the_state.host = h;
    the_state.sink = s;
    *out = &the_state;
    return PS_OK;
}
static int rd(void *state, ps_error *e) {
    st *x = state;
    old_dossier d[2] = {{.code = "OLD-1", .unit_code = "02647", .procedure_code = "1.0",
                         .channel = 1, .status = 10, .received_at = "2025-03-03T08:00:00"},
                        {.code = "OLD-2", .unit_code = "02647", .procedure_code = "1.0",
                         .channel = 1, .status = 10, .received_at = "2025-03-04T08:00:00"}};
    return PS_EMIT(x->host, x->sink, PS_REC_DOSSIER, d, 2, e);
}
static const ps_plugin p = {
    .size = sizeof(ps_plugin), .abi_version = PS_ABI_VERSION, .name = "old_layout",
    .version = "0", .record_kinds = PS_KIND_BIT(PS_REC_DOSSIER), .open = op, .read = rd,
};
PS_PLUGIN_EXPORT(p)
