/*
 * ps_run.c -- runs a job stage by stage (source -> records -> aggregates ->
 * Lua -> layout -> PDF) and owns everything a run allocates.
 */
#include "run/ps_run.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <utf8proc.h>

#include "render/ps_render.h"
#include "run/ps_outdir.h"
#include "score/ps_score.h"

#ifndef PS_INSTALL_DATA_DIR
#define PS_INSTALL_DATA_DIR "/usr/local/share/parscore"
#endif
#ifndef PS_SOURCE_DIR
#define PS_SOURCE_DIR "."
#endif

int ps_exit_code(int status) {
    switch (status) {
    case PS_OK: return PS_EXIT_OK;
    case PS_ECONFIG: return PS_EXIT_CONFIG;
    case PS_EPARSE:
    case PS_EDATA: return PS_EXIT_DATA;
    case PS_EABI:
    case PS_EPLUGIN: return PS_EXIT_PLUGIN;
    case PS_ESCRIPT: return PS_EXIT_SCRIPT;
    case PS_EIO: return PS_EXIT_DATA;
    default: return PS_EXIT_DATA;
    }
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ps_paths_default(ps_paths *paths, ps_path_store *store) {
    const char *env = getenv("PARSCORE_DATA_DIR");
    char root[PATH_MAX] = "";
    if (env && *env) {
        snprintf(root, sizeof root, "%s", env);
    } else {
        char exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n > 0) {
            exe[n] = '\0';
            char *slash = strrchr(exe, '/');
            if (slash) *slash = '\0';
            char probe[PATH_MAX + 64];
            snprintf(probe, sizeof probe, "%s/../share/parscore/scripts", exe);
            if (access(probe, R_OK) == 0) snprintf(root, sizeof root, "%.*s/../share/parscore", PATH_MAX - 32, exe);
        }
#ifdef PS_NO_SOURCE_TREE
        /* a packaged binary: never the tree it was built from */
        if (!root[0]) snprintf(root, sizeof root, "%s", PS_INSTALL_DATA_DIR);
#else
        /* the build tree's binary reads the source tree's scripts/ etc. */
        if (!root[0]) snprintf(root, sizeof root, "%s", PS_SOURCE_DIR);
#endif
    }
    /* cppcheck-suppress ctuuninitvar ; store is output only: written here, never read */
    snprintf(store->scripts, sizeof store->scripts, "%.*s/scripts", PATH_MAX - 32, root);
    snprintf(store->templates, sizeof store->templates, "%.*s/templates", PATH_MAX - 32, root);
    snprintf(store->data, sizeof store->data, "%.*s/data", PATH_MAX - 32, root);
    paths->scripts_dir = store->scripts;
    paths->templates_dir = store->templates;
    paths->data_dir = store->data;
}

static void select_scope(ps_units *u, const ps_job *job) {
    if (!job->n_scope) return;
    for (size_t i = 0; i < u->count; i++) {
        u->items[i].selected = 0;
        for (int p = (int)i; p >= 0 && !u->items[i].selected; p = u->items[p].parent)
            for (size_t s = 0; s < job->n_scope; s++)
                if (strcmp(u->items[p].code, job->scope[s]) == 0) u->items[i].selected = 1;
    }
}

int ps_run_load(ps_run *run, const ps_run_config *cfg, ps_error *err) {
    memset(run, 0, sizeof *run);
    run->cfg = *cfg;
    run->have_job = 1; /* ps_job_free is safe on a partly loaded job */
    int rc = ps_job_load(&run->job, cfg->job_path, &cfg->paths, err);
    if (rc != PS_OK) return rc;
    run->have_units = 1;
    if ((rc = ps_units_load(&run->units, run->job.units_file, err)) != PS_OK) return rc;
    for (size_t i = 0; i < run->job.n_declare; i++) {
        const ps_job_unit_decl *d = &run->job.declare[i];
        if ((rc = ps_units_declare(&run->units, d->code, d->name, d->level, d->parent, err))) {
            snprintf(err->file, sizeof err->file, "%s", run->job.path);
            return rc;
        }
    }
    for (size_t s = 0; s < run->job.n_scope; s++)
        if (ps_units_find(&run->units, run->job.scope[s]) < 0)
            return ps_error_set(err, PS_ECONFIG, run->job.path, 0, 0,
                                "scope: unit %s is not in the unit list %s (nor declared)",
                                run->job.scope[s], run->job.units_file);
    select_scope(&run->units, &run->job);
    if ((rc = ps_calendar_load(&run->calendar, run->job.calendar_file, err)) != PS_OK) return rc;
    run->have_calendar = 1;
    if ((rc = ps_calendar_covers(&run->calendar, &run->job.period, err)) != PS_OK) return rc;
    return PS_OK;
}

typedef struct source_slot {
    ps_loaded_plugin plugin;
    const ps_job_source *src;
    size_t job_index;
    char label[256];
    int province;               /* from ps_source_probe; -1: several or none */
    ps_source_report report;
    int empty;                  /* nothing for the period and scope (ps_agg_activity) */
} source_slot;

/* The records a source gives per unit: a source of only these kinds (a
 * catalogue, a survey form) has nothing of its own to find in a period. */
#define PER_UNIT_KINDS (PS_KIND_BIT(PS_REC_DOSSIER) | PS_KIND_BIT(PS_REC_FEEDBACK) | \
                        PS_KIND_BIT(PS_REC_PUBLICITY) | PS_KIND_BIT(PS_REC_SURVEY_RESPONSE) | \
                        PS_KIND_BIT(PS_REC_KIOSK))

/* A source that brought nothing for the period and scope: an official
 * scorecard would then show a unit failing every criterion it had no data
 * for.  Noted here; ps_run_score refuses it (exit 4) unless the job says
 * `allow_empty = true`. */
static void empty_source(ps_run *run, const source_slot *s, uint64_t records) {
    if (!(s->plugin.desc->record_kinds & PER_UNIT_KINDS)) return;
    char label[256], scope[160] = "";
    ps_source_label(s->src, label, sizeof label);
    size_t o = 0;
    for (size_t i = 0; i < run->job.n_scope && o < sizeof scope - 8; i++)
        o += (size_t)snprintf(scope + o, sizeof scope - o, "%s%s", i ? ", " : " (scope: ",
                              run->job.scope[i]);
    if (o) snprintf(scope + o, sizeof scope - o, ")");
    char msg[sizeof run->empty_msg];
    snprintf(msg, sizeof msg, "source %s has no records for %s in the units of the run%s (it "
             "read %llu records, none of them in that period and scope)",
             label, run->job.period.label_vn, scope, (unsigned long long)records);
    if (!run->n_empty++) memcpy(run->empty_msg, msg, sizeof msg);
    if (run->cfg.verbose >= 0 && (run->job.allow_empty || run->n_empty > 1))
        fprintf(stderr, "parscore: warning: %s%s\n", msg,
                run->job.allow_empty ? "; scoring anyway (allow_empty)" : "");
}

/* Precedence, then plugin and label, so the order (and with it every
 * output) does not depend on the order the job lists its sources in. */
static int by_precedence(const void *a, const void *b) {
    const source_slot *x = a, *y = b;
    if (x->plugin.desc->precedence != y->plugin.desc->precedence)
        return x->plugin.desc->precedence < y->plugin.desc->precedence ? -1 : 1;
    int c = strcmp(x->plugin.desc->name, y->plugin.desc->name);
    if (!c) c = strcmp(x->label, y->label);
    if (c) return c;
    return x->job_index < y->job_index ? -1 : x->job_index > y->job_index;
}

/* One partition of the job: the sources of one province (or all of them,
 * or those that cover no single province), read in precedence order into
 * a partial aggregate of its own. */
typedef struct ingest_group {
    int province;               /* unit index + 1; 0: any */
    size_t *slots;              /* into the slot array, in precedence order */
    size_t n_slots;
    ps_agg agg;
    int have_agg, done, failed, stopped;
    ps_error err;
} ingest_group;

typedef struct ingest_pool {
    ps_run *run;
    source_slot *slots;
    ingest_group *groups;
    size_t n_groups;
    ps_agg_config ac;
    ps_run_opts ro;
    pthread_mutex_t lock;
    size_t next;                /* next group to read */
    size_t next_merge;          /* groups merged into run->agg so far */
    int merge_rc;
    ps_error merge_err;
    _Atomic int stop;
} ingest_pool;

static int read_group(ingest_pool *pool, ingest_group *g, ps_error *err) {
    ps_agg_config ac = pool->ac;
    ac.province = g->province;
    g->have_agg = 1;
    int rc = ps_agg_init(&g->agg, &ac, err);
    for (size_t k = 0; k < g->n_slots && rc == PS_OK; k++) {
        source_slot *sl = &pool->slots[g->slots[k]];
        uint64_t before = ps_agg_activity(&g->agg);
        rc = ps_source_run(&sl->plugin, sl->src, &pool->run->job, (int)g->slots[k], &g->agg,
                           &pool->ro, &sl->report, err);
        sl->empty = rc == PS_OK && ps_agg_activity(&g->agg) == before;
    }
    /* the duplicate state of a province is done with: free it before the
     * next province is read */
    ps_fpset_free(&g->agg.seen_dossiers);
    ps_fpset_free(&g->agg.seen_feedback);
    return rc;
}

/* Merge every finished group that is next in line; called with the lock
 * held, so partial aggregates go into the run's in group order and are
 * freed as soon as they are in. */
static void merge_ready(ingest_pool *pool) {
    while (pool->next_merge < pool->n_groups && pool->groups[pool->next_merge].done) {
        ingest_group *g = &pool->groups[pool->next_merge++];
        if (!g->failed && pool->merge_rc == PS_OK)
            pool->merge_rc = ps_agg_merge(&pool->run->agg, &g->agg, &pool->merge_err);
        if (pool->merge_rc != PS_OK) pool->stop = 1;
        if (g->have_agg && !g->agg.stray) {
            ps_agg_free(&g->agg);
            g->have_agg = 0;
        }
    }
}

static void *ingest_worker(void *arg) {
    ingest_pool *pool = arg;
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        size_t i = pool->next++;
        pthread_mutex_unlock(&pool->lock);
        if (i >= pool->n_groups) break;
        ingest_group *g = &pool->groups[i];
        ps_error e;
        memset(&e, 0, sizeof e);
        int rc = pool->stop ? PS_EINTERNAL : read_group(pool, g, &e);
        pthread_mutex_lock(&pool->lock);
        if (rc != PS_OK) {
            g->failed = rc;
            /* stopped because another group failed: not the error to report */
            g->stopped = e.status == PS_EINTERNAL || e.status == PS_OK;
            g->err = e;
            pool->stop = 1;
        }
        g->done = 1;
        merge_ready(pool);
        pthread_mutex_unlock(&pool->lock);
    }
    return NULL;
}

static int run_pool(ingest_pool *pool, int workers, ps_error *err) {
    pthread_mutex_init(&pool->lock, NULL);
    pthread_t th[64];
    int started = 0;
    if ((size_t)workers > pool->n_groups) workers = (int)pool->n_groups;
    for (int i = 1; i < workers && i <= 64; i++) {
        if (pthread_create(&th[started], NULL, ingest_worker, pool) != 0) break;
        started++;
    }
    ingest_worker(pool); /* the calling thread works too */
    for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
    pthread_mutex_destroy(&pool->lock);
    /* the first real failure in group order, whichever thread saw it first */
    for (size_t i = 0; i < pool->n_groups; i++)
        if (pool->groups[i].failed && !pool->groups[i].stopped) {
            *err = pool->groups[i].err;
            return pool->groups[i].failed;
        }
    /* a failed merge stopped the others */
    if (pool->merge_rc != PS_OK) {
        *err = pool->merge_err;
        return pool->merge_rc;
    }
    for (size_t i = 0; i < pool->n_groups; i++)
        if (pool->groups[i].failed) {
            *err = pool->groups[i].err;
            return pool->groups[i].failed;
        }
    return PS_OK;
}

static void free_groups(ingest_group *groups, size_t n) {
    for (size_t i = 0; groups && i < n; i++) {
        ps_free(groups[i].slots);
        if (groups[i].have_agg) ps_agg_free(&groups[i].agg);
    }
    ps_free(groups);
}

static int by_first_source(const void *a, const void *b) {
    const ingest_group *x = a, *y = b;
    return x->slots[0] < y->slots[0] ? -1 : x->slots[0] > y->slots[0];
}

/* Partition the sorted sources.  by_province: one group per province that
 * sources cover, and one for the sources that cover no single province;
 * else one group of everything. */
static int make_groups(const ps_run *run, const source_slot *slots, size_t n, int by_province,
                       ingest_group **out, size_t *n_out) {
    size_t n_units = run->units.count;
    ingest_group *groups = ps_calloc(n_units + 1, sizeof *groups);
    if (!groups) return PS_ENOMEM;
    size_t ng = 0;
    for (size_t p = 0; by_province && p <= n_units; p++) {
        int want = p < n_units ? (int)p : -1;
        ingest_group *g = &groups[ng];
        for (size_t i = 0; i < n; i++) {
            if (slots[i].province != want) continue;
            if (!g->slots && !(g->slots = ps_calloc(n, sizeof *g->slots))) {
                free_groups(groups, ng + 1);
                return PS_ENOMEM;
            }
            g->slots[g->n_slots++] = i;
        }
        if (g->n_slots) {
            g->province = want >= 0 ? want + 1 : 0;
            ng++;
        }
    }
    if (!by_province) {
        if (!(groups[0].slots = ps_calloc(n ? n : 1, sizeof *groups[0].slots))) {
            ps_free(groups);
            return PS_ENOMEM;
        }
        for (size_t i = 0; i < n; i++) groups[0].slots[i] = i;
        groups[0].n_slots = n;
        ng = 1;
    }
    /* merged in reading order of their first source: with one province,
     * exactly the order one partition would read them in */
    qsort(groups, ng, sizeof *groups, by_first_source);
    *out = groups;
    *n_out = ng;
    return PS_OK;
}

/* Sources read into the run's aggregate, one province at a time on a pool
 * of workers.  Each province has its own database and portal export, so
 * the duplicate state of one province is all that is alive per worker, and
 * the partial aggregates are merged in a fixed order (of their first
 * source in reading order, i.e. precedence, plugin, path): the outputs are
 * the same bytes for any number of workers. */
static int ingest_sources(ps_run *run, source_slot *slots, size_t n, const ps_agg_config *ac,
                          ps_error *err) {
    const uint32_t held = PS_KIND_BIT(PS_REC_DOSSIER) | PS_KIND_BIT(PS_REC_FEEDBACK) |
                          PS_KIND_BIT(PS_REC_PROCEDURE);
    /* Probing opens a source and reads its first batch: with fewer than two
     * sources that hold dossiers, feedback or a catalogue there is nothing
     * to partition, and a probe would make a source that counts on its
     * server run its grouped query twice. */
    size_t n_held = 0;
    for (size_t i = 0; i < n; i++) {
        slots[i].province = -1;
        n_held += (slots[i].plugin.desc->record_kinds & held) != 0;
    }
    int by_province = n_held > 1;
    for (size_t i = 0; by_province && i < n; i++) {
        /* Sources without dossiers, feedback or a catalogue (surveys,
         * kiosks, measures) share nothing with other sources but additive
         * counters: they go to the partition of no province, unprobed (a
         * national survey file's first batch may well be all of one
         * province). */
        if (!(slots[i].plugin.desc->record_kinds & held)) continue;
        int rc = ps_source_probe(&slots[i].plugin, slots[i].src, &run->job, &run->units,
                                 &slots[i].province, err);
        if (rc != PS_OK) return rc;
        /* a national file of dossiers shares duplicates and the catalogue
         * with every province: then the job is read as one partition */
        if (slots[i].province < 0) by_province = 0;
    }
    int workers = run->cfg.jobs > 0 ? run->cfg.jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (workers < 1) workers = 1;
    for (int attempt = 0; attempt < 2; attempt++) {
        ingest_pool pool;
        memset(&pool, 0, sizeof pool);
        pool.run = run;
        pool.slots = slots;
        pool.ac = *ac;
        pool.ro.verbose = run->cfg.verbose;
        pool.ro.progress = run->cfg.progress && workers == 1;
        pool.ro.stop = &pool.stop;
        if (make_groups(run, slots, n, by_province, &pool.groups, &pool.n_groups) != PS_OK)
            return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
        if (run->cfg.verbose > 0)
            fprintf(stderr, "parscore: reading %zu partition%s (%s) on %d worker%s\n",
                    pool.n_groups, pool.n_groups == 1 ? "" : "s",
                    by_province ? "by province" : "one for the whole job",
                    workers < (int)pool.n_groups ? workers : (int)pool.n_groups,
                    workers < 2 || pool.n_groups < 2 ? "" : "s");
        run->have_agg = 1;
        int rc = ps_agg_init(&run->agg, ac, err);
        if (rc == PS_OK) ps_agg_spill_open(&run->agg);
        if (rc == PS_OK) rc = run_pool(&pool, workers, err);
        int stray = 0;
        for (size_t i = 0; i < pool.n_groups; i++)
            stray |= pool.groups[i].have_agg && pool.groups[i].agg.stray;
        free_groups(pool.groups, pool.n_groups);
        if (!stray || !by_province) return rc;
        /* a source's first records were all of one province, later ones
         * were not: read everything again as one partition */
        if (run->cfg.verbose > 0) {
            char why[1200];
            fprintf(stderr, "parscore: a source covers several provinces (%s); reading the "
                            "job as one partition\n", ps_error_format(err, why, sizeof why));
        }
        ps_agg_free(&run->agg);
        memset(err, 0, sizeof *err);
        by_province = 0;
    }
    return PS_OK;
}

int ps_run_ingest(ps_run *run, ps_error *err) {
    ps_plugin_path pp;
    int rc = ps_plugin_path_init(&pp, run->cfg.plugin_dirs, run->cfg.n_plugin_dirs, err);
    if (rc != PS_OK) return rc;
    size_t n = run->job.n_sources;
    source_slot *slots = ps_calloc(n, sizeof *slots);
    if (!slots) {
        ps_plugin_path_free(&pp);
        return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    size_t loaded = 0;
    /* Duplicates are looked for between sources of different plugins (the
     * database and the portal hold the same dossiers); several sources of
     * one plugin are partitions (one portal export per province), and
     * skipping the fingerprints there keeps memory flat.  `dedup` in the
     * job overrides. */
    const ps_plugin *first_kind = NULL;
    int mixed = 0;
    for (; loaded < n; loaded++) {
        slots[loaded].src = &run->job.sources[loaded];
        slots[loaded].job_index = loaded;
        ps_source_label(slots[loaded].src, slots[loaded].label, sizeof slots[loaded].label);
        rc = ps_plugin_find(&pp, slots[loaded].src->plugin, &slots[loaded].plugin, err);
        if (rc != PS_OK) {
            if (!err->file[0]) snprintf(err->file, sizeof err->file, "%s", run->job.path);
            goto out;
        }
        if (slots[loaded].plugin.desc->record_kinds &
            (PS_KIND_BIT(PS_REC_DOSSIER) | PS_KIND_BIT(PS_REC_FEEDBACK)))
        {
            if (!first_kind) first_kind = slots[loaded].plugin.desc;
            else if (strcmp(first_kind->name, slots[loaded].plugin.desc->name) != 0) mixed = 1;
        }
    }
    qsort(slots, n, sizeof *slots, by_precedence);
    ps_free(run->source_order);
    if (!(run->source_order = ps_calloc(n ? n : 1, sizeof *run->source_order))) {
        rc = ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) run->source_order[i] = slots[i].job_index;
    ps_agg_config ac = {
        .period = run->job.period,
        .calendar = &run->calendar,
        .units = &run->units,
        .examples_max = run->job.examples_max,
        .dedup = run->job.dedup < 0 ? mixed : run->job.dedup,
        .measures_strict = run->job.measures_strict,
    };
    double t0 = now_seconds();
    if ((rc = ingest_sources(run, slots, n, &ac, err)) != PS_OK) goto out;
    for (size_t i = 0; i < n && run->cfg.verbose > 0; i++)
        fprintf(stderr, "parscore: %s: %llu records in %.2f s\n", slots[i].label,
                (unsigned long long)slots[i].report.records, slots[i].report.seconds);
    ps_agg_sort_unknown(&run->agg);
    /* after the merge, in reading order: sources that brought nothing for
     * the period and scope (each measured on its own partition) */
    for (size_t i = 0; i < n; i++)
        if (slots[i].empty) empty_source(run, &slots[i], slots[i].report.records);
    if ((rc = ps_agg_rollup(&run->agg, err)) != PS_OK) goto out;
    run->t_ingest = now_seconds() - t0;
    if (run->agg.n_unknown) {
        uint64_t total = run->agg.unknown_unlisted;
        for (size_t i = 0; i < run->agg.n_unknown; i++) total += run->agg.unknown[i].count;
        if (run->job.unknown_units_fatal) {
            rc = ps_error_set(err, PS_EDATA, run->job.path, 0, 0,
                              "%llu records name %zu unit codes that are not in the unit list "
                              "(first: %s, e.g. record %s): fix the source or declare the units "
                              "in the job's `declare`",
                              (unsigned long long)total, run->agg.n_unknown,
                              run->agg.unknown[0].code, run->agg.unknown[0].example);
            goto out;
        }
        if (run->cfg.verbose >= 0) {
            fprintf(stderr,
                    "parscore: warning: %llu records name %s%zu unit codes not in the unit list "
                    "and not declared; they are not scored (listed in the data-quality "
                    "report%s):",
                    (unsigned long long)total, run->agg.unknown_unlisted ? "more than " : "",
                    run->agg.n_unknown,
                    run->agg.unknown_unlisted ? ", the first ones only" : "");
            for (size_t i = 0; i < run->agg.n_unknown && i < 5; i++)
                fprintf(stderr, " %s (%u)", run->agg.unknown[i].code, run->agg.unknown[i].count);
            fprintf(stderr, "%s\n", run->agg.n_unknown > 5 ? " ..." : "");
        }
    }
out:
    for (size_t i = 0; i < loaded; i++) ps_plugin_unload(&slots[i].plugin);
    ps_free(slots);
    ps_plugin_path_free(&pp);
    return rc;
}

static void score_opts(const ps_run *run, ps_score_opts *so) {
    memset(so, 0, sizeof *so);
    so->rules = run->job.rules;
    so->scripts_dir = run->cfg.paths.scripts_dir;
    so->options = run->job.rule_options;
    so->n_options = run->job.n_rule_options;
}

static int64_t generated_at(const ps_run *run) {
    if (run->cfg.timestamp >= 0) return run->cfg.timestamp;
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (!*end && v >= 0) return v;
    }
    return (int64_t)time(NULL);
}

int ps_run_score(ps_run *run, ps_error *err) {
    if (run->n_empty && !run->job.allow_empty)
        return ps_error_set(err, PS_EDATA, run->job.path, 0, 0,
                            "%s%s: no scorecards issued, they would show units failing "
                            "criteria they have no data for; check `period` and `scope`, or "
                            "set allow_empty = true in the job to issue them anyway",
                            run->empty_msg, run->n_empty > 1 ? " (and more sources, above)" : "");
    ps_score_opts so;
    score_opts(run, &so);
    so.strict = run->cfg.strict;
    so.measures_strict = run->job.measures_strict;
    so.issuer = run->job.issuer;
    so.generated_at = generated_at(run);
    double t0 = now_seconds();
    int rc = ps_score_run(&run->agg, &run->units, &so, &run->results, &run->n_failed, err);
    run->have_results = 1;
    run->t_score = now_seconds() - t0;
    if (rc != PS_OK) return rc;
    /* the sources, for the scorecard footer */
    ps_results *r = &run->results;
    r->n_sources = run->job.n_sources;
    r->sources = ps_arena_alloc(&r->arena, (r->n_sources ? r->n_sources : 1) * sizeof *r->sources);
    /* in reading order, which does not depend on the job's listing order */
    for (size_t i = 0; r->sources && i < run->job.n_sources; i++) {
        char label[256];
        size_t k = run->source_order ? run->source_order[i] : i;
        r->sources[i] = ps_arena_strdup(&r->arena, ps_source_label(&run->job.sources[k], label, sizeof label));
    }
    r->n_unknown = run->agg.n_unknown;
    r->unknown = run->agg.unknown;
    r->agg = &run->agg;
    if (run->job.previous_results &&
        (rc = ps_previous_load(r, run->job.previous_results, err)) != PS_OK)
        return rc;
    return PS_OK;
}

int ps_run_template(ps_run *run, const char *path, const ps_template_fill *fill,
                    ps_error *err) {
    ps_score_opts so;
    score_opts(run, &so);
    ps_measure_decls d;
    int rc = ps_rules_measures(&so, &run->job.period, &d, err);
    if (rc != PS_OK) return rc;
    char def[4096];
    if (!path) {
        /* default: beside the job's outputs, created like them */
        if ((rc = ps_outdir_mkdirs(run->job.output_dir, err)) != PS_OK) {
            ps_measure_decls_free(&d);
            return rc;
        }
        snprintf(def, sizeof def, "%.4000s/measures-template.xlsx", run->job.output_dir);
        path = def;
    }
    rc = ps_write_measures_template(&run->units, &d, &run->job.period, path, fill, err);
    if (rc == PS_OK && run->cfg.verbose >= 0) {
        size_t n_units = 0;
        for (size_t i = 0; i < run->units.count; i++) n_units += run->units.items[i].selected != 0;
        fprintf(stdout, "%s: %zu units x %zu measures of %s\n", path, n_units, d.n,
                d.ruleset_id ? d.ruleset_id : run->job.rules);
    }
    ps_measure_decls_free(&d);
    return rc;
}

int ps_run_render(ps_run *run, ps_error *err) {
    const ps_job *job = &run->job;
    double t0 = now_seconds();
    /* Everything is written into a staging directory inside the output
     * directory and published only when every output is complete: a run
     * that fails half way (disk full, out of memory, a signal) leaves
     * neither partial files nor a mix of new and older scorecards (found by
     * tests/fault: a failed summary left the new scorecards behind). */
    ps_outdir od;
    int rc = ps_outdir_open(&od, job->output_dir, err);
    ps_render_opts ro = {
        .output_dir = od.stage_path,
        .templates_dir = job->template_dir,
        .scorecard_template = job->scorecard_template,
        .summary_template = job->summary_template,
        .font_regular = job->font_regular,
        .font_bold = job->font_bold,
        .threads = run->cfg.threads,
        .staged = 1,
        .quiet = run->cfg.verbose < 0,
        .link_scorecards = (job->outputs & PS_OUT_PDF) != 0,
        .progress = run->cfg.progress,
    };
    char path[PATH_MAX];
    if ((job->outputs & PS_OUT_PDF) && rc == PS_OK) rc = ps_render_scorecards(&run->results, &ro, err);
    if ((job->outputs & PS_OUT_SUMMARY) && rc == PS_OK) rc = ps_render_summary(&run->results, &ro, err);
    snprintf(path, sizeof path, "%s/results.csv", od.stage_path);
    if ((job->outputs & PS_OUT_CSV) && rc == PS_OK) rc = ps_write_csv(&run->results, path, err);
    snprintf(path, sizeof path, "%s/index.csv", od.stage_path);
    if ((job->outputs & (PS_OUT_CSV | PS_OUT_PDF)) && rc == PS_OK)
        rc = ps_write_index(&run->results, (job->outputs & PS_OUT_PDF) != 0, path, err);
    snprintf(path, sizeof path, "%s/results.json", od.stage_path);
    if ((job->outputs & PS_OUT_JSON) && rc == PS_OK) rc = ps_write_json(&run->results, path, err);
    snprintf(path, sizeof path, "%s/results.xlsx", od.stage_path);
    if ((job->outputs & PS_OUT_XLSX) && rc == PS_OK) rc = ps_write_xlsx(&run->results, path, err);
    /* the scorecards were not fsync'ed one by one: flush them all at once */
    if (rc == PS_OK && (job->outputs & PS_OUT_PDF)) rc = ps_outdir_sync(&od, err);
    if (rc == PS_OK) rc = ps_outdir_publish(&od, err);
    if (rc != PS_OK) ps_outdir_fix_error(&od, err);
    ps_outdir_close(&od);
    if (rc != PS_OK) return rc;
    run->t_render = now_seconds() - t0;
    return PS_OK;
}

/* ---- `parscore aggregate` -------------------------------------------- */

static void put(FILE *out, const char *unit, const char *key, double v) {
    if (v == 0) return;
    if (v == floor(v) && fabs(v) < 9e15) fprintf(out, "%s\t%s\t%.0f\n", unit, key, v);
    else fprintf(out, "%s\t%s\t%.4f\n", unit, key, v);
}

int ps_run_print_aggregates(const ps_run *run, FILE *out) {
    const ps_agg *a = &run->agg;
    const char *const kinds[PS_REC_KIND_END] = {"", "procedure", "dossier", "feedback",
                                                "publicity", "survey_form", "survey_response",
                                                "kiosk", "measure", "counter"};
    for (int k = 1; k < PS_REC_KIND_END; k++) {
        char key[64];
        snprintf(key, sizeof key, "records.%s", kinds[k]);
        put(out, "*", key, (double)a->records[k]);
    }
    put(out, "*", "duplicates", (double)a->duplicates);
    for (size_t i = 0; i < a->n_unknown; i++) {
        char key[96];
        snprintf(key, sizeof key, "unknown_unit.%s", a->unknown[i].code);
        put(out, "*", key, a->unknown[i].count);
    }
    put(out, "*", "unknown_unit.unlisted", (double)a->unknown_unlisted);
    for (size_t i = 0; i < a->n_units; i++) {
        const ps_unit *unit = &run->units.items[i];
        if (!unit->selected) continue;
        const ps_unit_agg *u = &a->u[i];
        const char *c = unit->code;
        for (size_t k = 0; k < ps_counter_def_count(); k++) {
            const ps_counter_def *def = ps_counter_def_at(k);
            /* the form's criteria come between the survey totals and the kiosk */
            if (strcmp(def->key, "k.total") == 0)
                for (size_t q = 0; u->s.answered && q < a->form.n_criteria; q++) {
                    char key[96];
                    snprintf(key, sizeof key, "s.answered.%s", a->form.criteria[q].code);
                    put(out, c, key, u->s.answered[q]);
                    snprintf(key, sizeof key, "s.satisfied.%s", a->form.criteria[q].code);
                    put(out, c, key, u->s.satisfied[q]);
                }
            put(out, c, def->key, ps_counter_get(u, def));
        }
        for (int k = 0; k < PS_EX__COUNT; k++) {
            char key[64];
            snprintf(key, sizeof key, "ex.%s", ps_example_key((ps_example_kind)k));
            put(out, c, key, u->ex[k].count);
        }
        for (size_t k = 0; k < u->n_dq; k++) {
            char key[64];
            snprintf(key, sizeof key, "dq.%s", u->dq[k].key);
            put(out, c, key, u->dq[k].count);
        }
        /* m.<key>.<assessor>: the value kept (the text when not a number) */
        static const char *const who[PS_ASSESSORS] = {"self", "appraisal", "system"};
        for (size_t k = 0; k < u->n_m; k++) {
            const ps_unit_measure *m = &u->m[k];
            for (int w = 0; w < PS_ASSESSORS; w++) {
                const ps_measure_value *v = &m->by[w];
                if (!v->count) continue;
                if (v->has_value)
                    fprintf(out, "%s\tm.%s.%s\t%.10g\n", c, a->measure_keys[m->key], who[w], v->value);
                else
                    fprintf(out, "%s\tm.%s.%s\t%s\n", c, a->measure_keys[m->key], who[w],
                            v->text ? v->text : "");
            }
        }
        for (size_t k = 0; k < ps_indicator_count(); k++) {
            ps_indicator ind;
            ps_indicator_compute(a, u, k, &ind);
            if (ind.den > 0) {
                char key[64];
                snprintf(key, sizeof key, "i.%s", ps_indicator_def_at(k)->key);
                fprintf(out, "%s\t%s\t%.4f/%.0f\n", c, key, ind.num, ind.den);
            }
        }
    }
    return ferror(out) ? PS_EIO : PS_OK;
}

void ps_run_print_warnings(const ps_run *run, FILE *out) {
    const ps_results *r = &run->results;
    for (size_t i = 0; i < r->n_units; i++) {
        const ps_unit_result *u = &r->units[i];
        for (size_t w = 0; w < u->n_warnings; w++) {
            /* the same rule usually misfires on many units: say it once */
            int seen = 0;
            for (size_t j = 0; j < i && !seen; j++)
                for (size_t k = 0; k < r->units[j].n_warnings && !seen; k++)
                    seen = strcmp(r->units[j].warnings[k], u->warnings[w]) == 0;
            if (seen) continue;
            size_t hits = 0;
            for (size_t j = i; j < r->n_units; j++)
                for (size_t k = 0; k < r->units[j].n_warnings; k++)
                    hits += strcmp(r->units[j].warnings[k], u->warnings[w]) == 0;
            fprintf(out, "parscore: warning: %s; unit %s%s (fix the rule: the card notes it)\n",
                    u->warnings[w], u->code, hits > 1 ? " and others" : "");
        }
    }
}

/* Print s padded to `cols` terminal columns: printf's %-34s counts bytes,
 * and Vietnamese names are full of multi-byte letters. */
static void put_padded(FILE *out, const char *s, int cols) {
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(s);
    int width = 0;
    while (len > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, len, &cp);
        if (n <= 0) break;
        width += cp >= 0 ? utf8proc_charwidth(cp) : 1;
        p += n;
        len -= n;
    }
    fputs(s, out);
    for (; width < cols; width++) fputc(' ', out);
}

static void put_ranked(FILE *out, const ps_unit_result *u) {
    char total[32];
    ps_format_number(u->total, 2, total, sizeof total);
    fprintf(out, "    %3d. ", u->rank);
    put_padded(out, u->name, 34);
    fprintf(out, " %6s  %s\n", total, u->band ? u->band : "");
}

static int by_total_desc(const void *a, const void *b) {
    const ps_unit_result *x = *(const ps_unit_result *const *)a, *y = *(const ps_unit_result *const *)b;
    if (x->total != y->total) return x->total > y->total ? -1 : 1;
    return strcmp(x->code, y->code);
}

void ps_run_print_summary(const ps_run *run, FILE *out) {
    const ps_results *r = &run->results;
    size_t n = 0;
    const ps_unit_result **list = ps_calloc(r->n_units ? r->n_units : 1, sizeof *list);
    if (!list) return;
    for (size_t i = 0; i < r->n_units; i++)
        if (r->units[i].scored && !r->units[i].failed && strcmp(r->units[i].level, "commune") == 0)
            list[n++] = &r->units[i];
    qsort(list, n, sizeof *list, by_total_desc);
    fprintf(out, "%s — %s: %zu units scored (%zu communes ranked)",
            r->ruleset_name ? r->ruleset_name : "", r->period.label_vn,
            r->n_units - run->n_failed, n);
    if (run->n_failed) fprintf(out, ", %zu FAILED", run->n_failed);
    fputc('\n', out);
    if (n) {
        fprintf(out, "  Top:\n");
        for (size_t i = 0; i < n && i < 5; i++) put_ranked(out, list[i]);
        fprintf(out, "  Bottom:\n");
        for (size_t i = n > 5 ? n - 5 : 0; i < n; i++) put_ranked(out, list[i]);
    }
    fprintf(out, "  Output: %s/\n", run->job.output_dir);
    ps_free(list);
}

void ps_run_free(ps_run *run) {
    if (run->have_results) ps_results_free(&run->results);
    if (run->have_agg) ps_agg_free(&run->agg);
    if (run->have_calendar) ps_calendar_free(&run->calendar);
    if (run->have_units) ps_units_free(&run->units);
    if (run->have_job) ps_job_free(&run->job);
    ps_free(run->source_order);
    memset(run, 0, sizeof *run);
}
