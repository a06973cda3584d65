/*
 * ps_pdf_table.c -- ruled tables for the PDF reports: cells wrap by
 * measured width, rows never split across pages, and the header row is
 * drawn again at the top of every continuation page.
 */
#include "render/ps_pdf.h"

#include <string.h>

void ps_table_init(ps_table *t, ps_pdf *pdf, const double *rel, size_t ncols,
                   double x, double width, double size) {
    memset(t, 0, sizeof *t);
    if (ncols > PS_TABLE_MAX_COLS) ncols = PS_TABLE_MAX_COLS;
    t->pdf = pdf;
    t->ncols = ncols;
    t->x = x;
    t->width = width;
    t->size = size;
    t->pad = 2.6;
    double sum = 0;
    for (size_t i = 0; i < ncols; i++) sum += rel[i] > 0 ? rel[i] : 1;
    for (size_t i = 0; i < ncols; i++)
        t->w[i] = width * (rel[i] > 0 ? rel[i] : 1) / sum;
}

static double row_height(ps_table *t, const char *const *cells, HPDF_Font f,
                         double size) {
    int lines = 1;
    for (size_t i = 0; i < t->ncols; i++) {
        if (!cells[i] || !cells[i][0]) continue;
        int n = ps_pdf_wrap(t->pdf, f, size, 0, 0, 0, t->w[i] - 2 * t->pad,
                            t->al[i], cells[i], 0);
        if (n > lines) lines = n;
    }
    return lines * ps_pdf_line_h(size) + 2 * t->pad;
}

static void draw_cells(ps_table *t, const char *const *cells, HPDF_Font f,
                       double size, double y, double h, uint32_t fill,
                       const uint32_t *colours) {
    ps_pdf *pdf = t->pdf;
    const ps_layout *L = pdf->L;
    if (fill != PS_NO_COLOUR) ps_pdf_rect(pdf, t->x, y, t->width, h, fill, PS_NO_COLOUR, 0);
    double x = t->x;
    for (size_t i = 0; i < t->ncols; i++) {
        if (cells[i] && cells[i][0])
            ps_pdf_wrap(pdf, f, size, colours ? colours[i] : L->c_text, x + t->pad,
                        y + t->pad, t->w[i] - 2 * t->pad, t->al[i], cells[i], 1);
        ps_pdf_rect(pdf, x, y, t->w[i], h, PS_NO_COLOUR, L->c_rule, 0.4);
        x += t->w[i];
    }
}

void ps_table_header(ps_table *t) {
    ps_pdf *pdf = t->pdf;
    ps_align saved[PS_TABLE_MAX_COLS];
    memcpy(saved, t->al, sizeof saved);
    for (size_t i = 0; i < t->ncols; i++) t->al[i] = PS_AL_CENTER;
    double h = row_height(t, t->head, pdf->bold, t->size);
    draw_cells(t, t->head, pdf->bold, t->size, pdf->y, h, pdf->L->c_head, NULL);
    memcpy(t->al, saved, sizeof saved);
    pdf->y += h;
}

void ps_table_need(ps_table *t, double h) {
    ps_pdf *pdf = t->pdf;
    if (!ps_pdf_need(pdf, h)) return;
    if (t->cont_title) {
        ps_pdf_text(pdf, pdf->bold, t->size, pdf->L->c_accent, t->x, pdf->y,
                    t->width, PS_AL_LEFT, t->cont_title);
        pdf->y += ps_pdf_line_h(t->size) + 2;
    }
    ps_table_header(t);
}

double ps_table_row(ps_table *t, const char *const *cells, HPDF_Font f,
                    uint32_t fill, const uint32_t *colours) {
    double h = row_height(t, cells, f, t->size);
    ps_table_need(t, h);
    double y = t->pdf->y;
    if (y + h > t->pdf->bottom) h = t->pdf->bottom - y;   /* taller than a page */
    draw_cells(t, cells, f, t->size, y, h, fill, colours);
    t->pdf->y += h;
    return y;
}

double ps_table_span(ps_table *t, const char *text, HPDF_Font f, uint32_t fill,
                     ps_align al) {
    ps_pdf *pdf = t->pdf;
    double lh = ps_pdf_line_h(t->size);
    int n = ps_pdf_wrap(pdf, f, t->size, 0, 0, 0, t->width - 2 * t->pad, al, text, 0);
    double h = n * lh + 2 * t->pad;
    ps_table_need(t, h);
    double y = pdf->y;
    if (fill != PS_NO_COLOUR) ps_pdf_rect(pdf, t->x, y, t->width, h, fill, PS_NO_COLOUR, 0);
    ps_pdf_wrap(pdf, f, t->size, pdf->L->c_text, t->x + t->pad, y + t->pad,
                t->width - 2 * t->pad, al, text, 1);
    ps_pdf_rect(pdf, t->x, y, t->width, h, PS_NO_COLOUR, pdf->L->c_rule, 0.4);
    pdf->y += h;
    return y;
}
