/*
 * test_score_lao_cai.c -- provinces/lao_cai.lua on two hand-built communes
 * (the province itself is not selected); each criterion worked out below.
 */
#include "score_fixture.h"

int main(void) {
    ps_tally t = {0, 0};
    fx f;
    fx_init(&f);
    fx_unit(&f, "10", "Tỉnh Lào Cai", PS_LEVEL_PROVINCE, -1);
    f.items[0].selected = 0;              /* outside the scope: not scored */
    ps_unit_agg *c1 = fx_unit(&f, "10001", "Xã Quang Kim", PS_LEVEL_COMMUNE, 0);
    ps_unit_agg *c2 = fx_unit(&f, "10002", "Xã Bản Phiệt", PS_LEVEL_COMMUNE, 0);

    /* Xã Quang Kim
     *  1.1 cut 3.5/10 = 0.35 >= 0.30 -> 20 (target met)
     *  1.2 on time 99/100 = 0.99 -> linear(0.90, 0.99) = 25
     *  2.1 satisfied (30 + 17)/50 = 0.94 -> min(20, 20 x 0.94/0.95) = 376/19
     *  3.1 returned 20, none late -> 15
     *  3.2 late 1, with apology 1 -> 10
     *  4.1 level 4 online 5/10 -> 5
     *  total = 75 + 376/19 = 94.789... -> Hoàn thành xuất sắc nhiệm vụ */
    c1->d.cut_n = 10; c1->d.cut_sum = 3.5; c1->d.cut_ge30 = 7; c1->d.days_sum = 42;
    c1->d.finished = 100; c1->d.finished_on_time = 99; c1->d.finished_late = 1;
    c1->d.late = 1; c1->d.late_with_apology = 1;
    c1->d.rated = 50; c1->d.rating[1] = 30; c1->d.rating[2] = 17; c1->d.rating[4] = 3;
    c1->d.returned = 20;
    c1->d.level4_received = 10; c1->d.level4_online = 5;

    /* Xã Bản Phiệt
     *  1.1 cut 0.6/4 = 0.15 -> 20 x 0.15/0.30 = 10 (target missed)
     *  1.2 on time (47 + 8)/(50 + 10) = 11/12 -> 25 x (11/12 - 0.90)/0.09 = 125/27
     *  2.1 nobody rated -> 0 with the note
     *  3.1 returned 10, 2 late -> 0 (all or nothing)
     *  3.2 late 3 + 2 = 5, apologies 2 -> 10 x 0.4 = 4
     *  4.1 no level-4 dossiers -> 0
     *  total = 14 + 125/27 = 18.629... -> Không hoàn thành nhiệm vụ */
    c2->d.cut_n = 4; c2->d.cut_sum = 0.6; c2->d.days_sum = 30;
    c2->d.finished = 50; c2->d.finished_on_time = 47; c2->d.finished_late = 3;
    c2->d.in_progress = 10; c2->d.in_progress_within = 8; c2->d.in_progress_over = 2;
    c2->d.late = 5; c2->d.late_with_apology = 2;
    c2->d.returned = 10; c2->d.returned_late = 2;
    fx_examples(c2, PS_EX_RETURNED_LATE, 2, "LC-7", "LC-8", (char *)NULL);
    fx_examples(c2, PS_EX_LATE_NO_APOLOGY, 3, "LC-1", (char *)NULL);

    CHECK_INT(&t, fx_run(&f, "provinces/lao_cai"), PS_OK);
    CHECK_INT(&t, f.res.n_units, 2);
    if (f.res.n_units != 2) return ps_test_done(&t);
    const ps_unit_result *a = &f.res.units[0], *b = &f.res.units[1];
    CHECK_STR(&t, f.res.ruleset_id, "provinces/lao_cai");
    CHECK_STR(&t, a->code, "10001");
    CHECK_NUM(&t, fx_crit(a, "1.1")->points, 20);
    CHECK_NUM(&t, fx_crit(a, "1.1")->value, 0.35);
    CHECK_INT(&t, fx_crit(a, "1.1")->target_met, 1);
    CHECK_STR(&t, fx_crit(a, "1.1")->target, "≥ 30%");
    CHECK_NUM(&t, fx_crit(a, "1.2")->points, 25);
    CHECK_INT(&t, fx_crit(a, "1.2")->target_met, 1);
    CHECK_NUM(&t, fx_crit(a, "2.1")->points, 376.0 / 19);
    CHECK_INT(&t, fx_crit(a, "2.1")->target_met, 0);
    CHECK_NUM(&t, fx_crit(a, "3.1")->points, 15);
    CHECK_NUM(&t, fx_crit(a, "3.2")->points, 10);
    CHECK_NUM(&t, fx_crit(a, "4.1")->points, 5);
    CHECK_NUM(&t, a->total, 75 + 376.0 / 19);
    CHECK_STR(&t, a->band, "Hoàn thành xuất sắc nhiệm vụ");
    CHECK_STR(&t, fx_fact(a, "Hồ sơ cắt giảm từ 30% thời gian trở lên"), "7/10 (70%)");
    CHECK_STR(&t, fx_fact(a, "Thời gian giải quyết bình quân"), "4,2 ngày làm việc");

    CHECK_NUM(&t, fx_crit(b, "1.1")->points, 10);
    CHECK_INT(&t, fx_crit(b, "1.1")->target_met, 0);
    CHECK_NUM(&t, fx_crit(b, "1.2")->points, 125.0 / 27);
    CHECK_NUM(&t, fx_crit(b, "2.1")->points, 0);
    CHECK_STR(&t, fx_crit(b, "2.1")->note, "Chưa có đánh giá của người dân: 0 điểm");
    CHECK_NUM(&t, fx_crit(b, "3.1")->points, 0);
    CHECK_STR(&t, fx_crit(b, "3.1")->target, "100%");
    const ps_criterion_result *ret = fx_crit(b, "3.1");
    CHECK_INT(&t, ret->n_lost, 1);
    if (ret->n_lost == 1) {
        CHECK_STR(&t, ret->lost[0].key, "returned_late");
        CHECK_STR(&t, ret->lost[0].label, "Trả kết quả muộn");
        CHECK_INT(&t, ret->lost[0].count, 2);
        CHECK_STR(&t, ps_example_code(ret->lost[0].codes, 0), "LC-7");
    }
    CHECK_NUM(&t, fx_crit(b, "3.2")->points, 4);
    CHECK_INT(&t, fx_crit(b, "3.2")->n_lost, 1);
    CHECK_NUM(&t, fx_crit(b, "4.1")->points, 0);
    CHECK_NUM(&t, b->total, 14 + 125.0 / 27);
    CHECK_STR(&t, b->band, "Không hoàn thành nhiệm vụ");
    CHECK_INT(&t, b->rank, 2);
    CHECK_INT(&t, b->rank_of, 2);
    /* 30 working days over 4 dossiers = 7.5; none cut by 30% */
    CHECK_STR(&t, fx_fact(b, "Thời gian giải quyết bình quân"), "7,5 ngày làm việc");
    CHECK_STR(&t, fx_fact(b, "Hồ sơ cắt giảm từ 30% thời gian trở lên"), "0/4 (0%)");

    fx_free(&f);
    return ps_test_done(&t);
}
