/*
 * test_render_text.c -- the text layer under the PDF reports: NFC
 * normalisation, stand-ins for symbols the faces lack, and line breaking
 * by measured width that never splits a UTF-8 sequence nor a letter from
 * its combining mark; a libharu handle reused document after document.  Widths come from the default faces, so expected
 * breaks are derived from measured widths, not hard-coded points.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* One page with text in both faces, saved to path. */
static int one_doc(ps_pdf *pdf, const char *text, const char *path) {
    ps_pdf_begin(pdf);
    ps_pdf_text(pdf, pdf->reg, 12, 0, 50, 50, 400, PS_AL_LEFT, text);
    ps_pdf_text(pdf, pdf->bold, 12, 0, 50, 80, 400, PS_AL_LEFT, text);
    return ps_pdf_save(pdf, path);
}

static size_t slurp(const char *path, char *buf, size_t cap) {
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

/* A handle reused for a second document writes what a fresh handle
 * writes: nothing of the first document (its glyphs, its pages) leaks. */
static void reuse(ps_tally *t, const ps_layout *L, const char *reg, const char *bold) {
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char a[512], b[512], c[512];
    snprintf(a, sizeof a, "%s/ps-reuse-a-%d.pdf", base, (int)getpid());
    snprintf(b, sizeof b, "%s/ps-reuse-b-%d.pdf", base, (int)getpid());
    snprintf(c, sizeof c, "%s/ps-reuse-c-%d.pdf", base, (int)getpid());
    ps_error err;
    memset(&err, 0, sizeof err);
    ps_pdf pdf;
    CHECK_INT(t, ps_pdf_open(&pdf, L, reg, bold, 1764547200, "A", &err), PS_OK);
    CHECK_INT(t, one_doc(&pdf, "Ồ ạt, Đường ‰ №", a), PS_OK);
    CHECK_INT(t, ps_pdf_next(&pdf, 1764547200, "Bảng Việt Nam"), PS_OK);
    CHECK_INT(t, one_doc(&pdf, "Việt Nam ≥ 99%", b), PS_OK);
    ps_pdf_close(&pdf);
    CHECK_INT(t, ps_pdf_open(&pdf, L, reg, bold, 1764547200, "Bảng Việt Nam", &err), PS_OK);
    CHECK_INT(t, one_doc(&pdf, "Việt Nam ≥ 99%", c), PS_OK);
    ps_pdf_close(&pdf);
    static char x[1 << 17], y[1 << 17], z[1 << 17];
    size_t na = slurp(a, z, sizeof z), nb = slurp(b, x, sizeof x), nc = slurp(c, y, sizeof y);
    CHECK(t, na > 1000 && nb > 1000 && nb < sizeof x);
    CHECK_INT(t, nb, nc);
    CHECK(t, nb == nc && memcmp(x, y, nb) == 0);
    /* the info title is Vietnamese text too (libharu's UTF-8 encoder) */
    char cmd[600], line[256] = "";
    snprintf(cmd, sizeof cmd, "pdfinfo '%s' 2>/dev/null", b);
    FILE *p = popen(cmd, "r");
    while (p && fgets(line, sizeof line, p) && strncmp(line, "Title:", 6)) {}
    if (p) pclose(p);
    CHECK_STR(t, line, "Title:           Bảng Việt Nam\n");
    unlink(a);
    unlink(b);
    unlink(c);
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
    ps_pdf_begin(&pdf);
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
    /* characters the quick NFC check must not pass through: U+212B
     * (angstrom sign) and U+212A (kelvin sign) are singletons for U+00C5
     * and "K", which the faces have */
    CHECK_STR(&t, ps_pdf_nfc(&pdf, "1 \xe2\x84\xab, 3 \xe2\x84\xaa"), "1 Å, 3 K");
    /* a letter then a combining mark: composed, though each alone is fine */
    CHECK_STR(&t, ps_pdf_nfc(&pdf, "Vi\xe1\xba\xb9\xcc\x82t"), "Việt");

    /* the run's cache of decomposed texts: a hit gives the same NFC text */
    ps_nfc_cache cache;
    memset(&cache, 0, sizeof cache);
    const char *nfd = "Nguye\xcc\x82\xcc\x83n Tha\xcc\x80nh";
    CHECK_INT(&t, ps_nfc_cache_add(&cache, nfd), PS_OK);
    CHECK_INT(&t, ps_nfc_cache_add(&cache, nfd), PS_OK);
    CHECK_INT(&t, ps_nfc_cache_add(&cache, "Nguyễn"), PS_OK);   /* NFC already: not kept */
    CHECK_INT(&t, cache.n, 1);
    for (int i = 0; i < 300; i++) {   /* past the first growth */
        char k[64];
        snprintf(k, sizeof k, "x\xcc\x81%d", i);
        CHECK_INT(&t, ps_nfc_cache_add(&cache, k), PS_OK);
    }
    CHECK_INT(&t, cache.n, 301);
    pdf.nfc_cache = &cache;
    CHECK_STR(&t, ps_pdf_nfc(&pdf, nfd), "Nguyễn Thành");
    CHECK_STR(&t, ps_pdf_nfc(&pdf, "x\xcc\x81" "299"), "x\xcc\x81" "299");   /* no precomposed x́ */
    CHECK_STR(&t, ps_pdf_nfc(&pdf, "e\xcc\x81"), "é");                       /* a miss */
    pdf.nfc_cache = NULL;
    ps_nfc_cache_free(&cache);

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
    reuse(&t, &L, reg, bold);
    ps_layout_free(&L);
    return ps_test_done(&t);
}
