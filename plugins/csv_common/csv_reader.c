/*
 * csv_reader.c -- streaming RFC 4180 parsing with physical line numbers,
 * a record size cap and encoding checks (see csv_reader.h for why this is
 * not libcsv).  One byte at a time through a four-state machine; the only
 * growing memory is the current record, bounded by max_record.
 */
#include "csv_reader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <utf8proc.h>

enum {
    ST_FIELD_START = 0, /* before the first byte of a field */
    ST_UNQUOTED,        /* inside a field that did not start with a quote */
    ST_QUOTED,          /* inside "..." */
    ST_QUOTE_SEEN       /* a quote inside "...": closes, or "" for one quote */
};

int csv_error(ps_error *err, int status, const char *file, long line,
              long column, const char *fmt, ...) {
    va_list ap;
    if (!err) return status;
    memset(err, 0, sizeof *err);
    err->status = status;
    if (file) snprintf(err->file, sizeof err->file, "%s", file);
    err->line = line;
    err->column = column;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}

int csv_open_stream(csv_reader *r, FILE *fp, const char *name,
                    size_t max_record, ps_error *err) {
    struct stat st;
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name ? name : "");
    if (!fp) return csv_error(err, PS_EIO, r->name, 0, 0, "no file to read");
    r->fp = fp;
    r->max_record = max_record ? max_record : CSV_DEFAULT_MAX_RECORD;
    r->line = 1;
    r->sep = ',';
    if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode))
        r->file_size = (uint64_t)st.st_size;
    return PS_OK;
}

int csv_open(csv_reader *r, const char *path, size_t max_record, ps_error *err) {
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        int e = errno;
        memset(r, 0, sizeof *r);
        return csv_error(err, PS_EIO, path, 0, 0,
                         "cannot open the file: %s; check the path in the job file",
                         strerror(e));
    }
    return csv_open_stream(r, fp, path, max_record, err);
}

void csv_close(csv_reader *r) {
    if (!r) return;
    if (r->fp) fclose(r->fp);
    free(r->data);
    free(r->starts);
    free(r->fields);
    r->fp = NULL;
    r->data = NULL;
    r->starts = NULL;
    r->fields = NULL;
}

/* Read more input; *got = bytes now available. */
static int fill(csv_reader *r, ps_error *err) {
    size_t n = fread(r->in + r->in_len, 1, CSV_IN_SIZE - r->in_len, r->fp);
    if (n == 0) {
        if (ferror(r->fp))
            return csv_error(err, PS_EIO, r->name, r->line, 0,
                             "read error: %s", strerror(errno));
        r->in_eof = 1;
    }
    r->in_len += n;
    r->consumed += n;
    return PS_OK;
}

void csv_set_separator(csv_reader *r, int sep) { r->sep = sep; }

/* sep 0: count ',' and ';' outside quotes in the first line of the buffer
 * (a header row is short, so the first 64 KiB hold it). */
static void pick_separator(csv_reader *r) {
    size_t i, commas = 0, semis = 0;
    int quoted = 0;
    for (i = r->in_pos; i < r->in_len; i++) {
        unsigned char c = r->in[i];
        if (c == '"') quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r')) break;
        else if (!quoted && c == ',') commas++;
        else if (!quoted && c == ';') semis++;
    }
    r->sep = semis > commas ? ';' : ',';
}

/* At the very start: skip a UTF-8 byte order mark, refuse UTF-16 ones. */
static int start(csv_reader *r, ps_error *err) {
    int st;
    r->started = 1;
    while (r->in_len < 3 && !r->in_eof)
        if ((st = fill(r, err)) != PS_OK) return st;
    if (r->in_len >= 2 && ((r->in[0] == 0xFF && r->in[1] == 0xFE) ||
                           (r->in[0] == 0xFE && r->in[1] == 0xFF)))
        return csv_error(err, PS_EPARSE, r->name, 1, 0,
                         "file is UTF-16, save as UTF-8 (in Excel: Save As "
                         "\"CSV UTF-8 (Comma delimited)\")");
    if (r->in_len >= 3 && r->in[0] == 0xEF && r->in[1] == 0xBB && r->in[2] == 0xBF)
        r->in_pos = 3;
    if (r->sep == 0) {
        while (r->in_len < CSV_IN_SIZE && !r->in_eof)
            if ((st = fill(r, err)) != PS_OK) return st;
        pick_separator(r);
    }
    return PS_OK;
}

static int put(csv_reader *r, unsigned char c, ps_error *err) {
    if (r->data_len >= r->max_record)
        return csv_error(err, PS_ELIMIT, r->name, r->record_line, 0,
                         "the record starting at line %ld is longer than %zu bytes "
                         "(reached at line %ld); a quote is probably missing or this "
                         "is not a CSV file", r->record_line, r->max_record, r->line);
    if (r->data_len == r->data_cap) {
        size_t cap = r->data_cap ? r->data_cap * 2 : 256;
        char *p;
        if (cap > r->max_record + 1) cap = r->max_record + 1;
        p = realloc(r->data, cap);
        if (!p) return csv_error(err, PS_ENOMEM, r->name, r->line, 0, "out of memory");
        r->data = p;
        r->data_cap = cap;
    }
    r->data[r->data_len++] = (char)c;
    return PS_OK;
}

static int field_open(csv_reader *r, long line, ps_error *err) {
    if (r->n_starts == r->cap_starts) {
        size_t cap = r->cap_starts ? r->cap_starts * 2 : 16;
        size_t *p = realloc(r->starts, cap * sizeof *p);
        if (!p) return csv_error(err, PS_ENOMEM, r->name, line, 0, "out of memory");
        r->starts = p;
        r->cap_starts = cap;
    }
    r->starts[r->n_starts++] = r->data_len;
    r->field_line = line;
    return PS_OK;
}

/* Terminate the field and check it is UTF-8, naming the line of the bad
 * byte (the field may span lines). */
static int field_close(csv_reader *r, ps_error *err) {
    size_t begin = r->starts[r->n_starts - 1], i = begin;
    int st = put(r, 0, err);
    if (st != PS_OK) return st;
    while (i < r->data_len - 1) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)r->data + i,
                                              (utf8proc_ssize_t)(r->data_len - 1 - i), &cp);
        if (n < 0) {
            long line = r->field_line;
            size_t k;
            for (k = begin; k < i; k++)
                if (r->data[k] == '\n' || (r->data[k] == '\r' && r->data[k + 1] != '\n'))
                    line++;
            return csv_error(err, PS_EPARSE, r->name, line, (long)r->n_starts,
                             "invalid UTF-8 (byte 0x%02X) in field %zu; save the "
                             "file as UTF-8", (unsigned)(unsigned char)r->data[i],
                             r->n_starts);
        }
        i += (size_t)n;
    }
    return PS_OK;
}

static int finish_record(csv_reader *r, int *have, ps_error *err) {
    size_t i;
    if (r->n_starts > r->cap_fields) {
        const char **p = realloc(r->fields, r->n_starts * sizeof *p);
        if (!p) return csv_error(err, PS_ENOMEM, r->name, r->line, 0, "out of memory");
        r->fields = p;
        r->cap_fields = r->n_starts;
    }
    for (i = 0; i < r->n_starts; i++) r->fields[i] = r->data + r->starts[i];
    r->n_fields = r->n_starts;
    r->state = ST_FIELD_START;
    *have = 1;
    return PS_OK;
}

int csv_next(csv_reader *r, int *have, ps_error *err) {
    int st, sep;
    *have = 0;
    r->n_fields = 0;
    r->n_starts = 0;
    r->data_len = 0;
    r->state = ST_FIELD_START;
    if (!r->fp) return csv_error(err, PS_EINTERNAL, r->name, 0, 0, "reader not open");
    if (!r->started && (st = start(r, err)) != PS_OK) return st;
    sep = r->sep;

    for (;;) {
        unsigned char c;
        long line;
        if (r->in_pos == r->in_len) {
            if (r->in_eof) break;
            r->in_pos = r->in_len = 0;
            if ((st = fill(r, err)) != PS_OK) return st;
            continue;
        }
        c = r->in[r->in_pos++];
        line = r->line;
        if (c == '\r' || (c == '\n' && !r->prev_cr)) r->line++;
        r->prev_cr = (c == '\r');
        if (c == 0)
            return csv_error(err, PS_EPARSE, r->name, line, (long)r->n_starts + 1,
                             "NUL byte in the file; it is not a text CSV (UTF-16 "
                             "without a byte order mark?); save it as CSV UTF-8");

        switch (r->state) {
        case ST_FIELD_START:
            if (c == '\r' || c == '\n') {
                if (r->n_starts == 0) continue; /* blank line, or LF of CRLF */
                if ((st = field_open(r, line, err)) != PS_OK ||
                    (st = field_close(r, err)) != PS_OK)
                    return st;
                return finish_record(r, have, err);
            }
            if (r->n_starts == 0) r->record_line = line;
            if ((st = field_open(r, line, err)) != PS_OK) return st;
            if (c == sep) {
                if ((st = field_close(r, err)) != PS_OK) return st;
            } else if (c == '"') {
                r->quote_line = line;
                r->state = ST_QUOTED;
            } else {
                if ((st = put(r, c, err)) != PS_OK) return st;
                r->state = ST_UNQUOTED;
            }
            break;
        case ST_UNQUOTED:
            if (c == sep || c == '\r' || c == '\n') {
                if ((st = field_close(r, err)) != PS_OK) return st;
                r->state = ST_FIELD_START;
                if (c != sep) return finish_record(r, have, err);
            } else if (c == '"') {
                return csv_error(err, PS_EPARSE, r->name, line, (long)r->n_starts,
                                 "a quote inside unquoted field %zu; enclose the whole "
                                 "field in quotes and double the inner quote (\"\")",
                                 r->n_starts);
            } else if ((st = put(r, c, err)) != PS_OK) {
                return st;
            }
            break;
        case ST_QUOTED:
            if (c == '"') r->state = ST_QUOTE_SEEN;
            else if ((st = put(r, c, err)) != PS_OK) return st;
            break;
        case ST_QUOTE_SEEN:
            if (c == '"') {
                if ((st = put(r, c, err)) != PS_OK) return st;
                r->state = ST_QUOTED;
            } else if (c == sep || c == '\r' || c == '\n') {
                if ((st = field_close(r, err)) != PS_OK) return st;
                r->state = ST_FIELD_START;
                if (c != sep) return finish_record(r, have, err);
            } else {
                return csv_error(err, PS_EPARSE, r->name, line, (long)r->n_starts,
                                 "text after the closing quote of field %zu (opened at "
                                 "line %ld); a quote inside a quoted field is written "
                                 "twice (\"\")", r->n_starts, r->quote_line);
            }
            break;
        default:
            return csv_error(err, PS_EINTERNAL, r->name, line, 0, "bad reader state");
        }
    }

    /* End of file. */
    switch (r->state) {
    case ST_FIELD_START:
        if (r->n_starts == 0) return PS_OK;
        if ((st = field_open(r, r->line, err)) != PS_OK) return st; /* "a,"<EOF> */
        break;
    case ST_QUOTED:
        return csv_error(err, PS_EPARSE, r->name, r->quote_line, (long)r->n_starts,
                         "unterminated quoted field: the quote opened at line %ld "
                         "(field %zu) is never closed", r->quote_line, r->n_starts);
    default:
        break;
    }
    if ((st = field_close(r, err)) != PS_OK) return st;
    return finish_record(r, have, err);
}
