/*
 * survey.c -- the `survey` source plugin: a SIPAS-style form definition
 * (XML, FORMATS.md §3a) plus its responses (CSV, §3b).  Emits the form
 * once, then the responses in batches, each response's answers in the
 * FORM's criterion order whatever the column order of the CSV.
 *
 * on_error = "fail" (default) stops at the first bad row with an error
 * naming its line and column; "skip" drops bad rows and reports each one
 * through host->quality.  Broken CSV structure (unterminated quote, NUL,
 * invalid UTF-8, oversized record) always stops: the rest of the file
 * cannot be trusted.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parscore/plugin.h"

#include "../csv_common/csv_arena.h"
#include "../csv_common/csv_fields.h"
#include "../csv_common/csv_reader.h"
#include "survey_form.h"

#define SURVEY_BATCH 256
#define SKIPPED CSV_SKIPPED

typedef struct survey_config {
    char *form;
    char *responses;
    char *on_error;
    long max_record_bytes;
} survey_config;

static const ps_option survey_options[] = {
    {"form", PS_OPT_PATH, NULL, offsetof(survey_config, form), 1,
     "form definition XML (BieuMauKhaoSat, namespace urn:vn:khaosat:1)"},
    {"responses", PS_OPT_PATH, NULL, offsetof(survey_config, responses), 1,
     "responses CSV: one respondent a row, one column per criterion code"},
    {"on_error", PS_OPT_STRING, "fail", offsetof(survey_config, on_error), 0,
     "fail: stop at the first bad row; skip: drop bad rows, count them in the "
     "data-quality report"},
    {"max_record_bytes", PS_OPT_INT, "1048576", offsetof(survey_config, max_record_bytes), 0,
     "largest CSV record accepted (a longer one is an error naming its line)"},
    {NULL, 0, NULL, 0, 0, NULL}};

/* Fixed columns, in the order of FORMATS.md §3b. */
enum { C_ID, C_UNIT, C_DATE, C_CHANNEL, C_PROC, C_OVERALL, C_COMMENT, C_NFIXED };
static const char *const fixed_names[C_NFIXED + 1] = {
    "ma_phieu", "ma_don_vi", "ngay", "kenh", "ma_tthc", "hai_long_chung", "gop_y", NULL};
static const char *const channels[] = {"giay", "truc_tuyen", "kiosk", "sms", NULL};

typedef struct survey_state {
    const ps_host *host;
    ps_sink *sink;
    const survey_config *cfg;
    int skip;
    survey_form form;
    csv_reader csv;
    size_t n_cols;               /* header width */
    size_t fixed_col[C_NFIXED];  /* column of each fixed field */
    size_t *crit_col;            /* column of each criterion, form order */
    csv_arena batch;             /* strings of the pending batch */
    ps_survey_response recs[SURVEY_BATCH];
    int *answers;                /* SURVEY_BATCH * n_criteria */
    size_t n_recs;
    long skipped;
} survey_state;

static int survey_open(const ps_host *host, ps_sink *sink, void *config,
                       void **state, ps_error *err) {
    survey_config *cfg = config;
    survey_state *st;
    *state = NULL;
    int skip, rc = csv_check_options(host, cfg->on_error, cfg->max_record_bytes,
                                     &skip, err);
    if (rc != PS_OK) return rc;
    st = calloc(1, sizeof *st);
    if (!st) return host->error(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    st->host = host;
    st->sink = sink;
    st->cfg = cfg;
    st->skip = skip;
    *state = st;
    return PS_OK;
}

static void survey_close(void *state) {
    survey_state *st = state;
    if (!st) return;
    csv_close(&st->csv);
    survey_form_free(&st->form);
    csv_arena_free(&st->batch);
    free(st->crit_col);
    free(st->answers);
    free(st);
}

/* Match the header against the fixed columns and the form's criteria;
 * one error lists everything missing or unknown. */
static int map_header(survey_state *st, ps_error *err) {
    const ps_survey_form *f = &st->form.form;
    csv_reader *r = &st->csv;
    char missing_fixed[300] = "", missing_crit[300] = "", unknown[300] = "", all[300] = "";
    char name[64];
    size_t i, k;

    st->n_cols = r->n_fields;
    st->crit_col = malloc(f->n_criteria * sizeof *st->crit_col);
    if (!st->crit_col) return st->host->error(err, PS_ENOMEM, r->name, 0, 0, "out of memory");
    for (k = 0; k < C_NFIXED; k++) st->fixed_col[k] = (size_t)-1;
    for (k = 0; k < f->n_criteria; k++) st->crit_col[k] = (size_t)-1;

    for (i = 0; i < r->n_fields; i++) {
        size_t *slot = NULL;
        for (k = 0; k < C_NFIXED && !slot; k++)
            if (csv_field_is(r->fields[i], fixed_names[k])) slot = &st->fixed_col[k];
        for (k = 0; k < f->n_criteria && !slot; k++)
            if (csv_field_is(r->fields[i], f->criteria[k].code)) slot = &st->crit_col[k];
        csv_field_trim(r->fields[i], name, sizeof name);
        if (!slot) {
            csv_list_add(unknown, sizeof unknown, name[0] ? name : "(empty name)");
        } else if (*slot != (size_t)-1) {
            return st->host->error(err, PS_EDATA, r->name, r->record_line, (long)i + 1,
                                   "column %s appears twice in the header (columns %zu "
                                   "and %zu)", name, *slot + 1, i + 1);
        } else {
            *slot = i;
        }
    }
    for (k = 0; k < C_NFIXED; k++)
        if (st->fixed_col[k] == (size_t)-1) csv_list_add(missing_fixed, sizeof missing_fixed, fixed_names[k]);
    for (k = 0; k < f->n_criteria; k++) {
        csv_list_add(all, sizeof all, f->criteria[k].code);
        if (st->crit_col[k] == (size_t)-1)
            csv_list_add(missing_crit, sizeof missing_crit, f->criteria[k].code);
    }
    if (missing_fixed[0])
        return st->host->error(err, PS_EDATA, r->name, r->record_line, 0,
                               "missing columns %s (a responses file has ma_phieu, "
                               "ma_don_vi, ngay, kenh, ma_tthc, one column per criterion, "
                               "hai_long_chung, gop_y)", missing_fixed);
    if (missing_crit[0] || unknown[0])
        return st->host->error(err, PS_EDATA, r->name, r->record_line, 0,
                               "%s%s%s%s%s (the form %s has %s); the responses must "
                               "belong to this form",
                               missing_crit[0] ? "columns missing for criteria " : "",
                               missing_crit, missing_crit[0] && unknown[0] ? "; " : "",
                               unknown[0] ? "unknown columns " : "", unknown,
                               f->code, all);
    return PS_OK;
}

/* A bad row: an error, or with on_error=skip a data-quality report. */
static int row_problem(survey_state *st, ps_error *err, const char *issue,
                       const char *unit, size_t column, const char *where,
                       const char *example, const char *what) {
    csv_rows rows = {st->host, st->sink, &st->csv, st->skip, st->skipped};
    int rc = csv_row_problem(&rows, err, issue, unit, column, where, example, what);
    st->skipped = rows.skipped;
    return rc;
}

/* An answer column: 0 blank, else an integer on the form's scale. */
static int answer(survey_state *st, ps_error *err, size_t col, const char *code,
                  const char *unit, int *out) {
    const ps_survey_form *f = &st->form.form;
    const char *text = st->csv.fields[col];
    char what[400], example[120], shown[40];
    long v = 0;
    int kind = csv_field_int(text, &v);
    *out = 0;
    if (kind == 0) return PS_OK;
    if (kind == 1 && v >= f->scale_min && v <= f->scale_max) {
        *out = (int)v;
        return PS_OK;
    }
    csv_field_trim(text, shown, sizeof shown);
    snprintf(example, sizeof example, "%s=%s", code, shown);
    snprintf(what, sizeof what, "answer \"%s\" is %s the scale %d..%d of form %s",
             shown, kind == 1 ? "outside" : "not a number on", f->scale_min,
             f->scale_max, f->code);
    return row_problem(st, err, kind == 1 ? "survey_answer_out_of_scale"
                                          : "survey_answer_not_integer",
                       unit, col + 1, code, example, what);
}

static int flush(survey_state *st, ps_error *err) {
    int rc = PS_OK;
    if (st->n_recs > 0)
        rc = PS_EMIT(st->host, st->sink, PS_REC_SURVEY_RESPONSE, st->recs, st->n_recs, err);
    st->n_recs = 0;
    csv_arena_reset(&st->batch);
    if (PS_HOST_HAS(st->host, progress))
        st->host->progress(st->sink, st->csv.consumed, st->csv.file_size);
    return rc;
}

static int keep(survey_state *st, ps_error *err, const char *field, const char **out) {
    csv_rows rows = {st->host, st->sink, &st->csv, st->skip, st->skipped};
    return csv_keep(&rows, &st->batch, err, field, out);
}

static int one_row(survey_state *st, ps_error *err) {
    const ps_survey_form *f = &st->form.form;
    csv_reader *r = &st->csv;
    ps_survey_response *rec = &st->recs[st->n_recs];
    int *ans = st->answers + st->n_recs * f->n_criteria;
    const char *unit;
    char what[400], example[120], text[64], id[8];
    size_t k;
    int rc;

    /* a row of the wrong width still names its unit when that column is
     * there: book the problem under it, not under an unknown unit */
    text[0] = '\0';
    if (st->fixed_col[C_UNIT] < r->n_fields)
        csv_field_trim(r->fields[st->fixed_col[C_UNIT]], text, sizeof text);
    if (r->n_fields != st->n_cols) {
        snprintf(what, sizeof what, "%zu fields, the header has %zu (a missing or extra "
                 "comma, or an unquoted comma in gop_y?)", r->n_fields, st->n_cols);
        snprintf(example, sizeof example, "%zu fields", r->n_fields);
        return row_problem(st, err, "survey_bad_row", text, 0, NULL, example, what);
    }
    memset(rec, 0, sizeof *rec);
    unit = r->fields[st->fixed_col[C_UNIT]];
    csv_field_trim(r->fields[st->fixed_col[C_ID]], id, sizeof id);
    if (!text[0] || !id[0]) {
        const char *col = id[0] ? "ma_don_vi" : "ma_phieu";
        snprintf(example, sizeof example, "%s=", col);
        snprintf(what, sizeof what, "no value; every response needs ma_phieu and "
                 "ma_don_vi");
        return row_problem(st, err, "survey_bad_row", text,
                           st->fixed_col[id[0] ? C_UNIT : C_ID] + 1, col, example, what);
    }
    for (k = 0; channels[k]; k++)
        if (csv_field_is(r->fields[st->fixed_col[C_CHANNEL]], channels[k])) break;
    if (!channels[k]) {
        char shown[40];
        csv_field_trim(r->fields[st->fixed_col[C_CHANNEL]], shown, sizeof shown);
        snprintf(example, sizeof example, "kenh=%s", shown);
        snprintf(what, sizeof what, "\"%s\" is not a channel; use giay, "
                 "truc_tuyen, kiosk or sms", shown);
        return row_problem(st, err, "survey_bad_channel", text,
                           st->fixed_col[C_CHANNEL] + 1, "kenh", example, what);
    }
    rec->channel = channels[k];
    for (k = 0; k < f->n_criteria; k++)
        if ((rc = answer(st, err, st->crit_col[k], f->criteria[k].code, text, &ans[k])) != PS_OK)
            return rc;
    if ((rc = answer(st, err, st->fixed_col[C_OVERALL], "hai_long_chung", text,
                     &rec->overall)) != PS_OK)
        return rc;
    if ((rc = keep(st, err, r->fields[st->fixed_col[C_ID]], &rec->id)) != PS_OK ||
        (rc = keep(st, err, unit, &rec->unit_code)) != PS_OK ||
        (rc = keep(st, err, r->fields[st->fixed_col[C_DATE]], &rec->date)) != PS_OK ||
        (rc = keep(st, err, r->fields[st->fixed_col[C_PROC]], &rec->procedure_code)) != PS_OK)
        return rc;
    rec->n_answers = f->n_criteria;
    rec->answers = ans;
    rec->src_line = r->record_line;
    st->n_recs++;
    return PS_OK;
}

static int survey_read(void *state, ps_error *err) {
    survey_state *st = state;
    const ps_host *host = st->host;
    int rc, have = 0;

    if ((rc = survey_form_load(&st->form, st->cfg->form, fixed_names, err)) != PS_OK)
        return rc;
    if ((rc = PS_EMIT(host, st->sink, PS_REC_SURVEY_FORM, &st->form.form, 1, err)) != PS_OK)
        return rc;
    st->answers = calloc(SURVEY_BATCH * st->form.form.n_criteria, sizeof *st->answers);
    if (!st->answers) return host->error(err, PS_ENOMEM, NULL, 0, 0, "out of memory");

    if ((rc = csv_open(&st->csv, st->cfg->responses, (size_t)st->cfg->max_record_bytes,
                       err)) != PS_OK)
        return rc;
    if ((rc = csv_next(&st->csv, &have, err)) != PS_OK) return rc;
    if (!have)
        return host->error(err, PS_EDATA, st->csv.name, 1, 0,
                           "the responses file is empty; expected a header row "
                           "ma_phieu,ma_don_vi,ngay,kenh,ma_tthc,<criteria>,hai_long_chung,gop_y");
    if ((rc = map_header(st, err)) != PS_OK) return rc;

    for (;;) {
        if ((rc = csv_next(&st->csv, &have, err)) != PS_OK) return rc;
        if (!have) break;
        rc = one_row(st, err);
        if (rc == SKIPPED) continue;
        if (rc != PS_OK) return rc;
        if (st->n_recs == SURVEY_BATCH && (rc = flush(st, err)) != PS_OK) return rc;
    }
    if ((rc = flush(st, err)) != PS_OK) return rc;
    csv_log_skipped(host, st->sink, st->skipped);
    return PS_OK;
}

static const ps_plugin survey_plugin = {
    sizeof(ps_plugin), PS_ABI_VERSION, "survey", "1.0",
    "SIPAS-style satisfaction surveys: form definition XML + responses CSV",
    PS_KIND_BIT(PS_REC_SURVEY_FORM) | PS_KIND_BIT(PS_REC_SURVEY_RESPONSE),
    50, sizeof(survey_config), survey_options,
    survey_open, survey_read, survey_close};

PS_PLUGIN_EXPORT(survey_plugin)
