/*
 * ps_run.h -- one run of a job, stage by stage: load units and calendar,
 * read every source into the aggregator, roll up, score, render.  The CLI
 * calls these; tests and the benchmark can call the stages one by one.
 */
#ifndef PS_RUN_H
#define PS_RUN_H

#include <stdio.h>
#include "ingest/ps_agg.h"
#include "base/ps_job.h"
#include "ingest/ps_plugin.h"
#include "render/ps_render.h"
#include "score/ps_result.h"

/* Exit codes of the CLI (documented in README and `parscore --help`). */
enum {
    PS_EXIT_OK = 0,
    PS_EXIT_UNIT_FAILED = 1,    /* the run finished but some units failed scoring */
    PS_EXIT_USAGE = 2,
    PS_EXIT_CONFIG = 3,         /* job file, configuration, templates */
    PS_EXIT_DATA = 4,           /* input data */
    PS_EXIT_PLUGIN = 5,
    PS_EXIT_OUTPUT = 6,
    PS_EXIT_SCRIPT = 7
};
int ps_exit_code(int status);

typedef struct ps_run_config {
    const char *job_path;
    const char *const *plugin_dirs;
    size_t n_plugin_dirs;
    int verbose;                /* -1 quiet, 0, 1 */
    int progress;
    int strict;
    int threads;                /* PDF rendering threads; 0: all cores */
    int jobs;                   /* ingest workers (provinces read at once); 0: all cores */
    int64_t timestamp;          /* generated_at; -1: SOURCE_DATE_EPOCH or now */
    ps_paths paths;
} ps_run_config;

typedef struct ps_run {
    ps_run_config cfg;
    ps_job job;
    ps_units units;
    ps_calendar calendar;
    ps_agg agg;
    ps_results results;
    size_t n_failed;
    size_t n_empty;             /* sources with nothing for the period and scope */
    char empty_msg[600];        /* the first of them, said in a sentence */
    size_t *source_order;       /* job.sources indices in reading order */
    int have_job, have_units, have_calendar, have_agg, have_results;
    double t_ingest, t_score, t_render;
} ps_run;

/* Fill the default data paths: $PARSCORE_DATA_DIR, else the installed
 * share dir beside the executable, else the source tree. */
typedef struct ps_path_store {
    char scripts[4096], templates[4096], data[4096];
} ps_path_store;
void ps_paths_default(ps_paths *paths, ps_path_store *store);

int ps_run_load(ps_run *run, const ps_run_config *cfg, ps_error *err);
int ps_run_ingest(ps_run *run, ps_error *err);
int ps_run_score(ps_run *run, ps_error *err);
int ps_run_render(ps_run *run, ps_error *err);
/* `parscore template`: the measures template of the job (its scope, its
 * rule set's measures) at path, or <output>/measures-template.xlsx when
 * path is NULL.  Needs ps_run_load only: no source is read. */
int ps_run_template(ps_run *run, const char *path, const ps_template_fill *fill,
                    ps_error *err);
/* Print the per-unit counters (`parscore aggregate`). */
int ps_run_print_aggregates(const ps_run *run, FILE *out);
/* Rule mistakes seen while scoring (points outside 0..max), each once with
 * the number of units it hit. */
void ps_run_print_warnings(const ps_run *run, FILE *out);
/* Short table of the best and worst units and where the files are. */
void ps_run_print_summary(const ps_run *run, FILE *out);
void ps_run_free(ps_run *run);

#endif
