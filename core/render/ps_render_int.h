/*
 * ps_render_int.h -- what the PDF report files share inside the core:
 * template loading with the section/text lists each report understands,
 * font resolution, and the number/date formatting honouring the template.
 */
#ifndef PS_RENDER_INT_H
#define PS_RENDER_INT_H

#include "render/ps_layout.h"
#include "render/ps_pdf.h"
#include "render/ps_render.h"

#include <xlsxwriter.h>

/* Load templates/<file> for kind "scorecard" or "summary". */
int ps_render_load_layout(ps_layout *l, const ps_render_opts *o, const char *kind,
                          ps_error *err);
/* Font files: the job's (opts) when given, else the template's names
 * looked up beside the template, then in the Debian font directories. */
int ps_render_fonts(const ps_layout *l, const ps_render_opts *o, char *regular,
                    char *bold, size_t size, ps_error *err);

/* Numbers as the template wants them ("17,25" / "98,7%"). */
void ps_render_num(const ps_layout *l, double v, int decimals, char *buf, size_t size);
void ps_render_pct(const ps_layout *l, double ratio, char *buf, size_t size);
void ps_render_count(const ps_layout *l, double v, char *buf, size_t size);
/* "14:05 ngày 23/11/2026 (UTC+7)"-style pieces of the generation time. */
void ps_render_time_vn(int64_t when, char *buf, size_t size);
void ps_render_date_words(int64_t when, char *buf, size_t size);

/* Page furniture shared by the reports (ps_render_frame.c). */
void ps_render_state_header(ps_pdf *pdf, const ps_layout *L, const ps_results *r);
void ps_render_footer(ps_pdf *pdf, const ps_layout *L, const ps_results *r, double fy);
double ps_render_footer_height(void);
void ps_render_subst(char *out, size_t size, const char *tmpl, const char *name,
                     const char *value);
int ps_render_check_dir(const char *dir, ps_error *err);
/* Refuse two units whose scorecards would have one file name. */
int ps_render_names_unique(const ps_results *r, ps_error *err);

/* A workbook written under a temporary name (tmp: at least strlen(path) +
 * 40 bytes) and renamed into place when closed; both fill err. */
int ps_render_xlsx_open(const char *path, char *tmp, size_t tmp_size, lxw_workbook **wb,
                        ps_error *err);
int ps_render_xlsx_close(lxw_workbook *wb, const char *tmp, const char *path, ps_error *err);

/* One RFC 4180 field (quoted when it holds a comma, quote or newline). */
void ps_render_csv_field(ps_buf *b, const char *s);

/* Scored (not failed, total known). */
int ps_render_unit_ok(const ps_unit_result *u);
/* "15.001.pdf": the unit's scorecard file inside the output directory. */
void ps_render_file_name(const ps_unit_result *u, char *buf, size_t size);
/* Against the previous period: a scored unit improved, declined, stayed,
 * or is new (no previous total); NONE for a unit without a total now. */
typedef enum { PS_TREND_NONE, PS_TREND_NEW, PS_TREND_UP, PS_TREND_DOWN, PS_TREND_SAME } ps_trend;
ps_trend ps_render_trend(const ps_unit_result *u);
const char *ps_trend_key(ps_trend t);   /* "improved", ... ("" for NONE) */
/* Unit indexes in ranking order: scored units first, grouped by level in
 * unit-list order, by rank then total; then the others by code. */
int ps_render_rank_order(const ps_results *r, size_t *order);

/* One scorecard into path, as a new document on pdf (a handle from
 * ps_pdf_init, reused unit after unit); errors go to err. */
int ps_render_scorecard_one(const ps_results *r, size_t unit, const ps_layout *l,
                            ps_pdf *pdf, const char *path, ps_error *err);

#endif
