/*
 * ps_counters.c -- the per-unit counters by name: the table `parscore
 * aggregate` prints from and the one ps_counter records (a source that
 * counted on its own server, ABI 2) are checked against, so the printed
 * names and the accepted names cannot drift apart.
 */
#include "ingest/ps_agg.h"

#include <stddef.h>
#include <string.h>

#define D32(name, field) {name, PS_CT_U32, offsetof(ps_unit_agg, d.field)}
#define F32(field) {"f." #field, PS_CT_U32, offsetof(ps_unit_agg, f.field)}

/* In the order `parscore aggregate` prints them. */
static const ps_counter_def counter_defs[] = {
    D32("d.received", received),
    D32("d.channel.1", by_channel[1]),
    D32("d.channel.2", by_channel[2]),
    D32("d.channel.3", by_channel[3]),
    D32("d.channel.0", by_channel[0]),
    D32("d.finished", finished),
    D32("d.finished_on_time", finished_on_time),
    D32("d.finished_late", finished_late),
    D32("d.in_progress", in_progress),
    D32("d.in_progress_within", in_progress_within),
    D32("d.in_progress_over", in_progress_over),
    D32("d.paused", paused),
    D32("d.synced", synced),
    D32("d.level4_received", level4_received),
    D32("d.level4_online", level4_online),
    D32("d.level3_received", level3_received),
    D32("d.level3_online", level3_online),
    D32("d.fee_received", fee_received),
    D32("d.fee_paid_online", fee_paid_online),
    D32("d.result_doc_finished", result_doc_finished),
    D32("d.result_digitized", result_digitized),
    D32("d.input_digitized", input_digitized),
    D32("d.late", late),
    D32("d.late_with_apology", late_with_apology),
    D32("d.apology", apology),
    D32("d.returned", returned),
    D32("d.returned_late", returned_late),
    D32("d.rated", rated),
    D32("d.rating.1", rating[1]),
    D32("d.rating.2", rating[2]),
    D32("d.rating.3", rating[3]),
    D32("d.rating.4", rating[4]),
    D32("d.handled_ok", handled_ok),
    D32("d.cut_n", cut_n),
    D32("d.cut_ge30", cut_ge30),
    {"d.cut_sum", PS_CT_DOUBLE, offsetof(ps_unit_agg, d.cut_sum)},
    {"d.days_sum", PS_CT_DOUBLE, offsetof(ps_unit_agg, d.days_sum)},
    F32(received),
    F32(answered),
    F32(answered_on_time),
    F32(answered_late),
    F32(unanswered_within),
    F32(unanswered_over),
    F32(rated_satisfied),
    F32(rated_unsatisfied),
    F32(handled_ok),
    {"p.reports", PS_CT_U32, offsetof(ps_unit_agg, p.reports)},
    {"p.must_announce", PS_CT_U64, offsetof(ps_unit_agg, p.must_announce)},
    {"p.announced_on_time", PS_CT_U64, offsetof(ps_unit_agg, p.announced_on_time)},
    {"p.must_update", PS_CT_U64, offsetof(ps_unit_agg, p.must_update)},
    {"p.updated_on_time", PS_CT_U64, offsetof(ps_unit_agg, p.updated_on_time)},
    {"p.published", PS_CT_U64, offsetof(ps_unit_agg, p.published)},
    {"p.published_full", PS_CT_U64, offsetof(ps_unit_agg, p.published_full)},
    {"s.respondents", PS_CT_U32, offsetof(ps_unit_agg, s.respondents)},
    {"s.overall_answered", PS_CT_U32, offsetof(ps_unit_agg, s.overall_answered)},
    {"s.overall_satisfied", PS_CT_U32, offsetof(ps_unit_agg, s.overall_satisfied)},
    {"k.total", PS_CT_U32, offsetof(ps_unit_agg, k.total)},
    {"k.level.1", PS_CT_U32, offsetof(ps_unit_agg, k.level[1])},
    {"k.level.2", PS_CT_U32, offsetof(ps_unit_agg, k.level[2])},
    {"k.level.3", PS_CT_U32, offsetof(ps_unit_agg, k.level[3])},
    {"k.level.4", PS_CT_U32, offsetof(ps_unit_agg, k.level[4])},
};

size_t ps_counter_def_count(void) { return sizeof counter_defs / sizeof counter_defs[0]; }

const ps_counter_def *ps_counter_def_at(size_t i) {
    return i < ps_counter_def_count() ? &counter_defs[i] : NULL;
}

const ps_counter_def *ps_counter_def_find(const char *key) {
    for (size_t i = 0; key && i < ps_counter_def_count(); i++)
        if (strcmp(counter_defs[i].key, key) == 0) return &counter_defs[i];
    return NULL;
}

double ps_counter_get(const ps_unit_agg *u, const ps_counter_def *d) {
    const char *p = (const char *)u + d->offset;
    switch (d->type) {
    case PS_CT_U32: return *(const uint32_t *)(const void *)p;
    case PS_CT_U64: return (double)*(const uint64_t *)(const void *)p;
    default: return *(const double *)(const void *)p;
    }
}

/* Add `value` to counter d of u: PS_EDATA when it cannot be a count. */
int ps_counter_add(ps_unit_agg *u, const ps_counter_def *d, double value) {
    char *p = (char *)u + d->offset;
    if (d->type == PS_CT_DOUBLE) {
        *(double *)(void *)p += value;
        return PS_OK;
    }
    if (!(value >= 0) || value != (double)(uint64_t)value) return PS_EDATA;
    if (d->type == PS_CT_U32) {
        uint32_t *c = (uint32_t *)(void *)p;
        if (value > (double)(UINT32_MAX - *c)) return PS_EDATA;
        *c += (uint32_t)value;
    } else {
        *(uint64_t *)(void *)p += (uint64_t)value;
    }
    return PS_OK;
}
