/*
 * fuzz_host.h -- a small in-process host for the libFuzzer targets: writes
 * the fuzz input to a temp file, runs a source plugin (compiled into the
 * fuzzer, not dlopened) through the real core (ps_source_run -> ps_agg) over
 * a three-unit list, and frees everything, so ASan/LSan see the whole path.
 */
#ifndef FUZZ_HOST_H
#define FUZZ_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "base/ps_job.h"
#include "ingest/ps_plugin.h"

/* Write data to a per-process temp file named after tag; returns its path
 * in buf (size bytes), or NULL when the file cannot be written. */
const char *fuzz_temp_file(const char *tag, const uint8_t *data, size_t size,
                           char *buf, size_t bufsize);

/* Run plugin desc with these options (key/value text, as in a job file)
 * into a fresh aggregator; returns the status of the read. */
int fuzz_run_source(const ps_plugin *desc, const ps_kv *options, size_t n_options);
/* The same, with the error of a failed read in *out (when not NULL). */
int fuzz_run_source_err(const ps_plugin *desc, const ps_kv *options, size_t n_options,
                        ps_error *out);

#endif
