/*
 * ps_job.h -- a job: what to read, how to score, what to write.
 *
 * A job file is Lua (a sandboxed chunk that returns a table; see
 * docs/jobs.md).  Paths inside it are relative to the job file.  Loading
 * checks every key against what is known, so a typo is an error naming the
 * key, not a silently ignored setting.
 */
#ifndef PS_JOB_H
#define PS_JOB_H

#include "base/ps_date.h"
#include "base/ps_util.h"

typedef struct ps_kv {
    char *key, *value;
} ps_kv;

typedef struct ps_job_source {
    char *plugin;               /* plugin name, e.g. "onestop_sqlite" */
    ps_kv *options;             /* as text; converted by the plugin's table */
    size_t n_options;
    int line;                   /* line of the job file, for errors */
} ps_job_source;

typedef struct ps_job_unit_decl {
    char *code, *name, *level, *parent;
} ps_job_unit_decl;

enum { PS_OUT_PDF = 1, PS_OUT_CSV = 2, PS_OUT_JSON = 4, PS_OUT_XLSX = 8,
       PS_OUT_SUMMARY = 16 };

typedef struct ps_job {
    char *path;                 /* the job file */
    char *dir;                  /* its directory (paths are relative to it) */
    char *name;
    ps_period period;
    char *units_file;           /* default: <data>/vn-units-2025.csv */
    char *calendar_file;        /* default: <data>/calendar-vn.csv */
    char **scope;               /* unit codes whose subtree is scored; NULL all */
    size_t n_scope;
    ps_job_unit_decl *declare;
    size_t n_declare;
    ps_job_source *sources;
    size_t n_sources;
    char *rules;                /* "national/index766" or a path */
    ps_kv *rule_options;        /* passed to the rule script as `options` */
    size_t n_rule_options;
    char *template_dir;         /* default: <share>/templates */
    char *scorecard_template;   /* default "scorecard.xml" */
    char *summary_template;     /* default "summary.xml" */
    char *font_regular, *font_bold;  /* default: Noto Sans from fonts-noto-core */
    char *output_dir;
    unsigned outputs;           /* PS_OUT_* bits */
    char *previous_results;     /* JSON of an earlier run, for the trend */
    char *issuer;               /* issuing body printed in the header */
    uint32_t examples_max;      /* dossier codes listed per reason (50) */
    int unknown_units_fatal;    /* 1: unknown unit codes stop the run */
    int dedup;                  /* -1 auto, 0 off, 1 on (see docs/jobs.md) */
    int measures_strict;        /* 1: measure findings stop the run (docs/jobs.md) */
    int allow_empty;            /* 1: issue scorecards even when a source has no
                                 * records in the period and scope */
    ps_arena arena;
} ps_job;

typedef struct ps_paths {
    const char *scripts_dir;    /* where "national/index766" is looked up */
    const char *templates_dir;
    const char *data_dir;
} ps_paths;

int ps_job_load(ps_job *job, const char *path, const ps_paths *paths,
                ps_error *err);
void ps_job_free(ps_job *job);

#endif
