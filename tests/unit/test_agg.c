/*
 * test_agg.c -- classification of dossiers and feedback per METHODOLOGY.md,
 * duplicate handling across two sources, roll-up into the province, and
 * the indicators read off the counters.  Every expected number is counted
 * by hand from the records below (see the comments beside each record).
 */
#include <stdlib.h>

#include "ingest/ps_agg.h"
#include "ps_test.h"

#define U PS_UNKNOWN

int main(void) {
    ps_tally t = {0, 0};
    ps_error err = {0};
    ps_units units = {0};
    CHECK_INT(&t, ps_units_declare(&units, "15", "Tỉnh Lào Cai", "province", NULL, &err), PS_OK);
    CHECK_INT(&t, ps_units_declare(&units, "02647", "Phường Lào Cai", "commune", "15", &err), PS_OK);
    CHECK_INT(&t, ps_units_declare(&units, "02671", "Phường Cam Đường", "commune", "15", &err), PS_OK);
    ps_calendar cal;
    CHECK_INT(&t, ps_calendar_load(&cal, PS_SOURCE_DIR "/data/calendar-vn.csv", &err), PS_OK);
    ps_agg_config cfg = {.calendar = &cal, .units = &units, .examples_max = 50, .dedup = 1};
    ps_period_parse("2025", &cfg.period, &err);
    ps_agg a;
    CHECK_INT(&t, ps_agg_init(&a, &cfg, &err), PS_OK);

    /* catalogue: P4 full-process online, with a fee and a result document,
     * 10 legal days; P3 partial online, 5 days; P2 information only,
     * no result document */
    ps_procedure procs[] = {
        {"P4", "Thủ tục 4", "Hộ tịch", 10, 4, 1, 1},
        {"P3", "Thủ tục 3", "Chứng thực", 5, 3, 0, 1},
        {"P2", "Thủ tục 2", "Đất đai", 3, 2, 0, 0},
    };
    CHECK_INT(&t, ps_agg_add(&a, 0, PS_REC_PROCEDURE, procs, 3, "db", &err), PS_OK);

    ps_dossier db[] = {
        /* A1 online, finished on the due day (16:00 < due 17:00; compared
         * by day anyway), paid, digitised, very satisfied, returned on the
         * due day.  Working days (Mon 3 Mar, Fri 7 Mar] = 4: cut 0.6 */
        {"A1", "02647", "P4", 2, 10, "2025-03-03T08:00:00", "2025-03-07T17:00:00",
         "2025-03-07T16:00:00", "2025-03-07T17:00:00", NULL, 1, 1, 1, U, 1, 0, 1},
        /* A2 in person, finished a day late (with an apology letter),
         * unpaid, not digitised, unsatisfied, returned late.
         * Working days (Mon 3 Mar, Thu 6 Mar] = 3: cut 0.7 */
        {"A2", "02647", "P4", 1, 9, "2025-03-03 08:00:00", "2025-03-05T17:00:00",
         "2025-03-06T09:00:00", "2025-03-06T10:00:00", "2025-03-05T10:00:00", 0, 0, 0, U, 4, 0, 2},
        /* A3 online, in progress, due after the period's last day: within */
        {"A3", "02647", "P3", 2, 4, "2025-12-01T08:00:00", "2026-01-10T17:00:00", NULL, NULL,
         NULL, U, U, U, U, 0, 0, 3},
        /* A4 postal, in progress, due 15 Dec < 31 Dec: over, no apology */
        {"A4", "02647", "P3", 3, 2, "2025-12-01T08:00:00", "2025-12-15T17:00:00", NULL, NULL,
         NULL, U, U, U, U, 0, 0, 4},
        /* A5 paused (supplement requested): received, not in progress */
        {"A5", "02647", "P2", 1, 5, "2025-06-01T08:00:00", NULL, NULL, NULL, NULL, U, U, U, U,
         0, 0, 5},
        /* A6 refused at intake: not received */
        {"A6", "02647", "P2", 1, 3, "2025-06-01T08:00:00", NULL, NULL, NULL, NULL, U, U, U, U,
         0, 0, 6},
        /* A7 received before the period: not counted */
        {"A7", "02647", "P2", 1, 10, "2024-12-31T08:00:00", NULL, NULL, NULL, NULL, U, U, U, U,
         0, 0, 7},
        /* A8 online, finished, no due date = on time, paid */
        {"A8", "02671", "P4", 2, 7, "2025-05-05T08:00:00", NULL, NULL, NULL, NULL, 1, U, U, U, 0,
         0, 8},
        /* A9 unreadable received date: a data-quality finding only */
        {"A9", "02647", "P4", 2, 10, "2025-02-30T08:00:00", NULL, NULL, NULL, NULL, U, U, U, U,
         0, 0, 9},
        /* A10 unknown unit */
        {"A10", "99999", "P4", 2, 10, "2025-02-03T08:00:00", NULL, NULL, NULL, NULL, U, U, U, U,
         0, 0, 10},
    };
    CHECK_INT(&t, ps_agg_add(&a, 0, PS_REC_DOSSIER, db, sizeof db / sizeof db[0], "db", &err),
              PS_OK);

    /* the portal (lower precedence, source 1): A1 again, synced -> adds
     * synced to 02647 only; A2 again with different fields -> ignored
     * except its sync flag (0); A11 only on the portal -> counted fully */
    ps_dossier portal[] = {
        {"A1", "02647", "P4", 1, 4, "2025-03-03T08:00:00", NULL, NULL, NULL, NULL, 0, 0, 0, 1, 4,
         4, 1},
        {"A2", "02647", "P4", 2, 10, "2025-03-03T08:00:00", NULL, NULL, NULL, NULL, 1, 1, 1, 0,
         1, 4, 2},
        {"A11", "02671", "P4", 2, 10, "2025-07-01T08:00:00", "2025-07-03T17:00:00",
         "2025-07-02T10:00:00", NULL, NULL, 1, 1, 1, 1, 0, 4, 3},
        /* A12 only on the portal, P3 (partial online in the catalogue) but
         * MucDo 4: METHODOLOGY takes the dossier's MucDo for a dossier known
         * only from the portal -> a level-4 dossier, received online;
         * finished, no due date = on time */
        {"A12", "02671", "P3", 2, 10, "2025-08-01T08:00:00", NULL, NULL, NULL, NULL, U, U, U,
         U, 0, 4, 4},
    };
    CHECK_INT(&t, ps_agg_add(&a, 1, PS_REC_DOSSIER, portal, 4, "portal", &err), PS_OK);

    /* publicity: 02647 reported once; 02671 twice -> the second report is a
     * data-quality finding, not added to the first */
    ps_publicity pub[] = {
        {"02647", 10, 9, 8, 6, 4, 4, 1},
        {"02671", 5, 5, 2, 2, 3, 3, 2},
        {"02671", 5, 4, 2, 1, 3, 2, 3},
    };
    CHECK_INT(&t, ps_agg_add(&a, 1, PS_REC_PUBLICITY, pub, 3, "portal", &err), PS_OK);

    ps_feedback fb[] = {
        /* F1 answered on time, satisfied */
        {"F1", "02647", "2025-05-02T09:00:00", "2025-05-12T17:00:00", "2025-05-10T10:00:00", 1, 1},
        /* F2 answered late AND unsatisfied: removed once */
        {"F2", "02647", "2025-05-02T09:00:00", "2025-05-12T17:00:00", "2025-05-13T10:00:00", 0, 2},
        /* F3 unanswered, due after the period: within */
        {"F3", "02647", "2025-12-20T09:00:00", "2026-01-05T17:00:00", NULL, U, 3},
        /* F4 unanswered, overdue */
        {"F4", "02647", "2025-11-01T09:00:00", "2025-11-10T17:00:00", NULL, U, 4},
        /* F5 answered on time, not rated (not rated is not unsatisfied) */
        {"F5", "02647", "2025-06-01T09:00:00", "2025-06-10T17:00:00", "2025-06-09T10:00:00", U, 5},
    };
    CHECK_INT(&t, ps_agg_add(&a, 0, PS_REC_FEEDBACK, fb, 5, "db", &err), PS_OK);
    CHECK_INT(&t, ps_agg_add(&a, 1, PS_REC_FEEDBACK, fb, 1, "portal", &err), PS_OK); /* dup */
    CHECK_INT(&t, ps_agg_rollup(&a, &err), PS_OK);

    const ps_unit_agg *u = &a.u[ps_units_find(&units, "02647")];
    CHECK_INT(&t, u->d.received, 5);               /* A1..A5 */
    CHECK_INT(&t, u->d.by_channel[1], 2);          /* A2 A5 */
    CHECK_INT(&t, u->d.by_channel[2], 2);          /* A1 A3 */
    CHECK_INT(&t, u->d.by_channel[3], 1);          /* A4 */
    CHECK_INT(&t, u->d.finished, 2);
    CHECK_INT(&t, u->d.finished_on_time, 1);
    CHECK_INT(&t, u->d.finished_late, 1);
    CHECK_INT(&t, u->d.in_progress, 2);
    CHECK_INT(&t, u->d.in_progress_within, 1);
    CHECK_INT(&t, u->d.in_progress_over, 1);
    CHECK_INT(&t, u->d.paused, 1);
    CHECK_INT(&t, u->d.synced, 1);                 /* A1 via the portal */
    CHECK_INT(&t, u->d.level4_received, 2);
    CHECK_INT(&t, u->d.level4_online, 1);
    CHECK_INT(&t, u->d.level3_received, 2);
    CHECK_INT(&t, u->d.level3_online, 1);
    CHECK_INT(&t, u->d.fee_received, 2);
    CHECK_INT(&t, u->d.fee_paid_online, 1);
    CHECK_INT(&t, u->d.result_doc_finished, 2);
    CHECK_INT(&t, u->d.result_digitized, 1);
    CHECK_INT(&t, u->d.input_digitized, 1);
    CHECK_INT(&t, u->d.late, 2);                   /* A2 A4 */
    CHECK_INT(&t, u->d.late_with_apology, 1);      /* A2 */
    CHECK_INT(&t, u->d.returned, 2);
    CHECK_INT(&t, u->d.returned_late, 1);
    CHECK_INT(&t, u->d.rated, 2);
    CHECK_INT(&t, u->d.rating[1], 1);
    CHECK_INT(&t, u->d.rating[4], 1);
    CHECK_INT(&t, u->d.handled_ok, 1);             /* A1 */
    CHECK_INT(&t, u->d.cut_n, 2);
    CHECK_NUM(&t, u->d.cut_sum, 1.3);
    CHECK_NUM(&t, u->d.days_sum, 7);
    CHECK_INT(&t, u->d.cut_ge30, 2);
    CHECK_INT(&t, u->ex[PS_EX_LATE].count, 1);
    CHECK_STR(&t, ps_example_code(&u->ex[PS_EX_LATE], 0), "A2");
    CHECK_STR(&t, ps_example_code(&u->ex[PS_EX_OVERDUE], 0), "A4");
    CHECK_STR(&t, ps_example_code(&u->ex[PS_EX_LATE_NO_APOLOGY], 0), "A4");
    CHECK_STR(&t, ps_example_code(&u->ex[PS_EX_UNSATISFIED], 0), "A2");
    CHECK_INT(&t, u->n_dq, 1);
    CHECK_STR(&t, u->dq[0].key, "bad_date");
    CHECK_STR(&t, u->dq[0].examples[0], "A9");
    /* feedback */
    CHECK_INT(&t, u->f.received, 5);
    CHECK_INT(&t, u->f.answered, 3);
    CHECK_INT(&t, u->f.answered_on_time, 2);
    CHECK_INT(&t, u->f.answered_late, 1);
    CHECK_INT(&t, u->f.unanswered_within, 1);
    CHECK_INT(&t, u->f.unanswered_over, 1);
    CHECK_INT(&t, u->f.rated_unsatisfied, 1);
    CHECK_INT(&t, u->f.handled_ok, 2);             /* F1 F5 */

    const ps_unit_agg *v = &a.u[ps_units_find(&units, "02671")];
    CHECK_INT(&t, v->d.received, 3);               /* A8, A11 and A12 from the portal */
    CHECK_INT(&t, v->d.finished_on_time, 3);
    CHECK_INT(&t, v->d.level4_received, 3);        /* A8 A11 (P4), A12 (its MucDo 4) */
    CHECK_INT(&t, v->d.level4_online, 3);
    CHECK_INT(&t, v->d.level3_received, 0);        /* A12 is not counted as level 3 */
    CHECK_INT(&t, v->p.reports, 1);                /* the first report only */
    CHECK_INT(&t, v->p.must_announce, 5);
    CHECK_INT(&t, v->p.announced_on_time, 5);
    CHECK_INT(&t, v->p.published_full, 3);
    CHECK_INT(&t, v->n_dq, 1);
    if (v->n_dq == 1) {
        CHECK_STR(&t, v->dq[0].key, "publicity_repeated");
        CHECK_INT(&t, v->dq[0].count, 1);
    }
    CHECK_INT(&t, u->p.reports, 1);
    CHECK_INT(&t, u->p.must_announce, 10);
    CHECK_INT(&t, v->d.synced, 1);
    CHECK_INT(&t, v->d.fee_paid_online, 2);

    const ps_unit_agg *p = &a.u[ps_units_find(&units, "15")];
    CHECK_INT(&t, p->d.received, 8);
    CHECK_INT(&t, p->d.finished, 5);
    CHECK_INT(&t, p->p.must_announce, 15);         /* 10 + 5, not 10 + 5 + 5 */
    CHECK_INT(&t, p->d.synced, 2);
    CHECK_INT(&t, p->f.received, 5);
    CHECK_INT(&t, p->ex[PS_EX_LATE].count, 1);
    CHECK_INT(&t, a.duplicates, 3);                /* A1, A2, F1 */
    /* a source that only repeats dossiers of the period is not "empty" */
    CHECK_INT(&t, a.dup_in_scope, 2);              /* A1, A2 */
    CHECK_INT(&t, a.n_unknown, 1);
    CHECK_STR(&t, a.unknown[0].code, "99999");
    CHECK_INT(&t, a.fee_procs, 1);

    /* indicators */
    ps_indicator ind;
    ps_indicator_compute(&a, u, (size_t)ps_indicator_find("on_time"), &ind);
    CHECK_NUM(&t, ind.num, 2);                     /* A1 + A3 */
    CHECK_NUM(&t, ind.den, 4);                     /* A1 A2 A3 A4 (A5 paused) */
    ps_indicator_compute(&a, u, (size_t)ps_indicator_find("feedback_on_time"), &ind);
    CHECK_NUM(&t, ind.value, 3.0 / 5);
    ps_indicator_compute(&a, u, (size_t)ps_indicator_find("feedback_satisfaction"), &ind);
    CHECK_NUM(&t, ind.value, 2.0 / 3);
    ps_indicator_compute(&a, u, (size_t)ps_indicator_find("fee_procs_paid"), &ind);
    CHECK_NUM(&t, ind.value, 1.0);
    ps_indicator_compute(&a, u, (size_t)ps_indicator_find("processing_cut"), &ind);
    CHECK_NUM(&t, ind.value, 0.65);
    ps_indicator_compute(&a, p, (size_t)ps_indicator_find("synced"), &ind);
    CHECK_NUM(&t, ind.value, 2.0 / 8);             /* A12 carries no sync flag */
    ps_indicator_compute(&a, u, (size_t)ps_indicator_find("kiosk_satisfied"), &ind);
    CHECK(&t, isnan(ind.value));
    CHECK_INT(&t, ps_indicator_find("no_such_indicator"), -1);

    ps_agg_free(&a);
    ps_calendar_free(&cal);
    ps_units_free(&units);
    return ps_test_done(&t);
}
