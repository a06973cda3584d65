/*
 * test_render_glyphs.c -- proves that every precomposed Vietnamese letter
 * survives libharu's font embedding with the template's default faces.
 *
 * Why: Debian's libharu 2.3.0 subsets TrueType fonts and can drop parts of
 * composite glyphs (with DejaVu Sans "ư" prints as "u", "Ộ" loses its
 * circumflex) while pdftotext still reads the right text, so only pixels
 * tell.  Each letter is drawn alone in its own document (the worst case
 * for subsetting: no other glyph pulls the components in), in the regular
 * and the bold face, rasterised with pdftoppm -r 150 -gray, and compared
 * with its base letter and every sibling with fewer marks ("ộ" against
 * "ô", "ọ" and "o").  67 letters x 2 cases = 134.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utf8proc.h>

#include "render/ps_render_int.h"
#include "ps_test.h"

typedef struct bitmap {
    int w, h;
    unsigned char *px;
} bitmap;

typedef struct glyph_case {
    char text[16];
    bitmap bm;
} glyph_case;

#define MAX_CASES 200

typedef struct ctx {
    const char *dir;
    ps_layout L;
    char reg[1024], bold[1024];
    glyph_case cases[MAX_CASES];
    int n;
} ctx;

static int read_pgm(const char *path, bitmap *b) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    int maxv;
    if (fscanf(f, "P5 %d %d %d", &b->w, &b->h, &maxv) != 3 || maxv != 255) {
        fclose(f);
        return -1;
    }
    fgetc(f);
    b->px = malloc((size_t)b->w * (size_t)b->h);
    size_t got = b->px ? fread(b->px, 1, (size_t)b->w * (size_t)b->h, f) : 0;
    fclose(f);
    return got == (size_t)b->w * (size_t)b->h ? 0 : -1;
}

/* Register text: drawn alone in its own document (regular left, bold
 * right); the pixels are read after one batch of pdftoppm runs. */
static glyph_case *want(ctx *c, const char *text) {
    for (int i = 0; i < c->n; i++)
        if (!strcmp(c->cases[i].text, text)) return &c->cases[i];
    if (c->n == MAX_CASES) return NULL;
    glyph_case *g = &c->cases[c->n];
    snprintf(g->text, sizeof g->text, "%s", text);
    char pdfp[1100];
    snprintf(pdfp, sizeof pdfp, "%s/g%03d.pdf", c->dir, c->n);
    ps_error err;
    memset(&err, 0, sizeof err);
    ps_pdf pdf;
    if (ps_pdf_open(&pdf, &c->L, c->reg, c->bold, 0, NULL, &err) != PS_OK) {
        fprintf(stderr, "open: %s\n", err.message);
        return NULL;
    }
    ps_pdf_begin(&pdf);
    ps_pdf_text(&pdf, pdf.reg, 28, 0, 6, 4, 40, PS_AL_LEFT, text);
    ps_pdf_text(&pdf, pdf.bold, 28, 0, 50, 4, 40, PS_AL_LEFT, text);
    int rc = ps_pdf_save(&pdf, pdfp);
    ps_pdf_close(&pdf);
    if (rc != PS_OK) return NULL;
    c->n++;
    return g;
}

/* Rasterise every registered document.  Starting pdftoppm costs ~0.1 s
 * here, so the one-letter documents are joined page by page with qpdf
 * first: each page keeps its own embedded font subset, so the isolation
 * holds, and one pdftoppm run draws them all. */
static int rasterise(ctx *c) {
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "cd '%s' && qpdf --empty --pages g*.pdf -- all.pdf && "
             "pdftoppm -r 150 -gray all.pdf p 2>/dev/null", c->dir);
    if (system(cmd) != 0) return -1;
    int digits = c->n >= 100 ? 3 : c->n >= 10 ? 2 : 1;
    for (int i = 0; i < c->n; i++) {
        snprintf(cmd, sizeof cmd, "%s/p-%0*d.pgm", c->dir, digits, i + 1);
        if (read_pgm(cmd, &c->cases[i].bm) != 0) return -1;
    }
    return 0;
}

static long ink(const bitmap *a) {
    long n = 0;
    for (long i = 0; i < (long)a->w * a->h; i++) n += a->px[i] < 128;
    return n;
}

static long differ(const bitmap *a, const bitmap *b) {
    if (a->w != b->w || a->h != b->h) return 1 << 30;
    long n = 0;
    for (long i = 0; i < (long)a->w * a->h; i++)
        n += abs((int)a->px[i] - (int)b->px[i]) > 96;
    return n;
}

/* NFC of base letter + marks (0 = none). */
static void compose(char *out, size_t size, int base, int mod, int tone) {
    utf8proc_uint8_t in[32];
    utf8proc_ssize_t n = utf8proc_encode_char(base, in);
    if (mod) n += utf8proc_encode_char(mod, in + n);
    if (tone) n += utf8proc_encode_char(tone, in + n);
    in[n] = 0;
    utf8proc_uint8_t *nfc = utf8proc_NFC(in);
    snprintf(out, size, "%s", nfc ? (char *)nfc : "");
    free(nfc);
}

static int one_codepoint(const char *s) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &cp);
    return n > 0 && s[n] == '\0';
}

int main(int argc, char **argv) {
    ps_tally t = {0, 0};
    if (system("command -v pdftoppm >/dev/null 2>&1 && command -v qpdf >/dev/null 2>&1") != 0) {
        printf("pdftoppm or qpdf missing (poppler-utils, qpdf): skipped\n");
        return 77;
    }
    static ctx c;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/ps-glyphs-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) return 1;
    c.dir = dir;
    /* the default faces are those of the scorecard template */
    ps_render_opts o;
    memset(&o, 0, sizeof o);
    o.templates_dir = PS_SOURCE_DIR "/templates";
    ps_error err;
    memset(&err, 0, sizeof err);
    ps_layout tl;
    int rc = ps_render_load_layout(&tl, &o, "scorecard", &err);
    CHECK_INT(&t, rc, PS_OK);
    if (rc) return ps_test_done(&t);
    rc = ps_render_fonts(&tl, &o, c.reg, c.bold, sizeof c.reg, &err);
    ps_layout_free(&tl);
    if (argc == 3) {   /* try other faces: test_render_glyphs REGULAR BOLD */
        snprintf(c.reg, sizeof c.reg, "%s", argv[1]);
        snprintf(c.bold, sizeof c.bold, "%s", argv[2]);
    }
    CHECK_INT(&t, rc, PS_OK);
    if (rc) { fprintf(stderr, "%s\n", err.message); return ps_test_done(&t); }
    memset(&c.L, 0, sizeof c.L);
    c.L.page_w = 96;
    c.L.page_h = 48;

    static const int vowels[][2] = {{'a', 0}, {'a', 0x306}, {'a', 0x302}, {'e', 0},
        {'e', 0x302}, {'i', 0}, {'o', 0}, {'o', 0x302}, {'o', 0x31B}, {'u', 0},
        {'u', 0x31B}, {'y', 0}};
    static const int tones[6] = {0, 0x300, 0x301, 0x309, 0x303, 0x323};
    int letters = 0, failures = 0;
    for (int phase = 0; phase < 2; phase++) {
    letters = 0;
    if (phase == 1 && rasterise(&c) != 0) { CHECK(&t, 0); break; }
    for (int upper = 0; upper < 2; upper++) {
        for (size_t v = 0; v < sizeof vowels / sizeof vowels[0]; v++) {
            int base = upper ? vowels[v][0] - 32 : vowels[v][0], mod = vowels[v][1];
            for (int k = 0; k < 6; k++) {
                if (!mod && !tones[k]) continue;      /* plain ASCII letter */
                char me[16], sib[3][16];
                compose(me, sizeof me, base, mod, tones[k]);
                if (!one_codepoint(me)) { CHECK(&t, one_codepoint(me)); continue; }
                letters++;
                int ns = 0;
                compose(sib[ns++], 16, base, 0, 0);
                if (mod && tones[k]) {
                    compose(sib[ns++], 16, base, mod, 0);
                    compose(sib[ns++], 16, base, 0, tones[k]);
                }
                glyph_case *mine = want(&c, me);
                for (int s = 0; s < ns; s++) want(&c, sib[s]);
                if (phase == 0) continue;
                CHECK(&t, mine != NULL);
                if (!mine) continue;
                const bitmap *bm = &mine->bm;
                CHECK(&t, ink(bm) > 200);
                for (int s = 0; s < ns; s++) {
                    const glyph_case *sg = want(&c, sib[s]);
                    long d = sg ? differ(bm, &sg->bm) : 0;
                    /* a dot below at 28 pt, 150 dpi is about 5x5 pixels per face */
                    if (d >= 12) t.passed++;
                    else {
                        t.failed++;
                        failures++;
                        fprintf(stderr, "glyph \"%s\" looks like \"%s\" (%ld pixels differ)\n",
                                me, sib[s], d);
                    }
                }
            }
        }
        /* đ / Đ against d / D */
        char me[16], sib[16];
        compose(me, sizeof me, upper ? 0x110 : 0x111, 0, 0);
        compose(sib, sizeof sib, upper ? 'D' : 'd', 0, 0);
        letters++;
        glyph_case *a = want(&c, me), *b = want(&c, sib);
        if (phase == 1) CHECK(&t, a && b && differ(&a->bm, &b->bm) >= 12);
    }
    }
    /* 12 vowel forms: 6 plain ones take 5 tones, 6 marked ones 6 => 66, + đ */
    CHECK_INT(&t, letters, 134);
    printf("fonts: %s, %s; %d letters, %d look-alike failures\n", c.reg, c.bold,
           letters, failures);
    for (int i = 0; i < c.n; i++) free(c.cases[i].bm.px);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return ps_test_done(&t);
}
