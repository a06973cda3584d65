/*
 * ps_pdf.c -- the libharu drawing layer of the PDF reports (see ps_pdf.h).
 *
 * Text goes through utf8proc twice: NFC normalisation (the fonts have the
 * precomposed Vietnamese letters; decomposed input would show loose marks)
 * and grapheme segmentation, so wrapping and truncation never cut a UTF-8
 * sequence or separate a letter from a combining mark left after NFC.
 */
#include "render/ps_pdf.h"
#include "ps_version.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hpdf_doc.h>
#include <hpdf_encoder.h>
#include <hpdf_fontdef.h>
#include <utf8proc.h>

#define ELLIPSIS "\xe2\x80\xa6"

static void on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user) {
    ps_pdf *pdf = user;
    if (pdf->failed) return;        /* keep the first, most telling error */
    pdf->failed = 1;
    const char *what = "PDF library error";
    switch (error_no) {
    case HPDF_FILE_OPEN_ERROR: what = "cannot open the font file (check the path and that "
                        "fonts-noto-core is installed)"; break;
    case HPDF_INVALID_FONTDEF_DATA:
    case HPDF_TTF_INVALID_CMAP:
    case HPDF_TTF_INVALID_FOMAT:
    case HPDF_TTF_MISSING_TABLE:
    case HPDF_TTF_CANNOT_EMBEDDING_FONT:
        what = "the font file is not a usable TrueType font"; break;
    case HPDF_FAILD_TO_ALLOC_MEM: what = "out of memory"; break;
    default: break;
    }
    ps_error_set(pdf->err, error_no == HPDF_FAILD_TO_ALLOC_MEM ? PS_ENOMEM : PS_EIO,
                 pdf->err->file[0] ? pdf->err->file : NULL, 0, 0,
                 "%s (libharu error 0x%04X, detail %u)", what,
                 (unsigned)error_no, (unsigned)detail_no);
}

static void set_date(HPDF_Doc doc, HPDF_InfoType t, int64_t when) {
    /* Vietnam time, UTC+7, written with its offset */
    time_t tt = (time_t)(when + 7 * 3600);
    struct tm tm;
    gmtime_r(&tt, &tm);
    HPDF_Date d;
    memset(&d, 0, sizeof d);
    d.year = tm.tm_year + 1900;
    d.month = tm.tm_mon + 1;
    d.day = tm.tm_mday;
    d.hour = tm.tm_hour;
    d.minutes = tm.tm_min;
    d.seconds = tm.tm_sec;
    d.ind = '+';
    d.off_hour = 7;
    d.off_minutes = 0;
    HPDF_SetInfoDateAttr(doc, t, d);
}

/* ---- the text encoder ------------------------------------------------
 *
 * Why not libharu's own "UTF-8" encoder: with it, every font created in a
 * document looks all 65,536 BMP code points up in the face's cmap (a
 * linear scan each) and gets a 128 KB CIDToGIDMap: 40% of a scorecard's
 * instructions (callgrind) and two 1 KB streams per file.  libharu walks
 * the encoder's code table instead when the encoder is a CMap encoder
 * (to_unicode_fn is HPDF_CMapEncoder_ToUnicode), so this one is: its table
 * holds only the code points the faces have, built once per handle.  The
 * PDF is what the UTF-8 encoder writes (Identity-H, CID = Unicode, the same
 * ToUnicode CMap but for its name), with a CIDToGIDMap ending at the highest code covered
 * (0x25BC with the default faces; any other face works, only slower).
 *
 * Outside the fonts libharu's UTF-8 encoder stays the current one.
 *
 * libharu measures each string it draws (HPDF_Page_ShowText) byte by byte
 * through byte_type_fn and to_unicode_fn, which see one byte: this encoder
 * reports a UTF-8 sequence as one character at its last byte, which for a
 * multi-byte sequence is a continuation byte, mapped to a C1 control (no
 * glyph, default width).  That width is wrong but unused (every string is
 * placed by ps_pdf) and never zero, which ShowText needs to draw at all.
 * libharu also picks the glyphs to embed while measuring, so ps_pdf marks
 * the real ones itself (mark_glyphs). */

/* The fonts' encoder.  Strings outside the page (the info title, the
 * outline) keep libharu's own "UTF-8" encoder, which decodes them right:
 * this one sees only the last byte of each character. */
#define FONT_ENCODER "PS-UTF-8"

/* cid_map/unicode_map are indexed [low byte][high byte] by code.  The keys
 * [b][0] belong to the single bytes libharu measures, so U+0080..U+00FF
 * are keyed in the surrogate row 0xD8, which no character uses. */
#define ENC_ROW_LATIN1 0xD8

static HPDF_ByteType enc_byte_type(HPDF_Encoder e, HPDF_ParseText_Rec *st) {
    (void)e;
    HPDF_UINT i = st->index++;
    if (i + 1 < st->len && (st->text[i + 1] & 0xC0) == 0x80) return HPDF_BYTE_TYPE_TRIAL;
    return HPDF_BYTE_TYPE_SINGLE;
}

/* The next code point of s[0..n) from *i (invalid bytes are skipped);
 * 0 at the end. */
static int next_cp(const char *s, size_t n, size_t *i, int32_t *cp) {
    while (*i < n) {
        utf8proc_ssize_t m = utf8proc_iterate((const utf8proc_uint8_t *)s + *i,
                                              (utf8proc_ssize_t)(n - *i), cp);
        if (m > 0) {
            *i += (size_t)m;
            return 1;
        }
        (*i)++;
    }
    return 0;
}

/* UTF-8 to the UTF-16BE codes of the content stream (CID = Unicode).  The
 * buffer is malloc'ed: libharu releases it with free(). */
static char *enc_encode_text(HPDF_Encoder e, const char *text, HPDF_UINT len,
                             HPDF_UINT *out_len) {
    (void)e;
    unsigned char *out = malloc(2 * (size_t)len + 2);
    *out_len = 0;
    if (!out) return NULL;
    size_t o = 0, i = 0;
    int32_t cp;
    while (next_cp(text, len, &i, &cp)) {
        if (cp > 0xffff) cp = ' ';   /* as libharu's UTF-8 encoder */
        out[o++] = (unsigned char)(cp >> 8);
        out[o++] = (unsigned char)cp;
    }
    *out_len = (HPDF_UINT)o;
    return (char *)out;
}

static HPDF_UINT16 face_gid(ps_pdf *pdf, int face, HPDF_UINT16 cp) {
    return pdf->def[face] ? HPDF_TTFontDef_GetGlyphid(pdf->def[face], cp) : 0;
}

/* Registered on the handle; libharu frees it with the handle. */
static int make_encoder(ps_pdf *pdf) {
    HPDF_Encoder e = HPDF_CMapEncoder_New(pdf->doc->mmgr, (char *)FONT_ENCODER, NULL);
    if (!e) return -1;
    /* not yet a CMap encoder, or AddCMap would key every code 0..FFFF */
    e->to_unicode_fn = NULL;
    static const HPDF_CidRange_Rec cid_range[] = {{0x0000, 0xFFFF, 0}, {0xFFFF, 0xFFFF, 0}};
    const HPDF_CidRange_Rec space = {0x0000, 0xFFFF, 0}, notdef = {0x0000, 0x001F, 1};
    if (HPDF_CMapEncoder_InitAttr(e) != HPDF_OK ||
        HPDF_CMapEncoder_AddCMap(e, cid_range) != HPDF_OK ||
        HPDF_CMapEncoder_AddCodeSpaceRange(e, space) != HPDF_OK ||
        HPDF_CMapEncoder_AddNotDefRange(e, notdef) != HPDF_OK) {
        HPDF_Encoder_Free(e);
        return -1;
    }
    HPDF_CMapEncoderAttr a = e->attr;
    snprintf(a->registry, sizeof a->registry, "Adobe");
    snprintf(a->ordering, sizeof a->ordering, "Identity-H");
    a->suppliment = 0;
    a->writing_mode = HPDF_WMODE_HORIZONTAL;
    a->is_lead_byte_fn = NULL;
    a->is_trial_byte_fn = NULL;
    for (unsigned b = 0x80; b < 0x100; b++) a->unicode_map[b][0] = (HPDF_UNICODE)(0x80 + (b & 0x1f));
    for (unsigned cp = 0x20; cp <= 0xffff; cp++) {
        if (cp == 0x7f || (cp >= 0xd800 && cp <= 0xdfff)) continue;
        if (!face_gid(pdf, 0, (HPDF_UINT16)cp) && !face_gid(pdf, 1, (HPDF_UINT16)cp)) continue;
        unsigned lo = cp & 0xff, hi = cp < 0x80 ? 0 : cp < 0x100 ? ENC_ROW_LATIN1 : cp >> 8;
        a->cid_map[lo][hi] = (HPDF_UINT16)cp;
        a->unicode_map[lo][hi] = (HPDF_UNICODE)cp;
    }
    e->byte_type_fn = enc_byte_type;
    e->to_unicode_fn = HPDF_CMapEncoder_ToUnicode;
    e->encode_text_fn = enc_encode_text;
    e->type = HPDF_ENCODER_TYPE_DOUBLE_BYTE;   /* initialised: no init_fn call */
    return HPDF_Doc_RegisterEncoder(pdf->doc, e) == HPDF_OK ? 0 : -1;
}

static uint32_t be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* NULL if data looks like a TrueType face libharu can parse: libharu 2.3.0
 * reads the table directory without bounds (any other file crashed it). */
static const char *sfnt_problem(const unsigned char *d, size_t n) {
    if (n < 12) return "the font file is too short to be a TrueType font";
    uint32_t v = be32(d);
    if (v != 0x00010000u && v != 0x74727565u /* 'true' */)
        return v == 0x4f54544fu ? "the font is OpenType/CFF; libharu needs TrueType outlines "
                                  "(a .ttf with glyf)"
                                : "the font file is not a TrueType font";
    size_t tables = (size_t)d[4] << 8 | d[5];
    if (!tables || 12 + 16 * tables > n) return "the font's table directory is cut short";
    for (size_t i = 0; i < tables; i++) {
        const unsigned char *t = d + 12 + 16 * i;
        uint64_t off = be32(t + 8), len = be32(t + 12);
        if (off + len > n) return "a table of the font lies beyond the end of the file";
    }
    return NULL;
}

/* The face in path, read into memory and parsed once for the handle; its
 * name for HPDF_GetFont, or NULL (error reported).  Not
 * HPDF_LoadTTFontFromFile: libharu would keep reading the file, seeking
 * before every table and glyph it embeds (680 lseek calls per scorecard,
 * most of the run's system time, strace). */
static const char *load_face(ps_pdf *pdf, const char *path, const char *tag) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        ps_error_set(pdf->err, PS_ECONFIG, path, 0, 0, "cannot open the font file: %s",
                     strerror(errno));
        return NULL;
    }
    unsigned char *data = NULL;
    size_t n = 0, cap = 0;
    int nomem = 0, big = 0;
    for (;;) {
        if (n == cap) {
            if (cap >= (64u << 20)) { big = 1; break; }
            unsigned char *p = ps_realloc(data, cap ? 2 * cap : 1 << 16);
            if (!p) { nomem = 1; break; }
            data = p;
            cap = cap ? 2 * cap : 1 << 16;
        }
        size_t got = fread(data + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (nomem || bad || big || !n) {
        ps_free(data);
        if (nomem) ps_error_set(pdf->err, PS_ENOMEM, path, 0, 0, "out of memory (font)");
        else ps_error_set(pdf->err, PS_ECONFIG, path, 0, 0, "%s", bad ? "cannot read the font file"
                          : big ? "the font file is larger than 64 MB" : "the font file is empty");
        return NULL;
    }
    const char *problem = sfnt_problem(data, n);
    if (problem) {
        ps_free(data);
        ps_error_set(pdf->err, PS_ECONFIG, path, 0, 0, "%s (name a TrueType file in the job's "
                     "fonts or the template's <fonts>)", problem);
        return NULL;
    }
    HPDF_Stream s = HPDF_MemStream_New(pdf->doc->mmgr, (HPDF_UINT)n);
    HPDF_STATUS st = s ? HPDF_Stream_Write(s, data, (HPDF_UINT)n) : HPDF_FAILD_TO_ALLOC_MEM;
    ps_free(data);
    if (st != HPDF_OK) {
        if (s) HPDF_Stream_Free(s);
        ps_error_set(pdf->err, PS_ENOMEM, path, 0, 0, "out of memory (font)");
        return NULL;
    }
    HPDF_FontDef def = HPDF_TTFontDef_Load(pdf->doc->mmgr, s, HPDF_TRUE);   /* owns s */
    if (!def) {
        on_hpdf_error(HPDF_GetError(pdf->doc), HPDF_GetErrorDetail(pdf->doc), pdf);
        return NULL;
    }
    HPDF_FontDef same = HPDF_Doc_FindFontDef(pdf->doc, def->base_font);
    if (same) {   /* both faces from one file */
        HPDF_FontDef_Free(def);
        return same->base_font;
    }
    if (HPDF_Doc_RegisterFontDef(pdf->doc, def) != HPDF_OK) {   /* frees def */
        on_hpdf_error(HPDF_GetError(pdf->doc), HPDF_GetErrorDetail(pdf->doc), pdf);
        return NULL;
    }
    /* the subset prefix libharu gives embedded faces ("HPDFAA+...") */
    HPDF_TTFontDef_SetTagName(def, (char *)tag);
    return def->base_font;
}

static int fail_open(ps_pdf *pdf) {
    int st = pdf->err->status;
    ps_pdf_close(pdf);
    return st ? st : PS_EIO;
}

int ps_pdf_init(ps_pdf *pdf, const ps_layout *L, const char *font_regular,
                const char *font_bold, ps_error *err) {
    memset(pdf, 0, sizeof *pdf);
    pdf->L = L;
    pdf->err = err;
    const char *fonts[2] = {font_regular, font_bold};
    for (int i = 0; i < 2; i++)
        if (!fonts[i] || access(fonts[i], R_OK) != 0)
            return ps_error_set(err, PS_ECONFIG, fonts[i] ? fonts[i] : "", 0, 0,
                                "font file not found or unreadable (install "
                                "fonts-noto-core, or name an existing TrueType "
                                "file in the job or the template <fonts>)");
    pdf->doc = HPDF_New(on_hpdf_error, pdf);
    if (!pdf->doc) return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory (PDF)");
    /* read and parsed once: HPDF_NewDoc keeps a handle's font definitions
     * (it only clears which glyphs a document used) */
    static const char *const tags[2] = {"HPDFAA", "HPDFAB"};
    for (int i = 0; i < 2 && !pdf->failed; i++) {
        snprintf(err->file, sizeof err->file, "%s", fonts[i]);
        pdf->font_name[i] = load_face(pdf, fonts[i], tags[i]);
        pdf->def[i] = pdf->font_name[i] ? HPDF_GetFontDef(pdf->doc, pdf->font_name[i]) : NULL;
        if (!pdf->def[i]) {
            if (!err->status) ps_error_set(err, PS_EIO, fonts[i], 0, 0, "cannot load the font");
            pdf->failed = 1;
        }
    }
    if (pdf->failed) return fail_open(pdf);
    err->file[0] = '\0';
    if (HPDF_UseUTFEncodings(pdf->doc) != HPDF_OK || make_encoder(pdf) != 0) {
        if (!pdf->failed)
            ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory (PDF encoder)");
        pdf->failed = 1;
        return fail_open(pdf);
    }
    pdf->left = L->margin_l;
    pdf->right = L->page_w - L->margin_r;
    pdf->top = L->margin_t;
    pdf->bottom = L->page_h - L->margin_b;
    return PS_OK;
}

int ps_pdf_open(ps_pdf *pdf, const ps_layout *L, const char *font_regular,
                const char *font_bold, int64_t when, const char *title,
                ps_error *err) {
    int rc = ps_pdf_init(pdf, L, font_regular, font_bold, err);
    if (rc == PS_OK && (rc = ps_pdf_next(pdf, when, title)) != PS_OK) ps_pdf_close(pdf);
    return rc;
}

int ps_pdf_next(ps_pdf *pdf, int64_t when, const char *title) {
    if (pdf->doc_no++ > 0) {
        /* a failed document does not stop the handle: the caller decides */
        pdf->failed = 0;
        HPDF_ResetError(pdf->doc);
        if (HPDF_NewDoc(pdf->doc) != HPDF_OK && !pdf->failed)
            return ps_error_set(pdf->err, PS_ENOMEM, NULL, 0, 0, "out of memory (PDF)");
    }
    pdf->page = pdf->gs_page = NULL;
    pdf->page_no = pdf->n_pages = 0;
    pdf->on_page = NULL;   /* set by the report for this document */
    pdf->on_page_ctx = NULL;
    HPDF_SetCompressionMode(pdf->doc, HPDF_COMP_ALL);
    HPDF_SetCurrentEncoder(pdf->doc, "UTF-8");
    pdf->reg = HPDF_GetFont(pdf->doc, pdf->font_name[0], FONT_ENCODER);
    pdf->bold = HPDF_GetFont(pdf->doc, pdf->font_name[1], FONT_ENCODER);
    if ((!pdf->reg || !pdf->bold) && !pdf->failed) {
        pdf->failed = 1;
        ps_error_set(pdf->err, PS_EIO, NULL, 0, 0, "cannot create the PDF fonts");
    }
    if (pdf->failed) return pdf->err->status ? pdf->err->status : PS_EIO;
    set_date(pdf->doc, HPDF_INFO_CREATION_DATE, when);
    set_date(pdf->doc, HPDF_INFO_MOD_DATE, when);
    HPDF_SetInfoAttr(pdf->doc, HPDF_INFO_PRODUCER, "parscore " PS_VERSION);
    if (title) HPDF_SetInfoAttr(pdf->doc, HPDF_INFO_TITLE, ps_pdf_nfc(pdf, title));
    return pdf->failed ? pdf->err->status : PS_OK;
}

int ps_pdf_save(ps_pdf *pdf, const char *path) {
    if (pdf->failed) return pdf->err->status;
    if (HPDF_SaveToStream(pdf->doc) != HPDF_OK || pdf->failed)
        return pdf->failed ? pdf->err->status
                           : ps_error_set(pdf->err, PS_EIO, path, 0, 0, "cannot build the PDF");
    HPDF_UINT32 size = HPDF_GetStreamSize(pdf->doc);
    unsigned char *buf = ps_malloc(size);
    if (!buf) return ps_error_set(pdf->err, PS_ENOMEM, path, 0, 0, "out of memory");
    HPDF_ResetStream(pdf->doc);
    HPDF_UINT32 got = 0;
    while (got < size && !pdf->failed) {
        HPDF_UINT32 n = size - got;
        HPDF_STATUS st = HPDF_ReadFromStream(pdf->doc, buf + got, &n);
        got += n;
        if (st != HPDF_OK || n == 0) break;
    }
    int rc;
    if (got != size) {
        pdf->failed = 1;
        rc = ps_error_set(pdf->err, PS_EIO, path, 0, 0,
                          "cannot read back the PDF stream (%u of %u bytes)",
                          (unsigned)got, (unsigned)size);
    } else {
        rc = pdf->staged ? ps_write_file_staged(path, buf, size, pdf->err)
                         : ps_write_file_atomic(path, buf, size, pdf->err);
    }
    ps_free(buf);
    return rc;
}

void ps_pdf_close(ps_pdf *pdf) {
    if (pdf->doc) HPDF_Free(pdf->doc);
    pdf->doc = NULL;
    ps_free(pdf->nfc);
    pdf->nfc = NULL;
    ps_free(pdf->pages);
    pdf->pages = NULL;
    pdf->pages_cap = 0;
    for (int p = 0; p < 256; p++) {
        ps_free(pdf->widths[0][p]);
        ps_free(pdf->widths[1][p]);
        ps_free(pdf->glyph_ok[p]);
        ps_free(pdf->marked[0][p]);
        ps_free(pdf->marked[1][p]);
        pdf->marked[0][p] = pdf->marked[1][p] = NULL;
        pdf->widths[0][p] = pdf->widths[1][p] = NULL;
        pdf->glyph_ok[p] = NULL;
    }
    pdf->nfc_cap = 0;
}

void ps_pdf_begin(ps_pdf *pdf) {
    pdf->n_pages = 0;
    pdf->page_no = 0;
    pdf->page = NULL;
    ps_pdf_new_page(pdf);
}

void ps_pdf_new_page(ps_pdf *pdf) {
    pdf->page_no++;
    pdf->gs_page = NULL;
    pdf->page = HPDF_AddPage(pdf->doc);
    if (pdf->page) {
        HPDF_Page_SetWidth(pdf->page, (HPDF_REAL)pdf->L->page_w);
        HPDF_Page_SetHeight(pdf->page, (HPDF_REAL)pdf->L->page_h);
    }
    if ((size_t)pdf->page_no > pdf->pages_cap) {
        size_t cap = pdf->pages_cap ? 2 * pdf->pages_cap : 8;
        HPDF_Page *p = ps_realloc(pdf->pages, cap * sizeof *p);
        if (!p) {
            if (!pdf->failed)
                ps_error_set(pdf->err, PS_ENOMEM, NULL, 0, 0, "out of memory (PDF pages)");
            pdf->failed = 1;
            pdf->page = NULL;
        } else {
            pdf->pages = p;
            pdf->pages_cap = cap;
        }
    }
    if ((size_t)pdf->page_no <= pdf->pages_cap) pdf->pages[pdf->page_no - 1] = pdf->page;
    pdf->y = pdf->top;
    if (pdf->on_page) pdf->on_page(pdf, pdf->on_page_ctx);
}

void ps_pdf_each_page(ps_pdf *pdf, ps_page_fn fn, void *ctx) {
    if (pdf->failed) return;
    int n = pdf->page_no;
    for (int i = 0; i < n; i++) {
        pdf->page = pdf->pages[i];
        pdf->gs_page = NULL;
        pdf->page_no = i + 1;
        pdf->n_pages = n;
        fn(pdf, ctx);
    }
}

int ps_pdf_need(ps_pdf *pdf, double h) {
    if (pdf->y + h <= pdf->bottom) return 0;
    ps_pdf_new_page(pdf);
    return 1;
}

/* ---- text ------------------------------------------------------------ */

/* Stand-ins for symbols the Noto text faces lack (they have no math
 * block): drawn as a tofu box otherwise. */
static const char *fallback(int32_t cp) {
    switch (cp) {
    case 0x2265: return ">=";
    case 0x2264: return "<=";
    case 0x2260: return "!=";
    case 0x2212: return "-";
    case 0x2192: return "->";
    case 0x2190: return "<-";
    case 0x25B2: return "^";
    case 0x25BC: return "v";
    default: return "?";
    }
}

static int has_glyph(ps_pdf *pdf, int32_t cp) {
    if (cp < 0x80) return 1;
    if (cp > 0xffff) return 0;   /* libharu 2.3.0 maps the BMP only */
    uint8_t **page = &pdf->glyph_ok[cp >> 8];
    if (!*page && !(*page = ps_calloc(256, 1))) return 1;
    uint8_t *v = &(*page)[cp & 255];
    if (!*v) {
        *v = 1;
        for (int i = 0; i < 2; i++)
            if (pdf->def[i] && HPDF_TTFontDef_GetGlyphid(pdf->def[i], (HPDF_UINT16)cp) == 0)
                *v = 2;
    }
    return *v == 1;
}

int ps_pdf_has_glyph(ps_pdf *pdf, int32_t cp) { return has_glyph(pdf, cp); }

/* utf8proc's NFC of s (malloc'ed, NULL when out of memory), invalid UTF-8
 * bytes turned into "?" first: utf8proc refuses the whole string
 * otherwise, and one bad byte should not blank a name. */
static char *nfc_dup(const char *s) {
    char *clean = NULL;
    for (size_t i = 0; s[i];) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t m = utf8proc_iterate((const utf8proc_uint8_t *)s + i, -1, &cp);
        if (m > 0) { i += (size_t)m; continue; }
        if (!clean && !(clean = ps_strdup(s))) return NULL;
        clean[i++] = '?';
        while (clean[i] && ((unsigned char)clean[i] & 0xC0) == 0x80) clean[i++] = '?';
        s = clean;
    }
    utf8proc_uint8_t *n = utf8proc_NFC((const utf8proc_uint8_t *)s);
    ps_free(clean);
    return (char *)n;
}

static int is_plain_ascii(const char *s) {
    while (*s >= 0x20 && *s < 0x7f) s++;
    return !*s;
}

/* 1 if s is valid UTF-8 made only of characters that NFC leaves alone
 * whatever surrounds them: starters with no decomposition that changes
 * under NFC and that never compose with the character before them.  Those
 * are ASCII, Latin-1 to Latin Extended-B, Latin Extended Additional (the
 * precomposed Vietnamese letters), general punctuation but U+2000/U+2001
 * (singletons), currency signs, the arrows and shapes the faces carry.
 * Anything else (combining marks above all) goes through utf8proc: most
 * texts of a card are names and code lists composed on the fly, which no
 * cache holds, and utf8proc_NFC was a fifth of the layout's time. */
static int is_nfc_quick(const char *s) {
    for (size_t i = 0; s[i];) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t m = utf8proc_iterate((const utf8proc_uint8_t *)s + i, -1, &cp);
        if (m <= 0) return 0;
        i += (size_t)m;
        if (cp < 0x80 || (cp >= 0xa0 && cp <= 0x24f) || (cp >= 0x1e00 && cp <= 0x1eff) ||
            (cp >= 0x2002 && cp <= 0x206f) || (cp >= 0x20a0 && cp <= 0x20bf) ||
            (cp >= 0x2190 && cp <= 0x2199) || (cp >= 0x25a0 && cp <= 0x25ff))
            continue;
        return 0;
    }
    return 1;
}

static const char *cache_find(const ps_nfc_cache *c, const char *s) {
    if (!c || !c->n) return NULL;
    size_t len = strlen(s);
    uint64_t h = ps_hash64(s, len);
    for (size_t i = (size_t)h & (c->cap - 1);; i = (i + 1) & (c->cap - 1)) {
        const ps_nfc_slot *e = &c->slots[i];
        if (!e->key) return NULL;
        if (e->hash == h && !strcmp(e->key, s)) return e->nfc;
    }
}

int ps_nfc_cache_add(ps_nfc_cache *c, const char *s) {
    if (!s || is_nfc_quick(s) || cache_find(c, s)) return PS_OK;
    if (2 * (c->n + 1) > c->cap) {   /* at most half full */
        size_t cap = c->cap ? 2 * c->cap : 256;
        ps_nfc_slot *slots = ps_calloc(cap, sizeof *slots);
        if (!slots) return PS_ENOMEM;
        for (size_t i = 0; i < c->cap; i++) {
            if (!c->slots[i].key) continue;
            size_t j = (size_t)c->slots[i].hash & (cap - 1);
            while (slots[j].key) j = (j + 1) & (cap - 1);
            slots[j] = c->slots[i];
        }
        ps_free(c->slots);
        c->slots = slots;
        c->cap = cap;
    }
    ps_nfc_slot e = {ps_strdup(s), nfc_dup(s), ps_hash64(s, strlen(s))};
    if (!e.key || !e.nfc) {
        ps_free(e.key);
        free(e.nfc);
        return PS_ENOMEM;
    }
    size_t i = (size_t)e.hash & (c->cap - 1);
    while (c->slots[i].key) i = (i + 1) & (c->cap - 1);
    c->slots[i] = e;
    c->n++;
    return PS_OK;
}

void ps_nfc_cache_free(ps_nfc_cache *c) {
    for (size_t i = 0; i < c->cap; i++) {
        ps_free(c->slots[i].key);
        free(c->slots[i].nfc);   /* from utf8proc: malloc */
    }
    ps_free(c->slots);
    memset(c, 0, sizeof *c);
}

const char *ps_pdf_nfc(ps_pdf *pdf, const char *s) {
    if (!s) s = "";
    /* printable ASCII is already NFC and in every face: skip utf8proc (its
     * allocation per call showed in profiles; codes and numbers are ASCII) */
    if (is_plain_ascii(s)) {
        size_t k = strlen(s);
        if (k + 1 > pdf->nfc_cap) {
            char *p = ps_realloc(pdf->nfc, (k + 1) * 2);
            if (!p) return "";
            pdf->nfc = p;
            pdf->nfc_cap = (k + 1) * 2;
        }
        memcpy(pdf->nfc, s, k + 1);
        return pdf->nfc;
    }
    const char *cached = is_nfc_quick(s) ? s : cache_find(pdf->nfc_cache, s);
    char *n = cached ? NULL : nfc_dup(s);
    const char *src = cached ? cached : n ? n : "?";
    size_t len = strlen(src);
    /* worst case every 3-byte symbol becomes 2 ASCII bytes: len + 1 is enough */
    if (len + 1 > pdf->nfc_cap) {
        char *p = ps_realloc(pdf->nfc, (len + 1) * 2);
        if (!p) { free(n); return ""; }
        pdf->nfc = p;
        pdf->nfc_cap = (len + 1) * 2;
    }
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        utf8proc_ssize_t m = utf8proc_iterate((const utf8proc_uint8_t *)src + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (m <= 0) { pdf->nfc[o++] = '?'; i++; continue; }
        if (cp < 0x20 && cp != '\n') { pdf->nfc[o++] = ' '; i += (size_t)m; continue; }
        if (has_glyph(pdf, cp)) {
            memcpy(pdf->nfc + o, src + i, (size_t)m);
            o += (size_t)m;
        } else {
            const char *f = fallback(cp);
            size_t fl = strlen(f);
            memcpy(pdf->nfc + o, f, fl);
            o += fl;
        }
        i += (size_t)m;
    }
    pdf->nfc[o] = '\0';
    free(n);   /* utf8proc allocates with malloc */
    return pdf->nfc;
}

/* Width of n bytes of NFC text: the sum of the glyph advances, as libharu
 * itself computes it for CID fonts (no kerning), from a per-handle cache. */
static double raw_width(ps_pdf *pdf, HPDF_Font f, double size, const char *s, size_t n) {
    int face = f == pdf->bold ? 1 : 0;
    long sum = 0;
    size_t i = 0;
    int32_t cp;
    while (next_cp(s, n, &i, &cp)) {
        if (cp > 0xffff) continue;
        int16_t **page = &pdf->widths[face][cp >> 8];
        if (!*page) {
            *page = ps_malloc(256 * sizeof **page);
            if (!*page) return 0;
            for (int k = 0; k < 256; k++) (*page)[k] = -1;
        }
        int16_t *w = &(*page)[cp & 255];
        /* not HPDF_Font_GetUnicodeWidth: it marks the glyph for embedding,
         * and this cache lives across documents */
        if (*w < 0) {
            HPDF_FontDef def = pdf->def[face];
            *w = def ? (int16_t)HPDF_TTFontDef_GetGidWidth(
                           def, HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)cp))
                     : 0;
        }
        sum += *w;
    }
    return (double)sum * size / 1000.0;
}

double ps_pdf_width(ps_pdf *pdf, HPDF_Font f, double size, const char *s) {
    const char *t = ps_pdf_nfc(pdf, s);
    return raw_width(pdf, f, size, t, strlen(t));
}

/* Byte length of the grapheme cluster starting at s (>= 1 unless at end). */
static size_t cluster_len(const char *s) {
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    /* two ASCII characters always break (but CR LF): most text is ASCII
     * codes and numbers, and utf8proc per character showed in profiles */
    if (p[0] && p[0] < 0x80 && p[1] < 0x80 && !(p[0] == '\r' && p[1] == '\n')) return 1;
    utf8proc_int32_t cp, prev;
    utf8proc_ssize_t n = utf8proc_iterate(p, -1, &prev);
    if (n <= 0) return *s ? 1 : 0;
    size_t len = (size_t)n;
    utf8proc_int32_t state = 0;
    while (p[len]) {
        utf8proc_ssize_t m = utf8proc_iterate(p + len, -1, &cp);
        if (m <= 0) break;
        if (utf8proc_grapheme_break_stateful(prev, cp, &state)) break;
        len += (size_t)m;
        prev = cp;
    }
    return len;
}

double ps_pdf_line_h(double size) { return size * 1.32; }

/* The page's graphics state as last set, forgotten on every page switch
 * (a new document may even reuse a freed page's address). */
static void gs_sync(ps_pdf *pdf) {
    if (pdf->gs_page == pdf->page) return;
    pdf->gs_page = pdf->page;
    pdf->gs_font = NULL;
    pdf->gs_size = pdf->gs_lw = -1;
    pdf->gs_fill = pdf->gs_stroke = PS_NO_COLOUR;
}

static void rgb(ps_pdf *pdf, uint32_t c, int fill) {
    gs_sync(pdf);
    if (c == (fill ? pdf->gs_fill : pdf->gs_stroke)) return;
    HPDF_REAL r = ((c >> 16) & 255) / 255.0f, g = ((c >> 8) & 255) / 255.0f,
              b = (c & 255) / 255.0f;
    if (fill) HPDF_Page_SetRGBFill(pdf->page, r, g, b), pdf->gs_fill = c;
    else HPDF_Page_SetRGBStroke(pdf->page, r, g, b), pdf->gs_stroke = c;
}

static void line_width(ps_pdf *pdf, double lw) {
    gs_sync(pdf);
    if (lw == pdf->gs_lw) return;
    HPDF_Page_SetLineWidth(pdf->page, (HPDF_REAL)lw);
    pdf->gs_lw = lw;
}

/* the font is text state, kept across text objects */
static void font(ps_pdf *pdf, HPDF_Font f, double size) {
    gs_sync(pdf);
    if (f == pdf->gs_font && size == pdf->gs_size) return;
    HPDF_Page_SetFontAndSize(pdf->page, f, (HPDF_REAL)size);
    pdf->gs_font = f;
    pdf->gs_size = size;
}

/* Tell libharu which glyphs of the face this document draws (it embeds only
 * those): once per code point and document, see the encoder above. */
static void mark_glyphs(ps_pdf *pdf, int face, const char *s, size_t n) {
    HPDF_FontDef def = pdf->def[face];
    size_t i = 0;
    int32_t cp;
    while (next_cp(s, n, &i, &cp)) {
        if (cp < 0x80 || cp > 0xffff) continue;   /* ASCII: libharu marks it */
        uint32_t **page = &pdf->marked[face][cp >> 8];
        if (!*page && !(*page = ps_calloc(256, sizeof **page))) return;
        uint32_t *v = &(*page)[cp & 255];
        if (*v == pdf->doc_no) continue;
        *v = pdf->doc_no;
        HPDF_TTFontDef_GetCharWidth(def, (HPDF_UINT16)cp);
    }
}

static void draw_run(ps_pdf *pdf, HPDF_Font f, double size, uint32_t colour,
                     double x, double y, double w, ps_align al, const char *s,
                     size_t n, double width) {
    if (!pdf->page || !n) return;
    char stack[512];
    char *buf = n < sizeof stack ? stack : ps_malloc(n + 1);
    if (!buf) return;
    memcpy(buf, s, n);
    buf[n] = '\0';
    double tx = al == PS_AL_LEFT ? x : al == PS_AL_RIGHT ? x + w - width
                                                          : x + (w - width) / 2;
    mark_glyphs(pdf, f == pdf->bold ? 1 : 0, buf, n);
    HPDF_Page p = pdf->page;
    HPDF_Page_BeginText(p);
    font(pdf, f, size);
    rgb(pdf, colour, 1);
    HPDF_Page_TextOut(p, (HPDF_REAL)tx,
                      (HPDF_REAL)(pdf->L->page_h - (y + size * 1.02)), buf);
    HPDF_Page_EndText(p);
    if (buf != stack) ps_free(buf);
}

void ps_pdf_text(ps_pdf *pdf, HPDF_Font f, double size, uint32_t colour,
                 double x, double y, double w, ps_align al, const char *s) {
    const char *t = ps_pdf_nfc(pdf, s);
    size_t n = strlen(t);
    double width = raw_width(pdf, f, size, t, n);
    if (width > w) {
        /* truncate cluster by cluster until the text and "…" fit */
        double ew = raw_width(pdf, f, size, ELLIPSIS, 3), acc = 0;
        size_t keep = 0;
        while (keep < n) {
            size_t c = cluster_len(t + keep);
            double cw = raw_width(pdf, f, size, t + keep, c);
            if (acc + cw + ew > w) break;
            acc += cw;
            keep += c;
        }
        char *buf = ps_malloc(keep + 4);
        if (!buf) return;
        memcpy(buf, t, keep);
        memcpy(buf + keep, ELLIPSIS, 4);
        draw_run(pdf, f, size, colour, x, y, w, al, buf, keep + 3, acc + ew);
        ps_free(buf);
        return;
    }
    draw_run(pdf, f, size, colour, x, y, w, al, t, n, width);
}

typedef struct wrap_rec {      /* where the lines went, for ps_pdf_wrap_lines */
    size_t *starts, *lens;
    int max;
    char *norm;
    size_t norm_size;
} wrap_rec;

/* mode 0: count lines, 1: draw from y, 2: flow from pdf->y with page breaks */
static int wrap_impl(ps_pdf *pdf, HPDF_Font f, double size, uint32_t colour,
                     double x, double y, double w, ps_align al, const char *s,
                     int mode, wrap_rec *rec) {
    char *t = ps_strdup(ps_pdf_nfc(pdf, s));
    if (!t) return 1;
    if (rec && rec->norm) snprintf(rec->norm, rec->norm_size, "%s", t);
    size_t n = strlen(t), start = 0;
    int lines = 0;
    double lh = ps_pdf_line_h(size);
    while (start < n || lines == 0) {
        /* find the longest run from start that fits, preferring a space */
        size_t i = start, brk = 0, resume = 0, end = n;
        double acc = 0;
        int hard = 0;
        while (i < n) {
            if (t[i] == '\n') { end = i; resume = i + 1; hard = 1; break; }
            size_t c = cluster_len(t + i);
            double cw = raw_width(pdf, f, size, t + i, c);
            if (acc + cw > w && i > start) {
                if (t[i] == ' ') { end = i; resume = i + 1; }   /* a space may hang */
                else if (brk > start) { end = brk; }             /* resume = brk + 1 */
                else { end = i; resume = i; }                    /* inside a long word */
                break;
            }
            if (t[i] == ' ') { brk = i; resume = i + 1; }
            acc += cw;
            i += c;
        }
        if (i >= n && !hard) { end = n; resume = n; }
        size_t e = end;
        while (e > start && t[e - 1] == ' ') e--;
        /* a paragraph taller than the page (pathological input) is cut at
         * the page bottom rather than drawn over the footer */
        if (mode == 1 && y + (lines + 1) * lh <= pdf->bottom + 0.5)
            draw_run(pdf, f, size, colour, x, y + lines * lh, w, al, t + start,
                     e - start, raw_width(pdf, f, size, t + start, e - start));
        else if (mode == 2) {
            ps_pdf_need(pdf, lh);
            draw_run(pdf, f, size, colour, x, pdf->y, w, al, t + start,
                     e - start, raw_width(pdf, f, size, t + start, e - start));
            pdf->y += lh;
        }
        if (rec && lines < rec->max) {
            rec->starts[lines] = start;
            rec->lens[lines] = e - start;
        }
        lines++;
        if (resume <= start && !hard) resume = end > start ? end : n;
        start = resume;
        while (start < n && t[start] == ' ') start++;
        if (hard && start >= n) break;
    }
    ps_free(t);
    return lines;
}

int ps_pdf_wrap(ps_pdf *pdf, HPDF_Font f, double size, uint32_t colour,
                double x, double y, double w, ps_align al, const char *s,
                int draw) {
    return wrap_impl(pdf, f, size, colour, x, y, w, al, s, draw ? 1 : 0, NULL);
}

int ps_pdf_wrap_lines(ps_pdf *pdf, HPDF_Font f, double size, double w, const char *s,
                      char *norm, size_t norm_size, size_t *starts, size_t *lens,
                      int max) {
    wrap_rec rec = {starts, lens, max, norm, norm_size};
    return wrap_impl(pdf, f, size, 0, 0, 0, w, PS_AL_LEFT, s, 0, &rec);
}

double ps_pdf_balanced_width(ps_pdf *pdf, HPDF_Font f, double size, double w,
                             const char *s) {
    int n = ps_pdf_wrap(pdf, f, size, 0, 0, 0, w, PS_AL_LEFT, s, 0);
    if (n < 2) return w;
    double lo = w / n, hi = w;     /* narrowest width that keeps n lines */
    for (int i = 0; i < 12; i++) {
        double mid = (lo + hi) / 2;
        if (ps_pdf_wrap(pdf, f, size, 0, 0, 0, mid, PS_AL_LEFT, s, 0) > n) lo = mid;
        else hi = mid;
    }
    return hi + 0.5;
}

void ps_pdf_flow(ps_pdf *pdf, HPDF_Font f, double size, uint32_t colour,
                 double x, double w, const char *s) {
    wrap_impl(pdf, f, size, colour, x, 0, w, PS_AL_LEFT, s, 2, NULL);
}

/* ---- shapes ---------------------------------------------------------- */

void ps_pdf_rect(ps_pdf *pdf, double x, double y, double w, double h,
                 uint32_t fill, uint32_t stroke, double lw) {
    if (!pdf->page) return;
    HPDF_Page p = pdf->page;
    /* colours first: libharu refuses them once a path is open */
    if (fill != PS_NO_COLOUR) rgb(pdf, fill, 1);
    if (stroke != PS_NO_COLOUR) {
        rgb(pdf, stroke, 0);
        line_width(pdf, lw);
    }
    HPDF_Page_Rectangle(p, (HPDF_REAL)x, (HPDF_REAL)(pdf->L->page_h - y - h),
                        (HPDF_REAL)w, (HPDF_REAL)h);
    if (fill != PS_NO_COLOUR && stroke != PS_NO_COLOUR) HPDF_Page_FillStroke(p);
    else if (fill != PS_NO_COLOUR) HPDF_Page_Fill(p);
    else HPDF_Page_Stroke(p);
}

void ps_pdf_line(ps_pdf *pdf, double x1, double y1, double x2, double y2,
                 uint32_t colour, double lw) {
    if (!pdf->page) return;
    HPDF_Page p = pdf->page;
    rgb(pdf, colour, 0);
    line_width(pdf, lw);
    HPDF_Page_MoveTo(p, (HPDF_REAL)x1, (HPDF_REAL)(pdf->L->page_h - y1));
    HPDF_Page_LineTo(p, (HPDF_REAL)x2, (HPDF_REAL)(pdf->L->page_h - y2));
    HPDF_Page_Stroke(p);
}

void ps_pdf_triangle(ps_pdf *pdf, double x, double y, double s, int up,
                     uint32_t colour) {
    if (!pdf->page) return;
    HPDF_Page p = pdf->page;
    double H = pdf->L->page_h;
    rgb(pdf, colour, 1);
    if (up) {
        HPDF_Page_MoveTo(p, (HPDF_REAL)x, (HPDF_REAL)(H - y - s));
        HPDF_Page_LineTo(p, (HPDF_REAL)(x + s), (HPDF_REAL)(H - y - s));
        HPDF_Page_LineTo(p, (HPDF_REAL)(x + s / 2), (HPDF_REAL)(H - y));
    } else {
        HPDF_Page_MoveTo(p, (HPDF_REAL)x, (HPDF_REAL)(H - y));
        HPDF_Page_LineTo(p, (HPDF_REAL)(x + s), (HPDF_REAL)(H - y));
        HPDF_Page_LineTo(p, (HPDF_REAL)(x + s / 2), (HPDF_REAL)(H - y - s));
    }
    HPDF_Page_ClosePath(p);
    HPDF_Page_Fill(p);
}
