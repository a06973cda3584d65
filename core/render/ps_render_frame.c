/*
 * ps_render_frame.c -- what every page of every report shares: the state
 * header (issuing body left, national motto right, date) and the footer
 * (data sources, generation time in UTC+7, rule set, "Trang X/Y").
 */
#include "render/ps_render_int.h"

#include <stdio.h>
#include <string.h>

/* Replace "{name}" in tmpl by value. */
void ps_render_subst(char *out, size_t size, const char *tmpl, const char *name,
                     const char *value) {
    char key[32];
    snprintf(key, sizeof key, "{%s}", name);
    const char *p = strstr(tmpl, key);
    if (!p) { snprintf(out, size, "%s", tmpl); return; }
    snprintf(out, size, "%.*s%s%s", (int)(p - tmpl), tmpl, value, p + strlen(key));
}

void ps_render_footer(ps_pdf *pdf, const ps_layout *L, const ps_results *r, double fy) {
    /* three lines: sources; rule set; generation time and "Trang X/Y" */
    double fsz = 7;
    double x = pdf->left, w = pdf->right - pdf->left, lh = ps_pdf_line_h(fsz);
    ps_pdf_line(pdf, x, fy, x + w, fy, L->c_rule, 0.5);
    char line[1600], t[96], page[96], n1[16], n2[16];
    size_t o = (size_t)snprintf(line, sizeof line, "%s ", ps_layout_text(L, "footer_sources"));
    for (size_t i = 0; i < r->n_sources && o < sizeof line; i++)
        o += (size_t)snprintf(line + o, sizeof line - o, "%s%s", i ? "; " : "", r->sources[i]);
    if (!r->n_sources) snprintf(line + o, sizeof line - o, "—");
    ps_pdf_text(pdf, pdf->reg, fsz, L->c_text, x, fy + 2, w, PS_AL_LEFT, line);
    snprintf(line, sizeof line, "%s: %s%s%s%s", ps_layout_text(L, "footer_ruleset"),
             r->ruleset_name ? r->ruleset_name : r->ruleset_id ? r->ruleset_id : "—",
             r->ruleset_version ? ", " : "",
             r->ruleset_version ? ps_layout_text(L, "footer_version") : "",
             r->ruleset_version ? r->ruleset_version : "");
    ps_pdf_text(pdf, pdf->reg, fsz, L->c_text, x, fy + 2 + lh, w, PS_AL_LEFT, line);
    ps_render_time_vn(r->generated_at, t, sizeof t);
    snprintf(line, sizeof line, "%s %s", ps_layout_text(L, "footer_generated"), t);
    snprintf(n1, sizeof n1, "%d", pdf->page_no);
    snprintf(n2, sizeof n2, "%d", pdf->n_pages ? pdf->n_pages : pdf->page_no);
    char tmp[96];
    ps_render_subst(tmp, sizeof tmp, ps_layout_text(L, "footer_page"), "page", n1);
    ps_render_subst(page, sizeof page, tmp, "pages", n2);
    double pw = ps_pdf_width(pdf, pdf->bold, fsz, page) + 4;
    ps_pdf_text(pdf, pdf->reg, fsz, L->c_text, x, fy + 2 + 2 * lh, w - pw - 6, PS_AL_LEFT, line);
    ps_pdf_text(pdf, pdf->bold, fsz, L->c_text, x + w - pw, fy + 2 + 2 * lh, pw, PS_AL_RIGHT, page);
}

void ps_render_state_header(ps_pdf *pdf, const ps_layout *L, const ps_results *r) {
    double cw = pdf->right - pdf->left;
    double x = pdf->left, lw = cw * 0.40, rw = cw * 0.60, y0 = pdf->y;
    const char *issuer = r->issuer ? r->issuer : "";
    int n = ps_pdf_wrap(pdf, pdf->bold, 10, L->c_text, x, y0, lw, PS_AL_CENTER, issuer, 1);
    double ly = y0 + n * ps_pdf_line_h(10) + 3;
    if (*issuer) ps_pdf_line(pdf, x + lw * 0.35, ly, x + lw * 0.65, ly, L->c_text, 0.6);
    double rx = x + lw;
    ps_pdf_text(pdf, pdf->bold, 10, L->c_text, rx, y0, rw, PS_AL_CENTER, ps_layout_text(L, "nation"));
    double my = y0 + ps_pdf_line_h(10);
    ps_pdf_text(pdf, pdf->bold, 11, L->c_text, rx, my, rw, PS_AL_CENTER, ps_layout_text(L, "motto"));
    double mw = ps_pdf_width(pdf, pdf->bold, 11, ps_layout_text(L, "motto"));
    double uy = my + ps_pdf_line_h(11) + 1.5;
    ps_pdf_line(pdf, rx + (rw - mw) / 2, uy, rx + (rw + mw) / 2, uy, L->c_text, 0.6);
    char date[96];
    ps_render_date_words(r->generated_at, date, sizeof date);
    date[0] = 'N';   /* "Ngày ..." at the start of the line */
    ps_pdf_text(pdf, pdf->reg, 9.5, L->c_text, rx, uy + 5, rw, PS_AL_CENTER, date);
    double bottom = uy + 5 + ps_pdf_line_h(9.5);
    pdf->y = (ly > bottom ? ly : bottom) + 14;
}

double ps_render_footer_height(void) { return 3 * ps_pdf_line_h(7) + 6; }
