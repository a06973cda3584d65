/*
 * test_render_text.c -- the text layer under the PDF reports: NFC
 * normalisation, stand-ins for symbols the faces lack, and line breaking
 * by measured width that never splits a UTF-8 sequence nor a letter from
 * its combining mark.  Widths come from the default faces, so expected
 * breaks are derived from measured widths, not hard-coded points.
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "render/ps_render_int.h"
#include "ps_test.h"

#define MAXL 64

typedef struct wrapped {
    char norm[2048];
    size_t starts[MAXL], lens[MAXL];
    int n;
} wrapped;

static void wrap(ps_pdf *pdf, double w, const char *s, wrapped *out) {
    memset(out, 0, sizeof *out);
    out->n = ps_pdf_wrap_lines(pdf, pdf->reg, 10, w, s, out->norm, sizeof out->norm,
                               out->starts, out->lens, MAXL);
}

static int line_is(const wrapped *w, int i, const char *want) {
    return i < w->n && i < MAXL && w->lens[i] == strlen(want) &&
           memcmp(w->norm + w->starts[i], want, w->lens[i]) == 0;
}

/* A line may start neither inside a UTF-8 sequence nor on a combining mark. */
static int clean_start(const char *s) {
    if (((unsigned char)*s & 0xC0) == 0x80) return 0;
    utf8proc_int32_t cp;
    if (utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &cp) <= 0) return 0;
    return utf8proc_category(cp) != UTF8PROC_CATEGORY_MN;
}

static double width_of(ps_pdf *pdf, const char *s) {
    return ps_pdf_width(pdf, pdf->reg, 10, s);
}

int main(void) {
    ps_tally t = {0, 0};
    ps_render_opts o;
    memset(&o, 0, sizeof o);
    o.templates_dir = PS_SOURCE_DIR "/templates";
    ps_error err;
    memset(&err, 0, sizeof err);
    ps_layout L;
    CHECK_INT(&t, ps_render_load_layout(&L, &o, "scorecard", &err), PS_OK);
    char reg[1024], bold[1024];
    CHECK_INT(&t, ps_render_fonts(&L, &o, reg, bold, sizeof reg, &err), PS_OK);
    ps_pdf pdf;
    int rc = ps_pdf_open(&pdf, &L, reg, bold, 0, NULL, &err);
    CHECK_INT(&t, rc, PS_OK);
    if (rc) { ps_layout_free(&L); return ps_test_done(&t); }
    ps_pdf_begin_pass(&pdf, 1);
    wrapped w;

    /* NFD in, NFC out: e + circumflex + tilde -> U+1EC5 "ễ" */
    wrap(&pdf, 500, "Nguye\xcc\x82\xcc\x83n", &w);
    CHECK_STR(&t, w.norm, "Nguyễn");
    CHECK_INT(&t, w.n, 1);

    /* the merged symbols are kept; stand-ins for what the faces lack;
     * invalid UTF-8 becomes "?" */
    CHECK_STR(&t, ps_pdf_nfc(&pdf, "≥ 99% − ≤ → ▲ ▼"), "≥ 99% − ≤ → ▲ ▼");
    CHECK_STR(&t, ps_pdf_nfc(&pdf, "a ≠ b ← c ☺"), "a != b <- c ?");
    CHECK_STR(&t, ps_pdf_nfc(&pdf, "a\xff" "b"), "a?b");
    CHECK_STR(&t, ps_pdf_nfc(&pdf, "tab\there"), "tab here");
    CHECK(&t, ps_pdf_has_glyph(&pdf, 0x1ED9));      /* ộ */
    CHECK(&t, ps_pdf_has_glyph(&pdf, 0x2265));      /* ≥ */
    CHECK(&t, !ps_pdf_has_glyph(&pdf, 0x2260));     /* ≠ */

    /* breaks at spaces: the width of "Nguyễn Thị" (+0.1) holds it and no
     * more, so it is the first line and the rest follows word by word */
    double w2 = width_of(&pdf, "Nguyễn Thị") + 0.1;
    wrap(&pdf, w2, "Nguyễn Thị Minh Khai", &w);
    CHECK(&t, line_is(&w, 0, "Nguyễn Thị"));
    CHECK(&t, w.n >= 2);
    if (width_of(&pdf, "Minh Khai") <= w2) {
        CHECK_INT(&t, w.n, 2);
        CHECK(&t, line_is(&w, 1, "Minh Khai"));
    }

    /* one word wider than the cell: broken between letters, each piece
     * fits, every piece starts on a letter, and nothing is lost */
    const char *word = "ĐườngTrườngChinhHàNộiViệtNam";
    wrap(&pdf, 30, word, &w);
    CHECK(&t, w.n > 3);
    char joined[512] = "";
    int clean = 1, fits = 1;
    for (int i = 0; i < w.n && i < MAXL; i++) {
        char piece[128];
        snprintf(piece, sizeof piece, "%.*s", (int)w.lens[i], w.norm + w.starts[i]);
        strncat(joined, piece, sizeof joined - strlen(joined) - 1);
        clean &= clean_start(piece);
        fits &= width_of(&pdf, piece) <= 30 + 1e-9;
    }
    CHECK_STR(&t, joined, word);
    CHECK(&t, clean);
    CHECK(&t, fits);

    /* "q" + combining dot below has no precomposed form: at the width of
     * one "q", each line holds one whole cluster (3 bytes), never a bare
     * "q" with the mark pushed to the next line */
    wrap(&pdf, width_of(&pdf, "q") + 0.1, "q\xcc\xa3q\xcc\xa3q\xcc\xa3q\xcc\xa3", &w);
    CHECK_INT(&t, w.n, 4);
    for (int i = 0; i < w.n && i < MAXL; i++) CHECK(&t, line_is(&w, i, "q\xcc\xa3"));

    /* hard breaks, trailing spaces, empty text */
    wrap(&pdf, 500, "dòng một\ndòng hai   ", &w);
    CHECK_INT(&t, w.n, 2);
    CHECK(&t, line_is(&w, 0, "dòng một"));
    CHECK(&t, line_is(&w, 1, "dòng hai"));
    wrap(&pdf, 500, "", &w);
    CHECK_INT(&t, w.n, 1);
    CHECK_INT(&t, w.lens[0], 0);

    /* balanced titles: same number of lines, never wider than allowed */
    const char *title = "Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ "
                        "người dân, doanh nghiệp";
    double full = width_of(&pdf, title);
    double bw = ps_pdf_balanced_width(&pdf, pdf.reg, 10, full * 0.8, title);
    CHECK(&t, bw <= full * 0.8);
    CHECK_INT(&t, ps_pdf_wrap(&pdf, pdf.reg, 10, 0, 0, 0, bw, PS_AL_LEFT, title, 0), 2);
    /* two balanced lines are each at least a third of the text */
    wrap(&pdf, bw, title, &w);
    CHECK(&t, width_of(&pdf, title) / 3 < bw);

    /* widths: the measured width of a string is the sum of its parts */
    CHECK_NUM(&t, width_of(&pdf, "Việt Nam"),
              width_of(&pdf, "Việt") + width_of(&pdf, " ") + width_of(&pdf, "Nam"));

    ps_pdf_close(&pdf);
    ps_layout_free(&L);
    return ps_test_done(&t);
}
