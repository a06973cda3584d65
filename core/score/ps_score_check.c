/*
 * ps_score_check.c -- `parscore check RULES`: load a rule file without data
 * and report what a run would refuse (syntax errors with their line,
 * unknown indicator keys, maxima that do not add up, bad bands, criteria
 * without max), then score two empty units (a province and a commune) so
 * a compute function that fails on zero data shows up before a real run.
 */
#include "score/ps_score.h"

#include <string.h>

#include <lauxlib.h>

#include "score/ps_score_int.h"

typedef struct dry_ctx {
    const ps_agg *agg;
    const ps_units *units;
    size_t index;
    FILE *report;
    size_t problems;            /* points outside 0..max found on the empty unit */
} dry_ctx;

static int dry_run_p(lua_State *L) {
    dry_ctx *c = lua_touserdata(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, "ps.ruleset");
    lua_getfield(L, -1, "score");
    ps_push_unit(L, c->agg, c->units, c->index, NULL);
    lua_call(L, 1, 1);
    if (!lua_istable(L, -1))
        return luaL_error(L, "ruleset.score must return a table, got %s", luaL_typename(L, -1));
    /* an award or scoring function giving points outside 0..max on empty
     * data is a mistake a check can prove; a run only notes it */
    if (lua_getfield(L, -1, "warnings") == LUA_TTABLE) {
        lua_Integer n = luaL_len(L, -1);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_geti(L, -1, i);
            const char *w = lua_tostring(L, -1);
            if (w) {
                fprintf(c->report, "%s\n", w);
                c->problems++;
            }
            lua_pop(L, 1);
        }
    }
    return 0;
}

static int ends_with_lua(const char *s) {
    size_t n = strlen(s);
    return n > 4 && strcmp(s + n - 4, ".lua") == 0;
}

int ps_rules_check(const char *rules, const char *scripts_dir, FILE *report,
                   ps_error *err) {
    ps_ruleset rs;
    ps_period period = {0};
    period.first = 20089;   /* 2025-01-01 */
    period.last = 20453;    /* 2025-12-31 */
    snprintf(period.label, sizeof period.label, "2025");
    snprintf(period.label_vn, sizeof period.label_vn, "Năm 2025");
    int st = ps_ruleset_load(&rs, rules, scripts_dir, NULL, 0, &period, 0, 0, err);
    if (st != PS_OK) {
        /* printed here, once; the caller's error says only how many */
        char buf[1200];
        fprintf(report, "%s\n", ps_error_format(err, buf, sizeof buf));
        const char *name = strrchr(rules, '/');
        name = name && ends_with_lua(rules) ? name + 1 : rules;
        return ps_error_set(err, st, name, 0, 0, "1 problem found");
    }
    size_t problems = rs.n_findings;
    if (rs.n_findings) fputs(rs.findings.data, report);

    if (!problems) {
        /* Dry run on empty data: every denominator is zero. */
        ps_unit items[2] = {
            {"00", "Tỉnh kiểm tra", PS_LEVEL_PROVINCE, -1, 1, NULL},
            {"00001", "Xã kiểm tra", PS_LEVEL_COMMUNE, 0, 1, NULL},
        };
        ps_units units = {0};
        units.items = items;
        units.count = 2;
        ps_unit_agg ua[2];
        memset(ua, 0, sizeof ua);
        ps_agg agg;
        memset(&agg, 0, sizeof agg);
        agg.u = ua;
        agg.n_units = 2;
        agg.cfg.period = period;
        lua_State *L = ps_lua_state(rs.lua);
        for (size_t i = 0; i < 2; i++) {
            dry_ctx c = {&agg, &units, i, report, 0};
            lua_pushcfunction(L, dry_run_p);
            lua_pushlightuserdata(L, &c);
            if (ps_lua_pcall(rs.lua, 1, 0) != LUA_OK) {
                const char *msg = lua_tostring(L, -1);
                fprintf(report, "scoring a %s with no data failed: %s\n",
                        ps_level_name((ps_unit_level)items[i].level), msg ? msg : "?");
                lua_pop(L, 1);
                problems++;
            }
            problems += c.problems;
            if (c.problems) break; /* the commune would repeat the province's */
        }
    }
    if (problems) {
        st = ps_error_set(err, PS_ESCRIPT, rs.display, 0, 0,
                          "%zu problem%s found", problems, problems == 1 ? "" : "s");
    } else {
        fprintf(report, "%s: ok\n", rs.display);
        st = PS_OK;
    }
    ps_ruleset_free(&rs);
    return st;
}
