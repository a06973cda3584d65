/*
 * ps_render.c -- the top of the rendering stage: one scorecard per unit
 * on worker threads (each thread owns its libharu documents, which are not
 * thread-safe to share; templates are read-only by then).  It calls the
 * report files below it and nothing calls back into it.
 */
#include "render/ps_render_int.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- scorecards in worker threads ---------------------------------- */

typedef struct job_state {
    const ps_results *r;
    const ps_render_opts *o;
    const ps_layout *layout;
    const char *font_regular, *font_bold;
    pthread_mutex_t lock;
    size_t next;                /* next unit to render */
    size_t done;                /* rendered, for the progress line */
    double last_progress;
    int failed;                 /* first error stops the others */
    ps_error err;
} job_state;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "scorecards: 37/100" on the terminal, at most 5 times a second (called
 * under the lock). */
static void progress(job_state *js) {
    if (!js->o->progress) return;
    double t = now_seconds();
    if (t - js->last_progress < 0.2 && js->done < js->r->n_units) return;
    js->last_progress = t;
    fprintf(stderr, "\r\033[Kscorecards: %zu/%zu", js->done, js->r->n_units);
}

static void *worker(void *arg) {
    job_state *js = arg;
    char path[2048];
    for (;;) {
        pthread_mutex_lock(&js->lock);
        size_t i = js->next++;
        int stop = js->failed || i >= js->r->n_units;
        pthread_mutex_unlock(&js->lock);
        if (stop) break;
        const ps_unit_result *u = &js->r->units[i];
        char name[256];
        ps_render_file_name(u, name, sizeof name);
        snprintf(path, sizeof path, "%s/%s", js->o->output_dir, name);
        ps_error e;
        memset(&e, 0, sizeof e);
        int rc = ps_render_scorecard_one(js->r, i, js->layout, js->font_regular,
                                         js->font_bold, path, &e);
        if (rc == PS_OK) {
            pthread_mutex_lock(&js->lock);
            js->done++;
            progress(js);
            pthread_mutex_unlock(&js->lock);
        } else {
            pthread_mutex_lock(&js->lock);
            if (!js->failed) {
                js->failed = rc;
                js->err = e;
                if (!js->err.where[0]) ps_error_where(&js->err, u->code);
            }
            pthread_mutex_unlock(&js->lock);
        }
    }
    return NULL;
}

int ps_render_scorecards(const ps_results *r, const ps_render_opts *o,
                         ps_error *err) {
    ps_layout layout;
    int rc = ps_render_check_dir(o->output_dir, err);
    if (rc) return rc;
    if ((rc = ps_render_names_unique(r, err))) return rc;
    if ((rc = ps_render_load_layout(&layout, o, "scorecard", err))) return rc;
    char reg[1024], bold[1024];
    if ((rc = ps_render_fonts(&layout, o, reg, bold, sizeof reg, err))) {
        ps_layout_free(&layout);
        return rc;
    }
    int n = o->threads > 0 ? o->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    if (n > 64) n = 64;
    if ((size_t)n > r->n_units) n = r->n_units ? (int)r->n_units : 1;
    job_state js;
    memset(&js, 0, sizeof js);
    js.r = r; js.o = o; js.layout = &layout;
    js.font_regular = reg; js.font_bold = bold;
    pthread_mutex_init(&js.lock, NULL);
    pthread_t th[64];
    int started = 0;
    for (int i = 1; i < n; i++) {
        if (pthread_create(&th[started], NULL, worker, &js) != 0) break;
        started++;
    }
    worker(&js);   /* the calling thread works too */
    for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
    if (o->progress && js.last_progress > 0) fputs("\r\033[K", stderr);  /* clear the line */
    pthread_mutex_destroy(&js.lock);
    ps_layout_free(&layout);
    if (js.failed) {
        *err = js.err;
        return js.failed;
    }
    return PS_OK;
}
