/*
 * test_score_example.c -- the worked example of docs/rules.md (section 1),
 * tests/rules/example_commune.lua, gives exactly the numbers the tutorial
 * computes by hand, and `parscore check` finds it clean.
 */
#include "score_fixture.h"

int main(void) {
    ps_tally t = {0, 0};
    fx f;
    fx_init(&f);
    ps_unit_agg *u = fx_unit(&f, "99001", "Xã Ví Dụ", PS_LEVEL_COMMUNE, -1);
    fx_unit(&f, "99002", "Xã Không Có Hồ Sơ", PS_LEVEL_COMMUNE, -1);
    /* 200 finished (196 on time) + 10 in progress within deadline:
     *   on_time = 206/210 -> 40 x (206/210 - 0.90)/0.09 = 40 x 8.5/9.45 = 35.9788...
     * 150 ratings, 140 satisfied: 30 x (140/150)/0.95 = 28/0.95 = 29.4736...
     * 4 late, 3 apologies: 10 x 0.75 = 7.5
     * 210 received, 84 online: min(20, 20 x 0.4/0.5) = 16
     * total = 88.9525... -> Tốt */
    u->d.received = 210; u->d.by_channel[2] = 84; u->d.by_channel[1] = 126;
    u->d.finished = 200; u->d.finished_on_time = 196; u->d.finished_late = 4;
    u->d.in_progress = 10; u->d.in_progress_within = 10;
    u->d.late = 4; u->d.late_with_apology = 3;
    u->d.rated = 150; u->d.rating[1] = 100; u->d.rating[2] = 40; u->d.rating[4] = 10;

    CHECK_INT(&t, fx_run(&f, PS_SOURCE_DIR "/tests/rules/example_commune.lua"), PS_OK);
    if (f.res.n_units != 2) return ps_test_done(&t);
    const ps_unit_result *a = &f.res.units[0], *b = &f.res.units[1];
    CHECK_NUM(&t, fx_crit(a, "1.1")->points, 40 * 8.5 / 9.45);
    CHECK_NUM(&t, fx_crit(a, "2.1")->points, 28 / 0.95);
    CHECK_NUM(&t, fx_crit(a, "3.1")->points, 7.5);
    CHECK_NUM(&t, fx_crit(a, "4.1")->points, 16);
    CHECK_NUM(&t, a->total, 40 * 8.5 / 9.45 + 28 / 0.95 + 23.5);
    CHECK(&t, fabs(a->total - 88.95) < 0.005);
    CHECK_STR(&t, a->band, "Tốt");
    /* no late dossier: apology 0/0 -> zero = 10, "Không phát sinh: đủ điểm" */
    CHECK_NUM(&t, fx_crit(b, "3.1")->points, 10);
    CHECK_STR(&t, fx_crit(b, "3.1")->note, "Không phát sinh: đủ điểm");
    CHECK_NUM(&t, b->total, 10);

    FILE *devnull = fopen("/dev/null", "w");
    CHECK_INT(&t, ps_rules_check(PS_SOURCE_DIR "/tests/rules/example_commune.lua",
                                 PS_SOURCE_DIR "/scripts", devnull, &f.err), PS_OK);
    fclose(devnull);
    fx_free(&f);
    return ps_test_done(&t);
}
