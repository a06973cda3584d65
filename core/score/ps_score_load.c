/*
 * ps_score_load.c -- from a `rules` name to a linted ruleset in a sandbox,
 * and from one unit's aggregates to the Lua table `u` the rules read.
 * Shared by the scoring run and `parscore check`.
 */
#include "score/ps_score_int.h"

#include <ctype.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>


static int is_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int ends_with(const char *s, const char *tail) {
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

/* ---- protected steps of loading ------------------------------------ */

typedef struct load_ctx {
    ps_ruleset *rs;
    const ps_kv *options;
    size_t n_options;
    const ps_period *period;
} load_ctx;

/* Counts arrive as integers (tostring gives "40", not "40.0"). */
static void set_num(lua_State *L, const char *k, double v) {
    if (v == floor(v) && fabs(v) < 9007199254740992.0)
        lua_pushinteger(L, (lua_Integer)v);
    else
        lua_pushnumber(L, v);
    lua_setfield(L, -2, k);
}

static void set_int(lua_State *L, const char *k, lua_Integer v) {
    lua_pushinteger(L, v);
    lua_setfield(L, -2, k);
}

static void set_str(lua_State *L, const char *k, const char *v) {
    if (!v) return;
    lua_pushstring(L, v);
    lua_setfield(L, -2, k);
}

/* globals: options = {...} (text values), ps.period = {first, last, label, label_vn} */
static int set_globals_p(lua_State *L) {
    load_ctx *c = lua_touserdata(L, 1);
    lua_createtable(L, 0, (int)c->n_options);
    for (size_t i = 0; i < c->n_options; i++) {
        if (!c->options[i].key) continue;
        lua_pushstring(L, c->options[i].value ? c->options[i].value : "");
        lua_setfield(L, -2, c->options[i].key);
    }
    lua_setglobal(L, "options");
    lua_getglobal(L, "ps");
    lua_createtable(L, 0, 4);
    if (c->period) {
        set_int(L, "first", c->period->first);
        set_int(L, "last", c->period->last);
        set_str(L, "label", c->period->label);
        set_str(L, "label_vn", c->period->label_vn);
    }
    lua_setfield(L, -2, "period");
    lua_pop(L, 1);
    return 0;
}

/* The first line of the rule file where `key =` is written, 0 if none:
 * for findings about the ruleset table itself, which Lua cannot place
 * (`return R.ruleset{...}` is a tail call, its frame is gone). */
static long key_line(const char *path, const char *key) {
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[4096];
    long no = 0, found = 0;
    size_t kl = strlen(key);
    while (!found && fgets(line, sizeof line, f)) {
        no++;
        for (const char *p = strstr(line, key); p; p = strstr(p + 1, key)) {
            unsigned char before = p == line ? ' ' : (unsigned char)p[-1];
            int start = !(before == '_' || isalnum(before));
            const char *q = p + kl;
            while (*q == ' ' || *q == '\t') q++;
            if (start && *q == '=' && q[1] != '=') {
                found = no;
                break;
            }
        }
    }
    fclose(f);
    return found;
}

/* arg 1: ctx; arg 2: the loaded chunk.  Runs it, checks the result, keeps
 * it in the registry and collects lint findings. */
static int run_chunk_p(lua_State *L) {
    load_ctx *c = lua_touserdata(L, 1);
    ps_ruleset *rs = c->rs;
    lua_settop(L, 2);
    lua_call(L, 0, 1);
    if (!lua_istable(L, -1) || lua_getfield(L, -1, "score") != LUA_TFUNCTION)
        return luaL_error(L, "the rule file must return a ruleset: "
                          "`return R.ruleset{ ... }` with R = require(\"parscore.rules\")");
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "ps.ruleset");
    if (lua_getfield(L, -1, "lint") == LUA_TFUNCTION) {
        lua_call(L, 0, 1);
        if (lua_istable(L, -1)) {
            lua_Integer n = luaL_len(L, -1);
            for (lua_Integer i = 1; i <= n; i++) {
                lua_geti(L, -1, i);
                lua_getfield(L, -1, "src");
                lua_getfield(L, -2, "line");
                lua_getfield(L, -3, "message");
                const char *src = lua_tostring(L, -3);
                lua_Integer line = lua_tointeger(L, -2);
                const char *msg = lua_tostring(L, -1);
                if (!src) {
                    if (lua_getfield(L, -4, "key") == LUA_TSTRING &&
                        (line = key_line(rs->path, lua_tostring(L, -1))) > 0)
                        src = rs->display;
                    lua_pop(L, 1);
                }
                int st = src && line > 0
                    ? ps_buf_printf(&rs->findings, "%s:%lld: %s\n", src, (long long)line,
                                    msg ? msg : "?")
                    : ps_buf_printf(&rs->findings, "%s: %s\n", rs->display, msg ? msg : "?");
                if (st != PS_OK) return luaL_error(L, "out of memory");
                rs->n_findings++;
                lua_pop(L, 4);
            }
        }
    }
    return 0;
}

int ps_ruleset_load(ps_ruleset *rs, const char *rules, const char *scripts_dir,
                    const ps_kv *options, size_t n_options,
                    const ps_period *period, size_t memory_cap,
                    uint64_t budget, ps_error *err) {
    memset(rs, 0, sizeof *rs);
    ps_buf_init(&rs->findings, 1u << 20);
    if (!rules || !*rules)
        return ps_error_set(err, PS_ECONFIG, NULL, 0, 0,
                            "no rule set: give `rules = \"national/index766\"` or a .lua path");
    /* A path to a .lua file, or a shipped name under scripts_dir. */
    if (ends_with(rules, ".lua")) {
        rs->path = ps_strdup(rules);
        /* Lua cuts chunk names past 60 bytes to "...tail": name a long
         * path by its file name instead, which stays readable. */
        const char *base = strrchr(rules, '/');
        rs->display = ps_strdup(strlen(rules) > 56 && base ? base + 1 : rules);
    } else {
        if (!scripts_dir)
            return ps_error_set(err, PS_ECONFIG, NULL, 0, 0,
                                "rules '%s': no scripts directory to look it up in; "
                                "give a path to a .lua file", rules);
        size_t n = strlen(scripts_dir) + strlen(rules) + 6;
        rs->path = ps_malloc(n);
        rs->display = ps_malloc(strlen(rules) + 5);
        if (rs->path) snprintf(rs->path, n, "%s/%s.lua", scripts_dir, rules);
        if (rs->display) snprintf(rs->display, strlen(rules) + 5, "%s.lua", rules);
    }
    if (!rs->path || !rs->display) {
        ps_ruleset_free(rs);
        return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    /* "national/index766.lua" names a shipped set too */
    if (!is_file(rs->path) && scripts_dir && rules[0] != '/' && ends_with(rules, ".lua")) {
        size_t n = strlen(scripts_dir) + strlen(rules) + 2;
        char *p = ps_malloc(n);
        if (p) {
            snprintf(p, n, "%s/%s", scripts_dir, rules);
            if (is_file(p)) {
                ps_free(rs->path);
                rs->path = p;
            } else {
                ps_free(p);
            }
        }
    }
    if (!is_file(rs->path)) {
        int st = ps_error_set(err, PS_ESCRIPT, rs->display, 0, 0,
                              "rule set '%s' not found (looked for %s); shipped sets: "
                              "national/index766, national/sipas, provinces/hue, "
                              "provinces/khanh_hoa, provinces/lao_cai, provinces/lao_cai_par, or give a .lua path",
                              rules, rs->path);
        ps_ruleset_free(rs);
        return st;
    }
    /* require() also looks beside the rule file. */
    char *dir = ps_strdup(rs->path);
    if (!dir) {
        ps_ruleset_free(rs);
        return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    else strcpy(dir, ".");
    ps_lua_config cfg = {scripts_dir, dir, memory_cap, budget};
    int st = ps_lua_open(&rs->lua, &cfg, err);
    ps_free(dir);
    if (st != PS_OK) {
        ps_ruleset_free(rs);
        return st;
    }
    lua_State *L = ps_lua_state(rs->lua);
    load_ctx c = {rs, options, n_options, period};
    lua_pushcfunction(L, set_globals_p);
    lua_pushlightuserdata(L, &c);
    if (ps_lua_pcall(rs->lua, 1, 0) != LUA_OK) {
        lua_pop(L, 1);
        ps_ruleset_free(rs);
        return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory in the Lua sandbox");
    }
    if ((st = ps_lua_loadfile(rs->lua, rs->path, rs->display, err)) != PS_OK) {
        ps_ruleset_free(rs);
        return st;
    }
    /* stack: chunk -> run_chunk_p(ctx, chunk) */
    lua_pushcfunction(L, run_chunk_p);
    lua_insert(L, -2);
    lua_pushlightuserdata(L, &c);
    lua_insert(L, -2);
    if (ps_lua_pcall(rs->lua, 2, 0) != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        int status = ps_lua_oom(rs->lua) ? PS_ENOMEM : PS_ESCRIPT;
        ps_lua_error_fill(err, status, msg ? msg : "the rule file failed to load");
        if (!err->file[0]) snprintf(err->file, sizeof err->file, "%s", rs->display);
        ps_error_where(err, "loading the rule set");
        lua_pop(L, 1);
        ps_ruleset_free(rs);
        return status;
    }
    ps_lua_freeze(rs->lua);
    return PS_OK;
}

void ps_ruleset_free(ps_ruleset *rs) {
    ps_lua_close(rs->lua);
    ps_free(rs->path);
    ps_free(rs->display);
    ps_buf_free(&rs->findings);
    memset(rs, 0, sizeof *rs);
}

/* ---- the unit table ------------------------------------------------- */

static void set_ratio(lua_State *L, const char *k, double num, double den) {
    lua_createtable(L, 0, 3);
    set_num(L, "num", num);
    set_num(L, "den", den);
    if (den > 0) set_num(L, "value", num / den);
    lua_setfield(L, -2, k);
}

/* u.m[key] = { raw = { self = {...}, appraisal = {...}, system = {...} } }:
 * what each assessor gave, as read.  parscore/rules.lua turns it into the
 * documented view (value with appraisal winning, .self, .appraised, ...)
 * once it knows the declarations. */
static void push_assessor(lua_State *L, const char *name, const ps_measure_value *v) {
    if (!v->count) return;
    lua_createtable(L, 0, 10);
    if (v->has_value) set_num(L, "value", v->value);
    set_str(L, "text", v->text);
    set_str(L, "by", v->assessed_by);
    set_str(L, "evidence_doc", v->evidence_doc);
    set_str(L, "evidence_date", v->evidence_date);
    set_str(L, "evidence_ref", v->evidence_ref);
    set_str(L, "note", v->note);
    set_str(L, "source", v->source);
    if (v->src_line > 0) set_int(L, "line", v->src_line);
    set_int(L, "count", v->count);
    lua_setfield(L, -2, name);
}

static void push_measures(lua_State *L, const ps_agg *a, const ps_unit_agg *g) {
    static const char *const names[PS_ASSESSORS] = {"self", "appraisal", "system"};
    lua_createtable(L, 0, (int)g->n_m);
    for (size_t i = 0; i < g->n_m; i++) {
        const ps_unit_measure *m = &g->m[i];
        if (m->key >= a->n_measure_keys) continue;
        lua_createtable(L, 0, 3);
        for (int k = 0; k < PS_ASSESSORS; k++) push_assessor(L, names[k], &m->by[k]);
        lua_setfield(L, -2, a->measure_keys[m->key]);
    }
}

void ps_push_unit(lua_State *L, const ps_agg *a, const ps_units *units,
                  size_t i, const ps_sipas *sipas) {
    const ps_unit *un = &units->items[i];
    const ps_unit_agg *g = &a->u[i];
    lua_createtable(L, 0, 16);
    set_str(L, "code", un->code);
    set_str(L, "name", un->name);
    set_str(L, "level", ps_unit_level_name(un));
    if (un->parent >= 0 && (size_t)un->parent < units->count) {
        set_str(L, "parent", units->items[un->parent].code);
        set_str(L, "parent_name", units->items[un->parent].name);
    }

    /* u.ind[key] = {num, den, value} */
    lua_createtable(L, 0, (int)ps_indicator_count());
    for (size_t k = 0; k < ps_indicator_count(); k++) {
        ps_indicator ind;
        ps_indicator_compute(a, g, k, &ind);
        set_ratio(L, ps_indicator_def_at(k)->key, ind.num, ind.den);
    }
    lua_setfield(L, -2, "ind");

    /* u.d: dossier counters, named as in ps_agg.h */
    const ps_dossier_counts *d = &g->d;
    lua_createtable(L, 0, 40);
#define D(f) set_num(L, #f, (double)d->f)
    D(received); D(finished); D(finished_on_time); D(finished_late);
    D(in_progress); D(in_progress_within); D(in_progress_over); D(paused);
    D(synced); D(level4_received); D(level4_online); D(level3_received);
    D(level3_online); D(fee_received); D(fee_paid_online);
    D(result_doc_finished); D(result_digitized); D(input_digitized); D(late);
    D(late_with_apology); D(apology); D(returned); D(returned_late); D(rated);
    D(handled_ok); D(cut_n); D(cut_ge30); D(cut_sum); D(days_sum);
#undef D
    lua_createtable(L, 3, 1);
    for (int c = 0; c < 4; c++) {
        lua_pushnumber(L, d->by_channel[c]);
        lua_rawseti(L, -2, c);       /* [1] in person [2] online [3] postal [0] other */
    }
    lua_setfield(L, -2, "channel");
    lua_createtable(L, 4, 0);
    for (int r = 1; r <= 4; r++) {
        lua_pushnumber(L, d->rating[r]);
        lua_rawseti(L, -2, r);
    }
    lua_setfield(L, -2, "rating");
    lua_setfield(L, -2, "d");

    const ps_feedback_counts *f = &g->f;
    lua_createtable(L, 0, 9);
#define F(x) set_num(L, #x, (double)f->x)
    F(received); F(answered); F(answered_on_time); F(answered_late);
    F(unanswered_within); F(unanswered_over); F(rated_satisfied);
    F(rated_unsatisfied); F(handled_ok);
#undef F
    lua_setfield(L, -2, "f");

    const ps_publicity_counts *p = &g->p;
    lua_createtable(L, 0, 7);
#define P(x) set_num(L, #x, (double)p->x)
    P(reports); P(must_announce); P(announced_on_time); P(must_update);
    P(updated_on_time); P(published); P(published_full);
#undef P
    lua_setfield(L, -2, "p");

    lua_createtable(L, 0, 2);
    set_num(L, "total", g->k.total);
    lua_createtable(L, 4, 0);
    for (int r = 1; r <= 4; r++) {
        lua_pushnumber(L, g->k.level[r]);
        lua_rawseti(L, -2, r);
    }
    lua_setfield(L, -2, "level");
    lua_setfield(L, -2, "k");

    /* u.s: survey counts, per criterion and element, and the SIPAS index */
    const ps_form *form = &a->form;
    lua_createtable(L, 0, 8);
    set_num(L, "respondents", g->s.respondents);
    set_num(L, "overall_answered", g->s.overall_answered);
    set_num(L, "overall_satisfied", g->s.overall_satisfied);
    lua_createtable(L, form->present ? (int)form->n_criteria : 0, 0);
    for (size_t c = 0; form->present && c < form->n_criteria; c++) {
        const struct ps_form_criterion *fc = &form->criteria[c];
        double ans = g->s.answered ? g->s.answered[c] : 0;
        double sat = g->s.satisfied ? g->s.satisfied[c] : 0;
        lua_createtable(L, 0, 6);
        set_str(L, "code", fc->code);
        set_str(L, "name", fc->name);
        set_int(L, "element", fc->element + 1);
        set_str(L, "element_code", fc->element_code);
        set_num(L, "num", sat);
        set_num(L, "den", ans);
        if (ans > 0) set_num(L, "value", sat / ans);
        lua_rawseti(L, -2, (lua_Integer)c + 1);
    }
    lua_setfield(L, -2, "criteria");
    lua_createtable(L, form->present ? (int)form->n_elements : 0, 0);
    for (size_t e = 0; form->present && e < form->n_elements; e++) {
        lua_createtable(L, 0, 3);
        set_str(L, "code", form->elements[e].code);
        set_str(L, "name", form->elements[e].name);
        if (sipas && sipas->element && !isnan(sipas->element[e]))
            set_num(L, "value", sipas->element[e]);
        lua_rawseti(L, -2, (lua_Integer)e + 1);
    }
    lua_setfield(L, -2, "elements");
    if (sipas && !isnan(sipas->index)) set_num(L, "sipas", sipas->index);
    set_num(L, "elements_scored", sipas ? (double)sipas->n_elements_scored : 0);
    lua_setfield(L, -2, "s");

    /* u.examples[key] = {count, codes} */
    static const char *const ex_keys[] = {
#define PS_EX_KEY_(id, key, label) key,
        PS_EXAMPLE_LIST(PS_EX_KEY_)
#undef PS_EX_KEY_
    };
    lua_createtable(L, 0, PS_EX__COUNT);
    for (int k = 0; k < PS_EX__COUNT; k++) {
        const ps_examples *ex = &g->ex[k];
        lua_createtable(L, 0, 2);
        set_num(L, "count", ex->count);
        /* the codes as one Lua string first: a list parked on disk is read
         * into memory Lua owns, so an error here leaks nothing */
        luaL_Buffer b;
        char *p = luaL_buffinitsize(L, &b, ex->text_len);
        if (ps_examples_copy(ex, p) != PS_OK)
            luaL_error(L, "unit %s: cannot read back its example codes from the temporary "
                          "file (disk error?)", un->code);
        luaL_pushresultsize(&b, ex->text_len);
        const char *code = lua_tostring(L, -1);
        lua_createtable(L, (int)ex->kept, 0);
        for (uint32_t c = 0; c < ex->kept; c++, code += strlen(code) + 1) {
            lua_pushstring(L, code);
            lua_rawseti(L, -2, (lua_Integer)c + 1);
        }
        lua_setfield(L, -3, "codes");
        lua_pop(L, 1);
        lua_setfield(L, -2, ex_keys[k]);
    }
    lua_setfield(L, -2, "examples");

    lua_createtable(L, 0, 1);
    set_num(L, "fee_procs", a->fee_procs);
    lua_setfield(L, -2, "catalogue");

    push_measures(L, a, g);
    lua_setfield(L, -2, "m");
}
