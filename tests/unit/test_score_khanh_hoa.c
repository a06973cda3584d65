/*
 * test_score_khanh_hoa.c -- provinces/khanh_hoa.lua on two hand-built
 * units, including its custom (compute) indicator, zero denominators and
 * its two measures (KPI from the KPI software; dossiers received
 * regardless of administrative boundaries, self-assessed and appraised).
 */
#include "score_fixture.h"

int main(void) {
    ps_tally t = {0, 0};
    fx f;
    fx_init(&f);
    ps_unit_agg *k1 = fx_unit(&f, "56", "Tỉnh Khánh Hòa", PS_LEVEL_PROVINCE, -1);
    fx_unit(&f, "56001", "Phường Nha Trang", PS_LEVEL_COMMUNE, 0);   /* no data */

    /* Tỉnh Khánh Hòa
     *  1.1 on time 97/100 -> 15 x 0.97 = 14.55 (target 98% missed)
     *  1.2 synced 90/100 -> 4.5
     *  1.3 KPI 81% (system) -> min(10, 10 x 0.81/0.90) = 9
     *  2.1 input digitised 60/100 -> 6
     *  2.2 result digitised 45/50 -> 9
     *  3.1 feedback on time 3/4 -> 7.5
     *  3.2 feedback handled ok 3/4 answered -> 7.5
     *  4.1 handled ok 92/100 = 0.92 >= 0.90 -> 10
     *  4.2 (kiosk 10 + 14 + ratings 12 + 6)/(30 + 20) = 42/50 -> 8.4
     *  5.1 regardless of boundaries: self 100%, appraised 80% -> 10 x 0.8 = 8
     *  total = 84.45 -> Tốt */
    k1->d.received = 100; k1->d.synced = 90; k1->d.input_digitized = 60;
    k1->d.finished = 100; k1->d.finished_on_time = 97; k1->d.finished_late = 3;
    k1->d.late = 3; k1->d.handled_ok = 92;
    k1->d.result_doc_finished = 50; k1->d.result_digitized = 45;
    k1->f.received = 4; k1->f.answered = 4; k1->f.answered_on_time = 3;
    k1->f.answered_late = 1; k1->f.handled_ok = 3;
    k1->k.total = 30; k1->k.level[1] = 10; k1->k.level[2] = 14; k1->k.level[4] = 6;
    k1->d.rated = 20; k1->d.rating[1] = 12; k1->d.rating[2] = 6; k1->d.rating[4] = 2;
    fx_examples(k1, PS_EX_UNSATISFIED, 2, "KH-1", "KH-2", (char *)NULL);
    CHECK_INT(&t, fx_measure(&f, "56", "kpi_ket_qua", PS_ASSESS_SYSTEM, 81, "81%", NULL), PS_OK);
    CHECK_INT(&t, fx_measure(&f, "56", "phi_dia_gioi", PS_ASSESS_SELF, 100, "100%", "12/QĐ-UBND"), PS_OK);
    CHECK_INT(&t, fx_measure(&f, "56", "phi_dia_gioi", PS_ASSESS_APPRAISAL, 80, "80%", NULL), PS_OK);

    CHECK_INT(&t, fx_run(&f, "provinces/khanh_hoa"), PS_OK);
    CHECK_INT(&t, f.res.n_units, 2);
    if (f.res.n_units != 2) return ps_test_done(&t);
    const ps_unit_result *a = &f.res.units[0], *b = &f.res.units[1];
    CHECK_NUM(&t, fx_crit(a, "1.1")->points, 14.55);
    CHECK_INT(&t, fx_crit(a, "1.1")->target_met, 0);
    CHECK_NUM(&t, fx_crit(a, "1.2")->points, 4.5);
    CHECK_NUM(&t, fx_crit(a, "1.3")->points, 9);
    CHECK_INT(&t, fx_crit(a, "1.3")->target_met, 0);
    CHECK_STR(&t, fx_crit(a, "1.3")->measure->system, "81%");
    CHECK_NUM(&t, fx_crit(a, "2.1")->points, 6);
    CHECK_NUM(&t, fx_crit(a, "2.2")->points, 9);
    CHECK_NUM(&t, fx_crit(a, "5.1")->points, 8);
    CHECK_STR(&t, fx_crit(a, "5.1")->lost_reason, "Thẩm định giảm từ 100% (tự đánh giá) xuống 80%");
    CHECK_STR(&t, fx_crit(a, "5.1")->measure->evidence, "12/QĐ-UBND");
    CHECK_NUM(&t, fx_crit(a, "3.1")->points, 7.5);
    CHECK_NUM(&t, fx_crit(a, "3.2")->points, 7.5);
    CHECK_NUM(&t, fx_crit(a, "4.1")->points, 10);
    CHECK_INT(&t, fx_crit(a, "4.1")->target_met, 1);
    CHECK_NUM(&t, fx_crit(a, "4.2")->num, 42);
    CHECK_NUM(&t, fx_crit(a, "4.2")->den, 50);
    CHECK_NUM(&t, fx_crit(a, "4.2")->points, 8.4);
    const ps_criterion_result *k = fx_crit(a, "4.2");
    CHECK_INT(&t, k->n_lost, 1);
    if (k->n_lost == 1) {
        CHECK_STR(&t, k->lost[0].key, "unsatisfied");
        CHECK_STR(&t, ps_example_code(k->lost[0].codes, 1), "KH-2");
    }
    CHECK_NUM(&t, a->total, 84.45);
    CHECK_STR(&t, a->band, "Tốt");
    CHECK_STR(&t, fx_fact(a, "Bình quân điểm các đơn vị trực thuộc"), "20,00 (1 đơn vị)");

    /* Phường Nha Trang: only the two feedback criteria (10 + 10) -> 20, Yếu;
     * the measures not reported: 0 points, a note and a data-quality line */
    static const char *const ids[] = {"1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2", "4.1",
                                      "4.2", "5.1"};
    static const double want[] = {0, 0, 0, 0, 0, 10, 10, 0, 0, 0};
    CHECK_INT(&t, b->n_criteria, 10);
    for (int i = 0; i < 10; i++) CHECK_NUM(&t, fx_crit(b, ids[i])->points, want[i]);
    CHECK_STR(&t, fx_crit(b, "1.3")->note, "Chưa báo cáo");
    CHECK_INT(&t, b->n_quality, 1);
    if (b->n_quality == 1) {
        CHECK_STR(&t, b->quality[0].issue, "measure_not_reported");
        CHECK_INT(&t, b->quality[0].count, 2);
        CHECK_STR(&t, b->quality[0].examples, "kpi_ket_qua; phi_dia_gioi");
    }
    CHECK_NUM(&t, fx_crit(b, "4.2")->points, 0);
    CHECK_NUM(&t, fx_crit(b, "4.2")->den, 0);
    CHECK_NUM(&t, fx_crit(b, "3.1")->points, 10);
    CHECK_NUM(&t, b->total, 20);
    CHECK_STR(&t, b->band, "Yếu");

    fx_free(&f);
    return ps_test_done(&t);
}
