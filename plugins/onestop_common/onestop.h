/*
 * onestop.h -- what the one-stop database plugins (onestop_sqlite,
 * onestop_pg) share: the table/column mapping from the reference schema
 * (FORMATS.md §1) to a vendor's names, the SELECT built from it, and the
 * conversion of result rows (as text) into parscore records emitted in
 * batches.  The backends only open the database, list a table's columns
 * and stream rows; everything that must behave the same for both lives
 * here.  Sees only the public plugin header, like any third-party plugin.
 */
#ifndef ONESTOP_H
#define ONESTOP_H

#include <stddef.h>
#include <stdint.h>

#include "parscore/plugin.h"

/* Logical tables, in the order they are emitted: the core needs the
 * procedure catalogue before the dossiers that refer to it. */
enum { OS_PROCEDURES = 0, OS_DOSSIERS = 1, OS_FEEDBACK = 2, OS_NTABLES = 3 };

/* Logical columns of each table (reference schema names). */
enum { OP_CODE, OP_NAME, OP_FIELD, OP_LEGAL_DAYS, OP_ONLINE_LEVEL, OP_HAS_FEE,
       OP_HAS_RESULT_DOCUMENT, OP__COUNT };
enum { OD_CODE, OD_UNIT_CODE, OD_PROCEDURE_CODE, OD_CHANNEL, OD_STATUS,
       OD_RECEIVED_AT, OD_DUE_AT, OD_FINISHED_AT, OD_RETURNED_AT,
       OD_PAID_ONLINE, OD_DIGITIZED_INPUT, OD_DIGITIZED_RESULT, OD_APOLOGY_AT,
       OD_RATING, OD__COUNT };
enum { OF_ID, OF_UNIT_CODE, OF_RECEIVED_AT, OF_DUE_AT, OF_ANSWERED_AT,
       OF_SATISFIED, OF__COUNT };
#define OS_MAXCOLS 14

enum { OS_DIALECT_SQLITE = 1, OS_DIALECT_PG = 2 };

/* Physical names after the mapping.  column[t][c] NULL: the vendor's
 * table has no such column (mapped to ""), the field is unknown. */
typedef struct os_mapping {
    char *table[OS_NTABLES];
    char *column[OS_NTABLES][OS_MAXCOLS];
} os_mapping;

const char *os_table_key(int table);              /* "dossiers" */
size_t os_column_count(int table);
const char *os_column_key(int table, size_t col);  /* "unit_code" */

/* Parse the `mapping` option ("dossiers=ho_so,dossiers.unit_code=ma_dv";
 * NULL or "" = reference schema).  Errors are PS_ECONFIG naming the key. */
int os_mapping_init(os_mapping *m, const char *text, const ps_host *host,
                    ps_error *err);
void os_mapping_free(os_mapping *m);

/* A column of the physical table as the backend found it; type is the
 * database's type name ("" when unknown). */
typedef struct os_column_info {
    const char *name;
    const char *type;
} os_column_info;

/* Growable string for building SQL; `failed` is set on out of memory and
 * every later add is a no-op, so callers check once at the end. */
typedef struct os_sb {
    char *p;
    size_t len, cap;
    int failed;
} os_sb;
void os_sb_add(os_sb *b, const char *s);
void os_sb_addf(os_sb *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void os_sb_ident(os_sb *b, const char *name);   /* "name" */

/* Column `name` of the database type `type` as the text the core parses
 * (is_time: a timestamp column is formatted as local wall-clock time). */
void os_column_text(os_sb *b, const char *name, int is_time, const char *type,
                    int dialect);

/* Check the mapped columns against those found (n_found 0: the table does
 * not exist) and build the SELECT of logical table `table`, columns in
 * logical order (absent columns as NULL), filtered by `where` (SQL, NULL
 * for none).  PostgreSQL orders by the record code; SQLite reads in rowid
 * order (the table's own order, much faster), since the core's example
 * lists do not depend on the order rows come in.
 * *sql is malloc'd.  Errors (PS_EDATA) name the source, table, column and
 * the mapping key that fixes it. */
int os_build_select(const os_mapping *m, int table, int dialect,
                    const os_column_info *found, size_t n_found,
                    const char *where, const char *source,
                    const ps_host *host, ps_error *err, char **sql);

/* Strings of one batch: a list of blocks reused after every emit. */
typedef struct os_block os_block;

/* Converts rows into records and emits them in batches. */
typedef struct os_reader {
    const ps_host *host;
    ps_sink *sink;
    const os_mapping *map;
    const char *source;         /* database label for messages */
    size_t batch;               /* records per emit */
    int table;                  /* logical table being read */
    size_t n;                   /* records in the pending batch */
    void *records;              /* batch * largest record */
    os_block *blocks;           /* string storage of the pending batch */
    os_block *cur;
    long row;                   /* rows read from the current table */
    char last_code[64];         /* code of the previous row, for messages */
    uint64_t total;             /* estimated rows of the table, 0 unknown */
    const int64_t *ints;        /* typed integers of the current row */
    uint32_t typed;             /* bit c: column c is in ints[c] */
} os_reader;

int os_reader_init(os_reader *r, const ps_host *host, ps_sink *sink,
                   const os_mapping *map, size_t batch, const char *source,
                   ps_error *err);
/* Start a table; total = estimated rows for progress (0 unknown). */
void os_reader_begin(os_reader *r, int table, uint64_t total);
/* One row: values[c] is column c of the logical table as text, NULL for
 * SQL NULL.  Emits when the batch is full. */
int os_reader_row(os_reader *r, const char *const *values, ps_error *err);
/* The same with integers the backend read typed: bit c of `typed` says
 * column c is ints[c] (values[c] is then ignored), so an INTEGER column is
 * not printed to text and parsed back. */
int os_reader_row_typed(os_reader *r, const char *const *values,
                        const int64_t *ints, uint32_t typed, ps_error *err);
/* Emit what is pending (call at the end of each table). */
int os_reader_flush(os_reader *r, ps_error *err);
void os_reader_free(os_reader *r);

/* Bounded copy that always terminates dst (size > 0). */
void os_strlcpy(char *dst, const char *src, size_t size);

#endif
