/*
 * onestop_rows.c -- turns result rows of the one-stop database (every
 * value as text, NULL for SQL NULL) into ps_procedure / ps_dossier /
 * ps_feedback records and hands them to the core in batches.
 *
 * Timestamps pass through unchanged: the core applies one set of date and
 * data-quality rules to every source.  Integers are checked here because a
 * non-number in `status` or `channel` means the mapping points at the wrong
 * column (or the vendor encodes differently); counting such rows would
 * silently give wrong scores, so the run stops naming the row and the
 * mapping key.  NULL in an integer column is passed on as "unknown" (0, or
 * PS_UNKNOWN for flags) so the core's data-quality report counts it.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "onestop.h"
#include "onestop_schema.h"

/* ---- string storage of a batch --------------------------------------- */

struct os_block {
    os_block *next;
    size_t size, used;
    char data[];
};

#define OS_BLOCK_SIZE ((size_t)64 * 1024)

/* Copy s into the batch's storage; the blocks are kept and reused after
 * each emit, so a steady read allocates nothing per row. */
static const char *os_store(os_reader *r, const char *s)
{
    size_t n = strlen(s) + 1;
    os_block *b = r->cur;
    while (b && b->size - b->used < n) {
        b = b->next;
        if (b)
            b->used = 0;
    }
    if (!b) {
        size_t size = n > OS_BLOCK_SIZE ? n : OS_BLOCK_SIZE;
        b = malloc(sizeof *b + size);
        if (!b)
            return NULL;
        b->size = size;
        b->used = 0;
        /* append after the current block so the chain stays reusable */
        if (r->cur) {
            b->next = r->cur->next;
            r->cur->next = b;
        } else {
            b->next = r->blocks;
            r->blocks = b;
        }
    }
    r->cur = b;
    char *p = b->data + b->used;
    memcpy(p, s, n);
    b->used += n;
    return p;
}

static void os_store_reset(os_reader *r)
{
    r->cur = r->blocks;
    if (r->cur)
        r->cur->used = 0;
}

/* ---- reader ---------------------------------------------------------- */

static size_t os_record_size(void)
{
    size_t n = sizeof(ps_procedure);
    if (sizeof(ps_dossier) > n)
        n = sizeof(ps_dossier);
    if (sizeof(ps_feedback) > n)
        n = sizeof(ps_feedback);
    return n;
}

int os_reader_init(os_reader *r, const ps_host *host, ps_sink *sink,
                   const os_mapping *map, size_t batch, const char *source,
                   ps_error *err)
{
    memset(r, 0, sizeof *r);
    r->host = host;
    r->sink = sink;
    r->map = map;
    r->source = source;
    r->batch = batch ? batch : 512;
    r->records = calloc(r->batch, os_record_size());
    if (!r->records)
        return host->error(err, PS_ENOMEM, NULL, 0, 0,
                           "out of memory for a batch of %zu records", r->batch);
    return PS_OK;
}

void os_reader_free(os_reader *r)
{
    free(r->records);
    r->records = NULL;
    while (r->blocks) {
        os_block *next = r->blocks->next;
        free(r->blocks);
        r->blocks = next;
    }
    r->cur = NULL;
}

void os_reader_begin(os_reader *r, int table, uint64_t total)
{
    r->table = table;
    r->n = 0;
    r->row = 0;
    r->total = total;
    r->last_code[0] = '\0';
    os_store_reset(r);
}

static const ps_record_kind os_kinds[OS_NTABLES] = {
    PS_REC_PROCEDURE, PS_REC_DOSSIER, PS_REC_FEEDBACK};
static const size_t os_record_sizes[OS_NTABLES] = {
    sizeof(ps_procedure), sizeof(ps_dossier), sizeof(ps_feedback)};

int os_reader_flush(os_reader *r, ps_error *err)
{
    if (r->n == 0)
        return PS_OK;
    int rc = r->host->emit(r->sink, os_kinds[r->table], r->records, r->n,
                            os_record_sizes[r->table], err);
    r->n = 0;
    os_store_reset(r);
    if (rc != PS_OK)
        return rc;
    if (r->table == OS_DOSSIERS && PS_HOST_HAS(r->host, progress) &&
        r->host->progress)
        r->host->progress(r->sink, (uint64_t)r->row, r->total);
    return PS_OK;
}

/* Error about one value: names the table, column, mapping key and row. */
static int os_value_error(os_reader *r, size_t col, const char *code,
                          const char *value, const char *problem,
                          ps_error *err)
{
    const os_mapping *m = r->map;
    int t = r->table;
    char row[160];
    if (code)
        snprintf(row, sizeof row, "row with %s \"%.60s\"", os_column_key(t, 0),
                 code);
    else if (r->last_code[0])
        snprintf(row, sizeof row, "row %ld, after %s \"%.60s\"", r->row,
                 os_column_key(t, 0), r->last_code);
    else
        snprintf(row, sizeof row, "row %ld", r->row);
    r->host->error(err, PS_EDATA, r->source, 0, 0,
                   "table \"%.60s\", %s: column \"%.60s\" (mapping key "
                   "%s.%s) %s%.40s%s; correct the row, or point the mapping "
                   "key at the right column",
                   m->table[t], row, m->column[t][col], os_table_key(t),
                   os_column_key(t, col), problem, value ? value : "",
                   value ? "\"" : "");
    os_strlcpy(err->where, code ? code : "", sizeof err->where);
    return PS_EDATA;
}

/* Integer text, or an integral REAL/NUMERIC ("4.0"); flags also take
 * PostgreSQL's boolean text.  Returns 1 when parsed. */
static int os_parse_int(const char *s, int flag, int *out)
{
    while (*s == ' ')
        s++;
    if (flag) {
        if (strcasecmp(s, "t") == 0 || strcasecmp(s, "true") == 0) {
            *out = 1;
            return 1;
        }
        if (strcasecmp(s, "f") == 0 || strcasecmp(s, "false") == 0) {
            *out = 0;
            return 1;
        }
    }
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end != s && *end == '\0' && errno == 0 && v >= INT_MIN && v <= INT_MAX) {
        *out = (int)v;
        return 1;
    }
    double d = strtod(s, &end);
    if (end != s && *end == '\0' && isfinite(d) && d == floor(d) &&
        d >= INT_MIN && d <= INT_MAX) {
        *out = (int)d;
        return 1;
    }
    return 0;
}

/* Convert column col; null_value is used for SQL NULL. */
static int os_int(os_reader *r, const char *const *v, size_t col,
                  int null_value, int *out, ps_error *err)
{
    int flag = os_column_def(r->table, col)->type == OS_COL_FLAG;
    if (r->typed & (1u << col)) {
        int64_t x = r->ints[col];
        char text[24];
        if (x < INT_MIN || x > INT_MAX || (flag && x != 0 && x != 1)) {
            snprintf(text, sizeof text, "%lld", (long long)x);
            return os_value_error(r, col, v[0], text,
                                  flag ? "holds no 0/1 value: \""
                                       : "holds no integer: \"", err);
        }
        *out = (int)x;
        return PS_OK;
    }
    if (!v[col]) {
        *out = null_value;
        return PS_OK;
    }
    if (!os_parse_int(v[col], flag, out))
        return os_value_error(r, col, v[0], v[col],
                              flag ? "holds no 0/1 value: \""
                                   : "holds no integer: \"", err);
    if (flag && *out != 0 && *out != 1)
        return os_value_error(r, col, v[0], v[col], "holds no 0/1 value: \"",
                              err);
    return PS_OK;
}

static int os_real(os_reader *r, const char *const *v, size_t col,
                   double *out, ps_error *err)
{
    if (!v[col]) {
        *out = 0;
        return PS_OK;
    }
    char *end;
    const char *s = v[col];
    while (*s == ' ')
        s++;
    double d = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(d))
        return os_value_error(r, col, v[0], v[col], "holds no number: \"", err);
    *out = d;
    return PS_OK;
}

/* A text value the record cannot do without (code, unit...). */
static int os_text(os_reader *r, const char *const *v, size_t col,
                   const char **out, ps_error *err)
{
    if (!v[col]) {
        if (os_column_def(r->table, col)->required &&
            os_column_def(r->table, col)->type == OS_COL_TEXT)
            return os_value_error(r, col, col ? v[0] : NULL, NULL,
                                  "is NULL", err);
        *out = NULL;
        return PS_OK;
    }
    *out = os_store(r, v[col]);
    if (!*out)
        return r->host->error(err, PS_ENOMEM, r->source, 0, 0,
                              "out of memory");
    return PS_OK;
}

#define OS_TRY(expr)                                                       \
    do {                                                                   \
        int rc_ = (expr);                                                  \
        if (rc_ != PS_OK)                                                  \
            return rc_;                                                    \
    } while (0)

static int os_row_procedure(os_reader *r, const char *const *v,
                            ps_procedure *p, ps_error *err)
{
    memset(p, 0, sizeof *p);
    OS_TRY(os_text(r, v, OP_CODE, &p->code, err));
    OS_TRY(os_text(r, v, OP_NAME, &p->name, err));
    OS_TRY(os_text(r, v, OP_FIELD, &p->field, err));
    OS_TRY(os_real(r, v, OP_LEGAL_DAYS, &p->legal_days, err));
    OS_TRY(os_int(r, v, OP_ONLINE_LEVEL, 0, &p->online_level, err));
    /* the reference schema's defaults when the vendor has no column */
    OS_TRY(os_int(r, v, OP_HAS_FEE, 0, &p->has_fee, err));
    OS_TRY(os_int(r, v, OP_HAS_RESULT_DOCUMENT, 1, &p->has_result_document, err));
    return PS_OK;
}

static int os_row_dossier(os_reader *r, const char *const *v, ps_dossier *d,
                          ps_error *err)
{
    memset(d, 0, sizeof *d);
    OS_TRY(os_text(r, v, OD_CODE, &d->code, err));
    OS_TRY(os_text(r, v, OD_UNIT_CODE, &d->unit_code, err));
    OS_TRY(os_text(r, v, OD_PROCEDURE_CODE, &d->procedure_code, err));
    OS_TRY(os_int(r, v, OD_CHANNEL, 0, &d->channel, err));
    OS_TRY(os_int(r, v, OD_STATUS, 0, &d->status, err));
    OS_TRY(os_text(r, v, OD_RECEIVED_AT, &d->received_at, err));
    OS_TRY(os_text(r, v, OD_DUE_AT, &d->due_at, err));
    OS_TRY(os_text(r, v, OD_FINISHED_AT, &d->finished_at, err));
    OS_TRY(os_text(r, v, OD_RETURNED_AT, &d->returned_at, err));
    OS_TRY(os_text(r, v, OD_APOLOGY_AT, &d->apology_at, err));
    OS_TRY(os_int(r, v, OD_PAID_ONLINE, PS_UNKNOWN, &d->paid_online, err));
    OS_TRY(os_int(r, v, OD_DIGITIZED_INPUT, PS_UNKNOWN, &d->digitized_input, err));
    OS_TRY(os_int(r, v, OD_DIGITIZED_RESULT, PS_UNKNOWN, &d->digitized_result, err));
    OS_TRY(os_int(r, v, OD_RATING, 0, &d->rating, err));
    d->synced = PS_UNKNOWN;     /* only the portal knows */
    d->online_level = 0;        /* the catalogue's level applies */
    d->src_line = 0;            /* rows have no stable position */
    return PS_OK;
}

static int os_row_feedback(os_reader *r, const char *const *v, ps_feedback *f,
                           ps_error *err)
{
    memset(f, 0, sizeof *f);
    OS_TRY(os_text(r, v, OF_ID, &f->id, err));
    OS_TRY(os_text(r, v, OF_UNIT_CODE, &f->unit_code, err));
    OS_TRY(os_text(r, v, OF_RECEIVED_AT, &f->received_at, err));
    OS_TRY(os_text(r, v, OF_DUE_AT, &f->due_at, err));
    OS_TRY(os_text(r, v, OF_ANSWERED_AT, &f->answered_at, err));
    OS_TRY(os_int(r, v, OF_SATISFIED, PS_UNKNOWN, &f->satisfied, err));
    return PS_OK;
}

int os_reader_row(os_reader *r, const char *const *values, ps_error *err)
{
    return os_reader_row_typed(r, values, NULL, 0, err);
}

int os_reader_row_typed(os_reader *r, const char *const *values,
                        const int64_t *ints, uint32_t typed, ps_error *err)
{
    int rc;
    r->ints = ints;
    r->typed = typed;
    r->row++;
    switch (r->table) {
    case OS_PROCEDURES:
        rc = os_row_procedure(r, values, (ps_procedure *)r->records + r->n, err);
        break;
    case OS_DOSSIERS:
        rc = os_row_dossier(r, values, (ps_dossier *)r->records + r->n, err);
        break;
    default:
        rc = os_row_feedback(r, values, (ps_feedback *)r->records + r->n, err);
        break;
    }
    if (rc != PS_OK)
        return rc;
    os_strlcpy(r->last_code, values[0], sizeof r->last_code);
    if (++r->n == r->batch)
        return os_reader_flush(r, err);
    return PS_OK;
}
