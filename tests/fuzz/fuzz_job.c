/*
 * fuzz_job.c -- libFuzzer target: the job-file loader (core/base/ps_job.c, a
 * sandboxed Lua chunk checked key by key).  The input is written to a temp
 * file because the loader takes a path (relative paths resolve against it).
 */
#include <stdint.h>
#include <stdio.h>

#include "fuzz_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[512];
    if (!fuzz_temp_file("job.lua", data, size, path, sizeof path)) return 0;
    ps_paths paths = {.scripts_dir = PS_SOURCE_DIR "/scripts",
                      .templates_dir = PS_SOURCE_DIR "/templates",
                      .data_dir = PS_SOURCE_DIR "/data"};
    ps_job job = {0};
    ps_error err = {0};
    int rc = ps_job_load(&job, path, &paths, &err);
    if (rc != PS_OK && !err.message[0]) __builtin_trap();
    ps_job_free(&job);
    remove(path);
    return 0;
}
