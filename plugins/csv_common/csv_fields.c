/*
 * csv_fields.c -- field helpers shared by the CSV source plugins.
 */
#include "csv_fields.h"

#include <errno.h>
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
