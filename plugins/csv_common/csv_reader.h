/*
 * csv_reader.h -- the streaming RFC 4180 reader shared by the CSV source
 * plugins (survey responses, kiosk logs).  Memory stays constant except for
 * one record, which is capped (max_record) so that a file without line
 * breaks or with a lost quote fails with a line number instead of eating
 * the machine.  Every error names the physical line: a newline inside a
 * quoted field advances it, CRLF / LF / CR all count as one break.
 *
 * Why not libcsv (Debian libcsv-dev 3.0.3): its push API reports fields
 * through callbacks without any byte offset or line, csv_fini only says
 * CSV_EPARSE for an unterminated quote (not where it opened), and it has no
 * record size limit.  Getting those would mean a second byte-by-byte pass
 * over every chunk tracking quotes and lines -- i.e. this state machine.
 *
 * Compiled into each plugin (no CMakeLists of its own); uses only the
 * public plugin header and utf8proc.
 */
#ifndef CSV_READER_H
#define CSV_READER_H

#include <stdint.h>
#include <stdio.h>

#include "parscore/plugin.h"

#define CSV_DEFAULT_MAX_RECORD ((size_t)1 << 20) /* 1 MiB */
#define CSV_IN_SIZE ((size_t)64 * 1024)

typedef struct csv_reader {
    FILE *fp;
    char name[256];          /* file name used in messages */
    size_t max_record;       /* bytes of field data in one record */
    uint64_t file_size;      /* 0 when unknown (pipe) */
    uint64_t consumed;       /* bytes read from the file so far */

    unsigned char in[CSV_IN_SIZE];
    size_t in_pos, in_len;
    int in_eof, started;

    int sep;                 /* field separator: ',' (default), ';', or 0 =
                                pick from the first line (csv_set_separator) */
    long line;               /* physical line of the next byte */
    int prev_cr;             /* last byte was CR (CRLF = one break) */
    int state;               /* parser state, see csv_reader.c */
    long quote_line;         /* where the open quote of the field began */
    long field_line;         /* where the current field began */

    /* The current record: fields stored back to back, NUL-terminated. */
    char *data;
    size_t data_len, data_cap;
    size_t *starts;          /* offset of each field in data */
    size_t n_starts, cap_starts;
    const char **fields;     /* valid after csv_next returns a record */
    size_t cap_fields;

    /* Public results of csv_next. */
    size_t n_fields;
    long record_line;        /* line where the record began */
} csv_reader;

/* Open `path` for reading (message name = `path`).  max_record 0 means
 * CSV_DEFAULT_MAX_RECORD.  On failure err is filled and the reader holds
 * nothing (csv_close is still safe). */
int csv_open(csv_reader *r, const char *path, size_t max_record, ps_error *err);

/* Same on an already open stream, which the reader then owns. */
int csv_open_stream(csv_reader *r, FILE *fp, const char *name,
                    size_t max_record, ps_error *err);

/* Use `sep` (',' or ';') as the field separator, or 0 to take whichever
 * of the two occurs more often in the first line (a header row: Excel in a
 * Vietnamese locale saves CSV with ';').  Call before the first csv_next. */
void csv_set_separator(csv_reader *r, int sep);

/* Read the next record into r->fields / r->n_fields / r->record_line.
 * *have is 1 when a record was read, 0 at the end of the file.  Blank
 * lines between records are skipped.  Returns PS_OK or an error status
 * with err filled (file, line, message). */
int csv_next(csv_reader *r, int *have, ps_error *err);

void csv_close(csv_reader *r);

/* Fill err like host->error does; returns status.  Shared by the plugins
 * for errors found before a host is at hand (and by the unit test). */
int csv_error(ps_error *err, int status, const char *file, long line,
              long column, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

#endif
