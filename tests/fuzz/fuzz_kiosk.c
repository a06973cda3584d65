/*
 * fuzz_kiosk.c -- libFuzzer target: the kiosk source plugin
 * (plugins/kiosk, compiled in) reading a fuzzed rating-button log
 * through the real host and aggregator.  The first byte picks on_error =
 * "skip" (odd) or "fail", so both row paths are fuzzed.
 */
#include <stdint.h>
#include <stdio.h>

#include "fuzz_host.h"

const ps_plugin *parscore_plugin(void);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[512];
    if (size < 1) return 0;
    if (!fuzz_temp_file("kiosk.csv", data + 1, size - 1, path, sizeof path)) return 0;
    ps_kv opts[] = {{(char *)"path", path},
                    {(char *)"on_error", (char *)((data[0] & 1) ? "skip" : "fail")},
                    {(char *)"max_record_bytes", (char *)"4096"}};
    fuzz_run_source(parscore_plugin(), opts, 3);
    remove(path);
    return 0;
}
