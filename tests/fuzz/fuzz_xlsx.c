/*
 * fuzz_xlsx.c -- libFuzzer target: the XLSX reader of the measures plugin
 * (plugins/measures, compiled in) through the real host and aggregator.
 * Mutating a zip mostly breaks its checksums, so by default the target
 * builds the workbook itself: the input, after its first byte, is split
 * at 0xFF bytes into the worksheet, shared strings, styles and workbook
 * parts (a missing workbook part gets a default one), zipped uncompressed.
 * First byte: bit 0 on_error = "skip"; bit 1 the input is the whole .xlsx
 * file instead (the archive and file-type checks).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <zip.h>

#include "fuzz_host.h"

const ps_plugin *parscore_plugin(void);

static const char wb_default[] =
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char rels[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"x/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"x/styles\" Target=\"styles.xml\"/></Relationships>";

static int add(zip_t *z, const char *name, const void *p, size_t n) {
    zip_source_t *src = zip_source_buffer(z, p, n, 0);
    zip_int64_t i;
    if (!src) return -1;
    if ((i = zip_file_add(z, name, src, ZIP_FL_OVERWRITE)) < 0) {
        zip_source_free(src);
        return -1;
    }
    return zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0);
}

/* Zip the parts of data into path; 0 on success. */
static int build(const char *path, const uint8_t *data, size_t size) {
    static const char *const names[] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
                                        "xl/styles.xml", "xl/workbook.xml"};
    const uint8_t *start = data, *end = data + size;
    int ze = 0, part = 0, ok = 1, have_wb = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &ze);
    if (!z) return -1;
    while (part < 4) {
        const uint8_t *cut = memchr(start, 0xFF, (size_t)(end - start));
        if (!cut) cut = end;
        ok &= add(z, names[part], start, (size_t)(cut - start)) == 0;
        have_wb |= part == 3;
        part++;
        if (cut == end) break;
        start = cut + 1;
    }
    if (!have_wb) ok &= add(z, "xl/workbook.xml", wb_default, sizeof wb_default - 1) == 0;
    ok &= add(z, "xl/_rels/workbook.xml.rels", rels, sizeof rels - 1) == 0;
    if (!ok || zip_close(z) != 0) {
        zip_discard(z);
        return -1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[512];
    if (size < 1) return 0;
    if (data[0] & 2) {
        if (!fuzz_temp_file("measures.xlsx", data + 1, size - 1, path, sizeof path)) return 0;
    } else {
        if (!fuzz_temp_file("measures.xlsx", (const uint8_t *)"", 0, path, sizeof path)) return 0;
        if (build(path, data + 1, size - 1) != 0) {
            remove(path);
            return 0;
        }
    }
    ps_kv opts[] = {{(char *)"path", path},
                    {(char *)"on_error", (char *)((data[0] & 1) ? "skip" : "fail")},
                    {(char *)"format", (char *)"xlsx"}};
    fuzz_run_source(parscore_plugin(), opts, 3);
    remove(path);
    return 0;
}
