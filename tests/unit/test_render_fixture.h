/*
 * test_render_fixture.h -- a hand-built ps_results for the renderer tests:
 * a scored commune with a long name, many criteria (the table overflows a
 * page), lost dossier codes and a previous period; a unit whose rule
 * script failed; a unit not scored for lack of survey answers.
 */
#ifndef TEST_RENDER_FIXTURE_H
#define TEST_RENDER_FIXTURE_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "score/ps_result.h"

static const char *fx_group_names[4] = {
    "Công khai, minh bạch thông tin thủ tục hành chính",
    "Tiến độ giải quyết hồ sơ", "Cung cấp dịch vụ công trực tuyến",
    "Mức độ hài lòng của người dân, doanh nghiệp"};

static void fx_groups(ps_results *r, ps_unit_result *u, const double *pts,
                      const double *max) {
    u->n_groups = 4;
    u->groups = ps_arena_alloc(&r->arena, 4 * sizeof *u->groups);
    for (int g = 0; g < 4; g++) {
        u->groups[g].id = ps_arena_printf(&r->arena, "G%d", g + 1);
        u->groups[g].name = fx_group_names[g];
        u->groups[g].points = pts[g];
        u->groups[g].max = max[g];
    }
}

/* Unit 0 "15.001": 28 criteria, 7 per group.  Criterion 1 (index 0):
 * 1.234/1.250 = 0,98720 -> "98,7%", 17,25 of 18 points.  Every other
 * criterion: num 90, den 100 -> "90,0%", 2,5 of 3 points.
 * Group 1 (criteria 1..7): 17,25 + 6 * 2,5 = 32,25 of 18 + 6 * 3 = 36.
 * Groups 2..4: 7 * 2,5 = 17,5 of 21.  Total 32,25 + 3 * 17,5 = 84,75 of 99. */
static void fx_unit0(ps_results *r, ps_unit_result *u) {
    ps_arena *a = &r->arena;
    u->code = "15.001";
    u->name = "Xã Tả Van Chư thuộc vùng kinh tế - xã hội đặc biệt khó khăn của "
              "huyện Bắc Hà cũ (tên dài để thử xuống dòng)";
    u->level = "commune";
    u->parent_code = "15";
    u->parent_name = "Tỉnh Lào Cai";
    u->scored = 1;
    u->total = 84.75;
    u->max = 99;
    u->band = "Tốt";
    u->rank = 12;
    u->rank_of = 152;
    static const double pts[4] = {32.25, 17.5, 17.5, 17.5}, max[4] = {36, 21, 21, 21};
    fx_groups(r, u, pts, max);
    u->n_criteria = 28;
    u->criteria = ps_arena_alloc(a, 28 * sizeof *u->criteria);
    for (int i = 0; i < 28; i++) {
        ps_criterion_result *c = &u->criteria[i];
        c->id = ps_arena_printf(a, "C%02d", i + 1);
        c->group = i / 7;
        c->group_id = u->groups[i / 7].id;
        c->has_ratio = 1;
        if (i == 0) {
            c->name = "Tỷ lệ hồ sơ giải quyết đúng hạn, trước hạn so với tổng số "
                      "hồ sơ đã giải quyết trong kỳ đánh giá (kể cả hồ sơ liên thông "
                      "giữa các cấp chính quyền)";
            c->num = 1234; c->den = 1250; c->value = 1234.0 / 1250.0;
            c->points = 17.25; c->max = 18;
            c->target = "≥ 99%";
            c->target_met = 0;
        } else {
            c->name = ps_arena_printf(a, "Tiêu chí số %d: tỷ lệ đạt yêu cầu về ứng "
                                      "dụng dịch vụ công trực tuyến", i + 1);
            c->num = 90; c->den = 100; c->value = 0.9;
            c->points = 2.5; c->max = 3;
            c->target = "≥ 95%";
            c->target_met = 0;
        }
        if (i == 27) {
            /* a survey criterion: no dossier list, its elements explain it */
            static const char *lines[2] = {"Yếu tố Công chức: 70% hài lòng",
                                           "Yếu tố Tiếp cận dịch vụ: 88% hài lòng"};
            c->n_explain = 2;
            c->explain = lines;
        }
        if (i < 3) {
            /* 60 late dossiers, 40 codes kept: "và 20 hồ sơ khác" */
            c->n_lost = 1;
            c->lost = ps_arena_alloc(a, sizeof *c->lost);
            c->lost[0].key = "late";
            c->lost[0].label = "Hồ sơ giải quyết quá hạn";
            c->lost[0].count = 60;
            c->lost[0].n_codes = 40;
            /* the list as the aggregate keeps it: codes one after the other */
            ps_examples *ex = ps_arena_alloc(a, sizeof *ex);
            memset(ex, 0, sizeof *ex);
            ex->count = 60;
            ex->kept = 40;
            ex->off = ps_arena_alloc(a, 40 * sizeof *ex->off);
            ex->text = ps_arena_alloc(a, 40 * 24);
            for (int k = 0; k < 40; k++) {
                ex->off[k] = ex->text_len;
                ex->text_len += (uint32_t)sprintf(ex->text + ex->text_len,
                                                  "H15.22-%03d-2025-%05d", i + 1, k + 1) + 1;
            }
            c->lost[0].codes = ex;
        }
    }
    u->has_previous = 1;
    u->prev_total = 82.25;                 /* +2,50 */
    u->prev_rank = 15;
    u->prev_rank_of = 150;
    u->prev_groups = ps_arena_alloc(a, 4 * sizeof(double));
    u->prev_groups[0] = 33.0;              /* -0,75 */
    u->prev_groups[1] = 16.0;              /* +1,50 */
    u->prev_groups[2] = 17.5;              /* 0 */
    u->prev_groups[3] = NAN;               /* unknown */
    u->n_facts = 1;
    u->fact_keys = ps_arena_alloc(a, sizeof(char *));
    u->fact_values = ps_arena_alloc(a, sizeof(char *));
    u->fact_keys[0] = "Số hồ sơ tiếp nhận";
    u->fact_values[0] = "1.250";
}

static void fx_build(ps_results *r, ps_unit_agg *agg0) {
    memset(r, 0, sizeof *r);
    memset(agg0, 0, sizeof *agg0);
    r->ruleset_name = "Chỉ số phục vụ người dân, doanh nghiệp (766)";
    r->ruleset_id = "national/index766";
    r->ruleset_version = "2025.1";
    r->issuer = "ỦY BAN NHÂN DÂN TỈNH LÀO CAI";
    r->title = "Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ "
               "người dân, doanh nghiệp";
    r->period.first = 20089; r->period.last = 20453;
    snprintf(r->period.label, sizeof r->period.label, "2025");
    snprintf(r->period.label_vn, sizeof r->period.label_vn, "Năm 2025");
    r->prev_label = "2024";
    r->prev_label_vn = "Năm 2024";
    r->generated_at = 1763870700;   /* 2025-11-23 04:05 UTC = 11:05 UTC+7 */
    static const char *sources[2] = {"onestop_sqlite: onestop.db", "portal_xml: export.xml"};
    r->n_sources = 2;
    r->sources = sources;
    static const char *bands[5] = {"Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"};
    static double mins[5] = {90, 80, 65, 50, 0};
    r->n_bands = 5;
    r->band_names = bands;
    r->band_mins = mins;
    r->n_units = 3;
    r->units = ps_arena_alloc(&r->arena, 3 * sizeof *r->units);
    fx_unit0(r, &r->units[0]);
    /* data quality of unit 0 */
    agg0->n_dq = 2;
    agg0->dq = ps_arena_alloc(&r->arena, 2 * sizeof *agg0->dq);
    snprintf(agg0->dq[0].key, sizeof agg0->dq[0].key, "due_before_received");
    agg0->dq[0].count = 7;
    agg0->dq[0].kept = 2;
    snprintf(agg0->dq[0].examples[0], PS_CODE_MAX, "H15.22-DQ-001");
    snprintf(agg0->dq[0].examples[1], PS_CODE_MAX, "H15.22-DQ-002");
    snprintf(agg0->dq[1].key, sizeof agg0->dq[1].key, "odd_new_key");
    agg0->dq[1].count = 1234;
    r->units[0].agg = agg0;

    ps_unit_result *u = &r->units[1];
    u->unit = 1;
    u->code = "15.002";
    u->name = "Phường Cốc Lếu";
    u->level = "commune";
    u->parent_code = "15";
    u->parent_name = "Tỉnh Lào Cai";
    u->failed = 1;
    u->error = "rules/index766.lua:42: attempt to perform arithmetic on a nil "
               "value (field 'received')\nstack traceback:\n  rules/index766.lua:42: "
               "in function 'score_unit'";
    u->total = NAN;
    u->max = NAN;

    u = &r->units[2];
    u->unit = 2;
    u->code = "15.003";
    u->name = "Xã Mường Hum";
    u->level = "commune";
    u->parent_code = "15";
    u->parent_name = "Tỉnh Lào Cai";
    u->scored = 1;
    u->total = 91.5;
    u->max = 99;
    u->band = "Xuất sắc";
    u->rank = 3;
    u->rank_of = 152;
    u->status = "Chưa đủ mẫu khảo sát (12/30 phiếu): nhóm 4 tính theo dữ liệu dịch vụ công";
    static const double pts2[4] = {34, 19.5, 19, 19}, max2[4] = {36, 21, 21, 21};
    fx_groups(r, u, pts2, max2);
    u->n_criteria = 4;
    u->criteria = ps_arena_alloc(&r->arena, 4 * sizeof *u->criteria);
    for (int i = 0; i < 4; i++) {
        ps_criterion_result *c = &u->criteria[i];
        c->id = ps_arena_printf(&r->arena, "C%02d", i + 1);
        c->name = ps_arena_printf(&r->arena, "Tiêu chí tổng hợp nhóm %d", i + 1);
        c->group = i;
        c->group_id = u->groups[i].id;
        c->has_ratio = i != 3;
        c->num = 50; c->den = 50; c->value = i != 3 ? 1.0 : NAN;
        if (i == 3) c->value_text = "2,4 ngày";
        c->points = u->groups[i].points;
        c->max = u->groups[i].max;
        c->target_met = -1;
        if (i == 2) c->note = "không phát sinh: đủ điểm";
    }
}

#endif
