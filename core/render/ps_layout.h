/*
 * ps_layout.h -- the page layout of a PDF report, read from an XML template
 * (templates/scorecard.xml, templates/summary.xml) so that texts, fonts,
 * colours, column widths and the order of sections can be edited without
 * recompiling.  A template is parsed once per run, before any rendering,
 * and is read-only afterwards (shared by the worker threads).
 */
#ifndef PS_LAYOUT_H
#define PS_LAYOUT_H

#include <stddef.h>
#include "base/ps_util.h"

#define PS_LAYOUT_MAX_SECTIONS 24
#define PS_LAYOUT_MAX_WIDTHS 12

typedef struct ps_layout_section {
    char name[32];
    long line;
    size_t n_widths;                   /* relative column widths, optional */
    double widths[PS_LAYOUT_MAX_WIDTHS];
} ps_layout_section;

typedef struct ps_layout {
    char path[512];
    char kind[16];                     /* "scorecard" or "summary" */
    double page_w, page_h;             /* points */
    double margin_l, margin_r, margin_t, margin_b;
    double font_size;                  /* body size, points */
    char font_regular[256], font_bold[256];
    /* colours as 0xRRGGBB */
    uint32_t c_text, c_accent, c_rule, c_fill, c_head, c_good, c_bad, c_bar;
    char decimal;                      /* ',' (default) or '.' */
    int pct_decimals, pts_decimals;
    size_t n_sections;
    ps_layout_section sections[PS_LAYOUT_MAX_SECTIONS];
    size_t n_texts;
    char **text_keys, **text_values;   /* owned */
} ps_layout;

/* Parse path; kind names the root element expected.  `known` lists the
 * section names this kind understands and `required_texts` the text keys
 * the renderer prints (both NULL-terminated).  On error nothing is kept
 * and err names file:line. */
int ps_layout_load(ps_layout *l, const char *path, const char *kind,
                   const char *const *known, const char *const *required_texts,
                   ps_error *err);
void ps_layout_free(ps_layout *l);
/* The text for key ("" if absent; load checks the required ones). */
const char *ps_layout_text(const ps_layout *l, const char *key);
const ps_layout_section *ps_layout_find(const ps_layout *l, const char *name);

#endif
