/*
 * gen_model.c -- what the generated records look like.  Every number here
 * is a modelling choice made to resemble what provinces publish (see
 * docs/generator.md): most communes finish 95-99% of dossiers on time and
 * a tail does worse; processing is often 30-60% faster than the legal
 * limit; online submission varies 30-90% by unit; reception dips at Tết;
 * ratings are mostly "very satisfied"/"satisfied".
 */
#include "gen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define H(h, m) ((h) * 3600 + (m) * 60)

static const double month_factor[12] = {1.05, 0.85, 1.00, 0.95, 1.00, 1.00,
                                        1.05, 1.00, 0.95, 1.00, 1.05, 1.10};

static const char *const apology_reasons[] = {
    "Hồ sơ cần xác minh thêm thông tin tại thực địa",
    "Chờ kết quả liên thông từ cơ quan thuế",
    "Công chức phụ trách nghỉ ốm đột xuất",
    "Hệ thống phần mềm gặp sự cố, chưa ký số được kết quả",
    "Cần lấy ý kiến của cơ quan chuyên môn cấp tỉnh",
    "Hồ sơ tồn đọng do khối lượng tiếp nhận tăng cao",
};

static const char *const comments[] = {
    "Cán bộ hướng dẫn nhiệt tình, chu đáo.",
    "Nên bố trí thêm ghế ngồi chờ, vào buổi sáng rất đông.",
    "Thủ tục còn rườm rà, phải đi lại nhiều lần.",
    "Đề nghị niêm yết rõ \"mức phí, lệ phí\" tại bộ phận một cửa.",
    "Trả kết quả đúng hẹn, rất hài lòng.",
    "Cổng dịch vụ công hay bị lỗi khi nộp hồ sơ trực tuyến,\nmong khắc phục sớm.",
    "Cần hướng dẫn kỹ hơn cho người cao tuổi, người dân tộc thiểu số.",
    "Không có ý kiến",
    "Thái độ phục vụ tốt; thời gian giải quyết nhanh, gọn.",
    "Nhà vệ sinh, chỗ để xe chưa thuận tiện.",
};

static int is_ward(const char *name) { return strncmp(name, "Phường", strlen("Phường")) == 0; }

/* Tết: the first weekday holiday between 20 January and the end of
 * February; its run of days off gives the dip, the fortnight before it
 * the rush. */
static void tet_range(const gen_calendar *cal, int year, gen_day *start, gen_day *end) {
    gen_day d = ps_day_from_ymd(year, 1, 20), stop = ps_day_from_ymd(year, 3, 1);
    *start = *end = 0;
    for (; d < stop; d++) {
        if (ps_day_weekday(d) < 5 && !gen_calendar_is_working(cal, d)) {
            *start = d;
            while (!gen_calendar_is_working(cal, d + 1)) d++;
            *end = d;
            return;
        }
    }
}

int gen_model_init(gen_model *m, gen_units *u, const gen_catalog *cat,
                   const gen_calendar *cal, int year, double faults,
                   uint64_t seed, uint64_t total, enum gen_scale scale,
                   ps_error *err) {
    memset(m, 0, sizeof *m);
    m->year = year;
    m->faults = faults;
    m->cal = cal;
    m->cat = cat;
    m->units = u;
    m->seed = seed;
    m->first_day = ps_day_from_ymd(year, 1, 1);
    m->days = ps_day_from_ymd(year + 1, 1, 1) - m->first_day;
    m->snapshot.day = ps_day_from_ymd(year + 1, 1, 5);
    m->snapshot.sec = H(7, 0);
    m->day_cdf = malloc((size_t)m->days * sizeof *m->day_cdf);
    if (!m->day_cdf) return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    gen_day ts, te;
    tet_range(cal, year, &ts, &te);
    double acc = 0;
    for (int i = 0; i < m->days; i++) {
        gen_day d = m->first_day + i;
        int y, mo, dd;
        ps_day_to_ymd(d, &y, &mo, &dd);
        double w = month_factor[mo - 1] * (gen_calendar_is_working(cal, d) ? 1.0 : 0.06);
        if (ts && d >= ts - 14 && d < ts) w *= 1.35;       /* pre-Tết rush */
        if (ts && d > te && d <= te + 10) w *= 0.6;        /* slow restart */
        acc += w;
        m->day_cdf[i] = acc;
    }

    /* unit profiles and volumes */
    double wsum = 0;
    double *weights = malloc(u->count * sizeof *weights);
    if (!weights) return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < u->count; i++) {
        gen_unit *x = &u->items[i];
        uint64_t h = gen_hash_str(x->code);
        gen_rng_seed(&x->rng, seed, h, 1);
        gen_rng_seed(&x->rng_fault, seed, h, 2);
        gen_rng_seed(&x->rng_survey, seed, h, 3);
        gen_rng_seed(&x->rng_kiosk, seed, h, 4);
        gen_rng *r = &x->rng;
        int ward = is_ward(x->name);
        weights[i] = exp(0.55 * gen_rng_normal(r)) * (ward ? 1.8 : 1.0);
        wsum += weights[i];
        x->on_time = gen_rng_chance(r, 0.88) ? gen_rng_range(r, 0.95, 0.998)
                                             : gen_rng_range(r, 0.82, 0.94);
        x->online = gen_rng_range(r, 0.30, 0.80) + (ward ? 0.10 : 0.0);
        x->dig_input = gen_rng_range(r, 0.60, 0.98);
        x->dig_result = gen_rng_range(r, 0.50, 0.95);
        x->pay_online = gen_rng_range(r, 0.30, 0.90);
        x->apology = gen_rng_range(r, 0.20, 0.95);
        x->rate_share = gen_rng_range(r, 0.15, 0.60);
        x->export_share = gen_rng_range(r, 0.55, 0.90);
        x->sync_ok = gen_rng_range(r, 0.85, 0.99);
        x->quality = gen_rng_chance(r, 0.8) ? gen_rng_range(r, 0.88, 0.98)
                                            : gen_rng_range(r, 0.65, 0.85);
        x->survey_share = gen_rng_range(r, 0.012, 0.06);
        x->feedback_rate = gen_rng_range(r, 0.003, 0.012);
        x->fb_late = gen_rng_chance(r, 0.7) ? 0.0 : gen_rng_range(r, 0.05, 0.3);
        x->counters = 1 + (int)gen_rng_below(r, ward ? 4 : 2);
    }
    double cum = 0;
    uint64_t given = 0;
    for (size_t i = 0; i < u->count; i++) {
        gen_unit *x = &u->items[i];
        /* cumulative rounding: the units' volumes add up to exactly total */
        cum += scale == GEN_COMMUNE ? (double)total : (double)total * weights[i] / wsum;
        uint64_t upto = (uint64_t)(cum + 0.5);
        if (upto > total && scale != GEN_COMMUNE) upto = total;
        x->dossiers = (uint32_t)(upto - given);
        given = upto;
        x->day_counts = calloc((size_t)m->days, sizeof *x->day_counts);
        if (!x->day_counts) {
            free(weights);
            return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
        }
        for (uint32_t k = 0; k < x->dossiers; k++) {
            double v = gen_rng_unif(&x->rng) * m->day_cdf[m->days - 1];
            int lo = 0, hi = m->days - 1;
            while (lo < hi) {
                int mid = (lo + hi) / 2;
                if (m->day_cdf[mid] > v) hi = mid;
                else lo = mid + 1;
            }
            if (x->day_counts[lo] < 9999) x->day_counts[lo]++;   /* sequence has 4 digits */
        }
    }
    free(weights);
    return PS_OK;
}

void gen_model_free(gen_model *m) {
    free(m->day_cdf);
    m->day_cdf = NULL;
}

static int office_hours(int32_t sec) {
    return (sec >= H(7, 30) && sec < H(11, 30)) || (sec >= H(13, 30) && sec < H(17, 0));
}

void gen_model_times(const gen_model *m, gen_unit *u, gen_day d, int n, gen_time *out) {
    int working = gen_calendar_is_working(m->cal, d);
    for (int i = 0; i < n; i++) {
        int32_t s;
        if (working && gen_rng_chance(&u->rng, 0.85)) {
            s = (int32_t)gen_rng_below(&u->rng, 7 * 3600 + 1800);   /* 7.5 office hours */
            s += s < 4 * 3600 ? H(7, 30) : H(13, 30) - 4 * 3600;
        } else {
            s = H(6, 0) + (int32_t)gen_rng_below(&u->rng, 17 * 3600);
        }
        out[i].day = d;
        out[i].sec = s;
        for (int j = i; j > 0 && out[j - 1].sec > out[j].sec; j--) {   /* keep sorted */
            gen_time t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    }
}

static gen_time at(gen_day d, int32_t sec) {
    gen_time t = {d, sec};
    return t;
}

static int32_t work_sec(gen_rng *r) { return H(8, 0) + (int32_t)gen_rng_below(r, 9 * 3600); }

static int pick_style(gen_rng *r) {
    double x = gen_rng_unif(r);
    return x < 0.90 ? 0 : x < 0.96 ? 1 : 2;
}

static int rating_for(gen_rng *r, int late) {
    double x = gen_rng_unif(r);
    if (!late) return x < 0.62 ? 1 : x < 0.95 ? 2 : x < 0.99 ? 3 : 4;
    return x < 0.20 ? 1 : x < 0.55 ? 2 : x < 0.80 ? 3 : 4;
}

/* A unit's stale code: what a counter still typing a code from before the
 * 2025 merger would send.  One per unit, so the faults name few units. */
static void unknown_code(const gen_model *m, const gen_unit *u, char *out, size_t size) {
    gen_rng r;
    gen_rng_seed(&r, m->seed, gen_hash_str(u->code), 7);
    for (;;) {
        snprintf(out, size, "%05u", 90000u + gen_rng_below(&r, 10000));
        if (!gen_units_known(m->units, out)) return;
    }
}

void gen_model_dossier(const gen_model *m, gen_unit *u, gen_time t, int seq, gen_dossier *d) {
    gen_rng *r = &u->rng;
    const gen_catalog *c = m->cat;
    memset(d, 0, sizeof *d);
    snprintf(d->unit_code, sizeof d->unit_code, "%s", u->code);
    int need_online = !gen_calendar_is_working(m->cal, t.day) || !office_hours(t.sec);
    const gen_procedure *p = &c->items[gen_catalog_pick(c, r)];
    for (int tries = 0; need_online && p->online_level < 3 && tries < 32; tries++)
        p = &c->items[gen_catalog_pick(c, r)];
    if (need_online && p->online_level < 3) p = &c->items[0];
    d->proc = p;
    d->level = p->online_level;
    if (need_online) d->channel = 2;
    else if (p->online_level == 4 && gen_rng_chance(r, u->online)) d->channel = 2;
    else if (p->online_level == 3 && gen_rng_chance(r, u->online * 0.5)) d->channel = 2;
    else d->channel = gen_rng_chance(r, 0.02) ? 3 : 1;

    /* "G15.42-20250415-0001", hand-built: snprintf was a visible cost */
    {
        gen_line l;
        char ts[32];
        gl_reset(&l);
        gl_chr(&l, 'G');
        gl_str(&l, u->province);
        gl_chr(&l, '.');
        gl_int(&l, u->agency_no);
        gl_chr(&l, '-');
        gen_format_time(t, 0, ts, sizeof ts);
        gl_mem(&l, ts, 4);
        gl_mem(&l, ts + 5, 2);
        gl_mem(&l, ts + 8, 2);
        gl_chr(&l, '-');
        for (int div = 1000; div; div /= 10) gl_chr(&l, (char)('0' + seq / div % 10));
        if (l.n >= sizeof d->code) l.n = sizeof d->code - 1;
        memcpy(d->code, l.buf, l.n);
        d->code[l.n] = '\0';
    }
    d->recv = t;

    int L = p->legal_days;
    gen_time due = at(gen_calendar_add(m->cal, t.day, L), H(17, 0));
    int has_due = !gen_rng_chance(r, 0.005);
    gen_time fin = {0, 0}, ret = {0, 0}, apo = {0, 0}, newdue = {0, 0};
    int has_fin = 0, has_ret = 0, has_apo = 0;

    double x = gen_rng_unif(r);
    if (x < 0.004) {
        d->status = 1;
        has_due = 0;
    } else if (x < 0.010) {
        d->status = 3;
    } else if (x < 0.018) {
        d->status = 7;   /* withdrawn: "finished" without a result */
        fin = at(gen_calendar_add(m->cal, t.day, (int)gen_rng_below(r, (uint32_t)L + 1)), work_sec(r));
        if (gen_time_cmp(fin, t) <= 0) fin.sec = t.sec + 600 < H(23, 0) ? t.sec + 600 : H(23, 30);
        has_fin = gen_time_cmp(fin, m->snapshot) < 0;
        if (!has_fin) d->status = 4;
    } else if (x < 0.038) {
        double y2 = gen_rng_unif(r);
        d->status = y2 < 0.6 ? 5 : y2 < 0.85 ? 6 : 8;
    } else {
        int k;
        d->late = !gen_rng_chance(r, u->on_time);
        if (!d->late) {
            double f = gen_rng_unif(r), g;
            if (f < 0.7) g = gen_rng_range(r, 0.35, 0.70);
            else if (f < 0.9) g = gen_rng_range(r, 0.70, 1.0);
            else g = gen_rng_range(r, 0.0, 0.35);
            k = (int)floor(L * g + 0.5);
            if (k > L) k = L;
            /* received at a weekend or after hours: work starts next day */
            if (k == 0 && (!gen_calendar_is_working(m->cal, t.day) || t.sec >= H(16, 30))) k = 1;
        } else {
            k = L + 1;
            while (k < L + 15 && gen_rng_chance(r, 0.55)) k++;
        }
        fin = at(gen_calendar_add(m->cal, t.day, k), work_sec(r));
        if (gen_time_cmp(fin, t) <= 0) fin.sec = t.sec + 1800 < H(23, 30) ? t.sec + 1800 : H(23, 59);
        if (d->late && has_due && gen_rng_chance(r, u->apology)) {
            has_apo = 1;
            apo = at(due.day, H(14, 0) + (int32_t)gen_rng_below(r, 9000));
            newdue = at(gen_calendar_add(m->cal, due.day, k - L + (int)gen_rng_below(r, 2)), H(17, 0));
        }
        if (gen_time_cmp(fin, m->snapshot) >= 0) {
            d->status = t.day + 2 >= m->snapshot.day ? 2 : 4;
            d->late = d->late && due.day < m->snapshot.day;
            if (has_apo && gen_time_cmp(apo, m->snapshot) >= 0) has_apo = 0;
        } else {
            has_fin = 1;
            if (gen_rng_chance(r, 0.85)) {
                /* results are mostly collected the day they are ready and,
                 * when on time, by the due date; 3% come back later anyway */
                double v = gen_rng_unif(r);
                gen_day rd = gen_calendar_add(m->cal, fin.day, v < 0.7 ? 0 : v < 0.9 ? 1 : 2);
                if (!d->late && has_due && rd > due.day && !gen_rng_chance(r, 0.03))
                    rd = due.day;
                ret = at(rd, work_sec(r));
                if (gen_time_cmp(ret, fin) < 0) ret.sec = fin.sec;
                has_ret = gen_time_cmp(ret, m->snapshot) < 0;
            }
            d->status = has_ret ? 10 : 9;
            d->done_day = has_ret ? ret.day : fin.day;
        }
    }
    if (d->status == 1 || d->status == 3 || !has_due) d->late = 0;
    if (p->has_fee && d->status != 1 && d->status != 3)
        d->paid_online = gen_rng_chance(r, d->channel == 2 ? u->pay_online : 0.05);
    d->dig_input = gen_rng_chance(r, d->channel == 2 ? 0.98 : u->dig_input);
    if (p->has_result && (d->status == 9 || d->status == 10))
        d->dig_result = gen_rng_chance(r, u->dig_result);
    if ((d->status == 9 || d->status == 10) && gen_rng_chance(r, u->rate_share))
        d->rating = rating_for(r, d->late);

    double w = gen_rng_unif(r);
    d->in_db = w >= 0.02;
    d->in_portal = !d->in_db || gen_rng_chance(r, u->export_share);
    d->synced = d->in_portal && gen_rng_chance(r, u->sync_ok);
    if (has_apo) d->apology_reason = apology_reasons[gen_rng_below(r, 6)];

    int st = pick_style(r), xs = gen_rng_chance(r, 0.08) ? 2 : 0;
    gen_format_time(t, st, d->received, sizeof d->received);
    gen_format_time(t, xs, d->xml_received, sizeof d->xml_received);
    if (has_due) {
        gen_format_time(due, st, d->due, sizeof d->due);
        gen_format_time(due, xs, d->xml_due, sizeof d->xml_due);
    }
    if (has_fin) {
        gen_format_time(fin, st, d->finished, sizeof d->finished);
        gen_format_time(fin, xs, d->xml_finished, sizeof d->xml_finished);
    }
    if (has_ret) {
        gen_format_time(ret, st, d->returned, sizeof d->returned);
        gen_format_time(ret, xs, d->xml_returned, sizeof d->xml_returned);
    }
    if (has_apo) {
        gen_format_time(apo, st, d->apology, sizeof d->apology);
        gen_format_time(apo, 0, d->xml_apology, sizeof d->xml_apology);
        gen_format_time(newdue, 0, d->apology_new_due, sizeof d->apology_new_due);
    }

    /* deliberate data-quality faults, from their own stream so the clean
     * records are the same whatever --faults is */
    if (m->faults > 0 && gen_rng_unif(&u->rng_fault) < m->faults) {
        gen_rng *fr = &u->rng_fault;
        switch (gen_rng_below(fr, 4)) {
        case 0: {   /* bad date: only the database takes free text */
            static const char *const bad[] = {"%04d-02-30T09:15:00", "15/04/%04d 08:12",
                                              "%04d-13-05T08:00:00", "%04d-04-31 10:00:00"};
            snprintf(d->received, sizeof d->received, bad[gen_rng_below(fr, 4)], m->year);
            if (!d->in_db) d->in_db = 1;
            break;
        }
        case 1: {   /* due before received */
            gen_time bad = at(t.day - 1 - (gen_day)gen_rng_below(fr, 3), H(17, 0));
            gen_format_time(bad, st, d->due, sizeof d->due);
            gen_format_time(bad, xs, d->xml_due, sizeof d->xml_due);
            break;
        }
        case 2: {   /* finished before received */
            gen_time bad = at(t.day - 1 - (gen_day)gen_rng_below(fr, 2), H(10, 0));
            gen_format_time(bad, st, d->finished, sizeof d->finished);
            gen_format_time(bad, xs, d->xml_finished, sizeof d->xml_finished);
            if (d->status != 9 && d->status != 10) {
                d->status = 9;
                d->returned[0] = d->xml_returned[0] = '\0';
            }
            break;
        }
        default:
            unknown_code(m, u, d->unit_code, sizeof d->unit_code);
            break;
        }
    }
}

static int answer(gen_rng *r, double q) {
    if (gen_rng_unif(r) < q) return gen_rng_chance(r, 0.55) ? 5 : 4;
    double x = gen_rng_unif(r);
    return x < 0.55 ? 3 : x < 0.85 ? 2 : 1;
}

int gen_model_response(const gen_model *m, gen_unit *u, const gen_dossier *d,
                       uint64_t serial, gen_response *resp) {
    gen_rng *r = &u->rng_survey;
    if (!gen_rng_chance(r, u->survey_share)) return 0;
    if (d->status != 9 && d->status != 10) return 0;
    snprintf(resp->id, sizeof resp->id, "PKS-%d-%07llu", m->year, (unsigned long long)serial);
    resp->unit_code = u->code;
    ps_day_format(d->done_day, resp->date, sizeof resp->date);
    double x = gen_rng_unif(r);
    if (d->channel == 2) resp->channel = x < 0.8 ? "truc_tuyen" : "sms";
    else resp->channel = x < 0.6 ? "giay" : x < 0.85 ? "kiosk" : x < 0.95 ? "truc_tuyen" : "sms";
    resp->procedure = d->proc->code;
    double q = u->quality - (d->late ? 0.25 : 0.0);
    size_t n = gen_survey_criteria_count();
    for (size_t i = 0; i < n; i++)
        resp->answers[i] = gen_rng_chance(r, 0.03) ? 0 : answer(r, q);
    resp->overall = gen_rng_chance(r, 0.02) ? 0 : answer(r, q);
    resp->comment = gen_rng_chance(r, 0.25) ? comments[gen_rng_below(r, 10)] : "";
    return 1;
}

int gen_model_press(const gen_model *m, gen_unit *u, const gen_dossier *d, gen_press *p) {
    gen_rng *r = &u->rng_kiosk;
    (void)m;
    if (!gen_rng_chance(r, 0.35) || d->channel != 1) return 0;
    gen_time t = d->recv;
    t.sec += 300 + (int32_t)gen_rng_below(r, 1200);
    gen_format_time(t, 0, p->time, sizeof p->time);
    p->unit_code = u->code;
    p->counter = 1 + (int)gen_rng_below(r, (uint32_t)u->counters);
    double x = gen_rng_unif(r);
    p->level = x < 0.62 ? 1 : x < 0.92 ? 2 : x < 0.98 ? 3 : 4;
    if (p->level < 4 && !gen_rng_chance(r, u->quality)) p->level++;
    return 1;
}

uint32_t gen_model_feedback_count(const gen_model *m, gen_unit *u) {
    (void)m;
    double n = u->dossiers * u->feedback_rate;
    return (uint32_t)(n + gen_rng_unif(&u->rng_survey));
}

void gen_model_feedback(const gen_model *m, gen_unit *u, uint32_t i, uint32_t n,
                        uint64_t serial, gen_feedback *f) {
    gen_rng *r = &u->rng_survey;
    memset(f, 0, sizeof *f);
    snprintf(f->id, sizeof f->id, "PAKN-%d-%06llu", m->year, (unsigned long long)serial);
    snprintf(f->unit_code, sizeof f->unit_code, "%s", u->code);
    /* stratified over the year, so items come out in order */
    gen_day d = m->first_day + (gen_day)((i + gen_rng_unif(r)) * m->days / n);
    gen_time t = at(d, H(7, 0) + (int32_t)gen_rng_below(r, 15 * 3600));
    gen_time due = at(gen_calendar_add(m->cal, d, 10), H(17, 0));
    int st = pick_style(r);
    gen_format_time(t, st, f->received, sizeof f->received);
    gen_format_time(due, st, f->due, sizeof f->due);
    f->satisfied = -1;
    int late = gen_rng_chance(r, u->fb_late);
    gen_time ans = late ? at(gen_calendar_add(m->cal, due.day, 1 + (int)gen_rng_below(r, 10)), work_sec(r))
                        : at(gen_calendar_add(m->cal, d, 1 + (int)gen_rng_below(r, 9)), work_sec(r));
    if (!gen_rng_chance(r, 0.02) && gen_time_cmp(ans, m->snapshot) < 0) {
        gen_format_time(ans, st, f->answered, sizeof f->answered);
        if (!gen_rng_chance(r, 0.25))
            f->satisfied = gen_rng_chance(r, late ? 0.5 : 0.88);
    }
    double w = gen_rng_unif(r);
    f->in_db = w >= 0.10;
    f->in_portal = w < 0.80;
}

void gen_model_publicity(const gen_model *m, const gen_unit *u, int out[6]) {
    gen_rng r;
    gen_rng_seed(&r, m->seed, gen_hash_str(u->code), 6);
    int lag = gen_rng_chance(&r, 0.8) ? 0 : 1 + (int)gen_rng_below(&r, 4);
    out[0] = 80 + (int)gen_rng_below(&r, 70);
    out[1] = out[0] - lag;
    out[2] = 20 + (int)gen_rng_below(&r, 40);
    out[3] = out[2] - (gen_rng_chance(&r, 0.85) ? 0 : 1 + (int)gen_rng_below(&r, 3));
    out[4] = (int)m->cat->count - (int)gen_rng_below(&r, 10);
    out[5] = out[4] - (gen_rng_chance(&r, 0.7) ? 0 : 1 + (int)gen_rng_below(&r, 5));
}
