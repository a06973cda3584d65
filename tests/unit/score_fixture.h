/*
 * score_fixture.h -- builds units and aggregates by hand for the scoring
 * tests (no sources, no aggregation pass): a test fills the counters of
 * each ps_unit_agg, sets a->fee_procs etc., and runs a rule set on them.
 */
#ifndef SCORE_FIXTURE_H
#define SCORE_FIXTURE_H

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ps_agg.h"
#include "score/ps_score.h"
#include "ps_test.h"

#define FX_MAX_UNITS 8

typedef struct fx {
    struct ps_form_criterion form_criteria[3];
    struct ps_form_element form_elements[2];
    ps_unit items[FX_MAX_UNITS];
    ps_unit_agg ua[FX_MAX_UNITS];
    ps_units units;
    ps_agg agg;
    ps_kv options[8];
    size_t n_options;
    ps_score_opts opts;
    ps_results res;
    size_t n_failed;
    ps_error err;
} fx;

static inline void fx_init(fx *f) {
    memset(f, 0, sizeof *f);
    f->units.items = f->items;
    f->agg.u = f->ua;
    f->agg.cfg.units = &f->units;
    f->agg.cfg.period.first = 20089;   /* 2025-01-01 */
    f->agg.cfg.period.last = 20453;    /* 2025-12-31 */
    strcpy(f->agg.cfg.period.label, "2025");
    strcpy(f->agg.cfg.period.label_vn, "Năm 2025");
    f->opts.scripts_dir = PS_SOURCE_DIR "/scripts";
    f->opts.generated_at = 1760000000;
}

/* A survey form of 2 elements and 3 criteria (YT1: TC1, TC2; YT2: TC3),
 * satisfied from 4, as the run's form. */
static inline void fx_survey_form(fx *f) {
    static const struct ps_form_criterion c[3] = {
        {"TC1", "Tiếp cận dịch vụ dễ dàng", "YT1", "Tiếp cận dịch vụ", 0},
        {"TC2", "Nơi ngồi chờ đầy đủ", "YT1", "Tiếp cận dịch vụ", 0},
        {"TC3", "Công chức lịch sự", "YT2", "Công chức", 1},
    };
    static const struct ps_form_element e[2] = {{"YT1", "Tiếp cận dịch vụ"}, {"YT2", "Công chức"}};
    memcpy(f->form_criteria, c, sizeof c);
    memcpy(f->form_elements, e, sizeof e);
    f->agg.form.present = 1;
    f->agg.form.n_criteria = 3;
    f->agg.form.criteria = f->form_criteria;
    f->agg.form.n_elements = 2;
    f->agg.form.elements = f->form_elements;
    f->agg.form.satisfied_from = 4;
}

/* Survey answers of a unit on that form: per criterion answered, satisfied. */
static inline void fx_answers(ps_unit_agg *u, uint32_t respondents, const uint32_t ans[3],
                              const uint32_t sat[3]) {
    u->s.respondents = respondents;
    u->s.answered = calloc(3, sizeof(uint32_t));
    u->s.satisfied = calloc(3, sizeof(uint32_t));
    memcpy(u->s.answered, ans, 3 * sizeof(uint32_t));
    memcpy(u->s.satisfied, sat, 3 * sizeof(uint32_t));
}

/* Add a unit; returns its aggregate. */
static inline ps_unit_agg *fx_unit(fx *f, const char *code, const char *name,
                                   ps_unit_level level, int parent) {
    size_t i = f->units.count++;
    f->items[i].code = (char *)code;
    f->items[i].name = (char *)name;
    f->items[i].level = level;
    f->items[i].parent = parent;
    f->items[i].selected = 1;
    f->agg.n_units = f->units.count;
    ps_map_put(&f->units.by_code, code, (int)i);
    return &f->ua[i];
}

static inline void fx_option(fx *f, const char *k, const char *v) {
    f->options[f->n_options].key = (char *)k;
    f->options[f->n_options].value = (char *)v;
    f->n_options++;
}

/* Example list: count, then the kept codes (NULL-terminated). */
static inline void fx_examples(ps_unit_agg *u, ps_example_kind k, uint32_t count, ...) {
    va_list ap;
    u->ex[k].count = count;
    va_start(ap, count);
    const char *c;
    while ((c = va_arg(ap, const char *)))
        if (ps_examples_push(&u->ex[k], c, 8) != PS_OK) break;
    va_end(ap);
}

/* Fee procedure bitsets: the first `paid` / `used` procedures. */
static inline void fx_fees(ps_unit_agg *u, unsigned used, unsigned paid) {
    u->fee_words = 2;
    u->fee_with_dossier = calloc(2, sizeof(uint64_t));
    u->fee_with_payment = calloc(2, sizeof(uint64_t));
    for (unsigned i = 0; i < used; i++) u->fee_with_dossier[i / 64] |= 1ull << (i % 64);
    for (unsigned i = 0; i < paid; i++) u->fee_with_payment[i / 64] |= 1ull << (i % 64);
}

/* A measure value as a measures source emits it (through the aggregator,
 * so keys, duplicates and the period are handled as in a run).  text NULL:
 * the number as written; evidence NULL: none. */
static inline int fx_measure(fx *f, const char *unit, const char *key, int assessor,
                             double value, const char *text, const char *evidence) {
    char written[32];
    snprintf(written, sizeof written, "%g", value);
    ps_measure m = {0};
    m.unit_code = unit;
    m.key = key;
    m.has_value = text == NULL || value == value;
    m.value = value;
    m.text = text ? text : written;
    m.assessor = assessor;
    m.evidence_doc = evidence;
    m.src_line = 2 + (long)f->agg.records[PS_REC_MEASURE];
    return ps_agg_add(&f->agg, 0, PS_REC_MEASURE, &m, 1, "measures.csv", &f->err);
}

static inline int fx_run(fx *f, const char *rules) {
    ps_results_free(&f->res);
    f->opts.rules = rules;
    f->opts.options = f->options;
    f->opts.n_options = f->n_options;
    memset(&f->err, 0, sizeof f->err);
    int st = ps_score_run(&f->agg, &f->units, &f->opts, &f->res, &f->n_failed, &f->err);
    if (st != PS_OK) {
        char buf[1200];
        fprintf(stderr, "ps_score_run: %s\n", ps_error_format(&f->err, buf, sizeof buf));
    }
    return st;
}

static inline const ps_criterion_result *fx_crit(const ps_unit_result *u, const char *id) {
    for (size_t i = 0; i < u->n_criteria; i++)
        if (strcmp(u->criteria[i].id, id) == 0) return &u->criteria[i];
    fprintf(stderr, "criterion %s not found in unit %s\n", id, u->code);
    static const ps_criterion_result none = {0};
    return &none;
}

static inline const char *fx_fact(const ps_unit_result *u, const char *key) {
    for (size_t i = 0; i < u->n_facts; i++)
        if (strcmp(u->fact_keys[i], key) == 0) return u->fact_values[i];
    return NULL;
}

static inline void fx_free(fx *f) {
    ps_results_free(&f->res);
    for (size_t i = 0; i < f->units.count; i++) {
        for (int k = 0; k < PS_EX__COUNT; k++) ps_examples_free(&f->ua[i].ex[k]);
        free(f->ua[i].fee_with_dossier);
        free(f->ua[i].fee_with_payment);
        free(f->ua[i].s.answered);
        free(f->ua[i].s.satisfied);
        ps_free(f->ua[i].m);
        ps_free(f->ua[i].dq);
    }
    ps_free(f->agg.measure_keys);
    ps_free(f->agg.unknown);
    ps_map_free(&f->agg.unknown_index);
    ps_map_free(&f->agg.measure_key_index);
    ps_map_free(&f->units.by_code);
    ps_arena_free(&f->agg.arena);
}

#endif
