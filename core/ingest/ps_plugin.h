/*
 * ps_plugin.h -- finding, loading and checking source plugins (dlopen),
 * converting a job's options through a plugin's option table, and running
 * a source into the aggregator through the host function table.
 */
#ifndef PS_PLUGIN_H
#define PS_PLUGIN_H

#include "parscore/plugin.h"
#include "ingest/ps_agg.h"
#include "base/ps_job.h"

typedef struct ps_loaded_plugin {
    char *path;
    void *handle;
    const ps_plugin *desc;
} ps_loaded_plugin;

/* The plugin search path: --plugin-dir, $PARSCORE_PLUGIN_PATH (':'-separated),
 * <exe>/plugins (build tree), <exe>/../lib/parscore/plugins, the install dir. */
typedef struct ps_plugin_path {
    char **dirs;
    size_t n;
} ps_plugin_path;

int ps_plugin_path_init(ps_plugin_path *pp, const char *const *extra, size_t n_extra,
                        ps_error *err);
void ps_plugin_path_free(ps_plugin_path *pp);

/* Load one shared object and check its magic symbol and ABI. */
int ps_plugin_load(const char *path, ps_loaded_plugin *out, ps_error *err);
/* Find <dir>/<name>.so along the path and load it. */
int ps_plugin_find(const ps_plugin_path *pp, const char *name, ps_loaded_plugin *out,
                   ps_error *err);
void ps_plugin_unload(ps_loaded_plugin *p);

/* Call fn(path, file name, ctx) for every .so on the path, in search
 * order, until it returns non-zero. */
void ps_plugin_each(const ps_plugin_path *pp, int (*fn)(const char *path, const char *file, void *ctx),
                    void *ctx);

/* A plugin checks a file alone (`parscore validate`) when it declares a
 * path option "path" and a bool option "validate": the core knows no
 * source, only that contract. */
int ps_plugin_can_validate(const ps_plugin *d);
/* The plugin named `name` (NULL: the only one on the path that can
 * validate; two different ones are a configuration error). */
int ps_plugin_find_validator(const ps_plugin_path *pp, const char *name, ps_loaded_plugin *out,
                             ps_error *err);

typedef struct ps_source_report {
    uint64_t records;
    double seconds;
} ps_source_report;

typedef struct ps_run_opts {
    int verbose;                /* -1 quiet, 0 normal, 1 verbose */
    int progress;               /* draw a progress line on stderr */
    const _Atomic int *stop;    /* set: another worker failed, stop reading */
} ps_run_opts;

/* Convert the job's options, open the plugin, read everything into agg. */
int ps_source_run(const ps_loaded_plugin *p, const ps_job_source *src, const ps_job *job,
                  int source_index, ps_agg *agg, const ps_run_opts *opts,
                  ps_source_report *report, ps_error *err);

/* Read `file` with path = file and validate = true, without a job: the
 * records are counted (report) and dropped, nothing is aggregated. */
int ps_source_validate(const ps_loaded_plugin *p, const char *file, const ps_run_opts *opts,
                       ps_source_report *report, ps_error *err);

/* Which province a source covers, from its first records: open it, read
 * until the first batch of records that name known units, stop.  *province
 * is the index of the province unit when every known unit of that batch is
 * in it, -1 when they span several or the source names no known unit.
 * Silent (no log, no findings); a source that cannot be read fails here
 * with the error the real read would give. */
int ps_source_probe(const ps_loaded_plugin *p, const ps_job_source *src, const ps_job *job,
                    const ps_units *units, int *province, ps_error *err);

/* A label for logs and the scorecard footer: "plugin: path" (never a
 * conninfo password: options whose names contain "password" or "conninfo" are hidden). */
const char *ps_source_label(const ps_job_source *src, char *buf, size_t size);

#endif
