/*
 * pg_sql.h -- the SQL the onestop_pg plugin sends beyond plain SELECTs: the
 * period filter on received time (every mode) and the grouped query of
 * `aggregate = "server"` that counts per unit on the server, with the
 * working-day arithmetic of the run's calendar.  Internal to the plugin.
 */
#ifndef PG_SQL_H
#define PG_SQL_H

#include "onestop.h"

/* What the SQL needs of the job, in day numbers counted from 1900-01-01
 * (a Monday), so that weekday and working-day sums are integer arithmetic
 * on every server. */
typedef struct pg_job_days {
    long first, last;           /* the period, inclusive */
    int has_calendar;
    long cal_first, cal_last;   /* the calendar's range */
    long *holidays;             /* weekdays off, sorted */
    size_t n_holidays;
    long *workdays;             /* weekend days worked, sorted */
    size_t n_workdays;
    unsigned examples;          /* codes kept per unit and reason */
} pg_job_days;

/* "YYYY-MM-DD" -> day number; 0 when malformed (no real day is 1900-01-01
 * in a period, so the caller treats 0 as an error). */
long pg_day_number(const char *iso);
void pg_day_iso(long day, char out[11]);

/* Column types of a logical table as found on the server (NULL: unmapped). */
typedef struct pg_table_cols {
    const char *name[OS_MAXCOLS];
    const char *type[OS_MAXCOLS];
    int generated;              /* the stored generated columns are there */
    int foreign;                /* read through postgres_fdw (a foreign table,
                                   or partitions that are) */
} pg_table_cols;

/* Text that cannot be a day ps_parse_time accepts, whatever the year, is
 * `col ~ PG_BAD_DATE_1 OR col ~ PG_BAD_DATE_2` (not shaped like a date;
 * an impossible day): with the year bounds, the condition of the partial
 * index docs/scale-out.md recommends. */
#define PG_BAD_DATE_1 "'^([0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))'"
#define PG_BAD_DATE_2 "'^[0-9]{4}-(02-(29|3)|(0[469]|11)-31)'"

/* The sargable period condition on the received column of `table`
 * (dossiers or feedback); adds nothing when the column is unmapped. */
void pg_period_where(os_sb *b, const char *column, const char *type,
                     const pg_job_days *job);

/* One counter column of the server query: the output column is the
 * counter key the core knows ("d.received"). */
typedef struct pg_agg_col {
    const char *key;
    int kind;                   /* PG_COL_COUNT, PG_COL_SUM, PG_COL_CODES,
                                   PG_COL_DQ (count, then its codes), PG_COL_FEE */
} pg_agg_col;
enum { PG_COL_COUNT = 1, PG_COL_SUM, PG_COL_CODES, PG_COL_DQ, PG_COL_FEE };

/* The grouped query of table OS_DOSSIERS or OS_FEEDBACK.  Output: unit
 * code, rows, first record code, then per column of pg_agg_col_at(): one
 * value (COUNT, SUM, FEE: codes joined by chr(31)) or two (CODES: count
 * and the first `examples` codes; DQ: count and every code, repeated as
 * often as the record adds the finding), rows ordered by first record
 * code.  $1 is the procedure catalogue as jsonb {code: [legal_days,
 * online_level, has_fee, has_result_document]} (dossiers only). */
void pg_aggregate_sql(os_sb *b, int table, const os_mapping *map,
                      const pg_table_cols *cols, const pg_job_days *job);
size_t pg_agg_col_count(int table);
const pg_agg_col *pg_agg_col_at(int table, size_t i);

/* The stored generated columns tools/pg-setup.sh adds to dossiers and
 * feedback (docs/scale-out.md): per time column, "ps_rv" (bigint, seconds
 * from 1900-01-01, NULL when the core would call the date bad or missing)
 * and "ps_rv_ne" (boolean, given at all), computed by the same
 * expressions as the parse levels of the grouped query.  With them
 * (cols->generated), pg_aggregate_sql reads them instead of parsing: in
 * one flat grouped query when the table is foreign (cols->foreign, so that
 * postgres_fdw ships it), else under the window level and sort that
 * compute each row's catalogue entry and working days once. */
typedef struct pg_gen_col {
    char name[16];              /* "ps_rv" */
    const char *sql_type;       /* "bigint", "boolean" */
    int logical;                /* OD_RECEIVED_AT ... */
    const char *physical;       /* mapped column, NULL: unmapped */
    os_sb expr;                 /* generation expression; p NULL: none needed
                                   (unmapped, or not text) */
    char comment[200];          /* names the expression's hash */
} pg_gen_col;

/* Columns i = 0 .. pg_gen_count(table) - 1 of OS_DOSSIERS or OS_FEEDBACK:
 * 1 and *out filled (free with pg_gen_free), -1 out of memory. */
size_t pg_gen_count(int table);
int pg_gen_column(int table, size_t i, const pg_table_cols *cols, pg_gen_col *out);
void pg_gen_free(pg_gen_col *c);

/* 1 when the table's columns `names` (with their `comments`, NULL for
 * none) hold every generated column the mapped text date columns need, as
 * this parscore makes them; else 0 and `why` says what is missing. */
int pg_gen_check(int table, const pg_table_cols *cols, const char *const *names,
                 const char *const *comments, size_t n, char *why, size_t why_size);

/* The DDL of tools/pg-setup.sh for the mapped tables (feedback too when
 * `feedback`), every date column taken as text: the generated columns,
 * their comments and the indexes of docs/scale-out.md.  `coordinator`:
 * the same columns as plain columns of a coordinator's partitioned tables
 * (tools/pg-coordinator.sh --generated), no indexes. */
void pg_setup_sql(os_sb *b, const os_mapping *map, int feedback, int coordinator);

#endif
