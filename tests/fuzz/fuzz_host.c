/*
 * fuzz_host.c -- see fuzz_host.h.  The aggregator is set up and torn down
 * per input, so a leak in any layer is attributed to the input that caused
 * it.
 */
#include "fuzz_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/ps_agg.h"
#include "ingest/ps_units.h"

const char *fuzz_temp_file(const char *tag, const uint8_t *data, size_t size,
                           char *buf, size_t bufsize) {
    const char *tmp = getenv("TMPDIR");
    snprintf(buf, bufsize, "%s/ps-fuzz-%ld-%s", tmp && *tmp ? tmp : "/tmp",
             (long)getpid(), tag);
    FILE *fp = fopen(buf, "wb");
    if (!fp) return NULL;
    int ok = fwrite(data, 1, size, fp) == size;
    ok &= fclose(fp) == 0;
    return ok ? buf : NULL;
}

/* The unit list and the calendar are read once per process: building the
 * calendar's working-day prefix over its years took 90% of each input's
 * time.  They are only read after that, so sharing them between inputs
 * hides nothing.  This is the one piece of mutable static state in the
 * project, and it lives in a test harness (libFuzzer gives no other place
 * to keep set-up between inputs). */
typedef struct fuzz_shared {
    int ready;
    ps_units units;
    ps_calendar cal;
} fuzz_shared;
static fuzz_shared shared;

static void fuzz_setup(void) {
    ps_error err = {0};
    int rc;
    if (shared.ready) return;
    rc = ps_units_load(&shared.units, PS_SOURCE_DIR "/tests/fixtures/units-laocai.csv", &err);
    if (rc == PS_OK) rc = ps_calendar_load(&shared.cal, PS_SOURCE_DIR "/data/calendar-vn.csv", &err);
    if (rc != PS_OK) {
        char msg[1200];
        fprintf(stderr, "fuzz_host: setup failed: %s\n", ps_error_format(&err, msg, sizeof msg));
        abort();
    }
    shared.ready = 1;
}

int fuzz_run_source(const ps_plugin *desc, const ps_kv *options, size_t n_options) {
    return fuzz_run_source_err(desc, options, n_options, NULL);
}

int fuzz_run_source_err(const ps_plugin *desc, const ps_kv *options, size_t n_options,
                        ps_error *out) {
    ps_error err = {0};
    ps_agg agg;
    int rc;
    fuzz_setup();
    ps_agg_config ac = {.calendar = &shared.cal, .units = &shared.units, .examples_max = 3,
                        .dedup = 1};
    ps_period_parse("2025", &ac.period, &err);
    memset(&agg, 0, sizeof agg);
    rc = ps_agg_init(&agg, &ac, &err);
    if (rc == PS_OK) {
        ps_job job = {0};
        job.path = (char *)"fuzz.lua";
        job.dir = (char *)"/";
        ps_job_source src = {.plugin = (char *)desc->name, .options = (ps_kv *)options,
                             .n_options = n_options, .line = 1};
        ps_loaded_plugin lp = {.path = (char *)"fuzz", .handle = NULL, .desc = desc};
        ps_run_opts ro = {.verbose = -1, .progress = 0};
        rc = ps_source_run(&lp, &src, &job, 0, &agg, &ro, NULL, &err);
        if (rc == PS_OK) rc = ps_agg_rollup(&agg, &err);
        /* a failure must say what went wrong */
        if (rc != PS_OK && !err.message[0]) abort();
    }
    ps_agg_free(&agg);
    if (out) *out = err;
    return rc;
}
