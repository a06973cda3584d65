/*
 * ps_render_summary.c -- the province summary PDF: units per band, a
 * histogram of totals, the best and worst five, and the ranking of every
 * unit with its points per group (each name a link to the unit's own
 * scorecard), the units that moved most since the previous period, and
 * bookmarks for every section and unit.  Same page frame as the
 * scorecards, laid out once: the footers ("Trang X/Y") are drawn when the
 * page count is known, after the layout (a dry pass to count the pages
 * first laid the whole summary out twice).
 */
#include "render/ps_render_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct row {
    const ps_unit_result *u;
} row;

typedef struct sm {
    const ps_results *r;
    const ps_layout *L;
    ps_pdf *pdf;
    double fs, cw;
    double sx, sw;              /* where the current section goes (side by side) */
    row *rows;                  /* ranked: scored first, by level, rank, total */
    size_t n_rows, n_scored;
    /* bands, histogram and best/worst compare like with like: the units of
     * the level with the most scored units (communes, not their province) */
    const char *main_level;
    row *main;                  /* scored units of main_level, ranking order */
    size_t n_main, n_main_all;  /* scored / all units of main_level */
    const ps_unit_result *groups_of;   /* the unit whose groups name the columns */
    int links;                  /* the scorecards are beside this file: link them */
    int any_previous;
    void *ranking_mark;         /* the ranking's bookmark, parent of the units' */
} sm;

static const char *T(const sm *s, const char *key) { return ps_layout_text(s->L, key); }

#define ok_unit ps_render_unit_ok

static void pts(const sm *s, double v, char *buf, size_t n) {
    ps_render_num(s->L, v, s->L->pts_decimals, buf, n);
}

static double footer_top(const sm *s) {
    return s->L->page_h - s->L->margin_b - ps_render_footer_height();
}

static void footer(ps_pdf *pdf, void *ctx) {
    const sm *s = ctx;
    ps_render_footer(pdf, s->L, s->r, footer_top(s) + 3);
}

static void on_page(ps_pdf *pdf, void *ctx) {
    sm *s = ctx;
    pdf->bottom = footer_top(s);
    if (pdf->page_no > 1) {
        char line[512];
        snprintf(line, sizeof line, "%s — %s", T(s, "title"), s->r->period.label_vn);
        ps_pdf_text(pdf, pdf->reg, 7.5, s->L->c_rule, pdf->left, pdf->y, s->cw,
                    PS_AL_RIGHT, line);
        pdf->y += ps_pdf_line_h(7.5);
        ps_pdf_line(pdf, pdf->left, pdf->y, pdf->right, pdf->y, s->L->c_rule, 0.4);
        pdf->y += 6;
    }
}

static void *section_title(sm *s, const char *text, double keep) {
    ps_pdf *pdf = s->pdf;
    double lh = ps_pdf_line_h(s->fs + 2);
    ps_pdf_need(pdf, lh + keep);
    pdf->y += 4;
    void *mark = ps_pdf_bookmark(pdf, NULL, text, pdf->y);
    ps_pdf_text(pdf, pdf->bold, s->fs + 2, s->L->c_accent, s->sx, pdf->y, s->sw,
                PS_AL_LEFT, text);
    pdf->y += lh + 2;
    return mark;
}

/* The unit's name in a table row is a link to its scorecard. */
static void link_cell(const sm *s, const ps_table *t, size_t col, double top,
                      const ps_unit_result *u) {
    if (!s->links) return;
    double x = t->x;
    for (size_t c = 0; c < col; c++) x += t->w[c];
    char file[300];
    ps_render_file_name(u, file, sizeof file);
    ps_pdf_link_file(s->pdf, x, top, t->w[col], s->pdf->y - top, file);
}

/* "+2,50" / "−0,75" / "0,00" */
static void change_text(const sm *s, double d, char *buf, size_t n) {
    char v[48];
    pts(s, fabs(d), v, sizeof v);
    snprintf(buf, n, "%s%s", fabs(d) < 0.005 ? "" : d > 0 ? "+" : "\xe2\x88\x92", v);
}

static void title(sm *s) {
    ps_pdf *pdf = s->pdf;
    const ps_layout *L = s->L;
    ps_pdf_text(pdf, pdf->bold, 15, L->c_accent, pdf->left, pdf->y, s->cw, PS_AL_CENTER,
                T(s, "title"));
    pdf->y += ps_pdf_line_h(15);
    if (s->r->title && *s->r->title) {
        double tw = ps_pdf_balanced_width(pdf, pdf->bold, 11, s->cw - 80, s->r->title);
        int n = ps_pdf_wrap(pdf, pdf->bold, 11, L->c_text, pdf->left + (s->cw - tw) / 2,
                            pdf->y, tw, PS_AL_CENTER, s->r->title, 1);
        pdf->y += n * ps_pdf_line_h(11);
    }
    char line[600];
    snprintf(line, sizeof line, "%s %s  ·  %s %s", T(s, "label_period"),
             s->r->period.label_vn, T(s, "label_ruleset"),
             s->r->ruleset_name ? s->r->ruleset_name : "—");
    ps_pdf_text(pdf, pdf->reg, 10, L->c_text, pdf->left, pdf->y, s->cw, PS_AL_CENTER, line);
    pdf->y += ps_pdf_line_h(10) + 8;
}

static void bands(sm *s, const ps_layout_section *sec) {
    ps_pdf *pdf = s->pdf;
    const ps_results *r = s->r;
    section_title(s, T(s, "bands_title"), 60);
    static const double def[3] = {50, 25, 25};
    ps_table t;
    ps_table_init(&t, pdf, sec->n_widths == 3 ? sec->widths : def, 3, s->sx,
                  s->sw < s->cw ? s->sw : s->cw * 0.45, s->fs);
    const char *heads[3] = {T(s, "bands_col_band"), T(s, "bands_col_count"),
                            T(s, "bands_col_share")};
    ps_align al[3] = {PS_AL_LEFT, PS_AL_RIGHT, PS_AL_RIGHT};
    memcpy(t.head, heads, sizeof heads);
    memcpy(t.al, al, sizeof al);
    ps_table_header(&t);
    size_t n = s->n_main_all ? s->n_main_all : 1, counted = 0;
    for (size_t b = 0; b <= r->n_bands; b++) {
        size_t c = 0;
        for (size_t i = 0; i < s->n_main; i++) {
            const ps_unit_result *u = s->main[i].u;
            if (b < r->n_bands && u->band && !strcmp(u->band, r->band_names[b])) c++;
        }
        if (b == r->n_bands) c = s->n_main_all - counted;
        counted += c;
        if (b == r->n_bands && c == 0) break;
        char cnt[32], share[32];
        ps_render_count(s->L, (double)c, cnt, sizeof cnt);
        ps_render_pct(s->L, (double)c / (double)n, share, sizeof share);
        const char *cells[3] = {b < r->n_bands ? r->band_names[b] : T(s, "bands_none"), cnt, share};
        ps_table_row(&t, cells, pdf->reg, PS_NO_COLOUR, NULL);
    }
    pdf->y += 8;
}

static void histogram(sm *s) {
    ps_pdf *pdf = s->pdf;
    const ps_layout *L = s->L;
    enum { BINS = 10 };
    double top = 0;
    for (size_t i = 0; i < s->n_main; i++)
        if (s->main[i].u->max > top) top = s->main[i].u->max;
    if (!(top > 0)) top = 100;
    top = ceil(top / 10) * 10;      /* 99 -> bins of 10 up to 100 */
    size_t count[BINS] = {0}, most = 1;
    for (size_t i = 0; i < s->n_main; i++) {
        int b = (int)floor(s->main[i].u->total / top * BINS);
        if (b < 0) b = 0;
        if (b >= BINS) b = BINS - 1;     /* a full score goes in the last bin */
        if (++count[b] > most) most = count[b];
    }
    double h = 120;
    section_title(s, T(s, "histogram_title"), h + 40);
    double x0 = s->sx + 10, w = s->sw < s->cw ? s->sw - 20 : s->cw * 0.6;
    double bw = w / BINS, y0 = pdf->y + 24;
    ps_pdf_text(pdf, pdf->reg, 7.5, L->c_rule, s->sx, pdf->y, s->sw, PS_AL_LEFT,
                T(s, "histogram_axis"));
    ps_pdf_line(pdf, x0, y0 + h, x0 + w, y0 + h, L->c_text, 0.6);
    ps_pdf_line(pdf, x0, y0, x0, y0 + h, L->c_text, 0.6);
    for (int b = 0; b < BINS; b++) {
        double bh = h * (double)count[b] / (double)most;
        double x = x0 + b * bw;
        if (count[b]) ps_pdf_rect(pdf, x + 3, y0 + h - bh, bw - 6, bh, L->c_bar, PS_NO_COLOUR, 0);
        char c[32], lo[32], hi[32], lab[80];
        ps_render_count(L, (double)count[b], c, sizeof c);
        ps_pdf_text(pdf, pdf->bold, 7.5, L->c_text, x, y0 + h - bh - 10, bw, PS_AL_CENTER, c);
        ps_render_num(L, top * b / BINS, 0, lo, sizeof lo);
        ps_render_num(L, top * (b + 1) / BINS, 0, hi, sizeof hi);
        snprintf(lab, sizeof lab, "%s–%s", lo, hi);
        ps_pdf_text(pdf, pdf->reg, 7, L->c_text, x, y0 + h + 2, bw, PS_AL_CENTER, lab);
    }
    pdf->y = y0 + h + 18;
}

static void short_table(sm *s, double x, double w, const char *head, int best) {
    ps_pdf *pdf = s->pdf;
    static const double rel[4] = {9, 46, 15, 30};
    ps_table t;
    ps_table_init(&t, pdf, rel, 4, x, w, s->fs);
    const char *heads[4] = {T(s, "col_rank"), T(s, "col_unit"), T(s, "col_total"), T(s, "col_band")};
    ps_align al[4] = {PS_AL_CENTER, PS_AL_LEFT, PS_AL_RIGHT, PS_AL_LEFT};
    memcpy(t.head, heads, sizeof heads);
    memcpy(t.al, al, sizeof al);
    ps_pdf_text(pdf, pdf->bold, s->fs + 0.5, s->L->c_accent, x, pdf->y, w, PS_AL_LEFT, head);
    pdf->y += ps_pdf_line_h(s->fs + 0.5) + 2;
    ps_table_header(&t);
    /* best: the five highest totals; worst: the five lowest, lowest last */
    size_t idx[5], n = 0;
    const row **sorted = ps_malloc((s->n_main + 1) * sizeof *sorted);
    if (!sorted) return;
    for (size_t i = 0; i < s->n_main; i++) sorted[i] = &s->main[i];
    for (size_t i = 1; i < s->n_main; i++)      /* insertion sort by total desc */
        for (size_t j = i; j > 0 && sorted[j]->u->total > sorted[j - 1]->u->total; j--) {
            const row *tmp = sorted[j]; sorted[j] = sorted[j - 1]; sorted[j - 1] = tmp;
        }
    size_t k = s->n_main < 5 ? s->n_main : 5;
    for (size_t i = 0; i < k; i++) idx[n++] = best ? i : s->n_main - k + i;
    for (size_t i = 0; i < n; i++) {
        /* cppcheck-suppress uninitvar ; idx[0..n) were all written just above */
        const ps_unit_result *u = sorted[idx[i]]->u;
        char rk[32], tot[32];
        if (u->rank > 0) snprintf(rk, sizeof rk, "%d/%d", u->rank, u->rank_of);
        else snprintf(rk, sizeof rk, "—");
        pts(s, u->total, tot, sizeof tot);
        const char *cells[4] = {rk, u->name, tot, u->band ? u->band : "—"};
        double top = ps_table_row(&t, cells, pdf->reg, PS_NO_COLOUR, NULL);
        link_cell(s, &t, 1, top, u);
    }
    ps_free(sorted);
}

/* The five units that gained most and the five that lost most against the
 * previous period (units of the main level with a previous total). */
static void movers_table(sm *s, double x, double w, const char *head, int up) {
    ps_pdf *pdf = s->pdf;
    static const double rel[4] = {46, 18, 18, 18};
    ps_table t;
    ps_table_init(&t, pdf, rel, 4, x, w, s->fs);
    char prev[128];
    ps_render_subst(prev, sizeof prev, T(s, "movers_col_prev"), "period",
                    s->r->prev_label_vn ? s->r->prev_label_vn : "");
    const char *heads[4] = {T(s, "col_unit"), T(s, "col_total"), prev, T(s, "movers_col_change")};
    ps_align al[4] = {PS_AL_LEFT, PS_AL_RIGHT, PS_AL_RIGHT, PS_AL_RIGHT};
    memcpy(t.head, heads, sizeof heads);
    memcpy(t.al, al, sizeof al);
    ps_pdf_text(pdf, pdf->bold, s->fs + 0.5, s->L->c_accent, x, pdf->y, w, PS_AL_LEFT, head);
    pdf->y += ps_pdf_line_h(s->fs + 0.5) + 2;
    const ps_unit_result **list = ps_malloc((s->n_main + 1) * sizeof *list);
    if (!list) return;
    size_t n = 0;
    for (size_t i = 0; i < s->n_main; i++) {
        ps_trend tr = ps_render_trend(s->main[i].u);
        if (tr == (up ? PS_TREND_UP : PS_TREND_DOWN)) list[n++] = s->main[i].u;
    }
    /* insertion sort by change, largest move first; ties by code */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            double a = list[j]->total - list[j]->prev_total;
            double b = list[j - 1]->total - list[j - 1]->prev_total;
            int before = up ? a > b + 1e-9 : a < b - 1e-9;
            if (!before) break;
            const ps_unit_result *tmp = list[j]; list[j] = list[j - 1]; list[j - 1] = tmp;
        }
    if (!n) {
        ps_pdf_flow(pdf, pdf->reg, s->fs, s->L->c_text, x, w, T(s, "movers_none"));
    } else {
        ps_table_header(&t);
    }
    for (size_t i = 0; i < n && i < 5; i++) {
        const ps_unit_result *u = list[i];
        char now[48], was[48], d[64];
        pts(s, u->total, now, sizeof now);
        pts(s, u->prev_total, was, sizeof was);
        change_text(s, u->total - u->prev_total, d, sizeof d);
        const char *cells[4] = {u->name, now, was, d};
        uint32_t col[4] = {s->L->c_text, s->L->c_text, s->L->c_text,
                           up ? s->L->c_good : s->L->c_bad};
        double top = ps_table_row(&t, cells, pdf->reg, PS_NO_COLOUR, col);
        link_cell(s, &t, 0, top, u);
    }
    ps_free(list);
}

static void movers(sm *s) {
    ps_pdf *pdf = s->pdf;
    if (!s->any_previous || !s->n_main) return;
    ps_pdf_need(pdf, 8 * ps_pdf_line_h(s->fs) + 80);
    char title[300];
    ps_render_subst(title, sizeof title, T(s, "movers_title"), "period",
                    s->r->prev_label_vn ? s->r->prev_label_vn : "");
    section_title(s, title, 0);
    double w = (s->cw - 20) / 2, y = pdf->y;
    movers_table(s, pdf->left, w, T(s, "movers_up"), 1);
    double y1 = pdf->y;
    pdf->y = y;
    movers_table(s, pdf->left + w + 20, w, T(s, "movers_down"), 0);
    if (y1 > pdf->y) pdf->y = y1;
    pdf->y += 10;
}

static void best_worst(sm *s) {
    ps_pdf *pdf = s->pdf;
    if (!s->n_main) return;
    ps_pdf_need(pdf, 8 * ps_pdf_line_h(s->fs) + 80);
    section_title(s, T(s, "best_title"), 0);
    pdf->y -= ps_pdf_line_h(s->fs + 2) + 2;   /* the left title is the section title */
    double w = (s->cw - 20) / 2, y = pdf->y;
    short_table(s, pdf->left, w, "", 1);
    double y1 = pdf->y;
    pdf->y = y;
    short_table(s, pdf->left + w + 20, w, T(s, "worst_title"), 0);
    if (y1 > pdf->y) pdf->y = y1;
    pdf->y += 10;
}

static void ranking(sm *s, const ps_layout_section *sec) {
    ps_pdf *pdf = s->pdf;
    const ps_layout *L = s->L;
    const ps_unit_result *g0 = s->groups_of;
    size_t ng = g0 ? g0->n_groups : 0;
    if (ng > PS_TABLE_MAX_COLS - 5) ng = PS_TABLE_MAX_COLS - 5;
    /* keep the title with the header (group names wrap to 4-5 lines) and
     * a few rows: a header alone at a page foot helps nobody */
    s->ranking_mark = section_title(s, T(s, "ranking_title"), 140);
    ps_pdf_bookmark_open(s->ranking_mark, 0);
    static const double def[6] = {6, 7, 25, 7, 17, 38};
    const double *wd = sec->n_widths == 6 ? sec->widths : def;
    /* with a previous period, a change column after the band, its width
     * taken from the groups' share */
    size_t pc = s->any_previous ? 1 : 0;
    if (ng > PS_TABLE_MAX_COLS - 5 - pc) ng = PS_TABLE_MAX_COLS - 5 - pc;
    double rel[PS_TABLE_MAX_COLS];
    memcpy(rel, wd, 5 * sizeof *rel);
    double gw = wd[5];
    if (pc) {
        double cw = gw > 14 ? 7 : gw / 2;
        rel[5] = cw;
        gw -= cw;
    }
    for (size_t g = 0; g < ng; g++) rel[5 + pc + g] = gw / (double)ng;
    size_t nc = 5 + pc + ng;
    if (!ng) rel[4 + pc] += gw;
    ps_table t;
    ps_table_init(&t, pdf, rel, nc, pdf->left, s->cw, s->fs);
    t.head[0] = T(s, "col_rank");
    t.head[1] = T(s, "col_code");
    t.head[2] = T(s, "col_unit");
    t.head[3] = T(s, "col_total");
    t.head[4] = T(s, "col_band");
    char gh[PS_TABLE_MAX_COLS][300];
    for (size_t g = 0; g < ng; g++) {
        char m[32];
        ps_render_num(L, g0->groups[g].max, fabs(g0->groups[g].max - round(g0->groups[g].max)) < 1e-9 ? 0 : 2, m, sizeof m);
        snprintf(gh[g], sizeof gh[g], "%s (%s)", g0->groups[g].name ? g0->groups[g].name : g0->groups[g].id, m);
        t.head[5 + pc + g] = gh[g];
    }
    char ch[200];
    if (pc) {
        ps_render_subst(ch, sizeof ch, T(s, "col_change"), "period",
                        s->r->prev_label_vn ? s->r->prev_label_vn : "");
        t.head[5] = ch;
        t.al[5] = PS_AL_RIGHT;
    }
    t.al[0] = PS_AL_CENTER; t.al[1] = PS_AL_LEFT; t.al[2] = PS_AL_LEFT;
    t.al[3] = PS_AL_RIGHT; t.al[4] = PS_AL_LEFT;
    for (size_t g = 0; g < ng; g++) t.al[5 + pc + g] = PS_AL_RIGHT;
    char cont[256];
    snprintf(cont, sizeof cont, "%s %s", T(s, "ranking_title"), T(s, "continued"));
    t.cont_title = cont;
    ps_table_header(&t);
    char cells_buf[PS_TABLE_MAX_COLS][96];
    for (size_t i = 0; i < s->n_rows; i++) {
        const ps_unit_result *u = s->rows[i].u;
        const char *cells[PS_TABLE_MAX_COLS];
        int ok = ok_unit(u);
        if (ok && u->rank > 0) snprintf(cells_buf[0], 96, "%d/%d", u->rank, u->rank_of);
        else snprintf(cells_buf[0], 96, "—");
        cells[0] = cells_buf[0];
        cells[1] = u->code;
        cells[2] = u->name;
        if (ok) pts(s, u->total, cells_buf[3], 96);
        else snprintf(cells_buf[3], 96, "—");
        cells[3] = cells_buf[3];
        cells[4] = ok ? (u->band ? u->band : "—") : u->failed ? T(s, "failed") : T(s, "not_scored");
        ps_trend tr = ps_render_trend(u);
        if (pc) {
            if (tr == PS_TREND_NEW) snprintf(cells_buf[5], 96, "%s", T(s, "trend_new"));
            else if (tr == PS_TREND_NONE) snprintf(cells_buf[5], 96, "—");
            else change_text(s, u->total - u->prev_total, cells_buf[5], 96);
            cells[5] = cells_buf[5];
        }
        for (size_t g = 0; g < ng; g++) {
            /* match the unit's group by id: rule sets may differ per level */
            char *cb = cells_buf[5 + pc + g];
            snprintf(cb, 96, "—");
            for (size_t k = 0; ok && k < u->n_groups; k++)
                if (u->groups[k].id && g0->groups[g].id && !strcmp(u->groups[k].id, g0->groups[g].id))
                    pts(s, u->groups[k].points, cb, 96);
            cells[5 + pc + g] = cb;
        }
        uint32_t col[PS_TABLE_MAX_COLS];
        for (size_t c = 0; c < nc; c++) col[c] = L->c_text;
        if (!ok) col[4] = u->failed ? L->c_bad : 0xb26a00;
        if (pc) col[5] = tr == PS_TREND_UP ? L->c_good : tr == PS_TREND_DOWN ? L->c_bad : L->c_text;
        double top = ps_table_row(&t, cells, pdf->reg, i % 2 ? L->c_fill : PS_NO_COLOUR, col);
        link_cell(s, &t, 2, top, u);
        char mark[600];
        snprintf(mark, sizeof mark, "%s (%s)", u->name ? u->name : "", u->code ? u->code : "");
        ps_pdf_bookmark(pdf, s->ranking_mark, mark, top);
    }
}

/* Records naming units that are in neither the unit list nor `declare`:
 * the warning of the run says they are listed here.  The texts are
 * optional, so a template made before this section still loads. */
static const char *TQ(sm *s, const char *key, const char *fallback) {
    const char *t = ps_layout_text(s->L, key);
    return t && *t ? t : fallback;
}

static void quality(sm *s, const ps_layout_section *sec) {
    ps_pdf *pdf = s->pdf;
    const ps_layout *L = s->L;
    const ps_results *r = s->r;
    size_t n = r->n_unknown;
    uint64_t unlisted = r->agg ? r->agg->unknown_unlisted : 0;
    section_title(s, TQ(s, "quality_title", "quality"), 3 * ps_pdf_line_h(s->fs) + 12);
    if (!n) {
        ps_pdf_flow(pdf, pdf->reg, s->fs, L->c_text, pdf->left, s->cw,
                    TQ(s, "quality_none", "-"));
        pdf->y += 6;
        return;
    }
    static const double def[3] = {30, 15, 55};
    ps_table t;
    ps_table_init(&t, pdf, sec->n_widths == 3 ? sec->widths : def, 3, pdf->left, s->cw, s->fs);
    t.head[0] = TQ(s, "quality_col_code", "code");
    t.head[1] = TQ(s, "quality_col_count", "records");
    t.head[2] = TQ(s, "quality_col_example", "example");
    t.al[0] = PS_AL_LEFT; t.al[1] = PS_AL_RIGHT; t.al[2] = PS_AL_LEFT;
    char cont[256];
    snprintf(cont, sizeof cont, "%s %s", TQ(s, "quality_title", "quality"), T(s, "continued"));
    t.cont_title = cont;
    ps_table_header(&t);
    for (size_t i = 0; i < n; i++) {
        char cnt[48];
        ps_render_count(L, r->unknown[i].count, cnt, sizeof cnt);
        const char *cells[3] = {r->unknown[i].code, cnt, r->unknown[i].example};
        ps_table_row(&t, cells, pdf->reg, i % 2 ? L->c_fill : PS_NO_COLOUR, NULL);
    }
    if (unlisted) {
        char cnt[48];
        ps_render_count(L, (double)unlisted, cnt, sizeof cnt);
        const char *cells[3] = {TQ(s, "quality_unlisted", "..."), cnt, ""};
        ps_table_row(&t, cells, pdf->bold, PS_NO_COLOUR, NULL);
    }
    pdf->y += 8;
}

static void layout(sm *s) {
    ps_pdf_begin(s->pdf);
    for (size_t i = 0; i < s->L->n_sections && !s->pdf->failed; i++) {
        const ps_layout_section *sec = &s->L->sections[i];
        const char *n = sec->name;
        s->sx = s->pdf->left;
        s->sw = s->cw;
        if (!strcmp(n, "bands") && i + 1 < s->L->n_sections &&
            !strcmp(s->L->sections[i + 1].name, "histogram")) {
            /* band counts and histogram side by side: landscape has room */
            ps_pdf_need(s->pdf, 240);
            double top = s->pdf->y;
            s->sw = s->cw * 0.42;
            bands(s, sec);
            double y1 = s->pdf->y;
            s->pdf->y = top;
            s->sx = s->pdf->left + s->cw * 0.5;
            s->sw = s->cw * 0.5;
            histogram(s);
            if (y1 > s->pdf->y) s->pdf->y = y1;
            i++;
            continue;
        }
        if (!strcmp(n, "header")) ps_render_state_header(s->pdf, s->L, s->r);
        else if (!strcmp(n, "title")) title(s);
        else if (!strcmp(n, "bands")) bands(s, sec);
        else if (!strcmp(n, "histogram")) histogram(s);
        else if (!strcmp(n, "best_worst")) best_worst(s);
        else if (!strcmp(n, "ranking")) ranking(s, sec);
        else if (!strcmp(n, "movers")) movers(s);
        else if (!strcmp(n, "quality")) quality(s, sec);
    }
}

int ps_render_summary(const ps_results *r, const ps_render_opts *o, ps_error *err) {
    int rc = ps_render_check_dir(o->output_dir, err);
    if (rc) return rc;
    ps_layout L;
    if ((rc = ps_render_load_layout(&L, o, "summary", err))) return rc;
    char reg[1024], bold[1024], path[2048];
    if ((rc = ps_render_fonts(&L, o, reg, bold, sizeof reg, err))) {
        ps_layout_free(&L);
        return rc;
    }
    sm s;
    memset(&s, 0, sizeof s);
    s.r = r;
    s.L = &L;
    s.links = o->link_scorecards;
    for (size_t i = 0; i < r->n_units; i++)
        if (r->units[i].has_previous) s.any_previous = 1;
    s.rows = ps_calloc(r->n_units + 1, sizeof *s.rows);
    if (!s.rows) {
        ps_layout_free(&L);
        return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    size_t *order = ps_calloc(r->n_units + 1, sizeof *order);
    if (!order || ps_render_rank_order(r, order) != PS_OK) {
        ps_free(order);
        ps_free(s.rows);
        ps_layout_free(&L);
        return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < r->n_units; i++) {
        const ps_unit_result *u = &r->units[order[i]];
        s.rows[i].u = u;
        if (ok_unit(u)) {
            s.n_scored++;
            if (!s.groups_of || u->n_groups > s.groups_of->n_groups) s.groups_of = u;
        }
    }
    ps_free(order);
    s.n_rows = r->n_units;
    s.main = ps_calloc(r->n_units + 1, sizeof *s.main);
    if (!s.main) {
        ps_free(s.rows);
        ps_layout_free(&L);
        return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    size_t best_count = 0;
    for (size_t i = 0; i < s.n_rows; i++) {
        if (!ok_unit(s.rows[i].u)) continue;
        const char *lv = s.rows[i].u->level ? s.rows[i].u->level : "";
        size_t c = 0;
        for (size_t j = 0; j < s.n_rows; j++)
            if (ok_unit(s.rows[j].u) && !strcmp(lv, s.rows[j].u->level ? s.rows[j].u->level : ""))
                c++;
        if (c > best_count) { best_count = c; s.main_level = lv; }
        /* rows are grouped by level: skip to the next level */
        while (i + 1 < s.n_rows && ok_unit(s.rows[i + 1].u) &&
               !strcmp(lv, s.rows[i + 1].u->level ? s.rows[i + 1].u->level : "")) i++;
    }
    for (size_t i = 0; i < s.n_rows; i++) {
        const ps_unit_result *u = s.rows[i].u;
        if (!s.main_level || strcmp(u->level ? u->level : "", s.main_level)) continue;
        s.n_main_all++;
        if (ok_unit(u)) s.main[s.n_main++] = s.rows[i];
    }
    ps_pdf pdf;
    rc = ps_pdf_open(&pdf, &L, reg, bold, r->generated_at, ps_layout_text(&L, "title"), err);
    if (rc == PS_OK) {
        s.pdf = &pdf;
        s.fs = L.font_size;
        s.cw = pdf.right - pdf.left;
        pdf.on_page = on_page;
        pdf.on_page_ctx = &s;
        layout(&s);
        ps_pdf_each_page(&pdf, footer, &s);
        snprintf(path, sizeof path, "%s/summary.pdf", o->output_dir);
        rc = ps_pdf_save(&pdf, path);
        ps_pdf_close(&pdf);
    }
    ps_free(s.main);
    ps_free(s.rows);
    ps_layout_free(&L);
    return rc;
}
