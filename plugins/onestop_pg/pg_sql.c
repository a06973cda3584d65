/*
 * pg_sql.c -- builds the period filter and the grouped per-unit query of
 * `aggregate = "server"` (docs/scale-out.md).
 *
 * The grouped query restates, in SQL, what core/ingest/ps_agg.c does with
 * one record: the date rules of ps_parse_time, the classification of
 * METHODOLOGY.md A and the working days of ps_calendar_working_days.  The
 * core stays the one owner of those definitions: tests/sources/
 * test_onestop_pg_server.sh runs the row path (the core classifying every
 * record) and this query on the same databases and requires identical
 * counters and identical output files, so any drift fails the build.
 *
 * Shape: two window-function levels, then GROUP BY.  PostgreSQL flattens a
 * plain subquery into its parent, pasting each derived expression wherever
 * it is used, so a parsed date used by forty counters would be parsed forty
 * times per row (measured: 1 µs per regex match).  A subquery holding a
 * window function is not flattened: row_number() OVER () makes each level
 * compute its columns once per row, for ~0.6 µs per row and level.
 *
 * With the stored generated columns of tools/pg-setup.sh (pg_setup_sql,
 * built from the same date expressions, flat) the parse levels become a
 * plain read of ps_rv, ...; the window level and the sort stay for a local
 * table (they compute each row's catalogue entry and working days once),
 * and a foreign table gets the flat query postgres_fdw can ship whole:
 * no window, no sorted subquery, none of the expressions it refuses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_sql.h"

/* ---- days --------------------------------------------------------------- */

static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Day numbers from 1900-01-01, a Monday: weekday = n % 7 for n >= 0. */
#define PG_DAY0 (-25567L) /* days_from_civil(1900, 1, 1) */

long pg_day_number(const char *iso)
{
    int y, m, d;
    if (!iso || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3 || y < 1900)
        return 0;
    return days_from_civil(y, m, d) - PG_DAY0;
}

void pg_day_iso(long day, char out[11])
{
    long z = day + PG_DAY0 + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp + (mp < 10 ? 3 : -9);
    char buf[80];
    snprintf(buf, sizeof buf, "%04ld-%02ld-%02ld", y + (m <= 2), m, d);
    memcpy(out, buf, 10);
    out[10] = '\0';
}

/* Weekdays among days 0..n (n >= -1). */
static long weekdays_upto(long n)
{
    return 5 * ((n + 1) / 7) + ((n + 1) % 7 < 5 ? (n + 1) % 7 : 5);
}

static int is_text_type(const char *type)
{
    return type && (strcmp(type, "text") == 0 ||
                    strncmp(type, "character", 9) == 0);
}

/* ---- period filter -------------------------------------------------------- */

/* What the core would call a bad or missing date wherever it sorts (not
 * shaped like a date, an impossible day, a year ps_parse_time refuses):
 * arms of the period filter, and the condition of the partial index that
 * serves them (the same text, so that the planner matches the two). */
static void bad_date_arms(os_sb *b, const char *column)
{
    os_sb_ident(b, column);
    os_sb_add(b, " IS NULL OR ");
    os_sb_ident(b, column);
    os_sb_add(b, " < '1900' OR ");
    os_sb_ident(b, column);
    os_sb_add(b, " >= '2201' OR ");
    os_sb_ident(b, column);
    os_sb_add(b, " !~ " PG_BAD_DATE_1 " OR ");
    os_sb_ident(b, column);
    os_sb_add(b, " ~ " PG_BAD_DATE_2);
}

void pg_period_where(os_sb *b, const char *column, const char *type,
                     const pg_job_days *job)
{
    if (!column || !type)
        return;
    char first[11], next[11];
    pg_day_iso(job->first, first);
    pg_day_iso(job->last + 1, next);
    if (is_text_type(type)) {
        /* ISO text sorts like time: a range an index on the column serves.
         * What the core would call a bad date wherever it sorts (not
         * shaped like a date, an impossible day, a year ps_parse_time
         * refuses) is read too, so the data-quality report stays the same
         * as without the filter; pg_setup_sql gives the partial index
         * that serves those arms. */
        os_sb_add(b, "((");
        os_sb_ident(b, column);
        os_sb_addf(b, " >= '%s' AND ", first);
        os_sb_ident(b, column);
        os_sb_addf(b, " < '%s') OR ", next);
        bad_date_arms(b, column);
        os_sb_add(b, ")");
    } else if (strncmp(type, "timestamp", 9) == 0 || strcmp(type, "date") == 0) {
        const char *zone =
            strcmp(type, "timestamp with time zone") == 0 ? " 00:00:00+07" : "";
        os_sb_add(b, "((");
        os_sb_ident(b, column);
        os_sb_addf(b, " >= '%s%s' AND ", first, zone);
        os_sb_ident(b, column);
        os_sb_addf(b, " < '%s%s') OR ", next, zone);
        os_sb_ident(b, column);
        os_sb_add(b, " IS NULL)");
    }
}

/* ---- time columns ------------------------------------------------------- */

/* One time column of the query, as the query names it (`as`): "rv" is the
 * received time in seconds from 1900-01-01 (NULL when the core would call
 * it bad or missing), "rv_ne" whether it was given at all (NULL and "" are
 * absent for ps_agg).  The stored generated columns of tools/pg-setup.sh
 * hold the same two values as "ps_rv" and "ps_rv_ne". */
typedef struct time_col {
    const char *col, *type;     /* physical name and type; col NULL: unmapped */
    const char *as;
} time_col;

typedef struct time_def {
    int col;                    /* logical column */
    const char *as;
} time_def;

static const time_def dossier_times[] = {
    {OD_RECEIVED_AT, "rv"}, {OD_DUE_AT, "du"}, {OD_FINISHED_AT, "fi"},
    {OD_RETURNED_AT, "re"}, {OD_APOLOGY_AT, "ap"}};
static const time_def feedback_times[] = {
    {OF_RECEIVED_AT, "rv"}, {OF_DUE_AT, "du"}, {OF_ANSWERED_AT, "an"}};
#define PG_MAX_TIMES 5

static size_t time_defs(int table, const time_def **defs)
{
    if (table == OS_DOSSIERS) {
        *defs = dossier_times;
        return sizeof dossier_times / sizeof dossier_times[0];
    }
    *defs = feedback_times;
    return sizeof feedback_times / sizeof feedback_times[0];
}

/* The time columns of `table` as mapped and found on the server. */
static size_t time_cols(int table, const pg_table_cols *cols, time_col out[PG_MAX_TIMES])
{
    const time_def *d;
    size_t n = time_defs(table, &d);
    for (size_t i = 0; i < n; i++)
        out[i] = (time_col){cols->name[d[i].col], cols->type[d[i].col], d[i].as};
    return n;
}

#define PG_TIME_RE "'^ *[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]*)?)?(\\+07:?00)?)? *$'"

/*
 * ps_parse_time in SQL, stated once.  Every expression below refers to the
 * values it is built from either by the column name of the level beneath
 * (`flat` 0: the levels query, "rv_t", "rv_y") or by pasting their
 * definition (`flat` 1: a stored generated column, which cannot refer to
 * another generated column).  Flat, the shape check guards the whole
 * expression once instead of every field, so that the one regex match is
 * not pasted twenty times into each insert.
 */

/* trimmed text: ps_parse_time skips leading blanks */
static void def_text(os_sb *b, const time_col *t)
{
    os_sb_add(b, "CASE WHEN ");
    os_sb_ident(b, t->col);
    os_sb_add(b, " ~ '^[0-9]' THEN ");
    os_sb_ident(b, t->col);
    os_sb_add(b, " ELSE ltrim(");
    os_sb_ident(b, t->col);
    os_sb_add(b, ", ' ') END");
}

/* the shape: ps_parse_time's grammar as one regex without captures
 * (PostgreSQL's capturing match cost 80 µs a value) */
static void def_ok(os_sb *b, const time_col *t)
{
    os_sb_add(b, "COALESCE(");
    os_sb_ident(b, t->col);
    os_sb_add(b, " ~ " PG_TIME_RE ", false)");
}

/* present: neither NULL nor "" */
static void def_ne(os_sb *b, const time_col *t)
{
    if (!t->col) {
        os_sb_add(b, "false");
        return;
    }
    if (is_text_type(t->type)) {
        os_sb_add(b, "COALESCE(");
        os_sb_ident(b, t->col);
        os_sb_add(b, " <> '', false)");
    } else {
        os_sb_ident(b, t->col);
        os_sb_add(b, " IS NOT NULL");
    }
}

/* a timestamp or date column: seconds from 1900-01-01 by a cast */
static void def_epoch(os_sb *b, const time_col *t)
{
    os_sb_add(b, "floor(extract(epoch from ");
    os_sb_ident(b, t->col);
    if (strcmp(t->type, "timestamp with time zone") == 0)
        os_sb_add(b, " AT TIME ZONE 'Asia/Ho_Chi_Minh'");
    os_sb_addf(b, "))::bigint + %ld", -PG_DAY0 * 86400L);
}

/* The fields as integers.  `when`: the field is optional (0 when absent)
 * and present when this test on the text holds. */
static const struct time_field {
    const char *name;
    int pos, len;
    const char *when;
} time_fields[] = {
    {"y", 1, 4, NULL}, {"m", 6, 2, NULL}, {"d", 9, 2, NULL},
    {"h", 12, 2, "12, 1) BETWEEN '0' AND '9'"},
    {"mi", 15, 2, "12, 1) BETWEEN '0' AND '9'"},
    {"s", 18, 2, "17, 1) = ':'"}};

static void ref_text(os_sb *b, const time_col *t, int flat)
{
    if (flat)
        def_text(b, t);
    else
        os_sb_addf(b, "%s_t", t->as);
}

static void def_field(os_sb *b, const time_col *t, const struct time_field *f, int flat)
{
    const char *a = t->as;
    if (!f->when) {
        os_sb_add(b, flat ? "substr(" : "CASE WHEN ");
        if (!flat)
            os_sb_addf(b, "%s_ok THEN substr(", a);
        ref_text(b, t, flat);
        os_sb_addf(b, ", %d, %d)::int%s", f->pos, f->len, flat ? "" : " END");
        return;
    }
    os_sb_add(b, "CASE WHEN ");
    if (!flat)
        os_sb_addf(b, "%s_ok AND ", a);
    os_sb_add(b, "substr(");
    ref_text(b, t, flat);
    os_sb_addf(b, ", %s THEN substr(", f->when);
    ref_text(b, t, flat);
    os_sb_addf(b, ", %d, %d)::int ELSE 0 END", f->pos, f->len);
}

/* The ranges ps_parse_time checks, then seconds from 1900-01-01; @name is
 * a field. */
static const char time_seconds[] =
    "CASE WHEN @y BETWEEN 1900 AND 2200 AND @m BETWEEN 1 AND 12 AND @d >= 1"
    " AND @d <= CASE WHEN @m IN (4, 6, 9, 11) THEN 30 WHEN @m = 2 THEN CASE WHEN"
    " (@y % 4 = 0 AND @y % 100 <> 0) OR @y % 400 = 0 THEN 29 ELSE 28 END"
    " ELSE 31 END"
    " AND @h <= 23 AND @mi <= 59 AND @s <= 60 THEN"
    " (make_date(@y, @m, @d) - DATE '1900-01-01')::bigint * 86400"
    " + @h * 3600 + @mi * 60 + @s END";

static void def_seconds(os_sb *b, const time_col *t, int flat)
{
    const char *p = time_seconds;
    while (*p) {
        const char *at = strchr(p, '@');
        size_t n = at ? (size_t)(at - p) : strlen(p);
        char chunk[128];
        while (n) { /* the text between fields, in pieces os_sb_add takes */
            size_t k = n < sizeof chunk - 1 ? n : sizeof chunk - 1;
            memcpy(chunk, p, k);
            chunk[k] = '\0';
            os_sb_add(b, chunk);
            p += k;
            n -= k;
        }
        if (!at)
            break;
        size_t len = strspn(at + 1, "abcdefghijklmnopqrstuvwxyz");
        const struct time_field *f = NULL;
        for (size_t i = 0; i < sizeof time_fields / sizeof time_fields[0]; i++)
            if (strlen(time_fields[i].name) == len &&
                strncmp(time_fields[i].name, at + 1, len) == 0)
                f = &time_fields[i];
        if (!f) { /* a typo in time_seconds: fail loudly, never send it */
            b->failed = 1;
            return;
        }
        if (flat) {
            os_sb_add(b, "(");
            def_field(b, t, f, 1);
            os_sb_add(b, ")");
        } else {
            os_sb_addf(b, "%s_%s", t->as, f->name);
        }
        p = at + 1 + len;
    }
}

/* The value "rv" in one expression: what the stored generated column
 * holds, and what the flat query computes itself for a column that is
 * not text. */
static void def_time_flat(os_sb *b, const time_col *t)
{
    if (!t->col) {
        os_sb_add(b, "NULL::bigint");
    } else if (!is_text_type(t->type)) {
        def_epoch(b, t);
    } else {
        os_sb_add(b, "CASE WHEN ");
        def_ok(b, t);
        os_sb_add(b, " THEN ");
        def_seconds(b, t, 1);
        os_sb_add(b, " END");
    }
}

/* Level A: trimmed text, shape check and presence. */
static void time_level_a(os_sb *b, const time_col *t)
{
    const char *a = t->as;
    if (!t->col) {
        os_sb_addf(b, ",\n  NULL::bigint AS %s_ts, false AS %s_ne", a, a);
        return;
    }
    os_sb_add(b, ",\n  ");
    if (!is_text_type(t->type)) {
        def_epoch(b, t);
        os_sb_addf(b, " AS %s_ts, ", a);
        def_ne(b, t);
        os_sb_addf(b, " AS %s_ne", a);
        return;
    }
    def_text(b, t);
    os_sb_addf(b, " AS %s_t, ", a);
    def_ok(b, t);
    os_sb_addf(b, " AS %s_ok, ", a);
    def_ne(b, t);
    os_sb_addf(b, " AS %s_ne", a);
}

/* Level B: the fields as integers, each converted once. */
static void time_level_b(os_sb *b, const time_col *t)
{
    if (!t->col || !is_text_type(t->type))
        return;
    for (size_t i = 0; i < sizeof time_fields / sizeof time_fields[0]; i++) {
        os_sb_add(b, ",\n  ");
        def_field(b, t, &time_fields[i], 0);
        os_sb_addf(b, " AS %s_%s", t->as, time_fields[i].name);
    }
}

/* Level C: seconds from 1900-01-01. */
static void time_level_c(os_sb *b, const time_col *t)
{
    const char *a = t->as;
    if (!t->col || !is_text_type(t->type)) {
        os_sb_addf(b, ",\n  %s_ts AS %s", a, a);
        return;
    }
    os_sb_add(b, ",\n  ");
    def_seconds(b, t, 0);
    os_sb_addf(b, " AS %s", a);
}

/* The three parse levels under the query's own columns (`cols`, SQL of
 * level A) over `table` with the period filter. */
static void time_levels(os_sb *b, const char *cols, const time_col *t, size_t n,
                        const char *table, const char *where)
{
    os_sb_add(b, "SELECT lb.*");
    for (size_t i = 0; i < n; i++)
        time_level_c(b, &t[i]);
    os_sb_add(b, ",\n  row_number() OVER () AS nc\nFROM (SELECT la.*");
    for (size_t i = 0; i < n; i++)
        time_level_b(b, &t[i]);
    os_sb_add(b, ",\n  row_number() OVER () AS nb\nFROM (SELECT ");
    os_sb_add(b, cols);
    for (size_t i = 0; i < n; i++)
        time_level_a(b, &t[i]);
    os_sb_add(b, ",\n  row_number() OVER () AS na\nFROM ");
    os_sb_ident(b, table);
    if (where && *where) {
        os_sb_add(b, " WHERE ");
        os_sb_add(b, where);
    }
    os_sb_add(b, ") la) lb");
}

/* With the stored generated columns: the query's columns, each time read
 * from its generated columns (or cast, when not text), in one plain
 * SELECT that PostgreSQL flattens into the grouped query. */
static void time_flat(os_sb *b, const char *cols, const time_col *t, size_t n,
                      const char *table, const char *where)
{
    os_sb_add(b, "SELECT ");
    os_sb_add(b, cols);
    for (size_t i = 0; i < n; i++) {
        const char *a = t[i].as;
        if (t[i].col && is_text_type(t[i].type)) {
            os_sb_addf(b, ",\n  \"ps_%s\" AS %s, \"ps_%s_ne\" AS %s_ne", a, a, a, a);
            continue;
        }
        os_sb_add(b, ",\n  ");
        def_time_flat(b, &t[i]);
        os_sb_addf(b, " AS %s, ", a);
        def_ne(b, &t[i]);
        os_sb_addf(b, " AS %s_ne", a);
    }
    os_sb_add(b, "\nFROM ");
    os_sb_ident(b, table);
    if (where && *where) {
        os_sb_add(b, " WHERE ");
        os_sb_add(b, where);
    }
}

/* ---- pieces of the grouped query ---------------------------------------- */

/* postgres_fdw (PostgreSQL 15) ships neither COALESCE nor LEAST: the flat
 * query, which it should ship whole, spells them with CASE. */
static void int_expr(os_sb *b, const char *col, int null_value, int flat)
{
    if (flat && col) {
        os_sb_add(b, "CASE WHEN ");
        os_sb_ident(b, col);
        os_sb_addf(b, " IS NULL THEN %d ELSE (", null_value);
        os_sb_ident(b, col);
        os_sb_add(b, ")::int END");
        return;
    }
    if (flat) {
        os_sb_addf(b, "%d", null_value);
        return;
    }
    os_sb_add(b, "COALESCE((");
    if (col)
        os_sb_ident(b, col);
    else
        os_sb_add(b, "NULL");
    os_sb_addf(b, ")::int, %d)", null_value);
}

static void text_col(os_sb *b, const char *col)
{
    if (col)
        os_sb_ident(b, col);
    else
        os_sb_add(b, "NULL::text");
}

/* Weekdays among days 0..n of SQL expression n. */
static void wx_sql(os_sb *b, const char *n, int flat)
{
    if (flat)
        os_sb_addf(b, "(5 * ((%s + 1) / 7) + CASE WHEN (%s + 1) %% 7 < 5 THEN (%s + 1) %% 7 ELSE 5 END)",
                   n, n, n);
    else
        os_sb_addf(b, "(5 * ((%s + 1) / 7) + least((%s + 1) %% 7, 5))", n, n);
}

static void count_upto_sql(os_sb *b, const char *n, const long *days, size_t count)
{
    if (!count) {
        os_sb_add(b, "0");
        return;
    }
    os_sb_addf(b, "width_bucket(%s, '{", n);
    for (size_t i = 0; i < count; i++)
        os_sb_addf(b, "%s%ld", i ? "," : "", days[i]);
    os_sb_add(b, "}'::bigint[])");
}

/* ps_calendar.c's working_before(day): working days in [cal_first, day),
 * 5/7 a day outside the calendar. */
/* Sorted days[0..n) that are <= x: what width_bucket counts. */
static long count_upto(long x, const long *days, size_t n)
{
    size_t k = 0;
    while (k < n && days[k] <= x)
        k++;
    return (long)k;
}

/* Beyond this many calendar days the flat query's table of working days
 * would bloat the SQL: it computes them as the levels query does. */
#define PG_WORK_TABLE_MAX 4000

static void working_before_sql(os_sb *b, const char *day, const pg_job_days *j, int flat)
{
    long f = j->cal_first, l = j->cal_last;
    long base = weekdays_upto(l) - weekdays_upto(f - 1) - (long)j->n_holidays +
                (long)j->n_workdays;
    char dm1[64];
    snprintf(dm1, sizeof dm1, "(%s - 1)", day);
    os_sb_addf(b, "(CASE WHEN %s <= %ld THEN -(((%ld - %s) * 5) / 7) ", day, f, f, day);
    os_sb_addf(b, "WHEN %s > %ld THEN %ld + (((%s - %ld) * 5) / 7) ELSE ", day, l, base, day,
               l + 1);
    if (flat && l - f >= 1 && l - f <= PG_WORK_TABLE_MAX) {
        /* The flat query pastes this wherever a counter needs the working
         * days (PostgreSQL computes a flattened expression at every use):
         * one subscript of a table of the same sums, computed here, where
         * the formula below costs two width_buckets and ~30 operators
         * (0.8 s of 2.8 s for 98,000 dossiers).  Element k is day f + k. */
        os_sb_add(b, "('{");
        for (long d = f + 1; d <= l; d++)
            os_sb_addf(b, "%s%ld", d > f + 1 ? "," : "",
                       weekdays_upto(d - 1) - weekdays_upto(f - 1) -
                           count_upto(d - 1, j->holidays, j->n_holidays) +
                           count_upto(d - 1, j->workdays, j->n_workdays));
        os_sb_addf(b, "}'::int[])[%s - %ld] END)", day, f);
        return;
    }
    wx_sql(b, dm1, flat);
    os_sb_addf(b, " - %ld - ", weekdays_upto(f - 1));
    count_upto_sql(b, dm1, j->holidays, j->n_holidays);
    os_sb_add(b, " + ");
    count_upto_sql(b, dm1, j->workdays, j->n_workdays);
    os_sb_add(b, " END)");
}

/* Working days in (from, to] (ps_calendar_working_days). */
static void working_days_sql(os_sb *b, const char *from, const char *to,
                             const pg_job_days *j, int flat)
{
    os_sb_addf(b, "(CASE WHEN %s <= %s THEN 0 ELSE ", to, from);
    if (j->has_calendar) {
        char t1[64], f1[64];
        snprintf(t1, sizeof t1, "(%s + 1)", to);
        snprintf(f1, sizeof f1, "(%s + 1)", from);
        working_before_sql(b, t1, j, flat);
        os_sb_add(b, " - ");
        working_before_sql(b, f1, j, flat);
    } else {
        wx_sql(b, to, flat);
        os_sb_add(b, " - ");
        wx_sql(b, from, flat);
    }
    os_sb_add(b, " END)");
}

/* ---- the counters ------------------------------------------------------ */

typedef struct counter_sql {
    pg_agg_col col;
    const char *expr;           /* FILTER condition, or the summed value */
} counter_sql;

/* Over level 2 of the dossier query.  Conditions restate add_dossier(). */
#define RCV "counted"
static const counter_sql dossier_counters[] = {
    {{"d.received", PG_COL_COUNT}, RCV},
    {{"d.channel.1", PG_COL_COUNT}, RCV " AND ch = 1"},
    {{"d.channel.2", PG_COL_COUNT}, RCV " AND ch = 2"},
    {{"d.channel.3", PG_COL_COUNT}, RCV " AND ch = 3"},
    {{"d.channel.0", PG_COL_COUNT}, RCV " AND ch NOT IN (1, 2, 3)"},
    {{"d.finished", PG_COL_COUNT}, RCV " AND fin"},
    {{"d.finished_on_time", PG_COL_COUNT}, RCV " AND fin AND ontime"},
    {{"d.finished_late", PG_COL_COUNT}, RCV " AND fin AND NOT ontime"},
    {{"d.in_progress", PG_COL_COUNT}, RCV " AND prog"},
    {{"d.in_progress_within", PG_COL_COUNT}, RCV " AND prog AND NOT overdue"},
    {{"d.in_progress_over", PG_COL_COUNT}, RCV " AND prog AND overdue"},
    {{"d.paused", PG_COL_COUNT}, RCV " AND NOT fin AND NOT prog"},
    {{"d.level4_received", PG_COL_COUNT}, RCV " AND lvl = 4"},
    {{"d.level4_online", PG_COL_COUNT}, RCV " AND lvl = 4 AND ch = 2"},
    {{"d.level3_received", PG_COL_COUNT}, RCV " AND lvl = 3"},
    {{"d.level3_online", PG_COL_COUNT}, RCV " AND lvl = 3 AND ch = 2"},
    {{"d.fee_received", PG_COL_COUNT}, RCV " AND fee"},
    {{"d.fee_paid_online", PG_COL_COUNT}, RCV " AND fee AND paid = 1"},
    {{"d.result_doc_finished", PG_COL_COUNT}, RCV " AND fin AND resdoc"},
    {{"d.result_digitized", PG_COL_COUNT}, RCV " AND fin AND resdoc AND dres = 1"},
    {{"d.input_digitized", PG_COL_COUNT}, RCV " AND din = 1"},
    {{"d.late", PG_COL_COUNT}, RCV " AND lt"},
    {{"d.late_with_apology", PG_COL_COUNT}, RCV " AND lt AND ap IS NOT NULL"},
    {{"d.apology", PG_COL_COUNT}, RCV " AND ap IS NOT NULL"},
    {{"d.returned", PG_COL_COUNT}, RCV " AND re IS NOT NULL"},
    {{"d.returned_late", PG_COL_COUNT}, RCV " AND retlate"},
    {{"d.rated", PG_COL_COUNT}, RCV " AND rt BETWEEN 1 AND 4"},
    {{"d.rating.1", PG_COL_COUNT}, RCV " AND rt = 1"},
    {{"d.rating.2", PG_COL_COUNT}, RCV " AND rt = 2"},
    {{"d.rating.3", PG_COL_COUNT}, RCV " AND rt = 3"},
    {{"d.rating.4", PG_COL_COUNT}, RCV " AND rt = 4"},
    {{"d.handled_ok", PG_COL_COUNT}, RCV " AND fin AND ontime AND rt <> 4"},
    {{"d.cut_n", PG_COL_COUNT}, RCV " AND fin AND wd IS NOT NULL"},
    {{"d.cut_ge30", PG_COL_COUNT}, RCV " AND fin AND wd IS NOT NULL AND cut30"},
    {{"d.cut_sum", PG_COL_SUM}, "CASE WHEN " RCV " AND fin THEN cut END"},
    {{"d.days_sum", PG_COL_SUM}, "CASE WHEN " RCV " AND fin THEN wd END"},
    {{"ex.late", PG_COL_CODES}, RCV " AND fin AND NOT ontime"},
    {{"ex.overdue", PG_COL_CODES}, RCV " AND prog AND overdue"},
    {{"ex.not_online", PG_COL_CODES}, RCV " AND lvl = 4 AND ch <> 2"},
    {{"ex.not_paid_online", PG_COL_CODES}, RCV " AND fee AND paid <> 1"},
    {{"ex.result_not_digitized", PG_COL_CODES}, RCV " AND fin AND resdoc AND dres <> 1"},
    {{"ex.input_not_digitized", PG_COL_CODES}, RCV " AND din <> 1"},
    {{"ex.unsatisfied", PG_COL_CODES}, RCV " AND rt = 4"},
    {{"ex.late_no_apology", PG_COL_CODES}, RCV " AND lt AND ap IS NULL"},
    {{"ex.returned_late", PG_COL_CODES}, RCV " AND retlate"},
    {{"ex.slow", PG_COL_CODES}, RCV " AND fin AND wd IS NOT NULL AND NOT cut30"},
    /* data-quality findings, in the order add_dossier() meets them; the
     * value is how many times the record adds the finding */
    {{"dq.missing_received_date", PG_COL_DQ}, "(rv IS NULL AND NOT rv_ne)::int"},
    {{"dq.bad_status", PG_COL_DQ}, "(rv IS NOT NULL AND NOT st BETWEEN 1 AND 10)::int"},
    {{"dq.bad_channel", PG_COL_DQ}, "(" RCV " AND ch NOT IN (1, 2, 3))::int"},
    {{"dq.unknown_procedure", PG_COL_DQ}, "(" RCV " AND pc IS NOT NULL AND pj IS NULL)::int"},
    {{"dq.bad_date", PG_COL_DQ},
     "(rv IS NULL AND rv_ne)::int + CASE WHEN " RCV " THEN optbad ELSE 0 END"},
    {{"dq.due_before_received", PG_COL_DQ}, "(" RCV " AND du / 86400 < rv / 86400)::int"},
    {{"dq.finished_before_received", PG_COL_DQ}, "(" RCV " AND fi < rv)::int"},
    {{"dq.bad_rating", PG_COL_DQ}, "(" RCV " AND rt <> 0 AND NOT rt BETWEEN 1 AND 4)::int"},
    {{"fee.with_dossier", PG_COL_FEE}, RCV " AND fee"},
    {{"fee.with_payment", PG_COL_FEE}, RCV " AND fee AND paid = 1"},
};

static const counter_sql feedback_counters[] = {
    {{"f.received", PG_COL_COUNT}, RCV},
    {{"f.answered", PG_COL_COUNT}, RCV " AND an IS NOT NULL"},
    {{"f.answered_on_time", PG_COL_COUNT}, RCV " AND an IS NOT NULL AND ontime"},
    {{"f.answered_late", PG_COL_COUNT}, RCV " AND an IS NOT NULL AND NOT ontime"},
    {{"f.unanswered_within", PG_COL_COUNT}, RCV " AND an IS NULL AND NOT overdue"},
    {{"f.unanswered_over", PG_COL_COUNT}, RCV " AND an IS NULL AND overdue"},
    {{"f.rated_satisfied", PG_COL_COUNT}, RCV " AND an IS NOT NULL AND sat = 1"},
    {{"f.rated_unsatisfied", PG_COL_COUNT}, RCV " AND an IS NOT NULL AND sat = 0"},
    {{"f.handled_ok", PG_COL_COUNT}, RCV " AND an IS NOT NULL AND ontime AND sat <> 0"},
    {{"ex.feedback_late", PG_COL_CODES},
     RCV " AND ((an IS NOT NULL AND NOT ontime) OR (an IS NULL AND overdue))"},
    {{"ex.feedback_unsatisfied", PG_COL_CODES}, RCV " AND an IS NOT NULL AND sat = 0"},
    {{"dq.bad_date", PG_COL_DQ},
     "(rv IS NULL)::int + CASE WHEN " RCV " THEN optbad ELSE 0 END"},
};
#undef RCV

static void counter_columns(os_sb *b, const counter_sql *defs, size_t n,
                            const pg_job_days *j, int flat)
{
    for (size_t i = 0; i < n; i++) {
        const counter_sql *c = &defs[i];
        switch (c->col.kind) {
        case PG_COL_COUNT:
            os_sb_addf(b, ",\n  count(*) FILTER (WHERE %s)", c->expr);
            break;
        case PG_COL_SUM:
            /* Flat: in code order, as the core adds them (a float8 sum
             * depends on the order; the levels query's input is sorted);
             * no COALESCE, the plugin reads NULL as 0. */
            os_sb_addf(b, flat ? ",\n  sum(%s ORDER BY c)" : ",\n  COALESCE(sum(%s), 0)", c->expr);
            break;
        case PG_COL_CODES:
            /* the first N codes in code order: the row path reads ORDER
             * BY code and keeps the first N it meets.  The levels query
             * feeds the aggregates sorted by unit and code (one sort,
             * where ORDER BY in each aggregate over the parse levels was
             * 10x slower); the flat query has no subquery to sort in (a
             * sorted subquery is not flattened, and postgres_fdw ships
             * none), so each aggregate sorts the few codes it keeps.  The
             * test against the row path holds PostgreSQL to that order. */
            os_sb_addf(b, ",\n  count(*) FILTER (WHERE %s)", c->expr);
            os_sb_addf(b, ",\n  array_to_string((array_agg(c%s) FILTER (WHERE %s))[1:%u], chr(31))",
                       flat ? " ORDER BY c" : "", c->expr, j->examples);
            break;
        case PG_COL_DQ:
            os_sb_addf(b, ",\n  sum(%s)", c->expr);
            if (flat)
                os_sb_addf(b, ",\n  string_agg(repeat(c || chr(31), %s), '' ORDER BY c)"
                              " FILTER (WHERE %s > 0)", c->expr, c->expr);
            else
                os_sb_addf(b, ",\n  string_agg(repeat(c || chr(31), %s), '')", c->expr);
            break;
        default:
            os_sb_addf(b, ",\n  array_to_string(array_agg(DISTINCT pc) FILTER (WHERE %s), chr(31))",
                       c->expr);
            break;
        }
    }
}

void pg_aggregate_sql(os_sb *b, int table, const os_mapping *map,
                      const pg_table_cols *cols, const pg_job_days *j)
{
    const char *const *nm = cols->name;
    const char *const *ty = cols->type;
    /* Three shapes (docs/scale-out.md §2): without the generated columns,
     * the dates are parsed in window levels; with them, a local table
     * keeps the window level and the sort (each row's catalogue entry and
     * working days computed once: PostgreSQL pastes a flattened
     * expression at every use, and the flat query was twice as slow on one
     * server), and a foreign one gets the flat query postgres_fdw ships. */
    int flat = cols->generated && cols->foreign;
    os_sb period = {0};
    int rcol = table == OS_DOSSIERS ? OD_RECEIVED_AT : OF_RECEIVED_AT;
    pg_period_where(&period, nm[rcol], ty[rcol], j);
    time_col times[PG_MAX_TIMES];
    size_t n_times = time_cols(table, cols, times);
    void (*from)(os_sb *, const char *, const time_col *, size_t, const char *,
                 const char *) = cols->generated ? time_flat : time_levels;

    os_sb_add(b, "SELECT u, count(*), min(c)");
    os_sb sel = {0};
    if (table == OS_DOSSIERS) {
        counter_columns(b, dossier_counters,
                        sizeof dossier_counters / sizeof dossier_counters[0], j, flat);
        os_sb_add(b, "\nFROM (SELECT c, u, pc, pj, ch, st, paid, din, dres, rt, rv, rv_ne, du, fi, re, ap,"
                     "\n  rv IS NOT NULL AND st BETWEEN 1 AND 10 AND st NOT IN (1, 3)");
        os_sb_addf(b, " AND rv / 86400 BETWEEN %ld AND %ld AS counted,", j->first, j->last);
        os_sb_add(b, "\n  st IN (7, 9, 10) AS fin, st IN (2, 4) AS prog,");
        /* flat: an unknown procedure's NULL level and fee are false in
         * every FILTER that compares them, like the row path's 0; the
         * catalogue's numbers are cast from jsonb, not read as text (->>
         * returns a collatable text postgres_fdw will not ship) */
        os_sb_add(b, flat ? "\n  (pj -> 1)::int AS lvl,"
                            "\n  (pj -> 2)::int <> 0 AS fee,"
                            "\n  (pj IS NULL OR (pj -> 3)::int <> 0) AS resdoc,"
                          : "\n  COALESCE((pj ->> 1)::int, 0) AS lvl,"
                            "\n  COALESCE((pj ->> 2)::int <> 0, false) AS fee,"
                            "\n  COALESCE((pj ->> 3)::int <> 0, true) AS resdoc,");
        os_sb_add(b, "\n  du IS NULL OR (fi IS NOT NULL AND fi / 86400 <= du / 86400) AS ontime,");
        os_sb_addf(b, "\n  du IS NOT NULL AND du / 86400 < %ld AS overdue,", j->last);
        os_sb_addf(b, "\n  (st IN (7, 9, 10) AND NOT (du IS NULL OR (fi IS NOT NULL AND fi / 86400 <= du / 86400)))"
                      " OR (st IN (2, 4) AND du IS NOT NULL AND du / 86400 < %ld) AS lt,", j->last);
        os_sb_add(b, "\n  re IS NOT NULL AND du IS NOT NULL AND re / 86400 > du / 86400 AS retlate,"
                     "\n  (du IS NULL AND du_ne)::int + (fi IS NULL AND fi_ne)::int +"
                     " (re IS NULL AND re_ne)::int + (ap IS NULL AND ap_ne)::int AS optbad,");
        const char *legal = flat ? "(pj -> 0)::float8" : "(pj ->> 0)::float8";
        os_sb_addf(b, "\n  w.wd, 1::float8 - w.wd::float8 / %s AS cut,"
                      "\n  1::float8 - w.wd::float8 / %s >= 0.3::float8 - 0.000000000001::float8 AS cut30"
                      "\nFROM (SELECT l1.*, CASE WHEN fi IS NOT NULL AND fi >= rv AND",
                   legal, legal);
        /* flat: a jsonb comparison, not a cast (numeric to float8 goes
         * through text: 0.7 µs a row at each of the seven places the
         * working days are pasted) */
        os_sb_add(b, flat ? " (pj -> 0) > '0'::jsonb THEN " : " COALESCE((pj ->> 0)::float8 > 0, false) THEN ");
        working_days_sql(b, "(rv / 86400)", "(fi / 86400)", j, flat);
        os_sb_add(b, flat ? " END AS wd\nFROM (" : " END AS wd, row_number() OVER () AS n2\nFROM (");
        text_col(&sel, nm[OD_CODE]);
        os_sb_add(&sel, " AS c, ");
        text_col(&sel, nm[OD_UNIT_CODE]);
        os_sb_add(&sel, " AS u, ");
        text_col(&sel, nm[OD_PROCEDURE_CODE]);
        os_sb_add(&sel, " AS pc, $1::jsonb -> ");
        text_col(&sel, nm[OD_PROCEDURE_CODE]);
        os_sb_add(&sel, " AS pj,\n  ");
        int_expr(&sel, nm[OD_CHANNEL], 0, flat);
        os_sb_add(&sel, " AS ch, ");
        int_expr(&sel, nm[OD_STATUS], 0, flat);
        os_sb_add(&sel, " AS st, ");
        int_expr(&sel, nm[OD_PAID_ONLINE], -1, flat);
        os_sb_add(&sel, " AS paid, ");
        int_expr(&sel, nm[OD_DIGITIZED_INPUT], -1, flat);
        os_sb_add(&sel, " AS din, ");
        int_expr(&sel, nm[OD_DIGITIZED_RESULT], -1, flat);
        os_sb_add(&sel, " AS dres, ");
        int_expr(&sel, nm[OD_RATING], 0, flat);
        os_sb_add(&sel, " AS rt");
    } else {
        counter_columns(b, feedback_counters,
                        sizeof feedback_counters / sizeof feedback_counters[0], j, flat);
        os_sb_add(b, "\nFROM (SELECT c, u, rv, du, an, sat,");
        os_sb_addf(b, "\n  rv IS NOT NULL AND rv / 86400 BETWEEN %ld AND %ld AS counted,", j->first,
                   j->last);
        os_sb_add(b, "\n  du IS NULL OR an / 86400 <= du / 86400 AS ontime,");
        os_sb_addf(b, "\n  du IS NOT NULL AND du / 86400 < %ld AS overdue,", j->last);
        os_sb_add(b, "\n  (du IS NULL AND du_ne)::int + (an IS NULL AND an_ne)::int AS optbad"
                     "\nFROM (");
        text_col(&sel, nm[OF_ID]);
        os_sb_add(&sel, " AS c, ");
        text_col(&sel, nm[OF_UNIT_CODE]);
        os_sb_add(&sel, " AS u, ");
        int_expr(&sel, nm[OF_SATISFIED], -1, flat);
        os_sb_add(&sel, " AS sat");
    }
    from(b, sel.p ? sel.p : "", times, n_times, map->table[table], period.p);
    if (sel.failed || period.failed)
        b->failed = 1;
    free(sel.p);
    free(period.p);
    /* The levels query sorts by unit and code for the example lists; the
     * flat one sorts inside the aggregates. */
    if (table == OS_DOSSIERS)
        os_sb_add(b, flat ? ") l1) w) k" : ") l1) w ORDER BY u, c) k");
    else
        os_sb_add(b, flat ? ") l1) k" : ") l1 ORDER BY u, c) k");
    os_sb_add(b, "\nGROUP BY u ORDER BY min(c)");
}

/* ---- the stored generated columns (tools/pg-setup.sh) ------------------- */

/* FNV-1a: the comment on a generated column carries the hash of its
 * expression, so a column made by a parscore whose ps_parse_time differs
 * is seen as stale, never read as current. */
static unsigned long long fnv1a(const char *s)
{
    unsigned long long h = 1469598103934665603ULL;
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

size_t pg_gen_count(int table)
{
    const time_def *d;
    return 2 * time_defs(table, &d);
}

int pg_gen_column(int table, size_t i, const pg_table_cols *cols, pg_gen_col *out)
{
    const time_def *d;
    size_t n = time_defs(table, &d);
    if (i >= 2 * n)
        return 0;
    const time_def *t = &d[i / 2];
    int ne = (int)(i % 2);
    time_col tc = {cols->name[t->col], cols->type[t->col], t->as};
    memset(out, 0, sizeof *out);
    out->logical = t->col;
    out->physical = tc.col;
    snprintf(out->name, sizeof out->name, ne ? "ps_%s_ne" : "ps_%s", t->as);
    out->sql_type = ne ? "boolean" : "bigint";
    /* only text needs one: the query casts a timestamp or date itself */
    if (!tc.col || !is_text_type(tc.type))
        return 1;
    if (ne)
        def_ne(&out->expr, &tc);
    else
        def_time_flat(&out->expr, &tc);
    if (out->expr.failed)
        return -1;
    snprintf(out->comment, sizeof out->comment,
             "parscore: %s of %s as ps_parse_time reads it (%016llx); made by tools/pg-setup.sh",
             ne ? "presence" : "seconds from 1900-01-01", tc.col, fnv1a(out->expr.p));
    return 1;
}

void pg_gen_free(pg_gen_col *c)
{
    free(c->expr.p);
    c->expr.p = NULL;
}

int pg_gen_check(int table, const pg_table_cols *cols, const char *const *names,
                 const char *const *comments, size_t n, char *why, size_t why_size)
{
    int ok = 1;
    size_t needed = 0;
    *why = '\0';
    for (size_t i = 0; ok && i < pg_gen_count(table); i++) {
        pg_gen_col g;
        int rc = pg_gen_column(table, i, cols, &g);
        if (rc < 0) {
            snprintf(why, why_size, "out of memory");
            ok = 0;
        } else if (g.expr.p) {
            size_t k = 0;
            needed++;
            while (k < n && strcmp(names[k], g.name) != 0)
                k++;
            if (k == n) {
                snprintf(why, why_size, "no column %s", g.name);
                ok = 0;
            } else if (!comments[k] || strcmp(comments[k], g.comment) != 0) {
                snprintf(why, why_size,
                         "column %s is not the one this parscore makes (its comment "
                         "differs: made by another version, or by hand)", g.name);
                ok = 0;
            }
        }
        pg_gen_free(&g);
    }
    /* no text date column: nothing to store, and the levels query's casts
     * are what the tests hold to the row path */
    if (ok && !needed) {
        snprintf(why, why_size, "no date column is text");
        ok = 0;
    }
    return ok;
}

size_t pg_agg_col_count(int table)
{
    return table == OS_DOSSIERS ? sizeof dossier_counters / sizeof dossier_counters[0]
                                : sizeof feedback_counters / sizeof feedback_counters[0];
}

const pg_agg_col *pg_agg_col_at(int table, size_t i)
{
    if (i >= pg_agg_col_count(table))
        return NULL;
    return table == OS_DOSSIERS ? &dossier_counters[i].col : &feedback_counters[i].col;
}

/* ---- tools/pg-setup.sh ------------------------------------------------ */

static void sql_literal(os_sb *b, const char *text)
{
    os_sb_add(b, "'");
    for (const char *p = text; *p; p++) {
        char c[3] = {*p, *p == '\'' ? '\'' : '\0', '\0'};
        os_sb_add(b, c);
    }
    os_sb_add(b, "'");
}

/* An index name of the table's: "<table>_<suffix>", cut to PostgreSQL's 63
 * bytes. */
static void index_name(os_sb *b, const char *table, const char *suffix)
{
    char name[64];
    snprintf(name, sizeof name, "%.*s_%s", (int)(62 - strlen(suffix)), table, suffix);
    os_sb_ident(b, name);
}

void pg_setup_sql(os_sb *b, const os_mapping *map, int feedback, int coordinator)
{
    const int tables[] = {OS_DOSSIERS, OS_FEEDBACK};
    for (size_t ti = 0; ti < (feedback ? 2u : 1u); ti++) {
        int t = tables[ti];
        const char *table = map->table[t];
        pg_table_cols cols;
        memset(&cols, 0, sizeof cols);
        for (size_t c = 0; c < os_column_count(t); c++) {
            cols.name[c] = map->column[t][c];
            cols.type[c] = "text";
        }
        size_t n = pg_gen_count(t);
        pg_gen_col g[2 * PG_MAX_TIMES];
        size_t made = 0;
        for (size_t i = 0; i < n; i++) {
            int rc = pg_gen_column(t, i, &cols, &g[made]);
            if (rc < 0) {
                b->failed = 1;
                pg_gen_free(&g[made]);
            } else if (g[made].expr.p) {
                made++;
            }
        }
        if (!made)
            continue;
        os_sb_add(b, "\n-- ");
        os_sb_add(b, table);
        os_sb_add(b, coordinator ? ": the generated columns of the province servers, as plain columns\n"
                                 : ": one table rewrite; later inserts and updates compute the columns\n");
        os_sb_add(b, "ALTER TABLE ");
        os_sb_ident(b, table);
        for (size_t i = 0; i < made; i++) {
            os_sb_add(b, i ? ",\n  " : "\n  ");
            if (!coordinator) { /* a rerun replaces what an older parscore made */
                os_sb_add(b, "DROP COLUMN IF EXISTS ");
                os_sb_ident(b, g[i].name);
                os_sb_add(b, ",\n  ");
            }
            os_sb_add(b, "ADD COLUMN ");
            os_sb_ident(b, g[i].name);
            os_sb_addf(b, " %s", g[i].sql_type);
            if (!coordinator) {
                os_sb_add(b, " GENERATED ALWAYS AS (");
                os_sb_add(b, g[i].expr.p);
                os_sb_add(b, ") STORED");
            }
        }
        os_sb_add(b, ";\n");
        for (size_t i = 0; i < made; i++) {
            os_sb_add(b, "COMMENT ON COLUMN ");
            os_sb_ident(b, table);
            os_sb_add(b, ".");
            os_sb_ident(b, g[i].name);
            os_sb_add(b, " IS ");
            sql_literal(b, g[i].comment);
            os_sb_add(b, ";\n");
            pg_gen_free(&g[i]);
        }
        const char *rcv = cols.name[t == OS_DOSSIERS ? OD_RECEIVED_AT : OF_RECEIVED_AT];
        if (coordinator || !rcv)
            continue;
        /* the period filter's index, and the small partial index that
         * serves its bad-date arms (pg_period_where) */
        os_sb_add(b, "CREATE INDEX IF NOT EXISTS ");
        index_name(b, table, "received");
        os_sb_add(b, " ON ");
        os_sb_ident(b, table);
        os_sb_add(b, " (");
        os_sb_ident(b, rcv);
        os_sb_add(b, ");\nCREATE INDEX IF NOT EXISTS ");
        index_name(b, table, "bad_received");
        os_sb_add(b, " ON ");
        os_sb_ident(b, table);
        os_sb_add(b, " (");
        os_sb_ident(b, rcv);
        os_sb_add(b, ")\n  WHERE ");
        bad_date_arms(b, rcv);
        os_sb_add(b, ";\nANALYZE ");
        os_sb_ident(b, table);
        os_sb_add(b, ";\n");
    }
}
