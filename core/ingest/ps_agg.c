/*
 * ps_agg.c -- classifies each record once and adds it to its unit's
 * counters (METHODOLOGY.md "Definitions that make section A exact").
 * Records are never stored: only counters, bounded example lists and, when
 * two sources may overlap, a fingerprint per dossier/feedback code.
 */
#include "ingest/ps_agg.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const example_keys[] = {
#define PS_EX_KEY_(id, key, label) key,
    PS_EXAMPLE_LIST(PS_EX_KEY_)
#undef PS_EX_KEY_
};
static const char *const example_labels[] = {
#define PS_EX_LABEL_(id, key, label) label,
    PS_EXAMPLE_LIST(PS_EX_LABEL_)
#undef PS_EX_LABEL_
};

const char *ps_example_key(ps_example_kind k) {
    return (unsigned)k < PS_EX__COUNT ? example_keys[k] : "";
}
const char *ps_example_label(ps_example_kind k) {
    return (unsigned)k < PS_EX__COUNT ? example_labels[k] : "";
}
int ps_example_from_key(const char *key) {
    for (int i = 0; i < PS_EX__COUNT; i++)
        if (strcmp(example_keys[i], key) == 0) return i;
    return -1;
}

int ps_agg_init(ps_agg *a, const ps_agg_config *cfg, ps_error *err) {
    memset(a, 0, sizeof *a);
    a->cfg = *cfg;
    /* examples_max = 0 lists no codes (only the counts): the job asked for
     * none; the job's default is 50 */
    a->n_units = cfg->units->count;
    a->u = ps_calloc(a->n_units, sizeof *a->u);
    if (!a->u) return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    return PS_OK;
}

static void copy_code(char *dst, const char *src) {
    snprintf(dst, PS_CODE_MAX, "%s", src ? src : "");
}

/* ---- example lists ---------------------------------------------------- */

/* Insert code as code number pos, shifting the later ones. */
static int ex_insert(ps_examples *e, uint32_t pos, const char *code, uint32_t max) {
    size_t len = strnlen(code, PS_CODE_MAX - 1);
    if (!e->off) {
        e->off = ps_malloc(max * sizeof *e->off);
        if (!e->off) return PS_ENOMEM;
    }
    if (e->text_len + len + 1 > e->text_cap) {
        /* grow by half: a full list of 50 codes of ~22 bytes is not
         * rounded up to 2 KB */
        size_t cap = e->text_cap ? (size_t)e->text_cap + e->text_cap / 2 : 128;
        while (cap < e->text_len + len + 1) cap += cap / 2;
        char *grown = ps_realloc(e->text, cap);
        if (!grown) return PS_ENOMEM;
        e->text = grown;
        e->text_cap = (uint32_t)cap;
    }
    uint32_t at = pos < e->kept ? e->off[pos] : e->text_len;
    memmove(e->text + at + len + 1, e->text + at, e->text_len - at);
    memcpy(e->text + at, code, len);
    e->text[at + len] = '\0';
    for (uint32_t i = e->kept; i > pos; i--) e->off[i] = e->off[i - 1] + (uint32_t)len + 1;
    e->off[pos] = at;
    e->kept++;
    e->text_len += (uint32_t)len + 1;
    return PS_OK;
}

/* ---- parked example lists (ps_spill) ---------------------------------- */

#define SPILL_UNREADABLE "cannot read back example codes from the temporary file (disk error?)"

/* n bytes at offset at, read into p (write 0) or written from it: 0, or
 * -1 on an error or a short file. */
static int pio_all(int fd, char *p, size_t n, uint64_t at, int write) {
    while (n) {
        ssize_t r = write ? pwrite(fd, p, n, (off_t)at) : pread(fd, p, n, (off_t)at);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        p += r;
        n -= (size_t)r;
        at += (uint64_t)r;
    }
    return 0;
}

/* An unlinked file: nothing to clean up after a crash or a signal. */
static int spill_file(void) {
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    int fd = -1;
#ifdef O_TMPFILE
    fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
#endif
    char path[4096];
    if (snprintf(path, sizeof path, "%s/parscore-examples-XXXXXX", dir) >= (int)sizeof path)
        return -1;
    fd = mkstemp(path);
    if (fd < 0) return -1;
    unlink(path);
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

void ps_agg_spill_open(ps_agg *a) {
    if (a->spill) return;
    ps_spill *s = ps_calloc(1, sizeof *s);
    if (!s) return;
    s->fd = spill_file();
    if (s->fd < 0) {
        ps_free(s);
        return;
    }
    a->spill = s;
}

static void spill_close(ps_agg *a) {
    if (!a->spill) return;
    if (a->spill->fd >= 0) close(a->spill->fd);
    ps_free(a->spill);
    a->spill = NULL;
}

/* Move a list into the spill file; on a write error it stays where it is. */
static void ex_park(ps_spill *s, ps_examples *e) {
    if (!s || s->failed || e->spill || !e->kept) return;
    if (pio_all(s->fd, e->text, e->text_len, s->len, 1) != 0) {
        s->failed = 1;
        return;
    }
    e->spill = s;
    e->spill_at = s->len;
    s->len += e->text_len;
    ps_free(e->off);
    ps_free(e->text);
    e->off = NULL;
    e->text = NULL;
    e->text_cap = 0;
}

/* Bring a parked list back to change it (the file keeps the old copy). */
static int ex_unpark(ps_examples *e, uint32_t max) {
    if (!e->spill) return PS_OK;
    char *text = ps_malloc(e->text_len ? e->text_len : 1);
    uint32_t *off = ps_malloc((max > e->kept ? max : e->kept) * sizeof *off + 1);
    int rc = !text || !off ? PS_ENOMEM : ps_examples_copy(e, text);
    if (rc != PS_OK) {
        ps_free(text);
        ps_free(off);
        return rc;
    }
    uint32_t at = 0;
    for (uint32_t i = 0; i < e->kept; i++) {
        off[i] = at;
        at += (uint32_t)strnlen(text + at, e->text_len - at) + 1;
    }
    e->text = text;
    e->off = off;
    e->text_cap = e->text_len;
    e->spill = NULL;
    return PS_OK;
}

int ps_examples_copy(const ps_examples *e, char *dst) {
    if (!e->kept) return PS_OK;
    if (!e->spill) {
        memcpy(dst, e->text, e->text_len);
        return PS_OK;
    }
    return pio_all(e->spill->fd, dst, e->text_len, e->spill_at, 0) == 0 ? PS_OK : PS_EIO;
}

int ps_examples_read(const ps_examples *e, ps_buf *scratch, const char **text) {
    *text = e->kept ? e->text : "";
    if (!e->kept || !e->spill) return PS_OK;
    ps_buf_reset(scratch);
    if (ps_buf_reserve(scratch, e->text_len) != PS_OK) return PS_ENOMEM;
    if (ps_examples_copy(e, scratch->data) != PS_OK) return PS_EIO;
    scratch->len = e->text_len;
    *text = scratch->data;
    return PS_OK;
}

static void park_unit(ps_agg *a, ps_unit_agg *u) {
    for (int k = 0; k < PS_EX__COUNT; k++) ex_park(a->spill, &u->ex[k]);
}

int ps_examples_push(ps_examples *e, const char *code, uint32_t max) {
    if (e->kept >= max || !code) return PS_OK;
    int rc = ex_unpark(e, max);
    return rc != PS_OK ? rc : ex_insert(e, e->kept, code, max);
}

void ps_examples_free(ps_examples *e) {
    ps_free(e->off);
    ps_free(e->text);
    memset(e, 0, sizeof *e);
}

/* Compare a code with a kept one as copy_code would have truncated it. */
static int ex_cmp(const ps_examples *e, uint32_t i, const char *code) {
    return strncmp(code, ps_example_code(e, i), PS_CODE_MAX - 1);
}

/* Keep code in list k of u, the count being the caller's: the smallest
 * codes of each source, so the list holds the same codes whether a
 * database is read in code or in rowid order (reading in rowid order is
 * several times faster) or counted on its server (ps_counter examples). */
static int keep_example(ps_agg *a, ps_unit_agg *u, ps_example_kind k, const char *code) {
    ps_examples *e = &u->ex[k];
    uint32_t max = a->cfg.examples_max;
    if (!code) return PS_OK;
    int rc = ex_unpark(e, max);
    if (rc != PS_OK) return rc;
    if (e->seg_source != a->current_source + 1) {
        e->seg_source = a->current_source + 1;
        e->seg = e->kept;
    }
    if (e->kept >= max) {
        /* full: a smaller code of this source replaces its largest one */
        if (e->kept == e->seg || ex_cmp(e, e->kept - 1, code) >= 0) return PS_OK;
        e->kept--;
        e->text_len = e->off[e->kept];
    }
    uint32_t lo = e->seg, hi = e->kept;
    /* rows mostly come in code order: then the code goes last */
    if (lo < hi && ex_cmp(e, hi - 1, code) >= 0) lo = hi;
    while (lo < hi) {   /* after equal codes: stable like the old append */
        uint32_t mid = lo + (hi - lo) / 2;
        if (ex_cmp(e, mid, code) >= 0) lo = mid + 1;
        else hi = mid;
    }
    return ex_insert(e, lo, code, max);
}

static int add_example(ps_agg *a, ps_unit_agg *u, ps_example_kind k, const char *code) {
    u->ex[k].count++;
    return keep_example(a, u, k, code);
}

/* Findings are listed in key order, so the list does not depend on the
 * order records arrive in.  order_source >= 0: the example is a record
 * code of that source, and the entry keeps the smallest codes of each
 * source (like the example lists); -1: examples in arrival order (line
 * numbers of a file). */
static int dq_note(ps_unit_agg *u, const char *key, uint32_t count, const char *example,
                   int order_source) {
    size_t pos = 0;
    int c = 1;
    while (pos < u->n_dq && (c = strcmp(u->dq[pos].key, key)) < 0) pos++;
    ps_dq_entry *d;
    if (pos < u->n_dq && c == 0) {
        d = &u->dq[pos];
    } else {
        if (u->n_dq == u->cap_dq) {
            size_t cap = u->cap_dq ? u->cap_dq * 2 : 4;
            ps_dq_entry *grown = ps_realloc(u->dq, cap * sizeof *grown);
            if (!grown) return PS_ENOMEM;
            u->dq = grown;
            u->cap_dq = cap;
        }
        memmove(&u->dq[pos + 1], &u->dq[pos], (u->n_dq - pos) * sizeof *u->dq);
        u->n_dq++;
        d = &u->dq[pos];
        memset(d, 0, sizeof *d);
        snprintf(d->key, sizeof d->key, "%s", key);
    }
    d->count += count;
    if (!example || !example[0]) return PS_OK;
    if (order_source < 0) {
        if (d->kept < PS_DQ_EXAMPLES) copy_code(d->examples[d->kept++], example);
        return PS_OK;
    }
    if (d->seg_source != order_source + 1) {
        d->seg_source = order_source + 1;
        d->seg = d->kept;
    }
    if (d->kept == PS_DQ_EXAMPLES) {
        if (d->kept == d->seg ||
            strncmp(example, d->examples[d->kept - 1], PS_CODE_MAX - 1) >= 0)
            return PS_OK;
        d->kept--;
    }
    uint32_t at = d->kept;
    while (at > d->seg && strncmp(example, d->examples[at - 1], PS_CODE_MAX - 1) < 0) {
        memcpy(d->examples[at], d->examples[at - 1], PS_CODE_MAX);
        at--;
    }
    copy_code(d->examples[at], example);
    d->kept++;
    return PS_OK;
}

static int dq_add(ps_unit_agg *u, const char *key, uint32_t count, const char *example) {
    return dq_note(u, key, count, example, -1);
}

static int dq_code(const ps_agg *a, ps_unit_agg *u, const char *key, const char *code) {
    return dq_note(u, key, 1, code, a->current_source);
}

/* Findings that belong to no unit (unknown unit codes...) are kept on a
 * run-level pseudo unit: the unknown-unit list. */
static int note_unknown_units(ps_agg *a, const char *code, const char *example, uint32_t n) {
    int i;
    char key[PS_CODE_MAX];
    copy_code(key, code ? code : "(trống)");
    if (!ps_map_get(&a->unknown_index, key, &i)) {
        if (a->n_unknown >= PS_UNKNOWN_UNITS_MAX) {
            a->unknown_unlisted += n;
            return PS_OK;
        }
        if (a->n_unknown == a->cap_unknown) {
            size_t cap = a->cap_unknown ? a->cap_unknown * 2 : 16;
            ps_unknown_unit *grown = ps_realloc(a->unknown, cap * sizeof *grown);
            if (!grown) return PS_ENOMEM;
            a->unknown = grown;
            a->cap_unknown = cap;
        }
        i = (int)a->n_unknown++;
        memset(&a->unknown[i], 0, sizeof a->unknown[i]);
        copy_code(a->unknown[i].code, key);
        copy_code(a->unknown[i].example, example);
        if (ps_map_put(&a->unknown_index, key, i) != PS_OK) return PS_ENOMEM;
    } else if (example && strncmp(example, a->unknown[i].example, PS_CODE_MAX - 1) < 0) {
        /* the smallest example, so it does not depend on the reading order */
        copy_code(a->unknown[i].example, example);
    }
    a->unknown[i].count += n;
    return PS_OK;
}

static int by_unknown_code(const void *x, const void *y) {
    return strcmp(((const ps_unknown_unit *)x)->code, ((const ps_unknown_unit *)y)->code);
}

void ps_agg_sort_unknown(ps_agg *a) {
    if (a->n_unknown > 1) qsort(a->unknown, a->n_unknown, sizeof *a->unknown, by_unknown_code);
    /* the index points at the old places: nothing is noted after ingest */
    ps_map_free(&a->unknown_index);
    memset(&a->unknown_index, 0, sizeof a->unknown_index);
}

static int note_unknown_unit(ps_agg *a, const char *code, const char *example) {
    return note_unknown_units(a, code, example, 1);
}

int ps_agg_quality(ps_agg *a, int unit, const char *key, const char *example) {
    if (unit < 0 || (size_t)unit >= a->n_units) return note_unknown_unit(a, "(không rõ đơn vị)", example);
    return dq_add(&a->u[unit], key, 1, example);
}

int ps_agg_province_of(const ps_units *units, int unit) {
    for (int d = 0; unit >= 0 && units->items[unit].parent >= 0 && d < 16; d++)
        unit = units->items[unit].parent;
    return unit;
}

static int find_unit(ps_agg *a, const char *code, const char *example, int *status) {
    int i = ps_units_find(a->cfg.units, code);
    if (i < 0) *status = note_unknown_unit(a, code, example);
    else if (a->cfg.province && ps_agg_province_of(a->cfg.units, i) != a->cfg.province - 1) {
        /* this source is not the one-province source its first records
         * said: the run reads the job again as one partition */
        a->stray = 1;
        copy_code(a->stray_code, code);
        *status = PS_EDATA;
        return -1;
    }
    return i;
}

/* ---- procedures ------------------------------------------------------ */

static int proc_get(ps_agg *a, const char *code, int create, int *status) {
    int i;
    if (!code) return -1;
    if (ps_map_get(&a->proc_index, code, &i)) return i;
    if (!create) return -1;
    if (a->n_procs == a->cap_procs) {
        size_t cap = a->cap_procs ? a->cap_procs * 2 : 256;
        ps_proc *grown = ps_realloc(a->procs, cap * sizeof *grown);
        if (!grown) {
            *status = PS_ENOMEM;
            return -1;
        }
        a->procs = grown;
        a->cap_procs = cap;
    }
    i = (int)a->n_procs++;
    memset(&a->procs[i], 0, sizeof a->procs[i]);
    a->procs[i].code = ps_arena_strdup(&a->arena, code);
    a->procs[i].has_result_document = 1;
    if (!a->procs[i].code || ps_map_put(&a->proc_index, code, i) != PS_OK) *status = PS_ENOMEM;
    return i;
}

static int add_procedure(ps_agg *a, const ps_procedure *p) {
    int st = PS_OK;
    int i = proc_get(a, p->code, 1, &st);
    if (i < 0) return st;
    ps_proc *x = &a->procs[i];
    if (x->known) return PS_OK; /* the first catalogue wins (precedence) */
    x->known = 1;
    x->name = ps_arena_strdup(&a->arena, p->name);
    x->field = ps_arena_strdup(&a->arena, p->field);
    /* A legal time limit is a number of working days: 0, negative, not
     * finite or beyond ten years is a catalogue error, reported on each
     * dossier it would score (1e-300 printed a 300-digit time cut). */
    x->legal_days = p->legal_days;
    x->legal_bad = !isfinite(p->legal_days) || p->legal_days < PS_LEGAL_DAYS_MIN ||
                   p->legal_days > PS_LEGAL_DAYS_MAX;
    x->online_level = p->online_level;
    x->has_fee = p->has_fee != 0;
    x->has_result_document = p->has_result_document != 0;
    if (x->has_fee) a->fee_procs++;
    return PS_OK;
}

/* Both fee bitsets of a unit are kept the same length (fee_words). */
static int fee_reserve(ps_unit_agg *u, size_t words) {
    if (words <= u->fee_words) return PS_OK;
    size_t n = words < 8 ? 8 : words * 2;
    uint64_t *a = ps_realloc(u->fee_with_dossier, n * sizeof *a);
    if (!a) return PS_ENOMEM;
    u->fee_with_dossier = a;
    uint64_t *b = ps_realloc(u->fee_with_payment, n * sizeof *b);
    if (!b) return PS_ENOMEM;
    u->fee_with_payment = b;
    memset(a + u->fee_words, 0, (n - u->fee_words) * sizeof *a);
    memset(b + u->fee_words, 0, (n - u->fee_words) * sizeof *b);
    u->fee_words = n;
    return PS_OK;
}

static int set_fee_bit(ps_unit_agg *u, int payment, size_t bit) {
    int rc = fee_reserve(u, bit / 64 + 1);
    if (rc != PS_OK) return rc;
    (payment ? u->fee_with_payment : u->fee_with_dossier)[bit / 64] |= 1ull << (bit % 64);
    return PS_OK;
}

/* ---- dossiers -------------------------------------------------------- */

/* Payload stored with a dossier fingerprint: who won and what it knew. */
#define FP_UNIT_MASK 0x00ffffffu
#define FP_RECEIVED (1u << 24)
#define FP_SYNC_KNOWN (1u << 25)

static int opt_time(const ps_agg *a, ps_unit_agg *u, const char *text, const char *code, ps_time *t,
                    int *ok) {
    *ok = 0;
    if (!text || !text[0]) return PS_OK;
    if (ps_parse_time(text, t)) {
        *ok = 1;
        return PS_OK;
    }
    return dq_code(a, u, "bad_date", code);
}

static int add_dossier(ps_agg *a, const ps_dossier *r) {
    int rc = PS_OK;
    int ui = find_unit(a, r->unit_code, r->code, &rc);
    if (ui < 0) return rc;
    ps_unit_agg *u = &a->u[ui];
    const char *code = r->code ? r->code : "";

    ps_time recv;
    int received_ok = ps_parse_time(r->received_at, &recv);
    ps_day rday = received_ok ? ps_time_day(recv) : 0;
    int counted = received_ok && r->status >= 1 && r->status <= 10 && r->status != 1 &&
                  r->status != 3 && rday >= a->cfg.period.first && rday <= a->cfg.period.last;

    if (a->cfg.dedup) {
        uint32_t *slot = NULL;
        int st;
        uint32_t payload = (uint32_t)ui | (counted ? FP_RECEIVED : 0) |
                           (r->synced != PS_UNKNOWN ? FP_SYNC_KNOWN : 0);
        if (ps_fpset_insert(&a->seen_dossiers, ps_hash64(code, strlen(code)), payload, &slot,
                            &st)) {
            /* An earlier (higher-precedence) source holds this dossier: it
             * wins; this one only fills what the winner did not know. */
            a->duplicates++;
            /* a second copy of a dossier of the period and scope: this
             * source is not empty for the run, even if it adds nothing */
            if ((*slot & FP_RECEIVED) && a->cfg.units->items[*slot & FP_UNIT_MASK].selected)
                a->dup_in_scope++;
            if (!(*slot & FP_SYNC_KNOWN) && r->synced != PS_UNKNOWN) {
                *slot |= FP_SYNC_KNOWN;
                if ((*slot & FP_RECEIVED) && r->synced == 1)
                    a->u[*slot & FP_UNIT_MASK].d.synced++;
            }
            return PS_OK;
        }
        if (st != PS_OK) return st;
    }

    if (!received_ok) return dq_code(a, u, r->received_at && r->received_at[0] ? "bad_date" : "missing_received_date", code);
    if (r->status < 1 || r->status > 10) return dq_code(a, u, "bad_status", code);
    if (!counted) return PS_OK;

    ps_dossier_counts *d = &u->d;
    d->received++;
    if (r->channel >= 1 && r->channel <= 3) d->by_channel[r->channel]++;
    else {
        d->by_channel[0]++;
        if ((rc = dq_code(a, u, "bad_channel", code))) return rc;
    }

    int pi = proc_get(a, r->procedure_code, 1, &rc);
    if (rc) return rc;
    ps_proc *proc = pi >= 0 ? &a->procs[pi] : NULL;
    if (proc && !proc->known && !proc->online_level && r->online_level)
        proc->online_level = r->online_level; /* known only from the portal */
    if (!proc || (!proc->known && (rc = dq_code(a, u, "unknown_procedure", code)))) {
        if (rc) return rc;
    }
    /* The level a dossier carries (the portal's MucDo) wins: the database
     * leaves it 0, so its dossiers take the catalogue's level, and a
     * dossier known only from the portal keeps its own (METHODOLOGY A,
     * full-process online). */
    int level = r->online_level ? r->online_level
                                : proc && proc->known ? proc->online_level : 0;

    ps_time due = 0, fin = 0, ret = 0, apo = 0;
    int has_due, has_fin, has_ret, has_apo;
    if ((rc = opt_time(a, u, r->due_at, code, &due, &has_due)) ||
        (rc = opt_time(a, u, r->finished_at, code, &fin, &has_fin)) ||
        (rc = opt_time(a, u, r->returned_at, code, &ret, &has_ret)) ||
        (rc = opt_time(a, u, r->apology_at, code, &apo, &has_apo)))
        return rc;
    ps_day due_day = has_due ? ps_time_day(due) : 0;
    ps_day fin_day = has_fin ? ps_time_day(fin) : 0;
    if (has_due && due_day < rday && (rc = dq_code(a, u, "due_before_received", code))) return rc;
    if (has_fin && fin < recv && (rc = dq_code(a, u, "finished_before_received", code))) return rc;

    int finished = r->status == 7 || r->status == 9 || r->status == 10;
    int in_progress = r->status == 2 || r->status == 4;
    int on_time = 0, late = 0;
    if (finished) {
        d->finished++;
        /* no due date = within deadline; a due date without a finish date
         * cannot be shown to be on time */
        on_time = !has_due || (has_fin && fin_day <= due_day);
        if (on_time) d->finished_on_time++;
        else {
            d->finished_late++;
            late = 1;
            if ((rc = add_example(a, u, PS_EX_LATE, code))) return rc;
        }
    } else if (in_progress) {
        d->in_progress++;
        if (!has_due || due_day >= a->cfg.period.last) d->in_progress_within++;
        else {
            d->in_progress_over++;
            late = 1;
            if ((rc = add_example(a, u, PS_EX_OVERDUE, code))) return rc;
        }
    } else {
        d->paused++;
    }
    if (late) d->late++;

    if (r->synced == 1) d->synced++;
    else if (r->synced == 0 && (rc = add_example(a, u, PS_EX_NOT_SYNCED, code))) return rc;

    if (level == 4) {
        d->level4_received++;
        if (r->channel == 2) d->level4_online++;
        else if ((rc = add_example(a, u, PS_EX_NOT_ONLINE, code))) return rc;
    } else if (level == 3) {
        d->level3_received++;
        if (r->channel == 2) d->level3_online++;
    }

    if (proc && proc->known && proc->has_fee) {
        d->fee_received++;
        if ((rc = set_fee_bit(u, 0, (size_t)pi))) return rc;
        if (r->paid_online == 1) {
            d->fee_paid_online++;
            if ((rc = set_fee_bit(u, 1, (size_t)pi))) return rc;
        } else if ((rc = add_example(a, u, PS_EX_NOT_PAID_ONLINE, code))) {
            return rc;
        }
    }

    if (finished && (!proc || proc->has_result_document)) {
        d->result_doc_finished++;
        if (r->digitized_result == 1) d->result_digitized++;
        else if ((rc = add_example(a, u, PS_EX_RESULT_NOT_DIGITIZED, code))) return rc;
    }
    if (r->digitized_input == 1) d->input_digitized++;
    else if ((rc = add_example(a, u, PS_EX_INPUT_NOT_DIGITIZED, code))) return rc;

    if (has_apo) d->apology++;
    if (late) {
        if (has_apo) d->late_with_apology++;
        else if ((rc = add_example(a, u, PS_EX_LATE_NO_APOLOGY, code))) return rc;
    }

    if (has_ret) {
        d->returned++;
        if (has_due && ps_time_day(ret) > due_day) {
            d->returned_late++;
            if ((rc = add_example(a, u, PS_EX_RETURNED_LATE, code))) return rc;
        }
    }

    if (r->rating >= 1 && r->rating <= 4) {
        d->rated++;
        d->rating[r->rating]++;
        if (r->rating == 4 && (rc = add_example(a, u, PS_EX_UNSATISFIED, code))) return rc;
    } else if (r->rating != 0 && (rc = dq_code(a, u, "bad_rating", code))) {
        return rc;
    }
    if (finished && on_time && r->rating != 4) d->handled_ok++;

    if (finished && has_fin && fin >= recv && proc && proc->known && proc->legal_bad &&
        (rc = dq_add(u, "bad_legal_days", 1, code)))
        return rc;
    if (finished && has_fin && fin >= recv && proc && proc->known && !proc->legal_bad) {
        int32_t wd = ps_calendar_working_days(a->cfg.calendar, rday, fin_day);
        double cut = 1.0 - (double)wd / proc->legal_days;
        d->cut_n++;
        d->cut_sum += cut;
        d->days_sum += wd;
        if (cut >= 0.3 - 1e-12) d->cut_ge30++;
        else if ((rc = add_example(a, u, PS_EX_SLOW, code))) return rc;
    }
    return PS_OK;
}

/* ---- feedback -------------------------------------------------------- */

static int add_feedback(ps_agg *a, const ps_feedback *r) {
    int rc = PS_OK;
    const char *id = r->id ? r->id : "";
    int ui = find_unit(a, r->unit_code, id, &rc);
    if (ui < 0) return rc;
    ps_unit_agg *u = &a->u[ui];
    if (a->cfg.dedup) {
        int st;
        if (ps_fpset_insert(&a->seen_feedback, ps_hash64(id, strlen(id)), 0, NULL, &st)) {
            a->duplicates++;
            return PS_OK;
        }
        if (st != PS_OK) return st;
    }
    ps_time recv, due = 0, ans = 0;
    if (!ps_parse_time(r->received_at, &recv)) return dq_code(a, u, "bad_date", id);
    ps_day rday = ps_time_day(recv);
    if (rday < a->cfg.period.first || rday > a->cfg.period.last) return PS_OK;
    int has_due, has_ans;
    if ((rc = opt_time(a, u, r->due_at, id, &due, &has_due)) ||
        (rc = opt_time(a, u, r->answered_at, id, &ans, &has_ans)))
        return rc;
    ps_feedback_counts *f = &u->f;
    f->received++;
    if (has_ans) {
        int on_time = !has_due || ps_time_day(ans) <= ps_time_day(due);
        f->answered++;
        if (on_time) f->answered_on_time++;
        else {
            f->answered_late++;
            if ((rc = add_example(a, u, PS_EX_FEEDBACK_LATE, id))) return rc;
        }
        if (r->satisfied == 1) f->rated_satisfied++;
        else if (r->satisfied == 0) {
            f->rated_unsatisfied++;
            if ((rc = add_example(a, u, PS_EX_FEEDBACK_UNSATISFIED, id))) return rc;
        }
        if (on_time && r->satisfied != 0) f->handled_ok++;
    } else if (!has_due || ps_time_day(due) >= a->cfg.period.last) {
        f->unanswered_within++;
    } else {
        f->unanswered_over++;
        if ((rc = add_example(a, u, PS_EX_FEEDBACK_LATE, id))) return rc;
    }
    return PS_OK;
}

/* ---- publicity, surveys, kiosks --------------------------------------- */

static int add_publicity(ps_agg *a, const ps_publicity *r) {
    int rc = PS_OK;
    int ui = find_unit(a, r->unit_code, "CongKhai", &rc);
    if (ui < 0) return rc;
    ps_publicity_counts *p = &a->u[ui].p;
    /* One CongKhai per unit and period: a second one (a repeated export,
     * two files of the same period) would double the counts.  The first
     * (highest precedence) stays; the repeat is a finding. */
    if (p->reports) return dq_add(&a->u[ui], "publicity_repeated", 1, r->unit_code);
    if (r->must_announce < 0 || r->announced_on_time < 0 || r->must_update < 0 ||
        r->updated_on_time < 0 || r->published < 0 || r->published_full < 0)
        return dq_add(&a->u[ui], "bad_publicity_count", 1, r->unit_code);
    p->reports++;
    p->must_announce += (uint64_t)r->must_announce;
    p->announced_on_time += (uint64_t)r->announced_on_time;
    p->must_update += (uint64_t)r->must_update;
    p->updated_on_time += (uint64_t)r->updated_on_time;
    p->published += (uint64_t)r->published;
    p->published_full += (uint64_t)r->published_full;
    return PS_OK;
}

static int add_form(ps_agg *a, const ps_survey_form *r, const char *source, ps_error *err) {
    ps_form *f = &a->form;
    if (f->present) {
        int same = f->n_criteria == r->n_criteria;
        for (size_t i = 0; same && i < r->n_criteria; i++)
            same = strcmp(f->criteria[i].code, r->criteria[i].code) == 0;
        if (same) return PS_OK;
        return ps_error_set(err, PS_EDATA, source, 0, 0,
                            "survey form %s has other criteria than form %s already read: "
                            "one run scores one questionnaire design",
                            r->code ? r->code : "?", f->code);
    }
    if (r->scale_min > r->scale_max || r->satisfied_from < r->scale_min ||
        r->satisfied_from > r->scale_max || r->n_criteria == 0)
        return ps_error_set(err, PS_EDATA, source, 0, 0,
                            "survey form %s: invalid scale or no criteria", r->code ? r->code : "?");
    f->present = 1;
    f->code = ps_arena_strdup(&a->arena, r->code ? r->code : "");
    f->name = ps_arena_strdup(&a->arena, r->name ? r->name : "");
    f->scale_min = r->scale_min;
    f->scale_max = r->scale_max;
    f->satisfied_from = r->satisfied_from;
    f->n_criteria = r->n_criteria;
    f->criteria = ps_arena_alloc(&a->arena, r->n_criteria * sizeof *f->criteria);
    f->elements = ps_arena_alloc(&a->arena, r->n_criteria * sizeof *f->elements);
    if (!f->criteria || !f->elements) return ps_error_set(err, PS_ENOMEM, source, 0, 0, "out of memory");
    for (size_t i = 0; i < r->n_criteria; i++) {
        const ps_survey_criterion *c = &r->criteria[i];
        struct ps_form_criterion *fc = &f->criteria[i];
        fc->code = ps_arena_strdup(&a->arena, c->code ? c->code : "");
        fc->name = ps_arena_strdup(&a->arena, c->name ? c->name : fc->code);
        fc->element_code = ps_arena_strdup(&a->arena, c->element_code ? c->element_code : "");
        fc->element_name = ps_arena_strdup(&a->arena, c->element_name ? c->element_name : fc->element_code);
        size_t e = 0;
        while (e < f->n_elements && strcmp(f->elements[e].code, fc->element_code) != 0) e++;
        if (e == f->n_elements) {
            f->elements[e].code = fc->element_code;
            f->elements[e].name = fc->element_name;
            f->n_elements++;
        }
        fc->element = (int)e;
    }
    return PS_OK;
}

static int add_response(ps_agg *a, const ps_survey_response *r, const char *source, ps_error *err) {
    int rc = PS_OK;
    const ps_form *f = &a->form;
    const char *id = r->id ? r->id : "";
    if (!f->present)
        return ps_error_set(err, PS_EPLUGIN, source, r->src_line, 0,
                            "survey response before its form: the plugin must emit the form first");
    if (r->n_answers != f->n_criteria)
        return ps_error_set(err, PS_EPLUGIN, source, r->src_line, 0,
                            "survey response %s has %zu answers, the form has %zu criteria",
                            id, r->n_answers, f->n_criteria);
    int ui = find_unit(a, r->unit_code, id, &rc);
    if (ui < 0) return rc;
    ps_unit_agg *u = &a->u[ui];
    ps_day day;
    if (r->date && r->date[0]) {
        if (!ps_parse_date(r->date, &day)) return dq_add(u, "bad_date", 1, id);
        if (day < a->cfg.period.first || day > a->cfg.period.last) return PS_OK;
    }
    ps_survey_counts *s = &u->s;
    if (!s->answered) {
        s->answered = ps_calloc(f->n_criteria, sizeof *s->answered);
        s->satisfied = ps_calloc(f->n_criteria, sizeof *s->satisfied);
        if (!s->answered || !s->satisfied) return PS_ENOMEM;
    }
    s->respondents++;
    for (size_t i = 0; i < r->n_answers; i++) {
        int v = r->answers[i];
        if (v == 0) continue;
        if (v < f->scale_min || v > f->scale_max) {
            if ((rc = dq_add(u, "survey_answer_out_of_scale", 1, id))) return rc;
            continue;
        }
        s->answered[i]++;
        if (v >= f->satisfied_from) s->satisfied[i]++;
    }
    if (r->overall >= f->scale_min && r->overall <= f->scale_max) {
        s->overall_answered++;
        if (r->overall >= f->satisfied_from) s->overall_satisfied++;
    }
    return PS_OK;
}

static int add_kiosk(ps_agg *a, const ps_kiosk *r) {
    int rc = PS_OK;
    int ui = find_unit(a, r->unit_code, r->counter, &rc);
    if (ui < 0) return rc;
    ps_unit_agg *u = &a->u[ui];
    ps_time t;
    if (r->at && r->at[0]) {
        if (!ps_parse_time(r->at, &t)) return dq_add(u, "bad_date", 1, r->at);
        ps_day day = ps_time_day(t);
        if (day < a->cfg.period.first || day > a->cfg.period.last) return PS_OK;
    }
    if (r->level < 1 || r->level > 4) return dq_add(u, "bad_kiosk_level", 1, r->counter);
    u->k.total++;
    u->k.level[r->level]++;
    return PS_OK;
}

/* A count made where the data lives (ps_counter, ABI 2).  The key table is
 * the printer's (ps_counters.c); besides it: "ex.<reason>" (a count, or with
 * `code` one kept example), "dq.<issue>" (likewise, the finding's examples),
 * "fee.with_dossier" / "fee.with_payment" (code: a fee procedure of the
 * catalogue that has a dossier / an online payment in the unit) and "rows"
 * (records the source holds for the unit code: what the unknown-unit list
 * counts when the code is not a unit of the run; code = its first record). */
static int add_counter(ps_agg *a, const ps_counter *c, const char *source, ps_error *err) {
    const char *key = c->key ? c->key : "";
    const ps_counter_def *def = ps_counter_def_find(key);
    int ex = strncmp(key, "ex.", 3) == 0 ? ps_example_from_key(key + 3) : -1;
    int dq = strncmp(key, "dq.", 3) == 0 && key[3];
    int fee = strcmp(key, "fee.with_dossier") == 0 ? 1 : strcmp(key, "fee.with_payment") == 0 ? 2 : 0;
    int rows = strcmp(key, "rows") == 0;
    if (!def && ex < 0 && !dq && !fee && !rows)
        return ps_error_set(err, PS_EPLUGIN, source, c->src_line, 0,
                            "the plugin sent a counter named \"%.60s\" (unit %.40s): parscore has "
                            "no such counter; the names are those `parscore aggregate` prints "
                            "(docs/plugins.md, \"Counting on the server\")",
                            key, c->unit_code ? c->unit_code : "?");
    if (a->cfg.dedup)
        return ps_error_set(err, PS_ECONFIG, source, 0, 0,
                            "this source counted on its server (a counter record), but the job "
                            "merges it dossier by dossier with another source (the database wins, "
                            "the portal adds what only it knows): counts cannot be merged that "
                            "way; read this source row by row (aggregate = \"rows\"), or set "
                            "dedup = false when the sources hold different dossiers "
                            "(docs/scale-out.md)");
    int count_ok = c->value >= 0 && c->value <= (double)UINT32_MAX && c->value == (double)(uint32_t)c->value;
    if (!c->code && !def && !count_ok)
        return ps_error_set(err, PS_EPLUGIN, source, c->src_line, 0,
                            "counter %s of unit %.40s is %g, not a count", key,
                            c->unit_code ? c->unit_code : "?", c->value);
    int ui = ps_units_find(a->cfg.units, c->unit_code);
    if (rows) return ui >= 0 ? PS_OK : note_unknown_units(a, c->unit_code, c->code, (uint32_t)c->value);
    if (ui < 0) return PS_OK; /* the "rows" counter of that code lists it */
    ps_unit_agg *u = &a->u[ui];
    if (def) {
        if (ps_counter_add(u, def, c->value) != PS_OK)
            return ps_error_set(err, PS_EPLUGIN, source, c->src_line, 0,
                                "counter %s of unit %.40s is %g, not a count", key,
                                c->unit_code, c->value);
        return PS_OK;
    }
    if (ex >= 0) {
        if (c->code) return keep_example(a, u, (ps_example_kind)ex, c->code);
        u->ex[ex].count += (uint32_t)c->value;
        return PS_OK;
    }
    if (dq) return dq_add(u, key + 3, c->code ? 0 : (uint32_t)c->value, c->code);
    int pi = proc_get(a, c->code, 0, NULL);
    if (pi < 0 || !a->procs[pi].known || !a->procs[pi].has_fee)
        return ps_error_set(err, PS_EPLUGIN, source, c->src_line, 0,
                            "counter %s of unit %.40s names procedure %.40s, which is not a "
                            "fee procedure of the catalogue read before it", key, c->unit_code,
                            c->code ? c->code : "(none)");
    return set_fee_bit(u, fee == 2, (size_t)pi);
}

/* ---- measures ------------------------------------------------------- */

static int measure_key(ps_agg *a, const char *key, const char *source, long line,
                       ps_error *err) {
    int i;
    if (ps_map_get(&a->measure_key_index, key, &i)) return i;
    if (a->n_measure_keys >= PS_MEASURE_KEYS_MAX) {
        ps_error_set(err, PS_EDATA, source, line, 0,
                     "more than %d different measure keys (at '%s'): a rule set declares a "
                     "few dozen; check that the key column holds measure keys",
                     PS_MEASURE_KEYS_MAX, key);
        return -1;
    }
    if (a->n_measure_keys == a->cap_measure_keys) {
        size_t cap = a->cap_measure_keys ? a->cap_measure_keys * 2 : 32;
        char **grown = ps_realloc(a->measure_keys, cap * sizeof *grown);
        if (!grown) goto nomem;
        a->measure_keys = grown;
        a->cap_measure_keys = cap;
    }
    i = (int)a->n_measure_keys;
    if (!(a->measure_keys[i] = ps_arena_strdup(&a->arena, key)) ||
        ps_map_put(&a->measure_key_index, key, i) != PS_OK)
        goto nomem;
    a->n_measure_keys++;
    return i;
nomem:
    ps_error_set(err, PS_ENOMEM, source, line, 0, "out of memory");
    return -1;
}

/* Copies a field of the record into the arena: "" and NULL stay NULL. */
static int keep_str(ps_agg *a, const char **dst, const char *src) {
    *dst = NULL;
    if (!src || !*src) return 1;
    return (*dst = ps_arena_strdup(&a->arena, src)) != NULL;
}

/* One source name per run of records, not one copy per measure. */
static const char *measure_source(ps_agg *a, const char *source, const char *sheet) {
    char buf[512];
    snprintf(buf, sizeof buf, "%s%s%s", source ? source : "", sheet ? ", " : "", sheet ? sheet : "");
    if (a->measure_source_copy && strcmp(a->measure_source_copy, buf) == 0)
        return a->measure_source_copy;
    a->measure_source_copy = ps_arena_strdup(&a->arena, buf);
    return a->measure_source_copy;
}

static int add_measure(ps_agg *a, const ps_measure *m, const char *source, ps_error *err) {
    int rc = PS_OK;
    const char *key = m->key ? m->key : "";
    int ui = find_unit(a, m->unit_code, key, &rc);
    if (ui < 0) return rc;
    ps_unit_agg *u = &a->u[ui];
    if (!*key) return dq_add(u, "measure_no_key", 1, m->unit_code);
    if (m->assessor < PS_ASSESS_SELF || m->assessor > PS_ASSESS_SYSTEM)
        return ps_error_set(err, PS_EPLUGIN, source, m->src_line, 0,
                            "measure %s of unit %s: assessor %d is not a ps_assessor "
                            "(1 self, 2 appraisal, 3 system)", key, m->unit_code, m->assessor);
    if (m->date && *m->date) {
        ps_day day;
        if (!ps_parse_date(m->date, &day)) return dq_add(u, "bad_date", 1, key);
        if (day < a->cfg.period.first || day > a->cfg.period.last) return PS_OK;
    }
    int k = measure_key(a, key, source, m->src_line, err);
    if (k < 0) return err->status;
    ps_unit_measure *um = NULL;
    for (size_t i = 0; i < u->n_m && !um; i++)
        if (u->m[i].key == (uint32_t)k) um = &u->m[i];
    if (!um) {
        if (u->n_m == u->cap_m) {
            size_t cap = u->cap_m ? u->cap_m * 2 : 4;
            ps_unit_measure *grown = ps_realloc(u->m, cap * sizeof *grown);
            if (!grown) return PS_ENOMEM;
            u->m = grown;
            u->cap_m = cap;
        }
        um = &u->m[u->n_m++];
        memset(um, 0, sizeof *um);
        um->key = (uint32_t)k;
    }
    ps_measure_value *v = &um->by[m->assessor - 1];
    if (v->count++) {
        if (a->cfg.measures_strict)
            return ps_error_set(err, PS_EDATA, source, m->src_line, 0,
                                "unit %s, measure %s: a second %s value (the first is on row "
                                "%ld); keep one row per unit, measure and assessor, or set "
                                "measures_strict = false to keep the first and report it",
                                m->unit_code, key,
                                m->assessor == PS_ASSESS_SELF ? "self-assessed"
                                : m->assessor == PS_ASSESS_APPRAISAL ? "appraised" : "system",
                                v->src_line);
        return dq_add(u, "measure_assessed_twice", 1, key);
    }
    v->has_value = m->has_value != 0;
    v->value = m->value;
    v->src_line = m->src_line;
    if (!keep_str(a, &v->text, m->text) || !keep_str(a, &v->assessed_by, m->assessed_by) ||
        !keep_str(a, &v->evidence_doc, m->evidence_doc) ||
        !keep_str(a, &v->evidence_date, m->evidence_date) ||
        !keep_str(a, &v->evidence_ref, m->evidence_ref) || !keep_str(a, &v->note, m->note) ||
        !(v->source = measure_source(a, source, m->src_sheet)))
        return PS_ENOMEM;
    if (v->has_value && !isfinite(v->value)) v->has_value = 0;
    return PS_OK;
}

int ps_agg_add(ps_agg *a, int source, ps_record_kind kind, const void *recs,
               size_t count, const char *source_name, ps_error *err) {
    a->current_source = source;
    if ((unsigned)kind < PS_REC_KIND_END) a->records[kind] += count;
    int rc = PS_OK;
    for (size_t i = 0; i < count && rc == PS_OK; i++) {
        switch (kind) {
        case PS_REC_PROCEDURE: rc = add_procedure(a, (const ps_procedure *)recs + i); break;
        case PS_REC_DOSSIER: rc = add_dossier(a, (const ps_dossier *)recs + i); break;
        case PS_REC_FEEDBACK: rc = add_feedback(a, (const ps_feedback *)recs + i); break;
        case PS_REC_PUBLICITY: rc = add_publicity(a, (const ps_publicity *)recs + i); break;
        case PS_REC_SURVEY_FORM:
            return add_form(a, (const ps_survey_form *)recs + i, source_name, err);
        case PS_REC_SURVEY_RESPONSE:
            rc = add_response(a, (const ps_survey_response *)recs + i, source_name, err);
            if (rc != PS_OK && err->status == rc) return rc;
            break;
        case PS_REC_KIOSK: rc = add_kiosk(a, (const ps_kiosk *)recs + i); break;
        case PS_REC_MEASURE:
            rc = add_measure(a, (const ps_measure *)recs + i, source_name, err);
            if (rc != PS_OK && err->status == rc) return rc;
            break;
        case PS_REC_COUNTER:
            rc = add_counter(a, (const ps_counter *)recs + i, source_name, err);
            if (rc != PS_OK && err->status == rc) return rc;
            break;
        default:
            return ps_error_set(err, PS_EPLUGIN, source_name, 0, 0,
                                "plugin emitted unknown record kind %d", (int)kind);
        }
    }
    if (rc == PS_ENOMEM) return ps_error_set(err, PS_ENOMEM, source_name, 0, 0, "out of memory");
    if (a->stray)
        return ps_error_set(err, PS_EDATA, source_name, 0, 0,
                            "unit %s is not in the province of this source's first records",
                            a->stray_code);
    return rc;
}

/* ---- roll-up ---------------------------------------------------------- */

/* Add src's counters into dst.  Example codes and findings are appended
 * after dst's own (units in order for the roll-up, partial aggregates in
 * order for ps_agg_merge).  proc_map renumbers src's procedures into a's
 * (NULL: the same table); all_dq keeps every example of a finding (the
 * roll-up keeps the first only, as it always has). */
static int merge_unit(ps_agg *a, ps_unit_agg *dst, const ps_unit_agg *src, const int *proc_map,
                      int all_dq) {
    /* dossier counters: uint32 fields up to cut_sum, then the two sums */
    uint32_t *dw = (uint32_t *)&dst->d;
    const uint32_t *sw = (const uint32_t *)&src->d;
    for (size_t i = 0; i < offsetof(ps_dossier_counts, cut_sum) / sizeof(uint32_t); i++) dw[i] += sw[i];
    dst->d.cut_sum += src->d.cut_sum;
    dst->d.days_sum += src->d.days_sum;
    uint32_t *fw = (uint32_t *)&dst->f;
    const uint32_t *sf = (const uint32_t *)&src->f;
    for (size_t i = 0; i < sizeof(ps_feedback_counts) / sizeof(uint32_t); i++) fw[i] += sf[i];
    dst->p.reports += src->p.reports;
    dst->p.must_announce += src->p.must_announce;
    dst->p.announced_on_time += src->p.announced_on_time;
    dst->p.must_update += src->p.must_update;
    dst->p.updated_on_time += src->p.updated_on_time;
    dst->p.published += src->p.published;
    dst->p.published_full += src->p.published_full;
    dst->k.total += src->k.total;
    for (int i = 0; i < 5; i++) dst->k.level[i] += src->k.level[i];
    dst->s.respondents += src->s.respondents;
    dst->s.overall_answered += src->s.overall_answered;
    dst->s.overall_satisfied += src->s.overall_satisfied;
    if (src->s.answered) {
        size_t n = a->form.n_criteria;
        if (!dst->s.answered) {
            dst->s.answered = ps_calloc(n, sizeof(uint32_t));
            dst->s.satisfied = ps_calloc(n, sizeof(uint32_t));
            if (!dst->s.answered || !dst->s.satisfied) return PS_ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
            dst->s.answered[i] += src->s.answered[i];
            dst->s.satisfied[i] += src->s.satisfied[i];
        }
    }
    if (src->fee_words && !proc_map) {
        int rc = fee_reserve(dst, src->fee_words);
        if (rc) return rc;
        for (size_t w = 0; w < src->fee_words; w++) {
            dst->fee_with_dossier[w] |= src->fee_with_dossier[w];
            dst->fee_with_payment[w] |= src->fee_with_payment[w];
        }
    }
    for (size_t w = 0; proc_map && w < src->fee_words; w++) {
        if (!src->fee_with_dossier[w] && !src->fee_with_payment[w]) continue;
        for (size_t bit = w * 64; bit < w * 64 + 64; bit++) {
            int rc = PS_OK;
            if ((src->fee_with_dossier[w] >> (bit % 64)) & 1)
                rc = set_fee_bit(dst, 0, (size_t)proc_map[bit]);
            if (rc == PS_OK && ((src->fee_with_payment[w] >> (bit % 64)) & 1))
                rc = set_fee_bit(dst, 1, (size_t)proc_map[bit]);
            if (rc) return rc;
        }
    }
    ps_buf scratch;
    ps_buf_init(&scratch, 0);
    for (int k = 0; k < PS_EX__COUNT; k++) {
        const ps_examples *se = &src->ex[k];
        ps_examples *de = &dst->ex[k];
        if (se->kept && de->kept < a->cfg.examples_max) {
            const char *code;
            int rc = ps_examples_read(se, &scratch, &code);
            for (uint32_t i = 0; rc == PS_OK && i < se->kept; i++, code += strlen(code) + 1)
                rc = ps_examples_push(de, code, a->cfg.examples_max);
            if (rc) {
                ps_buf_free(&scratch);
                return rc;
            }
        }
        de->count += se->count;
        de->seg_source = 0;
    }
    ps_buf_free(&scratch);
    for (size_t i = 0; i < src->n_dq; i++) {
        const ps_dq_entry *e = &src->dq[i];
        int rc = dq_add(dst, e->key, e->count, e->kept ? e->examples[0] : NULL);
        for (uint32_t j = 1; all_dq && rc == PS_OK && j < e->kept; j++)
            rc = dq_add(dst, e->key, 0, e->examples[j]);
        if (rc) return rc;
    }
    return PS_OK;
}

uint64_t ps_agg_activity(const ps_agg *a) {
    uint64_t n = a->dup_in_scope;
    for (size_t i = 0; i < a->n_units; i++) {
        if (!a->cfg.units->items[i].selected) continue;
        const ps_unit_agg *u = &a->u[i];
        n += (uint64_t)u->d.received + (uint64_t)u->d.finished + (uint64_t)u->d.in_progress +
             (uint64_t)u->f.received + u->p.reports + u->s.respondents + u->k.total;
        for (size_t k = 0; k < u->n_m; k++)   /* measure values in the period */
            for (int w = 0; w < PS_ASSESSORS; w++) n += u->m[k].by[w].count;
    }
    return n;
}

int ps_agg_expect(ps_agg *a, uint64_t rows) {
    if (!a->cfg.dedup) return PS_OK;
    return ps_fpset_reserve(&a->seen_dossiers, a->seen_dossiers.count + (size_t)rows);
}

/* The form of a partial aggregate must be the one already merged. */
static int merge_form(ps_agg *dst, const ps_agg *src, ps_error *err) {
    const ps_form *f = &src->form;
    if (!f->present) return PS_OK;
    if (!dst->form.present) {
        ps_survey_criterion *c = ps_calloc(f->n_criteria ? f->n_criteria : 1, sizeof *c);
        if (!c) return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
        for (size_t i = 0; i < f->n_criteria; i++) {
            c[i].code = f->criteria[i].code;
            c[i].name = f->criteria[i].name;
            c[i].element_code = f->criteria[i].element_code;
            c[i].element_name = f->criteria[i].element_name;
        }
        ps_survey_form r = {.code = f->code, .name = f->name, .scale_min = f->scale_min,
                            .scale_max = f->scale_max, .satisfied_from = f->satisfied_from,
                            .criteria = c, .n_criteria = f->n_criteria};
        int rc = add_form(dst, &r, "survey", err);
        ps_free(c);
        return rc;
    }
    int same = dst->form.n_criteria == f->n_criteria;
    for (size_t i = 0; same && i < f->n_criteria; i++)
        same = strcmp(dst->form.criteria[i].code, f->criteria[i].code) == 0;
    if (same) return PS_OK;
    return ps_error_set(err, PS_EDATA, NULL, 0, 0,
                        "survey form %s has other criteria than form %s read for another "
                        "province: one run scores one questionnaire design",
                        f->code, dst->form.code);
}

/* The measure values a partition kept, replayed into the run's aggregate
 * (strings copied into its arena); a value given twice keeps its count. */
static int merge_measures(ps_agg *dst, size_t unit, const ps_unit_agg *su, const ps_agg *src,
                          ps_error *err) {
    for (size_t k = 0; k < su->n_m; k++) {
        const ps_unit_measure *um = &su->m[k];
        for (int w = 0; w < PS_ASSESSORS; w++) {
            const ps_measure_value *v = &um->by[w];
            if (!v->count) continue;
            ps_measure m = {.unit_code = dst->cfg.units->items[unit].code,
                            .key = src->measure_keys[um->key], .has_value = v->has_value,
                            .value = v->value, .text = v->text, .assessor = w + 1,
                            .assessed_by = v->assessed_by, .evidence_doc = v->evidence_doc,
                            .evidence_date = v->evidence_date, .evidence_ref = v->evidence_ref,
                            .note = v->note, .src_line = v->src_line};
            int rc = add_measure(dst, &m, v->source, err);
            if (rc != PS_OK) return rc;
            ps_unit_agg *du = &dst->u[unit];
            for (size_t j = 0; j < du->n_m; j++)
                if (!strcmp(dst->measure_keys[du->m[j].key], m.key))
                    du->m[j].by[w].count += v->count - 1;
        }
    }
    return PS_OK;
}

int ps_agg_merge(ps_agg *dst, const ps_agg *src, ps_error *err) {
    int rc = merge_form(dst, src, err);
    if (rc != PS_OK) return rc;
    /* procedures by code: the first catalogue (in merge order) wins */
    int *map = ps_calloc(src->n_procs ? src->n_procs : 1, sizeof *map);
    if (!map) return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < src->n_procs && rc == PS_OK; i++) {
        const ps_proc *sp = &src->procs[i];
        int j = proc_get(dst, sp->code, 1, &rc);
        if (j < 0 || rc != PS_OK) break;
        map[i] = j;
        ps_proc *dp = &dst->procs[j];
        if (sp->known) {
            ps_procedure p = {.code = sp->code, .name = sp->name, .field = sp->field,
                              .legal_days = sp->legal_days, .online_level = sp->online_level,
                              .has_fee = sp->has_fee,
                              .has_result_document = sp->has_result_document};
            rc = add_procedure(dst, &p);
        } else if (!dp->known && !dp->online_level) {
            dp->online_level = sp->online_level;
        }
    }
    for (size_t i = 0; i < src->n_units && rc == PS_OK; i++) {
        rc = merge_unit(dst, &dst->u[i], &src->u[i], map, 1);
        park_unit(dst, &dst->u[i]);
    }
    ps_free(map);
    for (size_t i = 0; i < src->n_units && rc == PS_OK; i++)
        rc = merge_measures(dst, i, &src->u[i], src, err);
    for (size_t i = 0; i < src->n_unknown && rc == PS_OK; i++) {
        const ps_unknown_unit *x = &src->unknown[i];
        rc = note_unknown_units(dst, x->code, x->example, x->count);
    }
    dst->unknown_unlisted += src->unknown_unlisted;
    for (int k = 0; k < PS_REC_KIND_END; k++) dst->records[k] += src->records[k];
    dst->duplicates += src->duplicates;
    dst->dup_in_scope += src->dup_in_scope;
    if (rc != PS_OK && err->status == PS_OK)
        return ps_error_set(err, rc, NULL, 0, 0, "%s while merging aggregates",
                            rc == PS_EIO ? SPILL_UNREADABLE : "out of memory");
    return rc;
}

int ps_agg_rollup(ps_agg *a, ps_error *err) {
    const ps_units *units = a->cfg.units;
    /* deepest units first, so each unit is complete when added upward */
    int max_depth = 0;
    int *depth = ps_calloc(a->n_units, sizeof *depth);
    if (!depth) return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < a->n_units; i++) {
        int d = 0;
        for (int p = units->items[i].parent; p >= 0 && d < 16; p = units->items[p].parent) d++;
        depth[i] = d;
        if (d > max_depth) max_depth = d;
    }
    int rc = PS_OK;
    for (int d = max_depth; d >= 1 && rc == PS_OK; d--)
        for (size_t i = 0; i < a->n_units && rc == PS_OK; i++)
            if (depth[i] == d) rc = merge_unit(a, &a->u[units->items[i].parent], &a->u[i], NULL, 0);
    ps_free(depth);
    for (size_t i = 0; i < a->n_units && rc == PS_OK; i++) park_unit(a, &a->u[i]);
    if (rc != PS_OK)
        return ps_error_set(err, rc, NULL, 0, 0, "%s during roll-up",
                            rc == PS_EIO ? SPILL_UNREADABLE : "out of memory");
    return PS_OK;
}

void ps_agg_free(ps_agg *a) {
    for (size_t i = 0; a->u && i < a->n_units; i++) {
        ps_unit_agg *u = &a->u[i];
        for (int k = 0; k < PS_EX__COUNT; k++) ps_examples_free(&u->ex[k]);
        ps_free(u->dq);
        ps_free(u->s.answered);
        ps_free(u->s.satisfied);
        ps_free(u->fee_with_dossier);
        ps_free(u->fee_with_payment);
        ps_free(u->m);
    }
    ps_free(a->u);
    ps_free(a->measure_keys);
    ps_map_free(&a->measure_key_index);
    ps_free(a->procs);
    ps_map_free(&a->proc_index);
    ps_free(a->unknown);
    ps_map_free(&a->unknown_index);
    ps_fpset_free(&a->seen_dossiers);
    ps_fpset_free(&a->seen_feedback);
    spill_close(a);
    ps_arena_free(&a->arena);
    memset(a, 0, sizeof *a);
}
