/*
 * csv_fields.h -- interpreting CSV fields the same way in every CSV source
 * plugin: header names compared without surrounding blanks (spreadsheets
 * add them), strict small integers, a bounded "A, B, C" list builder for
 * messages that name columns.
 */
#ifndef CSV_FIELDS_H
#define CSV_FIELDS_H

#include <stddef.h>

#include "parscore/plugin.h"
#include "csv_arena.h"
#include "csv_reader.h"

/* 1 when `field` equals `name` once ASCII blanks around it are ignored. */
int csv_field_is(const char *field, const char *name);

/* Copy of `field` without surrounding ASCII blanks into buf (truncated to
 * size); returns buf. */
char *csv_field_trim(const char *field, char *buf, size_t size);

/* Parse an optional integer: 0 when the field is blank (*out untouched),
 * 1 when it is a plain decimal integer, -1 for anything else. */
int csv_field_int(const char *field, long *out);

/* Append `item` to the comma separated list in buf (size bytes), ending
 * with "..." once full. */
void csv_list_add(char *buf, size_t size, const char *item);

/* The options every CSV source shares: on_error ("fail" or "skip", *skip
 * set accordingly) and max_record_bytes (at least 1024). */
int csv_check_options(const ps_host *host, const char *on_error,
                      long max_record_bytes, int *skip, ps_error *err);

/* What both CSV sources keep to report a bad row: where errors and
 * skipped-row reports go, and whether the job allows skipping. */
typedef struct csv_rows {
    const ps_host *host;
    ps_sink *sink;
    const csv_reader *csv;
    int skip;       /* on_error = "skip" */
    long skipped;
} csv_rows;

#define CSV_SKIPPED (-1) /* a row problem was reported and the row dropped */

/* A bad row: with skip, report it through host->quality under `issue`
 * and return CSV_SKIPPED; otherwise fill err (line, column, "column
 * <where>") with `what` and return PS_EDATA. */
int csv_row_problem(csv_rows *rows, ps_error *err, const char *issue, const char *unit,
                    size_t column, const char *where, const char *example,
                    const char *what);

/* At the end of a read: warn that `skipped` bad rows were dropped (none:
 * nothing). */
void csv_log_skipped(const ps_host *host, ps_sink *sink, long skipped);

/* Copy a field without surrounding blanks into the batch arena (*out NULL
 * when blank): record strings live until the batch is emitted. */
int csv_keep(csv_rows *rows, csv_arena *batch, ps_error *err, const char *field,
             const char **out);

#endif
