/*
 * portal_xml.c -- source plugin for the National Public Service Portal
 * (Cổng DVCQG) XML export (FORMATS.md section 2).
 *
 * Streams the export through libxml2's SAX2 push parser, fed in chunks
 * from the file, so memory stays constant on a multi-GB file: <CongKhai>
 * becomes a ps_publicity, <HoSo> a ps_dossier, <PhanAnhKienNghi> a
 * ps_feedback, handed to the core in batches.  The handlers check what
 * the shipped XSD (dvcqg-export.xsd) states -- namespace, root, the
 * elements and attributes each parent allows, required fields, integer
 * ranges, each HoSo field at most once, no text where the schema has
 * element-only or empty content -- so a malformed export is refused
 * without running the schema.  `validate = true` also plugs the full XSD
 * into the same parse (xmlSchemaSAXPlug); `parscore validate` does that
 * for a file alone.
 *
 * Why SAX and not xmlTextReader (which the reader used until 2026-12):
 * the reader builds and frees a node per element, and XSD validation
 * took about half of the XML path; on parscore-gen province data (1M
 * dossiers, 224 MB) reader + XSD was 3.3x `xmllint --stream --noout`,
 * this reader is measured in docs/sources-portal.md.  Names are compared
 * by pointer (interned in the parser's dictionary), a field's text goes
 * into one reused buffer, strings of a batch live in an arena: no
 * allocation per element.
 *
 * Security: no network, no DTD loading, no entity substitution, HUGE off,
 * the declared encoding ignored (the input must be UTF-8); a DOCTYPE is
 * refused before libxml2 parses it (a portal export never has one), a
 * UTF-16 file before parsing starts, values longer than PX_MAX_VALUE and
 * nesting deeper than the format are refused.  Only the public plugin
 * header is used.
 */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlschemas.h>

#include "parscore/plugin.h"

#define PX_NS "urn:vn:dvcqg:xuatdulieu:1"
#define PX_XSI "http://www.w3.org/2001/XMLSchema-instance"
#define PX_SCHEMA_FILE "dvcqg-export.xsd"
#define PX_BATCH 256
#define PX_MAX_DEPTH 64              /* the format needs 3 */
#define PX_MAX_VALUE PS_VALUE_MAX     /* longest text or attribute value: the shared limit */
#define PX_BLOCK 65536               /* batch arena block size */
#define PX_CHUNK (256 * 1024)        /* bytes handed to the parser at once */
#define PX_ADVICE "fix or re-export the file (parscore validate FILE checks it " \
                  "against " PX_SCHEMA_FILE ")"

typedef struct px_config {
    char *path;
    int validate;
    char *schema;
    char *province;
} px_config;

/* ---- batch arena: strings live until the batch is emitted ------------ */
typedef struct px_block {
    struct px_block *next;
    size_t cap, used;
    char data[];
} px_block;

typedef struct px_arena {
    px_block *head;
} px_arena;

static char *px_arena_strndup(px_arena *a, const char *s, size_t n)
{
    px_block *b = a->head;
    if (!b || b->cap - b->used < n + 1) {
        size_t cap = n + 1 > PX_BLOCK ? n + 1 : PX_BLOCK;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->cap = cap;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    char *p = b->data + b->used;
    memcpy(p, s, n);
    p[n] = '\0';
    b->used += n + 1;
    return p;
}

/* Keep one ordinary block for the next batch, free the rest. */
static void px_arena_reset(px_arena *a)
{
    px_block *keep = NULL;
    for (px_block *b = a->head, *next; b; b = next) {
        next = b->next;
        if (!keep && b->cap == PX_BLOCK) {
            keep = b;
        } else {
            free(b);
        }
    }
    if (keep) {
        keep->used = 0;
        keep->next = NULL;
    }
    a->head = keep;
}

static void px_arena_free(px_arena *a)
{
    for (px_block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    a->head = NULL;
}

/* ---- the format, as dvcqg-export.xsd states it ------------------------- */
/* HoSo children (xs:all: any order, each at most once), with where the
 * value goes in the ps_dossier and what it must be. */
enum { T_CODE, T_TEXT, T_INT, T_APOLOGY };

#define PX_FIELD_LIST(X)                                                         \
    X(F_MA_HO_SO, "MaHoSo", 1, T_CODE, 0, 0, code)                               \
    X(F_MA_TTHC, "MaTTHC", 1, T_CODE, 0, 0, procedure_code)                      \
    X(F_MA_DON_VI, "MaDonViTiepNhan", 1, T_CODE, 0, 0, unit_code)                \
    X(F_KENH, "KenhThucHien", 1, T_INT, 1, 3, channel)                           \
    X(F_MUC_DO, "MucDo", 0, T_INT, 1, 4, online_level)                           \
    X(F_TRANG_THAI, "TrangThaiHoSo", 1, T_INT, 1, 10, status)                    \
    X(F_NGAY_TIEP_NHAN, "NgayTiepNhan", 1, T_TEXT, 0, 0, received_at)            \
    X(F_NGAY_HEN_TRA, "NgayHenTra", 0, T_TEXT, 0, 0, due_at)                     \
    X(F_NGAY_KET_THUC, "NgayKetThucXuLy", 0, T_TEXT, 0, 0, finished_at)          \
    X(F_NGAY_TRA, "NgayTra", 0, T_TEXT, 0, 0, returned_at)                       \
    X(F_THANH_TOAN, "DuocThanhToanTrucTuyen", 0, T_INT, 0, 1, paid_online)       \
    X(F_SO_HOA_TP, "HoSoCoThanhPhanSoHoa", 0, T_INT, 0, 1, digitized_input)      \
    X(F_KET_QUA_SO_HOA, "KetQuaSoHoa", 0, T_INT, 0, 1, digitized_result)         \
    X(F_DONG_BO, "DongBoDungHan", 0, T_INT, 0, 1, synced)                        \
    X(F_XIN_LOI, "PhieuXinLoi", 0, T_APOLOGY, 0, 0, apology_at)                  \
    X(F_DANH_GIA, "DanhGia", 0, T_INT, 1, 4, rating)

enum {
#define PX_FIELD_ENUM_(id, name, req, type, lo, hi, member) id,
    PX_FIELD_LIST(PX_FIELD_ENUM_)
#undef PX_FIELD_ENUM_
    F__COUNT
};

static const struct {
    const char *name;
    int required, type;
    long lo, hi;
    size_t offset;              /* into ps_dossier: an int or a const char * */
} px_fields[F__COUNT] = {
#define PX_FIELD_DEF_(id, name, req, type, lo, hi, member) \
    {name, req, type, lo, hi, offsetof(ps_dossier, member)},
    PX_FIELD_LIST(PX_FIELD_DEF_)
#undef PX_FIELD_DEF_
};

/* "MaHoSo, MaTTHC, ..., DanhGia, " for messages */
#define PX_FIELD_NAME_(id, name, req, type, lo, hi, member) name ", "
static const char px_field_names[] = PX_FIELD_LIST(PX_FIELD_NAME_);
#undef PX_FIELD_NAME_

/* Attributes, per element.  A_CODE: required, not blank (the schema's
 * Ma); A_REQ: required; A_OPT: optional; A_COUNT: required non-negative
 * integer; A_FLAG: optional 0/1. */
enum { A_CODE, A_REQ, A_OPT, A_COUNT, A_FLAG };
enum { E_ROOT, E_CONG_KHAI, E_HO_SO, E_PAKN, E_XIN_LOI, E__COUNT };
#define PX_MAX_ATTRS 7

static const struct {
    const char *name;
    size_t n;
    struct {
        const char *name;
        int kind;
    } attr[PX_MAX_ATTRS];
} px_elements[E__COUNT] = {
    [E_ROOT] = {"DuLieuCongDVCQG", 4,
                {{"MaTinh", A_CODE}, {"TuNgay", A_REQ}, {"DenNgay", A_REQ}, {"NgayXuat", A_OPT}}},
    [E_CONG_KHAI] = {"CongKhai", 7,
                     {{"MaDonVi", A_CODE},
                      {"TTHCPhaiCongBo", A_COUNT},
                      {"TTHCCongBoDungHan", A_COUNT},
                      {"TTHCPhaiCapNhat", A_COUNT},
                      {"TTHCCapNhatDungHan", A_COUNT},
                      {"TTHCCongKhai", A_COUNT},
                      {"TTHCCongKhaiDayDu", A_COUNT}}},
    [E_HO_SO] = {"HoSo", 0, {{NULL, 0}}},
    [E_PAKN] = {"PhanAnhKienNghi", 6,
                {{"MaPAKN", A_CODE},
                 {"MaDonVi", A_CODE},
                 {"NgayTiepNhan", A_REQ},
                 {"HanXuLy", A_REQ},
                 {"NgayXuLy", A_OPT},
                 {"HaiLong", A_FLAG}}},
    [E_XIN_LOI] = {"PhieuXinLoi", 2, {{"NgayLap", A_REQ}, {"NgayHenTraMoi", A_OPT}}},
};

/* Where the parse is: the format is three levels deep. */
enum {
    C_PROLOG,   /* before the root */
    C_ROOT,     /* in DuLieuCongDVCQG: element-only content */
    C_EMPTY,    /* in CongKhai or PhanAnhKienNghi: empty content */
    C_HOSO,     /* in HoSo: element-only content */
    C_FIELD,    /* in a HoSo field: text only */
    C_APOLOGY,  /* in PhieuXinLoi: text only, not kept */
    C_AFTER     /* the root is closed */
};

/* ---- prolog scan: refuse a DOCTYPE before libxml2 parses it ------------ */
/* libxml2 2.9.14 parses a DOCTYPE's internal subset (entity declarations)
 * as soon as it has the bytes, so the refusal happens on the bytes: only
 * the prolog (before the root tag) is scanned, a few hundred bytes, then
 * the scanner is off.  A comment or processing instruction in the prolog
 * is skipped; `<!` anything else is refused. */
enum { SC_TEXT, SC_LT, SC_PI, SC_PI_Q, SC_BANG, SC_BANG_DASH, SC_COMMENT, SC_DONE };

typedef struct px_scan {
    int state, dashes;
    long line, column;          /* of the byte being scanned */
    long lt_line, lt_column;    /* of the last '<': where a DOCTYPE starts */
} px_scan;

/* ---- plugin state ------------------------------------------------------ */
typedef struct px_state {
    const ps_host *host;
    ps_sink *sink;
    px_config *cfg;
    char schema_path[4096];
    xmlSchemaPtr schema;
    xmlSchemaValidCtxtPtr vctxt;
    xmlSchemaSAXPlugPtr plug;
    xmlParserCtxtPtr ctxt;
    xmlSAXHandler sax;
    FILE *fp;
    uint64_t size, done, last_progress;
    px_scan scan;
    int eof;                    /* the parser has been told the file ended */

    /* first error: reported by libxml2, found by a handler or by the
     * byte-level checks; the parser is stopped at the first */
    int failed, failed_schema;
    int own_pending;            /* failed in a handler, during this event */
    ps_error first;
    char xml_msg[600];          /* libxml2's own words for `first` */

    /* last element started or ended, where errors are: a name interned
     * in the parser's dictionary (valid while the parser lives) or a
     * literal */
    const char *element;
    /* names interned in the parser's dictionary, where it keeps element
     * and attribute names too: a pointer comparison per name */
    const xmlChar *ns_name, *xsi_name;
    const xmlChar *el_name[E__COUNT];
    const xmlChar *attr_name[E__COUNT][PX_MAX_ATTRS];
    const xmlChar *field_name[F__COUNT];

    int ctx;                    /* C_* */
    const char *empty_el;       /* CongKhai or PhanAnhKienNghi when C_EMPTY */
    int depth;
    size_t run;                 /* length of the text run being read */

    /* the HoSo being read: its record is filled field by field */
    ps_dossier *d;
    uint32_t seen;              /* bit per field */
    int field;                  /* F_* whose text is read */
    long hoso_line, hoso_column, field_line, field_column, text_line;
    char *text;                 /* the field's text (reused) */
    size_t text_len, text_cap;

    ps_dossier dossiers[PX_BATCH];
    ps_feedback feedback[PX_BATCH];
    ps_publicity publicity[PX_BATCH];
    size_t n_dossiers, n_feedback, n_publicity;
    px_arena a_dossiers, a_feedback, a_publicity;

    /* text where the schema allows none, refused at the next tag */
    char stray[48];
    size_t stray_len;
    const char *stray_in;
    long stray_line, stray_column;

    int root_seen;
    unsigned char buf[PX_CHUNK];
} px_state;

static const char *px_file(const px_state *st)
{
    return st->cfg->path;
}

static long px_line(const px_state *st)
{
    return st->ctxt && st->ctxt->input ? st->ctxt->input->line : 0;
}

static long px_column(const px_state *st)
{
    return st->ctxt && st->ctxt->input ? st->ctxt->input->col : 0;
}

static void px_fail_at(px_state *st, int status, long line, long column,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Keep the first error, with the last element named as `where`.  The
 * parser is not stopped from inside a handler: xmlStopParser frees the
 * input buffer that the caller's (and the validator's) pointers still
 * point into.  Handlers do nothing once failed is set, and the read loop
 * feeds no further chunk.  With the XSD plugged in, the validator sees
 * each event after this handler: its message for the same event wins
 * (own_pending), as it did when validation came first. */
static void px_fail_at(px_state *st, int status, long line, long column,
                       const char *fmt, ...)
{
    if (st->failed)
        return;
    st->failed = 1;
    st->failed_schema = 0;
    char msg[640];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    st->host->error(&st->first, status, px_file(st), line, column, "%s", msg);
    snprintf(st->first.where, sizeof st->first.where, "%s", st->element);
    st->own_pending = st->plug != NULL;
}

#define px_fail(st, status, ...) px_fail_at((st), (status), px_line(st), px_column(st), __VA_ARGS__)

static void px_nomem(px_state *st)
{
    px_fail_at(st, PS_ENOMEM, 0, 0, "out of memory");
}

/* The element a schema message is about: "Element '{ns}Name': ..." */
static void px_schema_element(const char *msg, char *out, size_t size)
{
    const char *p = strstr(msg, "Element '");
    if (!p)
        return;
    p += 9;
    if (*p == '{') {
        const char *q = strchr(p, '}');
        if (q)
            p = q + 1;
    }
    size_t n = strcspn(p, "'");
    snprintf(out, size, "%.*s", (int)n, p);
}

/* libxml2 errors (parser, schema validity): keep the first, except that a
 * well-formedness error replaces a schema error raised just before it (a
 * truncated tag is first seen by the validator as a wrong element). */
static void px_on_xml_error(void *arg, xmlErrorPtr e)
{
    px_state *st = arg;
    if (!e || e->level < XML_ERR_ERROR)
        return;
    int schema = e->domain == XML_FROM_SCHEMASV;
    /* a parse error replaces a schema error only where it is the cause:
     * at the same line, or at the end of a cut-off file */
    int cause = st->failed_schema && !schema && (st->eof || e->line == st->first.line);
    if (st->failed && !cause && !(schema && st->own_pending))
        return;
    st->own_pending = 0;
    st->failed = 1;
    st->failed_schema = schema;
    char msg[600];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "XML error");
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    for (char *c = msg; *c; c++)
        if (*c == '\n')
            *c = ' ';
    const char *hint = schema
        ? "the export does not match the DVCQG schema " PX_SCHEMA_FILE
          ": fix or re-export it"
        : "the file is not well-formed XML: re-export it from the portal";
    long line = e->line, column = e->int2;
    if (schema && column == 0) {
        /* validation runs on the parser's events: its position is the end
         * of the offending tag or value */
        column = px_column(st);
        if (line == 0)
            line = px_line(st);
    }
    memcpy(st->xml_msg, msg, sizeof st->xml_msg);
    if (!schema && e->code == XML_ERR_DOCUMENT_EMPTY && st->done > 0 && !st->eof) {
        /* the push parser's words for a first byte that is not '<' */
        snprintf(msg, sizeof msg, "the file does not start with an XML declaration or "
                 "element: it is not XML (a CSV or text file?) (libxml2: %.200s)", st->xml_msg);
    }
    st->host->error(&st->first, schema ? PS_EDATA : PS_EPARSE, px_file(st),
                    line, column, "%s; %s", msg, hint);
    snprintf(st->first.where, sizeof st->first.where, "%s", st->element);
    if (schema)
        px_schema_element(msg, st->first.where, sizeof st->first.where);
}

/* The validator's idea of where it is: the parser's position. */
static int px_locator(void *ctx, const char **file, unsigned long *line)
{
    px_state *st = ctx;
    if (file)
        *file = px_file(st);
    if (line)
        *line = (unsigned long)px_line(st);
    return 0;
}

/* ---- input checks on the bytes ------------------------------------------ */
/* FORMATS.md says UTF-8; a UTF-16 export (Windows tools write it) would
 * otherwise be converted or misread.  Looks at the byte-order mark, the
 * byte pattern of "<?" and the declared encoding. */
static const char *px_wide_encoding(const unsigned char *p, size_t n)
{
    if (n >= 4 && ((p[0] == 0 && p[1] == 0 && (p[2] == 0xFE || p[2] == 0) && (p[3] == 0xFF || p[3] == '<')) ||
                   (p[0] == 0xFF && p[1] == 0xFE && p[2] == 0 && p[3] == 0) ||
                   (p[0] == '<' && p[1] == 0 && p[2] == 0 && p[3] == 0)))
        return "UTF-32";
    if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
        return "UTF-16";
    if (n >= 4 && ((p[0] == '<' && p[1] == 0 && p[2] == '?' && p[3] == 0) ||
                   (p[0] == 0 && p[1] == '<' && p[2] == 0 && p[3] == '?')))
        return "UTF-16";
    size_t i = n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF ? 3 : 0;
    if (n - i < 6 || memcmp(p + i, "<?xml", 5) != 0)
        return NULL;
    const unsigned char *end = memchr(p + i, '>', n - i < 512 ? n - i : 512);
    if (!end)
        return NULL;
    const unsigned char *q = p + i;
    while ((q = memchr(q, 'e', (size_t)(end - q))) && (size_t)(end - q) > 8) {
        if (memcmp(q, "encoding", 8) == 0) {
            q += 8;
            while (q < end && (*q == ' ' || *q == '=' || *q == '\t' || *q == '"' || *q == '\''))
                q++;
            if ((end - q >= 6 && strncasecmp((const char *)q, "UTF-16", 6) == 0) ||
                (end - q >= 5 && strncasecmp((const char *)q, "UTF16", 5) == 0))
                return "UTF-16 (declared)";
            return NULL;
        }
        q++;
    }
    return NULL;
}

static int px_scan_bytes(px_state *st, const unsigned char *p, size_t n)
{
    px_scan *s = &st->scan;
    for (size_t i = 0; i < n && s->state != SC_DONE; i++) {
        unsigned char c = p[i];
        switch (s->state) {
        case SC_TEXT:
            if (c == '<') {
                s->state = SC_LT;
                s->lt_line = s->line;
                s->lt_column = s->column + 1;
            }
            break;
        case SC_LT:
            s->state = c == '?' ? SC_PI : c == '!' ? SC_BANG : SC_DONE;
            break;
        case SC_PI:
            if (c == '?')
                s->state = SC_PI_Q;
            break;
        case SC_PI_Q:
            s->state = c == '>' ? SC_TEXT : c == '?' ? SC_PI_Q : SC_PI;
            break;
        case SC_BANG:
            if (c != '-')
                return -1;
            s->state = SC_BANG_DASH;
            break;
        case SC_BANG_DASH:
            if (c != '-')
                return -1;
            s->state = SC_COMMENT;
            s->dashes = 0;
            break;
        case SC_COMMENT:
            if (c == '>' && s->dashes >= 2)
                s->state = SC_TEXT;
            s->dashes = c == '-' ? s->dashes + 1 : 0;
            break;
        default:
            break;
        }
        if (c == '\n') {
            s->line++;
            s->column = 0;
        } else if ((c & 0xC0) != 0x80) {
            s->column++;
        }
    }
    return 0;
}

/* Bytes as read, before the parser sees them: the encoding of the first
 * chunk, a DOCTYPE in the prolog. */
static int px_check_bytes(px_state *st, const unsigned char *p, size_t n, int first)
{
    const char *wide = first ? px_wide_encoding(p, n) : NULL;
    if (wide && strchr(wide, ' ')) {
        px_fail_at(st, PS_EPARSE, 1, 1,
                   "the export is UTF-16: save it as UTF-8 (its first line says "
                   "encoding=\"UTF-16\"; the portal's format is UTF-8: convert "
                   "the file if it really is UTF-16, then declare "
                   "encoding=\"UTF-8\")");
        return -1;
    }
    if (wide) {
        px_fail_at(st, PS_EPARSE, 1, 1,
                   "the export is %s: save it as UTF-8 (the portal's format is "
                   "UTF-8; e.g. iconv -f %s -t UTF-8, then change the encoding "
                   "in its first line)", wide, wide);
        return -1;
    }
    if (st->scan.state != SC_DONE && px_scan_bytes(st, p, n) != 0) {
        st->element = "!DOCTYPE";
        px_fail_at(st, PS_EPARSE, st->scan.lt_line, st->scan.lt_column,
                   "a DOCTYPE (DTD) is not allowed in a portal export: "
                   "DTDs and entities are refused for safety; remove it "
                   "(the portal never writes one)");
        return -1;
    }
    return 0;
}

/* ---- values -------------------------------------------------------------- */
static int px_is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Text with XML blanks trimmed, as (pointer, length). */
static const char *px_trim(const char *s, size_t *len)
{
    size_t n = *len;
    while (n > 0 && px_is_blank((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n > 0 && px_is_blank((unsigned char)s[n - 1]))
        n--;
    *len = n;
    return s;
}

/* A decimal integer in [lo, hi], blanks around allowed (xs:integer). */
static int px_parse_long(const char *s, size_t n, long lo, long hi, long *out)
{
    s = px_trim(s, &n);
    if (n == 0 || n > 19)
        return 0;
    long v = 0;
    size_t i = 0;
    int neg = 0;
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        i = 1;
        if (n == 1)
            return 0;
    }
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        if (v > (LONG_MAX - (s[i] - '0')) / 10)
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    if (neg)
        v = -v;
    if (v < lo || v > hi)
        return 0;
    *out = v;
    return 1;
}

/* Codes (the schema's type Ma) must not be blank: an empty MaHoSo would
 * merge unrelated dossiers. */
static int px_blank(const char *v, size_t len)
{
    px_trim(v, &len);
    return len == 0;
}

/* ---- emitting ------------------------------------------------------------ */
static void px_progress(px_state *st, int force)
{
    if (!PS_HOST_HAS(st->host, progress) || !st->host->progress)
        return;
    if (force || st->done - st->last_progress >= (1u << 20)) {
        st->last_progress = st->done;
        st->host->progress(st->sink, st->done, st->size);
    }
}

/* Hand the pending batch of one kind to the core, then reuse its arena.
 * A refusal by the core is the run's error and stops the parser. */
static int px_flush(px_state *st, ps_record_kind kind, const void *recs, size_t rec_size,
                    size_t *n, px_arena *arena)
{
    if (*n == 0)
        return PS_OK;
    ps_error e = {0};
    int rc = st->host->emit(st->sink, kind, recs, *n, rec_size, &e);
    *n = 0;
    px_arena_reset(arena);
    if (rc != PS_OK && !st->failed) {
        st->failed = 1;
        st->failed_schema = 0;
        st->first = e;
    }
    return rc;
}

static int px_flush_dossiers(px_state *st)
{
    int rc = px_flush(st, PS_REC_DOSSIER, st->dossiers, sizeof *st->dossiers,
                      &st->n_dossiers, &st->a_dossiers);
    px_progress(st, 0);
    return rc;
}

static int px_flush_feedback(px_state *st)
{
    return px_flush(st, PS_REC_FEEDBACK, st->feedback, sizeof *st->feedback,
                    &st->n_feedback, &st->a_feedback);
}

static int px_flush_publicity(px_state *st)
{
    return px_flush(st, PS_REC_PUBLICITY, st->publicity, sizeof *st->publicity,
                    &st->n_publicity, &st->a_publicity);
}

/* ---- attributes ---------------------------------------------------------- */
/* Where to find a schema (xsi:schemaLocation, xsi:noNamespaceSchemaLocation):
 * XSD allows it on any element, and so does the reader. */
static int px_xsi_location(const px_state *st, const xmlChar *name, const xmlChar *uri)
{
    return uri && (uri == st->xsi_name || strcmp((const char *)uri, PX_XSI) == 0) &&
           (strcmp((const char *)name, "schemaLocation") == 0 ||
            strcmp((const char *)name, "noNamespaceSchemaLocation") == 0);
}

/* The first attribute of an element that has none in the format, NULL
 * when there is none. */
static const xmlChar *px_stray_attribute(const px_state *st, int nb, const xmlChar **attrs)
{
    for (int i = 0; i < nb; i++, attrs += 5)
        if (!px_xsi_location(st, attrs[0], attrs[2]))
            return attrs[0];
    return NULL;
}

/* The attributes of element `el` from SAX2's (localname, prefix, URI,
 * value, end) quintuples into vals/lens, in px_elements' order (NULL when
 * absent); an attribute the schema does not have is refused, so are a
 * missing required one and a blank code.  Values are not NUL-terminated
 * and stay valid until the handler returns. */
static int px_attributes(px_state *st, int el, int nb, const xmlChar **attrs,
                         const char **vals, size_t *lens)
{
    size_t n = px_elements[el].n;
    for (size_t k = 0; k < n; k++)
        vals[k] = NULL;
    for (int i = 0; i < nb; i++, attrs += 5) {
        const xmlChar *name = attrs[0], *uri = attrs[2];
        size_t len = (size_t)(attrs[4] - attrs[3]);
        if (len > PX_MAX_VALUE) {
            px_fail(st, PS_ELIMIT,
                    "attribute %s is longer than the 1 MB limit for one value; "
                    "the export is corrupt or hostile", (const char *)name);
            return -1;
        }
        size_t k = n;
        if (!uri) {
            for (k = 0; k < n && st->attr_name[el][k] != name; k++)
                ;
            for (size_t j = 0; k == n && j < n; j++)
                if (strcmp((const char *)name, px_elements[el].attr[j].name) == 0)
                    k = j;
        } else if (px_xsi_location(st, name, uri)) {
            continue;
        }
        if (k == n) {
            px_fail(st, PS_EDATA, "%s has an attribute %s%s%s%s that the DVCQG "
                    "format does not have; " PX_ADVICE, px_elements[el].name,
                    uri ? "{" : "", uri ? (const char *)uri : "", uri ? "}" : "",
                    (const char *)name);
            return -1;
        }
        vals[k] = (const char *)attrs[3];
        lens[k] = len;
    }
    for (size_t k = 0; k < n; k++) {
        int kind = px_elements[el].attr[k].kind;
        const char *an = px_elements[el].attr[k].name;
        if (!vals[k] && (kind == A_CODE || kind == A_REQ || kind == A_COUNT)) {
            px_fail(st, PS_EDATA, "%s has no %s; every one must carry it (the "
                    "schema requires it too)", px_elements[el].name, an);
            return -1;
        }
        if (kind == A_CODE && px_blank(vals[k], lens[k])) {
            px_fail(st, PS_EDATA, "%s has an empty %s", px_elements[el].name, an);
            return -1;
        }
    }
    return 0;
}

static int px_is(const xmlChar *a, const char *b)
{
    return a && strcmp((const char *)a, b) == 0;
}

/* A value as an arena string, blanks trimmed. */
static const char *px_keep(px_state *st, px_arena *a, const char *s, size_t n)
{
    s = px_trim(s, &n);
    const char *p = px_arena_strndup(a, s, n);
    if (!p)
        px_nomem(st);
    return p;
}

/* the first 40 bytes of a value, for messages */
static int px_show(size_t len)
{
    return len < 40 ? (int)len : 40;
}

static void px_root(px_state *st, int nb, const xmlChar **attrs)
{
    const char *v[PX_MAX_ATTRS];
    size_t len[PX_MAX_ATTRS];
    if (px_attributes(st, E_ROOT, nb, attrs, v, len) != 0)
        return;
    if (st->cfg->province && st->cfg->province[0]) {
        size_t n = len[0];
        const char *p = px_trim(v[0], &n);
        if (strlen(st->cfg->province) != n ||
            memcmp(st->cfg->province, p, n) != 0) {
            px_fail(st, PS_EDATA,
                    "the export is for province MaTinh=\"%.*s\" but the job says "
                    "province = \"%s\": use the right export or fix the job",
                    (int)(n < 60 ? n : 60), p, st->cfg->province);
            return;
        }
    }
    st->root_seen = 1;
}

static void px_publicity(px_state *st, int nb, const xmlChar **attrs)
{
    const char *v[PX_MAX_ATTRS];
    size_t len[PX_MAX_ATTRS];
    if (px_attributes(st, E_CONG_KHAI, nb, attrs, v, len) != 0)
        return;
    ps_publicity *p = &st->publicity[st->n_publicity];
    memset(p, 0, sizeof *p);
    long *dst[6] = {&p->must_announce, &p->announced_on_time, &p->must_update,
                    &p->updated_on_time, &p->published, &p->published_full};
    for (size_t i = 1; i < 7; i++) {
        if (!px_parse_long(v[i], len[i], 0, LONG_MAX, dst[i - 1])) {
            px_fail(st, PS_EDATA, "attribute %s is not a valid number (\"%.*s\")",
                    px_elements[E_CONG_KHAI].attr[i].name, px_show(len[i]), v[i]);
            return;
        }
    }
    if (!(p->unit_code = px_keep(st, &st->a_publicity, v[0], len[0])))
        return;
    p->src_line = px_line(st);
    if (++st->n_publicity == PX_BATCH)
        px_flush_publicity(st);
}

static void px_feedback(px_state *st, int nb, const xmlChar **attrs)
{
    const char *v[PX_MAX_ATTRS];
    size_t len[PX_MAX_ATTRS];
    if (px_attributes(st, E_PAKN, nb, attrs, v, len) != 0)
        return;
    ps_feedback *f = &st->feedback[st->n_feedback];
    memset(f, 0, sizeof *f);
    const char **dst[5] = {&f->id, &f->unit_code, &f->received_at, &f->due_at,
                           &f->answered_at};
    for (size_t i = 0; i < 5; i++)
        if (v[i] && !(*dst[i] = px_keep(st, &st->a_feedback, v[i], len[i])))
            return;
    f->satisfied = PS_UNKNOWN;
    if (v[5]) {
        long x;
        if (!px_parse_long(v[5], len[5], 0, 1, &x)) {
            px_fail(st, PS_EDATA, "HaiLong must be 0 or 1, not \"%.*s\"",
                    px_show(len[5]), v[5]);
            return;
        }
        f->satisfied = (int)x;
    }
    f->src_line = px_line(st);
    if (++st->n_feedback == PX_BATCH)
        px_flush_feedback(st);
}

/* ---- HoSo ------------------------------------------------------------------- */
static void px_hoso_begin(px_state *st, int nb, const xmlChar **attrs)
{
    const xmlChar *a = px_stray_attribute(st, nb, attrs);
    if (a) {
        px_fail(st, PS_EDATA, "HoSo has an attribute %s, but the DVCQG format gives "
                "it none (its data are child elements); " PX_ADVICE, (const char *)a);
        return;
    }
    ps_dossier *d = &st->dossiers[st->n_dossiers];
    memset(d, 0, sizeof *d);
    d->paid_online = d->digitized_input = d->digitized_result = d->synced = PS_UNKNOWN;
    st->d = d;
    st->seen = 0;
    st->hoso_line = px_line(st);
    st->hoso_column = px_column(st);
    d->src_line = st->hoso_line;
    st->ctx = C_HOSO;
}

static void px_field_begin(px_state *st, const xmlChar *name, int nb, const xmlChar **attrs)
{
    int i = 0;
    while (i < F__COUNT && st->field_name[i] != name)
        i++;
    for (int j = 0; i == F__COUNT && j < F__COUNT; j++)
        if (px_is(name, px_fields[j].name))
            i = j;
    if (i == F__COUNT) {
        px_fail(st, PS_EDATA, "element %s is not a HoSo field (HoSo holds %.*s); "
                PX_ADVICE, (const char *)name, (int)sizeof px_field_names - 3,
                px_field_names);
        return;
    }
    if (st->seen & (1u << i)) {
        px_fail(st, PS_EDATA, "HoSo has a second %s; each field appears at most "
                "once in a dossier; " PX_ADVICE, px_fields[i].name);
        return;
    }
    st->seen |= 1u << i;
    st->field = i;
    if (px_fields[i].type == T_APOLOGY) {
        const char *v[PX_MAX_ATTRS];
        size_t len[PX_MAX_ATTRS];
        if (px_attributes(st, E_XIN_LOI, nb, attrs, v, len) != 0)
            return;
        st->d->apology_at = px_keep(st, &st->a_dossiers, v[0], len[0]);
        st->ctx = C_APOLOGY;
        return;
    }
    const xmlChar *a = px_stray_attribute(st, nb, attrs);
    if (a) {
        px_fail(st, PS_EDATA, "%s has an attribute %s, but the DVCQG format gives "
                "it none; " PX_ADVICE, px_fields[i].name, (const char *)a);
        return;
    }
    st->text_len = 0;
    st->text_line = 0;
    st->field_line = px_line(st);
    st->field_column = px_column(st);
    st->ctx = C_FIELD;
}

static void px_field_end(px_state *st)
{
    int i = st->field;
    const char *s = st->text ? st->text : "";
    size_t n = st->text_len;
    char *dst = (char *)st->d + px_fields[i].offset;
    if (i == F_MA_HO_SO && st->text_line)
        st->d->src_line = st->text_line;
    switch (px_fields[i].type) {
    case T_CODE:
        if (px_blank(s, n)) {
            px_fail_at(st, PS_EDATA, st->field_line, st->field_column,
                       "HoSo has an empty %s", px_fields[i].name);
            return;
        }
        /* fall through */
    case T_TEXT: {
        const char *p = px_keep(st, &st->a_dossiers, s, n);
        memcpy(dst, &p, sizeof p);
        return;
    }
    case T_INT: {
        long v;
        if (!px_parse_long(s, n, px_fields[i].lo, px_fields[i].hi, &v)) {
            px_fail_at(st, PS_EDATA, st->field_line, st->field_column,
                       "HoSo field %s must be an integer %ld..%ld, not \"%.*s\"",
                       px_fields[i].name, px_fields[i].lo, px_fields[i].hi,
                       px_show(n), s);
            return;
        }
        int x = (int)v;
        memcpy(dst, &x, sizeof x);
        return;
    }
    default:
        return;
    }
}

static void px_hoso_end(px_state *st)
{
    st->element = "HoSo";
    for (int i = 0; i < F__COUNT; i++)
        if (px_fields[i].required && !(st->seen & (1u << i))) {
            px_fail_at(st, PS_EDATA, st->hoso_line, st->hoso_column,
                       "HoSo has no %s; every dossier must carry it", px_fields[i].name);
            return;
        }
    st->d = NULL;
    if (++st->n_dossiers == PX_BATCH)
        px_flush_dossiers(st);
}

/* Refuse the text kept by px_on_text; 1 when there was some. */
static int px_stray(px_state *st)
{
    if (!st->stray_len)
        return 0;
    size_t n = st->stray_len < sizeof st->stray ? st->stray_len : sizeof st->stray;
    if (st->stray_len > n) { /* cut: do not quote half a UTF-8 sequence */
        while (n > 0 && ((unsigned char)st->stray[n - 1] & 0xC0) == 0x80)
            n--;
        if (n > 0 && ((unsigned char)st->stray[n - 1] & 0x80))
            n--;
    }
    const char *s = px_trim(st->stray, &n);
    st->element = st->stray_in;
    px_fail_at(st, PS_EDATA, st->stray_line, st->stray_column,
               "%s%.*s%s is not allowed in %s, which holds %s; " PX_ADVICE,
               n ? "text \"" : "blank text", (int)n, s, n ? "\"" : "",
               st->stray_in, st->ctx == C_EMPTY ? "attributes only" : "elements only");
    return 1;
}

/* ---- SAX2 handlers ----------------------------------------------------------- */
/* What every start and end tag does first: a new event (see px_fail_at),
 * the stray text before it refused, the tag named for messages.  0 when
 * the handler has nothing to do. */
static int px_tag(px_state *st, const xmlChar *name)
{
    st->own_pending = 0;
    if (st->failed || px_stray(st))
        return 0;
    st->element = (const char *)name;
    st->run = 0;
    return 1;
}

static void px_on_start(void *ctx, const xmlChar *name, const xmlChar *prefix,
                        const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                        int nb_attributes, int nb_defaulted, const xmlChar **attrs)
{
    (void)prefix;
    (void)nb_namespaces;
    (void)namespaces;
    (void)nb_defaulted; /* no DTD, so none */
    px_state *st = ctx;
    if (!px_tag(st, name))
        return;
    if (++st->depth > PX_MAX_DEPTH) { /* the checks below stop at 4 */
        px_fail(st, PS_ELIMIT, "elements are nested deeper than %d levels (the "
                "format needs 3); the export is corrupt or hostile", PX_MAX_DEPTH);
        return;
    }
    int ours = uri == st->ns_name || px_is(uri, PX_NS);
    const char *in = px_elements[E_ROOT].name;
    switch (st->ctx) {
    case C_PROLOG:
        if (!ours || (name != st->el_name[E_ROOT] && !px_is(name, in))) {
            px_fail(st, PS_EDATA, "the root element is {%s}%s, not %s in namespace "
                    "%s: this is not a DVCQG portal export",
                    uri ? (const char *)uri : "", (const char *)name, in, PX_NS);
            return;
        }
        st->ctx = C_ROOT;
        px_root(st, nb_attributes, attrs);
        return;
    case C_ROOT:
        if (ours && (name == st->el_name[E_HO_SO] || px_is(name, "HoSo"))) {
            px_hoso_begin(st, nb_attributes, attrs);
            return;
        }
        if (ours && (name == st->el_name[E_CONG_KHAI] || px_is(name, "CongKhai"))) {
            st->ctx = C_EMPTY;
            st->empty_el = px_elements[E_CONG_KHAI].name;
            px_publicity(st, nb_attributes, attrs);
            return;
        }
        if (ours && (name == st->el_name[E_PAKN] || px_is(name, "PhanAnhKienNghi"))) {
            st->ctx = C_EMPTY;
            st->empty_el = px_elements[E_PAKN].name;
            px_feedback(st, nb_attributes, attrs);
            return;
        }
        break;
    case C_HOSO:
        if (ours) {
            px_field_begin(st, name, nb_attributes, attrs);
            return;
        }
        in = "HoSo";
        break;
    case C_FIELD:
    case C_APOLOGY:
        px_fail(st, PS_EDATA, "element %s is not allowed inside %s, which holds a "
                "value only; " PX_ADVICE, (const char *)name, px_fields[st->field].name);
        return;
    case C_EMPTY:
        px_fail(st, PS_EDATA, "element %s is not allowed inside %s, which holds "
                "attributes only; " PX_ADVICE, (const char *)name, st->empty_el);
        return;
    default:
        break;
    }
    px_fail(st, PS_EDATA, "element {%s}%s is not allowed in %s (%s); " PX_ADVICE,
            uri ? (const char *)uri : "", (const char *)name, in,
            st->ctx == C_ROOT ? "it holds CongKhai, HoSo and PhanAnhKienNghi in "
                                "namespace " PX_NS
                              : "HoSo holds its fields in namespace " PX_NS);
}

static void px_on_end(void *ctx, const xmlChar *name, const xmlChar *prefix,
                      const xmlChar *uri)
{
    (void)prefix;
    (void)uri;
    px_state *st = ctx;
    if (!px_tag(st, name))
        return;
    st->depth--;
    switch (st->ctx) {
    case C_FIELD:
        px_field_end(st);
        st->ctx = C_HOSO;
        break;
    case C_APOLOGY:
        st->ctx = C_HOSO;
        break;
    case C_HOSO:
        px_hoso_end(st);
        st->ctx = C_ROOT;
        break;
    case C_EMPTY:
        st->ctx = C_ROOT;
        break;
    case C_ROOT:
        st->ctx = C_AFTER;
        break;
    default:
        break;
    }
}

static void px_on_text(void *ctx, const xmlChar *ch, int len)
{
    px_state *st = ctx;
    st->own_pending = 0;
    if (st->failed || len <= 0)
        return;
    size_t n = (size_t)len;
    st->run += n;
    if (st->ctx == C_FIELD) {
        if (st->text_len == 0 && st->text_line == 0)
            st->text_line = px_line(st); /* where the old reader's text node was */
        if (st->text_len + n > PX_MAX_VALUE) {
            px_fail(st, PS_ELIMIT, "the value of %s is longer than the 1 MB limit",
                    px_fields[st->field].name);
            return;
        }
        if (st->text_len + n + 1 > st->text_cap) {
            size_t cap = st->text_cap ? st->text_cap : 256;
            while (cap < st->text_len + n + 1)
                cap *= 2;
            char *p = realloc(st->text, cap);
            if (!p) {
                px_nomem(st);
                return;
            }
            st->text = p;
            st->text_cap = cap;
        }
        memcpy(st->text + st->text_len, ch, n);
        st->text_len += n;
        return;
    }
    const char *in = st->ctx == C_EMPTY ? st->empty_el
                     : st->ctx == C_HOSO ? "HoSo" : px_elements[E_ROOT].name;
    if (st->ctx == C_APOLOGY)
        in = px_fields[F_XIN_LOI].name;
    if (st->run > PX_MAX_VALUE) {
        st->element = in;
        px_fail(st, PS_ELIMIT, "a text value in %s is longer than the 1 MB limit for "
                "one value; the export is corrupt or hostile", in);
        return;
    }
    if (st->ctx == C_APOLOGY) /* the reason for the delay: not used */
        return;
    /* element-only content may hold blanks between elements, empty
     * content nothing (as in the schema).  libxml2 hands a text over in
     * pieces, so the stray text is kept (its start) and refused at the
     * next tag, where the message can quote it whole. */
    if (st->ctx == C_EMPTY || st->stray_len || !px_blank((const char *)ch, n)) {
        if (!st->stray_len) {
            st->stray_in = in;
            st->stray_line = px_line(st);
            st->stray_column = px_column(st);
        }
        size_t have = st->stray_len < sizeof st->stray ? st->stray_len : sizeof st->stray;
        size_t room = sizeof st->stray - have;
        memcpy(st->stray + have, ch, n < room ? n : room);
        st->stray_len += n;
    }
}

static void px_on_reference(void *ctx, const xmlChar *name)
{
    px_state *st = ctx;
    px_fail(st, PS_EPARSE, "entity reference &%s; is not allowed in a portal export",
            name ? (const char *)name : "");
}

static void px_on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext,
                          const xmlChar *sys)
{
    (void)name;
    (void)ext;
    (void)sys;
    /* only reachable if the byte scan missed it */
    px_fail(ctx, PS_EPARSE, "a DOCTYPE (DTD) is not allowed in a portal export");
}

/* ---- the reading loop -------------------------------------------------------- */
/* Intern the names the handlers compare with, in the parser's dictionary. */
static int px_intern(px_state *st)
{
    xmlDictPtr dict = st->ctxt->dict;
    if (!dict)
        return 0;
    st->ns_name = xmlDictLookup(dict, BAD_CAST PX_NS, -1);
    st->xsi_name = xmlDictLookup(dict, BAD_CAST PX_XSI, -1);
    for (size_t e = 0; e < E__COUNT; e++) {
        st->el_name[e] = xmlDictLookup(dict, BAD_CAST px_elements[e].name, -1);
        for (size_t k = 0; k < px_elements[e].n; k++)
            st->attr_name[e][k] =
                xmlDictLookup(dict, BAD_CAST px_elements[e].attr[k].name, -1);
    }
    for (size_t i = 0; i < F__COUNT; i++)
        st->field_name[i] = xmlDictLookup(dict, BAD_CAST px_fields[i].name, -1);
    return 1;
}

static int px_start_parser(px_state *st, const unsigned char *p, size_t n, ps_error *err)
{
    memset(&st->sax, 0, sizeof st->sax);
    st->sax.initialized = XML_SAX2_MAGIC;
    st->sax.startElementNs = px_on_start;
    st->sax.endElementNs = px_on_end;
    st->sax.characters = px_on_text;
    st->sax.ignorableWhitespace = px_on_text;
    st->sax.cdataBlock = px_on_text;
    st->sax.reference = px_on_reference;
    st->sax.internalSubset = px_on_doctype;
    xmlSAXHandlerPtr sax = &st->sax;
    void *user = st;
    if (st->schema) {
        st->vctxt = xmlSchemaNewValidCtxt(st->schema);
        if (!st->vctxt)
            return st->host->error(err, PS_ENOMEM, px_file(st), 0, 0, "out of memory");
        xmlSchemaSetValidStructuredErrors(st->vctxt, px_on_xml_error, st);
        xmlSchemaValidateSetLocator(st->vctxt, px_locator, st);
        st->plug = xmlSchemaSAXPlug(st->vctxt, &sax, &user);
        if (!st->plug)
            return st->host->error(err, PS_ECONFIG, st->schema_path, 0, 0,
                                   "libxml2 refused the DVCQG schema for validation");
    }
    /* the first 4 bytes let libxml2 see a UTF-8 byte-order mark */
    size_t head = n < 4 ? n : 4;
    st->ctxt = xmlCreatePushParserCtxt(sax, user, (const char *)p, (int)head, px_file(st));
    if (!st->ctxt || !px_intern(st))
        return st->host->error(err, PS_ENOMEM, px_file(st), 0, 0,
                               "cannot create the XML parser");
    /* No NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE or HUGE: entities stay
     * unexpanded and nothing outside the file is ever fetched; the declared
     * encoding is not followed (UTF-16 was refused on the bytes). */
    xmlCtxtUseOptions(st->ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA |
                                    XML_PARSE_IGNORE_ENC | XML_PARSE_BIG_LINES);
    xmlCharEncodingHandlerPtr utf8 = xmlFindCharEncodingHandler("UTF-8");
    if (utf8)
        xmlSwitchToEncoding(st->ctxt, utf8);
    st->done += head;
    if (n > head) {
        xmlParseChunk(st->ctxt, (const char *)p + head, (int)(n - head), 0);
        st->done += n - head;
    }
    return PS_OK;
}

static int px_loop(px_state *st, ps_error *err)
{
    int first = 1;
    for (;;) {
        size_t n = fread(st->buf, 1, sizeof st->buf, st->fp);
        if (n == 0 && ferror(st->fp))
            return st->host->error(err, PS_EIO, px_file(st), 0, 0,
                                   "cannot read the export: %s", strerror(errno));
        if (n > 0 && px_check_bytes(st, st->buf, n, first) != 0)
            break;
        if (first) {
            int rc = px_start_parser(st, st->buf, n, err);
            if (rc != PS_OK)
                return rc;
            first = 0;
        } else if (n > 0) {
            xmlParseChunk(st->ctxt, (const char *)st->buf, (int)n, 0);
            st->done += n;
        }
        if (st->failed)
            break;
        if (n == 0) {
            st->eof = 1;
            xmlParseChunk(st->ctxt, NULL, 0, 1);
            break;
        }
    }
    if (!st->failed && st->ctxt && !st->ctxt->wellFormed) {
        /* an error that bypassed the handlers */
        xmlErrorPtr last = xmlCtxtGetLastError(st->ctxt);
        if (last && last->level >= XML_ERR_ERROR)
            px_on_xml_error(st, last);
        else
            px_fail(st, PS_EPARSE, "the XML parser stopped with an error");
    }
    if (st->failed) {
        *err = st->first;
        if (st->eof && err->status == PS_EPARSE && st->xml_msg[0]) {
            /* libxml2 words a cut-off or empty file oddly ("Extra content
             * at the end of the document"): say what happened */
            if (st->root_seen && st->ctx != C_AFTER)
                snprintf(err->message, sizeof err->message,
                         "the file ends before </DuLieuCongDVCQG>: it is "
                         "truncated; copy or export it again (libxml2: %s)",
                         st->xml_msg);
            else if (!st->root_seen)
                snprintf(err->message, sizeof err->message,
                         "the file ends before the root element "
                         "<DuLieuCongDVCQG>: it is empty or holds only a "
                         "prolog; export it again (libxml2: %s)",
                         st->xml_msg);
        }
        return err->status;
    }
    if (!st->root_seen)
        return st->host->error(err, PS_EPARSE, px_file(st), 0, 0,
                               "the file has no root element");
    if (px_flush_publicity(st) != PS_OK || px_flush_dossiers(st) != PS_OK ||
        px_flush_feedback(st) != PS_OK) {
        *err = st->first;
        return err->status;
    }
    px_progress(st, 1);
    return PS_OK;
}

/* ---- plugin entry points -------------------------------------------------- */
/* The XSD beside this .so, found through dladdr. */
static int px_default_schema(char *buf, size_t size)
{
    Dl_info info;
    if (!dladdr((const void *)px_default_schema, &info) || !info.dli_fname)
        return 0;
    const char *slash = strrchr(info.dli_fname, '/');
    int dirlen = slash ? (int)(slash - info.dli_fname) : 1;
    const char *dir = slash ? info.dli_fname : ".";
    int n = snprintf(buf, size, "%.*s/%s", dirlen, dir, PX_SCHEMA_FILE);
    return n > 0 && (size_t)n < size;
}

static int px_load_schema(px_state *st, ps_error *err)
{
    if (st->cfg->schema && st->cfg->schema[0]) {
        snprintf(st->schema_path, sizeof st->schema_path, "%s", st->cfg->schema);
    } else if (!px_default_schema(st->schema_path, sizeof st->schema_path)) {
        return st->host->error(err, PS_ECONFIG, px_file(st), 0, 0,
                               "cannot locate %s beside the portal_xml plugin: "
                               "give its path with the option schema",
                               PX_SCHEMA_FILE);
    }
    struct stat sb;
    if (stat(st->schema_path, &sb) != 0)
        return st->host->error(err, PS_ECONFIG, st->schema_path, 0, 0,
                               "the DVCQG schema %s cannot be read (%s): reinstall "
                               "parscore, give its path with the option schema, or "
                               "set validate = false", st->schema_path,
                               strerror(errno));
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(st->schema_path);
    if (!pc)
        return st->host->error(err, PS_ENOMEM, st->schema_path, 0, 0, "out of memory");
    xmlSchemaSetParserStructuredErrors(pc, px_on_xml_error, st);
    st->schema = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    if (!st->schema) {
        st->host->error(err, PS_ECONFIG, st->schema_path,
                        st->failed ? st->first.line : 0,
                        st->failed ? st->first.column : 0,
                        "%s is not a usable XSD (%s): reinstall parscore or fix "
                        "the option schema", st->schema_path,
                        st->failed ? st->xml_msg : "libxml2 refused it");
        return PS_ECONFIG;
    }
    return PS_OK;
}

static void px_close(void *state)
{
    px_state *st = state;
    if (!st)
        return;
    if (st->ctxt)
        xmlFreeParserCtxt(st->ctxt);
    if (st->plug)
        xmlSchemaSAXUnplug(st->plug);
    if (st->vctxt)
        xmlSchemaFreeValidCtxt(st->vctxt);
    if (st->schema)
        xmlSchemaFree(st->schema);
    if (st->fp)
        fclose(st->fp);
    free(st->text);
    px_arena_free(&st->a_dossiers);
    px_arena_free(&st->a_feedback);
    px_arena_free(&st->a_publicity);
    free(st);
}

static int px_open(const ps_host *host, ps_sink *sink, void *config,
                   void **state, ps_error *err)
{
    *state = NULL;
    px_state *st = calloc(1, sizeof *st);
    if (!st)
        return host->error(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    st->element = "";
    st->host = host;
    st->sink = sink;
    st->cfg = config;
    st->scan.line = 1;
    *state = st;

    st->fp = fopen(st->cfg->path, "rb");
    if (!st->fp)
        return host->error(err, PS_EIO, st->cfg->path, 0, 0,
                           "cannot open the portal export: %s", strerror(errno));
    struct stat sb;
    if (fstat(fileno(st->fp), &sb) == 0 && sb.st_size > 0)
        st->size = (uint64_t)sb.st_size;

    LIBXML_TEST_VERSION
    if (st->cfg->validate) {
        int rc = px_load_schema(st, err);
        if (rc != PS_OK)
            return rc;
    }
    return PS_OK;
}

static int px_read(void *state, ps_error *err)
{
    /* libxml2 hands parser errors to the SAX handler's user data, which
     * is the validator's when a schema is plugged in: its per-thread
     * structured handler reaches this state in both modes.  Set it for
     * the read and put the caller's back. */
    xmlStructuredErrorFunc old = xmlStructuredError;
    void *old_ctx = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc(state, px_on_xml_error);
    int rc = px_loop(state, err);
    xmlSetStructuredErrorFunc(old_ctx, old);
    return rc;
}

static const ps_option px_options[] = {
    {"path", PS_OPT_PATH, NULL, offsetof(px_config, path), 1,
     "the portal's XML export (DuLieuCongDVCQG)"},
    {"validate", PS_OPT_BOOL, "false", offsetof(px_config, validate), 0,
     "also validate against dvcqg-export.xsd while streaming (the reader's own "
     "checks always run)"},
    {"schema", PS_OPT_PATH, NULL, offsetof(px_config, schema), 0,
     "the XSD to validate with (default: the one beside the plugin)"},
    {"province", PS_OPT_STRING, NULL, offsetof(px_config, province), 0,
     "province code the export must be for (MaTinh)"},
    {NULL, 0, NULL, 0, 0, NULL},
};

static const ps_plugin px_plugin = {
    .size = sizeof(ps_plugin),
    .abi_version = PS_ABI_VERSION,
    .name = "portal_xml",
    .version = "2.0",
    .description = "National Public Service Portal (DVCQG) XML export",
    .record_kinds = PS_KIND_BIT(PS_REC_DOSSIER) | PS_KIND_BIT(PS_REC_FEEDBACK) |
                    PS_KIND_BIT(PS_REC_PUBLICITY),
    .precedence = 20,
    .config_size = sizeof(px_config),
    .options = px_options,
    .open = px_open,
    .read = px_read,
    .close = px_close,
};

PS_PLUGIN_EXPORT(px_plugin)
