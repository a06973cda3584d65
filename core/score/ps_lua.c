/*
 * ps_lua.c -- the rule-script sandbox (see ps_lua.h).  Everything that
 * decides what a rule script may do lives in this one file, as Redis keeps
 * its scripting sandbox in script_lua.c: the allocator with its cap, the
 * budget hook, the library whitelist, the text-only loaders and `require`.
 */
#include "score/ps_lua.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>
#include <lualib.h>

#include "ingest/ps_agg.h"

/* The hook counts in steps: one call per PS_HOOK_STEP instructions keeps
 * its cost invisible while stopping a runaway script within microseconds. */
#define PS_HOOK_STEP 1000
/* Largest rule or module file read: rule files are a few kilobytes. */
#define PS_LUA_MAX_FILE (8u * 1024u * 1024u)
/* Head room above the cap while the C side reports an error, so the
 * message can be built even when a global table holds all the memory. */
#define PS_LUA_SLACK (1024u * 1024u)

enum { STOP_NONE = 0, STOP_BUDGET = 1, STOP_MEMORY = 2 };

struct ps_lua {
    lua_State *L;
    ps_lua_mem mem;         /* bytes in use, process-refused flag */
    size_t cap;
    int mem_hit;            /* the allocator refused a block in this call */
    int slack;              /* allow PS_LUA_SLACK above the cap */
    uint64_t count, budget;
    int stopped;            /* STOP_*: the hook now fires at every instruction */
    char stop_where[256];
    lua_Integer generation; /* counts ps_lua_pcall calls: marks requires in progress */
    char *roots[2];         /* require roots: scripts_dir, rule_dir */
    int frozen;             /* ps_lua_freeze: load-time globals are read-only */
};

static ps_lua *sandbox_of(lua_State *L) {
    ps_lua *s;
    memcpy(&s, lua_getextraspace(L), sizeof s);
    return s;
}

/* ---- memory cap (the allocator itself: base/ps_lua_mem.c) ---------- */

static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    ps_lua *s = ud;
    s->mem.limit = s->cap + (s->slack ? PS_LUA_SLACK : 0);
    void *p = ps_lua_mem_alloc(&s->mem, ptr, osize, nsize);
    if (s->mem.over_cap) {
        s->mem.over_cap = 0;
        s->mem_hit = 1;
    }
    return p;
}

/* ---- instruction budget ---------------------------------------------- */

static void budget_hook(lua_State *L, lua_Debug *ar) {
    ps_lua *s = sandbox_of(L);
    if (s->stopped == STOP_NONE) {
        s->count += PS_HOOK_STEP;
        if (s->count <= s->budget && !s->mem_hit) return;
        s->stopped = s->mem_hit ? STOP_MEMORY : STOP_BUDGET;
        /* From now on fire at every instruction: a pcall in the script
         * catches one error, the very next instruction raises another. */
        lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
    }
    lua_getinfo(L, "Sl", ar);
    snprintf(s->stop_where, sizeof s->stop_where, "%s:%d", ar->short_src,
             ar->currentline);
    s->slack = 1;
    if (s->stopped == STOP_MEMORY)
        lua_pushfstring(L, "%s: memory limit of %d MiB exceeded", s->stop_where,
                        (int)(s->cap / (1024 * 1024)));
    else
        lua_pushfstring(L, "%s: instruction budget exceeded (%I instructions per call)",
                        s->stop_where, (lua_Integer)s->budget);
    lua_error(L);
}

static int traceback_handler(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    if (!msg) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            msg = lua_tostring(L, -1);
        else
            msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* (where or NULL, MiB) -> the message of a memory error; where NULL: the
 * process itself is out of memory, not the script over its cap. */
static int push_memory_message(lua_State *L) {
    const char *where = lua_touserdata(L, 1);
    int mib = (int)lua_tointeger(L, 2);
    if (!where)
        lua_pushliteral(L, "out of memory");
    else if (where[0])
        lua_pushfstring(L, "%s: memory limit of %d MiB exceeded", where, mib);
    else
        lua_pushfstring(L, "memory limit of %d MiB exceeded", mib);
    return 1;
}

int ps_lua_pcall(ps_lua *s, int nargs, int nresults) {
    lua_State *L = s->L;
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, traceback_handler);
    lua_insert(L, base);
    s->count = 0;
    s->generation++;
    s->stopped = STOP_NONE;
    s->mem_hit = 0;
    s->mem.oom = 0;
    s->slack = 0;
    s->stop_where[0] = '\0';
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, PS_HOOK_STEP);
    int st = lua_pcall(L, nargs, nresults, base);
    lua_sethook(L, NULL, 0, 0);
    s->slack = 1;
    if (st != LUA_OK && (s->mem_hit || st == LUA_ERRMEM)) {
        /* Memory errors skip the message handler (and a handler cannot
         * allocate a traceback at the cap): report the limit plainly.  The
         * message is built under a pcall too: outside one, a failed
         * allocation would make Lua panic and abort the whole run (found
         * by tests/fault); if it fails, Lua's preallocated "not enough
         * memory" is the message. */
        lua_pop(L, 1);
        lua_gc(L, LUA_GCCOLLECT);
        lua_pushcfunction(L, push_memory_message);
        lua_pushlightuserdata(L, s->mem_hit ? s->stop_where : NULL);
        lua_pushinteger(L, (lua_Integer)(s->cap / (1024 * 1024)));
        lua_pcall(L, 2, 1, 0);
        st = LUA_ERRMEM;
    }
    lua_remove(L, base);
    s->mem_hit = 0;
    s->slack = 0;
    return st;
}

/* ---- isolation between units ------------------------------------------ */

/* Every chunk (rule file, module, load()) runs with _ENV = one empty table
 * G whose metatable looks a name up in three layers: the globals this unit
 * set, the globals the rule file set while loading, and the sandbox's own
 * (the libraries).  Writes go to the unit layer once the rule set is
 * loaded (ps_lua_freeze); ps_lua_new_unit gives every unit an empty one.
 * Tables reached through the two shared layers come back as read-only
 * proxies, so `math.min = f` or `CONFIG.x = 1` in one unit is refused
 * instead of changing the units scored after it.  Locals of the rule file
 * (upvalues of compute) are the rule writer's own state and stay shared:
 * docs/rules.md says so. */
static const char UNIT_KEY = 'u', LOAD_KEY = 'l', BASE_KEY = 'b', ENV_KEY = 'e', RO_KEY = 'r';

static void push_readonly(lua_State *L, int idx);

static int ro_index(lua_State *L) {
    lua_pushvalue(L, 2);
    lua_gettable(L, lua_upvalueindex(1));
    if (lua_type(L, -1) == LUA_TTABLE) push_readonly(L, -1);
    return 1;
}

static int ro_newindex(lua_State *L) {
    return luaL_error(L, "cannot set field '%s': this table is shared by every unit (a library, "
                      "a module or a table the rule file made while loading) and is read-only; "
                      "keep per-unit values in locals", luaL_tolstring(L, 2, NULL));
}

static int ro_next(lua_State *L) {
    lua_settop(L, 2);
    if (!lua_next(L, lua_upvalueindex(1))) return 0;
    if (lua_type(L, -1) == LUA_TTABLE) push_readonly(L, -1);
    return 2;
}

static int ro_pairs(lua_State *L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushcclosure(L, ro_next, 1);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static int ro_len(lua_State *L) {
    lua_pushinteger(L, luaL_len(L, lua_upvalueindex(1)));
    return 1;
}

static int is_protected(lua_State *L, int idx) {
    if (!lua_getmetatable(L, idx)) return 0;
    int ro = lua_getfield(L, -1, "__ps_ro") != LUA_TNIL;
    lua_pop(L, 2);
    return ro;
}

/* Stack: table, metatable.  Hide the metatable from getmetatable, refuse
 * setmetatable and the sandbox's rawset, and attach it. */
static void seal(lua_State *L) {
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "__ps_ro");
    lua_setmetatable(L, -2);
}

/* Push a read-only view of the table at idx (one per table, cached). */
static void push_readonly(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    if (is_protected(L, idx)) {
        lua_pushvalue(L, idx);
        lua_remove(L, idx);
        return;
    }
    lua_rawgetp(L, LUA_REGISTRYINDEX, &RO_KEY);
    int cache = lua_gettop(L);
    lua_pushvalue(L, idx);
    if (lua_rawget(L, cache) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_createtable(L, 0, 6);
        lua_pushvalue(L, idx);
        lua_pushcclosure(L, ro_index, 1);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, ro_newindex);
        lua_setfield(L, -2, "__newindex");
        lua_pushvalue(L, idx);
        lua_pushcclosure(L, ro_pairs, 1);
        lua_setfield(L, -2, "__pairs");
        lua_pushvalue(L, idx);
        lua_pushcclosure(L, ro_len, 1);
        lua_setfield(L, -2, "__len");
        seal(L);
        lua_pushvalue(L, idx);
        lua_pushvalue(L, -2);
        lua_rawset(L, cache);
    }
    lua_remove(L, cache);
    lua_remove(L, idx);
}

/* G[k]: this unit's globals, then the rule file's, then the sandbox's. */
static int env_index(lua_State *L) {
    ps_lua *s = sandbox_of(L);
    if (s->frozen && lua_rawgetp(L, LUA_REGISTRYINDEX, &UNIT_KEY) == LUA_TTABLE) {
        lua_pushvalue(L, 2);
        if (lua_rawget(L, -2) != LUA_TNIL) return 1;
    }
    lua_settop(L, 2);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &LOAD_KEY);
    lua_pushvalue(L, 2);
    int t = lua_rawget(L, -2);
    if (t == LUA_TNIL) {
        lua_settop(L, 2);
        lua_rawgetp(L, LUA_REGISTRYINDEX, &BASE_KEY);
        lua_pushvalue(L, 2);
        t = lua_rawget(L, -2);
        if (t == LUA_TTABLE && lua_type(L, 2) == LUA_TSTRING && strcmp(lua_tostring(L, 2), "_G") == 0) {
            lua_pushvalue(L, 1);
            return 1;
        }
        if (t == LUA_TTABLE) push_readonly(L, -1);
        return 1;
    }
    if (t == LUA_TTABLE && s->frozen) push_readonly(L, -1);
    return 1;
}

static int env_newindex(lua_State *L) {
    ps_lua *s = sandbox_of(L);
    if (!s->frozen || lua_rawgetp(L, LUA_REGISTRYINDEX, &UNIT_KEY) != LUA_TTABLE) {
        lua_settop(L, 3);
        lua_rawgetp(L, LUA_REGISTRYINDEX, &LOAD_KEY);
    }
    lua_insert(L, 2);
    lua_rawset(L, 2);
    return 0;
}

/* rawset on a shared table or on G would step around the layers. */
static int sandbox_rawset(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    if (is_protected(L, 1))
        return luaL_error(L, "rawset: this table is shared by every unit and is read-only");
    lua_settop(L, 3);
    lua_rawset(L, 1);
    lua_settop(L, 1);
    return 1;
}

/* Set the _ENV of the function on top of the stack to G. */
static void set_env(lua_State *L) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &ENV_KEY);
    if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
}

/* Runs protected, from open_sandbox: builds the layers and G. */
static void open_layers(lua_State *L) {
    lua_pushglobaltable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &BASE_KEY);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &LOAD_KEY);
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &RO_KEY);
    lua_newtable(L);
    lua_createtable(L, 0, 4);
    lua_pushcfunction(L, env_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, env_newindex);
    lua_setfield(L, -2, "__newindex");
    seal(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &ENV_KEY);
    /* getmetatable("").__index is the string library itself */
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

void ps_lua_freeze(ps_lua *s) { s->frozen = 1; }

int ps_lua_new_unit(lua_State *L) {
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &UNIT_KEY);
    return 0;
}

/* ---- errors ---------------------------------------------------------- */

void ps_lua_error_fill(ps_error *err, int status, const char *msg) {
    /* "file:line: message" -> file, line, message (the traceback stays in
     * the message: it is what a rule writer needs to find the call). */
    const char *c1 = strchr(msg, ':');
    long line = 0;
    size_t flen = 0;
    const char *rest = msg;
    const char *nl = strchr(msg, '\n');
    if (c1 && c1 != msg && (!nl || c1 < nl)) {
        char *end;
        long l = strtol(c1 + 1, &end, 10);
        if (end != c1 + 1 && *end == ':' && l > 0) {
            line = l;
            flen = (size_t)(c1 - msg);
            rest = end + 1;
            while (*rest == ' ') rest++;
        }
    }
    char file[256] = "";
    if (flen) {
        if (flen >= sizeof file) flen = sizeof file - 1;
        memcpy(file, msg, flen);
        file[flen] = '\0';
    }
    ps_error_set(err, status, flen ? file : NULL, line, 0, "%s", rest);
}

/* ---- files ----------------------------------------------------------- */

static int file_size(const char *path, size_t *size) {
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
    *size = (size_t)st.st_size;
    return 1;
}

static int read_into(const char *path, char *buf, size_t size) {
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t got = fread(buf, 1, size, f);
    fclose(f);
    return got == size;
}

int ps_lua_loadfile(ps_lua *s, const char *path, const char *display,
                    ps_error *err) {
    size_t size;
    if (!file_size(path, &size))
        return ps_error_set(err, PS_ESCRIPT, path, 0, 0,
                            "cannot read the rule file (%s): check the path "
                            "or the job's `rules` key", strerror(errno ? errno : ENOENT));
    if (size > PS_LUA_MAX_FILE)
        return ps_error_set(err, PS_ESCRIPT, path, 0, 0,
                            "rule file is larger than %u MiB", PS_LUA_MAX_FILE >> 20);
    char *buf = ps_malloc(size + 1);
    if (!buf) return ps_error_set(err, PS_ENOMEM, path, 0, 0, "out of memory");
    if (!read_into(path, buf, size)) {
        ps_free(buf);
        return ps_error_set(err, PS_ESCRIPT, path, 0, 0, "cannot read the rule file");
    }
    char name[300];
    snprintf(name, sizeof name, "@%s", display ? display : path);
    s->slack = 0;
    s->mem.oom = 0;
    int st = luaL_loadbufferx(s->L, buf, size, name, "t");
    ps_free(buf);
    if (st != LUA_OK) {
        s->slack = 1;
        const char *msg = lua_tostring(s->L, -1);
        int status = s->mem.oom ? PS_ENOMEM : PS_ESCRIPT;
        ps_lua_error_fill(err, status, msg ? msg : "cannot load the rule file");
        if (!err->file[0]) snprintf(err->file, sizeof err->file, "%s", display ? display : path);
        lua_pop(s->L, 1);
        s->slack = 0;
        return status;
    }
    set_env(s->L);
    return PS_OK;
}

/* ---- require: Lua source modules under the rule directories ---------- */

static int module_name_ok(const char *name) {
    if (!*name || *name == '.') return 0;
    char prev = 0;
    for (const char *p = name; *p; p++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
        if (!ok || (c == '.' && prev == '.')) return 0;
        prev = c;
    }
    return prev != '.';
}

static int sandbox_require(lua_State *L) {
    ps_lua *s = sandbox_of(L);
    const char *name = luaL_checkstring(L, 1);
    if (!module_name_ok(name))
        return luaL_error(L, "require '%s': a module name is letters, digits, '_', '-' "
                          "and dots (e.g. \"parscore.rules\"); paths are not allowed", name);
    lua_getfield(L, LUA_REGISTRYINDEX, "ps.loaded");
    int loaded = lua_gettop(L);
    if (lua_getfield(L, loaded, name) != LUA_TNIL) return 1;
    lua_pop(L, 1);
    /* ps.loading[name] = the call that is loading it.  A mark left by a
     * module that raised an error in an earlier call is stale, not a cycle. */
    lua_getfield(L, LUA_REGISTRYINDEX, "ps.loading");
    int loading = lua_gettop(L);
    if (lua_getfield(L, loading, name) == LUA_TNUMBER && lua_tointeger(L, -1) == s->generation)
        return luaL_error(L, "require '%s': circular require", name);
    lua_pop(L, 1);
    /* "a.b" -> "a/b.lua" */
    luaL_Buffer rel;
    luaL_buffinit(L, &rel);
    for (const char *p = name; *p; p++) luaL_addchar(&rel, *p == '.' ? '/' : *p);
    luaL_addstring(&rel, ".lua");
    luaL_pushresult(&rel);
    const char *relpath = lua_tostring(L, -1);
    for (int i = 0; i < 2; i++) {
        if (!s->roots[i]) continue;
        const char *path = lua_pushfstring(L, "%s/%s", s->roots[i], relpath);
        size_t size;
        if (!file_size(path, &size)) {
            lua_pop(L, 1);
            continue;
        }
        if (size > PS_LUA_MAX_FILE)
            return luaL_error(L, "require '%s': %s is too large", name, relpath);
        char *buf = lua_newuserdatauv(L, size + 1, 0);
        if (!read_into(path, buf, size))
            return luaL_error(L, "require '%s': cannot read %s", name, relpath);
        lua_pushfstring(L, "@%s", relpath);
        if (luaL_loadbufferx(L, buf, size, lua_tostring(L, -1), "t") != LUA_OK)
            return lua_error(L);
        set_env(L);
        lua_pushinteger(L, s->generation);
        lua_setfield(L, loading, name);
        lua_pushstring(L, name);
        lua_call(L, 1, 1);
        lua_pushnil(L);
        lua_setfield(L, loading, name);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            lua_pushboolean(L, 1);
        }
        lua_pushvalue(L, -1);
        lua_setfield(L, loaded, name);
        return 1;
    }
    return luaL_error(L, "module '%s' not found: no file %s in the rule directories "
                      "(only Lua source modules can be required)", name, relpath);
}

/* ---- safe replacements ----------------------------------------------- */

/* load(chunk [, name [, mode [, env]]]) with the mode forced to text. */
static int sandbox_load(lua_State *L) {
    int n = lua_gettop(L);
    if (n < 4) {
        lua_settop(L, 4);
        lua_rawgetp(L, LUA_REGISTRYINDEX, &ENV_KEY); /* not the sandbox's own globals */
        lua_replace(L, 4);
    }
    lua_pushliteral(L, "t");
    lua_replace(L, 3);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* setmetatable without finalizers: Lua runs __gc with hooks switched off
 * (and at lua_close), so a finalizer would escape the instruction budget.
 * A metatable gaining __gc after setmetatable does not mark the object,
 * so checking here is enough. */
static int sandbox_setmetatable(lua_State *L) {
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "setmetatable: finalizers (__gc) are not allowed in rule scripts");
        lua_pop(L, 1);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* ---- pattern matching within bounds ---------------------------------- */

/* Lua's pattern matcher backtracks in C, where no hook runs: ".-.-.-b" on
 * a 3,000-byte string ran for over a minute in a test, outside the
 * instruction budget.  Before find/match/gmatch/gsub run, bound their work
 * from above -- the q items that may take any length (*, +, -, %b, a
 * back-reference) split the subject at q cut points in order, so at most
 * C(n + q, q) tuples per start position (x n + 1 start positions unless
 * anchored, x 2 per `?`), n x m for a plain search -- refuse calls whose
 * bound exceeds PS_PATTERN_STEPS, and charge the bound of the others to
 * the unit's instruction budget (charge_work).  Measured: ".-.-b" on 999
 * bytes (bound 5e8) takes about 2 s; ordinary rule-script matching (codes,
 * names, option texts of a few dozen bytes) stays far below. */
#define PS_PATTERN_STEPS 5e8

/* q counts the items that may take any length; *opt the `?` items, which
 * only choose between two (one or none). */
static int pattern_quantifiers(const char *p, size_t m, int *anchored, int *opt) {
    size_t i = 0;
    int q = 0;
    *opt = 0;
    *anchored = m > 0 && p[0] == '^';
    if (*anchored) i = 1;
    while (i < m) {
        char c = p[i];
        if (c == '%' && i + 1 < m) {
            char d = p[i + 1];
            if (d == 'b') { q++; i += 4; continue; }
            if (d >= '0' && d <= '9') { q++; i += 2; continue; }
            if (d == 'f') {
                i += 2;
                if (i < m && p[i] == '[') c = '[';
                else continue;
            } else {
                i += 2;
                goto quantifier;
            }
        }
        if (c == '[') {
            i++;
            if (i < m && p[i] == '^') i++;
            if (i < m && p[i] == ']') i++;
            while (i < m && p[i] != ']') i += (p[i] == '%' && i + 1 < m) ? 2 : 1;
            i++;
        } else {
            i++;
        }
    quantifier:
        if (i < m && (p[i] == '*' || p[i] == '+' || p[i] == '-' || p[i] == '?')) {
            if (p[i] == '?') (*opt)++;
            else q++;
            i++;
        }
    }
    return q;
}

/* Charge `work` steps to the call's instruction budget: one bounded call
 * is short, but without this a loop of calls just under the bound ran for
 * minutes (60 x ".-.-b" on 999 bytes: 128 s).  The bound, not the steps
 * actually taken, is charged: it is what can be known before the call,
 * and it keeps the charge the same from run to run. */
static void charge_work(lua_State *L, double work) {
    ps_lua *s = sandbox_of(L);
    if (s->stopped != STOP_NONE) return; /* the hook raises at the next instruction */
    if (work <= (double)s->budget - (double)s->count) {
        s->count += (uint64_t)work;
        return;
    }
    s->count = s->budget + 1;
    s->stopped = STOP_BUDGET;
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
    luaL_where(L, 1);
    const char *w = lua_tostring(L, -1);
    size_t wl = w ? strlen(w) : 0;
    snprintf(s->stop_where, sizeof s->stop_where, "%.*s", (int)(wl > 2 ? wl - 2 : 0), w ? w : "");
    lua_pop(L, 1);
    s->slack = 1;
    luaL_error(L, "instruction budget exceeded (%I instructions per call; the work of "
               "string patterns counts)", (lua_Integer)s->budget);
}

static int guarded_pattern(lua_State *L) {
    size_t n, m;
    if (lua_type(L, 1) == LUA_TSTRING && lua_type(L, 2) == LUA_TSTRING) {
        lua_tolstring(L, 1, &n);
        const char *p = lua_tolstring(L, 2, &m);
        int plain = lua_toboolean(L, lua_upvalueindex(3)) && lua_toboolean(L, 4);
        int anchored = 0, opt = 0;
        int q = plain ? 0 : pattern_quantifiers(p, m, &anchored, &opt);
        double bound;
        if (q == 0 && opt == 0) {
            bound = ((double)n + 1) * ((double)m + 1);
        } else {
            /* the lengths the q items take are cut points of the
             * subject in order: at most C(n + q, q) tuples to try */
            bound = anchored ? 1 : (double)n + 1;
            for (int k = 1; k <= q && bound <= PS_PATTERN_STEPS; k++)
                bound = bound * ((double)n + k) / k;
            for (int k = 0; k < opt && bound <= PS_PATTERN_STEPS; k++) bound *= 2;
        }
        if (bound > PS_PATTERN_STEPS)
            return luaL_error(L, "string.%s: this pattern on a %I-byte string could run for "
                              "minutes (Lua cannot stop pattern matching); use a simpler "
                              "pattern or a shorter string", lua_tostring(L, lua_upvalueindex(2)),
                              (lua_Integer)n);
        charge_work(L, bound);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* print() goes to stderr: stdout may carry a report. */
static int sandbox_print(lua_State *L) {
    int n = lua_gettop(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, "[rules] ");
    for (int i = 1; i <= n; i++) {
        if (i > 1) luaL_addchar(&b, '\t');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_addchar(&b, '\n');
    luaL_pushresult(&b);
    fputs(lua_tostring(L, -1), stderr);
    return 0;
}

/* ps.where([level]) -> "file", line of the function `level` calls up
 * (1: the caller of ps.where).  Lets the rules library point lint
 * findings at the line that declared a criterion. */
static int sandbox_where(lua_State *L) {
    int level = (int)luaL_optinteger(L, 1, 1);
    lua_Debug ar;
    if (level < 1 || !lua_getstack(L, level, &ar)) return 0;
    lua_getinfo(L, "Sl", &ar);
    if (ar.currentline <= 0) return 0;
    lua_pushstring(L, ar.short_src);
    lua_pushinteger(L, ar.currentline);
    return 2;
}

/* ---- ps.date: calendar arithmetic without a clock --------------------- */

/* Days since 1970-01-01 from a civil date (proleptic Gregorian), the
 * standard era/day-of-era algorithm.  Not base/ps_date.c's: a rule may pass
 * any 64-bit Lua integer, and ps_day_from_ymd works in int (32-bit days),
 * where such a value would overflow. */
static long days_from_civil(long y, long m, long d) {
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, long *y, long *m, long *d) {
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int valid_ymd(long y, long m, long d) {
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

/* ps.date.parse("2025-03-01" or "01/03/2025") -> day number, or nil, why */
static int date_parse(lua_State *L) {
    const char *s = luaL_checkstring(L, 1);
    int y, m, d, n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10) {
        /* a timestamp's time part is ignored: days only */
    } else if (sscanf(s, "%2d/%2d/%4d%n", &d, &m, &y, &n) == 3 && n == 10 && !s[n]) {
    } else {
        lua_pushnil(L);
        lua_pushfstring(L, "not a date: '%s' (use YYYY-MM-DD or DD/MM/YYYY)", s);
        return 2;
    }
    if (!valid_ymd(y, m, d)) {
        lua_pushnil(L);
        lua_pushfstring(L, "no such day: '%s'", s);
        return 2;
    }
    lua_pushinteger(L, days_from_civil(y, m, d));
    return 1;
}

/* ps.date.format(day [, "vn"|"iso"]) */
static int date_format(lua_State *L) {
    long day = (long)luaL_checkinteger(L, 1);
    const char *style = luaL_optstring(L, 2, "iso");
    long y, m, d;
    civil_from_days(day, &y, &m, &d);
    /* a rule may pass any integer: room for three full longs, not 32 bytes
     * that only fit four-digit years (gcc -O3 proved the overflow) */
    char buf[3 * 21 + 3];
    if (strcmp(style, "vn") == 0)
        snprintf(buf, sizeof buf, "%02ld/%02ld/%04ld", d, m, y);
    else
        snprintf(buf, sizeof buf, "%04ld-%02ld-%02ld", y, m, d);
    lua_pushstring(L, buf);
    return 1;
}

static int date_ymd(lua_State *L) {
    long y, m, d;
    civil_from_days((long)luaL_checkinteger(L, 1), &y, &m, &d);
    lua_pushinteger(L, y);
    lua_pushinteger(L, m);
    lua_pushinteger(L, d);
    return 3;
}

static int date_from_ymd(lua_State *L) {
    long y = (long)luaL_checkinteger(L, 1), m = (long)luaL_checkinteger(L, 2),
         d = (long)luaL_checkinteger(L, 3);
    if (!valid_ymd(y, m, d)) return luaL_error(L, "no such day: %d-%d-%d", (int)y, (int)m, (int)d);
    lua_pushinteger(L, days_from_civil(y, m, d));
    return 1;
}

/* 1 Monday .. 7 Sunday (1970-01-01 was a Thursday). */
static int date_weekday(lua_State *L) {
    long day = (long)luaL_checkinteger(L, 1);
    long w = ((day % 7) + 7 + 3) % 7;
    lua_pushinteger(L, w + 1);
    return 1;
}

static void push_ps_table(lua_State *L) {
    lua_newtable(L);
    static const luaL_Reg date_fns[] = {
        {"parse", date_parse}, {"format", date_format}, {"ymd", date_ymd},
        {"from_ymd", date_from_ymd}, {"weekday", date_weekday}, {NULL, NULL}};
    luaL_newlib(L, date_fns);
    lua_setfield(L, -2, "date");
    lua_pushcfunction(L, sandbox_where);
    lua_setfield(L, -2, "where");
    /* ps.examples[key] = label; ps.indicators[key] = {label, examples={...}} */
    lua_newtable(L);
    for (int k = 0; k < PS_EX__COUNT; k++) {
        static const char *const labels[] = {
#define PS_EX_LABEL_(id, key, label) label,
            PS_EXAMPLE_LIST(PS_EX_LABEL_)
#undef PS_EX_LABEL_
        };
        static const char *const keys[] = {
#define PS_EX_KEY_(id, key, label) key,
            PS_EXAMPLE_LIST(PS_EX_KEY_)
#undef PS_EX_KEY_
        };
        lua_pushstring(L, labels[k]);
        lua_setfield(L, -2, keys[k]);
    }
    lua_setfield(L, -2, "examples");
    lua_newtable(L);
    for (size_t i = 0; i < ps_indicator_count(); i++) {
        const ps_indicator_def *def = ps_indicator_def_at(i);
        static const char *const keys[] = {
#define PS_EX_KEY_(id, key, label) key,
            PS_EXAMPLE_LIST(PS_EX_KEY_)
#undef PS_EX_KEY_
        };
        lua_newtable(L);
        lua_pushstring(L, def->label);
        lua_setfield(L, -2, "label");
        lua_newtable(L);
        int n = 0;
        if (def->examples >= 0 && def->examples < PS_EX__COUNT) {
            lua_pushstring(L, keys[def->examples]);
            lua_rawseti(L, -2, ++n);
        }
        if (def->examples2 >= 0 && def->examples2 < PS_EX__COUNT) {
            lua_pushstring(L, keys[def->examples2]);
            lua_rawseti(L, -2, ++n);
        }
        lua_setfield(L, -2, "examples");
        lua_setfield(L, -2, def->key);
    }
    lua_setfield(L, -2, "indicators");
}

/* Runs protected: opens the whitelisted libraries and trims them. */
static int open_sandbox(lua_State *L) {
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    lua_settop(L, 0);
    /* luaL_requiref keeps the libraries in package.loaded's registry
     * table; drop it so nothing can reach a library we trimmed. */
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, "ps.loaded");
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, "ps.loading");

    lua_pushglobaltable(L);
    static const char *const removed[] = {"dofile", "loadfile", "collectgarbage", NULL};
    for (int i = 0; removed[i]; i++) {
        lua_pushnil(L);
        lua_setfield(L, 1, removed[i]);
    }
    lua_getfield(L, 1, "load");
    lua_pushcclosure(L, sandbox_load, 1);
    lua_setfield(L, 1, "load");
    lua_getfield(L, 1, "setmetatable");
    lua_pushcclosure(L, sandbox_setmetatable, 1);
    lua_setfield(L, 1, "setmetatable");
    lua_pushcfunction(L, sandbox_print);
    lua_setfield(L, 1, "print");
    lua_pushcfunction(L, sandbox_require);
    lua_setfield(L, 1, "require");
    lua_pushcfunction(L, sandbox_rawset);
    lua_setfield(L, 1, "rawset");
    /* string.dump makes bytecode; math.random would make scores differ
     * between two runs on the same data. */
    lua_getfield(L, 1, "string");
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    static const char *const matchers[] = {"find", "match", "gmatch", "gsub"};
    for (int i = 0; i < 4; i++) {
        lua_getfield(L, -1, matchers[i]);
        lua_pushstring(L, matchers[i]);
        lua_pushboolean(L, i == 0);      /* find has a `plain` argument */
        lua_pushcclosure(L, guarded_pattern, 3);
        lua_setfield(L, -2, matchers[i]);
    }
    lua_pop(L, 1);
    lua_getfield(L, 1, "math");
    lua_pushnil(L);
    lua_setfield(L, -2, "random");
    lua_pushnil(L);
    lua_setfield(L, -2, "randomseed");
    lua_pop(L, 1);
    push_ps_table(L);
    lua_setfield(L, 1, "ps");
    lua_settop(L, 0);
    open_layers(L);
    return 0;
}

int ps_lua_open(ps_lua **out, const ps_lua_config *cfg, ps_error *err) {
    *out = NULL;
    ps_lua *s = ps_calloc(1, sizeof *s);
    if (!s) return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    s->cap = cfg->memory_cap ? cfg->memory_cap : PS_LUA_DEFAULT_MEMORY;
    s->budget = cfg->instruction_budget ? cfg->instruction_budget : PS_LUA_DEFAULT_BUDGET;
    if (cfg->scripts_dir && !(s->roots[0] = ps_strdup(cfg->scripts_dir))) goto nomem;
    if (cfg->rule_dir && !(s->roots[1] = ps_strdup(cfg->rule_dir))) goto nomem;
    if (s->roots[0] && s->roots[1] && strcmp(s->roots[0], s->roots[1]) == 0) {
        ps_free(s->roots[1]);
        s->roots[1] = NULL;
    }
    s->L = lua_newstate(sandbox_alloc, s);
    if (!s->L) goto nomem;
    memcpy(lua_getextraspace(s->L), &s, sizeof s);
    lua_pushcfunction(s->L, open_sandbox);
    if (ps_lua_pcall(s, 0, 0) != LUA_OK) {
        ps_lua_close(s);
        return ps_error_set(err, PS_ENOMEM, NULL, 0, 0,
                            "cannot set up the Lua sandbox (memory cap too small?)");
    }
    *out = s;
    return PS_OK;
nomem:
    ps_lua_close(s);
    return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
}

lua_State *ps_lua_state(ps_lua *s) { return s->L; }

int ps_lua_oom(const ps_lua *s) { return s && s->mem.oom; }

void ps_lua_close(ps_lua *s) {
    if (!s) return;
    if (s->L) {
        s->slack = 1;
        lua_close(s->L);
    }
    ps_free(s->roots[0]);
    ps_free(s->roots[1]);
    ps_free(s);
}
