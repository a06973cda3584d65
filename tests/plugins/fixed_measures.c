/* fixed_measures.c -- a test source that emits a fixed set of measure
 * records (ps_measure, ABI 2) for Phường Lào Cai (02647) of the one-stop
 * fixture: the values of the worked example in docs/rules.md, so the
 * scoring of measures, bonus and deduction can be tested end to end
 * without depending on a file reader. */
#include <stdlib.h>
#include "parscore/plugin.h"

typedef struct st { const ps_host *host; ps_sink *sink; } st;

static int op(const ps_host *h, ps_sink *s, void *c, void **out, ps_error *e) {
    (void)c;
    st *x = calloc(1, sizeof *x);
    if (!x) return h->error(e, PS_ENOMEM, NULL, 0, 0, "out of memory");
    x->host = h;
    x->sink = s;
    *out = x;
    return PS_OK;
}

#define M(key_, who, v, txt, doc, line)                                                 \
    {.unit_code = "02647", .key = key_, .has_value = 1, .value = v, .text = txt,         \
     .assessor = who, .evidence_doc = doc, .src_line = line}

static int rd(void *state, ps_error *e) {
    st *x = state;
    const ps_measure m[] = {
        M("ke_hoach_cchc", PS_ASSESS_SELF, 1, "Có", "25/KH-UBND", 2),
        M("ke_hoach_cchc", PS_ASSESS_APPRAISAL, 1, "Có", NULL, 2),
        M("hoan_thanh_ke_hoach", PS_ASSESS_SELF, 95, "95%", "120/BC-UBND", 3),
        M("hoan_thanh_ke_hoach", PS_ASSESS_APPRAISAL, 90, "90%", NULL, 3),
        M("bao_cao_dung_han", PS_ASSESS_SELF, 3, "3", NULL, 4),
        M("tuyen_truyen", PS_ASSESS_SELF, 5, "5", NULL, 5),
        M("van_ban_ky_so", PS_ASSESS_SYSTEM, 85, "85%", NULL, 6),
        M("sang_kien", PS_ASSESS_SELF, 2, "2", "88/QĐ-UBND", 7),
        M("sang_kien", PS_ASSESS_APPRAISAL, 1, "1", NULL, 7),
        M("phe_binh", PS_ASSESS_APPRAISAL, 1, "1", NULL, 8),
    };
    return PS_EMIT(x->host, x->sink, PS_REC_MEASURE, m, sizeof m / sizeof m[0], e);
}

static void cl(void *state) { free(state); }

static const ps_plugin p = {
    .size = sizeof(ps_plugin), .abi_version = PS_ABI_VERSION, .name = "fixed_measures",
    .version = "0", .description = "test: fixed measure records for 02647",
    .record_kinds = PS_KIND_BIT(PS_REC_MEASURE), .open = op, .read = rd, .close = cl,
};
PS_PLUGIN_EXPORT(p)
