/*
 * ps_util.c -- errors, allocation, arena, buffers, hashing, number
 * formatting and atomic file writes shared by the whole core.
 */
#include "base/ps_util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- errors ---------------------------------------------------------- */

const char *ps_status_text(int status) {
    switch (status) {
#define PS_STATUS_TEXT_(name, value, text) case value: return text;
        PS_STATUS_LIST(PS_STATUS_TEXT_)
#undef PS_STATUS_TEXT_
    }
    return "unknown status";
}

int ps_error_setv(ps_error *err, int status, const char *file, long line,
                  long column, const char *fmt, va_list ap) {
    if (!err) return status;
    err->status = status;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = column;
    err->where[0] = '\0';
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    return status;
}

int ps_error_set(ps_error *err, int status, const char *file, long line,
                 long column, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    ps_error_setv(err, status, file, line, column, fmt, ap);
    va_end(ap);
    return status;
}

void ps_error_where(ps_error *err, const char *where) {
    if (err) snprintf(err->where, sizeof err->where, "%s", where ? where : "");
}

void ps_error_clear(ps_error *err) {
    if (err) memset(err, 0, sizeof *err);
}

const char *ps_error_format(const ps_error *err, char *buf, size_t size) {
    size_t n = 0;
    buf[0] = '\0';
    if (err->file[0]) {
        n += (size_t)snprintf(buf + n, size - n, "%s", err->file);
        if (n < size && err->line > 0)
            n += (size_t)snprintf(buf + n, size - n, ":%ld", err->line);
        if (n < size && err->line > 0 && err->column > 0)
            n += (size_t)snprintf(buf + n, size - n, ":%ld", err->column);
        if (n < size) n += (size_t)snprintf(buf + n, size - n, ": ");
    }
    if (n < size && err->where[0])
        n += (size_t)snprintf(buf + n, size - n, "%s: ", err->where);
    if (n < size)
        snprintf(buf + n, size - n, "%s",
                 err->message[0] ? err->message : ps_status_text(err->status));
    return buf;
}

/* ---- memory ---------------------------------------------------------- */

#ifdef PS_FAULT_INJECTION
/* Allocation failure injection, compiled ONLY into the test copy of the
 * core (tests/fault builds core/ps_*.c again with -DPS_FAULT_INJECTION), so
 * the production library keeps no mutable global state and pays nothing.
 * The counters are thread-local: the test arms them on the thread that runs
 * the stages, and worker threads (scorecard rendering) are neither counted
 * nor failed, which keeps each run deterministic. */
static _Thread_local long ps_fault_countdown; /* 0: off; else fail when it reaches 0 */
static _Thread_local long ps_fault_allocs;    /* allocations seen since arming */
static _Thread_local int ps_fault_hit;
static _Thread_local int ps_fault_sticky;     /* 1: every allocation after it fails too */

void ps_alloc_fail_after(long n, int persistent) {
    ps_fault_countdown = n;
    ps_fault_allocs = 0;
    ps_fault_hit = 0;
    ps_fault_sticky = persistent;
}
long ps_alloc_count(void) { return ps_fault_allocs; }
int ps_alloc_failed(void) { return ps_fault_hit; }

static int ps_fault_now(void) {
    ps_fault_allocs++;
    if (ps_fault_hit && ps_fault_sticky) return 1;
    if (ps_fault_countdown > 0 && --ps_fault_countdown == 0) {
        ps_fault_hit = 1;
        return 1;
    }
    return 0;
}
#define PS_FAULT_NOW() ps_fault_now()
#else
#define PS_FAULT_NOW() 0
#endif

void *ps_malloc(size_t n) { return PS_FAULT_NOW() ? NULL : malloc(n ? n : 1); }
void *ps_calloc(size_t count, size_t n) {
    return PS_FAULT_NOW() ? NULL : calloc(count ? count : 1, n ? n : 1);
}
void *ps_realloc(void *p, size_t n) { return PS_FAULT_NOW() ? NULL : realloc(p, n ? n : 1); }
void ps_free(void *p) { free(p); }

char *ps_strndup(const char *s, size_t n) {
    char *d;
    if (!s) return NULL;
    d = ps_malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *ps_strdup(const char *s) { return s ? ps_strndup(s, strlen(s)) : NULL; }

struct ps_arena_block {
    ps_arena_block *next;
    size_t used, size;
    max_align_t data[];
};

#define PS_ARENA_BLOCK 16384

void *ps_arena_alloc(ps_arena *a, size_t n) {
    ps_arena_block *b = a->head;
    n = (n + 7u) & ~(size_t)7u;
    if (!b || b->size - b->used < n) {
        size_t size = n > PS_ARENA_BLOCK ? n : PS_ARENA_BLOCK;
        b = ps_malloc(sizeof *b + size);
        if (!b) return NULL;
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *ps_arena_strdup(ps_arena *a, const char *s) {
    if (!s) return NULL;
    size_t n = strlen(s);
    char *d = ps_arena_alloc(a, n + 1);
    if (d) memcpy(d, s, n + 1);
    return d;
}

char *ps_arena_printf(ps_arena *a, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *d = n >= 0 ? ps_arena_alloc(a, (size_t)n + 1) : NULL;
    if (d) vsnprintf(d, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return d;
}

void ps_arena_free(ps_arena *a) {
    ps_arena_block *b = a->head;
    while (b) {
        ps_arena_block *next = b->next;
        ps_free(b);
        b = next;
    }
    a->head = NULL;
}

/* ---- buffers --------------------------------------------------------- */

void ps_buf_init(ps_buf *b, size_t max) {
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
    b->max = max;
}

int ps_buf_reserve(ps_buf *b, size_t n) {
    if (b->max && b->len + n + 1 > b->max) {
        b->failed = 1;
        return PS_ELIMIT;
    }
    if (b->len + n + 1 <= b->cap) return PS_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1) cap *= 2;
    if (b->max && cap > b->max) cap = b->max;
    char *d = ps_realloc(b->data, cap);
    if (!d) {
        b->failed = 1;
        return PS_ENOMEM;
    }
    if (!b->data) d[0] = '\0';
    b->data = d;
    b->cap = cap;
    return PS_OK;
}

int ps_buf_add(ps_buf *b, const void *p, size_t n) {
    int rc = ps_buf_reserve(b, n);
    if (rc != PS_OK) return rc;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return PS_OK;
}

int ps_buf_addc(ps_buf *b, char c) { return ps_buf_add(b, &c, 1); }

int ps_buf_printf(ps_buf *b, const char *fmt, ...) {
    char small[256];
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    int rc;
    if (n < 0) {
        rc = PS_EINTERNAL;
    } else if ((size_t)n < sizeof small) {
        rc = ps_buf_add(b, small, (size_t)n);
    } else {
        char *big = ps_malloc((size_t)n + 1);
        if (!big) {
            b->failed = 1;
            rc = PS_ENOMEM;
        } else {
            vsnprintf(big, (size_t)n + 1, fmt, ap2);
            rc = ps_buf_add(b, big, (size_t)n);
            ps_free(big);
        }
    }
    va_end(ap2);
    return rc;
}

void ps_buf_reset(ps_buf *b) {
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

void ps_buf_free(ps_buf *b) {
    ps_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ---- hashing --------------------------------------------------------- */

/* FNV-1a then a murmur3 finaliser: codes are short, so this is as fast as
 * anything fancier and mixes well enough for open addressing. */
uint64_t ps_hash64(const void *p, size_t n) {
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ull;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

static int map_grow(ps_map *m) {
    size_t cap = m->cap ? m->cap * 2 : 64;
    char **keys = ps_calloc(cap, sizeof *keys);
    int *values = ps_calloc(cap, sizeof *values);
    if (!keys || !values) {
        ps_free(keys);
        ps_free(values);
        return PS_ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i]) continue;
        size_t j = ps_hash64(m->keys[i], strlen(m->keys[i])) & (cap - 1);
        while (keys[j]) j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        values[j] = m->values[i];
    }
    ps_free(m->keys);
    ps_free(m->values);
    m->keys = keys;
    m->values = values;
    m->cap = cap;
    return PS_OK;
}

int ps_map_put(ps_map *m, const char *key, int value) {
    if ((m->count + 1) * 2 > m->cap && map_grow(m) != PS_OK) return PS_ENOMEM;
    size_t j = ps_hash64(key, strlen(key)) & (m->cap - 1);
    while (m->keys[j]) {
        if (strcmp(m->keys[j], key) == 0) {
            m->values[j] = value;
            return PS_OK;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->keys[j] = ps_strdup(key);
    if (!m->keys[j]) return PS_ENOMEM;
    m->values[j] = value;
    m->count++;
    return PS_OK;
}

int ps_map_get(const ps_map *m, const char *key, int *value) {
    if (!m->cap || !key) return 0;
    size_t j = ps_hash64(key, strlen(key)) & (m->cap - 1);
    while (m->keys[j]) {
        if (strcmp(m->keys[j], key) == 0) {
            if (value) *value = m->values[j];
            return 1;
        }
        j = (j + 1) & (m->cap - 1);
    }
    return 0;
}

void ps_map_free(ps_map *m) {
    for (size_t i = 0; i < m->cap; i++) ps_free(m->keys[i]);
    ps_free(m->keys);
    ps_free(m->values);
    memset(m, 0, sizeof *m);
}

/* Slot of fp in a table of any size: the high half of fp * cap (Lemire's
 * fastrange), so the capacity need not be a power of two.  Power-of-two
 * tables at load <= 0.75 spent up to 2.7x the 12 bytes an entry needs,
 * which at national scale was most of what memory grew by from 1M to 10M
 * dossiers; sized to the count at load <= 0.9, linear probing still takes
 * ~5.5 probes per insert on average (contiguous keys: one cache line). */
static size_t fpset_home(uint64_t fp, size_t cap) {
    return (size_t)(((unsigned __int128)fp * cap) >> 64);
}

#define FPSET_LOAD_NUM 9            /* grow beyond 9/10 full */
#define FPSET_LOAD_DEN 10
#define FPSET_MIN 1024

static int fpset_rehash(ps_fpset *s, size_t cap) {
    uint64_t *keys = ps_calloc(cap, sizeof *keys);
    uint32_t *values = ps_calloc(cap, sizeof *values);
    if (!keys || !values) {
        ps_free(keys);
        ps_free(values);
        return PS_ENOMEM;
    }
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->keys[i]) continue;
        size_t j = fpset_home(s->keys[i], cap);
        while (keys[j]) j = j + 1 == cap ? 0 : j + 1;
        keys[j] = s->keys[i];
        values[j] = s->values[i];
    }
    ps_free(s->keys);
    ps_free(s->values);
    s->keys = keys;
    s->values = values;
    s->cap = cap;
    return PS_OK;
}

/* Capacity for count entries at a load of about 0.85 (some room before
 * the 0.9 that makes it grow). */
static size_t fpset_cap_for(size_t count) {
    size_t cap = count + count / 6 + 1;
    return cap < FPSET_MIN ? FPSET_MIN : cap;
}

static int fpset_full(const ps_fpset *s, size_t count) {
    return count * FPSET_LOAD_DEN > s->cap * FPSET_LOAD_NUM;
}

/* Sizing once from a known row count avoids the growth, during which the
 * old and the new table are both alive. */
int ps_fpset_reserve(ps_fpset *s, size_t count) {
    if (s->cap && !fpset_full(s, count)) return PS_OK;
    size_t cap = fpset_cap_for(count);
    return cap <= s->cap ? PS_OK : fpset_rehash(s, cap);
}

int ps_fpset_insert(ps_fpset *s, uint64_t fp, uint32_t value,
                    uint32_t **slot, int *status) {
    *status = PS_OK;
    if (!fp) fp = 1;
    /* unannounced rows: grow by half (a doubling held 3x the table) */
    if ((!s->cap || fpset_full(s, s->count + 1)) &&
        fpset_rehash(s, s->cap ? s->cap + s->cap / 2 : FPSET_MIN) != PS_OK) {
        *status = PS_ENOMEM;
        return 0;
    }
    size_t j = fpset_home(fp, s->cap);
    while (s->keys[j]) {
        if (s->keys[j] == fp) {
            if (slot) *slot = &s->values[j];
            return 1;
        }
        j = j + 1 == s->cap ? 0 : j + 1;
    }
    s->keys[j] = fp;
    s->values[j] = value;
    s->count++;
    return 0;
}

void ps_fpset_free(ps_fpset *s) {
    ps_free(s->keys);
    ps_free(s->values);
    memset(s, 0, sizeof *s);
}

/* ---- number formatting (Vietnamese: decimal comma, dot thousands) ----- */

void ps_format_number(double v, int decimals, char *buf, size_t size) {
    if (isnan(v)) {
        snprintf(buf, size, "—");
        return;
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*f", decimals, v);
    if (strcmp(tmp, "-0") == 0 || (tmp[0] == '-' && strspn(tmp + 1, "0.") == strlen(tmp + 1)))
        memmove(tmp, tmp + 1, strlen(tmp));
    /* integer part with dots every three digits */
    char *dot = strchr(tmp, '.');
    size_t intlen = dot ? (size_t)(dot - tmp) : strlen(tmp);
    size_t start = tmp[0] == '-' ? 1 : 0;
    char out[96];
    size_t o = 0;
    if (start) out[o++] = '-';
    for (size_t i = start; i < intlen; i++) {
        out[o++] = tmp[i];
        size_t left = intlen - i - 1;
        if (left && left % 3 == 0) out[o++] = '.';
    }
    if (dot) {
        out[o++] = ',';
        for (const char *p = dot + 1; *p; p++) out[o++] = *p;
    }
    out[o] = '\0';
    snprintf(buf, size, "%s", out);
}

void ps_format_percent(double ratio, int decimals, char *buf, size_t size) {
    if (isnan(ratio)) {
        snprintf(buf, size, "—");
        return;
    }
    char num[64];
    ps_format_number(ratio * 100.0, decimals, num, sizeof num);
    snprintf(buf, size, "%s%%", num);
}

void ps_format_count(double v, char *buf, size_t size) {
    ps_format_number(v, 0, buf, size);
}

/* ---- atomic files ---------------------------------------------------- */

/* A new file, never an existing one nor the target of a link (a link
 * planted where the temporary file goes would otherwise be followed and
 * its target truncated).  A stale temporary of a killed run with our pid
 * is a plain file: unlink removes the name only, then try once more. */
FILE *ps_open_new(const char *path) {
    const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    int fd = open(path, flags, 0666);
    if (fd < 0 && errno == EEXIST && unlink(path) == 0) fd = open(path, flags, 0666);
    if (fd < 0) return NULL;
    FILE *f = fdopen(fd, "wb");
    if (!f) close(fd);
    return f;
}

int ps_atomic_open(ps_atomic_file *f, const char *path, ps_error *err) {
    memset(f, 0, sizeof *f);
    f->path = ps_strdup(path);
    size_t n = strlen(path) + 32;
    f->tmp_path = ps_malloc(n);
    if (!f->path || !f->tmp_path) {
        ps_free(f->path);
        ps_free(f->tmp_path);
        return ps_error_set(err, PS_ENOMEM, path, 0, 0, "out of memory");
    }
    snprintf(f->tmp_path, n, "%s.tmp.%ld", path, (long)getpid());
    f->fp = ps_open_new(f->tmp_path);
    if (!f->fp) {
        int e = errno;
        ps_error_set(err, PS_EIO, path, 0, 0,
                     "cannot create output file: %s (check that the output "
                     "directory exists and is writable)", strerror(e));
        ps_free(f->path);
        ps_free(f->tmp_path);
        memset(f, 0, sizeof *f);
        return PS_EIO;
    }
    return PS_OK;
}

static int atomic_close(ps_atomic_file *f, int commit, int sync, ps_error *err) {
    int rc = PS_OK;
    if (!f->fp) return PS_OK;
    FILE *fp = f->fp;
    if (commit && (fflush(fp) != 0 || ferror(fp) || (sync && fsync(fileno(fp)) != 0))) {
        rc = ps_error_set(err, PS_EIO, f->path, 0, 0,
                          "cannot write output file: %s (disk full?)", strerror(errno));
        commit = 0;
    }
    if (fclose(fp) != 0 && commit) {
        rc = ps_error_set(err, PS_EIO, f->path, 0, 0,
                          "cannot write output file: %s (disk full?)", strerror(errno));
        commit = 0;
    }
    if (commit) {
        if (rename(f->tmp_path, f->path) != 0) {
            rc = ps_error_set(err, PS_EIO, f->path, 0, 0,
                              "cannot rename temporary file into place: %s",
                              strerror(errno));
            unlink(f->tmp_path);
        }
    } else {
        unlink(f->tmp_path);
    }
    ps_free(f->path);
    ps_free(f->tmp_path);
    memset(f, 0, sizeof *f);
    return rc;
}

int ps_atomic_close(ps_atomic_file *f, int commit, ps_error *err) {
    return atomic_close(f, commit, 1, err);
}

static int write_atomic(const char *path, const void *data, size_t n, int sync,
                        ps_error *err) {
    ps_atomic_file f;
    int rc = ps_atomic_open(&f, path, err);
    if (rc != PS_OK) return rc;
    int ok = fwrite(data, 1, n, (FILE *)f.fp) == n;
    return atomic_close(&f, ok, sync, err) != PS_OK ? PS_EIO
           : ok ? PS_OK
                : ps_error_set(err, PS_EIO, path, 0, 0, "cannot write output file (disk full?)");
}

int ps_write_file_atomic(const char *path, const void *data, size_t n,
                         ps_error *err) {
    return write_atomic(path, data, n, 1, err);
}

int ps_write_file_staged(const char *path, const void *data, size_t n,
                         ps_error *err) {
    return write_atomic(path, data, n, 0, err);
}
