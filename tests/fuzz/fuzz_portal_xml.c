/*
 * fuzz_portal_xml.c -- libFuzzer target: the portal export reader
 * (plugins/portal_xml/portal_xml.c, compiled in) driven through the real
 * host and aggregator, twice per input: with the default options (the
 * reader's own structure checks) and with validate = true (the shipped
 * XSD plugged into the same parse).  Besides crashes, leaks and unbounded
 * work it checks the reader against the schema: the XSD only ever adds
 * refusals, and every export the XSD refuses the reader refuses too --
 * except the one rule the reader does not follow on purpose, the order of
 * the root's children (docs/sources-portal.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_host.h"

const ps_plugin *parscore_plugin(void);

/* The XSD's refusal of a CongKhai, HoSo or PhanAnhKienNghi the reader
 * accepted: only their order can be the reason. */
static int order_only(const ps_error *e)
{
    static const char *const kinds[] = {"CongKhai", "HoSo", "PhanAnhKienNghi"};
    if (!strstr(e->message, "This element is not expected"))
        return 0;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(e->where, kinds[i]) == 0)
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[512];
    if (!fuzz_temp_file("portal.xml", data, size, path, sizeof path)) return 0;
    ps_kv opts[] = {{(char *)"path", path},
                    {(char *)"validate", (char *)"true"},
                    {(char *)"schema", (char *)PS_SOURCE_DIR "/plugins/portal_xml/dvcqg-export.xsd"}};
    ps_error plain = {0}, full = {0};
    int a = fuzz_run_source_err(parscore_plugin(), opts, 1, &plain);
    int b = fuzz_run_source_err(parscore_plugin(), opts, 3, &full);
    remove(path);
    if (b == PS_ECONFIG) {
        fprintf(stderr, "fuzz_portal_xml: the XSD did not load: %s\n", full.message);
        abort();
    }
    /* xsi:type and xsi:nil change what XSD checks; the reader refuses them */
    if (b == PS_OK && a != PS_OK && !strstr(plain.message, "XMLSchema-instance")) {
        fprintf(stderr, "fuzz_portal_xml: refused without the XSD, accepted with it: %s\n",
                plain.message);
        abort();
    }
    if (a == PS_OK && b != PS_OK && !order_only(&full)) {
        fprintf(stderr, "fuzz_portal_xml: the XSD refuses what the reader accepts: %ld:%ld %s: %s\n",
                full.line, full.column, full.where, full.message);
        abort();
    }
    return 0;
}
