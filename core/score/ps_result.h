/*
 * ps_result.h -- what scoring produces and every renderer consumes: per
 * unit, groups and criteria with their numerator/denominator, points, the
 * dossier codes that explain lost points, band and rank.
 *
 * Ownership: every string and array below lives in `ps_results.arena`
 * (freed by ps_results_free), except the example codes of ps_lost, which
 * stay in the aggregate (`agg`, which must outlive the results: a national
 * run's codes are ~2 million); renderers only read.
 */
#ifndef PS_RESULT_H
#define PS_RESULT_H

#include <stddef.h>
#include <stdint.h>
#include "ingest/ps_agg.h"

typedef struct ps_lost {
    const char *key;            /* example list key, e.g. "late" */
    const char *label;          /* Vietnamese label */
    uint32_t count;             /* all dossiers with this reason */
    size_t n_codes;             /* codes listed (bounded) */
    const ps_examples *codes;   /* the unit's list in the aggregate, not a
                                   copy (ps_examples_read reads it) */
} ps_lost;

/* Where a criterion counts: in its group, or outside the groups as a bonus
 * (added to the total) or a deduction (subtracted). */
enum { PS_SECTION_GROUP = 0, PS_SECTION_BONUS = 1, PS_SECTION_DEDUCTION = 2 };

/* A measure-based criterion's values as the scorecard shows them (texts
 * formatted by the rules: "95%", "Có"); NULL when not given. */
typedef struct ps_measure_shown {
    const char *key;
    const char *kind;           /* "number", "percent", "yesno", "count" */
    int reported;               /* 0: no assessor gave a value */
    const char *source;         /* whose value counted: "appraisal", "system", "self" */
    const char *self, *appraised, *system;
    const char *evidence;       /* document number, date, link */
    const char *row;            /* source file and row of the value that counted */
} ps_measure_shown;

typedef struct ps_criterion_result {
    const char *id;
    const char *name;
    const char *group_id;
    int group;                  /* index into ps_unit_result.groups */
    int has_ratio;              /* num/den meaningful */
    double num, den;
    double value;               /* num/den, NaN when den == 0 or no ratio */
    const char *value_text;     /* optional preformatted value ("2,4 ngày") */
    const char *target;         /* optional target text ("≥ 99%") */
    int target_met;             /* 1 met, 0 missed, -1 no target */
    double points, max;
    const char *note;           /* optional: "không phát sinh: đủ điểm" */
    size_t n_lost;
    ps_lost *lost;              /* why points were lost */
    const char *lost_reason;    /* the same in words (measures: not reported,
                                   appraisal lowered the value, no evidence) */
    int section;                /* PS_SECTION_*; points of a deduction are
                                   the points taken off (>= 0) */
    const ps_measure_shown *measure; /* a measure's values, NULL for other
                                   criteria (most are not measures) */
    size_t n_explain;           /* lines explaining lost points that no dossier */
    const char **explain;       /* list does (e.g. a survey's elements) */
} ps_criterion_result;

/* A data-quality finding of scoring (measures checked against the rule
 * set's declarations), shown beside the sources' findings. */
typedef struct ps_quality_line {
    const char *issue;          /* "measure_out_of_range", ... */
    uint32_t count;
    const char *examples;       /* "kpi (tự đánh giá, measures.csv, dòng 4), ..." */
} ps_quality_line;

typedef struct ps_group_result {
    const char *id;
    const char *name;
    double points, max;
} ps_group_result;

typedef struct ps_unit_result {
    int unit;                   /* index into ps_units */
    const char *code, *name, *level;   /* level: "province", "commune", ... */
    const char *parent_code, *parent_name;
    int failed;                 /* scoring raised an error */
    const char *error;          /* message with script file:line + traceback */
    int scored;                 /* 0: not scored (e.g. insufficient sample) */
    const char *status;         /* e.g. "Chưa đủ mẫu (12/30 phiếu)", or NULL */
    double total, max;          /* total: groups + bonus - deduction, capped */
    double base_total;          /* the groups' points alone */
    double bonus, deduction;    /* points added / taken off (>= 0) */
    double band_total;          /* what the bands compare (bands_on) */
    const char *band;           /* "Xuất sắc", ... NULL if none */
    int rank, rank_of;          /* among scored units of the same level; 0 none */
    size_t n_groups;
    ps_group_result *groups;
    size_t n_criteria;
    ps_criterion_result *criteria;
    size_t n_facts;             /* extra key/value lines the rules chose to show */
    const char **fact_keys, **fact_values;
    const ps_unit_agg *agg;     /* for the data-quality section */
    size_t n_quality;
    ps_quality_line *quality;   /* scoring's own findings (measures) */
    size_t n_warnings;          /* rule mistakes seen on this unit's data (points */
    const char **warnings;      /* outside 0..max): "file:line: criterion ..." */
    /* previous period (trend), when the job gives a previous results file */
    int has_previous;
    double prev_total;
    int prev_rank, prev_rank_of;    /* 0: unranked then */
    double *prev_groups;        /* per group (same order), NaN unknown */
} ps_unit_result;

typedef struct ps_results {
    const char *ruleset_name;   /* "Chỉ số phục vụ người dân, doanh nghiệp (766)" */
    const char *ruleset_id;     /* "national/index766" */
    const char *ruleset_version;
    const char *issuer;         /* issuing body for the state header */
    const char *title;          /* scorecard title */
    ps_period period;
    int64_t generated_at;       /* unix time (SOURCE_DATE_EPOCH/--timestamp) */
    size_t n_sources;
    const char **sources;       /* "onestop_sqlite: onestop.db" ... */
    int has_bonus, has_deduction; /* the rule set declares such criteria */
    double total_cap;           /* 0: none */
    int bands_before;           /* 1: bands on the groups' total (bands_on = "before") */
    size_t n_bands;
    const char **band_names;    /* best first */
    double *band_mins;
    size_t n_units;
    ps_unit_result *units;      /* selected units, in unit-list order */
    size_t n_unknown;
    const ps_unknown_unit *unknown;
    const ps_agg *agg;
    const char *prev_label;     /* the previous results' period ("2024"), NULL none */
    const char *prev_label_vn;  /* "Năm 2024": cards say "so với Năm 2024" */
    ps_arena arena;
} ps_results;

void ps_results_free(ps_results *r);

#endif
