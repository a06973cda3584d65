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
    const ps_nfc_cache *nfc;
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

static void fail(job_state *js, int rc, const ps_error *e, const char *code) {
    pthread_mutex_lock(&js->lock);
    if (!js->failed) {
        js->failed = rc;
        js->err = *e;
        if (!js->err.where[0]) ps_error_where(&js->err, code);
    }
    pthread_mutex_unlock(&js->lock);
}

static void *worker(void *arg) {
    job_state *js = arg;
    char path[2048];
    /* one libharu handle per thread, document after document: the faces
     * are parsed once per thread, not once per file */
    ps_pdf pdf;
    int have_pdf = 0;
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
        int rc = PS_OK;
        if (!have_pdf) {
            rc = ps_pdf_init(&pdf, js->layout, js->font_regular, js->font_bold, &e);
            if (rc != PS_OK) {   /* the faces, not this unit */
                fail(js, rc, &e, "fonts");
                break;
            }
            have_pdf = 1;
            pdf.nfc_cache = js->nfc;
            pdf.staged = js->o->staged;
        }
        rc = ps_render_scorecard_one(js->r, i, js->layout, &pdf, path, &e);
        if (rc != PS_OK) {
            fail(js, rc, &e, u->code);
            continue;
        }
        pthread_mutex_lock(&js->lock);
        js->done++;
        progress(js);
        pthread_mutex_unlock(&js->lock);
    }
    if (have_pdf) ps_pdf_close(&pdf);
    return NULL;
}

/* The texts every card prints, normalised once for the run. */
static int cache_texts(ps_nfc_cache *c, const ps_layout *l, const ps_results *r) {
    int rc = PS_OK;
#define ADD(s) do { if (rc == PS_OK) rc = ps_nfc_cache_add(c, (s)); } while (0)
    for (size_t i = 0; i < l->n_texts; i++) ADD(l->text_values[i]);
    ADD(r->title); ADD(r->period.label_vn); ADD(r->ruleset_name); ADD(r->issuer);
    for (size_t i = 0; i < r->n_units; i++) {
        const ps_unit_result *u = &r->units[i];
        ADD(u->name); ADD(u->parent_name); ADD(u->status); ADD(u->band);
        for (size_t g = 0; g < u->n_groups; g++) ADD(u->groups[g].name);
        for (size_t k = 0; k < u->n_criteria; k++) {
            const ps_criterion_result *cr = &u->criteria[k];
            ADD(cr->name); ADD(cr->target); ADD(cr->value_text); ADD(cr->note);
            for (size_t j = 0; j < cr->n_lost; j++) ADD(cr->lost[j].label);
        }
        for (size_t k = 0; k < u->n_facts; k++) { ADD(u->fact_keys[k]); ADD(u->fact_values[k]); }
    }
#undef ADD
    return rc;
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
    ps_nfc_cache nfc;
    memset(&nfc, 0, sizeof nfc);
    if (cache_texts(&nfc, &layout, r) != PS_OK) {
        ps_nfc_cache_free(&nfc);
        ps_layout_free(&layout);
        return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory (scorecard texts)");
    }
    job_state js;
    memset(&js, 0, sizeof js);
    js.r = r; js.o = o; js.layout = &layout; js.nfc = &nfc;
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
    ps_nfc_cache_free(&nfc);
    ps_layout_free(&layout);
    if (js.failed) {
        *err = js.err;
        return js.failed;
    }
    return PS_OK;
}
