/*
 * ps_pdf.h -- the drawing layer under the PDF reports: a libharu handle
 * with its two font faces, reused for document after document (the faces
 * are read and parsed once per handle), an error handler that records into
 * a ps_error,
 * NFC-normalised UTF-8 text measured, wrapped and aligned by real glyph
 * widths, and page breaks.  "Trang X/Y" needs the page count: a report
 * lays out once and draws what needs it on every page at the end
 * (ps_pdf_each_page).
 *
 * Coordinates are in points from the top-left corner (y grows downwards);
 * the layer converts to PDF's bottom-up space.
 */
#ifndef PS_PDF_H
#define PS_PDF_H

#include <stdint.h>
#include <hpdf.h>

#include "render/ps_layout.h"

typedef enum { PS_AL_LEFT, PS_AL_CENTER, PS_AL_RIGHT } ps_align;

/* NFC forms of a run's texts (template texts, rule and unit names) that
 * are not NFC already (decomposed input), built before the worker threads
 * start and only read after: the same texts recur card after card.  Keys
 * are copied. */
typedef struct ps_nfc_slot {
    char *key, *nfc;
    uint64_t hash;
} ps_nfc_slot;
typedef struct ps_nfc_cache {
    ps_nfc_slot *slots;
    size_t cap, n;               /* slots (a power of two), entries */
} ps_nfc_cache;
/* Add s (NULL and text plainly NFC already are skipped). */
int ps_nfc_cache_add(ps_nfc_cache *c, const char *s);
void ps_nfc_cache_free(ps_nfc_cache *c);

typedef struct ps_pdf ps_pdf;
/* Called after a page break to draw the page frame (footer, running
 * header) and reset pdf->y. */
typedef void (*ps_page_fn)(ps_pdf *pdf, void *ctx);

struct ps_pdf {
    HPDF_Doc doc;
    HPDF_Font reg, bold;
    HPDF_FontDef def[2];         /* regular, bold: to ask for glyph coverage */
    const char *font_name[2];    /* libharu's names of the loaded faces */
    uint32_t doc_no;             /* documents started on this handle */
    HPDF_Page page;              /* NULL before the first page */
    HPDF_Page *pages;            /* the document's pages, for ps_pdf_each_page */
    /* what the page's graphics state holds, so that it is not written
     * again for every string: most text shares one font and colour */
    HPDF_Page gs_page;           /* the page these are for; NULL: unknown */
    HPDF_Font gs_font;
    double gs_size, gs_lw;
    uint32_t gs_fill, gs_stroke;
    size_t pages_cap;
    const ps_layout *L;
    ps_error *err;
    int failed;                  /* libharu reported an error */
    int staged;                  /* save without fsync (see ps_write_file_staged) */
    int page_no, n_pages;        /* current page (1-based); total (known in pass 2) */
    double y;                    /* cursor, points from the top */
    double top, bottom;          /* content area (bottom: above the footer) */
    double left, right;
    ps_page_fn on_page;
    void *on_page_ctx;
    /* per code point caches: libharu looks glyphs up by a linear cmap
     * scan, which was a third of the rendering time (perf) */
    int16_t *widths[2][256];     /* [face][cp >> 8][cp & 255], -1 unknown */
    uint8_t *glyph_ok[256];      /* [cp >> 8][cp & 255]: 0 unknown, 1 yes, 2 no */
    uint32_t *marked[2][256];    /* [face][page][cp]: doc_no when last marked for embedding */
    const ps_nfc_cache *nfc_cache;   /* optional, shared read-only */
    char *nfc;                   /* scratch buffer for normalised text */
    size_t nfc_cap;
};

/* A handle with both faces loaded (read and parsed once), no document yet:
 * the per-worker handle of the scorecards.  Fails with a located error
 * (font missing or not TrueType). */
int ps_pdf_init(ps_pdf *pdf, const ps_layout *L, const char *font_regular,
                const char *font_bold, ps_error *err);
/* ps_pdf_init, then the first document (ps_pdf_next with when and title). */
int ps_pdf_open(ps_pdf *pdf, const ps_layout *L, const char *font_regular,
                const char *font_bold, int64_t when, const char *title,
                ps_error *err);
/* Start a new document on the handle (after ps_pdf_save of the last one):
 * compression, both faces embedded, info dates from `when` (unix time) so
 * output is reproducible.  The faces, their glyph widths and coverage stay
 * loaded; the document is built as if the handle were new, so the bytes do
 * not depend on what was rendered before. */
int ps_pdf_next(ps_pdf *pdf, int64_t when, const char *title);
/* Save to path atomically (temp + rename); nothing is left on error. */
int ps_pdf_save(ps_pdf *pdf, const char *path);
/* Free the handle and everything it holds. */
void ps_pdf_close(ps_pdf *pdf);

/* Start the layout: the first page. */
void ps_pdf_begin(ps_pdf *pdf);
/* After the layout: call fn on every page of the document, in order,
 * with pdf->page, page_no and n_pages set (y is not). */
void ps_pdf_each_page(ps_pdf *pdf, ps_page_fn fn, void *ctx);
/* Break to a new page (calls on_page). */
void ps_pdf_new_page(ps_pdf *pdf);
/* Break if h points do not fit below the cursor; returns 1 if it broke. */
int ps_pdf_need(ps_pdf *pdf, double h);

/* NFC form of s with symbols the fonts lack replaced by ASCII stand-ins
 * ("≥" -> ">="); valid until the next call (never NULL). */
const char *ps_pdf_nfc(ps_pdf *pdf, const char *s);
/* 1 if both faces have a glyph for code point cp. */
int ps_pdf_has_glyph(ps_pdf *pdf, int32_t cp);
double ps_pdf_width(ps_pdf *pdf, HPDF_Font f, double size, const char *s);
/* One line inside [x, x+w], truncated with "…" when too wide; y is the
 * top of the line box of height size*1.25. */
void ps_pdf_text(ps_pdf *pdf, HPDF_Font f, double size, uint32_t colour,
                 double x, double y, double w, ps_align al, const char *s);
/* Wrapped at spaces (or inside a word when one word is too wide, never
 * inside a character or between a letter and its marks).  Draws unless
 * draw == 0; returns the number of lines. */
int ps_pdf_wrap(ps_pdf *pdf, HPDF_Font f, double size, uint32_t colour,
                double x, double y, double w, ps_align al, const char *s,
                int draw);
/* Where ps_pdf_wrap breaks s: the NFC text goes to norm, and up to max
 * lines as byte offset and length into it; returns the number of lines. */
int ps_pdf_wrap_lines(ps_pdf *pdf, HPDF_Font f, double size, double w, const char *s,
                      char *norm, size_t norm_size, size_t *starts, size_t *lens,
                      int max);
/* The narrowest width <= w at which s wraps into as few lines as at w:
 * centred titles then break into even lines, not a long one and a word. */
double ps_pdf_balanced_width(ps_pdf *pdf, HPDF_Font f, double size, double w,
                             const char *s);
/* Wrapped paragraph at the cursor, breaking pages between lines; the
 * cursor ends below it. */
void ps_pdf_flow(ps_pdf *pdf, HPDF_Font f, double size, uint32_t colour,
                 double x, double w, const char *s);
double ps_pdf_line_h(double size);

/* A ruled table whose header row is repeated after every page break. */
#define PS_TABLE_MAX_COLS 16
typedef struct ps_table {
    ps_pdf *pdf;
    size_t ncols;
    double x, width;
    double w[PS_TABLE_MAX_COLS];
    ps_align al[PS_TABLE_MAX_COLS];
    const char *head[PS_TABLE_MAX_COLS];
    double size;                 /* body font size */
    double pad;                  /* cell padding */
    const char *cont_title;      /* printed above the repeated header */
} ps_table;
/* Columns from relative widths spread over [x, x+width]. */
void ps_table_init(ps_table *t, ps_pdf *pdf, const double *rel, size_t ncols,
                   double x, double width, double size);
void ps_table_header(ps_table *t);
/* Draws one row (breaking the page first if it does not fit) and returns
 * the y of its top; colours may be NULL (text colour). */
double ps_table_row(ps_table *t, const char *const *cells, HPDF_Font f,
                    uint32_t fill, const uint32_t *colours);
/* Break the page (repeating the header) unless h points fit: keeps a
 * group heading together with its first rows. */
void ps_table_need(ps_table *t, double h);
/* One cell across the whole row. */
double ps_table_span(ps_table *t, const char *text, HPDF_Font f, uint32_t fill,
                     ps_align al);

void ps_pdf_rect(ps_pdf *pdf, double x, double y, double w, double h,
                 uint32_t fill, uint32_t stroke, double lw);
void ps_pdf_line(ps_pdf *pdf, double x1, double y1, double x2, double y2,
                 uint32_t colour, double lw);
/* Filled triangle pointing up (up=1) or down, in the box (x, y, s, s). */
void ps_pdf_triangle(ps_pdf *pdf, double x, double y, double s, int up,
                     uint32_t colour);
#define PS_NO_COLOUR 0xffffffffu

/* Navigation (ps_pdf_nav.c).  A bookmark to the current page at y, under
 * parent (NULL: top level); returns it, NULL without a page. */
void *ps_pdf_bookmark(ps_pdf *pdf, void *parent, const char *title, double y);
void ps_pdf_bookmark_open(void *outline, int open);
/* A link over the box (x, y, w, h) opening `file`, a PDF in the same
 * directory (relative name), at its first page. */
void ps_pdf_link_file(ps_pdf *pdf, double x, double y, double w, double h, const char *file);

#endif
