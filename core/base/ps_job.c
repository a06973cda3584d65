/*
 * ps_job.c -- loading a job file.  A job is a Lua chunk returning a table;
 * it runs with an empty environment (no libraries at all: a job is data,
 * it may compute a string but cannot touch files) under an instruction
 * limit, then every key is checked against the list below.
 */
#include "base/ps_job.h"
#include "base/ps_lua_mem.h"

#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define JOB_MAX_BYTES (4u << 20)
#define JOB_MAX_INSTRUCTIONS 10000000
/* A job is a table of settings: 64 MiB is generous, and without a cap
 * `local s = "x" while true do s = s .. s end` takes all the machine's
 * memory before the instruction limit trips (found by tests/hostile in
 * the ASan build, which has no ulimit -v). */
#define JOB_MAX_MEMORY ((size_t)64 << 20)

typedef struct job_ctx {
    ps_job *job;
    ps_error *err;
    const ps_paths *paths;
} job_ctx;

static void *job_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    return ps_lua_mem_alloc(ud, ptr, osize, nsize);
}

static void job_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    luaL_error(L, "the job file runs too long (it should only build a table)");
}

static char *read_file(const char *path, size_t *len, ps_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        ps_error_set(err, PS_EIO, path, 0, 0,
                     "cannot open job file: %s (give the path of a .lua job file)",
                     strerror(errno));
        return NULL;
    }
    ps_buf b;
    ps_buf_init(&b, JOB_MAX_BYTES);
    char chunk[8192];
    size_t n;
    int rc = PS_OK;
    while (rc == PS_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0) rc = ps_buf_add(&b, chunk, n);
    if (rc == PS_OK && ferror(f)) rc = PS_EIO;
    fclose(f);
    if (rc != PS_OK) {
        ps_buf_free(&b);
        ps_error_set(err, rc == PS_ELIMIT || rc == PS_ENOMEM ? rc : PS_EIO, path, 0, 0,
                     rc == PS_ELIMIT   ? "job file is larger than 4 MiB"
                     : rc == PS_ENOMEM ? "out of memory reading the job file"
                                       : "cannot read job file");
        return NULL;
    }
    if (!b.data) ps_buf_add(&b, "", 0);
    *len = b.len;
    return b.data;
}

static char *job_path(ps_job *job, const char *p) {
    if (!p) return NULL;
    if (p[0] == '/') return ps_arena_strdup(&job->arena, p);
    return ps_arena_printf(&job->arena, "%s/%s", job->dir, p);
}

/* Text form of a scalar at the top of the stack, or NULL if not scalar. */
static const char *scalar_text(lua_State *L, int idx, char *buf, size_t size) {
    switch (lua_type(L, idx)) {
    case LUA_TSTRING: return lua_tostring(L, idx);
    case LUA_TBOOLEAN: return lua_toboolean(L, idx) ? "true" : "false";
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) snprintf(buf, size, "%lld", (long long)lua_tointeger(L, idx));
        else snprintf(buf, size, "%.17g", lua_tonumber(L, idx));
        return buf;
    default: return NULL;
    }
}

static int bad(job_ctx *c, const char *key, const char *what) {
    return ps_error_set(c->err, PS_ECONFIG, c->job->path, 0, 0, "%s: %s", key, what);
}

static int get_string(job_ctx *c, lua_State *L, int t, const char *key, char **out, int required) {
    lua_getfield(L, t, key);
    int rc = PS_OK;
    if (lua_isnil(L, -1)) {
        if (required) rc = bad(c, key, "missing (required)");
    } else if (lua_type(L, -1) != LUA_TSTRING) {
        rc = bad(c, key, "must be a string");
    } else if (!(*out = ps_arena_strdup(&c->job->arena, lua_tostring(L, -1)))) {
        rc = ps_error_set(c->err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    lua_pop(L, 1);
    return rc;
}

/* Reads table t (absolute index) of scalars into a ps_kv array, skipping
 * the key `skip`. */
static int get_kv(job_ctx *c, lua_State *L, int t, const char *where, const char *skip,
                  ps_kv **out, size_t *n) {
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        char num[64];
        if (lua_type(L, -2) != LUA_TSTRING) {
            lua_pop(L, 2);
            return bad(c, where, "keys must be names");
        }
        const char *k = lua_tostring(L, -2);
        if (skip && strcmp(k, skip) == 0) {
            lua_pop(L, 1);
            continue;
        }
        const char *v = scalar_text(L, -1, num, sizeof num);
        if (!v) {
            char msg[160];
            snprintf(msg, sizeof msg, "option %s must be a string, number or boolean", k);
            lua_pop(L, 2);
            return bad(c, where, msg);
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            ps_kv *grown = ps_arena_alloc(&c->job->arena, cap * sizeof *grown);
            if (!grown) {
                lua_pop(L, 2);
                return ps_error_set(c->err, PS_ENOMEM, NULL, 0, 0, "out of memory");
            }
            if (*n) memcpy(grown, *out, *n * sizeof *grown);
            *out = grown;
        }
        (*out)[*n].key = ps_arena_strdup(&c->job->arena, k);
        (*out)[*n].value = ps_arena_strdup(&c->job->arena, v);
        (*n)++;
        lua_pop(L, 1);
    }
    return PS_OK;
}

static const char *const known_keys[] = {
    "name", "period", "scope", "units", "calendar", "declare", "sources", "rules",
    "rule_options", "templates", "scorecard_template", "summary_template", "fonts",
    "output", "outputs", "previous", "issuer", "examples_max", "unknown_units", "dedup", "allow_empty",
    "measures_strict", NULL};

static int load_table(job_ctx *c, lua_State *L) {
    ps_job *job = c->job;
    int t = lua_gettop(L);
    int rc;
    /* unknown keys are typos: refuse them */
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        size_t i = 0;
        while (k && known_keys[i] && strcmp(known_keys[i], k) != 0) i++;
        if (!k || !known_keys[i]) {
            char msg[200];
            snprintf(msg, sizeof msg,
                     "unknown key (known: name, period, scope, units, calendar, declare, "
                     "sources, rules, rule_options, output, outputs, previous, issuer, ...)");
            int r = bad(c, k ? k : "(non-name key)", msg);
            lua_pop(L, 1);
            return r;
        }
    }
    char *s = NULL;
    if ((rc = get_string(c, L, t, "name", &job->name, 0))) return rc;
    if ((rc = get_string(c, L, t, "period", &s, 1))) return rc;
    if ((rc = ps_period_parse(s, &job->period, c->err))) {
        snprintf(c->err->file, sizeof c->err->file, "%s", job->path);
        return rc;
    }
    s = NULL;
    if ((rc = get_string(c, L, t, "units", &s, 0))) return rc;
    job->units_file = s ? job_path(job, s)
                        : ps_arena_printf(&job->arena, "%s/vn-units-2025.csv", c->paths->data_dir);
    s = NULL;
    if ((rc = get_string(c, L, t, "calendar", &s, 0))) return rc;
    job->calendar_file = s ? job_path(job, s)
                           : ps_arena_printf(&job->arena, "%s/calendar-vn.csv", c->paths->data_dir);
    if ((rc = get_string(c, L, t, "rules", &job->rules, 1))) return rc;
    {
        /* a rule file beside the job wins over a shipped set of that name */
        char *local = job->rules[0] != '/' ? job_path(job, job->rules) : NULL;
        struct stat st;
        if (local && stat(local, &st) == 0 && S_ISREG(st.st_mode)) job->rules = local;
    }
    s = NULL;
    if ((rc = get_string(c, L, t, "templates", &s, 0))) return rc;
    job->template_dir = s ? job_path(job, s) : ps_arena_strdup(&job->arena, c->paths->templates_dir);
    if ((rc = get_string(c, L, t, "scorecard_template", &job->scorecard_template, 0))) return rc;
    if ((rc = get_string(c, L, t, "summary_template", &job->summary_template, 0))) return rc;
    if (!job->scorecard_template) job->scorecard_template = ps_arena_strdup(&job->arena, "scorecard.xml");
    if (!job->summary_template) job->summary_template = ps_arena_strdup(&job->arena, "summary.xml");
    s = NULL;
    if ((rc = get_string(c, L, t, "output", &s, 0))) return rc;
    job->output_dir = job_path(job, s ? s : "out");
    s = NULL;
    if ((rc = get_string(c, L, t, "previous", &s, 0))) return rc;
    job->previous_results = s ? job_path(job, s) : NULL;
    if ((rc = get_string(c, L, t, "issuer", &job->issuer, 0))) return rc;
    s = NULL;
    if ((rc = get_string(c, L, t, "unknown_units", &s, 0))) return rc;
    if (s && strcmp(s, "fail") == 0) job->unknown_units_fatal = 1;
    else if (s && strcmp(s, "report") != 0) return bad(c, "unknown_units", "must be \"report\" or \"fail\"");

    lua_getfield(L, t, "allow_empty");
    if (lua_isboolean(L, -1)) job->allow_empty = lua_toboolean(L, -1);
    else if (!lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return bad(c, "allow_empty", "must be true or false");
    }
    lua_pop(L, 1);

    lua_getfield(L, t, "dedup");
    job->dedup = -1;
    if (lua_isboolean(L, -1)) job->dedup = lua_toboolean(L, -1);
    else if (!lua_isnil(L, -1) && !(lua_type(L, -1) == LUA_TSTRING && !strcmp(lua_tostring(L, -1), "auto"))) {
        lua_pop(L, 1);
        return bad(c, "dedup", "must be true, false or \"auto\"");
    }
    lua_pop(L, 1);

    lua_getfield(L, t, "measures_strict");
    if (lua_isboolean(L, -1)) job->measures_strict = lua_toboolean(L, -1);
    else if (!lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return bad(c, "measures_strict", "must be true or false");
    }
    lua_pop(L, 1);

    lua_getfield(L, t, "examples_max");
    job->examples_max = 50;
    if (!lua_isnil(L, -1)) {
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0 || lua_tointeger(L, -1) > 100000) {
            lua_pop(L, 1);
            return bad(c, "examples_max", "must be an integer from 0 to 100000");
        }
        job->examples_max = (uint32_t)lua_tointeger(L, -1);
    }
    lua_pop(L, 1);

    /* fonts = { regular = "...", bold = "..." } */
    lua_getfield(L, t, "fonts");
    if (lua_istable(L, -1)) {
        int ft = lua_gettop(L);
        char *fr = NULL, *fb = NULL;
        if ((rc = get_string(c, L, ft, "regular", &fr, 0)) || (rc = get_string(c, L, ft, "bold", &fb, 0))) {
            lua_pop(L, 1);
            return rc;
        }
        job->font_regular = fr ? job_path(job, fr) : NULL;
        job->font_bold = fb ? job_path(job, fb) : NULL;
    } else if (!lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return bad(c, "fonts", "must be a table { regular = ..., bold = ... }");
    }
    lua_pop(L, 1);

    /* outputs = { "pdf", "summary", "csv", "json", "xlsx" } */
    lua_getfield(L, t, "outputs");
    if (lua_isnil(L, -1)) {
        job->outputs = PS_OUT_PDF | PS_OUT_SUMMARY | PS_OUT_CSV | PS_OUT_JSON;
    } else if (lua_istable(L, -1)) {
        lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, -1, i);
            const char *o = lua_tostring(L, -1);
            unsigned bit = !o ? 0
                           : !strcmp(o, "pdf") ? PS_OUT_PDF
                           : !strcmp(o, "summary") ? PS_OUT_SUMMARY
                           : !strcmp(o, "csv") ? PS_OUT_CSV
                           : !strcmp(o, "json") ? PS_OUT_JSON
                           : !strcmp(o, "xlsx") ? PS_OUT_XLSX : 0;
            lua_pop(L, 1);
            if (!bit) {
                lua_pop(L, 1);
                return bad(c, "outputs", "entries must be \"pdf\", \"summary\", \"csv\", \"json\" or \"xlsx\"");
            }
            job->outputs |= bit;
        }
    } else {
        lua_pop(L, 1);
        return bad(c, "outputs", "must be a list such as { \"pdf\", \"csv\" }");
    }
    lua_pop(L, 1);

    /* scope = { "15", ... } */
    lua_getfield(L, t, "scope");
    if (lua_istable(L, -1)) {
        size_t n = lua_rawlen(L, -1);
        job->scope = ps_arena_alloc(&job->arena, (n ? n : 1) * sizeof *job->scope);
        for (size_t i = 1; job->scope && i <= n; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i);
            if (lua_type(L, -1) != LUA_TSTRING) {
                lua_pop(L, 2);
                return bad(c, "scope", "must be a list of unit codes (strings, e.g. \"15\")");
            }
            job->scope[job->n_scope++] = ps_arena_strdup(&job->arena, lua_tostring(L, -1));
            lua_pop(L, 1);
        }
    } else if (lua_type(L, -1) == LUA_TSTRING) {
        job->scope = ps_arena_alloc(&job->arena, sizeof *job->scope);
        if (job->scope) job->scope[job->n_scope++] = ps_arena_strdup(&job->arena, lua_tostring(L, -1));
    } else if (!lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return bad(c, "scope", "must be a list of unit codes");
    }
    lua_pop(L, 1);

    /* declare = { { code=, name=, parent=, level= }, ... } */
    lua_getfield(L, t, "declare");
    if (lua_istable(L, -1)) {
        size_t n = lua_rawlen(L, -1);
        job->declare = ps_arena_alloc(&job->arena, (n ? n : 1) * sizeof *job->declare);
        for (size_t i = 1; job->declare && i <= n; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i);
            if (!lua_istable(L, -1)) {
                lua_pop(L, 2);
                return bad(c, "declare", "entries must be tables { code = ..., name = ..., parent = ... }");
            }
            int dt = lua_gettop(L);
            ps_job_unit_decl *d = &job->declare[job->n_declare++];
            if ((rc = get_string(c, L, dt, "code", &d->code, 1)) ||
                (rc = get_string(c, L, dt, "name", &d->name, 1)) ||
                (rc = get_string(c, L, dt, "parent", &d->parent, 0)) ||
                (rc = get_string(c, L, dt, "level", &d->level, 0))) {
                lua_pop(L, 2);
                return rc;
            }
            lua_pop(L, 1);
        }
    } else if (!lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return bad(c, "declare", "must be a list of tables");
    }
    lua_pop(L, 1);

    /* sources = { { plugin = "...", option = value, ... }, ... } */
    lua_getfield(L, t, "sources");
    if (!lua_isnil(L, -1) && !lua_istable(L, -1)) {
        lua_pop(L, 1);
        return bad(c, "sources", "must be a list of tables { plugin = \"...\", ... }");
    }
    if (!lua_istable(L, -1) || lua_rawlen(L, -1) == 0) {
        lua_pop(L, 1);
        return bad(c, "sources", "missing: list at least one source { plugin = \"...\", ... }");
    }
    size_t n = lua_rawlen(L, -1);
    job->sources = ps_arena_alloc(&job->arena, n * sizeof *job->sources);
    for (size_t i = 1; job->sources && i <= n; i++) {
        char where[48];
        snprintf(where, sizeof where, "sources[%zu]", i);
        lua_rawgeti(L, -1, (lua_Integer)i);
        if (!lua_istable(L, -1)) {
            lua_pop(L, 2);
            return bad(c, where, "must be a table { plugin = \"...\", ... }");
        }
        int st = lua_gettop(L);
        ps_job_source *src = &job->sources[job->n_sources++];
        if ((rc = get_string(c, L, st, "plugin", &src->plugin, 1)) ||
            (rc = get_kv(c, L, st, where, "plugin", &src->options, &src->n_options))) {
            lua_pop(L, 2);
            return rc;
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);

    lua_getfield(L, t, "rule_options");
    if (lua_istable(L, -1)) {
        rc = get_kv(c, L, lua_gettop(L), "rule_options", NULL, &job->rule_options, &job->n_rule_options);
        if (rc) {
            lua_pop(L, 1);
            return rc;
        }
    } else if (!lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return bad(c, "rule_options", "must be a table");
    }
    lua_pop(L, 1);
    return PS_OK;
}

/* Every Lua call that may allocate runs under lua_pcall: an allocation
 * failing outside one makes Lua panic and abort. */
static int run_chunk_p(lua_State *L) {   /* 1: the chunk -> its result */
    lua_newtable(L);                     /* empty environment: _ENV is the */
    lua_setupvalue(L, 1, 1);             /* chunk's only upvalue */
    lua_sethook(L, job_hook, LUA_MASKCOUNT, JOB_MAX_INSTRUCTIONS);
    lua_call(L, 0, 1);
    lua_sethook(L, NULL, 0, 0);
    return 1;
}

static int load_table_p(lua_State *L) {  /* 1: job_ctx, 2: the table */
    job_ctx *c = lua_touserdata(L, 1);
    lua_remove(L, 1);
    lua_pushinteger(L, load_table(c, L));
    return 1;
}

int ps_job_load(ps_job *job, const char *path, const ps_paths *paths, ps_error *err) {
    memset(job, 0, sizeof *job);
    job->path = ps_arena_strdup(&job->arena, path);
    const char *slash = strrchr(path, '/');
    job->dir = slash ? ps_arena_printf(&job->arena, "%.*s", (int)(slash - path), path)
                     : ps_arena_strdup(&job->arena, ".");
    if (!job->path || !job->dir) return ps_error_set(err, PS_ENOMEM, path, 0, 0, "out of memory");
    size_t len = 0;
    char *text = read_file(path, &len, err);
    if (!text) return err->status;
    ps_lua_mem mem = {.limit = JOB_MAX_MEMORY};
    lua_State *L = lua_newstate(job_alloc, &mem);
    if (!L) {
        ps_free(text);
        return ps_error_set(err, PS_ENOMEM, path, 0, 0, "out of memory");
    }
    int rc = PS_OK;
    char chunkname[300];
    snprintf(chunkname, sizeof chunkname, "@%s", path);
    /* text only: a crafted bytecode chunk could crash the VM */
    if (luaL_loadbufferx(L, text, len, chunkname, "t") != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        rc = mem.oom ? ps_error_set(err, PS_ENOMEM, path, 0, 0, "out of memory reading the job file")
                     : ps_error_set(err, PS_ECONFIG, NULL, 0, 0, "job file does not parse: %s",
                                    msg ? msg : "?");
        goto done;
    }
    lua_pushcfunction(L, run_chunk_p);
    lua_insert(L, -2);
    int st = lua_pcall(L, 1, 1, 0);
    lua_sethook(L, NULL, 0, 0);
    if (st != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        if (mem.oom && !mem.over_cap)
            rc = ps_error_set(err, PS_ENOMEM, path, 0, 0, "out of memory running the job file");
        else
            rc = ps_error_set(err, PS_ECONFIG, NULL, 0, 0, "job file fails: %s%s", msg ? msg : "?",
                              st == LUA_ERRMEM ? " (a job may use 64 MiB)" : "");
        goto done;
    }
    if (!lua_istable(L, -1)) {
        rc = ps_error_set(err, PS_ECONFIG, path, 0, 0,
                          "the job file must `return { ... }` a table (see docs/jobs.md)");
        goto done;
    }
    job_ctx c = {job, err, paths};
    lua_pushcfunction(L, load_table_p);
    lua_insert(L, -2);
    lua_pushlightuserdata(L, &c);
    lua_insert(L, -2);
    if (lua_pcall(L, 2, 1, 0) != LUA_OK)
        rc = mem.oom ? ps_error_set(err, PS_ENOMEM, path, 0, 0, "out of memory reading the job's settings")
                     : ps_error_set(err, PS_ECONFIG, path, 0, 0, "job file: %s",
                                    lua_tostring(L, -1) ? lua_tostring(L, -1) : "?");
    else
        rc = (int)lua_tointeger(L, -1);
done:
    lua_close(L);
    ps_free(text);
    if (rc != PS_OK && err->status == PS_OK) err->status = rc;
    return rc;
}

void ps_job_free(ps_job *job) {
    ps_arena_free(&job->arena);
    memset(job, 0, sizeof *job);
}
