/*
 * test_fault_alloc.c -- allocation failure injection, SQLite style: run a
 * small job's stages (load, ingest, score, render) once to count the
 * allocations, then again failing allocation N for N = 1, 2, ... until a
 * run gets through without reaching N.  Two modes: the Nth allocation fails
 * once (transient: Lua's emergency collection retries and absorbs most of
 * those), or it and every one after it fail (persistent: error paths that
 * allocate are exercised too).  A run that meets the failure must stop
 * with PS_ENOMEM and a message (not a script or I/O error: the input is not
 * at fault), leave no file in the output directory, and free everything
 * (LeakSanitizer checks that in the ASan build).  A run that absorbs the
 * failure must produce exactly the counters of the clean run.
 *
 * Past PS_FAULT_DENSE allocations the Ns are sampled with a stride so the
 * test stays within seconds; PS_FAULT_ALL=1 in the environment tries all.
 * Plugins allocate with malloc (they link nothing from the core), so only
 * the core's and Lua's allocations are failed.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../unit/ps_test.h"
#include "run/ps_run.h"

#define PS_FAULT_DENSE 1000  /* every N up to here */
#define PS_FAULT_SAMPLES 500 /* then about this many more */

typedef struct fault_env {
    char dir[512], job[600], out[600];
    ps_path_store store;
    ps_run_config cfg;
    const char *plugin_dirs[1];
} fault_env;

/* The job: four sources of the fixtures (portal export, survey, kiosk,
 * measures) over the three Lào Cai units, scored by the tutorial's rule
 * script (which declares no measures: their keys become card findings). */
static int write_job(fault_env *e, const char *outputs) {
    const char *tmp = getenv("TMPDIR");
    if (!e->dir[0]) {
        snprintf(e->dir, sizeof e->dir, "%s/ps-fault-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(e->dir)) return -1;
    }
    snprintf(e->job, sizeof e->job, "%s/job.lua", e->dir);
    snprintf(e->out, sizeof e->out, "%s/out", e->dir);
    FILE *fp = fopen(e->job, "w");
    if (!fp) return -1;
    fprintf(fp,
            "local F = \"%s/tests/fixtures/\"\n"
            "return {\n"
            "  name = \"fault injection\", period = \"2025\", scope = { \"15\" },\n"
            "  units = F .. \"units-laocai.csv\",\n"
            "  sources = {\n"
            "    { plugin = \"portal_xml\", path = F .. \"portal/export-laocai.xml\", validate = false },\n"
            "    { plugin = \"survey\", form = F .. \"survey/form.xml\", responses = F .. \"survey/responses.csv\" },\n"
            "    { plugin = \"kiosk\", path = F .. \"survey/kiosk.csv\" },\n"
            "    { plugin = \"measures\", path = F .. \"measures/measures.csv\" },\n"
            "  },\n"
            "  rules = \"%s/tests/rules/example_commune.lua\",\n"
            "  output = \"out\", outputs = { %s },\n"
            "}\n",
            PS_SOURCE_DIR, PS_SOURCE_DIR, outputs);
    return fclose(fp);
}

/* Run every stage; the aggregates as text into *agg_text (malloc'd). */
static int run_stages(fault_env *e, ps_run *run, ps_error *err, char **agg_text) {
    int rc = ps_run_load(run, &e->cfg, err);
    if (rc == PS_OK) rc = ps_run_ingest(run, err);
    if (rc == PS_OK) rc = ps_run_score(run, err);
    if (rc == PS_OK) rc = ps_run_render(run, err);
    if (rc == PS_OK && agg_text) {
        size_t len = 0;
        FILE *m = open_memstream(agg_text, &len);
        if (!m) return PS_EIO;
        ps_run_print_aggregates(run, m);
        fclose(m);
    }
    return rc;
}

/* Files in the output dir: none may be a partial result or a temp file. */
static int stray_files(const fault_env *e, char *first, size_t size) {
    int n = 0;
    DIR *d = opendir(e->out);
    if (!d) return 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        if (!n++) snprintf(first, size, "%s", de->d_name);
    }
    closedir(d);
    return n;
}

/* Remove a directory of plain files (the output dir, then the temp dir). */
static void remove_tree(const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *de;
    char path[1200];
    if (!d) return;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        remove(path);
    }
    closedir(d);
    rmdir(dir);
}

typedef struct sweep_stats {
    long tried, nomem, other, absorbed, unit_failed, reached_end;
} sweep_stats;

/* Fail allocation n (once or from n on) for n = from, from + step, ...
 * until a run no longer reaches n, or past `to`. */
static void sweep(fault_env *e, ps_tally *t, const char *want, long from, long to, long dense,
                  long stride, int persistent, sweep_stats *st) {
    const char *mode = persistent ? "persistent" : "transient";
    memset(st, 0, sizeof *st);
    for (long n = from; !st->reached_end && n <= to; n += n < dense ? 1 : stride) {
        ps_run run;
        ps_error err = {0};
        char *got = NULL;
        ps_alloc_fail_after(n, persistent);
        int rc = run_stages(e, &run, &err, &got);
        int hit = ps_alloc_failed();
        ps_alloc_fail_after(0, 0);
        st->tried++;
        if (!hit) {
            st->reached_end = 1; /* fewer than n allocations: the clean run again */
            CHECK_INT(t, rc, PS_OK);
        } else if (rc == PS_OK && run.n_failed) {
            /* a unit's script failed and the run went on: only acceptable
             * if it says memory (ps_score stops the run on a process OOM) */
            st->unit_failed++;
            for (size_t i = 0; i < run.results.n_units; i++) {
                const ps_unit_result *u = &run.results.units[i];
                if (u->failed && !(u->error && strstr(u->error, "memory"))) {
                    t->failed++;
                    fprintf(stderr, "%s allocation %ld: unit %s failed with \"%s\"\n", mode, n,
                            u->code, u->error ? u->error : "(no message)");
                }
            }
        } else if (rc == PS_OK) {
            st->absorbed++;
            if (!got || !want || strcmp(got, want) != 0) {
                t->failed++;
                fprintf(stderr, "%s allocation %ld failed silently and changed the counters\n",
                        mode, n);
            }
        } else {
            char msg[1200];
            if (rc == PS_ENOMEM) st->nomem++;
            else st->other++;
            if (rc != PS_ENOMEM || getenv("PS_FAULT_VERBOSE"))
                fprintf(rc != PS_ENOMEM ? stderr : stdout, "%s %ld: status %d: %s\n", mode, n, rc,
                        ps_error_format(&err, msg, sizeof msg));
            if (err.status == PS_OK || !err.message[0]) {
                t->failed++;
                fprintf(stderr, "%s allocation %ld: status %d without a message\n", mode, n, rc);
            }
            char first[256] = "";
            if (stray_files(e, first, sizeof first)) {
                t->failed++;
                fprintf(stderr, "%s allocation %ld: %s left in the output dir\n", mode, n, first);
            }
        }
        free(got);
        ps_run_free(&run);
        remove_tree(e->out);
    }
}

/* One phase: a clean run for the reference, then both sweeps; with
 * render_only, only the allocations of ps_run_render are failed. */
static void phase(fault_env *e, ps_tally *t, const char *outputs, int render_only,
                  long dense, long samples) {
    if (write_job(e, outputs) != 0) {
        perror("test_fault_alloc: job file");
        t->failed++;
        return;
    }
    ps_run run;
    ps_error err = {0};
    char *want = NULL;
    ps_alloc_fail_after(0, 0);
    int rc = ps_run_load(&run, &e->cfg, &err);
    if (rc == PS_OK) rc = ps_run_ingest(&run, &err);
    if (rc == PS_OK) rc = ps_run_score(&run, &err);
    long before_render = ps_alloc_count();
    if (rc == PS_OK) rc = ps_run_render(&run, &err);
    long total = ps_alloc_count();
    if (rc == PS_OK) {
        size_t len = 0;
        FILE *m = open_memstream(&want, &len);
        if (m) {
            ps_run_print_aggregates(&run, m);
            fclose(m);
        }
    } else {
        char msg[1200];
        fprintf(stderr, "clean run failed: %s\n", ps_error_format(&err, msg, sizeof msg));
    }
    CHECK_INT(t, rc, PS_OK);
    /* test_kiosk.sh, by hand: 02647 has 7 presses in the kiosk fixture */
    CHECK(t, want && strstr(want, "02647\tk.total\t7\n"));
    CHECK(t, total > before_render && before_render > 100);
    ps_run_free(&run);
    remove_tree(e->out);

    long from = render_only ? before_render + 1 : 1;
    const char *all = getenv("PS_FAULT_ALL");
    if (all && *all == '1') samples = total; /* stride 1 */
    long stride = (total - from - dense) / (samples ? samples : 1) + 1;
    if (stride < 1) stride = 1;
    for (int persistent = 0; persistent <= 1; persistent++) {
        sweep_stats st;
        /* the count varies by a few between runs (Lua seeds its string hash
         * from addresses): go on until a run no longer reaches n */
        sweep(e, t, want, from, 2 * total + 10, from + dense, stride, persistent, &st);
        t->passed++;
        printf("outputs {%s}, %s: allocations %ld..%ld of %ld (stride %ld past %ld): %ld runs, "
               "%ld PS_ENOMEM, %ld other errors, %ld a unit failed, %ld absorbed\n",
               outputs, persistent ? "persistent" : "transient", from, total, total, stride,
               from + dense, st.tried, st.nomem, st.other, st.unit_failed, st.absorbed);
        CHECK(t, st.nomem > 0);
        CHECK_INT(t, st.other, 0); /* every failure is reported as out of memory */
        CHECK_INT(t, st.reached_end, 1);
    }
    free(want);
}

int main(void) {
    ps_tally t = {0};
    fault_env e;
    memset(&e, 0, sizeof e);
    ps_paths_default(&e.cfg.paths, &e.store);
    e.plugin_dirs[0] = PS_PLUGIN_DIR;
    e.cfg.job_path = e.job;
    e.cfg.plugin_dirs = e.plugin_dirs;
    e.cfg.n_plugin_dirs = 1;
    e.cfg.verbose = -1;
    e.cfg.threads = 1;
    e.cfg.timestamp = 1767225600;
    /* every stage, with the cheap outputs: every allocation up to 1000,
     * then about 500 more */
    phase(&e, &t, "\"csv\", \"json\"", 0, PS_FAULT_DENSE, PS_FAULT_SAMPLES);
    /* rendering PDFs costs ~30 ms a run: its own allocations, sampled */
    phase(&e, &t, "\"pdf\", \"summary\", \"xlsx\"", 1, 20, 60);
    remove_tree(e.out);
    remove_tree(e.dir);
    return ps_test_done(&t);
}
