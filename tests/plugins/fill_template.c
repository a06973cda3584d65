/* fill_template.c -- test helper: writes a job's measures template
 * (ps_run_template, the code behind `parscore template`) with values
 * filled in, as an official's spreadsheet would hold them, so the round
 * trip template -> filled workbook -> measures plugin -> scores can be
 * tested.  Usage: fill_template JOB OUT.xlsx|OUT.csv VALUES.tsv, where each
 * line of VALUES.tsv is "unit<TAB>measure key<TAB>column<TAB>text" and
 * column is the template's column index (7 tu_danh_gia .. 16 ghi_chu). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/ps_run.h"

typedef struct value { char unit[48], key[64], text[128]; int column; } value;
typedef struct values { value *v; size_t n; } values;

static const char *cell(void *ctx, const ps_unit *u, const ps_measure_decl *m, int column) {
    const values *vs = ctx;
    for (size_t i = 0; i < vs->n; i++)
        if (vs->v[i].column == column && !strcmp(vs->v[i].unit, u->code) &&
            !strcmp(vs->v[i].key, m->key))
            return vs->v[i].text;
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: fill_template JOB OUT VALUES.tsv\n");
        return 2;
    }
    FILE *f = fopen(argv[3], "r");
    if (!f) {
        perror(argv[3]);
        return 2;
    }
    values vs = {calloc(256, sizeof(value)), 0};
    char line[512];
    while (vs.v && vs.n < 256 && fgets(line, sizeof line, f)) {
        value *x = &vs.v[vs.n];
        line[strcspn(line, "\r\n")] = '\0';
        if (sscanf(line, "%47[^\t]\t%63[^\t]\t%d\t%127[^\t]", x->unit, x->key, &x->column, x->text) == 4)
            vs.n++;
    }
    fclose(f);
    ps_run_config cfg = {.timestamp = -1, .verbose = -1};
    ps_path_store store;
    ps_paths_default(&cfg.paths, &store);
    cfg.job_path = argv[1];
    ps_run run;
    ps_error err = {0};
    ps_template_fill fill = {cell, &vs};
    int rc = ps_run_load(&run, &cfg, &err);
    if (rc == PS_OK) rc = ps_run_template(&run, argv[2], &fill, &err);
    if (rc != PS_OK) {
        char buf[1200];
        fprintf(stderr, "fill_template: %s\n", ps_error_format(&err, buf, sizeof buf));
    }
    ps_run_free(&run);
    free(vs.v);
    return rc == PS_OK ? 0 : 1;
}
