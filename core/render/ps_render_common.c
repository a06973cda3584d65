/*
 * ps_render_common.c -- shared pieces of the PDF reports: template and font
 * resolution, number/date formatting, ranking order, the output directory
 * check.  It calls nothing above it: the reports (scorecard, summary) use
 * it, and ps_render.c drives the reports.
 */
#include "render/ps_render_int.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Debian's fonts-noto-core (the default faces) and fonts-dejavu-core. */
static const char *const font_dirs[] = {
    "/usr/share/fonts/truetype/noto", "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/truetype", NULL};

static void join(char *out, size_t size, const char *dir, const char *name) {
    if (!dir || !*dir || name[0] == '/') snprintf(out, size, "%s", name);
    else snprintf(out, size, "%s/%s", dir, name);
}

static const char *const scorecard_sections[] = {"header", "title", "identity",
    "total", "criteria", "adjust", "chart", "trend", "facts", "children", "lost", "quality", NULL};
static const char *const scorecard_texts[] = {"nation", "motto", "title",
    "label_unit", "label_parent", "label_period", "label_ruleset", "label_total",
    "label_band", "label_rank", "label_status", "failed_title", "criteria_title",
    "col_no", "col_criterion", "col_value", "col_target", "col_points", "col_max",
    "subtotal", "grand_total", "chart_title", "trend_title", "trend_col_group",
    "trend_col_now", "trend_col_prev", "trend_col_delta", "trend_total",
    "trend_none", "facts_title", "lost_title", "lost_points", "lost_more",
    "quality_title", "quality_col_key", "quality_col_count",
    "quality_col_examples", "footer_sources", "footer_generated",
    "footer_ruleset", "footer_version", "footer_page", "continued", "label_code",
    "trend_vs_prev", "failed_body", "failed_cause_rule", "failed_cause_budget",
    "failed_cause_memory", "failed_where", "children_title", "children_col_unit",
    "children_col_change", "children_col_total", "children_col_band", "children_col_rank",
    NULL};
static const char *const summary_sections[] = {"header", "title", "bands",
    "histogram", "best_worst", "ranking", "movers", "quality", NULL};
static const char *const summary_texts[] = {"nation", "motto", "title",
    "label_period", "label_ruleset", "bands_title", "bands_col_band",
    "bands_col_count", "bands_col_share", "bands_none", "histogram_title",
    "histogram_axis", "best_title", "worst_title", "ranking_title", "col_rank",
    "col_code", "col_unit", "col_total", "col_band", "not_scored", "failed",
    "footer_sources", "footer_generated", "footer_ruleset", "footer_version",
    "footer_page", "continued", "col_change", "trend_new", "movers_title", "movers_up",
    "movers_down", "movers_col_prev", "movers_col_change", "movers_none", NULL};

int ps_render_load_layout(ps_layout *l, const ps_render_opts *o, const char *kind,
                          ps_error *err) {
    int sc = strcmp(kind, "scorecard") == 0;
    const char *file = sc ? o->scorecard_template : o->summary_template;
    char name[64], path[1024];
    if (!file || !*file) {
        snprintf(name, sizeof name, "%s.xml", kind);
        file = name;
    }
    join(path, sizeof path, strchr(file, '/') ? NULL : o->templates_dir, file);
    return ps_layout_load(l, path, kind, sc ? scorecard_sections : summary_sections,
                          sc ? scorecard_texts : summary_texts, err);
}

static int find_font(const ps_layout *l, const ps_render_opts *o, const char *given,
                     const char *name, char *out, size_t size, ps_error *err) {
    if (given && *given) {
        snprintf(out, size, "%s", given);
        if (access(out, R_OK) == 0) return PS_OK;
        return ps_error_set(err, PS_ECONFIG, given, 0, 0,
                            "font file not found or unreadable (fix the job's "
                            "font setting)");
    }
    if (strchr(name, '/')) {
        join(out, size, name[0] == '/' ? NULL : o->templates_dir, name);
        if (access(out, R_OK) == 0) return PS_OK;
    } else {
        join(out, size, o->templates_dir, name);
        if (access(out, R_OK) == 0) return PS_OK;
        for (size_t i = 0; font_dirs[i]; i++) {
            join(out, size, font_dirs[i], name);
            if (access(out, R_OK) == 0) return PS_OK;
        }
    }
    return ps_error_set(err, PS_ECONFIG, l->path, 0, 0,
                        "font \"%s\" named in the template was not found beside "
                        "the template nor in the system font directories "
                        "(install fonts-noto-core or give a path)", name);
}

int ps_render_fonts(const ps_layout *l, const ps_render_opts *o, char *regular,
                    char *bold, size_t size, ps_error *err) {
    int rc = find_font(l, o, o->font_regular, l->font_regular, regular, size, err);
    if (rc == PS_OK) rc = find_font(l, o, o->font_bold, l->font_bold, bold, size, err);
    return rc;
}

void ps_render_num(const ps_layout *l, double v, int decimals, char *buf, size_t size) {
    ps_format_number(v, decimals, buf, size);
    if (l->decimal == '.') {
        /* swap the separators: 1.234,5 -> 1,234.5 */
        for (char *p = buf; *p; p++)
            *p = *p == '.' ? ',' : *p == ',' ? '.' : *p;
    }
}

void ps_render_pct(const ps_layout *l, double ratio, char *buf, size_t size) {
    if (isnan(ratio)) { snprintf(buf, size, "—"); return; }
    char n[64];
    ps_render_num(l, ratio * 100.0, l->pct_decimals, n, sizeof n);
    snprintf(buf, size, "%s%%", n);
}

void ps_render_count(const ps_layout *l, double v, char *buf, size_t size) {
    ps_render_num(l, v, 0, buf, size);
}

static struct tm vn_tm(int64_t when) {
    time_t t = (time_t)(when + 7 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm;
}

void ps_render_time_vn(int64_t when, char *buf, size_t size) {
    struct tm tm = vn_tm(when);
    snprintf(buf, size, "%02d:%02d ngày %02d/%02d/%04d (UTC+7)", tm.tm_hour,
             tm.tm_min, tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
}

void ps_render_date_words(int64_t when, char *buf, size_t size) {
    struct tm tm = vn_tm(when);
    snprintf(buf, size, "ngày %02d tháng %02d năm %04d", tm.tm_mday, tm.tm_mon + 1,
             tm.tm_year + 1900);
}

/* ---- ranking order ------------------------------------------------ */

int ps_render_unit_ok(const ps_unit_result *u) {
    return !u->failed && u->scored && !isnan(u->total);
}

void ps_render_file_name(const ps_unit_result *u, char *buf, size_t size) {
    /* the one encoding of unit codes as file names (ps_unit_file_name) */
    char name[PS_FILE_NAME_MAX + 1];
    ps_unit_file_name(u->code, name, sizeof name);
    snprintf(buf, size, "%s.pdf", name);
}

ps_trend ps_render_trend(const ps_unit_result *u) {
    if (!ps_render_unit_ok(u)) return PS_TREND_NONE;
    if (!u->has_previous || isnan(u->prev_total)) return PS_TREND_NEW;
    double d = u->total - u->prev_total;
    /* the cards show two decimals: a change they print as 0,00 is none */
    if (d >= 0.005) return PS_TREND_UP;
    if (d <= -0.005) return PS_TREND_DOWN;
    return PS_TREND_SAME;
}

const char *ps_trend_key(ps_trend t) {
    static const char *const keys[] = {"", "new", "improved", "declined", "unchanged"};
    return (unsigned)t < sizeof keys / sizeof keys[0] ? keys[t] : "";
}

typedef struct rank_key {
    const ps_unit_result *u;
    size_t index;
    int level_order;            /* first appearance of its level in the unit list */
} rank_key;

static int cmp_rank(const void *a, const void *b) {
    const rank_key *x = a, *y = b;
    int ox = ps_render_unit_ok(x->u), oy = ps_render_unit_ok(y->u);
    if (ox != oy) return oy - ox;
    if (x->level_order != y->level_order) return x->level_order - y->level_order;
    if (ox) {
        int rx = x->u->rank > 0 ? x->u->rank : 1 << 30;
        int ry = y->u->rank > 0 ? y->u->rank : 1 << 30;
        if (rx != ry) return rx < ry ? -1 : 1;
        if (x->u->total != y->u->total) return x->u->total > y->u->total ? -1 : 1;
    }
    int c = strcmp(x->u->code ? x->u->code : "", y->u->code ? y->u->code : "");
    return c ? c : (x->index < y->index ? -1 : 1);
}

int ps_render_rank_order(const ps_results *r, size_t *order) {
    rank_key *k = ps_calloc(r->n_units + 1, sizeof *k);
    if (!k) return PS_ENOMEM;
    const char *levels[32];
    size_t n_levels = 0;
    for (size_t i = 0; i < r->n_units; i++) {
        const char *lv = r->units[i].level ? r->units[i].level : "";
        size_t j = 0;
        while (j < n_levels && strcmp(levels[j], lv)) j++;
        if (j == n_levels && n_levels < 32) levels[n_levels++] = lv;
        k[i].u = &r->units[i];
        k[i].index = i;
        k[i].level_order = (int)j;
    }
    qsort(k, r->n_units, sizeof *k, cmp_rank);
    for (size_t i = 0; i < r->n_units; i++) order[i] = k[i].index;
    ps_free(k);
    return PS_OK;
}

int ps_render_check_dir(const char *dir, ps_error *err) {
    struct stat st;
    if (!dir || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return ps_error_set(err, PS_EIO, dir ? dir : "", 0, 0,
                            "output directory does not exist (create it or fix "
                            "`output` in the job)");
    if (access(dir, W_OK) != 0)
        return ps_error_set(err, PS_EIO, dir, 0, 0,
                            "output directory is not writable");
    return PS_OK;
}

/* ---- file names of unit scorecards --------------------------------- */

static const char *const reserved_names[] = {"summary", "results", "index", NULL};

/* FNV-1a: 64 bits, to tell apart long codes that share their first 180
 * bytes; ps_render_scorecards still refuses two units with one name, so a
 * collision is an error, never an overwrite. */
static uint64_t name_hash(const char *s) {
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

void ps_unit_file_name(const char *code, char *buf, size_t size) {
    static const char hex[] = "0123456789ABCDEF";
    char name[4 * PS_FILE_NAME_MAX];
    size_t k = 0, cut = 0;
    int reserved = 0;
    if (!code || !*code) code = "_";
    for (size_t i = 0; reserved_names[i]; i++)
        if (strcasecmp(code, reserved_names[i]) == 0) reserved = 1;
    for (const char *c = code; *c && k + 3 < sizeof name; c++) {
        unsigned char b = (unsigned char)*c;
        int keep = (isalnum(b) && b < 128) || b == '-' || (b == '.' && c != code);
        if (keep && !(reserved && c == code)) {
            name[k++] = (char)b;
        } else {
            name[k++] = '_';
            name[k++] = hex[b >> 4];
            name[k++] = hex[b & 15];
        }
        if (k <= PS_FILE_NAME_MAX - 17) cut = k; /* never inside an escape */
    }
    name[k] = '\0';
    if (k > PS_FILE_NAME_MAX || strlen(code) * 3 + 3 >= sizeof name)
        snprintf(name + cut, sizeof name - cut, "~%016llx", (unsigned long long)name_hash(code));
    snprintf(buf, size, "%s", name);
}

typedef struct named_unit {
    char name[PS_FILE_NAME_MAX + 1];
    const char *code;
} named_unit;

static int by_name(const void *a, const void *b) {
    return strcmp(((const named_unit *)a)->name, ((const named_unit *)b)->name);
}

int ps_render_names_unique(const ps_results *r, ps_error *err) {
    if (r->n_units < 2) return PS_OK;
    named_unit *v = ps_calloc(r->n_units, sizeof *v);
    if (!v) return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < r->n_units; i++) {
        v[i].code = r->units[i].code ? r->units[i].code : "";
        ps_unit_file_name(v[i].code, v[i].name, sizeof v[i].name);
    }
    qsort(v, r->n_units, sizeof *v, by_name);
    int rc = PS_OK;
    for (size_t i = 1; i < r->n_units && rc == PS_OK; i++)
        if (strcmp(v[i - 1].name, v[i].name) == 0)
            rc = ps_error_set(err, PS_ECONFIG, NULL, 0, 0,
                              "units %.100s and %.100s would share the scorecard file %.100s.pdf "
                              "(their codes differ only past the first %d bytes): shorten one "
                              "code in the unit list or the job's `declare`",
                              v[i - 1].code, v[i].code, v[i].name, PS_FILE_NAME_MAX - 17);
    ps_free(v);
    return rc;
}
