/*
 * csv_fields.c -- field helpers shared by the CSV source plugins.
 */
#include "csv_fields.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int blank(char c) { return c == ' ' || c == '\t'; }

static const char *span(const char *s, size_t *len) {
    size_t n;
    while (blank(*s)) s++;
    n = strlen(s);
    while (n > 0 && blank(s[n - 1])) n--;
    *len = n;
    return s;
}

int csv_field_is(const char *field, const char *name) {
    size_t n;
    const char *s = span(field, &n);
    return n == strlen(name) && memcmp(s, name, n) == 0;
}

char *csv_field_trim(const char *field, char *buf, size_t size) {
    size_t n;
    const char *s = span(field, &n);
    if (size == 0) return buf;
    if (n >= size) n = size - 1;
    memcpy(buf, s, n);
    buf[n] = 0;
    return buf;
}

int csv_field_int(const char *field, long *out) {
    char buf[32], *end;
    size_t n, i;
    const char *s = span(field, &n);
    long v;
    if (n == 0) return 0;
    if (n >= sizeof buf) return -1;
    for (i = (s[0] == '-' || s[0] == '+') ? 1 : 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return -1;
    if (n == 1 && (s[0] == '-' || s[0] == '+')) return -1;
    memcpy(buf, s, n);
    buf[n] = 0;
    errno = 0;
    v = strtol(buf, &end, 10);
    if (errno || *end) return -1;
    *out = v;
    return 1;
}

void csv_list_add(char *buf, size_t size, const char *item) {
    size_t len = strlen(buf), need = strlen(item) + (len ? 2 : 0);
    if (size < 4) return;
    if (len >= 3 && strcmp(buf + len - 3, "...") == 0) return;
    if (len + need + 4 > size) {
        if (len + 4 <= size) memcpy(buf + len, "...", 4);
        return;
    }
    if (len) {
        memcpy(buf + len, ", ", 2);
        len += 2;
    }
    memcpy(buf + len, item, strlen(item) + 1);
}

int csv_check_options(const ps_host *host, const char *on_error,
                      long max_record_bytes, int *skip, ps_error *err) {
    if (!on_error || (strcmp(on_error, "fail") && strcmp(on_error, "skip")))
        return host->error(err, PS_ECONFIG, NULL, 0, 0,
                           "on_error is \"%s\"; use \"fail\" or \"skip\"",
                           on_error ? on_error : "");
    if (max_record_bytes < 1024)
        return host->error(err, PS_ECONFIG, NULL, 0, 0,
                           "max_record_bytes is %ld; give at least 1024",
                           max_record_bytes);
    *skip = strcmp(on_error, "skip") == 0;
    return PS_OK;
}

int csv_row_problem(csv_rows *rows, ps_error *err, const char *issue, const char *unit,
                    size_t column, const char *where, const char *example,
                    const char *what) {
    const csv_reader *r = rows->csv;
    if (rows->skip) {
        if (PS_HOST_HAS(rows->host, quality))
            rows->host->quality(rows->sink, unit && unit[0] ? unit : NULL, issue, example,
                                r->record_line);
        rows->skipped++;
        return CSV_SKIPPED;
    }
    rows->host->error(err, PS_EDATA, r->name, r->record_line, (long)column,
                      "%s; fix the row or set on_error = \"skip\" in the job", what);
    if (where) snprintf(err->where, sizeof err->where, "column %s", where);
    return PS_EDATA;
}

void csv_log_skipped(const ps_host *host, ps_sink *sink, long skipped) {
    if (skipped)
        host->log(sink, PS_LOG_WARN, "skipped %ld bad row%s (on_error = \"skip\"); they are "
                  "counted in the data-quality report", skipped, skipped == 1 ? "" : "s");
}

int csv_keep(csv_rows *rows, csv_arena *batch, ps_error *err, const char *field,
             const char **out) {
    const char *s = field;
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (n == 0) {
        *out = NULL;
        return PS_OK;
    }
    char *p = csv_arena_alloc(batch, n + 1);
    if (!p) return rows->host->error(err, PS_ENOMEM, rows->csv->name, 0, 0, "out of memory");
    memcpy(p, s, n);
    *out = p;
    return PS_OK;
}
