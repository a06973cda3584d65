/*
 * ps_score.h -- scoring: run a rule script (sandboxed Lua) once per unit on
 * that unit's aggregates and collect groups, criteria, points, bands and
 * ranks into ps_results.  See docs/rules.md for the rule-writer's view.
 */
#ifndef PS_SCORE_H
#define PS_SCORE_H

#include <stdio.h>
#include "ingest/ps_agg.h"
#include "base/ps_job.h"
#include "score/ps_result.h"

typedef struct ps_score_opts {
    const char *rules;          /* "national/index766", or a path to a .lua file */
    const char *scripts_dir;    /* root of the shipped rule sets (require path) */
    const ps_kv *options;       /* the job's rule_options, as text */
    size_t n_options;
    uint64_t instruction_budget;/* per unit; 0: default (50 million) */
    size_t memory_cap;          /* bytes per Lua state; 0: default (256 MiB) */
    int strict;                 /* 1: stop at the first unit that fails */
    int measures_strict;        /* 1: a measure finding (out of range, kind, evidence,
                                   unknown key) stops the run instead of a card line */
    const char *issuer;         /* job's issuer (may be NULL) */
    int64_t generated_at;
} ps_score_opts;

/* Scores every selected unit.  A unit whose script raises an error is
 * marked failed (with file:line, traceback and unit) and the others go on;
 * *n_failed tells how many.  Returns non-OK only when the run itself cannot
 * go on (the script does not load, strict mode, out of memory). */
int ps_score_run(const ps_agg *agg, const ps_units *units,
                 const ps_score_opts *opts, ps_results *out,
                 size_t *n_failed, ps_error *err);

/* The measures a rule set declares (R.measure), for the template writer. */
typedef struct ps_measure_decl {
    const char *key;            /* ma_chi_tieu */
    const char *name;           /* Vietnamese label */
    const char *kind;           /* "number", "percent", "yesno", "count" */
    double min, max;            /* NaN: no bound */
    int evidence;               /* 1: a document must back a self-assessment */
} ps_measure_decl;

typedef struct ps_measure_decls {
    size_t n;
    ps_measure_decl *items;
    const char *ruleset_name, *ruleset_id;
    ps_arena arena;             /* owns every string and the array */
} ps_measure_decls;

/* Load the rule set (refusing it with its lint findings, as a run does)
 * and list its declared measures. */
int ps_rules_measures(const ps_score_opts *opts, const ps_period *period,
                      ps_measure_decls *out, ps_error *err);
void ps_measure_decls_free(ps_measure_decls *d);

/* `parscore check RULES`: load and lint a rule file without data.  Prints
 * findings to `report`; returns PS_OK when clean. */
int ps_rules_check(const char *rules, const char *scripts_dir, FILE *report,
                   ps_error *err);

#endif
