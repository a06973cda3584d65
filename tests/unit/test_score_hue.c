/*
 * test_score_hue.c -- provinces/hue.lua on two hand-built communes: one
 * with data for every criterion, one with a short survey sample and no
 * dossiers (zero denominators).
 */
#include "score_fixture.h"

int main(void) {
    ps_tally t = {0, 0};
    /* the survey form of the run */
    struct ps_form_criterion crits[2] = {
        {"TC1", "Thái độ công chức", "YT1", "Công chức", 0},
        {"TC2", "Thời gian giải quyết", "YT1", "Công chức", 0},
    };
    struct ps_form_element elems[1] = {{"YT1", "Công chức"}};
    fx f;
    fx_init(&f);
    f.agg.form.present = 1;
    f.agg.form.n_criteria = 2;
    f.agg.form.criteria = crits;
    f.agg.form.n_elements = 1;
    f.agg.form.elements = elems;
    ps_unit_agg *h1 = fx_unit(&f, "46001", "Phường Thuận Hóa", PS_LEVEL_COMMUNE, -1);
    ps_unit_agg *h2 = fx_unit(&f, "46002", "Xã Vinh Hưng", PS_LEVEL_COMMUNE, -1);

    /* Phường Thuận Hóa
     *  1.1 35 respondents; TC1 28/35 = 0.8, TC2 35/35 = 1 -> YT1 0.9 -> SIPAS 0.9 -> 18
     *  1.2 rated satisfied (10 + 9)/20 = 0.95 -> 10
     *  2.1 on time (38 + 10)/(40 + 10) = 0.96 -> 19.2
     *  2.2 nothing returned -> 10
     *  3.1 online 20/50 = 0.4 -> 10 x 0.4/0.5 = 8
     *  3.2 level 4 online 15/20 -> 7.5
     *  3.3 result digitised 24/30 = 0.8 -> 4
     *  4.1 late 2/50 = 0.04 -> 10 x (0.10 - 0.04)/0.09 = 20/3 (target <= 1% missed)
     *  4.2 apologies 1/2 -> 2.5
     *  total = 79.2 + 20/3 = 85.866... -> Tốt */
    h1->s.respondents = 35;
    h1->s.answered = calloc(2, sizeof(uint32_t));
    h1->s.satisfied = calloc(2, sizeof(uint32_t));
    h1->s.answered[0] = 35; h1->s.satisfied[0] = 28;
    h1->s.answered[1] = 35; h1->s.satisfied[1] = 35;
    h1->d.rated = 20; h1->d.rating[1] = 10; h1->d.rating[2] = 9; h1->d.rating[3] = 1;
    h1->d.received = 50; h1->d.by_channel[1] = 30; h1->d.by_channel[2] = 20;
    h1->d.finished = 40; h1->d.finished_on_time = 38; h1->d.finished_late = 2;
    h1->d.in_progress = 10; h1->d.in_progress_within = 10;
    h1->d.late = 2; h1->d.late_with_apology = 1;
    h1->d.level4_received = 20; h1->d.level4_online = 15;
    h1->d.result_doc_finished = 30; h1->d.result_digitized = 24;
    fx_examples(h1, PS_EX_LATE, 2, "HUE-1", "HUE-2", (char *)NULL);

    /* Xã Vinh Hưng: 10 respondents (< 30) -> 1.1 = 0 with the note; no
     * dossiers: 1.2, 2.1, 3.x = 0; 2.2 -> 10, 4.1 -> 10, 4.2 -> 5; total 25 -> Yếu */
    h2->s.respondents = 10;
    h2->s.answered = calloc(2, sizeof(uint32_t));
    h2->s.satisfied = calloc(2, sizeof(uint32_t));
    h2->s.answered[0] = 10; h2->s.satisfied[0] = 10;

    CHECK_INT(&t, fx_run(&f, "provinces/hue"), PS_OK);
    CHECK_INT(&t, f.res.n_units, 2);
    if (f.res.n_units != 2) return ps_test_done(&t);
    const ps_unit_result *a = &f.res.units[0], *b = &f.res.units[1];
    CHECK_NUM(&t, fx_crit(a, "1.1")->points, 18);
    CHECK_NUM(&t, fx_crit(a, "1.2")->points, 10);
    CHECK_INT(&t, fx_crit(a, "1.2")->target_met, 1);
    CHECK_NUM(&t, fx_crit(a, "2.1")->points, 19.2);
    CHECK_NUM(&t, fx_crit(a, "2.2")->points, 10);
    CHECK_NUM(&t, fx_crit(a, "3.1")->points, 8);
    CHECK_NUM(&t, fx_crit(a, "3.2")->points, 7.5);
    CHECK_NUM(&t, fx_crit(a, "3.3")->points, 4);
    CHECK_NUM(&t, fx_crit(a, "4.1")->points, 20.0 / 3);
    CHECK_NUM(&t, fx_crit(a, "4.1")->value, 0.04);
    CHECK_INT(&t, fx_crit(a, "4.1")->target_met, 0);
    CHECK_STR(&t, fx_crit(a, "4.1")->target, "≤ 1%");
    CHECK_INT(&t, fx_crit(a, "4.1")->n_lost, 1);    /* late (overdue list empty) */
    CHECK_NUM(&t, fx_crit(a, "4.2")->points, 2.5);
    CHECK_NUM(&t, a->groups[0].points, 28);
    CHECK_NUM(&t, a->groups[3].points, 20.0 / 3 + 2.5);
    CHECK_NUM(&t, a->total, 79.2 + 20.0 / 3);
    CHECK_STR(&t, a->band, "Tốt");
    CHECK_INT(&t, a->rank, 1);

    /* every criterion of Vinh Hưng: only the three "nothing happened" ones score */
    static const char *const ids[] = {"1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "3.3", "4.1", "4.2"};
    static const double want[] = {0, 0, 0, 10, 0, 0, 0, 10, 5};
    CHECK_INT(&t, b->n_criteria, 9);
    for (int i = 0; i < 9; i++) CHECK_NUM(&t, fx_crit(b, ids[i])->points, want[i]);
    CHECK_NUM(&t, fx_crit(b, "1.1")->points, 0);
    CHECK_STR(&t, fx_crit(b, "1.1")->note, "Chưa đủ mẫu khảo sát (tối thiểu 30 phiếu): 0 điểm");
    CHECK_NUM(&t, fx_crit(b, "2.2")->points, 10);
    CHECK_NUM(&t, fx_crit(b, "4.1")->points, 10);
    CHECK_NUM(&t, fx_crit(b, "4.2")->points, 5);
    CHECK_NUM(&t, b->total, 25);
    CHECK_STR(&t, b->band, "Yếu");
    CHECK_INT(&t, b->rank, 2);

    /* with min_respondents = 10 Vinh Hưng's SIPAS counts: TC1 10/10,
     * TC2 unanswered -> YT1 = 1 -> 20 points -> total 45 */
    fx_option(&f, "min_respondents", "10");
    CHECK_INT(&t, fx_run(&f, "provinces/hue"), PS_OK);
    CHECK_NUM(&t, f.res.units[1].total, 45);

    fx_free(&f);
    return ps_test_done(&t);
}
