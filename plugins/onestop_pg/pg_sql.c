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
         * as without the filter; docs/scale-out.md gives the partial index
         * that serves those arms. */
        os_sb_add(b, "((");
        os_sb_ident(b, column);
        os_sb_addf(b, " >= '%s' AND ", first);
        os_sb_ident(b, column);
        os_sb_addf(b, " < '%s') OR ", next);
        os_sb_ident(b, column);
        os_sb_add(b, " IS NULL OR ");
        os_sb_ident(b, column);
        os_sb_add(b, " < '1900' OR ");
        os_sb_ident(b, column);
        os_sb_add(b, " >= '2201' OR ");
        os_sb_ident(b, column);
        os_sb_add(b, " !~ " PG_BAD_DATE_1 " OR ");
        os_sb_ident(b, column);
        os_sb_add(b, " ~ " PG_BAD_DATE_2 ")");
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

/* ---- pieces of the grouped query ---------------------------------------- */

/* One time column of the query, and the three levels that parse it. */
typedef struct time_col {
    const char *col, *type;     /* physical name and type; col NULL: unmapped */
    const char *as;             /* "rv": seconds from 1900-01-01 or NULL */
} time_col;

#define PG_TIME_RE "'^ *[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]*)?)?(\\+07:?00)?)? *$'"

/* Level A: trimmed text, shape check (ps_parse_time's grammar, one regex
 * without captures: PostgreSQL's capturing match cost 80 µs a value) and
 * presence (NULL and "" are absent for ps_agg). */
static void time_level_a(os_sb *b, const time_col *t)
{
    const char *a = t->as;
    if (!t->col) {
        os_sb_addf(b, ",\n  NULL::bigint AS %s_ts, false AS %s_ne", a, a);
        return;
    }
    if (!is_text_type(t->type)) {
        os_sb_add(b, ",\n  floor(extract(epoch from ");
        os_sb_ident(b, t->col);
        if (strcmp(t->type, "timestamp with time zone") == 0)
            os_sb_add(b, " AT TIME ZONE 'Asia/Ho_Chi_Minh'");
        os_sb_addf(b, "))::bigint + %ld AS %s_ts, ", -PG_DAY0 * 86400L, a);
        os_sb_ident(b, t->col);
        os_sb_addf(b, " IS NOT NULL AS %s_ne", a);
        return;
    }
    os_sb_add(b, ",\n  CASE WHEN ");
    os_sb_ident(b, t->col);
    os_sb_add(b, " ~ '^[0-9]' THEN ");
    os_sb_ident(b, t->col);
    os_sb_add(b, " ELSE ltrim(");
    os_sb_ident(b, t->col);
    os_sb_addf(b, ", ' ') END AS %s_t, COALESCE(", a);
    os_sb_ident(b, t->col);
    os_sb_addf(b, " ~ " PG_TIME_RE ", false) AS %s_ok, COALESCE(", a);
    os_sb_ident(b, t->col);
    os_sb_addf(b, " <> '', false) AS %s_ne", a);
}

/* Level B: the fields as integers, each converted once. */
static void time_level_b(os_sb *b, const time_col *t)
{
    if (!t->col || !is_text_type(t->type))
        return;
    const char *a = t->as;
    static const struct { const char *name; int pos; } f[] = {
        {"y", 1}, {"m", 6}, {"d", 9}};
    for (size_t i = 0; i < 3; i++)
        os_sb_addf(b, ",\n  CASE WHEN %s_ok THEN substr(%s_t, %d, %d)::int END AS %s_%s", a, a,
                   f[i].pos, i ? 2 : 4, a, f[i].name);
    os_sb_addf(b, ",\n  CASE WHEN %s_ok AND substr(%s_t, 12, 1) BETWEEN '0' AND '9' THEN "
                  "substr(%s_t, 12, 2)::int ELSE 0 END AS %s_h",
               a, a, a, a);
    os_sb_addf(b, ",\n  CASE WHEN %s_ok AND substr(%s_t, 12, 1) BETWEEN '0' AND '9' THEN "
                  "substr(%s_t, 15, 2)::int ELSE 0 END AS %s_mi",
               a, a, a, a);
    os_sb_addf(b, ",\n  CASE WHEN %s_ok AND substr(%s_t, 17, 1) = ':' THEN substr(%s_t, 18, 2)::int "
                  "ELSE 0 END AS %s_s",
               a, a, a, a);
}

/* Level C: the ranges ps_parse_time checks, then seconds from 1900-01-01. */
static void time_level_c(os_sb *b, const time_col *t)
{
    const char *a = t->as;
    if (!t->col || !is_text_type(t->type)) {
        os_sb_addf(b, ",\n  %s_ts AS %s", a, a);
        return;
    }
    os_sb_addf(b,
               ",\n  CASE WHEN %s_y BETWEEN 1900 AND 2200 AND %s_m BETWEEN 1 AND 12 AND %s_d >= 1"
               " AND %s_d <= CASE WHEN %s_m IN (4, 6, 9, 11) THEN 30 WHEN %s_m = 2 THEN CASE WHEN"
               " (%s_y %% 4 = 0 AND %s_y %% 100 <> 0) OR %s_y %% 400 = 0 THEN 29 ELSE 28 END"
               " ELSE 31 END",
               a, a, a, a, a, a, a, a, a);
    os_sb_addf(b,
               " AND %s_h <= 23 AND %s_mi <= 59 AND %s_s <= 60 THEN"
               " (make_date(%s_y, %s_m, %s_d) - DATE '1900-01-01')::bigint * 86400"
               " + %s_h * 3600 + %s_mi * 60 + %s_s END AS %s",
               a, a, a, a, a, a, a, a, a, a);
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

static void int_expr(os_sb *b, const char *col, int null_value)
{
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
static void wx_sql(os_sb *b, const char *n)
{
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
static void working_before_sql(os_sb *b, const char *day, const pg_job_days *j)
{
    long f = j->cal_first, l = j->cal_last;
    long base = weekdays_upto(l) - weekdays_upto(f - 1) - (long)j->n_holidays +
                (long)j->n_workdays;
    char dm1[64];
    snprintf(dm1, sizeof dm1, "(%s - 1)", day);
    os_sb_addf(b, "(CASE WHEN %s <= %ld THEN -(((%ld - %s) * 5) / 7) ", day, f, f, day);
    os_sb_addf(b, "WHEN %s > %ld THEN %ld + (((%s - %ld) * 5) / 7) ELSE ", day, l, base, day,
               l + 1);
    wx_sql(b, dm1);
    os_sb_addf(b, " - %ld - ", weekdays_upto(f - 1));
    count_upto_sql(b, dm1, j->holidays, j->n_holidays);
    os_sb_add(b, " + ");
    count_upto_sql(b, dm1, j->workdays, j->n_workdays);
    os_sb_add(b, " END)");
}

/* Working days in (from, to] (ps_calendar_working_days). */
static void working_days_sql(os_sb *b, const char *from, const char *to,
                             const pg_job_days *j)
{
    os_sb_addf(b, "(CASE WHEN %s <= %s THEN 0 ELSE ", to, from);
    if (j->has_calendar) {
        char t1[64], f1[64];
        snprintf(t1, sizeof t1, "(%s + 1)", to);
        snprintf(f1, sizeof f1, "(%s + 1)", from);
        working_before_sql(b, t1, j);
        os_sb_add(b, " - ");
        working_before_sql(b, f1, j);
    } else {
        wx_sql(b, to);
        os_sb_add(b, " - ");
        wx_sql(b, from);
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
                            const pg_job_days *j)
{
    for (size_t i = 0; i < n; i++) {
        const counter_sql *c = &defs[i];
        switch (c->col.kind) {
        case PG_COL_COUNT:
            os_sb_addf(b, ",\n  count(*) FILTER (WHERE %s)", c->expr);
            break;
        case PG_COL_SUM:
            os_sb_addf(b, ",\n  COALESCE(sum(%s), 0)", c->expr);
            break;
        case PG_COL_CODES:
            /* the first N codes in code order: the row path reads ORDER
             * BY code and keeps the first N it meets.  The input comes
             * sorted by unit and code (one sort, where ORDER BY in each
             * aggregate sorted 21 times per unit: 10x slower); the test
             * against the row path holds PostgreSQL to that order. */
            os_sb_addf(b, ",\n  count(*) FILTER (WHERE %s)", c->expr);
            os_sb_addf(b, ",\n  array_to_string((array_agg(c) FILTER (WHERE %s))[1:%u], chr(31))",
                       c->expr, j->examples);
            break;
        case PG_COL_DQ:
            os_sb_addf(b, ",\n  sum(%s)", c->expr);
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
    os_sb period = {0};
    int rcol = table == OS_DOSSIERS ? OD_RECEIVED_AT : OF_RECEIVED_AT;
    pg_period_where(&period, nm[rcol], ty[rcol], j);

    os_sb_add(b, "SELECT u, count(*), min(c)");
    if (table == OS_DOSSIERS) {
        counter_columns(b, dossier_counters,
                        sizeof dossier_counters / sizeof dossier_counters[0], j);
        os_sb_add(b, "\nFROM (SELECT c, u, pc, pj, ch, st, paid, din, dres, rt, rv, rv_ne, du, fi, re, ap,"
                     "\n  rv IS NOT NULL AND st BETWEEN 1 AND 10 AND st NOT IN (1, 3)");
        os_sb_addf(b, " AND rv / 86400 BETWEEN %ld AND %ld AS counted,", j->first, j->last);
        os_sb_add(b, "\n  st IN (7, 9, 10) AS fin, st IN (2, 4) AS prog,"
                     "\n  COALESCE((pj ->> 1)::int, 0) AS lvl,"
                     "\n  COALESCE((pj ->> 2)::int <> 0, false) AS fee,"
                     "\n  COALESCE((pj ->> 3)::int <> 0, true) AS resdoc,"
                     "\n  du IS NULL OR (fi IS NOT NULL AND fi / 86400 <= du / 86400) AS ontime,");
        os_sb_addf(b, "\n  du IS NOT NULL AND du / 86400 < %ld AS overdue,", j->last);
        os_sb_addf(b, "\n  (st IN (7, 9, 10) AND NOT (du IS NULL OR (fi IS NOT NULL AND fi / 86400 <= du / 86400)))"
                      " OR (st IN (2, 4) AND du IS NOT NULL AND du / 86400 < %ld) AS lt,", j->last);
        os_sb_add(b, "\n  re IS NOT NULL AND du IS NOT NULL AND re / 86400 > du / 86400 AS retlate,"
                     "\n  (du IS NULL AND du_ne)::int + (fi IS NULL AND fi_ne)::int +"
                     " (re IS NULL AND re_ne)::int + (ap IS NULL AND ap_ne)::int AS optbad,"
                     "\n  w.wd, 1::float8 - w.wd::float8 / (pj ->> 0)::float8 AS cut,"
                     "\n  1::float8 - w.wd::float8 / (pj ->> 0)::float8 >= 0.3::float8 - 0.000000000001::float8 AS cut30"
                     "\nFROM (SELECT l1.*, CASE WHEN fi IS NOT NULL AND fi >= rv AND"
                     " COALESCE((pj ->> 0)::float8 > 0, false) THEN ");
        working_days_sql(b, "(rv / 86400)", "(fi / 86400)", j);
        os_sb_add(b, " END AS wd, row_number() OVER () AS n2\nFROM (");
        os_sb cols = {0};
        text_col(&cols, nm[OD_CODE]);
        os_sb_add(&cols, " AS c, ");
        text_col(&cols, nm[OD_UNIT_CODE]);
        os_sb_add(&cols, " AS u, ");
        text_col(&cols, nm[OD_PROCEDURE_CODE]);
        os_sb_add(&cols, " AS pc, $1::jsonb -> ");
        text_col(&cols, nm[OD_PROCEDURE_CODE]);
        os_sb_add(&cols, " AS pj,\n  ");
        int_expr(&cols, nm[OD_CHANNEL], 0);
        os_sb_add(&cols, " AS ch, ");
        int_expr(&cols, nm[OD_STATUS], 0);
        os_sb_add(&cols, " AS st, ");
        int_expr(&cols, nm[OD_PAID_ONLINE], -1);
        os_sb_add(&cols, " AS paid, ");
        int_expr(&cols, nm[OD_DIGITIZED_INPUT], -1);
        os_sb_add(&cols, " AS din, ");
        int_expr(&cols, nm[OD_DIGITIZED_RESULT], -1);
        os_sb_add(&cols, " AS dres, ");
        int_expr(&cols, nm[OD_RATING], 0);
        os_sb_add(&cols, " AS rt");
        const time_col times[] = {
            {nm[OD_RECEIVED_AT], ty[OD_RECEIVED_AT], "rv"},
            {nm[OD_DUE_AT], ty[OD_DUE_AT], "du"},
            {nm[OD_FINISHED_AT], ty[OD_FINISHED_AT], "fi"},
            {nm[OD_RETURNED_AT], ty[OD_RETURNED_AT], "re"},
            {nm[OD_APOLOGY_AT], ty[OD_APOLOGY_AT], "ap"}};
        time_levels(b, cols.p ? cols.p : "", times, sizeof times / sizeof times[0],
                    map->table[OS_DOSSIERS], period.p);
        if (cols.failed)
            b->failed = 1;
        free(cols.p);
    } else {
        counter_columns(b, feedback_counters,
                        sizeof feedback_counters / sizeof feedback_counters[0], j);
        os_sb_add(b, "\nFROM (SELECT c, u, rv, du, an, sat,");
        os_sb_addf(b, "\n  rv IS NOT NULL AND rv / 86400 BETWEEN %ld AND %ld AS counted,", j->first,
                   j->last);
        os_sb_add(b, "\n  du IS NULL OR an / 86400 <= du / 86400 AS ontime,");
        os_sb_addf(b, "\n  du IS NOT NULL AND du / 86400 < %ld AS overdue,", j->last);
        os_sb_add(b, "\n  (du IS NULL AND du_ne)::int + (an IS NULL AND an_ne)::int AS optbad"
                     "\nFROM (");
        os_sb cols = {0};
        text_col(&cols, nm[OF_ID]);
        os_sb_add(&cols, " AS c, ");
        text_col(&cols, nm[OF_UNIT_CODE]);
        os_sb_add(&cols, " AS u, ");
        int_expr(&cols, nm[OF_SATISFIED], -1);
        os_sb_add(&cols, " AS sat");
        const time_col times[] = {
            {nm[OF_RECEIVED_AT], ty[OF_RECEIVED_AT], "rv"},
            {nm[OF_DUE_AT], ty[OF_DUE_AT], "du"},
            {nm[OF_ANSWERED_AT], ty[OF_ANSWERED_AT], "an"}};
        time_levels(b, cols.p ? cols.p : "", times, sizeof times / sizeof times[0],
                    map->table[OS_FEEDBACK], period.p);
        if (cols.failed)
            b->failed = 1;
        free(cols.p);
    }
    if (period.failed)
        b->failed = 1;
    free(period.p);
    os_sb_add(b, table == OS_DOSSIERS ? ") l1) w ORDER BY u, c) k" : ") l1 ORDER BY u, c) k");
    os_sb_add(b, "\nGROUP BY u ORDER BY min(c)");
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
