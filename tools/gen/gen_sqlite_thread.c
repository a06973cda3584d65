/*
 * gen_sqlite_thread.c -- a writer thread in front of gen_out_sqlite.c.
 * SQLite inserts are about half of a run's CPU, and the rest (the model
 * and the text formats) does not depend on them, so on two cores the
 * database is filled by its own thread.  Records travel in batches
 * through a small bounded ring (memory stays constant); the thread inserts
 * them in the order given, so the database content is the same as a
 * single-threaded run.  At national scale each province has its own
 * database; a record names the one it goes to.  The connections are used
 * by one thread at a time: the caller before start and after finish, the
 * thread in between.
 */
#include "gen.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { BATCH = 512, RING = 4, BATCHES = RING + 2 };

typedef struct rec {
    int is_feedback;
    int db;                     /* index into dbs */
    union {
        gen_dossier d;
        gen_feedback f;
    } u;
} rec;

typedef struct batch {
    size_t n;
    rec items[BATCH];
} batch;

struct gen_sqlite_writer {
    gen_out_sqlite *const *dbs;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;          /* broadcast on every change below */
    batch *ring[RING];          /* full batches, oldest at head */
    int head, count;
    batch *spare[BATCHES];      /* empty batches */
    int n_spare;
    int closing, failed;
    ps_error err;               /* the thread's first error */
    batch *cur;                 /* the producer's batch being filled */
    batch *all[BATCHES];
};

static void *run(void *arg) {
    gen_sqlite_writer *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (w->count == 0 && !w->closing) pthread_cond_wait(&w->cv, &w->mu);
        if (w->count == 0) {
            pthread_mutex_unlock(&w->mu);
            return NULL;
        }
        batch *b = w->ring[w->head];
        w->head = (w->head + 1) % RING;
        w->count--;
        int failed = w->failed;
        pthread_mutex_unlock(&w->mu);

        ps_error e;
        int rc = PS_OK;
        for (size_t i = 0; i < b->n && !failed && rc == PS_OK; i++)
            rc = b->items[i].is_feedback
                     ? gen_sqlite_feedback(w->dbs[b->items[i].db], &b->items[i].u.f, &e)
                     : gen_sqlite_dossier(w->dbs[b->items[i].db], &b->items[i].u.d, &e);
        b->n = 0;
        pthread_mutex_lock(&w->mu);
        if (rc != PS_OK && !w->failed) {
            w->failed = 1;
            w->err = e;
        }
        w->spare[w->n_spare++] = b;
        pthread_cond_broadcast(&w->cv);
        pthread_mutex_unlock(&w->mu);
    }
}

int gen_sqlite_writer_start(gen_sqlite_writer **out, gen_out_sqlite *const *dbs, ps_error *err) {
    gen_sqlite_writer *w = calloc(1, sizeof *w);
    *out = NULL;
    if (!w) return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    w->dbs = dbs;
    for (int i = 0; i < BATCHES; i++) {
        w->all[i] = malloc(sizeof(batch));
        if (!w->all[i]) {
            for (int k = 0; k < i; k++) free(w->all[k]);
            free(w);
            return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
        }
        w->all[i]->n = 0;
    }
    w->cur = w->all[0];
    for (int i = 1; i < BATCHES; i++) w->spare[w->n_spare++] = w->all[i];
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        for (int i = 0; i < BATCHES; i++) free(w->all[i]);
        free(w);
        return ps_error_set(err, PS_EINTERNAL, NULL, 0, 0, "cannot start the SQLite writer thread");
    }
    *out = w;
    return PS_OK;
}

/* Hand the current batch to the thread and take an empty one. */
static int submit(gen_sqlite_writer *w, ps_error *err) {
    pthread_mutex_lock(&w->mu);
    while ((w->count == RING || w->n_spare == 0) && !w->failed) pthread_cond_wait(&w->cv, &w->mu);
    if (w->failed) {
        *err = w->err;
        pthread_mutex_unlock(&w->mu);
        return err->status;
    }
    w->ring[(w->head + w->count) % RING] = w->cur;
    w->count++;
    w->cur = w->spare[--w->n_spare];
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return PS_OK;
}

int gen_sqlite_writer_dossier(gen_sqlite_writer *w, int db, const gen_dossier *d, ps_error *err) {
    rec *r = &w->cur->items[w->cur->n++];
    r->is_feedback = 0;
    r->db = db;
    r->u.d = *d;
    return w->cur->n == BATCH ? submit(w, err) : PS_OK;
}

int gen_sqlite_writer_feedback(gen_sqlite_writer *w, int db, const gen_feedback *f, ps_error *err) {
    rec *r = &w->cur->items[w->cur->n++];
    r->is_feedback = 1;
    r->db = db;
    r->u.f = *f;
    return w->cur->n == BATCH ? submit(w, err) : PS_OK;
}

int gen_sqlite_writer_finish(gen_sqlite_writer *w, int flush, ps_error *err) {
    if (!w) return PS_OK;
    int rc = PS_OK;
    if (flush && w->cur->n) rc = submit(w, err);
    pthread_mutex_lock(&w->mu);
    w->closing = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    if (rc == PS_OK && w->failed) {
        *err = w->err;
        rc = err->status;
    }
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    for (int i = 0; i < BATCHES; i++) free(w->all[i]);
    free(w);
    return rc;
}
