/*
 * gen_out_measures.c -- measures.csv and measures.xlsx: the measures
 * template (core/render/ps_render_template.c, the very file `parscore
 * template` writes) filled in as a year of PAR self-assessment and
 * appraisal would fill it, for the measures the shipped rule sets declare
 * (provinces/lao_cai_par, provinces/khanh_hoa).  Some units never send it
 * back, some measures are left blank, some self-assessments have no
 * evidence, appraisal lowers some values, system values (KPI, digital
 * signatures) come in their own column.  Deterministic: a value depends
 * on the seed, the unit code and the measure key only.
 */
#include "gen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/ps_render.h"


/* How officials fill a measure in. */
enum pattern {
    P_SELF_APPRAISED,   /* self-assessment with evidence, then appraisal */
    P_SYSTEM,           /* exported from a system: he_thong only */
    P_SELF,             /* self-assessed, no evidence asked */
    P_RARE_APPRAISED,   /* a count the appraiser records, mostly 0 (criticism) */
    P_BONUS             /* a count mostly 0, self-assessed with evidence, appraised */
};

static const struct { const char *key; enum pattern p; } known[] = {
    {"ke_hoach_cchc", P_SELF_APPRAISED}, {"hoan_thanh_ke_hoach", P_SELF_APPRAISED},
    {"bao_cao_dung_han", P_SELF_APPRAISED}, {"tuyen_truyen", P_SELF},
    {"van_ban_ky_so", P_SYSTEM}, {"sang_kien", P_BONUS}, {"phe_binh", P_RARE_APPRAISED},
    {"kpi_ket_qua", P_SYSTEM}, {"phi_dia_gioi", P_SELF_APPRAISED},
};

static enum pattern pattern_of(const ps_measure_decl *m) {
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!strcmp(known[i].key, m->key)) return known[i].p;
    if (m->evidence) return P_SELF_APPRAISED;
    return m->kind && !strcmp(m->kind, "percent") ? P_SYSTEM : P_SELF;
}

/* The filled row of one unit and measure, drawn on demand. */
typedef struct row {
    char self[32], appraised[32], system[32], doc[48], date[16], ref[64], by[64], who[64];
    char note[96];
} row;

typedef struct fill_ctx {
    uint64_t seed;
    int year;
    const gen_units *gu;
    const ps_unit *unit;        /* the row below belongs to (unit, m) */
    const ps_measure_decl *m;
    row r;
} fill_ctx;

static int is(const ps_measure_decl *m, const char *kind) { return m->kind && !strcmp(m->kind, kind); }

static double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

static void put_value(const ps_measure_decl *m, double v, char *buf, size_t n) {
    if (!isnan(m->min)) v = fmax(v, m->min);
    if (!isnan(m->max)) v = fmin(v, m->max);
    if (is(m, "yesno")) snprintf(buf, n, "%s", v >= 0.5 ? "Có" : "Không");
    else if (is(m, "percent")) snprintf(buf, n, "%.0f%%", round(v));
    else snprintf(buf, n, "%.0f", round(v));
}

/* A unit's PAR quality: its on-time share (the model's own profile), so
 * units that handle dossiers well also assess well. */
static double quality(const fill_ctx *c) {
    for (size_t i = 0; i < c->gu->count; i++)
        if (!strcmp(c->gu->items[i].code, c->unit->code)) return clampd(c->gu->items[i].on_time, 0.5, 1);
    return 0.9;     /* the province itself */
}

static void draw(fill_ctx *c) {
    row *r = &c->r;
    memset(r, 0, sizeof *r);
    const ps_measure_decl *m = c->m;
    gen_rng g;
    gen_rng_seed(&g, c->seed, gen_hash_str(c->unit->code), 0x6d656173u);
    if (gen_rng_chance(&g, 0.06)) return;                 /* the unit never sent it back */
    gen_rng_seed(&g, c->seed, gen_hash_str(c->unit->code) ^ gen_hash_str(m->key), 0x726f77u);
    if (gen_rng_chance(&g, 0.04)) return;                 /* this measure left blank */
    double q = quality(c);
    /* counts: a handful (propaganda sessions, reports), whatever the cap */
    double top = is(m, "count") ? fmin(!isnan(m->max) ? m->max : 8, 8) : !isnan(m->max) ? m->max : 100;
    double v = is(m, "yesno") ? (gen_rng_chance(&g, 0.55 + 0.44 * q) ? 1 : 0)
                              : top * clampd(q + 0.06 * gen_rng_normal(&g), 0, 1);
    enum pattern p = pattern_of(m);
    if (p == P_RARE_APPRAISED || p == P_BONUS) {
        double u = gen_rng_unif(&g);
        v = u < 0.75 ? 0 : u < 0.93 ? 1 : 2;
    }
    int doc_day = 10 + (int)gen_rng_below(&g, 340);
    gen_day d = ps_day_from_ymd(c->year, 1, 1) + doc_day;
    switch (p) {
    case P_SYSTEM:
        put_value(m, v, r->system, sizeof r->system);
        snprintf(r->note, sizeof r->note, "Trích xuất từ hệ thống ngày 31/12/%d", c->year);
        return;
    case P_RARE_APPRAISED:
        put_value(m, v, r->appraised, sizeof r->appraised);
        snprintf(r->who, sizeof r->who, "Sở Nội vụ");
        return;
    case P_SELF:
        put_value(m, v, r->self, sizeof r->self);
        snprintf(r->by, sizeof r->by, "Văn phòng HĐND và UBND");
        return;
    case P_BONUS:
    case P_SELF_APPRAISED:
        break;
    }
    put_value(m, v, r->self, sizeof r->self);
    if (p == P_BONUS && v == 0) return;                   /* nothing claimed, nothing to prove */
    snprintf(r->by, sizeof r->by, "Văn phòng HĐND và UBND");
    if (gen_rng_chance(&g, 0.85)) {                       /* 15% forget the evidence */
        snprintf(r->doc, sizeof r->doc, "%u/%s-UBND", 10 + gen_rng_below(&g, 300),
                 p == P_BONUS ? "QĐ" : gen_rng_chance(&g, 0.5) ? "BC" : "KH");
        ps_day_format_vn(d, r->date, sizeof r->date);
        if (gen_rng_chance(&g, 0.5))
            snprintf(r->ref, sizeof r->ref, "minh-chung/%s-%s.pdf", c->unit->code, m->key);
    }
    if (gen_rng_chance(&g, 0.25)) return;                 /* not appraised (yet) */
    double a = v;
    if (gen_rng_chance(&g, 0.30)) {                       /* appraisal lowers it */
        if (is(m, "percent") || is(m, "number")) a = v - (5 + gen_rng_below(&g, 11));
        else a = v - 1;
    }
    put_value(m, a, r->appraised, sizeof r->appraised);
    snprintf(r->who, sizeof r->who, "Sở Nội vụ");
}

static const char *cell(void *ctx, const ps_unit *unit, const ps_measure_decl *m, int column) {
    fill_ctx *c = ctx;
    if (c->unit != unit || c->m != m) {
        c->unit = unit;
        c->m = m;
        draw(c);
    }
    const row *r = &c->r;
    int any = r->self[0] || r->appraised[0] || r->system[0];
    switch (column) {
    case 7: return r->self;
    case 8: return r->doc;
    case 9: return r->date;
    case 10: return r->ref;
    case 11: return r->by;
    case 12: return r->appraised;
    case 13: return r->who;
    case 14: return r->system;
    case 16: return any ? r->note : "";
    default: return "";
    }
}

/* The measures of the shipped rule set for the province: Khánh Hòa's own
 * (KPI, dossiers received regardless of boundaries) for Khánh Hòa, the
 * commune PAR index elsewhere -- a province's file carries its own rule
 * set's measures only. */
static const char *ruleset_for(const gen_units *gu) {
    return gu->count && !strcmp(gu->items[0].province, "56") ? "provinces/khanh_hoa"
                                                             : "provinces/lao_cai_par";
}

int gen_measures_write(const char *out_dir, const gen_units *gu, int year, uint64_t seed,
                       ps_error *err) {
    char scripts[4096];
    snprintf(scripts, sizeof scripts, "%s/scripts/provinces/lao_cai_par.lua", PS_GEN_SOURCE_DIR);
    FILE *probe = fopen(scripts, "r");
    if (probe) fclose(probe);
    snprintf(scripts, sizeof scripts, "%s/scripts", probe ? PS_GEN_SOURCE_DIR : PS_GEN_DATA_DIR);

    ps_measure_decls all;
    memset(&all, 0, sizeof all);
    ps_period period;
    char spec[16];
    snprintf(spec, sizeof spec, "%d", year);
    ps_score_opts so;
    memset(&so, 0, sizeof so);
    so.rules = ruleset_for(gu);
    so.scripts_dir = scripts;
    /* the template's rows: the province (when one), then its communes */
    ps_units units;
    memset(&units, 0, sizeof units);
    units.items = calloc(gu->count + 1, sizeof *units.items);
    int rc = units.items ? ps_period_parse(spec, &period, err)
                         : ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == PS_OK) rc = ps_rules_measures(&so, &period, &all, err);
    if (rc == PS_OK) {
        if (gu->province_name[0] && gu->count) {
            ps_unit *p = &units.items[units.count++];
            p->code = (char *)gu->items[0].province;
            p->name = (char *)gu->province_name;
            p->level = PS_LEVEL_PROVINCE;
            p->parent = -1;
            p->selected = 1;
        }
        for (size_t i = 0; i < gu->count; i++) {
            ps_unit *x = &units.items[units.count++];
            x->code = (char *)gu->items[i].code;
            x->name = gu->items[i].name;
            x->level = PS_LEVEL_COMMUNE;
            x->parent = -1;
            x->selected = 1;
        }
        static const char *const names[2] = {"measures.csv", "measures.xlsx"};
        for (int f = 0; f < 2 && rc == PS_OK; f++) {
            fill_ctx c;
            memset(&c, 0, sizeof c);
            c.seed = seed;
            c.year = year;
            c.gu = gu;
            ps_template_fill fill = {cell, &c};
            char path[4200];
            snprintf(path, sizeof path, "%s/%s", out_dir, names[f]);
            rc = ps_write_measures_template(&units, &all, &period, path, &fill, err);
        }
    }
    free(units.items);
    ps_measure_decls_free(&all);
    return rc;
}
