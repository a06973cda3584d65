/*
 * ps_score.c -- the scoring run: one call of the ruleset per selected unit
 * (never per record), the returned groups and criteria copied into
 * ps_results, then bands, ranks and roll-up facts computed here in C from
 * the totals once every unit is scored.
 */
#include "score/ps_score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "score/ps_score_int.h"

typedef struct unit_ctx {
    const ps_agg *agg;
    const ps_units *units;
    size_t index;               /* unit index */
    const ps_sipas *sipas;
    ps_results *out;
    ps_unit_result *ur;
} unit_ctx;

static int example_index(const char *key) { return ps_example_from_key(key); }

/* ---- reading the result table (inside the protected call) ----------- */

static const char *arena_str(lua_State *L, ps_arena *ar, const char *s) {
    if (!s) return NULL;
    const char *c = ps_arena_strdup(ar, s);
    if (!c) luaL_error(L, "out of memory");
    return c;
}

static void *arena_array(lua_State *L, ps_arena *ar, size_t n, size_t size) {
    if (n == 0) return NULL;
    void *p = ps_arena_alloc(ar, n * size);
    if (!p) luaL_error(L, "out of memory");
    return p;
}

/* Field k of the table at idx as text (numbers converted), NULL if nil. */
static const char *field_str(lua_State *L, int idx, const char *k, ps_arena *ar) {
    lua_getfield(L, idx, k);
    const char *s = NULL;
    if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER)
        s = arena_str(L, ar, lua_tostring(L, -1));
    lua_pop(L, 1);
    return s;
}

static double field_num(lua_State *L, int idx, const char *k, double dflt) {
    lua_getfield(L, idx, k);
    double v = lua_type(L, -1) == LUA_TNUMBER ? lua_tonumber(L, -1) : dflt;
    lua_pop(L, 1);
    return v;
}

/* Lost-point lists: the keys come from the rules, the codes straight from
 * the unit's aggregates, listed only when the criterion lost points. */
static void read_lost(lua_State *L, int cidx, const ps_unit_agg *g,
                      ps_criterion_result *cr, ps_arena *ar) {
    /* a deduction "loses" the points it takes off */
    int lost = cr->section == PS_SECTION_DEDUCTION ? cr->points > 1e-9 : cr->points < cr->max - 1e-9;
    if (lua_getfield(L, cidx, "lost") != LUA_TTABLE || !lost) {
        lua_pop(L, 1);
        return;
    }
    size_t n = (size_t)luaL_len(L, -1);
    cr->lost = arena_array(L, ar, n, sizeof *cr->lost);
    for (size_t i = 1; i <= n; i++) {
        lua_geti(L, -1, (lua_Integer)i);
        const char *key = lua_tostring(L, -1);
        int k = key ? example_index(key) : -1;
        lua_pop(L, 1);
        if (k < 0 || g->ex[k].count == 0) continue;
        ps_lost *l = &cr->lost[cr->n_lost++];
        l->key = ps_example_key((ps_example_kind)k);     /* static strings */
        l->label = ps_example_label((ps_example_kind)k);
        l->count = g->ex[k].count;
        l->n_codes = g->ex[k].kept;
        l->codes = &g->ex[k];
    }
    lua_pop(L, 1);
}

static void read_result(lua_State *L, int res, unit_ctx *c) {
    ps_unit_result *ur = c->ur;
    ps_arena *ar = &c->out->arena;
    const ps_unit_agg *g = &c->agg->u[c->index];
    if (!lua_istable(L, res))
        luaL_error(L, "ruleset.score must return a table, got %s", luaL_typename(L, res));
    ur->total = field_num(L, res, "total", 0);
    ur->max = field_num(L, res, "max", 0);
    ur->base_total = field_num(L, res, "base_total", ur->total);
    ur->bonus = field_num(L, res, "bonus", 0);
    ur->deduction = field_num(L, res, "deduction", 0);
    ur->band_total = field_num(L, res, "band_total", ur->total);
    lua_getfield(L, res, "scored");
    ur->scored = lua_isnil(L, -1) ? 1 : lua_toboolean(L, -1);
    lua_pop(L, 1);
    ur->status = field_str(L, res, "status", ar);

    if (lua_getfield(L, res, "groups") == LUA_TTABLE) {
        ur->n_groups = (size_t)luaL_len(L, -1);
        ur->groups = arena_array(L, ar, ur->n_groups, sizeof *ur->groups);
        for (size_t i = 0; i < ur->n_groups; i++) {
            lua_geti(L, -1, (lua_Integer)i + 1);
            int gi = lua_gettop(L);
            ur->groups[i].id = field_str(L, gi, "id", ar);
            ur->groups[i].name = field_str(L, gi, "name", ar);
            ur->groups[i].points = field_num(L, gi, "points", 0);
            ur->groups[i].max = field_num(L, gi, "max", 0);
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);

    if (lua_getfield(L, res, "criteria") == LUA_TTABLE) {
        ur->n_criteria = (size_t)luaL_len(L, -1);
        ur->criteria = arena_array(L, ar, ur->n_criteria, sizeof *ur->criteria);
        for (size_t i = 0; i < ur->n_criteria; i++) {
            ps_criterion_result *cr = &ur->criteria[i];
            lua_geti(L, -1, (lua_Integer)i + 1);
            int ci = lua_gettop(L);
            cr->id = field_str(L, ci, "id", ar);
            cr->name = field_str(L, ci, "name", ar);
            int group = (int)field_num(L, ci, "group", 0) - 1;
            cr->group = group >= 0 && (size_t)group < ur->n_groups ? group : -1;
            cr->group_id = cr->group >= 0 ? ur->groups[cr->group].id : NULL;
            lua_getfield(L, ci, "has_ratio");
            cr->has_ratio = lua_toboolean(L, -1);
            lua_pop(L, 1);
            cr->num = field_num(L, ci, "num", 0);
            cr->den = field_num(L, ci, "den", 0);
            cr->value = cr->has_ratio ? field_num(L, ci, "value", NAN) : NAN;
            cr->value_text = field_str(L, ci, "value_text", ar);
            cr->target = field_str(L, ci, "target", ar);
            lua_getfield(L, ci, "target_met");
            cr->target_met = lua_isnil(L, -1) ? -1 : lua_toboolean(L, -1);
            lua_pop(L, 1);
            cr->points = field_num(L, ci, "points", 0);
            cr->max = field_num(L, ci, "max", 0);
            cr->note = field_str(L, ci, "note", ar);
            cr->lost_reason = field_str(L, ci, "lost_reason", ar);
            const char *section = field_str(L, ci, "section", ar);
            cr->section = !section ? PS_SECTION_GROUP
                          : !strcmp(section, "bonus") ? PS_SECTION_BONUS
                          : !strcmp(section, "deduction") ? PS_SECTION_DEDUCTION
                                                          : PS_SECTION_GROUP;
            if (cr->section != PS_SECTION_GROUP) {
                cr->group = -1;
                cr->group_id = NULL;
            }
            if (lua_getfield(L, ci, "measure") == LUA_TTABLE) {
                int mi = lua_gettop(L);
                ps_measure_shown *m = arena_array(L, ar, 1, sizeof *m);
                memset(m, 0, sizeof *m);
                cr->measure = m;
                m->key = field_str(L, mi, "key", ar);
                m->kind = field_str(L, mi, "kind", ar);
                lua_getfield(L, mi, "reported");
                m->reported = lua_toboolean(L, -1);
                lua_pop(L, 1);
                m->source = field_str(L, mi, "source", ar);
                m->self = field_str(L, mi, "self_text", ar);
                m->appraised = field_str(L, mi, "appraised_text", ar);
                m->system = field_str(L, mi, "system_text", ar);
                m->evidence = field_str(L, mi, "evidence", ar);
                m->row = field_str(L, mi, "row", ar);
            }
            lua_pop(L, 1);
            read_lost(L, ci, g, cr, ar);
            if (lua_getfield(L, ci, "explain") == LUA_TTABLE && cr->points < cr->max - 1e-9) {
                size_t ne = (size_t)luaL_len(L, -1);
                cr->explain = arena_array(L, ar, ne, sizeof *cr->explain);
                for (size_t e = 1; e <= ne; e++) {
                    lua_geti(L, -1, (lua_Integer)e);
                    const char *line = lua_tostring(L, -1);
                    if (line) cr->explain[cr->n_explain++] = arena_str(L, ar, line);
                    lua_pop(L, 1);
                }
            }
            lua_pop(L, 1);
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);

    if (lua_getfield(L, res, "warnings") == LUA_TTABLE) {
        size_t n = (size_t)luaL_len(L, -1);
        ur->warnings = arena_array(L, ar, n, sizeof *ur->warnings);
        for (size_t i = 0; i < n; i++) {
            lua_geti(L, -1, (lua_Integer)i + 1);
            const char *w = lua_tostring(L, -1);
            if (w) ur->warnings[ur->n_warnings++] = arena_str(L, ar, w);
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);

    if (lua_getfield(L, res, "quality") == LUA_TTABLE) {
        size_t n = (size_t)luaL_len(L, -1);
        ur->quality = arena_array(L, ar, n, sizeof *ur->quality);
        for (size_t i = 0; i < n; i++) {
            lua_geti(L, -1, (lua_Integer)i + 1);
            int qi = lua_gettop(L);
            ps_quality_line *q = &ur->quality[ur->n_quality];
            q->issue = field_str(L, qi, "issue", ar);
            q->count = (uint32_t)field_num(L, qi, "count", 1);
            if (lua_getfield(L, qi, "examples") == LUA_TTABLE) {
                luaL_Buffer b;
                luaL_buffinit(L, &b);
                lua_Integer ne = luaL_len(L, -2);
                for (lua_Integer e = 1; e <= ne; e++) {
                    lua_geti(L, -2, e);
                    if (e > 1) luaL_addstring(&b, "; ");
                    luaL_addvalue(&b);
                }
                luaL_pushresult(&b);
                q->examples = arena_str(L, ar, lua_tostring(L, -1));
                lua_pop(L, 1);
            }
            lua_pop(L, 2);
            if (q->issue) ur->n_quality++;
        }
    }
    lua_pop(L, 1);

    if (lua_getfield(L, res, "facts") == LUA_TTABLE) {
        size_t n = (size_t)luaL_len(L, -1);
        ur->fact_keys = arena_array(L, ar, n, sizeof *ur->fact_keys);
        ur->fact_values = arena_array(L, ar, n, sizeof *ur->fact_values);
        for (size_t i = 0; i < n; i++) {
            lua_geti(L, -1, (lua_Integer)i + 1);
            lua_geti(L, -1, 1);
            lua_geti(L, -2, 2);
            const char *k = lua_tostring(L, -2), *v = lua_tostring(L, -1);
            if (k && v) {
                ur->fact_keys[ur->n_facts] = arena_str(L, ar, k);
                ur->fact_values[ur->n_facts] = arena_str(L, ar, v);
                ur->n_facts++;
            }
            lua_pop(L, 3);
        }
    }
    lua_pop(L, 1);
}

/* arg 1: unit_ctx.  Builds u, calls ruleset.score(u), reads the result. */
static int score_unit_p(lua_State *L) {
    unit_ctx *c = lua_touserdata(L, 1);
    lua_settop(L, 1);
    ps_lua_new_unit(L);
    lua_getfield(L, LUA_REGISTRYINDEX, "ps.ruleset");
    lua_getfield(L, -1, "score");
    ps_push_unit(L, c->agg, c->units, c->index, c->sipas);
    lua_call(L, 1, 1);
    read_result(L, lua_gettop(L), c);
    return 0;
}

/* ---- after all units: bands, ranks, roll-up facts -------------------- */

typedef struct rank_item {
    const char *level;
    double total;
    size_t result;
} rank_item;

static int rank_cmp(const void *pa, const void *pb) {
    const rank_item *a = pa, *b = pb;
    int c = strcmp(a->level, b->level);
    if (c) return c;
    if (a->total > b->total) return -1;
    if (a->total < b->total) return 1;
    return a->result < b->result ? -1 : a->result > b->result;
}

static int rank_units(ps_results *r) {
    rank_item *items = ps_calloc(r->n_units, sizeof *items);
    if (!items) return PS_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < r->n_units; i++) {
        ps_unit_result *u = &r->units[i];
        if (u->failed || !u->scored) continue;
        items[n].level = u->level ? u->level : "";
        items[n].total = u->total;
        items[n].result = i;
        n++;
    }
    qsort(items, n, sizeof *items, rank_cmp);
    for (size_t s = 0; s < n;) {
        size_t e = s;
        while (e < n && strcmp(items[e].level, items[s].level) == 0) e++;
        /* competition ranking: equal totals share a rank (1, 1, 3) */
        for (size_t i = s; i < e; i++) {
            int rank = (int)(i - s) + 1;
            if (i > s && fabs(items[i].total - items[i - 1].total) < 1e-9)
                rank = r->units[items[i - 1].result].rank;
            r->units[items[i].result].rank = rank;
            r->units[items[i].result].rank_of = (int)(e - s);
        }
        s = e;
    }
    ps_free(items);
    return PS_OK;
}

static void apply_bands(ps_results *r) {
    for (size_t i = 0; i < r->n_units; i++) {
        ps_unit_result *u = &r->units[i];
        if (u->failed || !u->scored) continue;
        for (size_t b = 0; b < r->n_bands; b++) {
            if (u->band_total >= r->band_mins[b] - 1e-9) {
                u->band = r->band_names[b];
                break;
            }
        }
    }
}

/* "Bình quân điểm các xã: 82,35 (3 đơn vị)" on every unit whose scored
 * children exist, when the ruleset names such a fact. */
static int children_mean(ps_results *r, const ps_units *units, const char *label) {
    size_t n = units->count;
    double *sum = ps_calloc(n, sizeof *sum);
    size_t *cnt = ps_calloc(n, sizeof *cnt);
    int st = PS_OK;
    if (!sum || !cnt) {
        st = PS_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < r->n_units; i++) {
        const ps_unit_result *u = &r->units[i];
        int p = units->items[u->unit].parent;
        if (u->failed || !u->scored || p < 0 || (size_t)p >= n) continue;
        sum[p] += u->total;
        cnt[p]++;
    }
    for (size_t i = 0; i < r->n_units; i++) {
        ps_unit_result *u = &r->units[i];
        size_t k = (size_t)u->unit;
        if (!cnt[k]) continue;
        const char **keys = ps_arena_alloc(&r->arena, (u->n_facts + 1) * sizeof *keys);
        const char **vals = ps_arena_alloc(&r->arena, (u->n_facts + 1) * sizeof *vals);
        char num[32];
        ps_format_number(sum[k] / (double)cnt[k], 2, num, sizeof num);
        const char *v = ps_arena_printf(&r->arena, "%s (%zu đơn vị)", num, cnt[k]);
        if (!keys || !vals || !v) {
            st = PS_ENOMEM;
            goto done;
        }
        if (u->n_facts) {
            memcpy(keys, u->fact_keys, u->n_facts * sizeof *keys);
            memcpy(vals, u->fact_values, u->n_facts * sizeof *vals);
        }
        keys[u->n_facts] = label;
        vals[u->n_facts] = v;
        u->fact_keys = keys;
        u->fact_values = vals;
        u->n_facts++;
    }
done:
    ps_free(sum);
    ps_free(cnt);
    return st;
}

/* ---- ruleset metadata -------------------------------------------------- */

typedef struct meta_ctx {
    ps_results *out;
    const char *children_mean;
} meta_ctx;

static int read_meta_p(lua_State *L) {
    meta_ctx *m = lua_touserdata(L, 1);
    ps_results *r = m->out;
    lua_getfield(L, LUA_REGISTRYINDEX, "ps.ruleset");
    int rs = lua_gettop(L);
    r->ruleset_id = field_str(L, rs, "id", &r->arena);
    r->ruleset_name = field_str(L, rs, "name", &r->arena);
    r->ruleset_version = field_str(L, rs, "version", &r->arena);
    r->title = field_str(L, rs, "title", &r->arena);
    if (!r->title) r->title = r->ruleset_name;
    m->children_mean = field_str(L, rs, "children_mean", &r->arena);
    r->total_cap = field_num(L, rs, "total_cap", 0);
    const char *bands_on = field_str(L, rs, "bands_on", &r->arena);
    r->bands_before = bands_on && !strcmp(bands_on, "before");
    if (lua_getfield(L, rs, "bonus") == LUA_TTABLE) r->has_bonus = luaL_len(L, -1) > 0;
    lua_pop(L, 1);
    if (lua_getfield(L, rs, "deduction") == LUA_TTABLE) r->has_deduction = luaL_len(L, -1) > 0;
    lua_pop(L, 1);
    if (lua_getfield(L, rs, "bands") == LUA_TTABLE) {
        size_t n = (size_t)luaL_len(L, -1);
        r->band_names = arena_array(L, &r->arena, n, sizeof *r->band_names);
        r->band_mins = arena_array(L, &r->arena, n, sizeof *r->band_mins);
        for (size_t i = 0; i < n; i++) {
            lua_geti(L, -1, (lua_Integer)i + 1);
            int b = lua_gettop(L);
            const char *name = field_str(L, b, "name", &r->arena);
            if (name) {
                r->band_names[r->n_bands] = name;
                r->band_mins[r->n_bands] = field_num(L, b, "min", 0);
                r->n_bands++;
            }
            lua_pop(L, 1);
        }
    }
    return 0;
}

/* ---- the run --------------------------------------------------------- */

static void fail_unit(ps_unit_result *ur, ps_arena *ar, const char *msg) {
    /* a half-read result may be partly filled: keep only who it is */
    ur->failed = 1;
    ur->scored = 0;
    ur->error = ps_arena_printf(ar, "unit %s (%s): %s", ur->code ? ur->code : "?",
                                ur->name ? ur->name : "?", msg);
    ur->status = NULL;
    ur->n_groups = ur->n_criteria = ur->n_facts = ur->n_warnings = 0;
    ur->warnings = NULL;
    ur->groups = NULL;
    ur->criteria = NULL;
    ur->fact_keys = ur->fact_values = NULL;
    ur->total = ur->max = ur->base_total = ur->bonus = ur->deduction = ur->band_total = 0;
    ur->n_quality = 0;
    ur->quality = NULL;
}

/* measures_strict: a measure the rule set cannot use stops the run.  A
 * measure not reported is not an error of the file (missing = "fail" in
 * the declaration makes the unit fail instead). */
static int measures_strict_check(const ps_unit_result *ur, const char *rules, ps_error *err) {
    for (size_t i = 0; i < ur->n_quality; i++) {
        const ps_quality_line *q = &ur->quality[i];
        if (!strcmp(q->issue, "measure_not_reported")) continue;
        ps_error_set(err, PS_EDATA, NULL, 0, 0,
                     "%s: %s (rule set %s); fix the measures file, or set "
                     "measures_strict = false to score with a data-quality line instead",
                     q->issue, q->examples ? q->examples : "?", rules);
        ps_error_where(err, ur->code);
        return PS_EDATA;
    }
    return PS_OK;
}

/* The same findings `parscore check` prints: a run refuses them, naming
 * the first. */
static int refuse_findings(ps_ruleset *rs, const char *rules, ps_error *err) {
    if (rs->n_findings && ps_lua_oom(rs->lua)) {
        /* the lint caught an out-of-memory error as a finding: not the
         * script's fault */
        return ps_error_set(err, PS_ENOMEM, NULL, 0, 0,
                            "out of memory while checking the rule set");
    }
    if (rs->n_findings) {
        /* The same findings `parscore check` prints: a run refuses them. */
        const char *first = rs->findings.data;
        const char *nl = strchr(first, '\n');
        char line[700];
        snprintf(line, sizeof line, "%.*s", (int)(nl ? nl - first : (long)strlen(first)), first);
        size_t dl = strlen(rs->display);
        if (strncmp(line, rs->display, dl) == 0 && line[dl] == ':' && line[dl + 1] == ' ')
            ps_error_set(err, PS_ESCRIPT, rs->display, 0, 0, "%s", line + dl + 2);
        else
            ps_lua_error_fill(err, PS_ESCRIPT, line);
        if (rs->n_findings > 1) {
            size_t len = strlen(err->message);
            snprintf(err->message + len, sizeof err->message - len,
                     " (and %zu more problems: run `parscore check %s`)",
                     rs->n_findings - 1, rules);
        }
        return PS_ESCRIPT;
    }
    return PS_OK;
}

int ps_score_run(const ps_agg *agg, const ps_units *units,
                 const ps_score_opts *opts, ps_results *out,
                 size_t *n_failed, ps_error *err) {
    memset(out, 0, sizeof *out);
    *n_failed = 0;
    if (agg->n_units != units->count)
        return ps_error_set(err, PS_EINTERNAL, NULL, 0, 0,
                            "aggregates hold %zu units, the unit list %zu",
                            agg->n_units, units->count);
    ps_ruleset rs;
    int st = ps_ruleset_load(&rs, opts->rules, opts->scripts_dir, opts->options,
                             opts->n_options, &agg->cfg.period, opts->memory_cap,
                             opts->instruction_budget, err);
    if (st != PS_OK) return st;
    if ((st = refuse_findings(&rs, opts->rules, err)) != PS_OK) {
        ps_ruleset_free(&rs);
        return st;
    }
    lua_State *L = ps_lua_state(rs.lua);

    out->period = agg->cfg.period;
    out->generated_at = opts->generated_at;
    out->agg = agg;
    out->unknown = agg->unknown;
    out->n_unknown = agg->n_unknown;
    meta_ctx meta = {out, NULL};
    lua_pushcfunction(L, read_meta_p);
    lua_pushlightuserdata(L, &meta);
    if (ps_lua_pcall(rs.lua, 1, 0) != LUA_OK) {
        lua_pop(L, 1);
        st = ps_error_set(err, PS_ENOMEM, rs.display, 0, 0, "out of memory reading the ruleset");
        goto fail;
    }
    if (opts->issuer && !(out->issuer = ps_arena_strdup(&out->arena, opts->issuer))) {
        st = ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }

    size_t n_sel = 0;
    for (size_t i = 0; i < units->count; i++) n_sel += units->items[i].selected != 0;
    out->units = n_sel ? ps_arena_alloc(&out->arena, n_sel * sizeof *out->units) : NULL;
    if (n_sel && !out->units) {
        st = ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < units->count; i++) {
        const ps_unit *un = &units->items[i];
        if (!un->selected) continue;
        ps_unit_result *ur = &out->units[out->n_units++];
        ur->unit = (int)i;
        ur->code = ps_arena_strdup(&out->arena, un->code);
        ur->name = ps_arena_strdup(&out->arena, un->name);
        ur->level = ps_arena_strdup(&out->arena, ps_unit_level_name(un));
        if (un->parent >= 0 && (size_t)un->parent < units->count) {
            ur->parent_code = ps_arena_strdup(&out->arena, units->items[un->parent].code);
            ur->parent_name = ps_arena_strdup(&out->arena, units->items[un->parent].name);
        }
        ur->agg = &agg->u[i];
        if (!ur->code || !ur->name || !ur->level) {
            st = ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
            goto fail;
        }

        ps_sipas sipas;
        if (ps_sipas_compute(agg, &agg->u[i], &sipas) != PS_OK) {
            st = ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
            goto fail;
        }
        unit_ctx c = {agg, units, i, &sipas, out, ur};
        lua_pushcfunction(L, score_unit_p);
        lua_pushlightuserdata(L, &c);
        int lst = ps_lua_pcall(rs.lua, 1, 0);
        ps_sipas_free(&sipas);
        if (lst != LUA_OK) {
            const char *msg = lua_tostring(L, -1);
            fail_unit(ur, &out->arena, msg ? msg : "unknown error");
            (*n_failed)++;
            /* the process out of memory is not this unit's fault: stop */
            int oom = ps_lua_oom(rs.lua);
            if (opts->strict || oom) {
                ps_lua_error_fill(err, oom ? PS_ENOMEM : PS_ESCRIPT, msg ? msg : "unknown error");
                ps_error_where(err, ur->code);
                lua_pop(L, 1);
                st = oom ? PS_ENOMEM : PS_ESCRIPT;
                goto fail;
            }
            lua_pop(L, 1);
        } else if (opts->measures_strict &&
                   (st = measures_strict_check(ur, opts->rules, err)) != PS_OK) {
            goto fail;
        }
    }
    apply_bands(out);
    if ((st = rank_units(out)) != PS_OK ||
        (meta.children_mean && (st = children_mean(out, units, meta.children_mean)) != PS_OK)) {
        ps_error_set(err, st, NULL, 0, 0, "out of memory");
        goto fail;
    }
    ps_ruleset_free(&rs);
    return PS_OK;
fail:
    ps_ruleset_free(&rs);
    return st;
}

/* ---- declared measures (the template) ------------------------------- */

static int read_measures_p(lua_State *L) {
    ps_measure_decls *d = lua_touserdata(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, "ps.ruleset");
    int rs = lua_gettop(L);
    d->ruleset_id = field_str(L, rs, "id", &d->arena);
    d->ruleset_name = field_str(L, rs, "name", &d->arena);
    if (lua_getfield(L, rs, "measures") != LUA_TTABLE) return 0;
    size_t n = (size_t)luaL_len(L, -1);
    d->items = arena_array(L, &d->arena, n, sizeof *d->items);
    for (size_t i = 0; i < n; i++) {
        lua_geti(L, -1, (lua_Integer)i + 1);
        int mi = lua_gettop(L);
        ps_measure_decl *m = &d->items[d->n];
        m->key = field_str(L, mi, "key", &d->arena);
        m->name = field_str(L, mi, "name", &d->arena);
        m->kind = field_str(L, mi, "kind", &d->arena);
        m->min = field_num(L, mi, "min", NAN);
        m->max = field_num(L, mi, "max", NAN);
        lua_getfield(L, mi, "evidence");
        m->evidence = lua_toboolean(L, -1);
        lua_pop(L, 2);
        if (m->key && m->kind) d->n++;
    }
    return 0;
}

int ps_rules_measures(const ps_score_opts *opts, const ps_period *period,
                      ps_measure_decls *out, ps_error *err) {
    memset(out, 0, sizeof *out);
    ps_ruleset rs;
    int st = ps_ruleset_load(&rs, opts->rules, opts->scripts_dir, opts->options,
                             opts->n_options, period, opts->memory_cap,
                             opts->instruction_budget, err);
    if (st != PS_OK) return st;
    if ((st = refuse_findings(&rs, opts->rules, err)) == PS_OK) {
        lua_State *L = ps_lua_state(rs.lua);
        lua_pushcfunction(L, read_measures_p);
        lua_pushlightuserdata(L, out);
        if (ps_lua_pcall(rs.lua, 1, 0) != LUA_OK) {
            lua_pop(L, 1);
            st = ps_error_set(err, PS_ENOMEM, rs.display, 0, 0, "out of memory reading the measures");
        }
    }
    ps_ruleset_free(&rs);
    if (st != PS_OK) ps_measure_decls_free(out);
    return st;
}

void ps_measure_decls_free(ps_measure_decls *d) {
    if (!d) return;
    ps_arena_free(&d->arena);
    memset(d, 0, sizeof *d);
}

void ps_results_free(ps_results *r) {
    if (!r) return;
    ps_arena_free(&r->arena);
    memset(r, 0, sizeof *r);
}
