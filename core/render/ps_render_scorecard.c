/*
 * ps_render_scorecard.c -- the per-unit PDF scorecard: state header, total
 * with band and rank, the criteria table grouped with subtotals (measure
 * values and their evidence under the criterion), bonus and deduction, a bar
 * chart per group, the trend against the previous period, the dossiers
 * that cost points and the data-quality findings.
 *
 * Laid out once; the footers ("Trang X/Y") are drawn on every page when
 * the page count is known (laying out twice to count first was a third of
 * a card's time).  Sections follow the order of the template.
 */
#include "render/ps_render_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct sc {
    const ps_results *r;
    const ps_unit_result *u;
    const ps_layout *L;
    ps_pdf *pdf;
    double fs;                  /* body font size */
    double cw;                  /* content width */
    int any_previous;           /* some unit of the run has a previous period */
    ps_buf scratch;             /* example codes read back from the aggregate */
    int failed;                 /* they could not be: PS_ENOMEM or PS_EIO */
} sc;

#define subst ps_render_subst

static const char *T(const sc *s, const char *key) { return ps_layout_text(s->L, key); }

static void pts(const sc *s, double v, char *buf, size_t n) {
    ps_render_num(s->L, v, s->L->pts_decimals, buf, n);
}
/* a maximum: no decimals when whole ("20", not "20,00") */
static void maxpts(const sc *s, double v, char *buf, size_t n) {
    ps_render_num(s->L, v, fabs(v - round(v)) < 1e-9 ? 0 : s->L->pts_decimals, buf, n);
}

/* ---- page frame -------------------------------------------------------- */

static double footer_top(const sc *s) {
    return s->L->page_h - s->L->margin_b - ps_render_footer_height();
}

static void footer(ps_pdf *pdf, void *ctx) {
    const sc *s = ctx;
    ps_render_footer(pdf, s->L, s->r, footer_top(s) + 3);
}

static void on_page(ps_pdf *pdf, void *ctx) {
    sc *s = ctx;
    pdf->bottom = footer_top(s);
    if (pdf->page_no > 1) {
        /* running header: which unit this loose page belongs to */
        char line[512];
        snprintf(line, sizeof line, "%s (%s) — %s", s->u->name, s->u->code,
                 s->r->period.label_vn);
        ps_pdf_text(pdf, pdf->reg, 7.5, s->L->c_rule, pdf->left, pdf->y,
                    s->cw, PS_AL_RIGHT, line);
        pdf->y += ps_pdf_line_h(7.5);
        ps_pdf_line(pdf, pdf->left, pdf->y, pdf->right, pdf->y, s->L->c_rule, 0.4);
        pdf->y += 6;
    }
}

/* ---- sections ---------------------------------------------------------- */

/* keep: height of the content that must stay on the title's page */
static void section_title(sc *s, const char *text, double keep) {
    ps_pdf *pdf = s->pdf;
    double lh = ps_pdf_line_h(s->fs + 1.5);
    ps_pdf_need(pdf, lh + 6 + keep);
    pdf->y += 4;
    ps_pdf_text(pdf, pdf->bold, s->fs + 1.5, s->L->c_accent, pdf->left, pdf->y,
                s->cw, PS_AL_LEFT, text);
    pdf->y += lh + 2;
}

static void header(sc *s) { ps_render_state_header(s->pdf, s->L, s->r); }

static void title(sc *s) {
    ps_pdf *pdf = s->pdf;
    const ps_layout *L = s->L;
    ps_pdf_text(pdf, pdf->bold, 15, L->c_accent, pdf->left, pdf->y, s->cw,
                PS_AL_CENTER, T(s, "title"));
    pdf->y += ps_pdf_line_h(15);
    if (s->r->title && *s->r->title) {
        double tw = ps_pdf_balanced_width(pdf, pdf->bold, 11, s->cw - 40, s->r->title);
        int n = ps_pdf_wrap(pdf, pdf->bold, 11, L->c_text, pdf->left + (s->cw - tw) / 2,
                            pdf->y, tw, PS_AL_CENTER, s->r->title, 1);
        pdf->y += n * ps_pdf_line_h(11);
    }
    ps_pdf_text(pdf, pdf->reg, 10.5, L->c_text, pdf->left, pdf->y, s->cw,
                PS_AL_CENTER, s->r->period.label_vn);
    pdf->y += ps_pdf_line_h(10.5) + 10;
}

/* "label   value" with both sides wrapped; lw: label column width */
static void label_value(sc *s, const char *label, const char *value, int bold, double lw) {
    ps_pdf *pdf = s->pdf;
    double fs = s->fs + 1, lh = ps_pdf_line_h(fs);
    HPDF_Font vf = bold ? pdf->bold : pdf->reg;
    int nl = ps_pdf_wrap(pdf, pdf->reg, fs, 0, 0, 0, lw - 4, PS_AL_LEFT, label, 0);
    int nv = ps_pdf_wrap(pdf, vf, fs, 0, 0, 0, s->cw - lw, PS_AL_LEFT, value, 0);
    int n = nl > nv ? nl : nv;
    ps_pdf_need(pdf, n * lh);
    ps_pdf_wrap(pdf, pdf->reg, fs, s->L->c_text, pdf->left, pdf->y, lw - 4, PS_AL_LEFT, label, 1);
    ps_pdf_wrap(pdf, vf, fs, s->L->c_text, pdf->left + lw, pdf->y, s->cw - lw, PS_AL_LEFT,
                value, 1);
    pdf->y += n * lh + 1;
}

#define ID_LABEL_W (46 * 72 / 25.4)   /* identity labels: 46 mm, "Đơn vị được đánh giá:" on one line */

static void identity(sc *s) {
    const ps_unit_result *u = s->u;
    char buf[640];
    snprintf(buf, sizeof buf, "%s (%s %s)", u->name, T(s, "label_code"), u->code);
    label_value(s, T(s, "label_unit"), buf, 1, ID_LABEL_W);
    if (u->parent_name)
        label_value(s, T(s, "label_parent"), u->parent_name, 0, ID_LABEL_W);
    label_value(s, T(s, "label_period"), s->r->period.label_vn, 0, ID_LABEL_W);
    if (s->r->ruleset_name) label_value(s, T(s, "label_ruleset"), s->r->ruleset_name, 0, ID_LABEL_W);
    if (u->status && !u->failed) label_value(s, T(s, "label_status"), u->status, 1, ID_LABEL_W);
    s->pdf->y += 6;
}

/* A box with a title and a wrapped message (failed / not scored). */
static void message_box(sc *s, const char *head, const char *text, uint32_t colour) {
    ps_pdf *pdf = s->pdf;
    double pad = 7, fs = s->fs + 0.5, w = s->cw - 2 * pad;
    int n = ps_pdf_wrap(pdf, pdf->reg, fs, 0, 0, 0, w, PS_AL_LEFT, text, 0);
    double h = 2 * pad + ps_pdf_line_h(13) + 3 + n * ps_pdf_line_h(fs);
    if (h > pdf->bottom - pdf->top) h = pdf->bottom - pdf->top;
    ps_pdf_need(pdf, h);
    ps_pdf_rect(pdf, pdf->left, pdf->y, s->cw, h, 0xfdf1f0, colour, 1.5);
    ps_pdf_text(pdf, pdf->bold, 13, colour, pdf->left + pad, pdf->y + pad, w,
                PS_AL_LEFT, head);
    ps_pdf_wrap(pdf, pdf->reg, fs, s->L->c_text, pdf->left + pad,
                pdf->y + pad + ps_pdf_line_h(13) + 3, w, PS_AL_LEFT, text, 1);
    pdf->y += h + 10;
}

static void trend_mark(sc *s, double x, double y, double delta, double size) {
    if (isnan(delta) || fabs(delta) < 0.005) return;
    uint32_t colour = delta > 0 ? s->L->c_good : s->L->c_bad;
    /* the arrow glyphs when the faces have them (Noto Serif has not) */
    if (ps_pdf_has_glyph(s->pdf, delta > 0 ? 0x25B2 : 0x25BC))
        ps_pdf_text(s->pdf, s->pdf->reg, size * 1.1, colour, x, y - size * 0.15, size * 2,
                    PS_AL_LEFT, delta > 0 ? "\xe2\x96\xb2" : "\xe2\x96\xbc");
    else
        ps_pdf_triangle(s->pdf, x, y, size, delta > 0, colour);
}

static void delta_text(const sc *s, double delta, char *buf, size_t n) {
    if (isnan(delta)) { snprintf(buf, n, "—"); return; }
    char v[48];
    pts(s, fabs(delta), v, sizeof v);
    snprintf(buf, n, "%s%s", fabs(delta) < 0.005 ? "" : delta > 0 ? "+" : "−", v);
}

/* A failed unit's card says in Vietnamese that it was not scored and why,
 * with the rule's own message and line but never the traceback: the card
 * is an official document; the traceback is on stderr for the rule writer. */
static void failed_text(const sc *s, char *out, size_t size) {
    const char *e = s->u->error ? s->u->error : "";
    /* "unit CODE (NAME): file:line: message\nstack traceback..." */
    char prefix[600];
    snprintf(prefix, sizeof prefix, "unit %s (%s): ", s->u->code ? s->u->code : "?",
             s->u->name ? s->u->name : "?");
    if (!strncmp(e, prefix, strlen(prefix))) e += strlen(prefix);
    char first[700];
    snprintf(first, sizeof first, "%.*s", (int)strcspn(e, "\n"), e);
    const char *msg = first;
    char file[256] = "", line[24] = "";
    const char *c1 = strchr(first, ':');
    if (c1 && c1 > first && (size_t)(c1 - first) < sizeof file) {
        char *end;
        long l = strtol(c1 + 1, &end, 10);
        if (end > c1 + 1 && *end == ':' && l > 0) {
            snprintf(file, sizeof file, "%.*s", (int)(c1 - first), first);
            snprintf(line, sizeof line, "%ld", l);
            msg = end + 1;
            while (*msg == ' ') msg++;
        }
    }
    const char *cause = strstr(first, "instruction budget") ? "failed_cause_budget"
                        : strstr(first, "memory limit") || strstr(first, "out of memory")
                            ? "failed_cause_memory" : "failed_cause_rule";
    char where[400] = "", detail[1200], a[1600], b[1600];
    if (file[0]) {
        ps_render_subst(a, sizeof a, T(s, "failed_where"), "file", file);
        ps_render_subst(where, sizeof where, a, "line", line);
    }
    snprintf(detail, sizeof detail, "%s%s%s%s", msg, where[0] ? " (" : "", where,
             where[0] ? ")" : "");
    ps_render_subst(a, sizeof a, T(s, "failed_body"), "cause", T(s, cause));
    ps_render_subst(b, sizeof b, a, "detail", detail);
    snprintf(out, size, "%s", b);
}

/* The previous period by name ("Năm 2024"), never a bare "kỳ trước". */
static const char *prev_period(const sc *s) {
    return s->r->prev_label_vn ? s->r->prev_label_vn : "kỳ trước";
}

static void total(sc *s) {
    ps_pdf *pdf = s->pdf;
    const ps_layout *L = s->L;
    const ps_unit_result *u = s->u;
    if (u->failed) {
        char text[2000];
        failed_text(s, text, sizeof text);
        message_box(s, T(s, "failed_title"), text, L->c_bad);
        return;
    }
    if (!u->scored) {
        message_box(s, T(s, "label_status"), u->status ? u->status : "—", 0xb26a00);
        return;
    }
    double h = 54, gap = 8, bw = (s->cw - 2 * gap) / 3, y = pdf->y;
    ps_pdf_need(pdf, h + 10);
    y = pdf->y;
    const char *labels[3] = {T(s, "label_total"), T(s, "label_band"), T(s, "label_rank")};
    char v[3][96], a[48], b[48];
    pts(s, u->total, a, sizeof a);
    maxpts(s, u->max, b, sizeof b);
    snprintf(v[0], sizeof v[0], "%s/%s", a, b);
    snprintf(v[1], sizeof v[1], "%s", u->band ? u->band : "—");
    if (u->rank > 0) snprintf(v[2], sizeof v[2], "%d/%d", u->rank, u->rank_of);
    else snprintf(v[2], sizeof v[2], "—");
    for (int i = 0; i < 3; i++) {
        double x = pdf->left + i * (bw + gap);
        ps_pdf_rect(pdf, x, y, bw, h, L->c_fill, L->c_accent, 0.8);
        ps_pdf_text(pdf, pdf->reg, 8.5, L->c_text, x, y + 5, bw, PS_AL_CENTER, labels[i]);
        /* the largest size that fits ("Không hoàn thành nhiệm vụ" is a band
         * name too), else two lines */
        double fs = 17;
        while (fs > 11 && ps_pdf_width(pdf, pdf->bold, fs, v[i]) > bw - 8) fs -= 1;
        if (ps_pdf_width(pdf, pdf->bold, fs, v[i]) <= bw - 8)
            ps_pdf_text(pdf, pdf->bold, fs, L->c_accent, x + 4, y + 17 + (17 - fs) / 2,
                        bw - 8, PS_AL_CENTER, v[i]);
        else
            ps_pdf_wrap(pdf, pdf->bold, 11, L->c_accent, x + 4, y + 16, bw - 8,
                        PS_AL_CENTER, v[i], 1);
    }
    if (u->has_previous) {
        double d = u->total - u->prev_total;
        char dt[64], line[400], pv[48];
        delta_text(s, d, dt, sizeof dt);
        pts(s, u->prev_total, pv, sizeof pv);
        char vs[256], vs1[256];
        subst(vs1, sizeof vs1, T(s, "trend_vs_prev"), "period", prev_period(s));
        subst(vs, sizeof vs, vs1, "prev", pv);
        snprintf(line, sizeof line, "%s %s", dt, vs);
        double tw = ps_pdf_width(pdf, pdf->reg, 8, line) + 10;
        double x = pdf->left + (bw - tw) / 2;
        trend_mark(s, x, y + 41.5, d, 6.5);
        ps_pdf_text(pdf, pdf->reg, 8, L->c_text, x + 10, y + 40, tw, PS_AL_LEFT, line);
    }
    pdf->y = y + h + 10;
}

static void value_cell(const sc *s, const ps_criterion_result *c, char *buf, size_t n) {
    if (c->value_text && *c->value_text) { snprintf(buf, n, "%s", c->value_text); return; }
    if (!c->has_ratio) { snprintf(buf, n, "—"); return; }
    char p[48], a[48], b[48];
    ps_render_pct(s->L, c->value, p, sizeof p);
    ps_render_count(s->L, c->num, a, sizeof a);
    ps_render_count(s->L, c->den, b, sizeof b);
    snprintf(buf, n, "%s (%s/%s)", p, a, b);
}

/* One criterion of the table.  sign: 0 group points, +1 bonus, -1 a
 * deduction (printed "−0,50").  A measure-based criterion shows, under its
 * name, the self-assessed, appraised and system values and the evidence. */
static void criterion_row(sc *s, ps_table *t, const ps_criterion_result *c, const char *num,
                          int sign) {
    const ps_layout *L = s->L;
    ps_buf name;
    ps_buf_init(&name, 0);
    /* a name is cut at 1,190 bytes, as it always was: a table cell never
     * outgrows a page */
    ps_buf_printf(&name, "%.1190s", c->name ? c->name : c->id ? c->id : "");
    if (c->note && *c->note) ps_buf_printf(&name, "\n(%s)", c->note);
    if (c->measure) {
        const ps_measure_shown *m = c->measure;
        const char *sep = "\n";
        if (m->self) { ps_buf_printf(&name, "%s%s %s", sep, T(s, "measure_self"), m->self); sep = " · "; }
        if (m->appraised) {
            ps_buf_printf(&name, "%s%s %s", sep, T(s, "measure_appraised"), m->appraised);
            sep = " · ";
        }
        if (m->system) { ps_buf_printf(&name, "%s%s %s", sep, T(s, "measure_system"), m->system); sep = " · "; }
        if (m->evidence) ps_buf_printf(&name, "\n%s %s", T(s, "measure_evidence"), m->evidence);
    }
    char val[160], p[64], pv[48], m[48];
    value_cell(s, c, val, sizeof val);
    pts(s, c->points, pv, sizeof pv);
    if (sign && c->points > 1e-9) snprintf(p, sizeof p, "%s%s", sign > 0 ? "+" : "−", pv);
    else snprintf(p, sizeof p, "%s", pv);
    maxpts(s, c->max, m, sizeof m);
    const char *cells[6] = {num, name.data ? name.data : "", val, c->target ? c->target : "—", p, m};
    int bad = sign < 0 ? c->points > 1e-9 : sign > 0 ? 0 : c->points + 1e-9 < c->max;
    uint32_t col[6] = {L->c_text, L->c_text, c->target_met == 0 ? L->c_bad : L->c_text, L->c_text,
                       bad ? L->c_bad : sign > 0 && c->points > 1e-9 ? L->c_good : L->c_text,
                       L->c_text};
    ps_table_row(t, cells, s->pdf->reg, PS_NO_COLOUR, col);
    ps_buf_free(&name);
}

/* The section title and the header of a criteria-shaped table (TT,
 * criterion, result, target, points, max); cont holds the continuation
 * title the table repeats on a new page. */
static void criteria_table(sc *s, const ps_layout_section *sec, const char *title_key,
                           double keep, ps_table *t, char *cont, size_t cont_size) {
    ps_pdf *pdf = s->pdf;
    const ps_unit_result *u = s->u;
    section_title(s, T(s, title_key), keep);
    static const double def[6] = {5, 41, 20, 12, 11, 11};
    double rel[6];
    memcpy(rel, sec->n_widths == 6 ? sec->widths : def, sizeof rel);
    ps_table_init(t, pdf, rel, 6, pdf->left, s->cw, s->fs);
    /* the TT column holds the rule set's ids: words such as "sipas" must not
     * break, so it widens to the longest id, taken from the criterion column */
    double need = 0;
    for (size_t i = 0; i < u->n_criteria; i++)
        if (u->criteria[i].id) {
            double w = ps_pdf_width(pdf, pdf->reg, s->fs, u->criteria[i].id);
            if (w > need) need = w;
        }
    double have = t->w[0] - 2 * t->pad;
    if (need > have && t->w[1] > 4 * (need - have)) {
        double sum = 0;
        for (int i = 0; i < 6; i++) sum += rel[i];
        double extra = (need - have + 1) * sum / s->cw;
        rel[0] += extra;
        rel[1] -= extra;
        ps_table_init(t, pdf, rel, 6, pdf->left, s->cw, s->fs);
    }
    const char *heads[6] = {T(s, "col_no"), T(s, "col_criterion"), T(s, "col_value"),
                            T(s, "col_target"), T(s, "col_points"), T(s, "col_max")};
    ps_align al[6] = {PS_AL_CENTER, PS_AL_LEFT, PS_AL_RIGHT, PS_AL_CENTER, PS_AL_RIGHT, PS_AL_RIGHT};
    memcpy(t->head, heads, sizeof heads);
    memcpy(t->al, al, sizeof al);
    snprintf(cont, cont_size, "%s %s", T(s, title_key), T(s, "continued"));
    t->cont_title = cont;
    ps_table_header(t);
}

static void criteria(sc *s, const ps_layout_section *sec) {
    ps_pdf *pdf = s->pdf;
    const ps_layout *L = s->L;
    const ps_unit_result *u = s->u;
    if (u->failed || !u->n_criteria) return;
    ps_table t;
    char cont[256];
    criteria_table(s, sec, "criteria_title", 3 * ps_pdf_line_h(s->fs) + 12, &t, cont, sizeof cont);
    int no = 0;
    char num[64];
    /* groups in order, then criteria without a valid group */
    for (long g = 0; g <= (long)u->n_groups; g++) {
        int any = 0;
        for (size_t i = 0; i < u->n_criteria; i++) {
            const ps_criterion_result *c = &u->criteria[i];
            int in = g < (long)u->n_groups ? c->group == g
                                           : (c->group < 0 || c->group >= (int)u->n_groups);
            if (!in || c->section != PS_SECTION_GROUP) continue;
            if (!any && g < (long)u->n_groups) {
                /* a group heading never ends a page: keep room for a row */
                ps_table_need(&t, 4 * ps_pdf_line_h(s->fs) + 4 * t.pad);
                char gh[512];
                snprintf(gh, sizeof gh, "%s", u->groups[g].name ? u->groups[g].name : u->groups[g].id);
                ps_table_span(&t, gh, pdf->bold, L->c_fill, PS_AL_LEFT);
            }
            any = 1;
            /* the rule set's own numbering ("2.1"), which officials quote */
            if (c->id) snprintf(num, sizeof num, "%s", c->id);
            else snprintf(num, sizeof num, "%d", no + 1);
            no++;
            criterion_row(s, &t, c, num, 0);
        }
        if (any && g < (long)u->n_groups) {
            char p[48], m[48];
            pts(s, u->groups[g].points, p, sizeof p);
            maxpts(s, u->groups[g].max, m, sizeof m);
            const char *cells[6] = {"", T(s, "subtotal"), "", "", p, m};
            ps_table_row(&t, cells, pdf->bold, PS_NO_COLOUR, NULL);
        }
    }
    char p[48], m[48];
    /* with bonus or deduction the groups' sum is not the final total: the
     * adjustments section carries that */
    int adjusted = s->r->has_bonus || s->r->has_deduction;
    pts(s, adjusted ? u->base_total : u->total, p, sizeof p);
    maxpts(s, u->max, m, sizeof m);
    const char *cells[6] = {"", T(s, adjusted ? "groups_total" : "grand_total"), "", "", p, m};
    ps_table_row(&t, cells, pdf->bold, L->c_head, NULL);
    pdf->y += 8;
}

/* Bonus (điểm thưởng) and deduction (điểm trừ): criteria outside the
 * groups, then how the final total comes out of them. */
static void adjust(sc *s, const ps_layout_section *sec) {
    ps_pdf *pdf = s->pdf;
    const ps_layout *L = s->L;
    const ps_unit_result *u = s->u;
    if (u->failed || !(s->r->has_bonus || s->r->has_deduction)) return;
    ps_table t;
    char cont[256];
    criteria_table(s, sec, "adjust_title", 4 * ps_pdf_line_h(s->fs) + 12, &t, cont, sizeof cont);
    for (int part = PS_SECTION_BONUS; part <= PS_SECTION_DEDUCTION; part++) {
        if (part == PS_SECTION_BONUS ? !s->r->has_bonus : !s->r->has_deduction) continue;
        int bonus = part == PS_SECTION_BONUS;
        ps_table_need(&t, 4 * ps_pdf_line_h(s->fs) + 4 * t.pad);
        ps_table_span(&t, T(s, bonus ? "bonus_title" : "deduction_title"), pdf->bold, L->c_fill,
                      PS_AL_LEFT);
        int no = 0;
        double sum_max = 0;
        for (size_t i = 0; i < u->n_criteria; i++) {
            const ps_criterion_result *c = &u->criteria[i];
            if (c->section != part) continue;
            char num[64];
            if (c->id) snprintf(num, sizeof num, "%s", c->id);
            else snprintf(num, sizeof num, "%s%d", bonus ? "T" : "Đ", no + 1);
            no++;
            criterion_row(s, &t, c, num, bonus ? 1 : -1);
            sum_max += c->max;
        }
        char p[48], sp[64], m[48];
        pts(s, bonus ? u->bonus : u->deduction, p, sizeof p);
        snprintf(sp, sizeof sp, "%s%s", bonus ? "+" : "−", p);
        maxpts(s, sum_max, m, sizeof m);
        const char *cells[6] = {"", T(s, bonus ? "bonus_total" : "deduction_total"), "", "", sp, m};
        ps_table_row(&t, cells, pdf->bold, PS_NO_COLOUR, NULL);
    }
    /* "TỔNG ĐIỂM: 82,87 + 1,00 − 0,50 = 83,37" (and the cap when it applied) */
    char base[48], b[48], d[48], tot[48], line[400];
    pts(s, u->base_total, base, sizeof base);
    pts(s, u->bonus, b, sizeof b);
    pts(s, u->deduction, d, sizeof d);
    pts(s, u->total, tot, sizeof tot);
    double raw = u->base_total + u->bonus - u->deduction;
    if (s->r->total_cap > 0 && raw > s->r->total_cap + 1e-9) {
        char rawt[48], cap[48], capped[128];
        pts(s, raw, rawt, sizeof rawt);
        maxpts(s, s->r->total_cap, cap, sizeof cap);
        subst(capped, sizeof capped, T(s, "total_capped"), "cap", cap);
        snprintf(line, sizeof line, "%s: %s + %s − %s = %s → %s", T(s, "final_total"), base, b, d,
                 rawt, capped);
    } else {
        snprintf(line, sizeof line, "%s: %s + %s − %s = %s", T(s, "final_total"), base, b, d, tot);
    }
    const char *cells[6] = {"", line, "", "", tot, ""};
    ps_table_row(&t, cells, pdf->bold, L->c_head, NULL);
    if (s->r->bands_before) {
        pdf->y += 3;
        ps_pdf_flow(pdf, pdf->reg, s->fs - 0.5, L->c_text, pdf->left, s->cw, T(s, "bands_before"));
    }
    pdf->y += 8;
}

static void chart(sc *s) {
    ps_pdf *pdf = s->pdf;
    const ps_layout *L = s->L;
    const ps_unit_result *u = s->u;
    if (u->failed || !u->scored || !u->n_groups) return;
    section_title(s, T(s, "chart_title"), 34);
    double top = 0;
    for (size_t g = 0; g < u->n_groups; g++)
        if (u->groups[g].max > top) top = u->groups[g].max;
    if (top <= 0) top = 1;
    double lw = s->cw * 0.38, bx = pdf->left + lw + 6, vw = 62;
    double bw = s->cw - lw - 6 - vw - 6, rowh = 17;
    for (size_t g = 0; g < u->n_groups; g++) {
        const ps_group_result *gr = &u->groups[g];
        ps_pdf_need(pdf, rowh);
        double y = pdf->y;
        ps_pdf_text(pdf, pdf->reg, s->fs, L->c_text, pdf->left, y + 3, lw, PS_AL_LEFT,
                    gr->name ? gr->name : gr->id);
        double wmax = bw * gr->max / top, wpts = bw * (gr->points > 0 ? gr->points : 0) / top;
        if (wpts > wmax) wpts = wmax;
        ps_pdf_rect(pdf, bx, y + 3, wmax, rowh - 6, L->c_fill, L->c_rule, 0.4);
        if (wpts > 0) ps_pdf_rect(pdf, bx, y + 3, wpts, rowh - 6, L->c_bar, PS_NO_COLOUR, 0);
        char p[48], m[48], v[100];
        pts(s, gr->points, p, sizeof p);
        maxpts(s, gr->max, m, sizeof m);
        snprintf(v, sizeof v, "%s/%s", p, m);
        ps_pdf_text(pdf, pdf->bold, s->fs, L->c_text, s->pdf->right - vw, y + 3, vw,
                    PS_AL_RIGHT, v);
        pdf->y += rowh;
    }
    pdf->y += 8;
}

static void trend(sc *s, const ps_layout_section *sec) {
    ps_pdf *pdf = s->pdf;
    const ps_layout *L = s->L;
    const ps_unit_result *u = s->u;
    if (u->failed || !u->scored || !s->any_previous) return;
    char title[256], colp[128];
    subst(title, sizeof title, T(s, "trend_title"), "period", prev_period(s));
    subst(colp, sizeof colp, T(s, "trend_col_prev"), "period", prev_period(s));
    section_title(s, title,
                  u->has_previous ? 3 * ps_pdf_line_h(s->fs) + 12 : ps_pdf_line_h(s->fs));
    if (!u->has_previous) {
        ps_pdf_flow(pdf, pdf->reg, s->fs, L->c_text, pdf->left, s->cw, T(s, "trend_none"));
        pdf->y += 8;
        return;
    }
    static const double def[4] = {52, 16, 16, 16};
    ps_table t;
    ps_table_init(&t, pdf, sec->n_widths == 4 ? sec->widths : def, 4, pdf->left, s->cw, s->fs);
    const char *heads[4] = {T(s, "trend_col_group"), T(s, "trend_col_now"),
                            colp, T(s, "trend_col_delta")};
    ps_align al[4] = {PS_AL_LEFT, PS_AL_RIGHT, PS_AL_RIGHT, PS_AL_RIGHT};
    memcpy(t.head, heads, sizeof heads);
    memcpy(t.al, al, sizeof al);
    ps_table_header(&t);
    for (size_t g = 0; g <= u->n_groups; g++) {
        int is_total = g == u->n_groups;
        double now = is_total ? u->total : u->groups[g].points;
        double prev = is_total ? u->prev_total : u->prev_groups ? u->prev_groups[g] : NAN;
        char a[48], b[48], d[64];
        pts(s, now, a, sizeof a);
        if (isnan(prev)) snprintf(b, sizeof b, "—");
        else pts(s, prev, b, sizeof b);
        delta_text(s, now - prev, d, sizeof d);
        const char *cells[4] = {is_total ? T(s, "trend_total")
                                         : u->groups[g].name ? u->groups[g].name : u->groups[g].id,
                                a, b, d};
        double y = ps_table_row(&t, cells, is_total ? pdf->bold : pdf->reg,
                                is_total ? L->c_head : PS_NO_COLOUR, NULL);
        trend_mark(s, pdf->left + t.w[0] + t.w[1] + t.w[2] + t.pad + 2, y + t.pad + 2.5,
                   now - prev, s->fs * 0.75);
    }
    pdf->y += 8;
}

static int child_cmp(const void *pa, const void *pb) {
    const ps_unit_result *a = *(const ps_unit_result *const *)pa;
    const ps_unit_result *b = *(const ps_unit_result *const *)pb;
    int oa = ps_render_unit_ok(a) && a->rank > 0, ob = ps_render_unit_ok(b) && b->rank > 0;
    if (oa != ob) return ob - oa;
    if (oa && a->rank != b->rank) return a->rank < b->rank ? -1 : 1;
    return strcmp(a->code ? a->code : "", b->code ? b->code : "");
}

/* Drill-down: a parent's card lists its scored children with their total,
 * band, rank and change, each name a link to the child's own card. */
static void children(sc *s, const ps_layout_section *sec) {
    ps_pdf *pdf = s->pdf;
    const ps_layout *L = s->L;
    const ps_unit_result *u = s->u;
    if (!u->code) return;
    size_t n = 0;
    for (size_t i = 0; i < s->r->n_units; i++)
        n += s->r->units[i].parent_code && !strcmp(s->r->units[i].parent_code, u->code);
    if (!n) return;
    const ps_unit_result **kids = ps_malloc(n * sizeof *kids);
    if (!kids) return;
    n = 0;
    for (size_t i = 0; i < s->r->n_units; i++)
        if (s->r->units[i].parent_code && !strcmp(s->r->units[i].parent_code, u->code))
            kids[n++] = &s->r->units[i];
    qsort(kids, n, sizeof *kids, child_cmp);
    section_title(s, T(s, "children_title"), 3 * ps_pdf_line_h(s->fs) + 12);
    size_t nc = s->any_previous ? 5 : 4;
    static const double def[5] = {46, 14, 20, 10, 10};
    double rel[5];
    memcpy(rel, sec->n_widths == 5 ? sec->widths : def, sizeof rel);
    if (nc == 4) rel[0] += rel[4];
    ps_table t;
    ps_table_init(&t, pdf, rel, nc, pdf->left, s->cw, s->fs);
    char colp[200];
    subst(colp, sizeof colp, T(s, "children_col_change"), "period", prev_period(s));
    const char *heads[5] = {T(s, "children_col_unit"), T(s, "children_col_total"),
                            T(s, "children_col_band"), T(s, "children_col_rank"), colp};
    ps_align al[5] = {PS_AL_LEFT, PS_AL_RIGHT, PS_AL_LEFT, PS_AL_CENTER, PS_AL_RIGHT};
    memcpy(t.head, heads, nc * sizeof *heads);
    memcpy(t.al, al, nc * sizeof *al);
    char cont[256];
    snprintf(cont, sizeof cont, "%s %s", T(s, "children_title"), T(s, "continued"));
    t.cont_title = cont;
    ps_table_header(&t);
    for (size_t i = 0; i < n; i++) {
        const ps_unit_result *k = kids[i];
        int ok = ps_render_unit_ok(k);
        char tot[48], rk[32], ch[64];
        if (ok) pts(s, k->total, tot, sizeof tot);
        else snprintf(tot, sizeof tot, "—");
        if (ok && k->rank > 0) snprintf(rk, sizeof rk, "%d/%d", k->rank, k->rank_of);
        else snprintf(rk, sizeof rk, "—");
        ps_trend tr = ps_render_trend(k);
        if (tr == PS_TREND_NONE || tr == PS_TREND_NEW) snprintf(ch, sizeof ch, "—");
        else delta_text(s, k->total - k->prev_total, ch, sizeof ch);
        const char *band = ok ? (k->band ? k->band : "—")
                              : k->failed ? T(s, "failed_title") : (k->status ? k->status : "—");
        const char *cells[5] = {k->name ? k->name : k->code, tot, band, rk, ch};
        uint32_t col[5] = {L->c_text, L->c_text, ok ? L->c_text : L->c_bad, L->c_text,
                           tr == PS_TREND_UP ? L->c_good : tr == PS_TREND_DOWN ? L->c_bad
                                                                                : L->c_text};
        double top = ps_table_row(&t, cells, pdf->reg, i % 2 ? L->c_fill : PS_NO_COLOUR, col);
        char file[300];
        ps_render_file_name(k, file, sizeof file);
        ps_pdf_link_file(pdf, t.x, top, t.w[0], pdf->y - top, file);
    }
    ps_free(kids);
    pdf->y += 8;
}

static void facts(sc *s) {
    const ps_unit_result *u = s->u;
    if (u->failed || !u->n_facts) return;
    section_title(s, T(s, "facts_title"), ps_pdf_line_h(s->fs + 1));
    for (size_t i = 0; i < u->n_facts; i++)
        label_value(s, u->fact_keys[i] ? u->fact_keys[i] : "",
                    u->fact_values[i] ? u->fact_values[i] : "", 0, s->cw * 0.5);
    s->pdf->y += 6;
}

/* Points a criterion cost that the appendix explains: a group or bonus
 * criterion's shortfall when it names a reason (dossier lists or, for a
 * measure, words); a deduction's points taken off.  A bonus not earned is
 * no loss. */
static double lost_points(const ps_criterion_result *c) {
    if (c->section == PS_SECTION_DEDUCTION) return c->points;
    if (c->section == PS_SECTION_BONUS) return 0;
    if (!c->n_lost && !c->n_explain && !c->lost_reason) return 0;
    return c->max - c->points;
}

static void lost(sc *s) {
    ps_pdf *pdf = s->pdf;
    const ps_layout *L = s->L;
    const ps_unit_result *u = s->u;
    if (u->failed) return;
    int any = 0;
    for (size_t i = 0; i < u->n_criteria; i++) any |= lost_points(&u->criteria[i]) > 1e-9;
    if (!any) return;
    section_title(s, T(s, "lost_title"), 3 * ps_pdf_line_h(s->fs));
    double ind = 12;
    for (size_t i = 0; i < u->n_criteria; i++) {
        const ps_criterion_result *c = &u->criteria[i];
        double lp_n = lost_points(c);
        if (!(lp_n > 1e-9)) continue;
        char n[48], lp[96], head[1300], no[64];
        pts(s, lp_n, n, sizeof n);
        subst(lp, sizeof lp, T(s, c->section == PS_SECTION_DEDUCTION ? "deducted_points" : "lost_points"),
              "n", n);
        if (c->id) snprintf(no, sizeof no, "%s", c->id);
        else snprintf(no, sizeof no, "%zu", i + 1);
        snprintf(head, sizeof head, "%s. %s — %s", no, c->name ? c->name : no, lp);
        ps_pdf_need(pdf, 3 * ps_pdf_line_h(s->fs));
        pdf->y += 2;
        ps_pdf_flow(pdf, pdf->bold, s->fs, L->c_text, pdf->left, s->cw, head);
        if (c->lost_reason)
            ps_pdf_flow(pdf, pdf->reg, s->fs - 0.5, L->c_text, pdf->left + ind, s->cw - ind,
                        c->lost_reason);
        for (size_t k = 0; k < c->n_lost; k++) {
            const ps_lost *l = &c->lost[k];
            ps_buf b;
            ps_buf_init(&b, 0);
            char cnt[48];
            ps_render_count(L, l->count, cnt, sizeof cnt);
            ps_buf_printf(&b, "%s (%s): ", l->label ? l->label : l->key, cnt);
            const char *code = NULL;
            int rc = ps_examples_read(l->codes, &s->scratch, &code);
            if (rc) s->failed = rc;
            for (size_t j = 0; !rc && j < l->n_codes; j++, code += strlen(code) + 1)
                ps_buf_printf(&b, "%s%s", j ? ", " : "", code);
            if (l->count > l->n_codes) {
                char more[96], m[48];
                ps_render_count(L, (double)(l->count - l->n_codes), m, sizeof m);
                subst(more, sizeof more, T(s, "lost_more"), "n", m);
                ps_buf_printf(&b, "%s%s", l->n_codes ? " " : "", more);
            }
            if (b.data)
                ps_pdf_flow(pdf, pdf->reg, s->fs - 0.5, L->c_text, pdf->left + ind,
                            s->cw - ind, b.data);
            ps_buf_free(&b);
        }
        for (size_t k = 0; k < c->n_explain; k++)
            ps_pdf_flow(pdf, pdf->reg, s->fs - 0.5, L->c_text, pdf->left + ind, s->cw - ind,
                        c->explain[k]);
    }
    pdf->y += 8;
}

static void quality(sc *s, const ps_layout_section *sec) {
    ps_pdf *pdf = s->pdf;
    const ps_layout *L = s->L;
    const ps_unit_agg *a = s->u->agg;
    const ps_unit_result *u = s->u;
    int none = (!a || !a->n_dq) && !u->n_quality;
    section_title(s, T(s, "quality_title"),
                  none ? ps_pdf_line_h(s->fs) : 3 * ps_pdf_line_h(s->fs) + 12);
    if (none) {
        ps_pdf_flow(pdf, pdf->reg, s->fs, L->c_text, pdf->left, s->cw, T(s, "quality_none"));
        pdf->y += 6;
        return;
    }
    static const double def[3] = {40, 14, 46};
    ps_table t;
    ps_table_init(&t, pdf, sec->n_widths == 3 ? sec->widths : def, 3, pdf->left, s->cw, s->fs);
    const char *heads[3] = {T(s, "quality_col_key"), T(s, "quality_col_count"),
                            T(s, "quality_col_examples")};
    ps_align al[3] = {PS_AL_LEFT, PS_AL_RIGHT, PS_AL_LEFT};
    memcpy(t.head, heads, sizeof heads);
    memcpy(t.al, al, sizeof al);
    char cont[256];
    snprintf(cont, sizeof cont, "%s %s", T(s, "quality_title"), T(s, "continued"));
    t.cont_title = cont;
    ps_table_header(&t);
    for (size_t i = 0; i < u->n_quality; i++) {
        const ps_quality_line *q = &u->quality[i];
        char key[80], cnt[48];
        snprintf(key, sizeof key, "dq.%s", q->issue);
        const char *label = ps_layout_text(L, key);
        ps_render_count(L, q->count, cnt, sizeof cnt);
        const char *cells[3] = {*label ? label : q->issue, cnt, q->examples ? q->examples : ""};
        ps_table_row(&t, cells, pdf->reg, PS_NO_COLOUR, NULL);
    }
    for (size_t i = 0; a && i < a->n_dq; i++) {
        const ps_dq_entry *e = &a->dq[i];
        char key[80], cnt[48], ex[3 * PS_CODE_MAX + 8] = "";
        snprintf(key, sizeof key, "dq.%s", e->key);
        const char *label = ps_layout_text(L, key);
        ps_render_count(L, e->count, cnt, sizeof cnt);
        size_t o = 0;
        for (uint32_t j = 0; j < e->kept && j < PS_DQ_EXAMPLES; j++)
            o += (size_t)snprintf(ex + o, sizeof ex - o, "%s%.*s", j ? ", " : "",
                                  PS_CODE_MAX, e->examples[j]);
        const char *cells[3] = {*label ? label : e->key, cnt, ex};
        ps_table_row(&t, cells, pdf->reg, PS_NO_COLOUR, NULL);
    }
    pdf->y += 8;
}

static void layout(sc *s) {
    ps_pdf_begin(s->pdf);
    for (size_t i = 0; i < s->L->n_sections && !s->pdf->failed; i++) {
        const ps_layout_section *sec = &s->L->sections[i];
        const char *n = sec->name;
        if (!strcmp(n, "header")) header(s);
        else if (!strcmp(n, "title")) title(s);
        else if (!strcmp(n, "identity")) identity(s);
        else if (!strcmp(n, "total")) total(s);
        else if (!strcmp(n, "criteria")) criteria(s, sec);
        else if (!strcmp(n, "adjust")) adjust(s, sec);
        else if (!strcmp(n, "chart")) chart(s);
        else if (!strcmp(n, "trend")) trend(s, sec);
        else if (!strcmp(n, "facts")) facts(s);
        else if (!strcmp(n, "children")) children(s, sec);
        else if (!strcmp(n, "lost")) lost(s);
        else if (!strcmp(n, "quality")) quality(s, sec);
    }
}

int ps_render_scorecard_one(const ps_results *r, size_t unit, const ps_layout *l,
                            ps_pdf *pdf, const char *path, ps_error *err) {
    const ps_unit_result *u = &r->units[unit];
    char title[600];
    snprintf(title, sizeof title, "%s — %s — %s", l->text_values ? ps_layout_text(l, "title") : "",
             u->name ? u->name : u->code, r->period.label_vn);
    pdf->err = err;
    int rc = ps_pdf_next(pdf, r->generated_at, title);
    if (rc) return rc;
    sc s;
    memset(&s, 0, sizeof s);
    s.r = r; s.u = u; s.L = l; s.pdf = pdf;
    s.fs = l->font_size;
    s.cw = pdf->right - pdf->left;
    for (size_t i = 0; i < r->n_units; i++)
        if (r->units[i].has_previous) s.any_previous = 1;
    pdf->on_page = on_page;
    pdf->on_page_ctx = &s;
    ps_buf_init(&s.scratch, 0);
    layout(&s);
    ps_buf_free(&s.scratch);
    if (s.failed) {
        pdf->on_page = NULL;
        pdf->on_page_ctx = NULL;
        return s.failed == PS_ENOMEM
                   ? ps_error_set(err, PS_ENOMEM, path, 0, 0, "out of memory")
                   : ps_error_set(err, PS_EIO, path, 0, 0,
                                  "unit %s: cannot read back its example codes from the "
                                  "run's temporary file (disk error?)", u->code);
    }
    ps_pdf_each_page(pdf, footer, &s);
    rc = ps_pdf_save(pdf, path);
    /* the handle outlives this card */
    pdf->on_page = NULL;
    pdf->on_page_ctx = NULL;
    return rc;
}
