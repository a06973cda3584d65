/*
 * test_sandbox.c -- what a rule script must not be able to do, and how the
 * run reports it.  Each case is a rule file whose criterion misbehaves for
 * one unit ("BAD") of three: that unit fails with the precise message
 * (file:line, traceback, unit) and the two others still score.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "score_fixture.h"

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
}

/* The evil body sits alone on line 3 of case.lua. */
static void write_case(const char *body) {
    char text[4096];
    snprintf(text, sizeof text,
             "local R = require(\"parscore.rules\")\n"
             "local function evil(u)\n"
             "%s\n"
             "end\n"
             "return R.ruleset{ id = \"t\", name = \"t\", total = 1, bands = \"0:Đạt\",\n"
             "  R.group{ id = \"g\", name = \"g\", max = 1,\n"
             "    R.criterion{ id = \"c\", name = \"c\", max = 1,\n"
             "      compute = function(u) if u.code == \"BAD\" then local n, d = evil(u) return n, d end return 1, 1 end },\n"
             "  },\n"
             "}\n", body);
    write_file("case.lua", text);
}

typedef struct sb_case {
    const char *name;
    const char *body;
    const char *expect;         /* in the failed unit's error */
} sb_case;

static const sb_case cases[] = {
    {"io", "io.open('/etc/passwd')",
     "case.lua:3: attempt to index a nil value (global 'io')"},
    {"os.execute", "os.execute('true')",
     "case.lua:3: attempt to index a nil value (global 'os')"},
    {"os.clock", "local c = os and os.clock() error('clock ' .. tostring(c))",
     "case.lua:3: clock nil"},
    {"debug", "debug.sethook()",
     "case.lua:3: attempt to index a nil value (global 'debug')"},
    {"package.loadlib", "package.loadlib('libc.so.6', 'system')",
     "case.lua:3: attempt to index a nil value (global 'package')"},
    {"dofile", "dofile('/etc/passwd')",
     "case.lua:3: attempt to call a nil value (global 'dofile')"},
    {"loadfile", "loadfile('/etc/passwd')",
     "case.lua:3: attempt to call a nil value (global 'loadfile')"},
    {"collectgarbage", "collectgarbage('stop')",
     "case.lua:3: attempt to call a nil value (global 'collectgarbage')"},
    {"require C module", "require('io')",
     "case.lua:3: module 'io' not found: no file io.lua in the rule directories "
     "(only Lua source modules can be required)"},
    {"require path outside", "require('../../etc/passwd')",
     "case.lua:3: require '../../etc/passwd': a module name is letters, digits, '_', '-' "
     "and dots (e.g. \"parscore.rules\"); paths are not allowed"},
    {"require absolute path", "require('/etc/passwd')",
     "case.lua:3: require '/etc/passwd': a module name is letters"},
    {"load bytecode", "local f, e = load('\\27Lua\\84\\0\\25\\147\\13\\10\\26\\10') error(e, 0)",
     "attempt to load a binary chunk (mode is 't')"},
    {"load mode b", "local f, e = load('\\27Lua', 'x', 'b') error(e, 0)",
     "attempt to load a binary chunk (mode is 't')"},
    {"string.dump", "local b = string.dump(function() end)",
     "case.lua:3: attempt to call a nil value (field 'dump')"},
    {"dump via metatable", "local b = ('').dump(function() end)",
     "case.lua:3: attempt to call a nil value (field 'dump')"},
    {"finalizer", "setmetatable({}, { __gc = function() while true do end end })",
     "case.lua:3: setmetatable: finalizers (__gc) are not allowed in rule scripts"},
    {"pattern bomb", "string.find(string.rep('a', 3000), '.-.-.-b')",
     "case.lua:3: string.find: this pattern on a 3000-byte string could run for minutes"},
    {"pattern bomb as a method", "local s = ('a'):rep(2000) s:match('^(a*)%s*.-b')",
     "case.lua:3: string.match: this pattern on a 2000-byte string could run for minutes"},
    {"plain search bomb", "local s = ('a'):rep(1000000) s:find(('a'):rep(5000) .. 'b', 1, true)",
     "case.lua:3: string.find: this pattern on a 1000000-byte string could run for minutes"},
    {"gsub bomb", "local s = ('ab'):rep(20000) s:gsub('%w-%w-b', '')",
     "case.lua:3: string.gsub: this pattern on a 40000-byte string"},
    {"gmatch bomb", "for x in ('a'):rep(5000):gmatch('.-.-.-b') do end",
     "case.lua:3: string.gmatch: this pattern on a 5000-byte string"},
    {"ordinary patterns work",
     "local a, b = ('90:Xuất sắc'):match('^%s*([%-%d%.]+)%s*:%s*(.-)%s*$') "
     "local n = 0 for w in ('a,b,c'):gmatch('[^,]+') do n = n + 1 end "
     "error(a .. '|' .. b .. '|' .. n .. '|' .. ('12.5'):gsub('%.', ',') .. '|' .. "
     "tostring(('Phường Lào Cai'):find('Lào', 1, true)), 0)",
     "90|Xuất sắc|3|12,5|11"},
    {"math.random", "math.random()",
     "case.lua:3: attempt to call a nil value (field 'random')"},
    {"infinite loop", "while true do end",
     "case.lua:3: instruction budget exceeded (2000000 instructions per call)"},
    {"pcall cannot swallow the stop",
     "while true do pcall(function() while true do end end) end",
     "case.lua:3: instruction budget exceeded"},
    {"error handler cannot swallow the stop",
     "while true do xpcall(function() while true do end end, function(m) return m end) end",
     "instruction budget exceeded"},
    {"memory bomb",
     "local t = {} while true do t[#t + 1] = string.rep('x', 1024 * 1024) .. #t end",
     "memory limit of 16 MiB exceeded"},
    {"memory bomb under pcall",
     "while true do pcall(function() local t = {} while true do t[#t + 1] = string.rep('x', 65536) .. #t end end) end",
     "case.lua:3: memory limit of 16 MiB exceeded"},
    {"runtime error", "error('boom')", "case.lua:3: boom"},
    {"no table returned by compute", "return nil",
     "case.lua:7: criterion 'c': compute must return two numbers (numerator, denominator), got nil, nil"},
    {"negative denominator", "return 1, -2",
     "case.lua:7: criterion 'c': compute returned 1 / -2: the denominator must be a number >= 0"},
    {"nil arithmetic", "return u.d.no_such_counter + 1",
     "case.lua:3: attempt to perform arithmetic on a nil value (field 'no_such_counter')"},
};

static void setup_units(fx *f) {
    fx_unit(f, "GOOD1", "Good unit 1", PS_LEVEL_COMMUNE, -1);
    fx_unit(f, "BAD", "Bad unit", PS_LEVEL_COMMUNE, -1);
    fx_unit(f, "GOOD2", "Good unit 2", PS_LEVEL_COMMUNE, -1);
}

int main(void) {
    ps_tally t = {0, 0};
    char dir[] = "/tmp/ps-sandbox-XXXXXX";
    const char *tmp = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/ps-sandbox-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    char *d = mkdtemp(tmpl);
    if (!d) d = mkdtemp(dir);
    if (!d || chdir(d) != 0) {
        perror("mkdtemp");
        return 1;
    }

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fx f;
        fx_init(&f);
        setup_units(&f);
        f.opts.instruction_budget = 2000000;
        f.opts.memory_cap = 16u * 1024 * 1024;
        write_case(cases[i].body);
        int st = fx_run(&f, "case.lua");
        CHECK_INT(&t, st, PS_OK);
        CHECK_INT(&t, f.n_failed, 1);
        if (st != PS_OK || f.res.n_units != 3) {
            fprintf(stderr, "case %s: run failed\n", cases[i].name);
            fx_free(&f);
            continue;
        }
        const ps_unit_result *bad = &f.res.units[1];
        CHECK_INT(&t, bad->failed, 1);
        CHECK_INT(&t, bad->scored, 0);
        int ok = bad->error && strstr(bad->error, cases[i].expect) != NULL &&
                 strncmp(bad->error, "unit BAD (Bad unit): ", 21) == 0;
        CHECK(&t, ok);
        if (!ok)
            fprintf(stderr, "case %s: error was:\n%s\nwanted: %s\n", cases[i].name,
                    bad->error ? bad->error : "(none)", cases[i].expect);
        for (int g = 0; g < 3; g += 2) {
            CHECK_INT(&t, f.res.units[g].failed, 0);
            CHECK_NUM(&t, f.res.units[g].total, 1);
        }
        /* the failed unit is out of the ranking; the others are 1st equal */
        CHECK_INT(&t, bad->rank, 0);
        CHECK_INT(&t, f.res.units[2].rank, 1);
        CHECK_INT(&t, f.res.units[2].rank_of, 2);
        fx_free(&f);
    }

    /* A runtime error carries a traceback through the rule's functions. */
    {
        fx f;
        fx_init(&f);
        setup_units(&f);
        write_case("error('boom')");
        fx_run(&f, "case.lua");
        const char *e = f.res.units[1].error;
        CHECK(&t, e && strstr(e, "stack traceback:") != NULL);
        CHECK(&t, e && strstr(e, "case.lua:3: in upvalue 'evil'") != NULL);
        CHECK(&t, e && strstr(e, "case.lua:8: in") != NULL);

        /* strict: the first failure stops the run with file, line, unit */
        f.opts.strict = 1;
        CHECK_INT(&t, fx_run(&f, "case.lua"), PS_ESCRIPT);
        CHECK_STR(&t, f.err.file, "case.lua");
        CHECK_INT(&t, f.err.line, 3);
        CHECK_STR(&t, f.err.where, "BAD");
        CHECK(&t, strncmp(f.err.message, "boom", 4) == 0);
        fx_free(&f);
    }

    /* require finds Lua modules beside the rule file; load() of text works;
     * ps.date has no clock but does calendar arithmetic. */
    {
        write_file("helper.lua", "local M = {} function M.two() return 2 end return M\n");
        write_case("local h = require('helper')\n"
                   "  assert(h.two() == 2 and require('helper') == h)\n"
                   "  assert(load('return 1 + 1')() == 2)\n"
                   "  assert(ps.date.parse('2025-03-01') == 20148)\n"
                   "  assert(ps.date.format(20148, 'vn') == '01/03/2025')\n"
                   "  assert(ps.date.weekday(20148) == 6)\n"
                   "  assert(ps.date.parse('31/02/2025') == nil)\n"
                   "  assert(ps.period.first == 20089 and ps.period.label == '2025')\n"
                   "  error('all good', 0)");
        fx f;
        fx_init(&f);
        setup_units(&f);
        fx_run(&f, "case.lua");
        CHECK_INT(&t, f.n_failed, 1);
        if (f.res.n_units == 3) {
            const char *e = f.res.units[1].error;
            CHECK(&t, e && strncmp(e, "unit BAD (Bad unit): all good\n", 30) == 0);
        }
        fx_free(&f);
    }

    /* A finalizer runs with hooks off (and at close): refused up front,
     * so a never-ending __gc cannot hang the run. */
    {
        write_file("gc.lua",
                   "keep = setmetatable({}, { __gc = function() while true do end end })\n"
                   "local R = require('parscore.rules')\n"
                   "return R.ruleset{ id = 't', name = 't', total = 1, bands = '0:Đạt',\n"
                   "  R.group{ id = 'g', name = 'g', max = 1,\n"
                   "    R.criterion{ id = 'c', name = 'c', max = 1, indicator = 'on_time', zero = 1 },\n"
                   "  },\n"
                   "}\n");
        fx f;
        fx_init(&f);
        setup_units(&f);
        CHECK_INT(&t, fx_run(&f, "gc.lua"), PS_ESCRIPT);
        CHECK_INT(&t, f.err.line, 1);
        CHECK(&t, strncmp(f.err.message, "setmetatable: finalizers (__gc) are not allowed "
                                         "in rule scripts", 62) == 0);
        fx_free(&f);
        unlink("gc.lua");
    }

    /* A module that fails for one unit fails again (not "circular") for
     * the next; a real cycle is named. */
    {
        write_file("flaky.lua", "error('flaky module')\n");
        write_file("cyc_a.lua", "return require('cyc_b')\n");
        write_file("cyc_b.lua", "return require('cyc_a')\n");
        write_file("case.lua",
                   "local R = require('parscore.rules')\n"
                   "return R.ruleset{ id = 't', name = 't', total = 1, bands = '0:Đạt',\n"
                   "  R.group{ id = 'g', name = 'g', max = 1,\n"
                   "    R.criterion{ id = 'c', name = 'c', max = 1, compute = function(u)\n"
                   "      require(u.code == 'BAD' and 'cyc_a' or 'flaky') return 1, 1 end },\n"
                   "  },\n"
                   "}\n");
        fx f;
        fx_init(&f);
        setup_units(&f);
        fx_run(&f, "case.lua");
        CHECK_INT(&t, f.n_failed, 3);
        if (f.res.n_units == 3) {
            CHECK(&t, strstr(f.res.units[0].error, "flaky.lua:1: flaky module") != NULL);
            CHECK(&t, strstr(f.res.units[1].error, "require 'cyc_a': circular require") != NULL);
            CHECK(&t, strstr(f.res.units[2].error, "flaky.lua:1: flaky module") != NULL);
        }
        fx_free(&f);
        unlink("flaky.lua");
        unlink("cyc_a.lua");
        unlink("cyc_b.lua");
    }

    /* A syntax error stops the load with the line; so does an error at
     * load time, with its traceback. */
    {
        write_file("syntax.lua", "local R = require('parscore.rules')\n"
                                 "return R.ruleset{\n"
                                 "  id = 'x' name = 'y',\n"
                                 "}\n");
        fx f;
        fx_init(&f);
        setup_units(&f);
        CHECK_INT(&t, fx_run(&f, "syntax.lua"), PS_ESCRIPT);
        CHECK_STR(&t, f.err.file, "syntax.lua");
        CHECK_INT(&t, f.err.line, 3);
        CHECK(&t, strstr(f.err.message, "'}' expected") != NULL);

        write_file("loop.lua", "while true do end\n");
        f.opts.instruction_budget = 1000000;
        CHECK_INT(&t, fx_run(&f, "loop.lua"), PS_ESCRIPT);
        CHECK_INT(&t, f.err.line, 1);
        CHECK(&t, strstr(f.err.message, "instruction budget exceeded") != NULL);

        write_file("noret.lua", "return 42\n");
        CHECK_INT(&t, fx_run(&f, "noret.lua"), PS_ESCRIPT);
        CHECK(&t, strstr(f.err.message, "the rule file must return a ruleset") != NULL);

        CHECK_INT(&t, fx_run(&f, "national/sipas.lua"), PS_OK);   /* shipped, by file name */
        CHECK_STR(&t, f.res.ruleset_id, "national/sipas");
        CHECK_INT(&t, fx_run(&f, "no_such_file.lua"), PS_ESCRIPT);
        CHECK(&t, strstr(f.err.message, "not found") != NULL);
        CHECK_INT(&t, fx_run(&f, "national/no_such_set"), PS_ESCRIPT);
        CHECK(&t, strstr(f.err.message, "rule set 'national/no_such_set' not found") != NULL);
        fx_free(&f);
    }

    unlink("case.lua");
    unlink("helper.lua");
    unlink("syntax.lua");
    unlink("loop.lua");
    unlink("noret.lua");
    if (chdir("/") == 0) rmdir(d);
    return ps_test_done(&t);
}
