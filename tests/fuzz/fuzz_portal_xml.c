/*
 * fuzz_portal_xml.c -- libFuzzer target: the portal export reader
 * (plugins/portal_xml/portal_xml.c, compiled in) driven through the real
 * host and aggregator.  Schema validation is off: the XSD engine is
 * libxml2's; the plugin's own parsing, limits and record building are what
 * is fuzzed.
 */
#include <stdint.h>
#include <stdio.h>

#include "fuzz_host.h"

const ps_plugin *parscore_plugin(void);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[512];
    if (!fuzz_temp_file("portal.xml", data, size, path, sizeof path)) return 0;
    ps_kv opts[] = {{(char *)"path", path}, {(char *)"validate", (char *)"false"}};
    fuzz_run_source(parscore_plugin(), opts, 2);
    remove(path);
    return 0;
}
