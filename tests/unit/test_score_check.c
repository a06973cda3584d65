/*
 * test_score_check.c -- `parscore check` (ps_rules_check): every shipped
 * rule set is clean; bad rule files report each problem with its line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "score/ps_score.h"
#include "ps_test.h"

#define SCRIPTS PS_SOURCE_DIR "/scripts"

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
}

/* A rule set of one group (max 10) holding `criterion` on line 4; `extra`
 * adds keys to the ruleset (line 2). */
static void write_one(const char *path, const char *extra, const char *criterion) {
    char text[2048];
    snprintf(text, sizeof text,
             "local R = require('parscore.rules')\n"
             "return R.ruleset{ id = 'x', name = 'X', total = 10%s,\n"
             "  R.group{ id = '1', name = 'G', max = 10,\n"
             "    %s\n"
             "  },\n"
             "}\n", extra, criterion);
    write_file(path, text);
}

/* Runs the check; returns the status and the report in *out (malloc'ed). */
static int check(const char *rules, char **out) {
    size_t len = 0;
    FILE *rep = open_memstream(out, &len);
    ps_error err = {0};
    int st = ps_rules_check(rules, SCRIPTS, rep, &err);
    fclose(rep);
    return st;
}

static void expect(ps_tally *t, const char *report, const char *needle) {
    int ok = strstr(report, needle) != NULL;
    CHECK(t, ok);
    if (!ok) fprintf(stderr, "report lacks: %s\nreport was:\n%s\n", needle, report);
}

int main(void) {
    ps_tally t = {0, 0};
    static const char *const shipped[] = {"national/index766", "national/sipas",
                                          "provinces/hue", "provinces/khanh_hoa",
                                          "provinces/lao_cai", "provinces/lao_cai_par"};
    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
        char *rep = NULL;
        CHECK_INT(&t, check(shipped[i], &rep), PS_OK);
        char want[128];
        snprintf(want, sizeof want, "%s.lua: ok\n", shipped[i]);
        CHECK_STR(&t, rep, want);
        free(rep);
    }

    char tmpl[512];
    const char *tmp = getenv("TMPDIR");
    snprintf(tmpl, sizeof tmpl, "%s/ps-check-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    char *dir = mkdtemp(tmpl);
    if (!dir || chdir(dir) != 0) {
        perror("mkdtemp");
        return 1;
    }

    /* Every lint finding in one file, each on a known line. */
    write_file("bad.lua",
        "local R = require('parscore.rules')\n"                               /* 1 */
        "return R.ruleset{ id = 'bad', name = 'Bad', total = 100,\n"          /* 2 */
        "  bands = R.bands('80:Tốt,90:Xuất sắc,50:Khá,50:Trung bình'),\n"   /* 3 */
        "  R.group{ id = '1', name = 'Nhóm 1', max = 20,\n"                   /* 4 */
        "    R.criterion{ id = '1.1', name = 'A', max = 10, indicator = 'on_tme' },\n" /* 5 */
        "    R.criterion{ id = '1.2', name = 'B', max = 5, indicator = 'synced' },\n"  /* 6 */
        "  },\n"                                                              /* 7 */
        "  R.group{ id = '2', name = 'Nhóm 2', max = 10,\n"                   /* 8 */
        "    R.criterion{ id = '2.1', name = 'C', indicator = 'late' },\n"    /* 9 */
        "    R.criterion{ id = '2.2', name = 'D', max = 10, indicator = 'apology',\n" /* 10 */
        "                 examples = { 'late', 'nope' } },\n"                 /* 11 */
        "    R.criterion{ id = '2.3', name = 'E', max = 0 },\n"               /* 12 */
        "    R.criterion{ id = '1.1', name = 'F', max = 0, indicator = 'late' },\n" /* 13 */
        "  },\n"
        "}\n");
    char *rep = NULL;
    CHECK_INT(&t, check("bad.lua", &rep), PS_ESCRIPT);
    expect(&t, rep, "bad.lua:5: criterion '1.1': unknown indicator key 'on_tme' (docs/rules.md lists the keys)\n");
    expect(&t, rep, "bad.lua:4: group '1': max is 20 but its criteria add up to 15\n");
    expect(&t, rep, "bad.lua:9: criterion '2.1' has no max (its points, a number >= 0)\n");
    expect(&t, rep, "bad.lua:10: criterion '2.2': unknown example list 'nope'\n");
    expect(&t, rep, "bad.lua:12: criterion '2.3': needs an indicator key, a measure, a compute function or an award function\n");
    expect(&t, rep, "bad.lua:13: criterion '1.1' is declared twice\n");
    expect(&t, rep, "bad.lua: total is 100 but the groups add up to 30\n");
    expect(&t, rep, "bad.lua:3: bands are not sorted best first: 'Xuất sắc' (90) comes after 'Tốt' (80)\n");
    expect(&t, rep, "bad.lua:3: bands 'Khá' and 'Trung bình' overlap: both start at 50\n");
    /* group 2 has a criterion without max: its sum is not compared */
    CHECK(&t, strstr(rep, "group '2': max") == NULL);
    free(rep);

    /* A syntax error names its line. */
    write_file("syntax.lua", "local R = require('parscore.rules')\n"
                             "return R.ruleset{\n"
                             "  R.group{ id = '1' name = 'x' },\n"
                             "}\n");
    CHECK_INT(&t, check("syntax.lua", &rep), PS_ESCRIPT);
    expect(&t, rep, "syntax.lua:3: ");
    expect(&t, rep, "'}' expected near 'name'");
    free(rep);

    /* A compute that breaks on a unit with no data is caught by the dry run. */
    write_file("zero.lua",
        "local R = require('parscore.rules')\n"
        "return R.ruleset{ id = 'z', name = 'Z', total = 5, bands = '0:Đạt',\n"
        "  R.group{ id = '1', name = 'G', max = 5,\n"
        "    R.criterion{ id = '1.1', name = 'Bình quân', max = 5,\n"
        "      compute = function(u) return u.s.sipas * 2, 1 end },\n"
        "  },\n"
        "}\n");
    CHECK_INT(&t, check("zero.lua", &rep), PS_ESCRIPT);
    expect(&t, rep, "scoring a province with no data failed: zero.lua:5: attempt to perform "
                    "arithmetic on a nil value (field 'sipas')");
    free(rep);

    /* Measures, bonus and deduction: nonsense declarations and uses. */
    write_file("measures.lua",
        "local R = require('parscore.rules')\n"                                     /* 1 */
        "return R.ruleset{ id = 'm', name = 'M', total = 10, total_cap = -1,\n"    /* 2 */
        "  bands_on = 'later',\n"                                                  /* 3 */
        "  measures = {\n"                                                         /* 4 */
        "    R.measure{ key = 'kpi', name = 'KPI', kind = 'percent', max = 1 },\n"  /* 5 */
        "    R.measure{ key = 'kpi', name = 'KPI lần hai' },\n"                     /* 6 */
        "    R.measure{ key = 'bad key', kind = 'ratio' },\n"                       /* 7 */
        "    R.measure{ key = 'n', name = 'N', min = 5, max = 1, missing = 'zero' },\n" /* 8 */
        "    R.measure{ key = 'yn', name = 'YN', kind = 'yesno', max = 5 },\n"      /* 9 */
        "  },\n"                                                                   /* 10 */
        "  R.group{ id = '1', name = 'G', max = 10,\n"                             /* 11 */
        "    R.criterion{ id = '1.1', name = 'A', max = 5, measure = 'kpii' },\n"  /* 12 */
        "    R.criterion{ id = '1.2', name = 'B', max = 5, measure = 'kpi', target = 2 },\n" /* 13 */
        "  },\n"                                                                   /* 14 */
        "  bonus = { R.criterion{ id = 'T', name = 'Thưởng', measure = 'n' } },\n" /* 15 */
        "  deduction = { R.criterion{ id = '1.1', name = 'Trừ', max = 1, indicator = 'late',\n" /* 16 */
        "                             measure = 'n' } },\n"                        /* 17 */
        "}\n");
    CHECK_INT(&t, check("measures.lua", &rep), PS_ESCRIPT);
    expect(&t, rep, "measures.lua:5: measure 'kpi': a percent is written 0..100");
    expect(&t, rep, "measures.lua:6: measure 'kpi' is declared twice\n");
    expect(&t, rep, "measures.lua:7: measure 3 needs a key of letters, digits");
    expect(&t, rep, "measures.lua:7: measure 'bad key' has no name");
    expect(&t, rep, "measures.lua:7: measure 'bad key': kind must be \"number\", \"percent\", \"yesno\" or \"count\", got 'ratio'\n");
    expect(&t, rep, "measures.lua:8: measure 'n': min (5) is above max (1)\n");
    expect(&t, rep, "measures.lua:8: measure 'n': missing must be points (a number) or \"fail\"\n");
    expect(&t, rep, "measures.lua:9: measure 'yn': a yes/no measure is 0 or 1; leave min and max out\n");
    expect(&t, rep, "measures.lua:12: criterion '1.1': measure 'kpii' is not declared");
    expect(&t, rep, "measures.lua:13: criterion '1.2': target 2 can never be met: measure 'kpi' "
                    "is at most 1 (a percent target is a ratio: 0.9 for 90%)\n");
    expect(&t, rep, "measures.lua:15: bonus criterion 'T' has no max");
    expect(&t, rep, "measures.lua:16: deduction criterion '1.1' is declared twice\n");
    expect(&t, rep, "measures.lua:16: deduction criterion '1.1': give one of indicator, compute or "
                    "measure, not several\n");
    expect(&t, rep, "measures.lua: total_cap must be a number > 0");
    expect(&t, rep, "measures.lua: bands_on must be \"after\"");
    free(rep);

    /* Reading u.m with a key the rule set does not declare fails the dry run. */
    write_file("undeclared.lua",
        "local R = require('parscore.rules')\n"
        "return R.ruleset{ id = 'u', name = 'U', total = 5, bands = '0:Đạt',\n"
        "  measures = { R.measure{ key = 'kpi', name = 'KPI', kind = 'percent' } },\n"
        "  R.group{ id = '1', name = 'G', max = 5,\n"
        "    R.criterion{ id = '1.1', name = 'KPI', max = 5,\n"
        "      award = function(u) return u.m.kpl.value or 0 end },\n"
        "  },\n"
        "}\n");
    CHECK_INT(&t, check("undeclared.lua", &rep), PS_ESCRIPT);
    expect(&t, rep, "undeclared.lua:6: u.m['kpl']: measure 'kpl' is not declared in the rule set's measures");
    free(rep);

    /* A missing rule set is reported, not crashed on. */
    CHECK_INT(&t, check("national/nope", &rep), PS_ESCRIPT);
    expect(&t, rep, "rule set 'national/nope' not found");
    free(rep);


    /* Keys, types and ranges (issue 13): every mistake on its own line. */
    write_file("strict.lua",
        "local R = require('parscore.rules')\n"                                        /* 1 */
        "return R.ruleset{ id = 's', name = 'S', total = 60, acepts = { 'bands' },\n"  /* 2 */
        "  bands = R.bands('50:Tốt,10:Yếu'),\n"                                        /* 3 */
        "  R.group{ id = '1', name = 'G', max = 60, nmae = 'x',\n"                     /* 4 */
        "    R.criterion{ id = '1.1', name = 'A', max = 10, indicator = 'on_time', traget = 0.6 },\n" /* 5 */
        "    R.criterion{ id = '1.2', name = 'B', max = 10, indicator = 'on_time', target = 98 },\n"  /* 6 */
        "    R.criterion{ id = '1.3', name = 'C', max = '20', indicator = 'on_time' },\n"  /* 7 */
        "    R.criterion{ id = '1.4', name = 'D', max = -20, indicator = 'on_time' },\n"   /* 8 */
        "    R.criterion{ id = '1.5', name = 'E', max = 20, indicator = 'on_time',\n"      /* 9 */
        "                 score = R.steps{ {0.9, 30}, {0.5, 10} } },\n"                  /* 10 */
        "    R.criterion{ id = '1.6', name = 'F', max = 20, indicator = 'on_time',\n"      /* 11 */
        "                 score = R.steps{ {0.9, 20}, {0.5, -5} } },\n"                  /* 12 */
        "  },\n"
        "}\n");
    CHECK_INT(&t, check("strict.lua", &rep), PS_ESCRIPT);
    static const char *const strict_findings[] = {
        "strict.lua:2: ruleset: unknown key 'acepts' (did you mean 'accepts'?)\n",
        "strict.lua:4: group '1': unknown key 'nmae' (did you mean 'name'?)\n",
        "strict.lua:5: criterion '1.1': unknown key 'traget' (did you mean 'target'?)\n",
        "strict.lua:6: criterion '1.2': target is a ratio 0..1, did you mean 0.98?\n",
        "strict.lua:7: criterion '1.3': max must be a number, got the text \"20\" (write max = 20)\n",
        "strict.lua:8: criterion '1.4': max must be a number >= 0, got -20\n",
        "strict.lua:9: criterion '1.5': R.steps gives 30 points, more than its max 20\n",
        "strict.lua:11: criterion '1.6': R.steps gives -5 points, less than 0\n",
        ("strict.lua:3: the lowest band 'Yếu' starts at 10: add a band starting at 0 "
         "so that every total gets one\n"),
    };
    for (size_t i = 0; i < sizeof strict_findings / sizeof *strict_findings; i++)
        expect(&t, rep, strict_findings[i]);
    CHECK(&t, strstr(rep, "has no max") == NULL);
    free(rep);

    /* No bands at all: refused, not "Xếp loại: —" on every card. */
    write_one("nobands.lua", "",
              "R.criterion{ id = '1.1', name = 'A', max = 10, indicator = 'on_time' },");
    CHECK_INT(&t, check("nobands.lua", &rep), PS_ESCRIPT);
    expect(&t, rep, "nobands.lua: ruleset has no bands");
    free(rep);

    /* A reversed R.linear blames the user's line, first and once. */
    write_one("rev.lua", ", bands = '0:Đạt'",
              "R.criterion{ id = '1.1', name = 'A', max = 10, indicator = 'on_time',\n"
              "                 score = R.linear(0.98, 0.85) },");
    CHECK_INT(&t, check("rev.lua", &rep), PS_ESCRIPT);
    CHECK(&t, strncmp(rep, "rev.lua:5: ", 11) == 0);
    expect(&t, rep, "R.linear(low, high) needs low < high, got R.linear(0.98, 0.85)");
    {
        const char *first = strstr(rep, "R.linear(low");
        CHECK(&t, first && !strstr(first + 1, "R.linear(low"));
    }
    free(rep);

    /* An award above max is found by the dry run, not clamped silently. */
    write_one("award.lua", ", bands = '0:Đạt'",
              "R.criterion{ id = '1.1', name = 'A', max = 10,\n"
              "                 award = function(u) return 12 end },");
    CHECK_INT(&t, check("award.lua", &rep), PS_ESCRIPT);
    expect(&t, rep, "award.lua:4: criterion '1.1': award gave 12 points, outside 0..10");
    free(rep);
    unlink("strict.lua");
    unlink("nobands.lua");
    unlink("rev.lua");
    unlink("award.lua");
    unlink("bad.lua");
    unlink("syntax.lua");
    unlink("zero.lua");
    unlink("measures.lua");
    unlink("undeclared.lua");
    if (chdir("/") == 0) rmdir(dir);
    return ps_test_done(&t);
}
