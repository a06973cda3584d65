/*
 * kiosk.c -- the `kiosk` source plugin: the button log of the "rate us"
 * devices at one-stop counters (FORMATS.md §3c), CSV with the columns
 * thoi_gian,ma_don_vi,ma_quay,muc_do in any order.  Each press becomes a
 * ps_kiosk record with level 1 (rat_hai_long) .. 4 (khong_hai_long).
 *
 * on_error = "fail" (default) stops at the first bad row naming its line;
 * "skip" drops it and reports it through host->quality.  Broken CSV
 * structure always stops.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parscore/plugin.h"

#include "../csv_common/csv_arena.h"
#include "../csv_common/csv_fields.h"
#include "../csv_common/csv_reader.h"

#define KIOSK_BATCH 256
#define SKIPPED CSV_SKIPPED

typedef struct kiosk_config {
    char *path;
    char *on_error;
    long max_record_bytes;
} kiosk_config;

static const ps_option kiosk_options[] = {
    {"path", PS_OPT_PATH, NULL, offsetof(kiosk_config, path), 1,
     "kiosk button log CSV: thoi_gian,ma_don_vi,ma_quay,muc_do"},
    {"on_error", PS_OPT_STRING, "fail", offsetof(kiosk_config, on_error), 0,
     "fail: stop at the first bad row; skip: drop bad rows, count them in the "
     "data-quality report"},
    {"max_record_bytes", PS_OPT_INT, "1048576", offsetof(kiosk_config, max_record_bytes), 0,
     "largest CSV record accepted (a longer one is an error naming its line)"},
    {NULL, 0, NULL, 0, 0, NULL}};

enum { C_AT, C_UNIT, C_COUNTER, C_LEVEL, C_N };
static const char *const col_names[C_N] = {"thoi_gian", "ma_don_vi", "ma_quay", "muc_do"};
/* Index + 1 is the level. */
static const char *const levels[] = {"rat_hai_long", "hai_long", "binh_thuong",
                                     "khong_hai_long", NULL};

typedef struct kiosk_state {
    const ps_host *host;
    ps_sink *sink;
    const kiosk_config *cfg;
    int skip;
    csv_reader csv;
    size_t n_cols;
    size_t col[C_N];
    csv_arena batch;
    ps_kiosk recs[KIOSK_BATCH];
    size_t n_recs;
    long skipped;
} kiosk_state;

static int kiosk_open(const ps_host *host, ps_sink *sink, void *config,
                      void **state, ps_error *err) {
    kiosk_config *cfg = config;
    kiosk_state *st;
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

static void kiosk_close(void *state) {
    kiosk_state *st = state;
    if (!st) return;
    csv_close(&st->csv);
    csv_arena_free(&st->batch);
    free(st);
}

static int map_header(kiosk_state *st, ps_error *err) {
    csv_reader *r = &st->csv;
    char missing[200] = "", unknown[300] = "", name[64];
    size_t i, k;
    st->n_cols = r->n_fields;
    for (k = 0; k < C_N; k++) st->col[k] = (size_t)-1;
    for (i = 0; i < r->n_fields; i++) {
        for (k = 0; k < C_N; k++)
            if (csv_field_is(r->fields[i], col_names[k])) break;
        csv_field_trim(r->fields[i], name, sizeof name);
        if (k == C_N) {
            csv_list_add(unknown, sizeof unknown, name[0] ? name : "(empty name)");
        } else if (st->col[k] != (size_t)-1) {
            return st->host->error(err, PS_EDATA, r->name, r->record_line, (long)i + 1,
                                   "column %s appears twice in the header (columns %zu "
                                   "and %zu)", name, st->col[k] + 1, i + 1);
        } else {
            st->col[k] = i;
        }
    }
    for (k = 0; k < C_N; k++)
        if (st->col[k] == (size_t)-1) csv_list_add(missing, sizeof missing, col_names[k]);
    if (missing[0] || unknown[0])
        return st->host->error(err, PS_EDATA, r->name, r->record_line, 0,
                               "%s%s%s%s%s; a kiosk log has the columns thoi_gian, "
                               "ma_don_vi, ma_quay, muc_do",
                               missing[0] ? "missing columns " : "", missing,
                               missing[0] && unknown[0] ? "; " : "",
                               unknown[0] ? "unknown columns " : "", unknown);
    return PS_OK;
}

static int row_problem(kiosk_state *st, ps_error *err, const char *issue,
                       const char *unit, size_t column, const char *where,
                       const char *example, const char *what) {
    csv_rows rows = {st->host, st->sink, &st->csv, st->skip, st->skipped};
    int rc = csv_row_problem(&rows, err, issue, unit, column, where, example, what);
    st->skipped = rows.skipped;
    return rc;
}

static int keep(kiosk_state *st, ps_error *err, const char *field, const char **out) {
    csv_rows rows = {st->host, st->sink, &st->csv, st->skip, st->skipped};
    return csv_keep(&rows, &st->batch, err, field, out);
}

static int one_row(kiosk_state *st, ps_error *err) {
    csv_reader *r = &st->csv;
    ps_kiosk *rec = &st->recs[st->n_recs];
    char what[300], example[100], unit[64], shown[40];
    size_t k;
    int rc;

    /* a row of the wrong width still names its unit when that column is
     * there: book the problem under it, not under an unknown unit */
    unit[0] = '\0';
    if (st->col[C_UNIT] < r->n_fields) csv_field_trim(r->fields[st->col[C_UNIT]], unit, sizeof unit);
    if (r->n_fields != st->n_cols) {
        snprintf(what, sizeof what, "%zu fields, the header has %zu", r->n_fields, st->n_cols);
        snprintf(example, sizeof example, "%zu fields", r->n_fields);
        return row_problem(st, err, "kiosk_bad_row", unit, 0, NULL, example, what);
    }
    memset(rec, 0, sizeof *rec);
    for (k = 0; k < C_N; k++) {
        if (k == C_COUNTER) continue; /* a device may have no counter number */
        csv_field_trim(r->fields[st->col[k]], shown, sizeof shown);
        if (!shown[0]) {
            snprintf(example, sizeof example, "%s=", col_names[k]);
            snprintf(what, sizeof what, "no value; every press needs thoi_gian, "
                     "ma_don_vi and muc_do");
            return row_problem(st, err, "kiosk_bad_row", unit, st->col[k] + 1,
                               col_names[k], example, what);
        }
    }
    for (k = 0; levels[k]; k++)
        if (csv_field_is(r->fields[st->col[C_LEVEL]], levels[k])) break;
    if (!levels[k]) {
        csv_field_trim(r->fields[st->col[C_LEVEL]], shown, sizeof shown);
        snprintf(example, sizeof example, "muc_do=%s", shown);
        snprintf(what, sizeof what, "\"%s\" is not a rating; use "
                 "rat_hai_long, hai_long, binh_thuong or khong_hai_long", shown);
        return row_problem(st, err, "bad_kiosk_level", unit, st->col[C_LEVEL] + 1,
                           "muc_do", example, what);
    }
    rec->level = (int)k + 1;
    if ((rc = keep(st, err, r->fields[st->col[C_AT]], &rec->at)) != PS_OK ||
        (rc = keep(st, err, r->fields[st->col[C_UNIT]], &rec->unit_code)) != PS_OK ||
        (rc = keep(st, err, r->fields[st->col[C_COUNTER]], &rec->counter)) != PS_OK)
        return rc;
    rec->src_line = r->record_line;
    st->n_recs++;
    return PS_OK;
}

static int flush(kiosk_state *st, ps_error *err) {
    int rc = PS_OK;
    if (st->n_recs > 0)
        rc = PS_EMIT(st->host, st->sink, PS_REC_KIOSK, st->recs, st->n_recs, err);
    st->n_recs = 0;
    csv_arena_reset(&st->batch);
    if (PS_HOST_HAS(st->host, progress))
        st->host->progress(st->sink, st->csv.consumed, st->csv.file_size);
    return rc;
}

static int kiosk_read(void *state, ps_error *err) {
    kiosk_state *st = state;
    int rc, have = 0;
    if ((rc = csv_open(&st->csv, st->cfg->path, (size_t)st->cfg->max_record_bytes, err)) != PS_OK)
        return rc;
    if ((rc = csv_next(&st->csv, &have, err)) != PS_OK) return rc;
    if (!have)
        return st->host->error(err, PS_EDATA, st->csv.name, 1, 0,
                               "the kiosk log is empty; expected a header row "
                               "thoi_gian,ma_don_vi,ma_quay,muc_do");
    if ((rc = map_header(st, err)) != PS_OK) return rc;
    for (;;) {
        if ((rc = csv_next(&st->csv, &have, err)) != PS_OK) return rc;
        if (!have) break;
        rc = one_row(st, err);
        if (rc == SKIPPED) continue;
        if (rc != PS_OK) return rc;
        if (st->n_recs == KIOSK_BATCH && (rc = flush(st, err)) != PS_OK) return rc;
    }
    if ((rc = flush(st, err)) != PS_OK) return rc;
    csv_log_skipped(st->host, st->sink, st->skipped);
    return PS_OK;
}

static const ps_plugin kiosk_plugin = {
    sizeof(ps_plugin), PS_ABI_VERSION, "kiosk", "1.0",
    "kiosk rating-button logs (CSV)",
    PS_KIND_BIT(PS_REC_KIOSK),
    50, sizeof(kiosk_config), kiosk_options,
    kiosk_open, kiosk_read, kiosk_close};

PS_PLUGIN_EXPORT(kiosk_plugin)
