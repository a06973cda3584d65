/*
 * ps_render_data.c -- the machine-readable outputs: results.csv (one row
 * per unit and criterion, RFC 4180, dot decimals), results.json (jansson;
 * also what a later run reads back as its previous period) and
 * results.xlsx (libxlsxwriter: a ranking sheet and a criteria sheet).
 * Every file is written under a temporary name and renamed when complete.
 */
#include "render/ps_render_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <xlsxwriter.h>

/* ---- streamed writing ------------------------------------------------ */

/* The data outputs are written as they are produced: rows gather in a
 * 64 KiB buffer that goes to the temporary file whenever it fills, so a
 * national results.json (57 MB) is never held whole.  Built as one
 * jansson tree and dumped, it was 300 MiB of a 490 MiB national run. */
#define OUT_CHUNK (64u << 10)

typedef struct out_stream {
    ps_atomic_file f;
    ps_buf b;
    int failed;                 /* PS_ENOMEM or PS_EIO once something failed */
    const char *why;            /* the message, when not the usual one */
} out_stream;

static int out_open(out_stream *o, const char *path, ps_error *err) {
    memset(o, 0, sizeof *o);
    ps_buf_init(&o->b, 0);
    return ps_atomic_open(&o->f, path, err);
}

static void out_flush(out_stream *o, size_t above) {
    if (o->b.failed && !o->failed) o->failed = PS_ENOMEM;
    if (o->b.len <= above || o->failed) return;
    if (fwrite(o->b.data, 1, o->b.len, (FILE *)o->f.fp) != o->b.len) o->failed = PS_EIO;
    ps_buf_reset(&o->b);
}

/* Flush, close and rename; on any earlier failure the temporary goes. */
static int out_close(out_stream *o, const char *path, ps_error *err) {
    out_flush(o, 0);
    int failed = o->failed;
    ps_buf_free(&o->b);
    int rc = ps_atomic_close(&o->f, !failed, err);
    if (rc != PS_OK || !failed) return rc;
    return ps_error_set(err, failed, path, 0, 0, "%s",
                        o->why ? o->why
                        : failed == PS_ENOMEM ? "out of memory"
                                              : "cannot write output file (disk full?)");
}

/* ---- CSV ------------------------------------------------------------- */

void ps_render_csv_field(ps_buf *b, const char *s) {
    if (!s) s = "";
    if (strpbrk(s, ",\"\r\n") == NULL) {
        ps_buf_add(b, s, strlen(s));
        return;
    }
    ps_buf_addc(b, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"') ps_buf_addc(b, '"');
        ps_buf_addc(b, *p);
    }
    ps_buf_addc(b, '"');
}

/* Numbers for machines: dot decimal, no thousands, empty when unknown. */
static void csv_num(ps_buf *b, double v) {
    if (isnan(v) || isinf(v)) return;
    ps_buf_printf(b, "%.10g", v);
}

/* total,max,band,rank,rank_of of a unit: empty when not scored */
static void csv_unit(ps_buf *b, const ps_unit_result *u) {
    int ok = ps_render_unit_ok(u);
    if (ok) csv_num(b, u->total);
    ps_buf_addc(b, ',');
    if (ok) csv_num(b, u->max);
    ps_buf_addc(b, ',');
    if (ok) ps_render_csv_field(b, u->band);
    ps_buf_addc(b, ',');
    if (ok && u->rank > 0) ps_buf_printf(b, "%d,%d", u->rank, u->rank_of);
    else ps_buf_addc(b, ',');
}

int ps_write_index(const ps_results *r, int with_pdf, const char *path, ps_error *err) {
    size_t *order = ps_calloc(r->n_units + 1, sizeof *order);
    if (!order || ps_render_rank_order(r, order) != PS_OK) {
        ps_free(order);
        return ps_error_set(err, PS_ENOMEM, path, 0, 0, "out of memory");
    }
    out_stream o;
    int rc = out_open(&o, path, err);
    if (rc != PS_OK) {
        ps_free(order);
        return rc;
    }
    ps_buf *b = &o.b;
    ps_buf_printf(b, "unit_code,unit_name,level,parent_code,file,total,max,band,rank,rank_of,"
                      "previous_total,previous_rank,change,trend,status\r\n");
    for (size_t i = 0; i < r->n_units; i++) {
        const ps_unit_result *u = &r->units[order[i]];
        char file[300] = "";
        if (with_pdf) ps_render_file_name(u, file, sizeof file);
        ps_render_csv_field(b, u->code); ps_buf_addc(b, ',');
        ps_render_csv_field(b, u->name); ps_buf_addc(b, ',');
        ps_render_csv_field(b, u->level); ps_buf_addc(b, ',');
        ps_render_csv_field(b, u->parent_code); ps_buf_addc(b, ',');
        ps_render_csv_field(b, file); ps_buf_addc(b, ',');
        csv_unit(b, u); ps_buf_addc(b, ',');
        ps_trend tr = ps_render_trend(u);
        int prev = u->has_previous && !isnan(u->prev_total);
        if (prev) csv_num(b, u->prev_total);
        ps_buf_addc(b, ',');
        if (prev && u->prev_rank > 0) ps_buf_printf(b, "%d", u->prev_rank);
        ps_buf_addc(b, ',');
        if (prev && tr != PS_TREND_NONE) csv_num(b, u->total - u->prev_total);
        ps_buf_addc(b, ',');
        ps_render_csv_field(b, ps_trend_key(tr)); ps_buf_addc(b, ',');
        ps_render_csv_field(b, u->failed ? "failed" : !u->scored ? "not_scored" : "scored");
        ps_buf_add(b, "\r\n", 2);
        out_flush(&o, OUT_CHUNK);
    }
    ps_free(order);
    return out_close(&o, path, err);
}

int ps_write_csv(const ps_results *r, const char *path, ps_error *err) {
    out_stream o;
    int rc = out_open(&o, path, err);
    if (rc != PS_OK) return rc;
    ps_buf *b = &o.b;
    /* one row per unit and criterion; the unit's own total, band and rank
     * repeat on each of its rows (index.csv has one row per unit) */
    ps_buf_printf(b, "unit_code,unit_name,level,criterion_id,criterion_name,group,"
                      "numerator,denominator,value,points,max,"
                      "unit_total,unit_max,unit_band,unit_rank,unit_rank_of\r\n");
    for (size_t i = 0; i < r->n_units; i++) {
        const ps_unit_result *u = &r->units[i];
        for (size_t k = 0; k < u->n_criteria; k++) {
            const ps_criterion_result *c = &u->criteria[k];
            ps_render_csv_field(b, u->code); ps_buf_addc(b, ',');
            ps_render_csv_field(b, u->name); ps_buf_addc(b, ',');
            ps_render_csv_field(b, u->level); ps_buf_addc(b, ',');
            ps_render_csv_field(b, c->id); ps_buf_addc(b, ',');
            ps_render_csv_field(b, c->name); ps_buf_addc(b, ',');
            ps_render_csv_field(b, c->section == PS_SECTION_BONUS ? "bonus"
                          : c->section == PS_SECTION_DEDUCTION ? "deduction" : c->group_id);
            ps_buf_addc(b, ',');
            if (c->has_ratio) csv_num(b, c->num);
            ps_buf_addc(b, ',');
            if (c->has_ratio) csv_num(b, c->den);
            ps_buf_addc(b, ',');
            if (c->has_ratio) csv_num(b, c->value);
            ps_buf_addc(b, ',');
            /* a deduction's points are taken off: negative here */
            csv_num(b, c->section == PS_SECTION_DEDUCTION ? -c->points : c->points);
            ps_buf_addc(b, ',');
            csv_num(b, c->max); ps_buf_addc(b, ',');
            csv_unit(b, u);
            ps_buf_add(b, "\r\n", 2);
        }
        out_flush(&o, OUT_CHUNK);
    }
    return out_close(&o, path, err);
}

/* ---- JSON ------------------------------------------------------------ */

static json_t *jnum(double v) { return isnan(v) || isinf(v) ? json_null() : json_real(v); }
static json_t *jstr(const char *s) { return s ? json_string(s) : json_null(); }

/* NULL when memory runs out or parked example codes cannot be read back. */
static json_t *unit_json(const ps_unit_result *u, ps_buf *scratch, int *status) {
    json_t *o = json_object();
    json_object_set_new(o, "code", jstr(u->code));
    json_object_set_new(o, "name", jstr(u->name));
    json_object_set_new(o, "level", jstr(u->level));
    json_object_set_new(o, "parent_code", jstr(u->parent_code));
    json_object_set_new(o, "parent_name", jstr(u->parent_name));
    json_object_set_new(o, "failed", json_boolean(u->failed));
    json_object_set_new(o, "error", jstr(u->error));
    json_object_set_new(o, "scored", json_boolean(u->scored));
    json_object_set_new(o, "status", jstr(u->status));
    json_object_set_new(o, "total", jnum(u->total));
    json_object_set_new(o, "max", jnum(u->max));
    json_object_set_new(o, "base_total", jnum(u->base_total));
    json_object_set_new(o, "bonus", jnum(u->bonus));
    json_object_set_new(o, "deduction", jnum(u->deduction));
    json_object_set_new(o, "band", jstr(u->band));
    json_object_set_new(o, "rank", u->rank > 0 ? json_integer(u->rank) : json_null());
    json_object_set_new(o, "rank_of", u->rank > 0 ? json_integer(u->rank_of) : json_null());
    json_t *groups = json_array();
    for (size_t g = 0; g < u->n_groups; g++) {
        json_t *j = json_object();
        json_object_set_new(j, "id", jstr(u->groups[g].id));
        json_object_set_new(j, "name", jstr(u->groups[g].name));
        json_object_set_new(j, "points", jnum(u->groups[g].points));
        json_object_set_new(j, "max", jnum(u->groups[g].max));
        json_array_append_new(groups, j);
    }
    json_object_set_new(o, "groups", groups);
    json_t *crit = json_array();
    for (size_t k = 0; k < u->n_criteria; k++) {
        const ps_criterion_result *c = &u->criteria[k];
        json_t *j = json_object();
        json_object_set_new(j, "id", jstr(c->id));
        json_object_set_new(j, "name", jstr(c->name));
        json_object_set_new(j, "group", jstr(c->group_id));
        json_object_set_new(j, "numerator", c->has_ratio ? jnum(c->num) : json_null());
        json_object_set_new(j, "denominator", c->has_ratio ? jnum(c->den) : json_null());
        json_object_set_new(j, "value", c->has_ratio ? jnum(c->value) : json_null());
        json_object_set_new(j, "value_text", jstr(c->value_text));
        json_object_set_new(j, "target", jstr(c->target));
        json_object_set_new(j, "target_met", c->target_met < 0 ? json_null()
                                                               : json_boolean(c->target_met));
        json_object_set_new(j, "points", jnum(c->points));
        json_object_set_new(j, "max", jnum(c->max));
        json_object_set_new(j, "note", jstr(c->note));
        static const char *const sections[] = {"group", "bonus", "deduction"};
        json_object_set_new(j, "section", json_string(sections[c->section % 3]));
        json_object_set_new(j, "lost_reason", jstr(c->lost_reason));
        if (c->measure) {
            const ps_measure_shown *m = c->measure;
            json_t *mj = json_object();
            json_object_set_new(mj, "key", jstr(m->key));
            json_object_set_new(mj, "kind", jstr(m->kind));
            json_object_set_new(mj, "reported", json_boolean(m->reported));
            json_object_set_new(mj, "source", jstr(m->source));
            json_object_set_new(mj, "self", jstr(m->self));
            json_object_set_new(mj, "appraised", jstr(m->appraised));
            json_object_set_new(mj, "system", jstr(m->system));
            json_object_set_new(mj, "evidence", jstr(m->evidence));
            json_object_set_new(mj, "row", jstr(m->row));
            json_object_set_new(j, "measure", mj);
        }
        json_t *lost = json_array();
        for (size_t l = 0; l < c->n_lost; l++) {
            json_t *lj = json_object();
            json_object_set_new(lj, "key", jstr(c->lost[l].key));
            json_object_set_new(lj, "label", jstr(c->lost[l].label));
            json_object_set_new(lj, "count", json_integer(c->lost[l].count));
            json_t *codes = json_array();
            const char *code = NULL;
            int rc = ps_examples_read(c->lost[l].codes, scratch, &code);
            if (rc) *status = rc;
            for (size_t m = 0; !rc && m < c->lost[l].n_codes; m++, code += strlen(code) + 1)
                json_array_append_new(codes, json_string(code));
            json_object_set_new(lj, "codes", codes);
            json_array_append_new(lost, lj);
        }
        json_object_set_new(j, "lost", lost);
        json_array_append_new(crit, j);
    }
    json_object_set_new(o, "criteria", crit);
    json_t *facts = json_object();
    for (size_t f = 0; f < u->n_facts; f++)
        if (u->fact_keys[f]) json_object_set_new(facts, u->fact_keys[f], jstr(u->fact_values[f]));
    json_object_set_new(o, "facts", facts);
    json_t *quality = json_array();
    for (size_t q = 0; q < u->n_quality; q++) {
        json_t *qj = json_object();
        json_object_set_new(qj, "issue", jstr(u->quality[q].issue));
        json_object_set_new(qj, "count", json_integer(u->quality[q].count));
        json_object_set_new(qj, "examples", jstr(u->quality[q].examples));
        json_array_append_new(quality, qj);
    }
    json_object_set_new(o, "measure_findings", quality);
    ps_trend tr = ps_render_trend(u);
    json_object_set_new(o, "trend", tr == PS_TREND_NONE ? json_null()
                                                        : json_string(ps_trend_key(tr)));
    json_t *dq = json_object();
    for (size_t k = 0; u->agg && k < u->agg->n_dq; k++)
        json_object_set_new(dq, u->agg->dq[k].key, json_integer(u->agg->dq[k].count));
    json_object_set_new(o, "data_quality", dq);
    if (u->has_previous) {
        json_t *p = json_object();
        json_object_set_new(p, "total", jnum(u->prev_total));
        json_object_set_new(p, "rank", u->prev_rank > 0 ? json_integer(u->prev_rank)
                                                        : json_null());
        json_object_set_new(p, "rank_of", u->prev_rank > 0 ? json_integer(u->prev_rank_of)
                                                           : json_null());
        json_object_set_new(p, "change", tr == PS_TREND_NONE ? json_null()
                                                             : jnum(u->total - u->prev_total));
        json_t *pg = json_object();
        for (size_t g = 0; g < u->n_groups && u->prev_groups; g++)
            if (u->groups[g].id) json_object_set_new(pg, u->groups[g].id, jnum(u->prev_groups[g]));
        json_object_set_new(p, "groups", pg);
        json_object_set_new(o, "previous", p);
    }
    if (*status) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* json_dump_callback target: appends to the stream, indenting every line
 * by `depth` more levels, so a unit dumped on its own reads exactly as it
 * would inside the whole document (jansson escapes newlines in strings:
 * every '\n' it emits is layout). */
typedef struct json_sink {
    out_stream *o;
    int depth;
} json_sink;

static int json_sink_write(const char *p, size_t n, void *data) {
    json_sink *k = data;
    ps_buf *b = &k->o->b;
    for (const char *nl; n && (nl = memchr(p, '\n', n)) != NULL;) {
        size_t m = (size_t)(nl - p) + 1;
        if (ps_buf_add(b, p, m) != PS_OK) return -1;
        for (int d = 0; d < k->depth; d++)
            if (ps_buf_addc(b, ' ') != PS_OK) return -1;
        p += m;
        n -= m;
    }
    return n && ps_buf_add(b, p, n) != PS_OK ? -1 : 0;
}

#define JSON_FLAGS (JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12))

static void json_put(out_stream *o, json_t *v, int depth) {
    json_sink k = {o, depth};
    if (!o->failed && (!v || json_dump_callback(v, json_sink_write, &k, JSON_FLAGS) != 0))
        o->failed = PS_ENOMEM;
    json_decref(v);
}

/* The document is the one a single json_dumps of the whole tree gives
 * (tests compare it byte for byte with the fixtures), written as: the
 * header object without its closing brace, each unit dumped alone at
 * depth 2, then the data-quality member. */
int ps_write_json(const ps_results *r, const char *path, ps_error *err) {
    json_t *root = json_object();
    json_object_set_new(root, "format", json_string("parscore-results/1"));
    json_object_set_new(root, "title", jstr(r->title));
    json_object_set_new(root, "issuer", jstr(r->issuer));
    json_t *rs = json_object();
    json_object_set_new(rs, "id", jstr(r->ruleset_id));
    json_object_set_new(rs, "name", jstr(r->ruleset_name));
    json_object_set_new(rs, "version", jstr(r->ruleset_version));
    json_object_set_new(root, "ruleset", rs);
    json_t *per = json_object();
    char d1[16], d2[16];
    ps_day_format(r->period.first, d1, sizeof d1);
    ps_day_format(r->period.last, d2, sizeof d2);
    json_object_set_new(per, "label", json_string(r->period.label));
    json_object_set_new(per, "label_vn", json_string(r->period.label_vn));
    json_object_set_new(per, "first", json_string(d1));
    json_object_set_new(per, "last", json_string(d2));
    json_object_set_new(root, "period", per);
    if (r->prev_label) {
        json_t *pp = json_object();
        json_object_set_new(pp, "label", jstr(r->prev_label));
        json_object_set_new(pp, "label_vn", jstr(r->prev_label_vn));
        json_object_set_new(root, "previous_period", pp);
    }
    json_object_set_new(root, "generated_at", json_integer(r->generated_at));
    json_t *src = json_array();
    for (size_t i = 0; i < r->n_sources; i++) json_array_append_new(src, jstr(r->sources[i]));
    json_object_set_new(root, "sources", src);
    json_t *bands = json_array();
    for (size_t i = 0; i < r->n_bands; i++) {
        json_t *b = json_object();
        json_object_set_new(b, "name", jstr(r->band_names[i]));
        json_object_set_new(b, "min", jnum(r->band_mins ? r->band_mins[i] : NAN));
        json_array_append_new(bands, b);
    }
    json_object_set_new(root, "bands", bands);
    /* the records no unit got: the run's warning points here */
    json_t *dq = json_object();
    json_t *unknown = json_array();
    for (size_t i = 0; i < r->n_unknown; i++) {
        json_t *j = json_object();
        json_object_set_new(j, "code", jstr(r->unknown[i].code));
        json_object_set_new(j, "records", json_integer(r->unknown[i].count));
        json_object_set_new(j, "example", jstr(r->unknown[i].example));
        json_array_append_new(unknown, j);
    }
    json_object_set_new(dq, "unknown_units", unknown);
    json_object_set_new(dq, "unknown_units_unlisted_records",
                        json_integer(r->agg ? (json_int_t)r->agg->unknown_unlisted : 0));
    json_t *tail = json_object();
    json_object_set_new(tail, "data_quality", dq);

    out_stream o;
    int rc = out_open(&o, path, err);
    if (rc != PS_OK) {
        json_decref(root);
        json_decref(tail);
        return rc;
    }
    /* "{\n ...\n}" less its last two bytes, then the units array */
    json_put(&o, root, 0);
    if (o.b.len >= 2) o.b.len -= 2;
    ps_buf_add(&o.b, ",\n \"units\": [", 13);
    ps_buf scratch;
    ps_buf_init(&scratch, 0);
    for (size_t i = 0; i < r->n_units; i++) {
        ps_buf_add(&o.b, i ? ",\n  " : "\n  ", i ? 4 : 3);
        int st = PS_OK;
        json_t *uj = unit_json(&r->units[i], &scratch, &st);
        if (st == PS_EIO && !o.failed) {
            o.failed = PS_EIO;
            o.why = "cannot read back the run's example codes from its temporary file (disk error?)";
        }
        json_put(&o, uj, 2);
        out_flush(&o, OUT_CHUNK);
    }
    ps_buf_free(&scratch);
    ps_buf_add(&o.b, r->n_units ? "\n ]," : "],", r->n_units ? 4 : 2);
    /* "{\n \"data_quality\": ...\n}" less its opening brace */
    size_t at = o.b.len;
    json_put(&o, tail, 0);
    if (o.b.len > at) {
        memmove(o.b.data + at, o.b.data + at + 1, o.b.len - at - 1);
        o.b.len--;
    }
    ps_buf_addc(&o.b, '\n');
    return out_close(&o, path, err);
}

/* ---- previous period ----------------------------------------------- */

/* "year", "quarter", "month" from a period label ("2025", "2025-Q1",
 * "2025-03"), NULL for a custom range (compared by its length in days). */
static const char *period_kind(const char *label) {
    size_t n = label ? strlen(label) : 0;
    if (n == 4) return "year";
    if (n == 7 && label[5] == 'Q') return "quarter";
    if (n == 7 && label[4] == '-') return "month";
    return NULL;
}

/* The rule set's version "2025.1": versions agree on the part before the
 * first dot (a new year's rules may move points between groups). */
static int same_major(const char *a, const char *b) {
    if (!a || !b) return !a && !b;
    size_t la = strcspn(a, "."), lb = strcspn(b, ".");
    return la == lb && strncmp(a, b, la) == 0;
}

/* A previous results file must be the same rule set, an earlier period of
 * the same length and the same units: otherwise a trend compares unlike
 * things (group 4 of one rule set with group 4 of another, a quarter with
 * a year, another province). */
static int previous_check(const ps_results *r, json_t *root, const char *path,
                          ps_error *err) {
    json_t *rs = json_object_get(root, "ruleset"), *per = json_object_get(root, "period");
    const char *id = json_string_value(json_object_get(rs, "id"));
    const char *ver = json_string_value(json_object_get(rs, "version"));
    const char *label = json_string_value(json_object_get(per, "label"));
    const char *label_vn = json_string_value(json_object_get(per, "label_vn"));
    const char *first = json_string_value(json_object_get(per, "first"));
    const char *last = json_string_value(json_object_get(per, "last"));
    ps_day f = 0, l = 0;
    if (!id || !label || !first || !last || !ps_parse_date(first, &f) || !ps_parse_date(last, &l))
        return ps_error_set(err, PS_EDATA, path, 0, 0,
                            "the previous results name no rule set or period (expected a "
                            "results.json written by parscore)");
    if (!r->ruleset_id || strcmp(id, r->ruleset_id) != 0)
        return ps_error_set(err, PS_EDATA, path, 0, 0,
                            "the previous results were scored with rule set '%s', this run "
                            "with '%s': their groups and points are not comparable (give "
                            "`previous` a results.json of '%s')",
                            id, r->ruleset_id ? r->ruleset_id : "?",
                            r->ruleset_id ? r->ruleset_id : "?");
    if (!same_major(ver, r->ruleset_version))
        return ps_error_set(err, PS_EDATA, path, 0, 0,
                            "the previous results used version %s of rule set '%s', this run "
                            "version %s: versions with another major number may weigh the "
                            "groups differently",
                            ver ? ver : "(none)", id,
                            r->ruleset_version ? r->ruleset_version : "(none)");
    const char *k1 = period_kind(label), *k2 = period_kind(r->period.label);
    int same_len = k1 && k2 ? strcmp(k1, k2) == 0
                            : !k1 && !k2 && l - f == r->period.last - r->period.first;
    if (!same_len)
        return ps_error_set(err, PS_EDATA, path, 0, 0,
                            "the previous results are for %s (%s), this run for %s (%s): a "
                            "trend compares periods of the same length",
                            label_vn ? label_vn : label, label, r->period.label_vn,
                            r->period.label);
    if (l >= r->period.first)
        return ps_error_set(err, PS_EDATA, path, 0, 0,
                            "the previous results are for %s, which does not end before this "
                            "run's %s: give `previous` an earlier period",
                            label_vn ? label_vn : label, r->period.label_vn);
    return PS_OK;
}

int ps_previous_load(ps_results *r, const char *json_path, ps_error *err) {
    json_error_t je;
    json_t *root = json_load_file(json_path, 0, &je);
    if (!root) {
        if (access(json_path, R_OK) != 0)
            return ps_error_set(err, PS_EIO, json_path, 0, 0,
                                "cannot read the previous results file: %s (fix "
                                "`previous` in the job)", strerror(errno));
        return ps_error_set(err, PS_EPARSE, json_path, je.line, je.column,
                            "previous results are not valid JSON: %s", je.text);
    }
    json_t *units = json_object_get(root, "units");
    if (!json_is_array(units)) {
        json_decref(root);
        return ps_error_set(err, PS_EDATA, json_path, 0, 0,
                            "previous results have no \"units\" array (expected a "
                            "results.json written by parscore)");
    }
    int vrc = previous_check(r, root, json_path, err);
    if (vrc != PS_OK) {
        json_decref(root);
        return vrc;
    }
    json_t *per = json_object_get(root, "period");
    r->prev_label = ps_arena_strdup(&r->arena, json_string_value(json_object_get(per, "label")));
    const char *lvn = json_string_value(json_object_get(per, "label_vn"));
    r->prev_label_vn = ps_arena_strdup(&r->arena, lvn ? lvn : r->prev_label);
    ps_map by_code;
    memset(&by_code, 0, sizeof by_code);
    size_t i;
    json_t *pu;
    json_array_foreach(units, i, pu) {
        const char *code = json_string_value(json_object_get(pu, "code"));
        if (code && ps_map_put(&by_code, code, (int)i) != PS_OK) {
            ps_map_free(&by_code);
            json_decref(root);
            return ps_error_set(err, PS_ENOMEM, json_path, 0, 0, "out of memory");
        }
    }
    int rc = PS_OK;
    size_t listed = 0;
    for (size_t k = 0; k < r->n_units && rc == PS_OK; k++) {
        ps_unit_result *u = &r->units[k];
        int idx;
        if (!u->code || !ps_map_get(&by_code, u->code, &idx)) continue;
        listed++;
        json_t *p = json_array_get(units, (size_t)idx);
        json_t *tot = json_object_get(p, "total");
        if (!json_is_number(tot) || json_is_true(json_object_get(p, "failed"))) continue;
        u->has_previous = 1;
        u->prev_total = json_number_value(tot);
        json_t *rk = json_object_get(p, "rank"), *rko = json_object_get(p, "rank_of");
        u->prev_rank = json_is_integer(rk) ? (int)json_integer_value(rk) : 0;
        u->prev_rank_of = json_is_integer(rko) ? (int)json_integer_value(rko) : 0;

        u->prev_groups = ps_arena_alloc(&r->arena, (u->n_groups + 1) * sizeof(double));
        if (!u->prev_groups) {
            rc = ps_error_set(err, PS_ENOMEM, json_path, 0, 0, "out of memory");
            break;
        }
        json_t *pg = json_object_get(p, "groups");
        for (size_t g = 0; g < u->n_groups; g++) {
            u->prev_groups[g] = NAN;
            size_t gi;
            json_t *gj;
            json_array_foreach(pg, gi, gj) {
                const char *id = json_string_value(json_object_get(gj, "id"));
                json_t *pts = json_object_get(gj, "points");
                if (id && u->groups[g].id && !strcmp(id, u->groups[g].id) && json_is_number(pts))
                    u->prev_groups[g] = json_number_value(pts);
            }
        }
    }
    ps_map_free(&by_code);
    json_decref(root);
    if (rc == PS_OK && r->n_units && !listed)
        rc = ps_error_set(err, PS_EDATA, json_path, 0, 0,
                          "none of this run's %zu units is in the previous results (another "
                          "province or scope?): give `previous` the results of the same units",
                          r->n_units);
    return rc;
}

/* ---- XLSX ------------------------------------------------------------ */

/* libxlsxwriter writes to a path: a temporary one beside `path` (written
 * into tmp), renamed by ps_render_xlsx_close.  The path is probed first,
 * or the library prints its own error on stderr. */
int ps_render_xlsx_open(const char *path, char *tmp, size_t tmp_size, lxw_workbook **wb,
                        ps_error *err) {
    snprintf(tmp, tmp_size, "%s.tmp.%ld", path, (long)getpid());
    FILE *probe = ps_open_new(tmp);
    if (!probe)
        return ps_error_set(err, PS_EIO, path, 0, 0, "cannot create output file: %s "
                            "(check that the output directory exists and is writable)",
                            strerror(errno));
    fclose(probe);
    lxw_workbook_options wo = {.constant_memory = LXW_FALSE, .tmpdir = NULL,
                               .use_zip64 = LXW_FALSE};
    *wb = workbook_new_opt(tmp, &wo);
    if (!*wb) {
        unlink(tmp);
        return ps_error_set(err, PS_ENOMEM, path, 0, 0, "cannot start the workbook");
    }
    return PS_OK;
}

int ps_render_xlsx_close(lxw_workbook *wb, const char *tmp, const char *path, ps_error *err) {
    lxw_error e = workbook_close(wb);
    int rc = PS_OK;
    if (e != LXW_NO_ERROR) {
        rc = ps_error_set(err, PS_EIO, path, 0, 0, "cannot write the workbook: %s "
                          "(check that the output directory exists and is writable)",
                          lxw_strerror(e));
        unlink(tmp);
    } else if (rename(tmp, path) != 0) {
        rc = ps_error_set(err, PS_EIO, path, 0, 0,
                          "cannot rename the temporary workbook into place: %s", strerror(errno));
        unlink(tmp);
    }
    return rc;
}

static double xl_num(double v) { return isnan(v) || isinf(v) ? 0 : v; }

int ps_write_xlsx(const ps_results *r, const char *path, ps_error *err) {
    size_t n = strlen(path) + 40;
    char *tmp = ps_malloc(n);
    size_t *order = ps_calloc(r->n_units + 1, sizeof *order);
    if (!tmp || !order || ps_render_rank_order(r, order) != PS_OK) {
        ps_free(tmp);
        ps_free(order);
        return ps_error_set(err, PS_ENOMEM, path, 0, 0, "out of memory");
    }
    lxw_workbook *wb;
    int orc = ps_render_xlsx_open(path, tmp, n, &wb, err);
    if (orc != PS_OK) {
        ps_free(tmp);
        ps_free(order);
        return orc;
    }
    /* fixed document properties so identical results give identical files */
    lxw_doc_properties props;
    memset(&props, 0, sizeof props);
    props.title = r->title ? (char *)r->title : "parscore";
    props.author = "parscore";
    props.created = (time_t)r->generated_at;
    workbook_set_properties(wb, &props);

    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bg_color(head, 0xDDE4EE);
    format_set_border(head, LXW_BORDER_THIN);
    format_set_text_wrap(head);
    format_set_align(head, LXW_ALIGN_VERTICAL_CENTER);
    lxw_format *f_pts = workbook_add_format(wb);
    format_set_num_format(f_pts, "0.00");
    lxw_format *f_pct = workbook_add_format(wb);
    format_set_num_format(f_pct, "0.0%");
    lxw_format *f_int = workbook_add_format(wb);
    format_set_num_format(f_int, "#,##0");

    /* sheet 1: ranking */
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Xếp hạng");
    const ps_unit_result *g0 = NULL;
    for (size_t i = 0; i < r->n_units; i++)
        if (ps_render_unit_ok(&r->units[i]) && (!g0 || r->units[i].n_groups > g0->n_groups))
            g0 = &r->units[i];
    static const char *const h1[] = {"Hạng", "Trên số đơn vị", "Mã", "Đơn vị", "Cấp",
                                     "Trực thuộc", "Tổng điểm", "Điểm tối đa", "Xếp loại",
                                     "Tình trạng", "Điểm kỳ trước", "Hạng kỳ trước",
                                     "Thay đổi", "Xu hướng"};
    static const char *const trend_vn[] = {"", "Mới", "Tăng", "Giảm", "Không đổi"};
    lxw_col_t nh = 14, ng = g0 ? (lxw_col_t)g0->n_groups : 0;
    for (lxw_col_t c = 0; c < nh; c++) worksheet_write_string(ws, 0, c, h1[c], head);
    for (lxw_col_t g = 0; g < ng; g++)
        worksheet_write_string(ws, 0, nh + g, g0->groups[g].name ? g0->groups[g].name
                                                                 : g0->groups[g].id, head);
    /* bonus and deduction: after the groups, when the rule set has them */
    lxw_col_t nb = r->has_bonus || r->has_deduction ? 3 : 0;
    if (nb) {
        worksheet_write_string(ws, 0, nh + ng, "Cộng điểm các nhóm", head);
        worksheet_write_string(ws, 0, nh + ng + 1, "Điểm thưởng", head);
        worksheet_write_string(ws, 0, nh + ng + 2, "Điểm trừ", head);
    }
    for (size_t i = 0; i < r->n_units; i++) {
        const ps_unit_result *u = &r->units[order[i]];
        lxw_row_t row = (lxw_row_t)(i + 1);
        int ok = ps_render_unit_ok(u);
        if (ok && u->rank > 0) {
            worksheet_write_number(ws, row, 0, u->rank, NULL);
            worksheet_write_number(ws, row, 1, u->rank_of, NULL);
        }
        worksheet_write_string(ws, row, 2, u->code, NULL);
        worksheet_write_string(ws, row, 3, u->name, NULL);
        if (u->level) worksheet_write_string(ws, row, 4, u->level, NULL);
        if (u->parent_name) worksheet_write_string(ws, row, 5, u->parent_name, NULL);
        if (ok) {
            worksheet_write_number(ws, row, 6, xl_num(u->total), f_pts);
            worksheet_write_number(ws, row, 7, xl_num(u->max), f_pts);
            if (u->band) worksheet_write_string(ws, row, 8, u->band, NULL);
        }
        const char *st = u->failed ? "Không chấm điểm được" : u->status;
        if (st) worksheet_write_string(ws, row, 9, st, NULL);
        ps_trend tr = ps_render_trend(u);
        if (u->has_previous && !isnan(u->prev_total)) {
            worksheet_write_number(ws, row, 10, u->prev_total, f_pts);
            if (u->prev_rank > 0) worksheet_write_number(ws, row, 11, u->prev_rank, NULL);
            if (tr != PS_TREND_NONE)
                worksheet_write_number(ws, row, 12, u->total - u->prev_total, f_pts);
        }
        if (tr != PS_TREND_NONE) worksheet_write_string(ws, row, 13, trend_vn[tr], NULL);
        for (lxw_col_t g = 0; ok && g < ng; g++)
            for (size_t k = 0; k < u->n_groups; k++)
                if (u->groups[k].id && g0->groups[g].id && !strcmp(u->groups[k].id, g0->groups[g].id))
                    worksheet_write_number(ws, row, nh + g, xl_num(u->groups[k].points), f_pts);
        if (ok && nb) {
            worksheet_write_number(ws, row, nh + ng, xl_num(u->base_total), f_pts);
            worksheet_write_number(ws, row, nh + ng + 1, xl_num(u->bonus), f_pts);
            worksheet_write_number(ws, row, nh + ng + 2, xl_num(u->deduction), f_pts);
        }
    }
    worksheet_set_row(ws, 0, 45, NULL);
    worksheet_set_column(ws, 0, 1, 8, NULL);
    worksheet_set_column(ws, 2, 2, 12, NULL);
    worksheet_set_column(ws, 3, 3, 36, NULL);
    worksheet_set_column(ws, 4, 4, 10, NULL);
    worksheet_set_column(ws, 5, 5, 20, NULL);
    worksheet_set_column(ws, 6, 8, 11, NULL);
    worksheet_set_column(ws, 9, 9, 28, NULL);
    worksheet_set_column(ws, 10, 13, 11, NULL);
    if (ng + nb) worksheet_set_column(ws, nh, nh + ng + nb - 1, 16, NULL);
    worksheet_freeze_panes(ws, 1, 4);
    worksheet_autofilter(ws, 0, 0, (lxw_row_t)r->n_units, nh + (ng + nb ? ng + nb : 1) - 1);

    /* sheet 2: every unit's criteria */
    lxw_worksheet *wc = workbook_add_worksheet(wb, "Tiêu chí");
    static const char *const h2[] = {"Mã đơn vị", "Đơn vị", "Cấp", "Mã tiêu chí", "Tiêu chí",
                                     "Nhóm", "Tử số", "Mẫu số", "Kết quả", "Chỉ tiêu",
                                     "Điểm", "Điểm tối đa", "Hồ sơ làm giảm điểm",
                                     "Tự đánh giá", "Thẩm định", "Hệ thống", "Minh chứng",
                                     "Nguyên nhân mất điểm"};
    for (lxw_col_t c = 0; c < 18; c++) worksheet_write_string(wc, 0, c, h2[c], head);
    lxw_row_t row = 1;
    for (size_t i = 0; i < r->n_units; i++) {
        const ps_unit_result *u = &r->units[i];
        for (size_t k = 0; k < u->n_criteria; k++, row++) {
            const ps_criterion_result *c = &u->criteria[k];
            worksheet_write_string(wc, row, 0, u->code, NULL);
            worksheet_write_string(wc, row, 1, u->name, NULL);
            if (u->level) worksheet_write_string(wc, row, 2, u->level, NULL);
            if (c->id) worksheet_write_string(wc, row, 3, c->id, NULL);
            if (c->name) worksheet_write_string(wc, row, 4, c->name, NULL);
            const char *grp = c->section == PS_SECTION_BONUS ? "Điểm thưởng"
                              : c->section == PS_SECTION_DEDUCTION ? "Điểm trừ" : c->group_id;
            if (grp) worksheet_write_string(wc, row, 5, grp, NULL);
            if (c->has_ratio) {
                worksheet_write_number(wc, row, 6, xl_num(c->num), f_int);
                worksheet_write_number(wc, row, 7, xl_num(c->den), f_int);
                if (!isnan(c->value)) worksheet_write_number(wc, row, 8, c->value, f_pct);
            } else if (c->value_text) {
                worksheet_write_string(wc, row, 8, c->value_text, NULL);
            }
            if (c->target) worksheet_write_string(wc, row, 9, c->target, NULL);
            worksheet_write_number(wc, row, 10, xl_num(c->points), f_pts);
            worksheet_write_number(wc, row, 11, xl_num(c->max), f_pts);
            uint32_t lost = 0;
            for (size_t l = 0; l < c->n_lost; l++) lost += c->lost[l].count;
            if (c->n_lost) worksheet_write_number(wc, row, 12, lost, f_int);
            const ps_measure_shown *ms = c->measure;
            const char *mcol[4] = {ms ? ms->self : NULL, ms ? ms->appraised : NULL,
                                   ms ? ms->system : NULL, ms ? ms->evidence : NULL};
            for (int k = 0; ms && k < 4; k++)
                if (mcol[k]) worksheet_write_string(wc, row, (lxw_col_t)(13 + k), mcol[k], NULL);
            if (c->lost_reason) worksheet_write_string(wc, row, 17, c->lost_reason, NULL);
        }
    }
    worksheet_set_row(wc, 0, 30, NULL);
    worksheet_set_column(wc, 0, 0, 12, NULL);
    worksheet_set_column(wc, 1, 1, 30, NULL);
    worksheet_set_column(wc, 2, 3, 10, NULL);
    worksheet_set_column(wc, 4, 4, 50, NULL);
    worksheet_set_column(wc, 5, 12, 11, NULL);
    worksheet_set_column(wc, 13, 15, 12, NULL);
    worksheet_set_column(wc, 16, 17, 36, NULL);
    worksheet_freeze_panes(wc, 1, 2);
    worksheet_autofilter(wc, 0, 0, row > 1 ? row - 1 : 1, 17);

    int rc = ps_render_xlsx_close(wb, tmp, path, err);
    ps_free(tmp);
    ps_free(order);
    return rc;
}
