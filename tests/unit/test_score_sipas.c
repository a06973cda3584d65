/*
 * test_score_sipas.c -- national/sipas.lua on a hand-built survey form
 * (2 elements, 3 criteria) and three units: one scored, one below the
 * minimum sample, one with an element nobody answered.
 */
#include "score_fixture.h"

int main(void) {
    ps_tally t = {0, 0};
    fx f;
    fx_init(&f);
    fx_survey_form(&f);      /* YT1: TC1, TC2; YT2: TC3 */

    /* X: TC1 36/40 = 0.9, TC2 14/20 = 0.7 -> YT1 = 0.8; TC3 27/30 = 0.9 -> YT2 = 0.9
     *    SIPAS = (0.8 + 0.9) / 2 = 0.85 -> 85 points, "Hài lòng" (>= 80)
     *    overall 34/40 = 0.85; kiosk (20 + 25)/50 = 0.9 */
    ps_unit_agg *x = fx_unit(&f, "26", "Thành phố Huế", PS_LEVEL_PROVINCE, -1);
    fx_answers(x, 40, (const uint32_t[]){40, 20, 30}, (const uint32_t[]){36, 14, 27});
    x->s.overall_answered = 40; x->s.overall_satisfied = 34;
    x->k.total = 50; x->k.level[1] = 20; x->k.level[2] = 25; x->k.level[4] = 5;
    /* Y: 12 respondents < 30 -> not scored, "Chưa đủ mẫu (12/30 phiếu)" */
    ps_unit_agg *y = fx_unit(&f, "26001", "Phường A", PS_LEVEL_COMMUNE, 0);
    fx_answers(y, 12, (const uint32_t[]){12, 12, 12}, (const uint32_t[]){12, 12, 12});
    /* Z: 30 respondents (= the minimum); TC1 30/30 = 1, TC2 15/30 = 0.5 ->
     *    YT1 = 0.75; nobody answered TC3 -> YT2 left out; SIPAS = 0.75 -> 75,
     *    "Khá" (>= 65); no kiosk presses: kiosk criterion den 0 */
    ps_unit_agg *z = fx_unit(&f, "26002", "Phường B", PS_LEVEL_COMMUNE, 0);
    fx_answers(z, 30, (const uint32_t[]){30, 30, 0}, (const uint32_t[]){30, 15, 0});

    CHECK_INT(&t, fx_run(&f, "national/sipas"), PS_OK);
    CHECK_INT(&t, f.n_failed, 0);
    CHECK_INT(&t, f.res.n_units, 3);
    if (f.res.n_units != 3) return ps_test_done(&t);
    const ps_unit_result *ux = &f.res.units[0], *uy = &f.res.units[1], *uz = &f.res.units[2];

    CHECK_NUM(&t, fx_crit(ux, "sipas")->value, 0.85);
    CHECK_NUM(&t, fx_crit(ux, "sipas")->points, 85);
    /* an index, not a count: "85%" without "(1/1)" */
    CHECK_STR(&t, fx_crit(ux, "sipas")->value_text, "85%");
    /* 15 points lost: the appendix explains them by element, lowest first */
    CHECK_INT(&t, (long)fx_crit(ux, "sipas")->n_explain, 2);
    if (fx_crit(ux, "sipas")->n_explain == 2) {
        CHECK_STR(&t, fx_crit(ux, "sipas")->explain[0], "Yếu tố Tiếp cận dịch vụ: 80% hài lòng");
        CHECK_STR(&t, fx_crit(ux, "sipas")->explain[1], "Yếu tố Công chức: 90% hài lòng");
    }
    CHECK_NUM(&t, fx_crit(ux, "overall")->value, 0.85);
    CHECK_NUM(&t, fx_crit(ux, "overall")->points, 0);
    CHECK_NUM(&t, fx_crit(ux, "kiosk")->value, 0.9);
    CHECK_NUM(&t, ux->total, 85);
    CHECK_INT(&t, ux->scored, 1);
    CHECK(&t, ux->status == NULL);
    CHECK_STR(&t, ux->band, "Hài lòng");
    CHECK_STR(&t, fx_fact(ux, "Số phiếu khảo sát"), "40");
    CHECK_STR(&t, fx_fact(ux, "Yếu tố: Tiếp cận dịch vụ"), "80%");
    CHECK_STR(&t, fx_fact(ux, "Yếu tố: Công chức"), "90%");
    CHECK_STR(&t, fx_fact(ux, "Số lượt đánh giá qua kiosk"), "50");

    CHECK_INT(&t, uy->scored, 0);
    CHECK_STR(&t, uy->status, "Chưa đủ mẫu (12/30 phiếu)");
    CHECK_NUM(&t, uy->total, 0);
    CHECK_NUM(&t, fx_crit(uy, "sipas")->value, 1);    /* shown, not scored */
    CHECK(&t, uy->band == NULL);
    CHECK_INT(&t, uy->rank, 0);

    CHECK_INT(&t, uz->scored, 1);
    CHECK_NUM(&t, fx_crit(uz, "sipas")->points, 75);
    CHECK_STR(&t, fx_fact(uz, "Yếu tố: Công chức"), "không có câu trả lời");
    CHECK(&t, isnan(fx_crit(uz, "kiosk")->value));
    CHECK_STR(&t, uz->band, "Khá");
    CHECK_INT(&t, uz->rank, 1);        /* the only scored commune */
    CHECK_INT(&t, uz->rank_of, 1);

    /* min_respondents = 50: X (40) is now short of the sample too */
    fx_option(&f, "min_respondents", "50");
    CHECK_INT(&t, fx_run(&f, "national/sipas"), PS_OK);
    CHECK_INT(&t, f.res.units[0].scored, 0);
    CHECK_STR(&t, f.res.units[0].status, "Chưa đủ mẫu (40/50 phiếu)");
    CHECK_STR(&t, f.res.units[2].status, "Chưa đủ mẫu (30/50 phiếu)");

    /* no form in the run: SIPAS has no element -> 0 points, not an error */
    f.n_options = 0;
    f.agg.form.present = 0;
    CHECK_INT(&t, fx_run(&f, "national/sipas"), PS_OK);
    CHECK_NUM(&t, fx_crit(&f.res.units[0], "sipas")->points, 0);
    CHECK_INT(&t, fx_crit(&f.res.units[0], "sipas")->target_met, -1);

    fx_free(&f);
    return ps_test_done(&t);
}
