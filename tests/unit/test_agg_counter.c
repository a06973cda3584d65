/*
 * test_agg_counter.c -- ps_counter records (a source that counted on its
 * own server): every kind of key the core accepts lands in the field
 * `parscore aggregate` prints under that name, and a key or value the
 * core does not know stops the run naming the key.
 */
#include <string.h>

#include "ingest/ps_agg.h"
#include "ps_test.h"

int main(void) {
    ps_tally t = {0, 0};
    ps_error err = {0};
    ps_units units = {0};
    CHECK_INT(&t, ps_units_declare(&units, "15", "Tỉnh Lào Cai", "province", NULL, &err), PS_OK);
    CHECK_INT(&t, ps_units_declare(&units, "02647", "Phường Lào Cai", "commune", "15", &err), PS_OK);
    ps_agg_config cfg = {.units = &units, .examples_max = 2};
    ps_period_parse("2025", &cfg.period, &err);
    ps_agg a;
    CHECK_INT(&t, ps_agg_init(&a, &cfg, &err), PS_OK);
    ps_procedure procs[] = {{"P4", "Thủ tục 4", NULL, 10, 4, 1, 1}, {"P2", "Thủ tục 2", NULL, 3, 2, 0, 0}};
    CHECK_INT(&t, ps_agg_add(&a, 0, PS_REC_PROCEDURE, procs, 2, "db", &err), PS_OK);

    ps_counter c[] = {
        {"02647", "d.received", 7, NULL, 0},
        {"02647", "d.channel.2", 3, NULL, 0},
        {"02647", "d.cut_sum", 1.25, NULL, 0},
        {"02647", "f.answered_late", 2, NULL, 0},
        {"02647", "ex.late", 3, NULL, 0},
        {"02647", "ex.late", 0, "A1", 0},
        {"02647", "ex.late", 0, "A2", 0},
        {"02647", "ex.late", 0, "A3", 0},       /* beyond examples_max = 2 */
        {"02647", "dq.bad_date", 2, NULL, 0},
        {"02647", "dq.bad_date", 0, "A9", 0},
        {"02647", "fee.with_dossier", 0, "P4", 0},
        {"02647", "rows", 12, "A1", 0},         /* a unit of the run: ignored */
        {"99999", "rows", 4, "Z1", 0},          /* not a unit: the unknown list */
        {"99999", "d.received", 4, NULL, 0},    /* ... and counted nowhere */
    };
    CHECK_INT(&t, ps_agg_add(&a, 0, PS_REC_COUNTER, c, sizeof c / sizeof c[0], "db", &err), PS_OK);
    ps_unit_agg *u = &a.u[ps_units_find(&units, "02647")];
    CHECK_INT(&t, u->d.received, 7);
    CHECK_INT(&t, u->d.by_channel[2], 3);
    CHECK_NUM(&t, u->d.cut_sum, 1.25);
    CHECK_INT(&t, u->f.answered_late, 2);
    CHECK_INT(&t, u->ex[PS_EX_LATE].count, 3);
    CHECK_INT(&t, u->ex[PS_EX_LATE].kept, 2);
    CHECK_STR(&t, ps_example_code(&u->ex[PS_EX_LATE], 1), "A2");
    CHECK_INT(&t, u->n_dq, 1);
    CHECK_STR(&t, u->dq[0].key, "bad_date");
    CHECK_INT(&t, u->dq[0].count, 2);
    CHECK_STR(&t, u->dq[0].examples[0], "A9");
    CHECK_INT(&t, u->fee_words > 0 && (u->fee_with_dossier[0] & 1u), 1);
    CHECK_INT(&t, a.n_unknown, 1);
    CHECK_STR(&t, a.unknown[0].code, "99999");
    CHECK_INT(&t, a.unknown[0].count, 4);
    CHECK_STR(&t, a.unknown[0].example, "Z1");
    CHECK_INT(&t, a.u[ps_units_find(&units, "15")].d.received, 0);

    /* the printer's names are the accepted names */
    const ps_counter_def *def = ps_counter_def_find("d.channel.2");
    CHECK(&t, def != NULL);
    CHECK_NUM(&t, ps_counter_get(u, def), 3);
    CHECK(&t, ps_counter_def_find("d.no_such") == NULL);

    ps_counter bad_key = {"02647", "d.recieved", 1, NULL, 7};
    CHECK_INT(&t, ps_agg_add(&a, 0, PS_REC_COUNTER, &bad_key, 1, "onestop_pg: db", &err), PS_EPLUGIN);
    CHECK(&t, strstr(err.message, "\"d.recieved\"") != NULL);
    CHECK_STR(&t, err.file, "onestop_pg: db");
    CHECK_INT(&t, err.line, 7);
    ps_counter bad_value = {"02647", "d.received", -1, NULL, 0};
    memset(&err, 0, sizeof err);
    CHECK_INT(&t, ps_agg_add(&a, 0, PS_REC_COUNTER, &bad_value, 1, "db", &err), PS_EPLUGIN);
    CHECK(&t, strstr(err.message, "not a count") != NULL);
    ps_counter not_fee = {"02647", "fee.with_payment", 0, "P2", 0};
    memset(&err, 0, sizeof err);
    CHECK_INT(&t, ps_agg_add(&a, 0, PS_REC_COUNTER, &not_fee, 1, "db", &err), PS_EPLUGIN);
    CHECK(&t, strstr(err.message, "P2") != NULL);

    ps_agg_free(&a);

    /* counts cannot be merged dossier by dossier with another source */
    cfg.dedup = 1;
    CHECK_INT(&t, ps_agg_init(&a, &cfg, &err), PS_OK);
    memset(&err, 0, sizeof err);
    CHECK_INT(&t, ps_agg_add(&a, 0, PS_REC_COUNTER, c, 1, "db", &err), PS_ECONFIG);
    CHECK(&t, strstr(err.message, "aggregate = \"rows\"") != NULL);
    ps_agg_free(&a);
    ps_units_free(&units);
    return ps_test_done(&t);
}
