/*
 * ps_score_int.h -- internals shared by the scoring run (ps_score.c) and
 * `parscore check` (ps_score_check.c): finding and loading a rule file
 * into a sandbox, and turning one unit's aggregates into the Lua table `u`.
 */
#ifndef PS_SCORE_INT_H
#define PS_SCORE_INT_H

#include "score/ps_lua.h"
#include "score/ps_score.h"

/* A loaded ruleset: the sandbox, with the ruleset table kept in the
 * registry under "ps.ruleset". */
typedef struct ps_ruleset {
    ps_lua *lua;
    char *path;             /* the rule file */
    char *display;          /* its name in messages */
    ps_buf findings;        /* lint findings, one "file:line: message\n" each */
    size_t n_findings;
} ps_ruleset;

/* Resolve `rules` ("national/index766" under scripts_dir, or a path to a
 * .lua file), open a sandbox, set the globals `options` and `ps.period`,
 * run the file and lint what it returns.  Syntax and runtime errors of the
 * file fail with PS_ESCRIPT; lint findings are collected, not fatal. */
int ps_ruleset_load(ps_ruleset *rs, const char *rules, const char *scripts_dir,
                    const ps_kv *options, size_t n_options,
                    const ps_period *period, size_t memory_cap,
                    uint64_t budget, ps_error *err);
void ps_ruleset_free(ps_ruleset *rs);

/* Push the table `u` for unit `i` of the aggregates (must run inside a
 * protected call: it raises Lua errors on out-of-memory).  `sipas` is the
 * unit's SIPAS computed by the caller, or NULL. */
void ps_push_unit(lua_State *L, const ps_agg *a, const ps_units *units,
                  size_t i, const ps_sipas *sipas);

/* "province", "commune", "subunit" */

#endif
