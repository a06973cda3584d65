/*
 * measures.c -- the `measures` source plugin: the table officials fill in
 * for the criteria dossier records cannot show (self-assessment with its
 * evidence, appraisal, values exported from a KPI system), as CSV or as an
 * XLSX workbook (docs/sources-measures.md).  One header row, one row per
 * unit and measure; each row gives one ps_measure per filled value column
 * (tu_danh_gia: self, tham_dinh: appraisal, he_thong: system).
 *
 * The plugin reads and checks the file's own shape: columns, numbers,
 * dates, error cells.  Whether a unit or a measure key exists, a value is
 * in range or a unit was assessed twice is the core's to judge.
 *
 * on_error = "fail" (default) stops at the first bad row naming it;
 * "skip" drops it and reports it through host->quality.  A broken file
 * (CSV structure, damaged or hostile workbook) always stops.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "parscore/plugin.h"

#include "../csv_common/csv_arena.h"
#include "../csv_common/csv_fields.h"
#include "../csv_common/csv_reader.h"
#include "xlsx_reader.h"

#define MS_BATCH 255 /* records; a row gives at most three */
#define SKIPPED CSV_SKIPPED

typedef struct ms_config {
    char *path;
    char *format;
    char *sheet;
    char *on_error;
    char *separator;
} ms_config;

static const ps_option ms_options[] = {
    {"path", PS_OPT_PATH, NULL, offsetof(ms_config, path), 1,
     "the measures file (.csv or .xlsx): ma_don_vi, ma_chi_tieu, tu_danh_gia / tham_dinh / "
     "he_thong, evidence and notes (docs/sources-measures.md)"},
    {"format", PS_OPT_STRING, "auto", offsetof(ms_config, format), 0,
     "auto (by the file's extension), csv or xlsx"},
    {"sheet", PS_OPT_STRING, NULL, offsetof(ms_config, sheet), 0,
     "XLSX: the sheet to read, by name (default: the first)"},
    {"on_error", PS_OPT_STRING, "fail", offsetof(ms_config, on_error), 0,
     "fail: stop at the first bad row; skip: drop bad rows, count them in the data-quality "
     "report"},
    {"separator", PS_OPT_STRING, "auto", offsetof(ms_config, separator), 0,
     "CSV: \",\", \";\" or auto (whichever the header row uses)"},
    {NULL, 0, NULL, 0, 0, NULL}};

/* The columns, in the order messages list them. */
enum {
    C_UNIT, C_KEY, C_SELF, C_APPRAISAL, C_SYSTEM, C_EV_DOC, C_EV_DATE, C_EV_REF,
    C_SELF_BY, C_APPRAISAL_BY, C_DATE, C_NOTE,
    C_INFO, /* first of the informational columns, ignored on reading */
    C_N = C_INFO + 5
};
static const char *const col_names[C_N] = {
    "ma_don_vi", "ma_chi_tieu", "tu_danh_gia", "tham_dinh", "he_thong", "minh_chung_so",
    "minh_chung_ngay", "minh_chung_lien_ket", "nguoi_danh_gia", "don_vi_tham_dinh", "ngay",
    "ghi_chu", "ten_don_vi", "ten_chi_tieu", "kieu", "khoang_gia_tri", "bat_buoc_minh_chung"};
static const int value_cols[3] = {C_SELF, C_APPRAISAL, C_SYSTEM};
static const int value_assessor[3] = {PS_ASSESS_SELF, PS_ASSESS_APPRAISAL, PS_ASSESS_SYSTEM};
#define NO_COL ((size_t)-1)

typedef struct ms_state {
    const ps_host *host;
    ps_sink *sink;
    const ms_config *cfg;
    int skip, xlsx, sep;
    long skipped;
    csv_reader csv;
    xlsx_reader *xr;

    /* the current row, the same for both formats */
    long line;
    const xlsx_cell *cells;
    size_t n_cells;
    xlsx_cell *csv_cells; /* CSV fields as text cells */
    size_t cap_csv_cells;

    size_t n_header;      /* columns of the header row */
    size_t col[C_N];      /* column index of each known column, NO_COL */
    unsigned char *named; /* per header column: 1 when it has a name */

    csv_arena batch;
    ps_measure recs[MS_BATCH];
    size_t n_recs;
} ms_state;

/* ---- text helpers -------------------------------------------------------- */

/* Bounds of s without blanks around it: ASCII space, tab, CR, LF and the
 * no-break space spreadsheets put in. */
static const char *trim_span(const char *s, size_t *len) {
    size_t n;
    for (;;) {
        if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
        else if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) s += 2;
        else break;
    }
    n = strlen(s);
    for (;;) {
        if (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
            n--;
        else if (n > 1 && (unsigned char)s[n - 2] == 0xC2 && (unsigned char)s[n - 1] == 0xA0)
            n -= 2;
        else break;
    }
    *len = n;
    return s;
}

static void trim_copy(const char *s, char *buf, size_t size) {
    size_t n;
    s = trim_span(s, &n);
    if (n >= size) n = size - 1;
    memcpy(buf, s, n);
    buf[n] = 0;
}

static int cell_blank(const xlsx_cell *c) {
    size_t n;
    if (!c || c->type == XLSX_BLANK) return 1;
    trim_span(c->text, &n);
    return n == 0;
}

static const xlsx_cell *cell_at(const ms_state *st, size_t col) {
    return col != NO_COL && col < st->n_cells ? &st->cells[col] : NULL;
}

/* 1 yes, 0 no, -1 neither: the yes/no words, NFC-normalised and case-folded
 * so that "Có", "CÓ" and a decomposed "có" all count. */
static int yes_no(const char *s, size_t n) {
    static const char *const yes[] = {"có", "x", "đạt", "yes", NULL};
    static const char *const no[] = {"không", "không đạt", "no", NULL};
    utf8proc_uint8_t *m = NULL;
    int r = -1;
    size_t i, j;
    if (n == 0 || n > 64) return -1;
    if (utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &m,
                     UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD) < 0)
        return -1;
    /* one space between words */
    for (i = j = 0; m[i]; i++)
        if (m[i] != ' ' || (j > 0 && m[j - 1] != ' ')) m[j++] = m[i];
    while (j > 0 && m[j - 1] == ' ') j--;
    m[j] = 0;
    for (i = 0; yes[i] && r < 0; i++)
        if (strcmp((const char *)m, yes[i]) == 0) r = 1;
    for (i = 0; no[i] && r < 0; i++)
        if (strcmp((const char *)m, no[i]) == 0) r = 0;
    free(m);
    return r;
}

enum { V_TEXT = 0, V_NUMBER = 1, V_THOUSANDS = 2 };

/* A value cell written as text: a decimal with '.' or ',' ("95,5"), a
 * percentage ("95 %": the number as written), a yes/no word, or text.
 * Several separators ("1.234.567", "1,234.5", "1 234") are thousands
 * separators, refused: the same text means different numbers in
 * Vietnamese and English spreadsheets. */
static int parse_value(const char *s, double *out) {
    char num[64];
    size_t n, whole, i, k = 0, digits = 0, seps = 0, spaces = 0;
    int yn;
    s = trim_span(s, &n);
    whole = n;
    if (n > 0 && s[n - 1] == '%') {
        n--;
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    }
    if (n == 0 || n >= sizeof num - 1) goto words;
    i = 0;
    if (s[0] == '-' || s[0] == '+') num[k++] = s[i++];
    for (; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            num[k++] = c;
            digits++;
        } else if (c == '.' || c == ',') {
            if (i == 0 || i + 1 >= n || s[i - 1] < '0' || s[i - 1] > '9' || s[i + 1] < '0' ||
                s[i + 1] > '9')
                goto words;
            num[k++] = '.';
            seps++;
        } else if (c == ' ' && i > 0 && i + 1 < n && s[i - 1] >= '0' && s[i - 1] <= '9' &&
                   s[i + 1] >= '0' && s[i + 1] <= '9') {
            spaces++;
        } else {
            goto words;
        }
    }
    if (digits == 0) goto words;
    if (seps > 1 || spaces > 0) return V_THOUSANDS;
    num[k] = 0;
    *out = strtod(num, NULL);
    return V_NUMBER;
words:
    yn = yes_no(s, whole);
    if (yn < 0) return V_TEXT;
    *out = yn;
    return V_NUMBER;
}

/* "YYYY-MM-DD" or "D/M/YYYY" (one or two digits) into out (16 bytes) as YYYY-MM-DD;
 * 0 when it is neither or no real day. */
static int parse_day(const char *s, char out[16]) {
    int y, m, d, len = 0;
    char c;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (sscanf(s, "%4d-%2d-%2d%n%c", &y, &m, &d, &len, &c) == 3 && len == 10) {
        /* YYYY-MM-DD exactly */
    } else if (sscanf(s, "%2d/%2d/%4d%n%c", &d, &m, &y, &len, &c) == 3 && len >= 8 &&
               s[len - 5] == '/') {
        /* D/M/YYYY */
    } else {
        return 0;
    }
    if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1]) return 0;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 0;
    snprintf(out, 16, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u); /* the modulos only tell gcc the widths */
    return 1;
}

/* ---- problems --------------------------------------------------------------- */

/* Where a cell is, for messages: "column X" (CSV: line and column go in
 * err) or `sheet "S", row R, column X (D7)` (XLSX). */
static void cell_where(const ms_state *st, size_t col, const char *name, char *buf, size_t size) {
    char ref[8];
    if (!st->xlsx) {
        snprintf(buf, size, "column %s", name);
        return;
    }
    xlsx_col_name(col, ref, sizeof ref);
    if (col == NO_COL)
        snprintf(buf, size, "sheet \"%s\", row %ld", xlsx_sheet_name(st->xr), st->line);
    else
        snprintf(buf, size, "sheet \"%s\", row %ld, column %s (%s%ld)", xlsx_sheet_name(st->xr),
                 st->line, name, ref, st->line);
}

/* A bad row: with skip, report it through host->quality under `issue`
 * and return SKIPPED; otherwise fill err and return PS_EDATA. */
static int problem(ms_state *st, ps_error *err, const char *issue, const char *unit, size_t col,
                   const char *name, const char *example, const char *what) {
    char where[300];
    if (st->skip) {
        if (PS_HOST_HAS(st->host, quality))
            st->host->quality(st->sink, unit && unit[0] ? unit : NULL, issue, example, st->line);
        st->skipped++;
        return SKIPPED;
    }
    if (!st->xlsx) {
        st->host->error(err, PS_EDATA, st->cfg->path, st->line,
                        col == NO_COL ? 0 : (long)col + 1,
                        "%s; fix the row or set on_error = \"skip\" in the job", what);
        if (name) snprintf(err->where, sizeof err->where, "column %s", name);
        return PS_EDATA;
    }
    cell_where(st, name ? col : NO_COL, name, where, sizeof where);
    st->host->error(err, PS_EDATA, st->cfg->path, 0, 0,
                    "%s: %s; fix the row or set on_error = \"skip\" in the job", where, what);
    return PS_EDATA;
}

static int keep(ms_state *st, ps_error *err, const char *text, const char **out) {
    size_t n;
    const char *s = trim_span(text, &n);
    char *p;
    if (n == 0) {
        *out = NULL;
        return PS_OK;
    }
    p = csv_arena_alloc(&st->batch, n + 1);
    if (!p) return st->host->error(err, PS_ENOMEM, st->cfg->path, 0, 0, "out of memory");
    memcpy(p, s, n);
    *out = p;
    return PS_OK;
}

/* ---- header ----------------------------------------------------------------- */

static int map_header(ms_state *st, ps_error *err) {
    char missing[300] = "", unknown[400] = "", name[80], item[120], ref[8];
    size_t i, k;
    st->n_header = st->n_cells;
    st->named = calloc(st->n_cells ? st->n_cells : 1, 1);
    if (!st->named) return st->host->error(err, PS_ENOMEM, st->cfg->path, 0, 0, "out of memory");
    for (k = 0; k < C_N; k++) st->col[k] = NO_COL;
    for (i = 0; i < st->n_cells; i++) {
        trim_copy(st->cells[i].text, name, sizeof name);
        if (!name[0]) continue; /* a column without a name must stay empty */
        st->named[i] = 1;
        for (k = 0; k < C_N; k++)
            if (strcasecmp(name, col_names[k]) == 0) break;
        if (k == C_N) {
            if (st->xlsx)
                snprintf(item, sizeof item, "\"%s\" (%s%ld)", name,
                         xlsx_col_name(i, ref, sizeof ref), st->line);
            else
                snprintf(item, sizeof item, "\"%s\"", name);
            csv_list_add(unknown, sizeof unknown, item);
        } else if (st->col[k] != NO_COL) {
            char a[8], b[8];
            if (st->xlsx)
                return st->host->error(err, PS_EDATA, st->cfg->path, 0, 0,
                                       "sheet \"%s\", row %ld: column %s appears twice in the "
                                       "header (%s and %s)", xlsx_sheet_name(st->xr), st->line,
                                       col_names[k], xlsx_col_name(st->col[k], a, sizeof a),
                                       xlsx_col_name(i, b, sizeof b));
            return st->host->error(err, PS_EDATA, st->cfg->path, st->line, (long)i + 1,
                                   "column %s appears twice in the header (columns %zu and %zu)",
                                   col_names[k], st->col[k] + 1, i + 1);
        } else {
            st->col[k] = i;
        }
    }
    for (k = C_UNIT; k <= C_KEY; k++)
        if (st->col[k] == NO_COL) csv_list_add(missing, sizeof missing, col_names[k]);
    if (st->col[C_SELF] == NO_COL && st->col[C_APPRAISAL] == NO_COL &&
        st->col[C_SYSTEM] == NO_COL)
        csv_list_add(missing, sizeof missing, "tu_danh_gia, tham_dinh or he_thong");
    if (!missing[0] && !unknown[0]) return PS_OK;
    char msg[1024], loc[300] = "";
    snprintf(msg, sizeof msg, "%s%s%s%s%s; a measures table has the columns ma_don_vi, "
             "ma_chi_tieu, at least one of tu_danh_gia, tham_dinh, he_thong, and optionally "
             "minh_chung_so, minh_chung_ngay, minh_chung_lien_ket, nguoi_danh_gia, "
             "don_vi_tham_dinh, ngay, ghi_chu (docs/sources-measures.md)",
             missing[0] ? "missing columns " : "", missing, missing[0] && unknown[0] ? "; " : "",
             unknown[0] ? "unknown columns " : "", unknown);
    if (st->xlsx) {
        snprintf(loc, sizeof loc, "sheet \"%s\", row %ld (the header): ", xlsx_sheet_name(st->xr),
                 st->line);
        return st->host->error(err, PS_EDATA, st->cfg->path, 0, 0, "%s%s", loc, msg);
    }
    return st->host->error(err, PS_EDATA, st->cfg->path, st->line, 0, "%s", msg);
}

/* ---- rows --------------------------------------------------------------------- */

/* A date column (ngay, minh_chung_ngay) into *out, NULL when blank. */
static int day_field(ms_state *st, ps_error *err, int k, const char *unit, const char **out) {
    const xlsx_cell *c = cell_at(st, st->col[k]);
    char day[16], shown[80], what[300], example[120];
    *out = NULL;
    if (cell_blank(c)) return PS_OK;
    trim_copy(c->text, shown, sizeof shown);
    if (c->type == XLSX_DATE) return keep(st, err, c->text, out);
    if (c->type != XLSX_NUMBER && c->type != XLSX_BOOL && c->type != XLSX_ERROR &&
        parse_day(shown, day))
        return keep(st, err, day, out);
    snprintf(example, sizeof example, "%s=%s", col_names[k], shown);
    if (c->type == XLSX_NUMBER)
        snprintf(what, sizeof what, "%s is a number, not a date; format the cell as a date or "
                 "write YYYY-MM-DD or DD/MM/YYYY", shown);
    else
        snprintf(what, sizeof what, "\"%s\" is not a date; write YYYY-MM-DD or DD/MM/YYYY", shown);
    return problem(st, err, "measure_bad_date", unit, st->col[k], col_names[k], example, what);
}

/* A text column into *out (NULL when blank); an error cell is a problem. */
static int text_field(ms_state *st, ps_error *err, int k, const char *unit, const char **out) {
    const xlsx_cell *c = cell_at(st, st->col[k]);
    *out = NULL;
    if (cell_blank(c)) return PS_OK;
    if (c->type == XLSX_ERROR) {
        char what[200], example[120];
        snprintf(example, sizeof example, "%s=%s", col_names[k], c->text);
        snprintf(what, sizeof what, "the cell holds the error %s; correct the formula or type "
                 "the value", c->text);
        return problem(st, err, "measure_error_cell", unit, st->col[k], col_names[k], example,
                       what);
    }
    return keep(st, err, c->text, out);
}

static int one_row(ms_state *st, ps_error *err) {
    char unit[80] = "", what[400], example[160], shown[80], ref[8];
    const char *u_code, *key, *date, *ev_doc, *ev_date, *ev_ref, *note, *self_by, *appr_by;
    size_t i;
    int v, rc, any = 0;

    for (i = 0; i < st->n_cells && cell_blank(&st->cells[i]); i++) {}
    if (i == st->n_cells) return PS_OK; /* a fully blank row */

    if (!st->xlsx && st->n_cells != st->n_header) {
        snprintf(what, sizeof what, "%zu fields, the header has %zu", st->n_cells, st->n_header);
        snprintf(example, sizeof example, "%zu fields", st->n_cells);
        return problem(st, err, "measure_bad_row", NULL, NO_COL, NULL, example, what);
    }
    if (st->col[C_UNIT] != NO_COL && cell_at(st, st->col[C_UNIT]))
        trim_copy(cell_at(st, st->col[C_UNIT])->text, unit, sizeof unit);
    for (i = 0; i < st->n_cells; i++) {
        if (cell_blank(&st->cells[i]) || (i < st->n_header && st->named[i])) continue;
        trim_copy(st->cells[i].text, shown, sizeof shown);
        if (st->xlsx)
            snprintf(what, sizeof what, "a value (\"%s\") in column %s, which has no header; "
                     "name the column or clear it", shown, xlsx_col_name(i, ref, sizeof ref));
        else
            snprintf(what, sizeof what, "a value (\"%s\") in field %zu, which has no header; "
                     "name the column or clear it", shown, i + 1);
        snprintf(example, sizeof example, "%s", shown);
        return problem(st, err, "measure_bad_row", unit, i, NULL, example, what);
    }
    for (v = 0; v < 3; v++) any |= !cell_blank(cell_at(st, st->col[value_cols[v]]));
    if (!any) return PS_OK; /* a template row nobody filled in */

    for (i = C_UNIT; i <= C_KEY; i++) {
        if (!cell_blank(cell_at(st, st->col[i]))) continue;
        snprintf(example, sizeof example, "%s=", col_names[i]);
        snprintf(what, sizeof what, "%s is blank but the row has a value%s", col_names[i],
                 st->xlsx ? " (if the cells are merged, only the top-left one holds the code: "
                            "unmerge them and fill every row)" : "");
        return problem(st, err, "measure_bad_row", unit, st->col[i], col_names[i], example, what);
    }
    if ((rc = text_field(st, err, C_UNIT, unit, &u_code)) != PS_OK ||
        (rc = text_field(st, err, C_KEY, unit, &key)) != PS_OK ||
        (rc = day_field(st, err, C_DATE, unit, &date)) != PS_OK ||
        (rc = day_field(st, err, C_EV_DATE, unit, &ev_date)) != PS_OK ||
        (rc = text_field(st, err, C_EV_DOC, unit, &ev_doc)) != PS_OK ||
        (rc = text_field(st, err, C_EV_REF, unit, &ev_ref)) != PS_OK ||
        (rc = text_field(st, err, C_NOTE, unit, &note)) != PS_OK ||
        (rc = text_field(st, err, C_SELF_BY, unit, &self_by)) != PS_OK ||
        (rc = text_field(st, err, C_APPRAISAL_BY, unit, &appr_by)) != PS_OK)
        return rc;

    size_t first = st->n_recs;
    for (v = 0; v < 3; v++) {
        int k = value_cols[v];
        const xlsx_cell *c = cell_at(st, st->col[k]);
        ps_measure *m;
        double num = 0;
        int has = 0;
        if (cell_blank(c)) continue;
        trim_copy(c->text, shown, sizeof shown);
        snprintf(example, sizeof example, "%s=%s", col_names[k], shown);
        if (c->type == XLSX_ERROR) {
            snprintf(what, sizeof what, "the cell holds the error %s; correct the formula or "
                     "type the value", c->text);
            st->n_recs = first;
            return problem(st, err, "measure_error_cell", unit, st->col[k], col_names[k],
                           example, what);
        }
        if (c->type == XLSX_NUMBER || c->type == XLSX_BOOL) {
            num = c->num;
            has = 1;
        } else if (c->type != XLSX_DATE) {
            int kind = parse_value(c->text, &num);
            if (kind == V_THOUSANDS) {
                snprintf(what, sizeof what, "\"%s\" has thousands separators, which are not "
                         "accepted (the same text means different numbers in Vietnamese and "
                         "English spreadsheets); write the number without them, with one "
                         "decimal '.' or ','", shown);
                st->n_recs = first;
                return problem(st, err, "measure_bad_value", unit, st->col[k], col_names[k],
                               example, what);
            }
            has = kind == V_NUMBER;
        }
        m = &st->recs[st->n_recs++];
        memset(m, 0, sizeof *m);
        m->unit_code = u_code;
        m->key = key;
        m->has_value = has;
        m->value = has ? num : 0;
        if ((rc = keep(st, err, c->text, &m->text)) != PS_OK) return rc;
        m->date = date;
        m->assessor = value_assessor[v];
        m->assessed_by = k == C_SELF ? self_by : k == C_APPRAISAL ? appr_by : NULL;
        m->evidence_doc = ev_doc;
        m->evidence_date = ev_date;
        m->evidence_ref = ev_ref;
        m->note = note;
        m->src_sheet = NULL;
        if (st->xlsx && (rc = keep(st, err, xlsx_sheet_name(st->xr), &m->src_sheet)) != PS_OK)
            return rc;
        m->src_line = st->line;
    }
    return PS_OK;
}

static int flush(ms_state *st, ps_error *err) {
    int rc = PS_OK;
    uint64_t done, total;
    if (st->n_recs > 0)
        rc = PS_EMIT(st->host, st->sink, PS_REC_MEASURE, st->recs, st->n_recs, err);
    st->n_recs = 0;
    csv_arena_reset(&st->batch);
    if (PS_HOST_HAS(st->host, progress)) {
        if (st->xlsx) xlsx_progress(st->xr, &done, &total);
        else done = st->csv.consumed, total = st->csv.file_size;
        st->host->progress(st->sink, done, total);
    }
    return rc;
}

/* The next row of either format into st->cells / n_cells / line. */
static int next_row(ms_state *st, int *have, ps_error *err) {
    int rc;
    size_t i;
    if (st->xlsx) return xlsx_next_row(st->xr, have, &st->line, &st->cells, &st->n_cells, err);
    if ((rc = csv_next(&st->csv, have, err)) != PS_OK || !*have) return rc;
    if (st->csv.n_fields > st->cap_csv_cells) {
        xlsx_cell *p = realloc(st->csv_cells, st->csv.n_fields * sizeof *p);
        if (!p) return st->host->error(err, PS_ENOMEM, st->cfg->path, 0, 0, "out of memory");
        st->csv_cells = p;
        st->cap_csv_cells = st->csv.n_fields;
    }
    for (i = 0; i < st->csv.n_fields; i++) {
        st->csv_cells[i].type = XLSX_TEXT;
        st->csv_cells[i].text = st->csv.fields[i];
        st->csv_cells[i].num = 0;
        st->csv_cells[i].percent = 0;
    }
    st->cells = st->csv_cells;
    st->n_cells = st->csv.n_fields;
    st->line = st->csv.record_line;
    return PS_OK;
}

/* ---- plugin entry points ----------------------------------------------------- */

static int ends_with_ci(const char *s, const char *tail) {
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcasecmp(s + a - b, tail) == 0;
}

static int ms_open(const ps_host *host, ps_sink *sink, void *config, void **state,
                   ps_error *err) {
    ms_config *cfg = config;
    ms_state *st;
    int skip, xlsx, sep, rc;
    *state = NULL;
    if ((rc = csv_check_options(host, cfg->on_error, 1024, &skip, err)) != PS_OK) return rc;
    if (!cfg->format || strcmp(cfg->format, "auto") == 0) {
        if (ends_with_ci(cfg->path, ".xlsx") || ends_with_ci(cfg->path, ".xlsm") ||
            ends_with_ci(cfg->path, ".xls"))
            xlsx = 1; /* an .xls is sniffed and refused with what to do */
        else if (ends_with_ci(cfg->path, ".csv") || ends_with_ci(cfg->path, ".txt"))
            xlsx = 0;
        else
            return host->error(err, PS_ECONFIG, cfg->path, 0, 0,
                               "cannot tell the format from the file name; name it .csv or "
                               ".xlsx, or set format = \"csv\" or \"xlsx\"");
    } else if (strcmp(cfg->format, "csv") == 0) {
        xlsx = 0;
    } else if (strcmp(cfg->format, "xlsx") == 0) {
        xlsx = 1;
    } else {
        return host->error(err, PS_ECONFIG, NULL, 0, 0,
                           "format is \"%s\"; use \"auto\", \"csv\" or \"xlsx\"", cfg->format);
    }
    if (!cfg->separator || strcmp(cfg->separator, "auto") == 0) sep = 0;
    else if (strcmp(cfg->separator, ",") == 0) sep = ',';
    else if (strcmp(cfg->separator, ";") == 0) sep = ';';
    else
        return host->error(err, PS_ECONFIG, NULL, 0, 0,
                           "separator is \"%s\"; use \",\", \";\" or \"auto\"", cfg->separator);
    if (!xlsx && cfg->sheet && cfg->sheet[0])
        return host->error(err, PS_ECONFIG, cfg->path, 0, 0,
                           "option sheet is for XLSX workbooks; this file is read as CSV");
    st = calloc(1, sizeof *st);
    if (!st) return host->error(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    st->host = host;
    st->sink = sink;
    st->cfg = cfg;
    st->skip = skip;
    st->xlsx = xlsx;
    st->sep = sep;
    *state = st;
    return PS_OK;
}

static void ms_close(void *state) {
    ms_state *st = state;
    if (!st) return;
    csv_close(&st->csv);
    xlsx_close(st->xr);
    csv_arena_free(&st->batch);
    free(st->csv_cells);
    free(st->named);
    free(st);
}

static int ms_read(void *state, ps_error *err) {
    ms_state *st = state;
    int rc, have = 0;
    if (st->xlsx) {
        rc = xlsx_open(&st->xr, st->cfg->path, st->cfg->path, st->cfg->sheet, st->host, err);
    } else {
        rc = csv_open(&st->csv, st->cfg->path, 0, err);
        csv_set_separator(&st->csv, st->sep);
    }
    if (rc != PS_OK) return rc;
    /* the header: the first row that is not blank */
    for (;;) {
        size_t i;
        if ((rc = next_row(st, &have, err)) != PS_OK) return rc;
        if (!have) break;
        for (i = 0; i < st->n_cells && cell_blank(&st->cells[i]); i++) {}
        if (i < st->n_cells) break;
    }
    if (!have) {
        if (st->xlsx)
            return st->host->error(err, PS_EDATA, st->cfg->path, 0, 0,
                                   "sheet \"%s\" is empty; expected a header row ma_don_vi, "
                                   "ma_chi_tieu, tu_danh_gia, ...", xlsx_sheet_name(st->xr));
        return st->host->error(err, PS_EDATA, st->cfg->path, 1, 0,
                               "the measures file is empty; expected a header row ma_don_vi, "
                               "ma_chi_tieu, tu_danh_gia, ...");
    }
    if ((rc = map_header(st, err)) != PS_OK) return rc;
    for (;;) {
        if ((rc = next_row(st, &have, err)) != PS_OK) return rc;
        if (!have) break;
        rc = one_row(st, err);
        if (rc == SKIPPED) continue;
        if (rc != PS_OK) return rc;
        if (st->n_recs + 3 > MS_BATCH && (rc = flush(st, err)) != PS_OK) return rc;
    }
    if ((rc = flush(st, err)) != PS_OK) return rc;
    csv_log_skipped(st->host, st->sink, st->skipped);
    return PS_OK;
}

static const ps_plugin ms_plugin = {
    sizeof(ps_plugin), PS_ABI_VERSION, "measures", "1.0",
    "values of named measures: self-assessment, appraisal, KPI exports (CSV or XLSX)",
    PS_KIND_BIT(PS_REC_MEASURE),
    50, sizeof(ms_config), ms_options,
    ms_open, ms_read, ms_close};

PS_PLUGIN_EXPORT(ms_plugin)
