/*
 * fuzz_rules.c -- libFuzzer target: the rule sandbox (core/score/ps_lua.c).
 * The input is a Lua snippet run inside compute(u) of a one-criterion rule
 * set, for three units A1, B and A2 whose data are the same.  Checked:
 *  - the budget holds: every input returns (libFuzzer's -timeout catches a
 *    snippet that outlasts the 2-million-instruction budget, pattern work
 *    included) within the 16 MiB memory cap (ASan/LSan and -rss_limit_mb);
 *  - isolation holds: whatever the snippet did while scoring A1 and B, A2
 *    gets what A1 got (failed or not, and the same numerator/denominator).
 *    Snippets that can tell the units apart (their code or name, addresses
 *    through tostring/format, table order through pairs/next) are only run,
 *    not compared.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_host.h"
#include "ingest/ps_agg.h"
#include "score/ps_score.h"

static int mentions(const uint8_t *d, size_t n, const char *w) {
    size_t m = strlen(w);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(d + i, w, m) == 0) return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 4096 || memchr(data, 0, size)) return 0;
    static const char head[] =
        "local R = require(\"parscore.rules\")\n"
        "local function snippet(u)\n";
    static const char tail[] =
        "\nend\n"
        "return R.ruleset{ id = \"f\", name = \"f\", total = 1,\n"
        "  R.group{ id = \"g\", name = \"g\", max = 1,\n"
        "    R.criterion{ id = \"c\", name = \"c\", max = 1,\n"
        "      compute = function(u)\n"
        "        local n, d = snippet(u)\n"
        "        if math.type(n) == nil or math.type(d) == nil or d <= 0 or n < 0 or n > d then\n"
        "          return 1, 2\n"
        "        end\n"
        "        return n, d\n"
        "      end },\n"
        "  },\n"
        "}\n";
    size_t n = sizeof head - 1 + size + sizeof tail - 1;
    uint8_t *text = malloc(n);
    if (!text) return 0;
    memcpy(text, head, sizeof head - 1);
    memcpy(text + sizeof head - 1, data, size);
    memcpy(text + sizeof head - 1 + size, tail, sizeof tail - 1);
    char path[512];
    const char *p = fuzz_temp_file("rules.lua", text, n, path, sizeof path);
    free(text);
    if (!p) return 0;

    ps_unit items[3];
    ps_unit_agg ua[3];
    memset(items, 0, sizeof items);
    memset(ua, 0, sizeof ua);
    static const char *const codes[3] = {"A1", "B", "A2"};
    for (int i = 0; i < 3; i++) {
        items[i].code = (char *)codes[i];
        items[i].name = (char *)"Unit";
        items[i].level = PS_LEVEL_COMMUNE;
        items[i].parent = -1;
        items[i].selected = 1;
        ua[i].d.received = 7;
        ua[i].d.finished = 5;
        ua[i].d.finished_on_time = 3;
    }
    ps_units units = {0};
    units.items = items;
    units.count = 3;
    ps_agg agg;
    memset(&agg, 0, sizeof agg);
    agg.u = ua;
    agg.n_units = 3;
    agg.cfg.period.first = 20089;
    agg.cfg.period.last = 20453;
    strcpy(agg.cfg.period.label, "2025");
    strcpy(agg.cfg.period.label_vn, "Năm 2025");
    ps_score_opts opts = {0};
    opts.rules = path;
    opts.scripts_dir = PS_SOURCE_DIR "/scripts";
    opts.instruction_budget = 2000000;
    opts.memory_cap = 16u * 1024 * 1024;
    opts.generated_at = 1760000000;
    ps_results res;
    size_t failed = 0;
    ps_error err = {0};
    int st = ps_score_run(&agg, &units, &opts, &res, &failed, &err);
    if (st == PS_OK && res.n_units == 3) {
        int comparable = !mentions(data, size, "code") && !mentions(data, size, "name") &&
                         !mentions(data, size, "tostring") && !mentions(data, size, "format") &&
                         !mentions(data, size, "pairs") && !mentions(data, size, "next") &&
                         !mentions(data, size, "print") && !mentions(data, size, "u[") &&
                         !mentions(data, size, "error");
        const ps_unit_result *a1 = &res.units[0], *a2 = &res.units[2];
        if (comparable) {
            if (a1->failed != a2->failed) __builtin_trap();
            if (!a1->failed && a1->n_criteria == 1 && a2->n_criteria == 1 &&
                (a1->criteria[0].num != a2->criteria[0].num ||
                 a1->criteria[0].den != a2->criteria[0].den))
                __builtin_trap();
        }
    } else if (st != PS_OK && !err.message[0]) {
        __builtin_trap();
    }
    if (st == PS_OK) ps_results_free(&res);
    remove(path);
    return 0;
}
