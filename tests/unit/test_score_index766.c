/*
 * test_score_index766.c -- national/index766.lua on a hand-built province
 * with two communes; every criterion's points and every total are worked
 * out below by hand from METHODOLOGY.md section A.
 */
#include "score_fixture.h"

/* Commune 15001: the counters behind each criterion.
 *  1.1 announced 9/10 -> 6 x 0.9 = 5.4
 *  1.2 updated 6/8 -> 4 x 0.75 = 3
 *  1.3 full 4/4 -> 2
 *  1.4 synced 80/100 -> 6 x 0.8 = 4.8            group 1 = 15.2
 *  2.1 on time (76 + 19)/(80 + 20) = 0.95 -> 19    group 2 = 19
 *  3.1 level 4 online 30/40 -> 12 x 0.75 = 9       group 3 = 9
 *  4.1 paid online 15/20 -> 6 x 0.75 = 4.5
 *  4.2 fee procedures paid 3/10 -> min(2, 2.5 x 0.3) = 0.75
 *  4.3 fee procedures used 9/10 -> min(2, 2.5 x 0.9 = 2.25) = 2   group 4 = 7.25
 *  5.1 result digitised 40/50 -> 6 x 0.8 = 4.8
 *  5.2 input digitised 25/100 -> 4 x 0.25 = 1
 *  5.3 commune -> 12                               group 5 = 17.8
 *  6.1 no feedback -> 6;  6.2 no feedback -> 6
 *  6.3 handled ok 68/80 = 0.85 -> min(6, 6 x 0.85 / 0.9) = 17/3
 *                                                  group 6 = 12 + 17/3
 *  total = 15.2 + 19 + 9 + 7.25 + 17.8 + 12 + 17/3 = 80.25 + 17/3 = 85.91666...
 */
static void fill_commune1(ps_unit_agg *u) {
    u->p.must_announce = 10; u->p.announced_on_time = 9;
    u->p.must_update = 8; u->p.updated_on_time = 6;
    u->p.published = 4; u->p.published_full = 4;
    u->d.received = 100; u->d.synced = 80;
    u->d.finished = 80; u->d.finished_on_time = 76; u->d.finished_late = 4;
    u->d.in_progress = 20; u->d.in_progress_within = 19; u->d.in_progress_over = 1;
    u->d.late = 5;
    u->d.level4_received = 40; u->d.level4_online = 30;
    u->d.fee_received = 20; u->d.fee_paid_online = 15;
    u->d.result_doc_finished = 50; u->d.result_digitized = 40;
    u->d.input_digitized = 25;
    u->d.handled_ok = 68;
    fx_fees(u, 9, 3);
    fx_examples(u, PS_EX_LATE, 4, "H-001", "H-002", (char *)NULL);
    fx_examples(u, PS_EX_OVERDUE, 1, "H-009", (char *)NULL);
}

int main(void) {
    ps_tally t = {0, 0};
    fx f;
    fx_init(&f);
    f.agg.fee_procs = 10;
    ps_unit_agg *prov = fx_unit(&f, "15", "Tỉnh Lào Cai", PS_LEVEL_PROVINCE, -1);
    ps_unit_agg *c1 = fx_unit(&f, "15001", "Xã A", PS_LEVEL_COMMUNE, 0);
    fx_unit(&f, "15002", "Xã B", PS_LEVEL_COMMUNE, 0);   /* no data at all */
    fill_commune1(c1);
    /* The province holds the rolled-up counters (= commune 1's, commune 2
     * has none) plus feedback handled at province level:
     *  6.1 (6 answered on time + 1 unanswered within)/10 = 0.7 -> 4.2
     *  6.2 handled ok 5/8 answered = 0.625 -> 3.75
     *  5.3 province, no option -> 0
     *  total = 15.2 + 19 + 9 + 7.25 + 5.8 + 4.2 + 3.75 + 17/3
     *        = 64.2 + 17/3 = 69.8666... -> Khá */
    fill_commune1(prov);
    prov->f.received = 10; prov->f.answered = 8; prov->f.answered_on_time = 6;
    prov->f.answered_late = 2; prov->f.unanswered_within = 1; prov->f.unanswered_over = 1;
    prov->f.rated_unsatisfied = 1; prov->f.handled_ok = 5;

    CHECK_INT(&t, fx_run(&f, "national/index766"), PS_OK);
    CHECK_INT(&t, f.n_failed, 0);
    CHECK_STR(&t, f.res.ruleset_id, "national/index766");
    CHECK_STR(&t, f.res.ruleset_name, "Chỉ số phục vụ người dân, doanh nghiệp (766)");
    CHECK_STR(&t, f.res.ruleset_version, "2025.1");
    CHECK_INT(&t, f.res.n_bands, 5);
    if (f.res.n_bands == 5) {
        CHECK_STR(&t, f.res.band_names[0], "Xuất sắc");
        CHECK_NUM(&t, f.res.band_mins[0], 90);
        CHECK_STR(&t, f.res.band_names[3], "Trung bình");
        CHECK_NUM(&t, f.res.band_mins[4], 0);
    }
    CHECK_INT(&t, f.res.n_units, 3);
    if (f.res.n_units != 3) return ps_test_done(&t);

    const ps_unit_result *p = &f.res.units[0], *a = &f.res.units[1], *b = &f.res.units[2];
    CHECK_STR(&t, a->code, "15001");
    CHECK_STR(&t, a->level, "commune");
    CHECK_STR(&t, a->parent_code, "15");
    CHECK_INT(&t, a->n_groups, 6);
    CHECK_INT(&t, a->n_criteria, 15);   /* 4 + 1 + 1 + 3 + 3 + 3 */
    CHECK_NUM(&t, fx_crit(a, "1.1")->points, 5.4);
    CHECK_NUM(&t, fx_crit(a, "1.2")->points, 3);
    CHECK_NUM(&t, fx_crit(a, "1.3")->points, 2);
    CHECK_NUM(&t, fx_crit(a, "1.4")->points, 4.8);
    CHECK_NUM(&t, fx_crit(a, "2.1")->points, 19);
    CHECK_NUM(&t, fx_crit(a, "2.1")->value, 0.95);
    CHECK_NUM(&t, fx_crit(a, "3.1")->points, 9);
    CHECK_NUM(&t, fx_crit(a, "4.1")->points, 4.5);
    CHECK_NUM(&t, fx_crit(a, "4.2")->points, 0.75);
    CHECK_NUM(&t, fx_crit(a, "4.3")->points, 2);
    CHECK_NUM(&t, fx_crit(a, "5.1")->points, 4.8);
    CHECK_NUM(&t, fx_crit(a, "5.2")->points, 1);
    CHECK_NUM(&t, fx_crit(a, "5.3")->points, 12);
    CHECK_INT(&t, fx_crit(a, "5.3")->has_ratio, 0);
    CHECK_NUM(&t, fx_crit(a, "6.1")->points, 6);
    CHECK_STR(&t, fx_crit(a, "6.1")->note, "Không phát sinh: đủ điểm");
    CHECK_NUM(&t, fx_crit(a, "6.2")->points, 6);
    CHECK_NUM(&t, fx_crit(a, "6.3")->points, 17.0 / 3);
    CHECK_INT(&t, fx_crit(a, "6.3")->target_met, 0);
    CHECK_STR(&t, fx_crit(a, "6.3")->target, "≥ 90%");
    CHECK_NUM(&t, a->groups[0].points, 15.2);
    CHECK_NUM(&t, a->groups[3].points, 7.25);
    CHECK_NUM(&t, a->groups[4].points, 17.8);
    CHECK_NUM(&t, a->groups[5].points, 12 + 17.0 / 3);
    CHECK_NUM(&t, a->total, 80.25 + 17.0 / 3);
    CHECK_NUM(&t, a->max, 100);
    CHECK_STR(&t, a->band, "Tốt");
    CHECK_INT(&t, a->rank, 1);
    CHECK_INT(&t, a->rank_of, 2);
    /* lost points on 2.1 are explained by the late and overdue lists */
    const ps_criterion_result *ot = fx_crit(a, "2.1");
    CHECK_INT(&t, ot->n_lost, 2);
    if (ot->n_lost == 2) {
        CHECK_STR(&t, ot->lost[0].key, "late");
        CHECK_INT(&t, ot->lost[0].count, 4);
        CHECK_INT(&t, ot->lost[0].n_codes, 2);
        CHECK_STR(&t, ps_example_code(ot->lost[0].codes, 1), "H-002");
        CHECK_STR(&t, ot->lost[1].key, "overdue");
        CHECK_STR(&t, ps_example_code(ot->lost[1].codes, 0), "H-009");
    }
    /* full marks: no lost list even though the unit has late dossiers */
    CHECK_INT(&t, fx_crit(a, "1.3")->n_lost, 0);

    /* Commune 15002: every denominator is zero: 0 points everywhere
     * except 5.3 (12, commune) and 6.1/6.2 (6 each) -> 24, Yếu, rank 2 */
    for (size_t i = 0; i < b->n_criteria; i++) {
        const ps_criterion_result *c = &b->criteria[i];
        double want = !strcmp(c->id, "5.3") ? 12 : !strcmp(c->id, "6.1") || !strcmp(c->id, "6.2") ? 6 : 0;
        CHECK_NUM(&t, c->points, want);
        CHECK_INT(&t, c->n_lost, 0);
    }
    CHECK_NUM(&t, fx_crit(b, "1.4")->points, 0);
    CHECK_STR(&t, fx_crit(b, "1.4")->note, "Không phát sinh: 0 điểm");
    CHECK(&t, isnan(fx_crit(b, "2.1")->value));
    CHECK_NUM(&t, fx_crit(b, "2.1")->points, 0);
    CHECK_NUM(&t, fx_crit(b, "4.2")->points, 0);   /* 0 of 10 fee procedures */
    CHECK_NUM(&t, fx_crit(b, "6.3")->points, 0);
    CHECK_INT(&t, fx_crit(b, "6.3")->target_met, -1);
    CHECK_NUM(&t, b->total, 24);
    CHECK_STR(&t, b->band, "Yếu");
    CHECK_INT(&t, b->rank, 2);

    for (size_t i = 0; i < p->n_criteria && i < a->n_criteria; i++) {
        const char *id = p->criteria[i].id;
        if (strcmp(id, "5.3") && strcmp(id, "6.1") && strcmp(id, "6.2"))
            CHECK_NUM(&t, p->criteria[i].points, a->criteria[i].points);
    }
    CHECK_STR(&t, p->level, "province");
    CHECK_NUM(&t, fx_crit(p, "5.3")->points, 0);
    CHECK(&t, strstr(fx_crit(p, "5.3")->note, "rule_options.digitisation_points") != NULL);
    CHECK_NUM(&t, fx_crit(p, "6.1")->points, 4.2);
    CHECK_NUM(&t, fx_crit(p, "6.2")->points, 3.75);
    CHECK_NUM(&t, p->total, 64.2 + 17.0 / 3);
    CHECK_STR(&t, p->band, "Khá");
    CHECK_INT(&t, p->rank, 1);
    CHECK_INT(&t, p->rank_of, 1);
    /* mean of the communes' totals: (85.9166.. + 24) / 2 = 54.9583.. */
    CHECK_STR(&t, fx_fact(p, "Bình quân điểm các đơn vị trực thuộc"), "54,96 (2 đơn vị)");

    /* Options: the province takes the 12 points from configuration and the
     * bands change: 69.8666.. + 12 = 81.8666.. -> "Đạt" (>= 80) */
    fx_option(&f, "digitisation_points", "12");
    fx_option(&f, "bands", "80:Đạt,0:Chưa đạt");
    CHECK_INT(&t, fx_run(&f, "national/index766"), PS_OK);
    p = &f.res.units[0];
    CHECK_NUM(&t, p->total, 76.2 + 17.0 / 3);
    CHECK_STR(&t, p->band, "Đạt");
    CHECK_STR(&t, f.res.units[2].band, "Chưa đạt");
    CHECK_INT(&t, f.res.n_bands, 2);

    /* A misspelt option is refused, naming what the rule set accepts. */
    f.n_options = 0;
    fx_option(&f, "digitization_points", "12");
    CHECK_INT(&t, fx_run(&f, "national/index766"), PS_ESCRIPT);
    CHECK_STR(&t, f.err.message, "rule_options.digitization_points is not an option of this "
                                 "rule set (it accepts: bands, digitisation_points)");

    /* A bad option is a load error naming the option. */
    f.n_options = 0;
    fx_option(&f, "digitisation_points", "nhiều");
    CHECK_INT(&t, fx_run(&f, "national/index766"), PS_ESCRIPT);
    CHECK(&t, strstr(f.err.message, "rule_options.digitisation_points must be a number") != NULL);

    fx_free(&f);

    /* 6.2 "satisfaction with feedback handling": its 6 "no feedback" points
     * only when the unit had no feedback at all (METHODOLOGY A, zero
     * denominators).  Commune 15003 received 3 items and answered none:
     *  6.1 (0 answered on time + 2 unanswered within) / 3 -> 6 x 2/3 = 4
     *  6.2 answered = 0 but feedback received -> 0 (it gave 6 before)
     * Commune 15004 received none: 6.1 = 6.2 = 6. */
    fx g;
    fx_init(&g);
    fx_unit(&g, "15", "Tỉnh", PS_LEVEL_PROVINCE, -1);
    ps_unit_agg *fb = fx_unit(&g, "15003", "Xã Có Phản Ánh", PS_LEVEL_COMMUNE, 0);
    fx_unit(&g, "15004", "Xã Không Phản Ánh", PS_LEVEL_COMMUNE, 0);
    fb->f.received = 3; fb->f.unanswered_within = 2; fb->f.unanswered_over = 1;
    g.ua[0].f = fb->f;    /* the province holds its communes' counts */
    g.agg.fee_procs = 10;
    CHECK_INT(&t, fx_run(&g, "national/index766"), PS_OK);
    CHECK_NUM(&t, fx_crit(&g.res.units[1], "6.1")->points, 4);
    CHECK_NUM(&t, fx_crit(&g.res.units[1], "6.2")->points, 0);
    CHECK_STR(&t, fx_crit(&g.res.units[1], "6.2")->note,
              "Có phản ánh, kiến nghị nhưng chưa trả lời: 0 điểm");
    CHECK_NUM(&t, fx_crit(&g.res.units[2], "6.1")->points, 6);
    CHECK_NUM(&t, fx_crit(&g.res.units[2], "6.2")->points, 6);
    CHECK_NUM(&t, fx_crit(&g.res.units[0], "6.2")->points, 0);
    fx_free(&g);
    return ps_test_done(&t);
}
