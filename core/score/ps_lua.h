/*
 * ps_lua.h -- the Lua sandbox of rule scripts, built in one place.
 *
 * A sandbox is a Lua 5.4 state with: a memory cap (custom lua_Alloc), an
 * instruction budget per protected call (a count hook that, once the budget
 * is spent, fires at every instruction so `pcall` cannot swallow the stop),
 * only the safe libraries (base without dofile/loadfile/collectgarbage, with
 * a text-only `load` and a `setmetatable` that refuses finalizers, string
 * without dump, table, math without random, utf8), a `ps`
 * table of helpers (date, indicator table, caller location) and a `require`
 * that loads Lua source files from the rule directories only.
 */
#ifndef PS_LUA_H
#define PS_LUA_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "base/ps_lua_mem.h"
#include "base/ps_util.h"

#define PS_LUA_DEFAULT_BUDGET 50000000u
#define PS_LUA_DEFAULT_MEMORY (256u * 1024u * 1024u)

typedef struct ps_lua ps_lua;

typedef struct ps_lua_config {
    const char *scripts_dir;        /* require root; may be NULL */
    const char *rule_dir;           /* the rule file's directory; may be NULL */
    size_t memory_cap;              /* bytes; 0: PS_LUA_DEFAULT_MEMORY */
    uint64_t instruction_budget;    /* per ps_lua_pcall; 0: default */
} ps_lua_config;

int ps_lua_open(ps_lua **out, const ps_lua_config *cfg, ps_error *err);
void ps_lua_close(ps_lua *s);
lua_State *ps_lua_state(ps_lua *s);

/* Load a Lua source file (text only) as a function on the stack.  The
 * chunk is named `display` in messages (e.g. "national/index766.lua").
 * A syntax error fills err with file and line. */
int ps_lua_loadfile(ps_lua *s, const char *path, const char *display,
                    ps_error *err);

/* lua_pcall with a fresh instruction budget and a traceback handler.
 * Returns the Lua status; on error the stack top holds the message:
 * "file:line: what\nstack traceback:\n..." or, when a limit stopped the
 * script, "file:line: instruction budget exceeded ..." / "memory limit of
 * N MiB exceeded". */
int ps_lua_pcall(ps_lua *s, int nargs, int nresults);
/* After the rule set is loaded: the globals it set become read-only, and
 * each unit's own go to the table ps_lua_new_unit (a lua_CFunction-style
 * call, run under ps_lua_pcall) makes empty. */
void ps_lua_freeze(ps_lua *s);
int ps_lua_new_unit(lua_State *L);

/* 1 when the last ps_lua_pcall or ps_lua_loadfile met a failed allocation
 * of the process (not the script's own cap): the caller reports PS_ENOMEM,
 * since the script is not at fault. */
int ps_lua_oom(const ps_lua *s);

/* Split "file:line: message" from a Lua message: fills err->file/line and
 * the message (traceback included). */
void ps_lua_error_fill(ps_error *err, int status, const char *msg);

#endif
