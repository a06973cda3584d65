/*
 * ps_render.h -- turning ps_results into files: PDF scorecards (one per
 * unit) and the province summary with libharu, following the XML layouts
 * in templates/; CSV, JSON and XLSX for machines and spreadsheets.
 * Every file is written to a temporary name and renamed when complete.
 */
#ifndef PS_RENDER_H
#define PS_RENDER_H

#include "score/ps_result.h"
#include "score/ps_score.h"

typedef struct ps_render_opts {
    const char *output_dir;
    const char *templates_dir;
    const char *scorecard_template;   /* file name inside templates_dir, or a path */
    const char *summary_template;
    const char *font_regular;         /* TrueType files */
    const char *font_bold;
    int threads;                      /* worker threads for scorecards; 0: cores */
    int staged;                       /* output_dir is a staging directory the caller
                                       * flushes as a whole (ps_outdir_sync) before
                                       * publishing it: scorecards skip the fsync */
    int link_scorecards;              /* the summary links units to <code>.pdf */
    int progress;                     /* a progress line on stderr (a terminal) */
    int quiet;
} ps_render_opts;

/* The file name (without ".pdf") of a unit's scorecard, injective over
 * codes: [A-Za-z0-9.-] kept, every other byte (also '_', and a leading
 * '.') written _XX in upper-case hex; a code whose name would be one of
 * the run's own files (summary, results, index) has its first byte
 * escaped; past PS_FILE_NAME_MAX bytes the name is cut and ends in '~'
 * and a 64-bit hash of the whole code.  docs/layouts.md documents it. */
#define PS_FILE_NAME_MAX 196
void ps_unit_file_name(const char *code, char *buf, size_t size);

/* <output_dir>/<ps_unit_file_name>.pdf for every unit of r. */
int ps_render_scorecards(const ps_results *r, const ps_render_opts *o,
                         ps_error *err);
/* <output_dir>/summary.pdf: ranking of all units. */
int ps_render_summary(const ps_results *r, const ps_render_opts *o,
                      ps_error *err);
/* results.csv, results.json, results.xlsx in output_dir. */
int ps_write_csv(const ps_results *r, const char *path, ps_error *err);
int ps_write_json(const ps_results *r, const char *path, ps_error *err);
int ps_write_xlsx(const ps_results *r, const char *path, ps_error *err);
/* The measures template (`parscore template`): one row per selected unit
 * and declared measure, columns as the measures plugin reads them.  A path
 * ending in .csv gets the CSV form, any other the XLSX workbook.  `fill`
 * (NULL: blank) gives the text of the fill-in columns 7.. (tu_danh_gia ..
 * ghi_chu) of a row: the generator and tests write filled files with it. */
#define PS_TEMPLATE_COLUMNS 17
typedef struct ps_template_fill {
    const char *(*cell)(void *ctx, const ps_unit *unit, const ps_measure_decl *m, int column);
    void *ctx;
} ps_template_fill;
int ps_write_measures_template(const ps_units *units, const ps_measure_decls *d,
                               const ps_period *period, const char *path,
                               const ps_template_fill *fill, ps_error *err);

/* index.csv: one row per unit in ranking order -- its scorecard file
 * (with_pdf), total, band, rank, previous total and rank, change, trend. */
int ps_write_index(const ps_results *r, int with_pdf, const char *path, ps_error *err);
/* Read an earlier results.json and fill has_previous/prev_* per unit. */
int ps_previous_load(ps_results *r, const char *json_path, ps_error *err);

#endif
