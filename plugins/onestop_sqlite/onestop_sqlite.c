/*
 * onestop_sqlite.c -- source plugin reading the provincial one-stop
 * database from a SQLite file (the embedded default of FORMATS.md §1).
 *
 * The file is opened read-only through a "file:...?mode=ro" URI: parscore
 * must never change a vendor's database, not even its journal.  It is not
 * opened `immutable`, because the one-stop system may be writing to it
 * while we read; instead the three tables are read inside one read
 * transaction, so procedures, dossiers and feedback come from the same
 * snapshot.  Rows are streamed with sqlite3_step in rowid order (no ORDER
 * BY: see os_build_select) and emitted in batches; nothing holds more than
 * one batch.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "onestop.h"
#include "onestop_schema.h"

/* How long to wait for a writer holding the database before giving up. */
#define SQ_BUSY_TIMEOUT_MS 3000

typedef struct sq_config {
    char *path;
    char *mapping;
    int feedback;
    long batch;
    long max_query_steps;
} sq_config;

/* The progress handler runs every SQ_PROGRESS_STEP virtual-machine steps;
 * a query that runs max_query_steps of them without returning a row (a
 * recursive or runaway view in the file) is stopped, with a warning on
 * the terminal at a quarter of the way. */
#define SQ_PROGRESS_STEP 100000

static const ps_option sq_options[] = {
    {"path", PS_OPT_PATH, NULL, offsetof(sq_config, path), 1,
     "the one-stop SQLite database file (opened read-only)"},
    {"mapping", PS_OPT_STRING, NULL, offsetof(sq_config, mapping), 0,
     "vendor names: \"dossiers=ho_so,dossiers.unit_code=ma_don_vi\""},
    {"feedback", PS_OPT_BOOL, "true", offsetof(sq_config, feedback), 0,
     "read the feedback (PAKN) table; false when the database has none"},
    {"batch", PS_OPT_INT, "512", offsetof(sq_config, batch), 0,
     "records handed to the core per call (1..65536)"},
    {"max_query_steps", PS_OPT_INT, "2000000000", offsetof(sq_config, max_query_steps), 0,
     "SQLite steps a query may run without returning a row before it is stopped"},
    {NULL, 0, NULL, 0, 0, NULL}};

typedef struct sq_state {
    const ps_host *host;
    ps_sink *sink;
    const sq_config *cfg;
    sqlite3 *db;
    os_mapping map;
    int map_ready;
    sqlite3_stmt *select[OS_NTABLES]; /* NULL: table not read */
    uint64_t rows[OS_NTABLES];        /* row counts, for progress */
    os_reader reader;
    int reader_ready;
    long steps;                       /* since the last row */
    long last_row;
    int query_table;                  /* the table being queried */
    int last_table, warned;
} sq_state;

static int sq_progress(void *arg);

/* An error from SQLite, in words a user can act on. */
static int sq_error(sq_state *s, ps_error *err, int rc, const char *doing)
{
    const char *path = s->cfg->path;
    const char *msg = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    switch (rc & 0xff) {
    case SQLITE_NOTADB:
        return s->host->error(err, PS_EPARSE, path, 0, 0,
                              "not a SQLite database (%s while %s); check "
                              "the path option points at the one-stop "
                              "database file", msg, doing);
    case SQLITE_CORRUPT:
        return s->host->error(err, PS_EPARSE, path, 0, 0,
                              "the SQLite database is damaged (%s while %s); "
                              "ask the vendor for a fresh copy", msg, doing);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return s->host->error(err, PS_EIO, path, 0, 0,
                              "the database is locked by another program "
                              "(%s while %s, waited %d ms); retry when the "
                              "one-stop system is idle, or read a copy",
                              msg, doing, SQ_BUSY_TIMEOUT_MS);
    case SQLITE_NOMEM:
        return s->host->error(err, PS_ENOMEM, path, 0, 0, "out of memory "
                              "while %s", doing);
    case SQLITE_INTERRUPT:
        return s->host->error(err, PS_EDATA, path, 0, 0,
                              "the query on \"%s\" ran %ld SQLite steps without "
                              "returning a row and was stopped (while %s): a "
                              "recursive or runaway view?  Fix the view, or raise "
                              "max_query_steps if it is only slow",
                              s->map.table[s->last_table], s->cfg->max_query_steps,
                              doing);
    default:
        return s->host->error(err, PS_EIO, path, 0, 0, "SQLite: %s (while %s)",
                              msg, doing);
    }
}

/* "file:" URI for path: percent-encode what a URI would read specially. */
static char *sq_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *uri = malloc(5 + 3 * n + sizeof "?mode=ro");
    if (!uri)
        return NULL;
    char *o = uri;
    memcpy(o, "file:", 5);
    o += 5;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || c == '/' || c == '.' || c == '_' ||
            c == '-' || c == '~') {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    memcpy(o, "?mode=ro", sizeof "?mode=ro");
    return uri;
}

/* Columns of a table (or view) via pragma_table_info; *n 0: no table. */
static int sq_columns(sq_state *s, const char *table, os_column_info **cols,
                      size_t *n, ps_error *err)
{
    *cols = NULL;
    *n = 0;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db,
                                "SELECT name, type FROM pragma_table_info(?1)",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return sq_error(s, err, rc, "reading the schema");
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    size_t cap = 0;
    int status = PS_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const char *type = (const char *)sqlite3_column_text(st, 1);
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            os_column_info *p = realloc(*cols, cap * sizeof *p);
            if (!p) {
                status = s->host->error(err, PS_ENOMEM, NULL, 0, 0,
                                        "out of memory");
                break;
            }
            *cols = p;
        }
        char *nm = strdup(name ? name : "");
        char *ty = strdup(type ? type : "");
        (*cols)[*n].name = nm;
        (*cols)[*n].type = ty;
        (*n)++;
        if (!nm || !ty) {
            status = s->host->error(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
    }
    if (status == PS_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
        status = sq_error(s, err, rc, "reading the schema");
    sqlite3_finalize(st);
    return status;
}

static void sq_free_columns(os_column_info *cols, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((char *)cols[i].name);
        free((char *)cols[i].type);
    }
    free(cols);
}

/* Check the table against the mapping and prepare its SELECT. */
static int sq_prepare_table(sq_state *s, int t, ps_error *err)
{
    os_column_info *cols;
    size_t n;
    int rc = sq_columns(s, s->map.table[t], &cols, &n, err);
    char *sql = NULL;
    if (rc == PS_OK)
        rc = os_build_select(&s->map, t, OS_DIALECT_SQLITE, cols, n, NULL,
                             s->cfg->path, s->host, err, &sql);
    sq_free_columns(cols, n);
    if (rc != PS_OK)
        return rc;
    int src = sqlite3_prepare_v2(s->db, sql, -1, &s->select[t], NULL);
    free(sql);
    if (src != SQLITE_OK)
        return sq_error(s, err, src, "preparing the query");
    return PS_OK;
}

static void sq_close(void *state)
{
    sq_state *s = state;
    if (!s)
        return;
    for (int t = 0; t < OS_NTABLES; t++)
        sqlite3_finalize(s->select[t]);
    if (s->db)
        sqlite3_close(s->db);
    if (s->map_ready)
        os_mapping_free(&s->map);
    if (s->reader_ready)
        os_reader_free(&s->reader);
    free(s);
}

static int sq_open(const ps_host *host, ps_sink *sink, void *config,
                   void **state, ps_error *err)
{
    const sq_config *cfg = config;
    *state = NULL;
    if (!cfg->path || !*cfg->path)
        return host->error(err, PS_ECONFIG, NULL, 0, 0,
                           "needs path = \"<database file>\"");
    if (cfg->batch < 1 || cfg->batch > 65536)
        return host->error(err, PS_ECONFIG, NULL, 0, 0,
                           "batch = %ld is out of range "
                           "(1..65536)", cfg->batch);
    /* A clear message for the commonest mistake, before SQLite's generic
     * "unable to open database file". */
    struct stat sb;
    if (stat(cfg->path, &sb) != 0)
        return host->error(err, PS_EIO, cfg->path, 0, 0,
                           "cannot open the one-stop database: %s; check "
                           "the path option", strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return host->error(err, PS_EIO, cfg->path, 0, 0,
                           "not a regular file; path must name the SQLite "
                           "database file");

    sq_state *s = calloc(1, sizeof *s);
    if (!s)
        return host->error(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    s->host = host;
    s->sink = sink;
    s->cfg = cfg;

    int rc = os_mapping_init(&s->map, cfg->mapping, host, err);
    if (rc != PS_OK)
        goto fail;
    s->map_ready = 1;

    char *uri = sq_uri(cfg->path);
    if (!uri) {
        rc = host->error(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    /* NOMUTEX: a connection belongs to one plugin instance, used by one
     * thread at a time, so SQLite's per-call mutex is pure cost. */
    int src = sqlite3_open_v2(uri, &s->db,
                              SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
                                  SQLITE_OPEN_NOMUTEX,
                              NULL);
    free(uri);
    if (src != SQLITE_OK) {
        rc = sq_error(s, err, src, "opening");
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, SQ_BUSY_TIMEOUT_MS);
    if (cfg->max_query_steps < SQ_PROGRESS_STEP) {
        rc = host->error(err, PS_ECONFIG, NULL, 0, 0, "max_query_steps must be at "
                         "least %d", SQ_PROGRESS_STEP);
        goto fail;
    }
    s->query_table = s->last_table = OS_PROCEDURES;
    sqlite3_progress_handler(s->db, SQ_PROGRESS_STEP, sq_progress, s);

    /* Check every table now, so a wrong schema fails before any record
     * reaches the core. */
    for (int t = 0; t < OS_NTABLES; t++) {
        if (t == OS_FEEDBACK && !cfg->feedback)
            continue;
        rc = sq_prepare_table(s, t, err);
        if (rc != PS_OK)
            goto fail;
    }
    rc = os_reader_init(&s->reader, host, sink, &s->map, (size_t)cfg->batch,
                        cfg->path, err);
    if (rc != PS_OK)
        goto fail;
    s->reader_ready = 1;
    *state = s;
    return PS_OK;
fail:
    sq_close(s);
    return rc;
}

/* Counts steps since the reader last took a row; 1 stops the query. */
static int sq_progress(void *arg)
{
    sq_state *s = arg;
    if (s->query_table != s->last_table || (s->reader_ready && s->reader.row != s->last_row)) {
        s->last_row = s->reader_ready ? s->reader.row : 0;
        s->last_table = s->query_table;
        s->steps = 0;
        s->warned = 0;
    }
    s->steps += SQ_PROGRESS_STEP;
    if (!s->warned && s->steps >= s->cfg->max_query_steps / 4) {
        s->warned = 1;
        if (s->host->log)
            s->host->log(s->sink, PS_LOG_WARN,
                         "the query on \"%s\" has run %ld SQLite steps without "
                         "returning a row; it is stopped at %ld (max_query_steps)",
                         s->map.table[s->last_table], s->steps, s->cfg->max_query_steps);
    }
    return s->steps >= s->cfg->max_query_steps;
}

static int sq_read_table(sq_state *s, int t, ps_error *err)
{
    sqlite3_stmt *st = s->select[t];
    s->query_table = t;
    int ncols = sqlite3_column_count(st);
    if (ncols > OS_MAXCOLS)
        ncols = OS_MAXCOLS;
    const char *values[OS_MAXCOLS];
    int64_t ints[OS_MAXCOLS];
    /* Integer columns stored as INTEGER are read as integers: printing
     * them to text for the reader to parse back was measurable per row. */
    int int_col[OS_MAXCOLS];
    for (int c = 0; c < ncols; c++) {
        int type = os_column_def(t, (size_t)c)->type;
        int_col[c] = type == OS_COL_INT || type == OS_COL_FLAG;
    }
    os_reader_begin(&s->reader, t, s->rows[t]);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        uint32_t typed = 0;
        for (int c = 0; c < ncols; c++) {
            if (int_col[c] && sqlite3_column_type(st, c) == SQLITE_INTEGER) {
                ints[c] = sqlite3_column_int64(st, c);
                values[c] = NULL;
                typed |= 1u << c;
            } else {
                values[c] = (const char *)sqlite3_column_text(st, c);
            }
        }
        int status = os_reader_row_typed(&s->reader, values, ints, typed, err);
        if (status != PS_OK)
            return status;
    }
    if (rc != SQLITE_DONE) {
        char doing[96];
        snprintf(doing, sizeof doing, "reading table \"%.60s\"", s->map.table[t]);
        return sq_error(s, err, rc, doing);
    }
    return os_reader_flush(&s->reader, err);
}

/* Dossier count for the progress line and the core's duplicate table
 * (cheap next to the read). */
static void sq_count(sq_state *s)
{
    char sql[128];
    s->query_table = OS_DOSSIERS;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"",
             s->map.table[OS_DOSSIERS]);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        s->rows[OS_DOSSIERS] = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
}

static int sq_read(void *state, ps_error *err)
{
    sq_state *s = state;
    /* One read transaction: the three tables from the same snapshot. */
    int src = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
    if (src != SQLITE_OK)
        return sq_error(s, err, src, "starting a read transaction");
    int expect = PS_HOST_HAS(s->host, expect) && s->host->expect;
    if (expect || (PS_HOST_HAS(s->host, progress) && s->host->progress))
        sq_count(s);
    if (expect && s->rows[OS_DOSSIERS])
        s->host->expect(s->sink, PS_REC_DOSSIER, s->rows[OS_DOSSIERS]);
    int rc = PS_OK;
    for (int t = 0; t < OS_NTABLES && rc == PS_OK; t++)
        if (s->select[t])
            rc = sq_read_table(s, t, err);
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    return rc;
}

static const ps_plugin onestop_sqlite_plugin = {
    .size = sizeof(ps_plugin),
    .abi_version = PS_ABI_VERSION,
    .name = "onestop_sqlite",
    .version = "1.0",
    .description = "one-stop TTHC database in a SQLite file (read-only)",
    .record_kinds = PS_KIND_BIT(PS_REC_PROCEDURE) | PS_KIND_BIT(PS_REC_DOSSIER) |
                    PS_KIND_BIT(PS_REC_FEEDBACK),
    .precedence = 10,
    .config_size = sizeof(sq_config),
    .options = sq_options,
    .open = sq_open,
    .read = sq_read,
    .close = sq_close,
};

PS_PLUGIN_EXPORT(onestop_sqlite_plugin)
