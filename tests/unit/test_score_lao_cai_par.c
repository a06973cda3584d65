/*
 * test_score_lao_cai_par.c -- provinces/lao_cai_par.lua: the worked example
 * of docs/rules.md ("A commune PAR index with measures, bonus and
 * deduction"), computed by hand, on a commune whose measures arrive as a
 * measures source emits them; a commune with nothing reported; and the
 * measure checks (out of range, kind, unknown key, assessed twice).
 */
#include <unistd.h>

#include "score_fixture.h"

static const ps_quality_line *quality(const ps_unit_result *u, const char *issue) {
    for (size_t i = 0; i < u->n_quality; i++)
        if (!strcmp(u->quality[i].issue, issue)) return &u->quality[i];
    return NULL;
}

static const ps_dq_entry *dq(const ps_unit_agg *a, const char *key) {
    for (size_t i = 0; i < a->n_dq; i++)
        if (!strcmp(a->dq[i].key, key)) return &a->dq[i];
    return NULL;
}

int main(void) {
    ps_tally t = {0, 0};
    fx f;
    fx_init(&f);
    fx_survey_form(&f);      /* YT1: TC1, TC2; YT2: TC3 */

    fx_unit(&f, "15", "Tỉnh Lào Cai", PS_LEVEL_PROVINCE, -1);
    ps_unit_agg *a = fx_unit(&f, "02647", "Phường Lào Cai", PS_LEVEL_COMMUNE, 0);
    ps_unit_agg *b = fx_unit(&f, "02650", "Phường Cam Đường", PS_LEVEL_COMMUNE, 0);

    /* Phường Lào Cai: the worked example (docs/rules.md) */
    a->d.received = 100; a->d.finished = 100; a->d.finished_on_time = 96;
    a->d.finished_late = 4; a->d.late = 4; a->d.late_with_apology = 3;
    a->d.level4_received = 50; a->d.level4_online = 40;
    a->d.input_digitized = 70;
    a->d.result_doc_finished = 80; a->d.result_digitized = 60;
    a->d.rated = 50; a->d.rating[1] = 30; a->d.rating[2] = 15; a->d.rating[4] = 5;
    /* SIPAS: YT1 = (36/40 + 14/20)/2 = 0.8, YT2 = 27/30 = 0.9 -> 0.85 */
    fx_answers(a, 40, (const uint32_t[]){40, 20, 30}, (const uint32_t[]){36, 14, 27});
    CHECK_INT(&t, fx_measure(&f, "02647", "ke_hoach_cchc", PS_ASSESS_SELF, 1, "Có", "25/KH-UBND"), PS_OK);
    CHECK_INT(&t, fx_measure(&f, "02647", "ke_hoach_cchc", PS_ASSESS_APPRAISAL, 1, "Có", NULL), PS_OK);
    CHECK_INT(&t, fx_measure(&f, "02647", "hoan_thanh_ke_hoach", PS_ASSESS_SELF, 95, "95%", "120/BC-UBND"), PS_OK);
    CHECK_INT(&t, fx_measure(&f, "02647", "hoan_thanh_ke_hoach", PS_ASSESS_APPRAISAL, 90, "90%", NULL), PS_OK);
    CHECK_INT(&t, fx_measure(&f, "02647", "bao_cao_dung_han", PS_ASSESS_SELF, 3, NULL, NULL), PS_OK);
    CHECK_INT(&t, fx_measure(&f, "02647", "tuyen_truyen", PS_ASSESS_SELF, 5, NULL, NULL), PS_OK);
    CHECK_INT(&t, fx_measure(&f, "02647", "van_ban_ky_so", PS_ASSESS_SYSTEM, 85, "85%", NULL), PS_OK);
    CHECK_INT(&t, fx_measure(&f, "02647", "sang_kien", PS_ASSESS_SELF, 2, NULL, "QĐ 88/QĐ-UBND"), PS_OK);
    CHECK_INT(&t, fx_measure(&f, "02647", "sang_kien", PS_ASSESS_APPRAISAL, 1, NULL, NULL), PS_OK);

    /* Phường Cam Đường: no dossiers, no survey; measures that cannot be
     * used: out of range, text where a number is declared, a key the rule
     * set does not declare, the same assessor twice (the first is kept) */
    CHECK_INT(&t, fx_measure(&f, "02650", "hoan_thanh_ke_hoach", PS_ASSESS_SELF, 150, "150%", "1/BC"), PS_OK);
    CHECK_INT(&t, fx_measure(&f, "02650", "tuyen_truyen", PS_ASSESS_SELF, NAN, "nhiều", NULL), PS_OK);
    CHECK_INT(&t, fx_measure(&f, "02650", "kpi_cu", PS_ASSESS_SELF, 1, NULL, NULL), PS_OK);
    CHECK_INT(&t, fx_measure(&f, "02650", "phe_binh", PS_ASSESS_APPRAISAL, 2, NULL, NULL), PS_OK);
    CHECK_INT(&t, fx_measure(&f, "02650", "phe_binh", PS_ASSESS_APPRAISAL, 3, NULL, NULL), PS_OK);
    /* a unit that is not in the list: reported, never a crash */
    CHECK_INT(&t, fx_measure(&f, "99999", "phe_binh", PS_ASSESS_SELF, 1, NULL, NULL), PS_OK);
    CHECK_INT(&t, (int)f.agg.n_unknown, 1);
    const ps_dq_entry *twice = dq(b, "measure_assessed_twice");
    CHECK(&t, twice != NULL);
    if (twice) CHECK_STR(&t, twice->examples[0], "phe_binh");

    CHECK_INT(&t, fx_run(&f, "provinces/lao_cai_par"), PS_OK);
    CHECK_INT(&t, f.n_failed, 0);
    CHECK_INT(&t, f.res.n_units, 3);
    if (f.res.n_units != 3) return ps_test_done(&t);
    const ps_unit_result *ua = &f.res.units[1], *ub = &f.res.units[2];
    if (ua->failed) fprintf(stderr, "%s\n", ua->error);

    /* group 1: 4 + 6.4 + 0 + 4 = 14.4 */
    const ps_criterion_result *c = fx_crit(ua, "1.1");
    CHECK_NUM(&t, c->points, 4);
    CHECK(&t, c->measure != NULL);
    CHECK_STR(&t, c->measure->source, "appraisal");
    CHECK_STR(&t, c->measure->evidence, "25/KH-UBND");
    c = fx_crit(ua, "1.2");                 /* appraised 90% wins over 95% */
    CHECK_NUM(&t, c->points, 6.4);
    CHECK_STR(&t, c->value_text, "90%");
    CHECK_STR(&t, c->measure->self, "95%");
    CHECK_STR(&t, c->measure->appraised, "90%");
    CHECK_STR(&t, c->lost_reason, "Thẩm định giảm từ 95% (tự đánh giá) xuống 90%");
    CHECK_INT(&t, c->target_met, 0);
    c = fx_crit(ua, "1.3");                 /* self-assessed 3 without evidence */
    CHECK_NUM(&t, c->points, 0);
    CHECK_STR(&t, c->note, "Thiếu tài liệu kiểm chứng");
    CHECK_STR(&t, c->lost_reason, "Thiếu tài liệu kiểm chứng cho giá trị tự đánh giá 3");
    CHECK_NUM(&t, fx_crit(ua, "1.4")->points, 4);
    CHECK_NUM(&t, ua->groups[0].points, 14.4);
    /* group 2: 15 x 0.96/0.98 + 10 x 0.8 + 5 x 0.75 + 10 x 0.7 */
    CHECK_NUM(&t, fx_crit(ua, "2.1")->points, 15 * 0.96 / 0.98);
    CHECK_NUM(&t, ua->groups[1].points, 15 * 0.96 / 0.98 + 8 + 3.75 + 7);
    /* group 3: 8 x 0.85/0.9 (system value) + 7 x 0.75 */
    CHECK_NUM(&t, fx_crit(ua, "3.1")->points, 8 * 0.85 / 0.9);
    CHECK_STR(&t, fx_crit(ua, "3.1")->measure->system, "85%");
    CHECK_NUM(&t, ua->groups[2].points, 8 * 0.85 / 0.9 + 5.25);
    /* group 4: 15 x SIPAS 0.85 + 10 x 0.9/0.95 */
    CHECK_NUM(&t, fx_crit(ua, "4.1")->points, 12.75);
    CHECK_NUM(&t, ua->groups[3].points, 12.75 + 10 * 0.9 / 0.95);
    double base = 14.4 + (15 * 0.96 / 0.98 + 18.75) + (8 * 0.85 / 0.9 + 5.25) +
                  (12.75 + 10 * 0.9 / 0.95);
    CHECK_NUM(&t, ua->base_total, base);   /* 82.8731 */
    /* bonus: 1 initiative (appraisal lowered 2 to 1) + 0 (on time 96% < 99%) */
    c = fx_crit(ua, "T.1");
    CHECK_INT(&t, c->section, PS_SECTION_BONUS);
    CHECK_NUM(&t, c->points, 1);
    CHECK_NUM(&t, fx_crit(ua, "T.2")->points, 0);
    CHECK_NUM(&t, ua->bonus, 1);
    /* deduction: 1 late dossier without apology x 0.5; phe_binh not reported */
    c = fx_crit(ua, "D.1");
    CHECK_INT(&t, c->section, PS_SECTION_DEDUCTION);
    CHECK_NUM(&t, c->points, 0.5);
    CHECK_NUM(&t, fx_crit(ua, "D.2")->points, 0);
    CHECK_NUM(&t, ua->deduction, 0.5);
    CHECK_NUM(&t, ua->total, base + 1 - 0.5);   /* 83.3731 */
    CHECK_STR(&t, ua->band, "Tốt");
    const ps_quality_line *q = quality(ua, "measure_not_reported");
    CHECK(&t, q != NULL);
    if (q) {
        CHECK_INT(&t, q->count, 1);
        CHECK_STR(&t, q->examples, "phe_binh");
    }
    q = quality(ua, "measure_no_evidence");
    CHECK(&t, q != NULL);
    if (q) CHECK_STR(&t, q->examples, "bao_cao_dung_han (measures.csv, dòng 6)");

    /* Phường Cam Đường: only 2.3 (no late dossier: 5) and nothing else;
     * the appraised 2 criticisms (the first of two) cost 2 points -> 3 */
    CHECK_NUM(&t, ub->base_total, 5);
    c = fx_crit(ub, "1.2");
    CHECK_NUM(&t, c->points, 0);
    CHECK_STR(&t, c->note, "Giá trị không hợp lệ: 150% ngoài khoảng 0%–100%");
    CHECK_STR(&t, fx_crit(ub, "1.1")->note, "Chưa báo cáo");
    CHECK_STR(&t, fx_crit(ub, "1.1")->lost_reason,
              "Chưa báo cáo: không có giá trị tự đánh giá, thẩm định hay của hệ thống");
    CHECK_NUM(&t, fx_crit(ub, "D.2")->points, 2);
    CHECK_NUM(&t, ub->total, 3);
    CHECK_STR(&t, ub->band, "Yếu");
    q = quality(ub, "measure_out_of_range");
    CHECK(&t, q != NULL);
    if (q) CHECK_STR(&t, q->examples, "hoan_thanh_ke_hoach (tự đánh giá, measures.csv, dòng 11)");
    q = quality(ub, "measure_kind_mismatch");
    CHECK(&t, q != NULL);
    if (q) CHECK_STR(&t, q->examples, "tuyen_truyen (tự đánh giá, measures.csv, dòng 12)");
    q = quality(ub, "measure_unknown_key");
    CHECK(&t, q != NULL);
    if (q) CHECK_STR(&t, q->examples, "kpi_cu");
    q = quality(ub, "measure_not_reported");
    CHECK(&t, q != NULL);
    if (q) CHECK_INT(&t, q->count, 4);      /* 1.1, 1.3, 3.1's, sang_kien */

    /* measures_strict: the same data stops the run at the first finding
     * that is not "not reported", naming the unit and row */
    f.opts.measures_strict = 1;
    fprintf(stderr, "(an error is expected next)\n");
    CHECK_INT(&t, fx_run(&f, "provinces/lao_cai_par"), PS_EDATA);
    CHECK_STR(&t, f.err.where, "02647");
    CHECK(&t, strstr(f.err.message, "measure_no_evidence: bao_cao_dung_han (measures.csv, dòng 6)") != NULL);
    f.opts.measures_strict = 0;

    /* total_cap and bands_on: 9 points in the groups + 3 bonus = 12,
     * capped at 10; bands on the groups' 9 ("before") or on the 10 */
    static const char *const cap_rules =
        "local R = require('parscore.rules')\n"
        "return R.ruleset{ id = 'cap', name = 'Cap', total = 10, total_cap = 10,\n"
        "  bands_on = options.bands_on or 'after', bands = '10:A,9.5:B,0:C',\n"
        "  R.group{ id = '1', name = 'G', max = 10,\n"
        "    R.criterion{ id = '1.1', name = 'A', max = 10, award = function() return 9 end } },\n"
        "  bonus = { R.criterion{ id = 'T', name = 'T', max = 3, award = function() return 3 end } },\n"
        "}\n";
    char dir[] = "/tmp/ps-cap-XXXXXX", path[64];
    if (mkdtemp(dir)) {
        snprintf(path, sizeof path, "%s/cap.lua", dir);
        FILE *rf = fopen(path, "w");
        if (rf) {
            fputs(cap_rules, rf);
            fclose(rf);
        }
        CHECK_INT(&t, fx_run(&f, path), PS_OK);
        const ps_unit_result *c1 = &f.res.units[1];
        CHECK_NUM(&t, c1->base_total, 9);
        CHECK_NUM(&t, c1->bonus, 3);
        CHECK_NUM(&t, c1->total, 10);
        CHECK_STR(&t, c1->band, "A");
        CHECK_NUM(&t, f.res.total_cap, 10);
        fx_option(&f, "bands_on", "before");
        CHECK_INT(&t, fx_run(&f, path), PS_OK);
        c1 = &f.res.units[1];
        CHECK_NUM(&t, c1->total, 10);       /* ranked on the final total */
        CHECK_STR(&t, c1->band, "C");       /* banded on the groups' 9 */
        CHECK_INT(&t, f.res.bands_before, 1);
        unlink(path);
        rmdir(dir);
    }

    fx_free(&f);
    return ps_test_done(&t);
}
