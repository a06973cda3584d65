/*
 * onestop_pg.c -- source plugin reading the provincial one-stop database
 * from PostgreSQL (the real deployment of FORMATS.md §1) through libpq.
 *
 * Passwords: libpq finds them in PGPASSWORD, PGPASSFILE or ~/.pgpass.  A
 * conninfo carrying a password is refused (job files get copied, mailed
 * and committed), and a conninfo is never echoed into a message.
 *
 * Streaming: the core needs every dossier row (it classifies against the
 * working-day calendar, removes duplicates across sources by dossier code
 * and lists late dossiers by code), so no aggregation is pushed into SQL.
 * Rows come through server-side cursors (DECLARE ... NO SCROLL CURSOR,
 * FETCH FORWARD n) inside one READ ONLY, REPEATABLE READ transaction: the
 * client holds at most `fetch` rows, the three tables come from one
 * snapshot, and the plugin can never write.  Single-row mode was the other
 * choice; it costs one PGresult per row and ties the connection up, where a
 * FETCH of a few thousand rows amortises the round trip.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "onestop.h"
#include "pg_sql.h"

typedef struct pg_config {
    char *conninfo;
    char *schema;
    char *mapping;
    int feedback;
    long fetch;
    char *aggregate;
} pg_config;

static const ps_option pg_options[] = {
    {"conninfo", PS_OPT_STRING, NULL, offsetof(pg_config, conninfo), 1,
     "libpq connection string or URI, without password (use PGPASSWORD, "
     "PGPASSFILE or ~/.pgpass)"},
    {"schema", PS_OPT_STRING, NULL, offsetof(pg_config, schema), 0,
     "search_path to use, e.g. \"hcc\" or \"hcc, public\""},
    {"mapping", PS_OPT_STRING, NULL, offsetof(pg_config, mapping), 0,
     "vendor names: \"dossiers=ho_so,dossiers.unit_code=ma_don_vi\""},
    {"feedback", PS_OPT_BOOL, "true", offsetof(pg_config, feedback), 0,
     "read the feedback (PAKN) table; false when the database has none"},
    {"fetch", PS_OPT_INT, "5000", offsetof(pg_config, fetch), 0,
     "rows per FETCH from the server-side cursor (1..1000000)"},
    {"aggregate", PS_OPT_STRING, "rows", offsetof(pg_config, aggregate), 0,
     "\"rows\": send every dossier to the core; \"server\": count per unit "
     "in one grouped query on the server (docs/scale-out.md)"},
    {NULL, 0, NULL, 0, 0, NULL}};

#define PG_EMIT_BATCH 512

typedef struct pg_state {
    const ps_host *host;
    ps_sink *sink;
    const pg_config *cfg;
    PGconn *conn;
    char label[256];                 /* database named without secrets */
    os_mapping map;
    int map_ready;
    char *select[OS_NTABLES];        /* NULL: table not read */
    uint64_t rows[OS_NTABLES];       /* planner's row estimate */
    pg_table_cols cols[OS_NTABLES];  /* names and types of mapped columns */
    char *types[OS_NTABLES][OS_MAXCOLS];
    int server;                      /* aggregate = "server" */
    char why_levels[OS_NTABLES][160]; /* why not the generated columns */
    pg_job_days job;
    int has_period;                  /* the host told the period */
    uint64_t result_rows, counters;  /* server mode, for the -v log */
    os_reader reader;
    int reader_ready;
} pg_state;

/* ---- conninfo checks ------------------------------------------------- */

static int pg_contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

/* Refuse a password in the conninfo; build a label naming the database
 * from the parsed options (never from the raw text). */
static int pg_check_conninfo(const ps_host *host, const char *conninfo,
                             char *label, size_t size, ps_error *err)
{
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &perr);
    if (!opts) {
        int risky = strchr(conninfo, '@') || pg_contains_ci(conninfo, "password");
        /* libpq quotes the text in some parse errors: keep it out of logs
         * when it may hold a password. */
        int rc = host->error(err, PS_ECONFIG, NULL, 0, 0,
                             "the conninfo cannot be parsed%s%s; "
                             "write \"host=... dbname=... user=...\" or "
                             "\"postgresql://user@host/dbname\"",
                             risky || !perr ? "" : ": ",
                             risky || !perr ? "" : perr);
        if (perr) {
            /* drop libpq's trailing newline from the message */
            size_t n = strlen(err->message);
            while (n && err->message[n - 1] == '\n')
                err->message[--n] = '\0';
            PQfreemem(perr);
        }
        return rc;
    }
    const char *dbname = "", *hostname = "", *port = "", *user = "";
    /* libpq marks its secret keywords (password, sslpassword, and any it
     * adds later) with dispchar "*": follow its list instead of keeping
     * our own. */
    char secret[64] = "";
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (!o->val || !*o->val)
            continue;
        if (o->dispchar && strchr(o->dispchar, '*')) {
            if (!secret[0])
                os_strlcpy(secret, o->keyword, sizeof secret);
        } else if (strcmp(o->keyword, "dbname") == 0)
            dbname = o->val;
        else if (strcmp(o->keyword, "host") == 0 ||
                 (strcmp(o->keyword, "hostaddr") == 0 && !*hostname))
            hostname = o->val;
        else if (strcmp(o->keyword, "port") == 0)
            port = o->val;
        else if (strcmp(o->keyword, "user") == 0)
            user = o->val;
    }
    snprintf(label, size, "postgresql database \"%.60s\"%s%.60s%s%.60s%s%.60s",
             *dbname ? dbname : "(default)", *user ? " as " : "", user,
             *hostname ? " on " : "", hostname, *port ? ":" : "", port);
    PQconninfoFree(opts);
    if (strcmp(secret, "password") == 0)
        return host->error(err, PS_ECONFIG, NULL, 0, 0,
                           "%s: the conninfo contains a "
                           "password; remove it and give the password in "
                           "PGPASSWORD, a PGPASSFILE or ~/.pgpass so it "
                           "never sits in a job file",
                           label);
    if (secret[0])
        return host->error(err, PS_ECONFIG, NULL, 0, 0,
                           "%s: the conninfo contains a secret (%s); "
                           "remove it and keep it in a service file "
                           "(PGSERVICEFILE, readable only by this user; "
                           "name it with service=...) so it never sits "
                           "in a job file",
                           label, secret);
    return PS_OK;
}

/* ---- errors ---------------------------------------------------------- */

/* libpq messages end in a newline; copy without it. */
static void pg_message(const char *msg, char *buf, size_t size)
{
    os_strlcpy(buf, msg ? msg : "", size);
    size_t n = strlen(buf);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = '\0';
}

static int pg_error(pg_state *s, ps_error *err, int status, const PGresult *res,
                    const char *doing)
{
    char msg[400];
    pg_message(res ? PQresultErrorMessage(res) : PQerrorMessage(s->conn), msg,
               sizeof msg);
    if (!*msg)
        pg_message(PQerrorMessage(s->conn), msg, sizeof msg);
    return s->host->error(err, status, s->label, 0, 0, "%s: %s", doing, msg);
}

/* Run a statement that returns no rows. */
static int pg_command(pg_state *s, const char *sql, const char *doing,
                      ps_error *err)
{
    PGresult *res = PQexec(s->conn, sql);
    int rc = PS_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = pg_error(s, err, PS_EIO, res, doing);
    PQclear(res);
    return rc;
}

/* ---- schema ---------------------------------------------------------- */

/* Columns of a table or view (found through the search_path). */
static int pg_prepare_table(pg_state *s, int t, ps_error *err)
{
    const char *params[1] = {s->map.table[t]};
    PGresult *res = PQexecParams(
        s->conn,
        "SELECT a.attname, pg_catalog.format_type(a.atttypid, NULL), "
        "  (SELECT GREATEST(c.reltuples, 0)::bigint FROM pg_catalog.pg_class c"
        "    WHERE c.oid = a.attrelid), "
        "  pg_catalog.col_description(a.attrelid, a.attnum), "
        /* read through postgres_fdw: a foreign table, or one partitioned
         * into foreign tables (tools/pg-coordinator.sh) */
        "  (SELECT c.relkind = 'f' OR EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i"
        "     JOIN pg_catalog.pg_class p ON p.oid = i.inhrelid"
        "     WHERE i.inhparent = c.oid AND p.relkind = 'f')"
        "   FROM pg_catalog.pg_class c WHERE c.oid = a.attrelid) "
        "FROM pg_catalog.pg_attribute a "
        "WHERE a.attrelid = pg_catalog.to_regclass(pg_catalog.quote_ident($1)) "
        "  AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int rc = pg_error(s, err, PS_EIO, res, "reading the schema");
        PQclear(res);
        return rc;
    }
    int n = PQntuples(res);
    os_column_info *cols = calloc(n > 0 ? (size_t)n : 1, sizeof *cols);
    if (!cols) {
        PQclear(res);
        return s->host->error(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (int i = 0; i < n; i++) {
        cols[i].name = PQgetvalue(res, i, 0);
        cols[i].type = PQgetvalue(res, i, 1);
    }
    if (n > 0)
        s->rows[t] = strtoull(PQgetvalue(res, 0, 2), NULL, 10);
    for (size_t c = 0; c < os_column_count(t); c++) {
        const char *name = s->map.column[t][c];
        s->cols[t].name[c] = name;
        for (int i = 0; name && i < n; i++)
            if (strcmp(cols[i].name, name) == 0) {
                s->types[t][c] = strdup(cols[i].type);
                if (!s->types[t][c]) {
                    free(cols);
                    PQclear(res);
                    return s->host->error(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
                }
                s->cols[t].type[c] = s->types[t][c];
            }
    }
    if (s->server && t != OS_PROCEDURES) {
        /* the stored generated columns of tools/pg-setup.sh, if there and
         * current: then the grouped query reads them instead of parsing
         * the dates (docs/scale-out.md §2) */
        const char **names = calloc(n > 0 ? (size_t)n : 1, sizeof *names);
        const char **notes = calloc(n > 0 ? (size_t)n : 1, sizeof *notes);
        if (!names || !notes) {
            free(names);
            free(notes);
            free(cols);
            PQclear(res);
            return s->host->error(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
        }
        for (int i = 0; i < n; i++) {
            names[i] = cols[i].name;
            notes[i] = PQgetisnull(res, i, 3) ? NULL : PQgetvalue(res, i, 3);
        }
        s->cols[t].foreign = n > 0 && strcmp(PQgetvalue(res, 0, 4), "t") == 0;
        s->cols[t].generated = pg_gen_check(t, &s->cols[t], names, notes, (size_t)n,
                                            s->why_levels[t], sizeof s->why_levels[t]);
        free(names);
        free(notes);
    }
    os_sb where = {0};
    int rcol = t == OS_DOSSIERS ? OD_RECEIVED_AT : OF_RECEIVED_AT;
    if (t != OS_PROCEDURES && s->has_period)
        pg_period_where(&where, s->cols[t].name[rcol], s->cols[t].type[rcol], &s->job);
    int rc = where.failed ? s->host->error(err, PS_ENOMEM, NULL, 0, 0, "out of memory")
                          : os_build_select(&s->map, t, OS_DIALECT_PG, cols, (size_t)n,
                                            where.p, s->label, s->host, err, &s->select[t]);
    free(where.p);
    free(cols);
    PQclear(res);
    return rc;
}

/* ---- the job, as the host tells it ---------------------------------- */

static int pg_push_day(long **days, size_t *n, long day)
{
    long *grown = realloc(*days, (*n + 1) * sizeof *grown);
    if (!grown)
        return PS_ENOMEM;
    grown[(*n)++] = day;
    *days = grown;
    return PS_OK;
}

/* The period (for the WHERE of every mode) and, for the server query, the
 * calendar and the example limit.  A host older than ABI 2's additions
 * gives none: rows are then read unfiltered, and server mode is refused. */
static int pg_learn_job(pg_state *s, ps_error *err)
{
    const ps_host *h = s->host;
    pg_job_days *j = &s->job;
    if (PS_HOST_HAS(h, period) && h->period) {
        char first[11], last[11];
        h->period(s->sink, first, last);
        j->first = pg_day_number(first);
        j->last = pg_day_number(last);
        s->has_period = j->first > 0 && j->last >= j->first;
    }
    if (!s->server)
        return PS_OK;
    if (!s->has_period || !PS_HOST_HAS(h, calendar_day) || !h->calendar_day)
        return h->error(err, PS_ECONFIG, NULL, 0, 0,
                        "aggregate = \"server\" needs a parscore that tells plugins the "
                        "period and calendar (ABI 2 host); use aggregate = \"rows\"");
    j->examples = h->examples_max(s->sink);
    char first[11], last[11];
    j->has_calendar = h->calendar_range(s->sink, first, last);
    if (j->has_calendar) {
        j->cal_first = pg_day_number(first);
        j->cal_last = pg_day_number(last);
        char day[11];
        int working;
        for (size_t i = 0; h->calendar_day(s->sink, i, day, &working); i++) {
            int rc = working ? pg_push_day(&j->workdays, &j->n_workdays, pg_day_number(day))
                             : pg_push_day(&j->holidays, &j->n_holidays, pg_day_number(day));
            if (rc != PS_OK)
                return h->error(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
        }
    }
    return PS_OK;
}

/* ---- plugin entry points ------------------------------------------- */

static void pg_close(void *state)
{
    pg_state *s = state;
    if (!s)
        return;
    for (int t = 0; t < OS_NTABLES; t++) {
        free(s->select[t]);
        for (int c = 0; c < OS_MAXCOLS; c++)
            free(s->types[t][c]);
    }
    free(s->job.holidays);
    free(s->job.workdays);
    if (s->conn)
        PQfinish(s->conn);
    if (s->map_ready)
        os_mapping_free(&s->map);
    if (s->reader_ready)
        os_reader_free(&s->reader);
    free(s);
}

static int pg_open(const ps_host *host, ps_sink *sink, void *config,
                   void **state, ps_error *err)
{
    const pg_config *cfg = config;
    *state = NULL;
    if (!cfg->conninfo || !*cfg->conninfo)
        return host->error(err, PS_ECONFIG, NULL, 0, 0,
                           "needs conninfo = \"host=... dbname=...\"");
    if (cfg->fetch < 1 || cfg->fetch > 1000000)
        return host->error(err, PS_ECONFIG, NULL, 0, 0,
                           "fetch = %ld is out of range "
                           "(1..1000000)", cfg->fetch);
    pg_state *s = calloc(1, sizeof *s);
    if (!s)
        return host->error(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    s->host = host;
    s->sink = sink;
    s->cfg = cfg;
    int rc = PS_OK;
    if (cfg->aggregate && strcmp(cfg->aggregate, "server") == 0) {
        s->server = 1;
    } else if (cfg->aggregate && strcmp(cfg->aggregate, "rows") != 0) {
        rc = host->error(err, PS_ECONFIG, NULL, 0, 0,
                         "aggregate = \"%.40s\": write \"rows\" (the core counts every "
                         "dossier) or \"server\" (one grouped query on the server)",
                         cfg->aggregate);
        goto fail;
    }
    rc = pg_learn_job(s, err);
    if (rc != PS_OK)
        goto fail;
    rc = pg_check_conninfo(host, cfg->conninfo, s->label, sizeof s->label,
                               err);
    if (rc != PS_OK)
        goto fail;
    rc = os_mapping_init(&s->map, cfg->mapping, host, err);
    if (rc != PS_OK)
        goto fail;
    s->map_ready = 1;

    const char *const keys[] = {"dbname", "fallback_application_name", NULL};
    const char *const vals[] = {cfg->conninfo, "parscore onestop_pg", NULL};
    s->conn = PQconnectdbParams(keys, vals, 1);
    if (!s->conn) {
        rc = host->error(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    if (PQstatus(s->conn) != CONNECTION_OK) {
        char msg[400];
        pg_message(PQerrorMessage(s->conn), msg, sizeof msg);
        rc = host->error(err, PS_EIO, s->label, 0, 0,
                         "cannot connect: %s%s", msg,
                         pg_contains_ci(msg, "password")
                             ? " (give the password in PGPASSWORD, a "
                               "PGPASSFILE or ~/.pgpass)"
                             : "");
        goto fail;
    }
    if (cfg->schema && *cfg->schema) {
        size_t n = strlen(s->label);
        snprintf(s->label + n, sizeof s->label - n, " (schema %.60s)",
                 cfg->schema);
    }
    /* ISO dates whatever the server's default DateStyle. */
    rc = pg_command(s, "SET datestyle TO 'ISO, YMD'", "setting the date style",
                    err);
    if (rc != PS_OK)
        goto fail;
    if (cfg->schema && *cfg->schema) {
        /* a parameter, not spliced SQL: the option cannot inject */
        const char *params[1] = {cfg->schema};
        PGresult *res = PQexecParams(
            s->conn, "SELECT pg_catalog.set_config('search_path', $1, false)",
            1, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_TUPLES_OK)
            rc = pg_error(s, err, PS_ECONFIG, res, "setting the schema");
        PQclear(res);
        if (rc != PS_OK)
            goto fail;
    }
    /* Check every table now, so a wrong schema fails before any record
     * reaches the core. */
    for (int t = 0; t < OS_NTABLES; t++) {
        if (t == OS_FEEDBACK && !cfg->feedback)
            continue;
        rc = pg_prepare_table(s, t, err);
        if (rc != PS_OK)
            goto fail;
    }
    rc = os_reader_init(&s->reader, host, sink, &s->map, PG_EMIT_BATCH,
                        s->label, err);
    if (rc != PS_OK)
        goto fail;
    s->reader_ready = 1;
    *state = s;
    return PS_OK;
fail:
    pg_close(s);
    return rc;
}

static int pg_read_table(pg_state *s, int t, ps_error *err)
{
    static const char *const cursors[OS_NTABLES] = {
        "parscore_procedures", "parscore_dossiers", "parscore_feedback"};
    size_t n = strlen(s->select[t]) + 96;
    char *declare = malloc(n);
    if (!declare)
        return s->host->error(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    snprintf(declare, n, "DECLARE %s NO SCROLL CURSOR FOR %s", cursors[t],
             s->select[t]);
    char doing[128];
    snprintf(doing, sizeof doing, "reading table \"%.60s\"", s->map.table[t]);
    s->host->log(s->sink, PS_LOG_DEBUG, "%s: %s", doing, s->select[t]);
    int rc = pg_command(s, declare, doing, err);
    free(declare);
    if (rc != PS_OK)
        return rc;

    char fetch[96];
    snprintf(fetch, sizeof fetch, "FETCH FORWARD %ld FROM %s", s->cfg->fetch,
             cursors[t]);
    os_reader_begin(&s->reader, t, s->rows[t]);
    const char *values[OS_MAXCOLS];
    for (;;) {
        PGresult *res = PQexec(s->conn, fetch);
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            rc = pg_error(s, err, PS_EIO, res, doing);
            PQclear(res);
            return rc;
        }
        int rows = PQntuples(res), cols = PQnfields(res);
        for (int i = 0; i < rows && rc == PS_OK; i++) {
            for (int c = 0; c < cols && c < OS_MAXCOLS; c++)
                values[c] = PQgetisnull(res, i, c) ? NULL : PQgetvalue(res, i, c);
            rc = os_reader_row(&s->reader, values, err);
        }
        PQclear(res);
        if (rc != PS_OK)
            return rc;
        if (rows == 0)
            break;
    }
    rc = os_reader_flush(&s->reader, err);
    if (rc != PS_OK)
        return rc;
    snprintf(fetch, sizeof fetch, "CLOSE %s", cursors[t]);
    return pg_command(s, fetch, doing, err);
}

/* ---- aggregate = "server" --------------------------------------------- */

/* The counters of one result row (one unit code), handed to the core in
 * one emit.  Strings point into the PGresult or into `bufs`. */
typedef struct pg_row_out {
    ps_counter *c;
    size_t n, cap;
    char **bufs;
    size_t n_bufs;
    int failed;
} pg_row_out;

static void pg_out_add(pg_row_out *o, const char *unit, const char *key,
                       double value, const char *code)
{
    if (o->failed)
        return;
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 128;
        ps_counter *grown = realloc(o->c, cap * sizeof *grown);
        if (!grown) {
            o->failed = 1;
            return;
        }
        o->c = grown;
        o->cap = cap;
    }
    o->c[o->n++] = (ps_counter){.unit_code = unit, .key = key, .value = value,
                                .code = code};
}

/* A copy of text split at chr(31) into *tokens (at most max). */
static size_t pg_split(pg_row_out *o, const char *text, const char **tokens,
                       size_t max)
{
    if (!text || !*text || o->failed)
        return 0;
    char **grown = realloc(o->bufs, (o->n_bufs + 1) * sizeof *grown);
    char *copy = strdup(text);
    if (!grown || !copy) {
        free(copy);
        if (grown)
            o->bufs = grown;
        o->failed = 1;
        return 0;
    }
    o->bufs = grown;
    o->bufs[o->n_bufs++] = copy;
    size_t n = 0;
    for (char *p = copy; n < max;) {
        char *sep = strchr(p, '\x1f');
        if (sep)
            *sep = '\0';
        if (*p)
            tokens[n++] = p;
        if (!sep)
            break;
        p = sep + 1;
    }
    return n;
}

#define PG_DQ_EXAMPLES 3 /* the core keeps 3 examples per finding */

typedef struct pg_dq {
    const char *key;
    double count;
    const char *codes[PG_DQ_EXAMPLES];
    size_t n_codes;
    size_t seq;
} pg_dq;

/* The core lists a unit's findings in the order it first met them: by the
 * first record (code order), then by where add_dossier() checks them. */
static int pg_dq_order(const void *a, const void *b)
{
    const pg_dq *x = a, *y = b;
    int c = strcmp(x->codes[0], y->codes[0]);
    if (c)
        return c;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static int pg_emit_row(pg_state *s, PGresult *res, int row, int table,
                       ps_error *err)
{
    pg_row_out o = {0};
    pg_dq dq[16] = {{0}};
    size_t n_dq = 0;
    const char *unit = PQgetvalue(res, row, 0);
    pg_out_add(&o, unit, "rows", strtod(PQgetvalue(res, row, 1), NULL),
               PQgetvalue(res, row, 2));
    int f = 3;
    for (size_t i = 0; i < pg_agg_col_count(table); i++) {
        const pg_agg_col *col = pg_agg_col_at(table, i);
        const char *v = PQgetisnull(res, row, f) ? NULL : PQgetvalue(res, row, f);
        f++;
        double value = v ? strtod(v, NULL) : 0;
        if (col->kind == PG_COL_COUNT || col->kind == PG_COL_SUM) {
            if (value != 0)
                pg_out_add(&o, unit, col->key, value, NULL);
        } else if (col->kind == PG_COL_CODES) {
            const char *codes = PQgetisnull(res, row, f) ? NULL : PQgetvalue(res, row, f);
            f++;
            if (value == 0)
                continue;
            pg_out_add(&o, unit, col->key, value, NULL);
            const char *tok[1024];
            size_t n = pg_split(&o, codes, tok, s->job.examples < 1024 ? s->job.examples : 1024);
            for (size_t k = 0; k < n; k++)
                pg_out_add(&o, unit, col->key, 0, tok[k]);
        } else if (col->kind == PG_COL_DQ) {
            const char *codes = PQgetisnull(res, row, f) ? NULL : PQgetvalue(res, row, f);
            f++;
            if (value == 0 || n_dq == sizeof dq / sizeof dq[0])
                continue;
            pg_dq *d = &dq[n_dq];
            d->key = col->key;
            d->count = value;
            d->seq = i;
            d->n_codes = pg_split(&o, codes, d->codes, PG_DQ_EXAMPLES);
            if (d->n_codes)
                n_dq++;
        } else {
            const char *tok[4096];
            size_t n = pg_split(&o, v, tok, sizeof tok / sizeof tok[0]);
            for (size_t k = 0; k < n; k++)
                pg_out_add(&o, unit, col->key, 0, tok[k]);
        }
    }
    qsort(dq, n_dq, sizeof dq[0], pg_dq_order);
    for (size_t i = 0; i < n_dq; i++) {
        pg_out_add(&o, unit, dq[i].key, dq[i].count, NULL);
        for (size_t k = 0; k < dq[i].n_codes; k++)
            pg_out_add(&o, unit, dq[i].key, 0, dq[i].codes[k]);
    }
    int rc = o.failed ? s->host->error(err, PS_ENOMEM, NULL, 0, 0, "out of memory")
                      : PS_EMIT(s->host, s->sink, PS_REC_COUNTER, o.c, o.n, err);
    s->counters += o.n;
    free(o.c);
    for (size_t i = 0; i < o.n_bufs; i++)
        free(o.bufs[i]);
    free(o.bufs);
    return rc;
}

/* The catalogue as jsonb for the grouped query ($1), built by the server
 * from the same columns the row path reads, with the row path's defaults. */
static int pg_catalogue_json(pg_state *s, char **json, ps_error *err)
{
    const char *const *nm = s->cols[OS_PROCEDURES].name;
    os_sb b = {0};
    os_sb_add(&b, "SELECT COALESCE(jsonb_object_agg(");
    os_sb_ident(&b, nm[OP_CODE]);
    os_sb_add(&b, ", jsonb_build_array(COALESCE((");
    /* through text: a REAL column's 2.5 is the double the row path parses */
    os_sb_add(&b, nm[OP_LEGAL_DAYS] ? "" : "NULL");
    if (nm[OP_LEGAL_DAYS])
        os_sb_ident(&b, nm[OP_LEGAL_DAYS]);
    os_sb_add(&b, ")::text::float8, 0)");
    static const struct { int col; int null_value; } ints[] = {
        {OP_ONLINE_LEVEL, 0}, {OP_HAS_FEE, 0}, {OP_HAS_RESULT_DOCUMENT, 1}};
    for (size_t i = 0; i < 3; i++) {
        os_sb_add(&b, ", COALESCE((");
        if (nm[ints[i].col])
            os_sb_ident(&b, nm[ints[i].col]);
        else
            os_sb_add(&b, "NULL");
        os_sb_addf(&b, ")::int, %d)", ints[i].null_value);
    }
    os_sb_add(&b, ")), '{}')::text FROM ");
    os_sb_ident(&b, s->map.table[OS_PROCEDURES]);
    os_sb_add(&b, " WHERE ");
    os_sb_ident(&b, nm[OP_CODE]);
    os_sb_add(&b, " IS NOT NULL");
    if (b.failed) {
        free(b.p);
        return s->host->error(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    PGresult *res = PQexec(s->conn, b.p);
    free(b.p);
    int rc = PS_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
        rc = pg_error(s, err, PS_EIO, res, "reading the procedure catalogue");
    else if (!(*json = strdup(PQgetvalue(res, 0, 0))))
        rc = s->host->error(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    PQclear(res);
    return rc;
}

static int pg_read_aggregate(pg_state *s, int t, const char *catalogue,
                             ps_error *err)
{
    os_sb b = {0};
    pg_aggregate_sql(&b, t, &s->map, &s->cols[t], &s->job);
    if (b.failed) {
        free(b.p);
        return s->host->error(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    char doing[128];
    snprintf(doing, sizeof doing, "counting table \"%.60s\" on the server",
             s->map.table[t]);
    if (s->cols[t].generated && s->cols[t].foreign)
        s->host->log(s->sink, PS_LOG_INFO,
                     "table \"%.60s\": one flat GROUP BY over the stored generated date "
                     "columns (ps_rv, ...), for postgres_fdw to ship to the servers holding "
                     "the rows", s->map.table[t]);
    else if (s->cols[t].generated)
        s->host->log(s->sink, PS_LOG_INFO,
                     "table \"%.60s\": the dates are read from the stored generated "
                     "columns (ps_rv, ...); one window level computes each row's catalogue "
                     "entry and working days", s->map.table[t]);
    else
        s->host->log(s->sink, PS_LOG_INFO,
                     "table \"%.60s\": the dates are parsed in the query (%s; "
                     "tools/pg-setup.sh adds the stored generated columns that spare "
                     "it, and let postgres_fdw ship it)",
                     s->map.table[t], s->why_levels[t]);
    s->host->log(s->sink, PS_LOG_DEBUG, "%s: %s", doing, b.p);
    const char *params[1] = {catalogue};
    PGresult *res = PQexecParams(s->conn, b.p, t == OS_DOSSIERS ? 1 : 0, NULL,
                                 params, NULL, NULL, 0);
    free(b.p);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int rc = pg_error(s, err, PS_EIO, res, doing);
        PQclear(res);
        /* the likely cause on a coordinator made with --generated */
        if (s->cols[t].generated && s->cols[t].foreign && strstr(err->message, "ps_")) {
            size_t n = strlen(err->message);
            snprintf(err->message + n, sizeof err->message - n,
                     " (the coordinator declares the generated date columns of "
                     "tools/pg-setup.sh: run it on every province server, or remake the "
                     "coordinator without --generated)");
        }
        return rc;
    }
    int rc = PS_OK;
    int rows = PQntuples(res);
    for (int i = 0; i < rows && rc == PS_OK; i++)
        rc = pg_emit_row(s, res, i, t, err);
    s->result_rows += (uint64_t)rows;
    PQclear(res);
    return rc;
}

static int pg_read_server(pg_state *s, ps_error *err)
{
    char *catalogue = NULL;
    int rc = pg_read_table(s, OS_PROCEDURES, err);
    if (rc == PS_OK)
        rc = pg_catalogue_json(s, &catalogue, err);
    if (rc == PS_OK)
        rc = pg_read_aggregate(s, OS_DOSSIERS, catalogue, err);
    if (rc == PS_OK && s->select[OS_FEEDBACK])
        rc = pg_read_aggregate(s, OS_FEEDBACK, NULL, err);
    free(catalogue);
    if (rc == PS_OK)
        s->host->log(s->sink, PS_LOG_INFO,
                     "server aggregate: %llu result rows received, %llu counters",
                     (unsigned long long)s->result_rows, (unsigned long long)s->counters);
    return rc;
}

static int pg_read(void *state, ps_error *err)
{
    pg_state *s = state;
    /* One snapshot for the three tables; READ ONLY so that no mapping or
     * server-side default can ever make this session write. */
    int rc = pg_command(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                        "starting a read-only transaction", err);
    if (rc != PS_OK)
        return rc;
    if (s->server)
        rc = pg_read_server(s, err);
    for (int t = 0; !s->server && t < OS_NTABLES && rc == PS_OK; t++)
        if (s->select[t])
            rc = pg_read_table(s, t, err);
    PGresult *res = PQexec(s->conn, rc == PS_OK ? "COMMIT" : "ROLLBACK");
    PQclear(res);
    return rc;
}

static const ps_plugin onestop_pg_plugin = {
    .size = sizeof(ps_plugin),
    .abi_version = PS_ABI_VERSION,
    .name = "onestop_pg",
    .version = "1.0",
    .description = "one-stop TTHC database in PostgreSQL (read-only cursor)",
    .record_kinds = PS_KIND_BIT(PS_REC_PROCEDURE) | PS_KIND_BIT(PS_REC_DOSSIER) |
                    PS_KIND_BIT(PS_REC_FEEDBACK) | PS_KIND_BIT(PS_REC_COUNTER),
    .precedence = 10,
    .config_size = sizeof(pg_config),
    .options = pg_options,
    .open = pg_open,
    .read = pg_read,
    .close = pg_close,
};

PS_PLUGIN_EXPORT(onestop_pg_plugin)
