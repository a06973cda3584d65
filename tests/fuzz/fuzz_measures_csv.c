/*
 * fuzz_measures_csv.c -- libFuzzer target: the measures source plugin
 * (plugins/measures, compiled in) reading a fuzzed CSV table through the
 * real host and aggregator.  The first byte picks on_error (bit 0: skip)
 * and the separator (bits 1-2: auto, ",", ";"), so every row path and the
 * separator detection are fuzzed.
 */
#include <stdint.h>
#include <stdio.h>

#include "fuzz_host.h"

const ps_plugin *parscore_plugin(void);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const seps[] = {"auto", ",", ";", "auto"};
    char path[512];
    if (size < 1) return 0;
    if (!fuzz_temp_file("measures.csv", data + 1, size - 1, path, sizeof path)) return 0;
    ps_kv opts[] = {{(char *)"path", path},
                    {(char *)"on_error", (char *)((data[0] & 1) ? "skip" : "fail")},
                    {(char *)"separator", (char *)seps[(data[0] >> 1) & 3]}};
    fuzz_run_source(parscore_plugin(), opts, 3);
    remove(path);
    return 0;
}
