/*
 * test_agg_order.c -- what makes ingest independent of row order and of
 * the number of workers: example lists keep the smallest codes of each
 * source after those of earlier sources, findings are listed by key,
 * partial aggregates of two provinces merge into what one aggregate
 * reading both gets, and a record outside a partition's province is
 * noticed.  Expected lists are worked out by hand beside each check.
 */
#include <stdlib.h>
#include <string.h>

#include "ingest/ps_agg.h"
#include "ps_test.h"

#define U PS_UNKNOWN

/* A dossier finished a day late: one "late" example. */
static ps_dossier late(const char *code, const char *unit) {
    ps_dossier d = {code, unit, "P3", 2, 9, "2025-03-03T08:00:00", "2025-03-05T17:00:00",
                    "2025-03-06T09:00:00", NULL, NULL, U, U, U, U, 0, 0, 1};
    return d;
}

static const char *ex(const ps_agg *a, int unit, uint32_t i) {
    const ps_examples *e = &a->u[unit].ex[PS_EX_LATE];
    return i < e->kept ? ps_example_code(e, i) : "(none)";
}

/* Code i of a list wherever it is (memory or the spill file). */
static const char *ex_any(const ps_agg *a, int unit, uint32_t i, ps_buf *scratch) {
    const ps_examples *e = &a->u[unit].ex[PS_EX_LATE];
    const char *text;
    if (i >= e->kept || ps_examples_read(e, scratch, &text) != PS_OK) return "(none)";
    while (i--) text += strlen(text) + 1;
    return text;
}

static void feed(ps_tally *t, ps_agg *a, int source, const char *const *codes, size_t n,
                 const char *unit) {
    ps_error err = {0};
    for (size_t i = 0; i < n; i++) {
        ps_dossier d = late(codes[i], unit);
        CHECK_INT(t, ps_agg_add(a, source, PS_REC_DOSSIER, &d, 1, "test", &err), PS_OK);
    }
}

int main(void) {
    ps_tally t = {0, 0};
    ps_error err = {0};
    ps_units units = {0};
    CHECK_INT(&t, ps_units_declare(&units, "01", "Thành phố Hà Nội", "province", NULL, &err), PS_OK);
    CHECK_INT(&t, ps_units_declare(&units, "00004", "Phường Ba Đình", "commune", "01", &err), PS_OK);
    CHECK_INT(&t, ps_units_declare(&units, "15", "Tỉnh Lào Cai", "province", NULL, &err), PS_OK);
    CHECK_INT(&t, ps_units_declare(&units, "02647", "Phường Lào Cai", "commune", "15", &err), PS_OK);
    const int ba_dinh = 1, lao_cai = 3;
    ps_calendar cal;
    CHECK_INT(&t, ps_calendar_load(&cal, PS_SOURCE_DIR "/data/calendar-vn.csv", &err), PS_OK);
    ps_agg_config cfg = {.calendar = &cal, .units = &units, .examples_max = 4, .dedup = 1};
    ps_period_parse("2025", &cfg.period, &err);
    ps_procedure p3 = {"P3", "Thủ tục 3", "Chứng thực", 5, 3, 0, 1};

    /* Source 0 hands C3, C1 and source 1 B9, B2, B5 (4 kept): source 0's
     * codes first, then the two smallest of source 1: C1 C3 B2 B5. */
    const char *s0[] = {"C3", "C1"}, *s1[] = {"B9", "B2", "B5"};
    const char *s0r[] = {"C1", "C3"}, *s1r[] = {"B5", "B2", "B9"};
    ps_agg a, b;
    CHECK_INT(&t, ps_agg_init(&a, &cfg, &err), PS_OK);
    CHECK_INT(&t, ps_agg_init(&b, &cfg, &err), PS_OK);
    CHECK_INT(&t, ps_agg_add(&a, 0, PS_REC_PROCEDURE, &p3, 1, "db", &err), PS_OK);
    CHECK_INT(&t, ps_agg_add(&b, 0, PS_REC_PROCEDURE, &p3, 1, "db", &err), PS_OK);
    feed(&t, &a, 0, s0, 2, "02647");
    feed(&t, &a, 1, s1, 3, "02647");
    feed(&t, &b, 0, s0r, 2, "02647");   /* the same rows in another order */
    feed(&t, &b, 1, s1r, 3, "02647");
    CHECK_INT(&t, a.u[lao_cai].ex[PS_EX_LATE].count, 5);
    CHECK_INT(&t, a.u[lao_cai].ex[PS_EX_LATE].kept, 4);
    CHECK_STR(&t, ex(&a, lao_cai, 0), "C1");
    CHECK_STR(&t, ex(&a, lao_cai, 1), "C3");
    CHECK_STR(&t, ex(&a, lao_cai, 2), "B2");
    CHECK_STR(&t, ex(&a, lao_cai, 3), "B5");
    for (uint32_t i = 0; i < 4; i++) CHECK_STR(&t, ex(&b, lao_cai, i), ex(&a, lao_cai, i));

    /* Full list: a smaller code of the current source replaces its
     * largest (B5 -> B1); one of an earlier source's size does not get in
     * ahead of that source (A0 of source 2 finds no room). */
    const char *s1b[] = {"B1"}, *s2[] = {"A0"};
    feed(&t, &a, 1, s1b, 1, "02647");
    CHECK_STR(&t, ex(&a, lao_cai, 2), "B1");
    CHECK_STR(&t, ex(&a, lao_cai, 3), "B2");
    feed(&t, &a, 2, s2, 1, "02647");
    CHECK_STR(&t, ex(&a, lao_cai, 3), "B2");
    CHECK_INT(&t, a.u[lao_cai].ex[PS_EX_LATE].count, 7);

    /* Findings by key, whatever came first: bad_status, then bad_channel. */
    ps_dossier bad_status = late("D1", "02647"), bad_channel = late("D2", "02647");
    bad_status.status = 42;
    bad_channel.channel = 9;
    CHECK_INT(&t, ps_agg_add(&a, 2, PS_REC_DOSSIER, &bad_status, 1, "db", &err), PS_OK);
    CHECK_INT(&t, ps_agg_add(&a, 2, PS_REC_DOSSIER, &bad_channel, 1, "db", &err), PS_OK);
    CHECK_INT(&t, a.u[lao_cai].n_dq, 2);
    CHECK_STR(&t, a.u[lao_cai].dq[0].key, "bad_channel");
    CHECK_STR(&t, a.u[lao_cai].dq[1].key, "bad_status");
    CHECK_STR(&t, a.u[lao_cai].dq[1].examples[0], "D1");
    ps_agg_free(&a);
    ps_agg_free(&b);

    /* Two provinces read apart and merged = read together. */
    ps_agg whole, p01, p15, merged;
    ps_agg_config c01 = cfg, c15 = cfg;
    c01.province = 0 + 1;
    c15.province = 2 + 1;
    CHECK_INT(&t, ps_agg_init(&whole, &cfg, &err), PS_OK);
    CHECK_INT(&t, ps_agg_init(&p01, &c01, &err), PS_OK);
    CHECK_INT(&t, ps_agg_init(&p15, &c15, &err), PS_OK);
    CHECK_INT(&t, ps_agg_init(&merged, &cfg, &err), PS_OK);
    const char *h[] = {"H2", "H1", "H3"}, *l[] = {"L1", "L9"};
    CHECK_INT(&t, ps_agg_add(&whole, 0, PS_REC_PROCEDURE, &p3, 1, "db", &err), PS_OK);
    CHECK_INT(&t, ps_agg_add(&p01, 0, PS_REC_PROCEDURE, &p3, 1, "db", &err), PS_OK);
    CHECK_INT(&t, ps_agg_add(&p15, 1, PS_REC_PROCEDURE, &p3, 1, "db", &err), PS_OK);
    feed(&t, &whole, 0, h, 3, "00004");
    feed(&t, &whole, 1, l, 2, "02647");
    feed(&t, &p01, 0, h, 3, "00004");
    feed(&t, &p15, 1, l, 2, "02647");
    CHECK_INT(&t, ps_agg_merge(&merged, &p01, &err), PS_OK);
    CHECK_INT(&t, ps_agg_merge(&merged, &p15, &err), PS_OK);
    CHECK_INT(&t, merged.n_procs, 1);
    CHECK_INT(&t, merged.records[PS_REC_DOSSIER], 5);
    CHECK_INT(&t, merged.u[ba_dinh].d.finished_late, 3);
    CHECK_INT(&t, merged.u[lao_cai].d.finished_late, 2);
    CHECK_STR(&t, ex(&merged, ba_dinh, 0), "H1");
    CHECK_STR(&t, ex(&merged, ba_dinh, 2), "H3");
    CHECK_STR(&t, ex(&merged, lao_cai, 1), "L9");
    CHECK_INT(&t, memcmp(&merged.u[ba_dinh].d, &whole.u[ba_dinh].d, sizeof whole.u[0].d), 0);
    CHECK_INT(&t, memcmp(&merged.u[lao_cai].d, &whole.u[lao_cai].d, sizeof whole.u[0].d), 0);

    /* a fee procedure only 15's catalogue has: number 0 there, number 1
     * (after P3) in the merged table; a dossier paid online there */
    ps_procedure p9 = {"P9", "Thủ tục 9", "Hộ tịch", 5, 4, 1, 1};
    ps_dossier paid = late("L5", "02647");
    paid.procedure_code = "P9";
    paid.paid_online = 1;
    ps_agg p15b;
    CHECK_INT(&t, ps_agg_init(&p15b, &c15, &err), PS_OK);
    CHECK_INT(&t, ps_agg_add(&p15b, 1, PS_REC_PROCEDURE, &p9, 1, "db", &err), PS_OK);
    CHECK_INT(&t, ps_agg_add(&p15b, 1, PS_REC_DOSSIER, &paid, 1, "db", &err), PS_OK);
    CHECK_INT(&t, (int)(p15b.u[lao_cai].fee_with_payment[0] & 3), 1);
    CHECK_INT(&t, ps_agg_merge(&merged, &p15b, &err), PS_OK);
    CHECK_INT(&t, merged.n_procs, 2);
    CHECK_STR(&t, merged.procs[1].code, "P9");
    CHECK_INT(&t, merged.fee_procs, 1);
    CHECK_INT(&t, (int)(merged.u[lao_cai].fee_with_payment[0] & 3), 2);
    CHECK_INT(&t, (int)(merged.u[lao_cai].fee_with_dossier[0] & 3), 2);
    CHECK_INT(&t, merged.u[lao_cai].d.fee_paid_online, 1);
    ps_agg_free(&p15b);

    /* A record of 01 in the partition of 15: refused and flagged. */
    ps_dossier stray = late("X1", "00004");
    CHECK_INT(&t, ps_agg_add(&p15, 1, PS_REC_DOSSIER, &stray, 1, "db", &err), PS_EDATA);
    CHECK_INT(&t, p15.stray, 1);
    CHECK_STR(&t, p15.stray_code, "00004");
    CHECK_INT(&t, p15.u[ba_dinh].d.received, 0);

    /* The same merge with a spill file: lists are parked as each unit is
     * merged, brought back when a later partial adds to them, and read
     * back by the roll-up and by callers, with the codes unchanged. */
    ps_agg spilled, p15c;
    ps_buf scratch;
    ps_buf_init(&scratch, 0);
    CHECK_INT(&t, ps_agg_init(&spilled, &cfg, &err), PS_OK);
    ps_agg_spill_open(&spilled);
    CHECK(&t, spilled.spill != NULL);
    CHECK_INT(&t, ps_agg_merge(&spilled, &p01, &err), PS_OK);
    CHECK_INT(&t, ps_agg_merge(&spilled, &p15, &err), PS_OK);
    CHECK(&t, spilled.u[lao_cai].ex[PS_EX_LATE].spill != NULL);
    CHECK(&t, spilled.u[lao_cai].ex[PS_EX_LATE].text == NULL);
    CHECK_STR(&t, ex_any(&spilled, ba_dinh, 0, &scratch), "H1");
    CHECK_STR(&t, ex_any(&spilled, ba_dinh, 2, &scratch), "H3");
    CHECK_STR(&t, ex_any(&spilled, lao_cai, 1, &scratch), "L9");
    const char *l5[] = {"L5"};
    CHECK_INT(&t, ps_agg_init(&p15c, &c15, &err), PS_OK);
    feed(&t, &p15c, 2, l5, 1, "02647");
    CHECK_INT(&t, ps_agg_merge(&spilled, &p15c, &err), PS_OK);
    CHECK_INT(&t, spilled.u[lao_cai].ex[PS_EX_LATE].kept, 3);   /* L1 L9, then L5 */
    CHECK_STR(&t, ex_any(&spilled, lao_cai, 0, &scratch), "L1");
    CHECK_STR(&t, ex_any(&spilled, lao_cai, 2, &scratch), "L5");
    CHECK_INT(&t, ps_agg_rollup(&spilled, &err), PS_OK);
    const int hanoi = 0, province15 = 2;
    CHECK_INT(&t, spilled.u[province15].ex[PS_EX_LATE].count, 3);
    CHECK(&t, spilled.u[province15].ex[PS_EX_LATE].spill != NULL);
    CHECK_STR(&t, ex_any(&spilled, province15, 2, &scratch), "L5");
    CHECK_STR(&t, ex_any(&spilled, hanoi, 1, &scratch), "H2");
    ps_buf_free(&scratch);
    ps_agg_free(&p15c);
    ps_agg_free(&spilled);

    ps_agg_free(&whole);
    ps_agg_free(&p01);
    ps_agg_free(&p15);
    ps_agg_free(&merged);
    ps_calendar_free(&cal);
    ps_units_free(&units);
    return ps_test_done(&t);
}
