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

typedef struct pg_config {
    char *conninfo;
    char *schema;
    char *mapping;
    int feedback;
    long fetch;
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
        "    WHERE c.oid = a.attrelid) "
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
    int rc = os_build_select(&s->map, t, OS_DIALECT_PG, cols, (size_t)n,
                             s->label, s->host, err, &s->select[t]);
    free(cols);
    PQclear(res);
    return rc;
}

/* ---- plugin entry points ------------------------------------------- */

static void pg_close(void *state)
{
    pg_state *s = state;
    if (!s)
        return;
    for (int t = 0; t < OS_NTABLES; t++)
        free(s->select[t]);
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
    int rc = pg_check_conninfo(host, cfg->conninfo, s->label, sizeof s->label,
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

static int pg_read(void *state, ps_error *err)
{
    pg_state *s = state;
    /* One snapshot for the three tables; READ ONLY so that no mapping or
     * server-side default can ever make this session write. */
    int rc = pg_command(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                        "starting a read-only transaction", err);
    if (rc != PS_OK)
        return rc;
    for (int t = 0; t < OS_NTABLES && rc == PS_OK; t++)
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
                    PS_KIND_BIT(PS_REC_FEEDBACK),
    .precedence = 10,
    .config_size = sizeof(pg_config),
    .options = pg_options,
    .open = pg_open,
    .read = pg_read,
    .close = pg_close,
};

PS_PLUGIN_EXPORT(onestop_pg_plugin)
