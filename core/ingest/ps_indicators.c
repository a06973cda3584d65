/*
 * ps_indicators.c -- the standard indicators: each a numerator and a
 * denominator read off one unit's aggregates.  This table is the contract
 * between aggregation and rule scripts (docs/rules.md lists it); a rule
 * asks for an indicator by key and gets {num, den, value}.
 */
#include "ingest/ps_agg.h"

#include <math.h>
#include <string.h>

typedef void (*ps_ind_fn)(const ps_agg *a, const ps_unit_agg *u, double *num,
                          double *den);

typedef struct ps_ind_entry {
    ps_indicator_def def;
    ps_ind_fn fn;
} ps_ind_entry;

static uint32_t popcount_words(const uint64_t *w, size_t n) {
    uint32_t c = 0;
    for (size_t i = 0; i < n; i++) c += (uint32_t)__builtin_popcountll(w[i]);
    return c;
}

#define IND(name) static void ind_##name(const ps_agg *a, const ps_unit_agg *u, double *num, double *den)
#define UNUSED_A (void)a

IND(on_time) { UNUSED_A; *num = u->d.finished_on_time + u->d.in_progress_within; *den = u->d.finished + u->d.in_progress; }
IND(finished_on_time) { UNUSED_A; *num = u->d.finished_on_time; *den = u->d.finished; }
IND(in_progress_within) { UNUSED_A; *num = u->d.in_progress_within; *den = u->d.in_progress; }
IND(late) { UNUSED_A; *num = u->d.late; *den = u->d.finished + u->d.in_progress; }
IND(online_share) { UNUSED_A; *num = u->d.by_channel[2]; *den = u->d.received; }
IND(postal_share) { UNUSED_A; *num = u->d.by_channel[3]; *den = u->d.received; }
IND(in_person_share) { UNUSED_A; *num = u->d.by_channel[1]; *den = u->d.received; }
IND(full_online) { UNUSED_A; *num = u->d.level4_online; *den = u->d.level4_received; }
IND(partial_online) { UNUSED_A; *num = u->d.level3_online; *den = u->d.level3_received; }
IND(synced) { UNUSED_A; *num = u->d.synced; *den = u->d.received; }
IND(paid_online) { UNUSED_A; *num = u->d.fee_paid_online; *den = u->d.fee_received; }
IND(fee_procs_paid) { *num = popcount_words(u->fee_with_payment, u->fee_words); *den = a->fee_procs; }
IND(fee_procs_used) { *num = popcount_words(u->fee_with_dossier, u->fee_words); *den = a->fee_procs; }
IND(result_digitized) { UNUSED_A; *num = u->d.result_digitized; *den = u->d.result_doc_finished; }
IND(input_digitized) { UNUSED_A; *num = u->d.input_digitized; *den = u->d.received; }
IND(apology) { UNUSED_A; *num = u->d.late_with_apology; *den = u->d.late; }
IND(returned_on_time) { UNUSED_A; *num = u->d.returned - u->d.returned_late; *den = u->d.returned; }
IND(dossier_satisfaction) { UNUSED_A; *num = u->d.handled_ok; *den = u->d.finished; }
IND(rating_satisfied) { UNUSED_A; *num = u->d.rating[1] + u->d.rating[2]; *den = u->d.rated; }
IND(rating_very_satisfied) { UNUSED_A; *num = u->d.rating[1]; *den = u->d.rated; }
IND(rating_unsatisfied) { UNUSED_A; *num = u->d.rating[4]; *den = u->d.rated; }
IND(processing_cut) { UNUSED_A; *num = u->d.cut_sum; *den = u->d.cut_n; }
IND(processing_days) { UNUSED_A; *num = u->d.days_sum; *den = u->d.cut_n; }
IND(cut_ge30) { UNUSED_A; *num = u->d.cut_ge30; *den = u->d.cut_n; }
IND(feedback_on_time) { UNUSED_A; *num = u->f.answered_on_time + u->f.unanswered_within; *den = u->f.received; }
IND(feedback_answered) { UNUSED_A; *num = u->f.answered; *den = u->f.received; }
IND(feedback_satisfaction) { UNUSED_A; *num = u->f.handled_ok; *den = u->f.answered; }
IND(publicity_announced) { UNUSED_A; *num = (double)u->p.announced_on_time; *den = (double)u->p.must_announce; }
IND(publicity_updated) { UNUSED_A; *num = (double)u->p.updated_on_time; *den = (double)u->p.must_update; }
IND(publicity_full) { UNUSED_A; *num = (double)u->p.published_full; *den = (double)u->p.published; }
IND(survey_overall) { UNUSED_A; *num = u->s.overall_satisfied; *den = u->s.overall_answered; }
IND(kiosk_satisfied) { UNUSED_A; *num = u->k.level[1] + u->k.level[2]; *den = u->k.total; }
IND(kiosk_very_satisfied) { UNUSED_A; *num = u->k.level[1]; *den = u->k.total; }

#define E(k) PS_EX_##k
static const ps_ind_entry indicators[] = {
    {{"on_time", "Hồ sơ giải quyết trước, đúng hạn và đang giải quyết trong hạn", E(LATE), E(OVERDUE)}, ind_on_time},
    {{"finished_on_time", "Hồ sơ đã giải quyết trước, đúng hạn", E(LATE), -1}, ind_finished_on_time},
    {{"in_progress_within", "Hồ sơ đang giải quyết trong hạn", E(OVERDUE), -1}, ind_in_progress_within},
    {{"late", "Hồ sơ trễ hạn", E(LATE), E(OVERDUE)}, ind_late},
    {{"online_share", "Hồ sơ tiếp nhận trực tuyến", -1, -1}, ind_online_share},
    {{"postal_share", "Hồ sơ tiếp nhận qua bưu chính công ích", -1, -1}, ind_postal_share},
    {{"in_person_share", "Hồ sơ tiếp nhận trực tiếp", -1, -1}, ind_in_person_share},
    {{"full_online", "Hồ sơ trực tuyến toàn trình", E(NOT_ONLINE), -1}, ind_full_online},
    {{"partial_online", "Hồ sơ trực tuyến một phần", -1, -1}, ind_partial_online},
    {{"synced", "Hồ sơ đồng bộ đúng hạn lên Cổng DVCQG", E(NOT_SYNCED), -1}, ind_synced},
    {{"paid_online", "Hồ sơ có phí thanh toán trực tuyến", E(NOT_PAID_ONLINE), -1}, ind_paid_online},
    {{"fee_procs_paid", "TTHC có phí có thanh toán trực tuyến", -1, -1}, ind_fee_procs_paid},
    {{"fee_procs_used", "TTHC có phí có phát sinh hồ sơ", -1, -1}, ind_fee_procs_used},
    {{"result_digitized", "Kết quả giải quyết điện tử có giá trị pháp lý", E(RESULT_NOT_DIGITIZED), -1}, ind_result_digitized},
    {{"input_digitized", "Hồ sơ được số hóa thành phần", E(INPUT_NOT_DIGITIZED), -1}, ind_input_digitized},
    {{"apology", "Hồ sơ trễ hạn có phiếu xin lỗi", E(LATE_NO_APOLOGY), -1}, ind_apology},
    {{"returned_on_time", "Trả kết quả đúng hẹn", E(RETURNED_LATE), -1}, ind_returned_on_time},
    {{"dossier_satisfaction", "Hài lòng trong giải quyết hồ sơ", E(LATE), E(UNSATISFIED)}, ind_dossier_satisfaction},
    {{"rating_satisfied", "Đánh giá hài lòng trở lên", E(UNSATISFIED), -1}, ind_rating_satisfied},
    {{"rating_very_satisfied", "Đánh giá rất hài lòng", -1, -1}, ind_rating_very_satisfied},
    {{"rating_unsatisfied", "Đánh giá không hài lòng", E(UNSATISFIED), -1}, ind_rating_unsatisfied},
    {{"processing_cut", "Thời gian giải quyết cắt giảm so với quy định", E(SLOW), -1}, ind_processing_cut},
    {{"processing_days", "Thời gian giải quyết bình quân (ngày làm việc)", -1, -1}, ind_processing_days},
    {{"cut_ge30", "Hồ sơ cắt giảm từ 30% thời gian trở lên", E(SLOW), -1}, ind_cut_ge30},
    {{"feedback_on_time", "Phản ánh, kiến nghị xử lý đúng hạn", E(FEEDBACK_LATE), -1}, ind_feedback_on_time},
    {{"feedback_answered", "Phản ánh, kiến nghị đã trả lời", E(FEEDBACK_LATE), -1}, ind_feedback_answered},
    {{"feedback_satisfaction", "Hài lòng về xử lý phản ánh, kiến nghị", E(FEEDBACK_LATE), E(FEEDBACK_UNSATISFIED)}, ind_feedback_satisfaction},
    {{"publicity_announced", "TTHC công bố đúng hạn", -1, -1}, ind_publicity_announced},
    {{"publicity_updated", "TTHC cập nhật đúng hạn", -1, -1}, ind_publicity_updated},
    {{"publicity_full", "TTHC công khai đầy đủ", -1, -1}, ind_publicity_full},
    {{"survey_overall", "Hài lòng chung (khảo sát)", -1, -1}, ind_survey_overall},
    {{"kiosk_satisfied", "Bấm nút hài lòng trở lên (kiosk)", -1, -1}, ind_kiosk_satisfied},
    {{"kiosk_very_satisfied", "Bấm nút rất hài lòng (kiosk)", -1, -1}, ind_kiosk_very_satisfied},
};
#undef E

size_t ps_indicator_count(void) { return sizeof indicators / sizeof indicators[0]; }

const ps_indicator_def *ps_indicator_def_at(size_t i) {
    return i < ps_indicator_count() ? &indicators[i].def : NULL;
}

int ps_indicator_find(const char *key) {
    for (size_t i = 0; i < ps_indicator_count(); i++)
        if (strcmp(indicators[i].def.key, key) == 0) return (int)i;
    return -1;
}

void ps_indicator_compute(const ps_agg *a, const ps_unit_agg *u, size_t i,
                          ps_indicator *out) {
    out->num = out->den = 0;
    out->value = NAN;
    if (i >= ps_indicator_count()) return;
    indicators[i].fn(a, u, &out->num, &out->den);
    out->value = out->den > 0 ? out->num / out->den : NAN;
}

/* SIPAS (METHODOLOGY.md B): criterion index = satisfied / answered;
 * element index = mean of its answered criteria; SIPAS = mean of the
 * elements that have at least one answered criterion. */
int ps_sipas_compute(const ps_agg *a, const ps_unit_agg *u, ps_sipas *out) {
    const ps_form *f = &a->form;
    memset(out, 0, sizeof *out);
    out->index = NAN;
    if (!f->present) return PS_OK;
    out->criterion = ps_calloc(f->n_criteria, sizeof(double));
    out->element = ps_calloc(f->n_elements, sizeof(double));
    double *sum = ps_calloc(f->n_elements, sizeof(double));
    size_t *cnt = ps_calloc(f->n_elements, sizeof(size_t));
    if (!out->criterion || !out->element || !sum || !cnt) {
        ps_free(sum);
        ps_free(cnt);
        ps_sipas_free(out);
        return PS_ENOMEM;
    }
    for (size_t c = 0; c < f->n_criteria; c++) {
        uint32_t ans = u->s.answered ? u->s.answered[c] : 0;
        out->criterion[c] = ans ? (double)u->s.satisfied[c] / ans : NAN;
        if (ans) {
            sum[f->criteria[c].element] += out->criterion[c];
            cnt[f->criteria[c].element]++;
        }
    }
    double total = 0;
    for (size_t e = 0; e < f->n_elements; e++) {
        out->element[e] = cnt[e] ? sum[e] / (double)cnt[e] : NAN;
        if (cnt[e]) {
            total += out->element[e];
            out->n_elements_scored++;
        }
    }
    if (out->n_elements_scored) out->index = total / (double)out->n_elements_scored;
    ps_free(sum);
    ps_free(cnt);
    return PS_OK;
}

void ps_sipas_free(ps_sipas *s) {
    ps_free(s->criterion);
    ps_free(s->element);
    s->criterion = s->element = NULL;
}
