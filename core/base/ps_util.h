/*
 * ps_util.h -- small shared helpers of the core: errors, an arena for
 * strings owned by a run, growable buffers, a string->index map and a
 * 64-bit fingerprint set.  Nothing here knows about sources or scoring.
 */
#ifndef PS_UTIL_H
#define PS_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "parscore/plugin.h"

/* ---- errors ---------------------------------------------------------- */
const char *ps_status_text(int status);
/* Fill err and return status.  file may be NULL. */
int ps_error_set(ps_error *err, int status, const char *file, long line,
                 long column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
int ps_error_setv(ps_error *err, int status, const char *file, long line,
                  long column, const char *fmt, va_list ap);
void ps_error_where(ps_error *err, const char *where);
void ps_error_clear(ps_error *err);
/* "file:line:col: where: message" in buf. */
const char *ps_error_format(const ps_error *err, char *buf, size_t size);

/* ---- memory ---------------------------------------------------------- */
/* Every core allocation goes through these so fault injection can fail
 * the Nth one (see ps_alloc_fail_after); they return NULL on failure. */
void *ps_malloc(size_t n);
void *ps_calloc(size_t count, size_t n);
void *ps_realloc(void *p, size_t n);
void ps_free(void *p);
#ifdef PS_FAULT_INJECTION
/* Test builds only: make the nth allocation from now (1-based) on this
 * thread fail, once (persistent 0) or with every one after it too
 * (persistent 1); n = 0 disarms.  ps_alloc_count: allocations since
 * arming; ps_alloc_failed: whether the nth was reached. */
void ps_alloc_fail_after(long n, int persistent);
long ps_alloc_count(void);
int ps_alloc_failed(void);
#endif
char *ps_strdup(const char *s);
char *ps_strndup(const char *s, size_t n);

/* Arena: many small strings freed together with the run.  */
typedef struct ps_arena_block ps_arena_block;
typedef struct ps_arena {
    ps_arena_block *head;
} ps_arena;
void *ps_arena_alloc(ps_arena *a, size_t n);          /* zeroed, 8-aligned */
char *ps_arena_strdup(ps_arena *a, const char *s);    /* NULL -> NULL */
char *ps_arena_printf(ps_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ps_arena_free(ps_arena *a);

/* Growable byte buffer with a ceiling (curl's dynbuf). */
typedef struct ps_buf {
    char *data;
    size_t len, cap, max;  /* max 0: no ceiling */
    int failed;            /* an add failed (sticky): the content is short */
} ps_buf;
void ps_buf_init(ps_buf *b, size_t max);
int ps_buf_add(ps_buf *b, const void *p, size_t n);   /* PS_OK/ENOMEM/ELIMIT */
int ps_buf_addc(ps_buf *b, char c);
int ps_buf_printf(ps_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Room for n more bytes (and a NUL) without changing the content. */
int ps_buf_reserve(ps_buf *b, size_t n);
void ps_buf_reset(ps_buf *b);
void ps_buf_free(ps_buf *b);

/* ---- hashing --------------------------------------------------------- */
uint64_t ps_hash64(const void *p, size_t n);

/* String -> int map (keys copied).  Open addressing. */
typedef struct ps_map {
    char **keys;
    int *values;
    size_t cap, count;
} ps_map;
int ps_map_put(ps_map *m, const char *key, int value);  /* PS_OK/ENOMEM */
int ps_map_get(const ps_map *m, const char *key, int *value); /* 1 found */
void ps_map_free(ps_map *m);

/* Set of 64-bit fingerprints with a 32-bit payload each (12 bytes/entry):
 * used to recognise a dossier seen from an earlier source without keeping
 * its code.  Collision odds at 10 million codes: about 3 in a million. */
typedef struct ps_fpset {
    uint64_t *keys;    /* 0 = empty slot (a real 0 hash is mapped to 1) */
    uint32_t *values;
    size_t cap, count;
} ps_fpset;
/* Insert; when already present returns 1 and points *slot at the stored
 * value (which the caller may update), else inserts and returns 0. */
int ps_fpset_insert(ps_fpset *s, uint64_t fp, uint32_t value,
                    uint32_t **slot, int *status);
/* Make room for `count` entries without growing (PS_OK or PS_ENOMEM). */
int ps_fpset_reserve(ps_fpset *s, size_t count);
void ps_fpset_free(ps_fpset *s);

/* ---- text ------------------------------------------------------------ */
/* Format a ratio 0..1 as a Vietnamese percent ("98,7%"), decimals digits. */
void ps_format_percent(double ratio, int decimals, char *buf, size_t size);
/* Format a number with a decimal comma ("12,5"). */
void ps_format_number(double v, int decimals, char *buf, size_t size);
/* Thousands with dots: 12345 -> "12.345". */
void ps_format_count(double v, char *buf, size_t size);

/* Write a whole file atomically: data goes to "<path>.tmp.<pid>", is
 * flushed, then renamed over path.  On failure nothing is left behind. */
int ps_write_file_atomic(const char *path, const void *data, size_t n,
                         ps_error *err);
/* As ps_write_file_atomic but not flushed to disk: for a file written into
 * a staging directory that is flushed as a whole (run/ps_outdir_sync)
 * before it is published -- one flush instead of one fsync per file,
 * which on a busy disk was most of the wall time of 3,355 scorecards. */
int ps_write_file_staged(const char *path, const void *data, size_t n,
                         ps_error *err);
/* For writers that stream: open a temp file beside path ... */
typedef struct ps_atomic_file {
    char *path, *tmp_path;
    void *fp; /* FILE * */
} ps_atomic_file;
/* Create path for writing; fails if it exists as anything but a plain
 * file or is a link (O_EXCL | O_NOFOLLOW). */
FILE *ps_open_new(const char *path);
int ps_atomic_open(ps_atomic_file *f, const char *path, ps_error *err);
/* Close and rename (commit), or close and delete (commit = 0). */
int ps_atomic_close(ps_atomic_file *f, int commit, ps_error *err);

#endif
