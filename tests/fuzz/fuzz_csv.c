/*
 * fuzz_csv.c -- libFuzzer target: the shared CSV reader of the CSV source
 * plugins (plugins/csv_common) over an in-memory stream, with a small
 * record cap so the limit path is reached, and the field helpers on every
 * field it returns.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "csv_fields.h"
#include "csv_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0; /* fmemopen refuses a zero-size buffer */
    FILE *fp = fmemopen((void *)data, size, "rb");
    if (!fp) return 0;
    csv_reader r;
    ps_error err = {0};
    /* csv_open_stream owns fp from here on, also when it fails */
    if (csv_open_stream(&r, fp, "fuzz.csv", 4096, &err) != 0) return 0;
    int have = 0;
    while (csv_next(&r, &have, &err) == 0 && have) {
        for (size_t i = 0; i < r.n_fields; i++) {
            char buf[64];
            long v;
            if (!r.fields[i]) __builtin_trap();
            csv_field_trim(r.fields[i], buf, sizeof buf);
            (void)csv_field_int(r.fields[i], &v);
            (void)csv_field_is(r.fields[i], "ma_don_vi");
            char list[48] = "";
            csv_list_add(list, sizeof list, r.fields[i]);
        }
    }
    csv_close(&r);
    return 0;
}
