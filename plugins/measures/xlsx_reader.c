/*
 * xlsx_reader.c -- see xlsx_reader.h.  Every part goes through one path:
 * part_open (the archive entry's declared sizes checked, then an
 * xmlTextReader fed by zip_fread through a callback that counts what is
 * really inflated) and part_next (one node, DOCTYPE and depth refused,
 * libxml2's first error kept with its line).  Only the current row of the
 * worksheet is held.
 */
#include "xlsx_reader.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>
#include <zip.h>

enum { XF_PLAIN = 0, XF_DATE = 1, XF_PERCENT = 2 };

typedef struct xlsx_part {
    const char *name;          /* part name, for messages */
    zip_file_t *zf;
    xmlTextReaderPtr xr;
    uint64_t done, size, comp;
    int limit;                 /* 1: a size cap stopped the inflation */
    int failed;                /* libxml2 reported an error */
    long xml_line;
    char xml_msg[300];
} xlsx_part;

typedef struct xlsx_numfmt {
    int id;
    int kind;
} xlsx_numfmt;

struct xlsx_reader {
    const ps_host *host;
    char name[256];
    zip_t *zip;
    uint64_t total;            /* inflated over every part read */
    xlsx_part p;
    int date1904;
    char sheet[256];
    char sheet_rid[64];
    char sheet_part[512], sst_part[512], styles_part[512];

    char *sst;                 /* shared strings, NUL-terminated, back to back */
    size_t sst_len, sst_cap;
    size_t *sst_off;
    size_t n_sst, cap_sst;

    unsigned char *xf;         /* cellXfs index -> XF_* */
    size_t n_xf;

    /* the current row */
    long row, last_row;
    int in_sheet_data, eof;
    xlsx_cell *cells;
    size_t *toff;              /* text offset of each cell in buf */
    size_t n_cells, cap_cells;
    char *buf;
    size_t buf_len, buf_cap;

    /* the current cell */
    size_t col;
    long next_col;
    char type[12];
    long style;
    int has_f, has_v, in_v, in_is, in_t, in_rph, in_cell;
    size_t cell_start;
};

/* ---- small helpers ------------------------------------------------------ */

static int xfail(xlsx_reader *x, ps_error *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int xfail(xlsx_reader *x, ps_error *err, int status, const char *fmt, ...) {
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return x->host->error(err, status, x->name, 0, 0, "%s", msg);
}

const char *xlsx_col_name(size_t col, char *buf, size_t size) {
    char tmp[8];
    size_t n = 0, i;
    col++;
    while (col > 0 && n < sizeof tmp) {
        tmp[n++] = (char)('A' + (col - 1) % 26);
        col = (col - 1) / 26;
    }
    if (size == 0) return buf;
    for (i = 0; i < n && i + 1 < size; i++) buf[i] = tmp[n - 1 - i];
    buf[i] = 0;
    return buf;
}

/* An attribute copied into buf ("" when absent). */
static const char *attr_copy(xlsx_reader *x, const char *name, char *buf, size_t size) {
    xmlChar *v = xmlTextReaderGetAttribute(x->p.xr, BAD_CAST name);
    snprintf(buf, size, "%s", v ? (const char *)v : "");
    xmlFree(v);
    return buf;
}

/* The relationship id of <sheet r:id="..">: local name "id" in any namespace. */
static void attr_rid(xlsx_reader *x, char *buf, size_t size) {
    buf[0] = 0;
    if (xmlTextReaderMoveToFirstAttribute(x->p.xr) != 1) return;
    do {
        const char *ln = (const char *)xmlTextReaderConstLocalName(x->p.xr);
        if (ln && strcmp(ln, "id") == 0 && xmlTextReaderConstNamespaceUri(x->p.xr)) {
            const char *v = (const char *)xmlTextReaderConstValue(x->p.xr);
            snprintf(buf, size, "%s", v ? v : "");
            break;
        }
    } while (xmlTextReaderMoveToNextAttribute(x->p.xr) == 1);
    xmlTextReaderMoveToElement(x->p.xr);
}

static int is_name(xlsx_reader *x, const char *name) {
    const char *ln = (const char *)xmlTextReaderConstLocalName(x->p.xr);
    return ln && strcmp(ln, name) == 0;
}

/* ---- parts ------------------------------------------------------------------ */

static int part_read_cb(void *ctx, char *buf, int len) {
    xlsx_reader *x = ctx;
    zip_int64_t n;
    if (x->p.limit) return -1;
    n = zip_fread(x->p.zf, buf, (zip_uint64_t)len);
    if (n < 0) return -1;
    x->p.done += (uint64_t)n;
    x->total += (uint64_t)n;
    /* the declared sizes can lie: check what is really inflated */
    if (x->p.done > XLSX_MAX_PART || x->total > XLSX_MAX_TOTAL ||
        (x->p.done > XLSX_RATIO_FLOOR && x->p.done / (x->p.comp ? x->p.comp : 1) > XLSX_MAX_RATIO)) {
        x->p.limit = 1;
        return -1;
    }
    return (int)n;
}

static int part_close_cb(void *ctx) {
    (void)ctx;
    return 0;
}

static void part_on_error(void *arg, xmlErrorPtr e) {
    xlsx_reader *x = arg;
    size_t n;
    if (!e || e->level < XML_ERR_ERROR || x->p.failed) return;
    x->p.failed = 1;
    x->p.xml_line = e->line;
    snprintf(x->p.xml_msg, sizeof x->p.xml_msg, "%s", e->message ? e->message : "XML error");
    n = strlen(x->p.xml_msg);
    while (n > 0 && (x->p.xml_msg[n - 1] == '\n' || x->p.xml_msg[n - 1] == ' '))
        x->p.xml_msg[--n] = 0;
}

static void part_close(xlsx_reader *x) {
    if (x->p.xr) xmlFreeTextReader(x->p.xr);
    if (x->p.zf) zip_fclose(x->p.zf);
    memset(&x->p, 0, sizeof x->p);
}

/* Open part `name`; *found 0 (and PS_OK) when the archive has no such
 * entry and `optional`. */
static int part_open(xlsx_reader *x, const char *name, int optional, int *found, ps_error *err) {
    zip_int64_t idx;
    zip_stat_t st;
    part_close(x);
    *found = 0;
    idx = zip_name_locate(x->zip, name, ZIP_FL_NOCASE);
    if (idx < 0) {
        if (optional) return PS_OK;
        return xfail(x, err, PS_EDATA, "the workbook has no part %s; it is not an Excel workbook "
                     "or it is damaged: open it in Excel or LibreOffice and save it as .xlsx", name);
    }
    zip_stat_init(&st);
    if (zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &st) != 0)
        return xfail(x, err, PS_EDATA, "%s: cannot read its entry in the archive: %s", name,
                     zip_strerror(x->zip));
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
        return xfail(x, err, PS_EDATA, "%s is encrypted; remove the password (in Excel: File > "
                     "Info > Protect Workbook) and save the workbook again", name);
    if ((st.valid & ZIP_STAT_SIZE) && st.size > XLSX_MAX_PART)
        return xfail(x, err, PS_ELIMIT, "%s inflates to %llu bytes, more than the %llu MiB "
                     "accepted for one part; split the workbook", name,
                     (unsigned long long)st.size, (unsigned long long)(XLSX_MAX_PART >> 20));
    if ((st.valid & ZIP_STAT_SIZE) && (st.valid & ZIP_STAT_COMP_SIZE) &&
        st.size > XLSX_RATIO_FLOOR && st.size / (st.comp_size ? st.comp_size : 1) > XLSX_MAX_RATIO)
        return xfail(x, err, PS_ELIMIT, "%s inflates %llu times (%llu bytes from %llu): a zip "
                     "bomb, not a workbook Excel writes (limit %d)", name,
                     (unsigned long long)(st.size / (st.comp_size ? st.comp_size : 1)),
                     (unsigned long long)st.size, (unsigned long long)st.comp_size,
                     XLSX_MAX_RATIO);
    x->p.name = name;
    x->p.size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
    x->p.comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
    x->p.zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
    if (!x->p.zf)
        return xfail(x, err, PS_EDATA, "%s: cannot open it in the archive: %s", name,
                     zip_strerror(x->zip));
    /* No NOENT, DTDLOAD, DTDATTR, XINCLUDE or HUGE: nothing outside the
     * part is fetched and no entity is expanded (a DOCTYPE is refused). */
    x->p.xr = xmlReaderForIO(part_read_cb, part_close_cb, x, name, NULL,
                             XML_PARSE_NONET | XML_PARSE_BIG_LINES);
    if (!x->p.xr) return xfail(x, err, PS_ENOMEM, "out of memory");
    xmlTextReaderSetStructuredErrorHandler(x->p.xr, part_on_error, x);
    *found = 1;
    return PS_OK;
}

/* Next node of the part: 1 a node (*type, *depth), 0 the end, or an error
 * status as a negative number with err filled. */
static int part_next(xlsx_reader *x, int *type, int *depth, ps_error *err) {
    *type = 0; /* set on every path: gcc -O3 cannot see through the -xfail returns */
    *depth = 0;
    int r = xmlTextReaderRead(x->p.xr);
    if (r == 1) {
        *type = xmlTextReaderNodeType(x->p.xr);
        *depth = xmlTextReaderDepth(x->p.xr);
        if (*type == XML_READER_TYPE_DOCUMENT_TYPE)
            return -xfail(x, err, PS_EDATA, "%s has a DOCTYPE (DTD): Excel never writes one and "
                          "DTDs and entities are refused for safety; save the workbook again "
                          "in Excel or LibreOffice", x->p.name);
        if (*depth > XLSX_MAX_DEPTH)
            return -xfail(x, err, PS_ELIMIT, "%s: elements nested deeper than %d levels; this is "
                          "not a part Excel writes", x->p.name, XLSX_MAX_DEPTH);
        if (*type == XML_READER_TYPE_ENTITY_REFERENCE)
            return -xfail(x, err, PS_EDATA, "%s: an entity reference; entities are refused for "
                          "safety", x->p.name);
        return 1;
    }
    if (r == 0) return 0;
    if (x->p.limit)
        return -xfail(x, err, PS_ELIMIT, "%s inflates past the limits (%llu MiB for one part, "
                      "%llu MiB in all, %d times its compressed size): a zip bomb or a part "
                      "too large to be a workbook of measures", x->p.name,
                      (unsigned long long)(XLSX_MAX_PART >> 20),
                      (unsigned long long)(XLSX_MAX_TOTAL >> 20), XLSX_MAX_RATIO);
    if (x->p.failed)
        return -xfail(x, err, PS_EPARSE, "%s line %ld: %s; the workbook is damaged: open it in "
                      "Excel or LibreOffice and save it again", x->p.name, x->p.xml_line,
                      x->p.xml_msg);
    return -xfail(x, err, PS_EPARSE, "%s: cannot be read (damaged archive entry: %s); save the "
                  "workbook again", x->p.name, zip_file_strerror(x->p.zf));
}

/* Append len bytes (+ NUL later) to a growing buffer, capped at `cap`. */
static int grow(char **buf, size_t *len, size_t *capacity, const char *s, size_t n, size_t cap) {
    if (*len + n + 1 > cap) return PS_ELIMIT;
    if (*len + n + 1 > *capacity) {
        size_t c = *capacity ? *capacity : 256;
        char *p;
        while (c < *len + n + 1) c *= 2;
        if (c > cap) c = cap;
        p = realloc(*buf, c);
        if (!p) return PS_ENOMEM;
        *buf = p;
        *capacity = c;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = 0;
    return PS_OK;
}

static int is_text_node(int type) {
    return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
           type == XML_READER_TYPE_WHITESPACE || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

/* ---- workbook, relationships, styles, shared strings ------------------------ */

static int read_workbook(xlsx_reader *x, const char *want, ps_error *err) {
    int type, depth, r, found;
    char names[400] = "", nm[256], rid[64];
    size_t n_sheets = 0;
    if ((r = part_open(x, "xl/workbook.xml", 0, &found, err)) != PS_OK) return r;
    while ((r = part_next(x, &type, &depth, err)) == 1) {
        if (type != XML_READER_TYPE_ELEMENT) continue;
        if (is_name(x, "workbookPr")) {
            char v[16];
            attr_copy(x, "date1904", v, sizeof v);
            x->date1904 = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
        } else if (is_name(x, "sheet")) {
            attr_copy(x, "name", nm, sizeof nm);
            attr_rid(x, rid, sizeof rid);
            n_sheets++;
            if (strlen(names) + strlen(nm) + 8 < sizeof names)
                snprintf(names + strlen(names), sizeof names - strlen(names), "%s\"%s\"",
                         names[0] ? ", " : "", nm);
            if (!x->sheet_rid[0] && ((!want || !want[0]) || strcmp(nm, want) == 0)) {
                snprintf(x->sheet, sizeof x->sheet, "%s", nm);
                snprintf(x->sheet_rid, sizeof x->sheet_rid, "%s", rid);
            }
        }
    }
    if (r < 0) return -r;
    if (n_sheets == 0)
        return xfail(x, err, PS_EDATA, "the workbook has no sheet");
    if (!x->sheet_rid[0])
        return xfail(x, err, PS_ECONFIG, "the workbook has no sheet \"%s\"; its sheets are %s "
                     "(option sheet)", want, names);
    return PS_OK;
}

static void resolve_target(const char *target, char *out, size_t size) {
    if (target[0] == '/') snprintf(out, size, "%s", target + 1);
    else if (strncmp(target, "./", 2) == 0) snprintf(out, size, "xl/%s", target + 2);
    else snprintf(out, size, "xl/%s", target);
}

static int ends_with(const char *s, const char *tail) {
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

static int read_rels(xlsx_reader *x, ps_error *err) {
    int type, depth, r, found;
    char id[64], ty[256], target[400], mode[32];
    if ((r = part_open(x, "xl/_rels/workbook.xml.rels", 0, &found, err)) != PS_OK) return r;
    while ((r = part_next(x, &type, &depth, err)) == 1) {
        if (type != XML_READER_TYPE_ELEMENT || !is_name(x, "Relationship")) continue;
        attr_copy(x, "Id", id, sizeof id);
        attr_copy(x, "Type", ty, sizeof ty);
        attr_copy(x, "Target", target, sizeof target);
        attr_copy(x, "TargetMode", mode, sizeof mode);
        if (strcmp(mode, "External") == 0 || !target[0]) continue;
        if (strcmp(id, x->sheet_rid) == 0)
            resolve_target(target, x->sheet_part, sizeof x->sheet_part);
        else if (ends_with(ty, "/sharedStrings"))
            resolve_target(target, x->sst_part, sizeof x->sst_part);
        else if (ends_with(ty, "/styles"))
            resolve_target(target, x->styles_part, sizeof x->styles_part);
    }
    if (r < 0) return -r;
    if (!x->sheet_part[0])
        return xfail(x, err, PS_EDATA, "sheet \"%s\" has no part in the workbook's relationships; "
                     "the workbook is damaged: open it in Excel or LibreOffice and save it again",
                     x->sheet);
    return PS_OK;
}

/* The kind of a format code: date/time when it shows d, m, y, h or s
 * outside quoted text, escapes and [..] (colour, locale); percent with a
 * bare %. */
static int format_kind(const char *code) {
    int date = 0, percent = 0;
    const char *s;
    for (s = code; *s; s++) {
        char c = *s;
        if (c == '"') {
            s++;
            while (*s && *s != '"') s++;
            if (!*s) break;
        } else if (c == '\\' || c == '_' || c == '*') {
            if (!s[1]) break;
            s++;
        } else if (c == '[') {
            while (*s && *s != ']') s++;
            if (!*s) break;
        } else if (c == '%') {
            percent = 1;
        } else if (strchr("dDmMyYhHsS", c)) {
            date = 1;
        } else if (c == ';') {
            break; /* the positive-number section decides */
        }
    }
    return date ? XF_DATE : percent ? XF_PERCENT : XF_PLAIN;
}

static int builtin_kind(int id) {
    if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
        (id >= 50 && id <= 58))
        return XF_DATE;
    if (id == 9 || id == 10) return XF_PERCENT;
    return XF_PLAIN;
}

static int read_styles(xlsx_reader *x, ps_error *err) {
    int type, depth, r, found, in_xfs = 0, rc = PS_OK;
    xlsx_numfmt *fmts = NULL;
    size_t n_fmts = 0, cap_xf = 0;
    char v[600];
    if (!x->styles_part[0]) snprintf(x->styles_part, sizeof x->styles_part, "xl/styles.xml");
    if ((r = part_open(x, x->styles_part, 1, &found, err)) != PS_OK) return r;
    if (!found) return PS_OK;
    while ((r = part_next(x, &type, &depth, err)) == 1) {
        if (type == XML_READER_TYPE_END_ELEMENT && is_name(x, "cellXfs")) in_xfs = 0;
        if (type != XML_READER_TYPE_ELEMENT) continue;
        if (is_name(x, "cellXfs")) {
            in_xfs = !xmlTextReaderIsEmptyElement(x->p.xr);
        } else if (is_name(x, "numFmt") && n_fmts < XLSX_MAX_XF) {
            xlsx_numfmt *p;
            if (n_fmts % 64 == 0) {
                p = realloc(fmts, (n_fmts + 64) * sizeof *p);
                if (!p) { rc = xfail(x, err, PS_ENOMEM, "out of memory"); break; }
                fmts = p;
            }
            fmts[n_fmts].id = atoi(attr_copy(x, "numFmtId", v, sizeof v));
            fmts[n_fmts].kind = format_kind(attr_copy(x, "formatCode", v, sizeof v));
            n_fmts++;
        } else if (in_xfs && is_name(x, "xf")) {
            int id = atoi(attr_copy(x, "numFmtId", v, sizeof v)), kind = builtin_kind(id);
            size_t i;
            if (x->n_xf >= XLSX_MAX_XF) {
                rc = xfail(x, err, PS_ELIMIT, "%s has more than %d cell formats", x->styles_part,
                           XLSX_MAX_XF);
                break;
            }
            for (i = 0; i < n_fmts; i++)
                if (fmts[i].id == id) kind = fmts[i].kind;
            if (x->n_xf == cap_xf) {
                size_t c = cap_xf ? cap_xf * 2 : 64;
                unsigned char *p = realloc(x->xf, c);
                if (!p) { rc = xfail(x, err, PS_ENOMEM, "out of memory"); break; }
                x->xf = p;
                cap_xf = c;
            }
            x->xf[x->n_xf++] = (unsigned char)kind;
        }
    }
    free(fmts);
    if (rc != PS_OK) return rc;
    return r < 0 ? -r : PS_OK;
}

/* The string begun at `start` is complete: record it, keep its NUL. */
static int sst_push(xlsx_reader *x, size_t start, ps_error *err) {
    if (x->n_sst >= XLSX_MAX_SST)
        return xfail(x, err, PS_ELIMIT, "%s holds more than %d shared strings; a workbook of "
                     "measures needs far fewer (split it)", x->sst_part, XLSX_MAX_SST);
    if (x->n_sst == x->cap_sst) {
        size_t c = x->cap_sst ? x->cap_sst * 2 : 256;
        size_t *p = realloc(x->sst_off, c * sizeof *p);
        if (!p) return xfail(x, err, PS_ENOMEM, "out of memory");
        x->sst_off = p;
        x->cap_sst = c;
    }
    x->sst_off[x->n_sst++] = start;
    x->sst_len++;
    return PS_OK;
}

static int sst_text(xlsx_reader *x, const char *s, ps_error *err) {
    size_t len = x->sst_len;
    int rc = grow(&x->sst, &len, &x->sst_cap, s, strlen(s), XLSX_MAX_SST_BYTES);
    if (rc == PS_ELIMIT)
        return xfail(x, err, PS_ELIMIT, "%s holds more than %zu MiB of shared strings; split "
                     "the workbook", x->sst_part, XLSX_MAX_SST_BYTES >> 20);
    if (rc != PS_OK) return xfail(x, err, PS_ENOMEM, "out of memory");
    x->sst_len = len;
    return PS_OK;
}

static int read_sst(xlsx_reader *x, ps_error *err) {
    int type, depth, r, found, in_si = 0, in_t = 0, in_rph = 0, rc;
    size_t start = 0;
    if (!x->sst_part[0]) snprintf(x->sst_part, sizeof x->sst_part, "xl/sharedStrings.xml");
    if ((r = part_open(x, x->sst_part, 1, &found, err)) != PS_OK) return r;
    if (!found) return PS_OK;
    while ((r = part_next(x, &type, &depth, err)) == 1) {
        if (type == XML_READER_TYPE_ELEMENT) {
            int empty = xmlTextReaderIsEmptyElement(x->p.xr);
            if (is_name(x, "si")) {
                in_si = 1;
                start = x->sst_len;
                if ((rc = sst_text(x, "", err)) != PS_OK) return rc; /* its NUL */
                if (empty) {
                    in_si = 0;
                    if ((rc = sst_push(x, start, err)) != PS_OK) return rc;
                }
            } else if (is_name(x, "rPh")) {
                in_rph = !empty;
            } else if (is_name(x, "t")) {
                in_t = !empty;
            }
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            if (is_name(x, "si") && in_si) {
                in_si = 0;
                if ((rc = sst_push(x, start, err)) != PS_OK) return rc;
            } else if (is_name(x, "rPh")) {
                in_rph = 0;
            } else if (is_name(x, "t")) {
                in_t = 0;
            }
        } else if (is_text_node(type) && in_si && in_t && !in_rph) {
            const char *v = (const char *)xmlTextReaderConstValue(x->p.xr);
            if (v && (rc = sst_text(x, v, err)) != PS_OK) return rc;
            if (x->sst_len - start > XLSX_MAX_TEXT)
                return xfail(x, err, PS_ELIMIT, "%s: shared string %zu is longer than %d bytes",
                             x->sst_part, x->n_sst, XLSX_MAX_TEXT);
        }
    }
    return r < 0 ? -r : PS_OK;
}

/* ---- opening ---------------------------------------------------------------- */

/* PS_OK when the file starts like a zip; else say what it is and what to
 * do. */
static int sniff(xlsx_reader *x, const char *path, ps_error *err) {
    unsigned char head[8] = {0};
    FILE *fp = fopen(path, "rb");
    size_t n;
    if (!fp)
        return xfail(x, err, PS_EIO, "cannot open the file: %s; check the path in the job file",
                     strerror(errno));
    n = fread(head, 1, sizeof head, fp);
    if (n == 8 && memcmp(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
        /* an OLE2 container: an old .xls, or an encrypted .xlsx (Excel wraps
         * a password-protected workbook in one, with an EncryptedPackage
         * stream named in UTF-16) */
        static const char enc[] = "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";
        unsigned char buf[65536 + sizeof enc];
        size_t keep = 0, got, i;
        int encrypted = 0;
        rewind(fp);
        while (!encrypted && (got = fread(buf + keep, 1, 65536, fp)) > 0) {
            size_t len = keep + got;
            for (i = 0; i + sizeof enc - 1 <= len; i++)
                if (memcmp(buf + i, enc, sizeof enc - 1) == 0) { encrypted = 1; break; }
            keep = len < sizeof enc ? len : sizeof enc - 1;
            memmove(buf, buf + len - keep, keep);
        }
        fclose(fp);
        if (encrypted)
            return xfail(x, err, PS_EDATA, "the workbook is protected by a password; open it in "
                         "Excel or LibreOffice, remove the password (File > Info > Protect "
                         "Workbook) and save it again as .xlsx");
        return xfail(x, err, PS_EDATA, "this is an old binary Excel file (.xls), which is not "
                     "read; open it in Excel or LibreOffice and save it as \"Excel Workbook "
                     "(.xlsx)\", or as CSV UTF-8");
    }
    fclose(fp);
    if (n == 0) return xfail(x, err, PS_EDATA, "the file is empty; expected an .xlsx workbook");
    if (n >= 4 && head[0] == 'P' && head[1] == 'K') return PS_OK;
    return xfail(x, err, PS_EDATA, "not an XLSX workbook (not a zip file); save it in Excel or "
                 "LibreOffice as \"Excel Workbook (.xlsx)\", or name a CSV file with format = "
                 "\"csv\"");
}

int xlsx_open(xlsx_reader **out, const char *path, const char *name, const char *sheet,
              const ps_host *host, ps_error *err) {
    xlsx_reader *x = calloc(1, sizeof *x);
    int ze = 0, rc;
    *out = NULL;
    if (!x) return host->error(err, PS_ENOMEM, name, 0, 0, "out of memory");
    *out = x;
    x->host = host;
    snprintf(x->name, sizeof x->name, "%s", name);
    LIBXML_TEST_VERSION
    if ((rc = sniff(x, path, err)) != PS_OK) return rc;
    x->zip = zip_open(path, ZIP_RDONLY, &ze);
    if (!x->zip) {
        if (ze == ZIP_ER_NOZIP || ze == ZIP_ER_INCONS)
            return xfail(x, err, PS_EDATA, "the zip archive is damaged or truncated; copy the "
                         "workbook again, or open it in Excel or LibreOffice and save it again");
        zip_error_t e;
        zip_error_init_with_code(&e, ze);
        rc = xfail(x, err, PS_EDATA, "cannot open the workbook: %s", zip_error_strerror(&e));
        zip_error_fini(&e);
        return rc;
    }
    if (zip_get_num_entries(x->zip, 0) > XLSX_MAX_ENTRIES)
        return xfail(x, err, PS_ELIMIT, "the archive holds more than %d files; this is not a "
                     "workbook of measures", XLSX_MAX_ENTRIES);
    if ((rc = read_workbook(x, sheet, err)) != PS_OK || (rc = read_rels(x, err)) != PS_OK ||
        (rc = read_styles(x, err)) != PS_OK || (rc = read_sst(x, err)) != PS_OK)
        return rc;
    int found;
    return part_open(x, x->sheet_part, 0, &found, err);
}

void xlsx_close(xlsx_reader *x) {
    if (!x) return;
    part_close(x);
    if (x->zip) zip_discard(x->zip);
    free(x->sst);
    free(x->sst_off);
    free(x->xf);
    free(x->cells);
    free(x->toff);
    free(x->buf);
    free(x);
}

const char *xlsx_sheet_name(const xlsx_reader *x) { return x->sheet; }

void xlsx_progress(const xlsx_reader *x, uint64_t *done, uint64_t *total) {
    *done = x->p.done;
    *total = x->p.size;
}

/* ---- the worksheet ---------------------------------------------------------- */

/* days since 1970-01-01 -> civil date (H. Hinnant's algorithm).  The core
 * has the same few lines (score/ps_lua.c), but a plugin links nothing from
 * the core. */
static void civil(long z, int *y, int *m, int *d) {
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* An Excel serial to "YYYY-MM-DD"; 0 when it is no real day (serial 60 of
 * the 1900 system is the 29 February 1900 that Lotus invented). */
static int serial_date(double v, int date1904, char *out, size_t size) {
    long days, z;
    int y, m, d;
    if (!(v >= 0 && v < 2958466)) return 0;
    days = (long)floor(v);
    if (date1904) {
        z = days - 24107;                  /* 1904-01-01 is day -24107 from 1970 */
    } else {
        if (days < 1 || days == 60) return 0;
        z = days - (days < 60 ? 25568 : 25569); /* serial 1 = 1900-01-01 */
    }
    civil(z, &y, &m, &d);
    if (y > 9999) return 0;
    snprintf(out, size, "%04d-%02d-%02d", y, m, d);
    return 1;
}

static int cell_text(xlsx_reader *x, const char *s, size_t n, ps_error *err) {
    int rc = grow(&x->buf, &x->buf_len, &x->buf_cap, s, n, (size_t)4 << 20);
    char ref[24];
    if (rc == PS_ELIMIT || x->buf_len - x->cell_start > XLSX_MAX_TEXT)
        return xfail(x, err, PS_ELIMIT, "sheet \"%s\", cell %s%ld: more than %d bytes of text "
                     "in one cell, or 4 MiB in one row", x->sheet,
                     xlsx_col_name(x->col, ref, sizeof ref), x->row, XLSX_MAX_TEXT);
    if (rc != PS_OK) return xfail(x, err, PS_ENOMEM, "out of memory");
    return PS_OK;
}

/* Replace the cell's text by s (which must not point into buf). */
static int cell_reset_text(xlsx_reader *x, const char *s, ps_error *err) {
    x->buf_len = x->cell_start;
    return cell_text(x, s, strlen(s), err);
}

/* Parse "C7" into a 0-based column; -1 when it is no cell reference. */
static long parse_ref(const char *r) {
    long col = 0;
    int n = 0;
    while (*r >= 'A' && *r <= 'Z' && n < 4) {
        col = col * 26 + (*r - 'A' + 1);
        r++;
        n++;
    }
    if (n == 0 || n > 3 || col > 16384) return -1;
    while (*r >= '0' && *r <= '9') r++;
    return *r ? -1 : col - 1;
}

static int begin_cell(xlsx_reader *x, ps_error *err) {
    char r[32], s[24];
    long col;
    attr_copy(x, "r", r, sizeof r);
    attr_copy(x, "t", x->type, sizeof x->type);
    attr_copy(x, "s", s, sizeof s);
    if (r[0]) {
        col = parse_ref(r);
        if (col < 0)
            return xfail(x, err, PS_EDATA, "sheet \"%s\", row %ld: cell reference \"%s\" is not "
                         "a cell; the workbook is damaged", x->sheet, x->row, r);
    } else {
        col = x->next_col;
    }
    if (col < x->next_col)
        return xfail(x, err, PS_EDATA, "sheet \"%s\", row %ld: cell %s comes twice or out of "
                     "order; the workbook is damaged", x->sheet, x->row, r);
    x->col = (size_t)col;
    x->next_col = col + 1;
    x->style = s[0] ? atol(s) : 0;
    x->has_f = x->has_v = x->in_v = x->in_is = x->in_t = x->in_rph = 0;
    x->in_cell = 1;
    x->buf_len = x->cell_start = x->buf_len;
    return PS_OK;
}

static int place_cell(xlsx_reader *x, int type, double num, int percent, ps_error *err) {
    char ref[24];
    if (type == XLSX_BLANK) {
        x->buf_len = x->cell_start;
        return PS_OK;
    }
    if (x->col >= XLSX_MAX_COLS)
        return xfail(x, err, PS_ELIMIT, "sheet \"%s\", cell %s%ld: a value beyond the first %d "
                     "columns; a measures table needs fewer", x->sheet,
                     xlsx_col_name(x->col, ref, sizeof ref), x->row, XLSX_MAX_COLS);
    if (x->col >= x->cap_cells) {
        size_t c = x->cap_cells ? x->cap_cells : 32;
        while (c <= x->col) c *= 2;
        xlsx_cell *p = realloc(x->cells, c * sizeof *p);
        if (!p) return xfail(x, err, PS_ENOMEM, "out of memory");
        x->cells = p;
        size_t *q = realloc(x->toff, c * sizeof *q);
        if (!q) return xfail(x, err, PS_ENOMEM, "out of memory");
        x->toff = q;
        x->cap_cells = c;
    }
    while (x->n_cells <= x->col) {
        memset(&x->cells[x->n_cells], 0, sizeof x->cells[0]);
        x->toff[x->n_cells] = (size_t)-1;
        x->n_cells++;
    }
    x->cells[x->col].type = type;
    x->cells[x->col].num = num;
    x->cells[x->col].percent = percent;
    x->toff[x->col] = x->cell_start;
    x->buf_len++; /* keep the NUL */
    return PS_OK;
}

static int end_cell(xlsx_reader *x, ps_error *err) {
    /* no buffer yet (a first cell without text): NULL + 0 is undefined */
    const char *t = x->type, *v = x->buf ? x->buf + x->cell_start : "";
    char ref[24], tmp[64];
    x->in_cell = 0;
    if (x->buf_len == x->cell_start) {
        /* no text at all: make room for the NUL */
        int rc = cell_text(x, "", 0, err);
        if (rc != PS_OK) return rc;
        v = x->buf + x->cell_start;
    }
    if (strcmp(t, "inlineStr") == 0)
        return place_cell(x, v[0] ? XLSX_TEXT : XLSX_BLANK, 0, 0, err);
    if (!x->has_v) {
        if (x->has_f)
            return xfail(x, err, PS_EDATA, "sheet \"%s\", cell %s%ld: a formula without its "
                         "value; open and save the file in Excel or LibreOffice so values are "
                         "stored", x->sheet, xlsx_col_name(x->col, ref, sizeof ref), x->row);
        return place_cell(x, XLSX_BLANK, 0, 0, err);
    }
    if (strcmp(t, "s") == 0) {
        char *end;
        errno = 0;
        unsigned long i = strtoul(v, &end, 10);
        if (errno || end == v || *end || i >= x->n_sst)
            return xfail(x, err, PS_EDATA, "sheet \"%s\", cell %s%ld: shared string \"%.20s\" "
                         "does not exist (the workbook has %zu); the workbook is damaged",
                         x->sheet, xlsx_col_name(x->col, ref, sizeof ref), x->row, v, x->n_sst);
        const char *s = x->sst + x->sst_off[i];
        x->buf_len = x->cell_start;
        int rc = cell_text(x, s, strlen(s), err);
        if (rc != PS_OK) return rc;
        return place_cell(x, s[0] ? XLSX_TEXT : XLSX_BLANK, 0, 0, err);
    }
    if (strcmp(t, "str") == 0)
        return place_cell(x, v[0] ? XLSX_TEXT : XLSX_BLANK, 0, 0, err);
    if (strcmp(t, "e") == 0) return place_cell(x, XLSX_ERROR, 0, 0, err);
    if (strcmp(t, "b") == 0) {
        int b = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
        int rc = cell_reset_text(x, b ? "TRUE" : "FALSE", err);
        if (rc != PS_OK) return rc;
        return place_cell(x, XLSX_BOOL, b, 0, err);
    }
    if (strcmp(t, "d") == 0) {
        /* ISO 8601 date cells (strict OOXML): keep the day */
        if (strlen(v) >= 10 && v[4] == '-' && v[7] == '-') {
            snprintf(tmp, sizeof tmp, "%.10s", v);
            int rc = cell_reset_text(x, tmp, err);
            if (rc != PS_OK) return rc;
            return place_cell(x, XLSX_DATE, 0, 0, err);
        }
        return place_cell(x, XLSX_TEXT, 0, 0, err);
    }
    if (t[0] && strcmp(t, "n") != 0)
        return xfail(x, err, PS_EDATA, "sheet \"%s\", cell %s%ld: unknown cell type \"%s\"; the "
                     "workbook is damaged", x->sheet, xlsx_col_name(x->col, ref, sizeof ref),
                     x->row, t);
    if (!v[0]) return place_cell(x, XLSX_BLANK, 0, 0, err);
    char *end;
    errno = 0;
    double num = strtod(v, &end);
    if (end == v || *end || !isfinite(num))
        return xfail(x, err, PS_EDATA, "sheet \"%s\", cell %s%ld: \"%.30s\" is not a number "
                     "although the cell is numeric; the workbook is damaged", x->sheet,
                     xlsx_col_name(x->col, ref, sizeof ref), x->row, v);
    int kind = (x->style >= 0 && (size_t)x->style < x->n_xf) ? x->xf[x->style] : XF_PLAIN;
    if (kind == XF_DATE && serial_date(num, x->date1904, tmp, sizeof tmp)) {
        int rc = cell_reset_text(x, tmp, err);
        if (rc != PS_OK) return rc;
        return place_cell(x, XLSX_DATE, num, 0, err);
    }
    if (kind == XF_PERCENT) {
        /* 95% is stored as 0.95: give the number as the official wrote it,
         * rounded to 12 digits so that 0.955 gives 95.5, not 95.49999... */
        snprintf(tmp, sizeof tmp, "%.12g", num * 100);
        num = strtod(tmp, NULL);
        snprintf(tmp, sizeof tmp, "%.12g%%", num);
        int rc = cell_reset_text(x, tmp, err);
        if (rc != PS_OK) return rc;
        return place_cell(x, XLSX_NUMBER, num, 1, err);
    }
    snprintf(tmp, sizeof tmp, "%.15g", num);
    int rc = cell_reset_text(x, tmp, err);
    if (rc != PS_OK) return rc;
    return place_cell(x, XLSX_NUMBER, num, 0, err);
}

static void finish_row(xlsx_reader *x, long *row, const xlsx_cell **cells, size_t *n) {
    size_t i;
    for (i = 0; i < x->n_cells; i++)
        x->cells[i].text = x->toff[i] == (size_t)-1 ? "" : x->buf + x->toff[i];
    *row = x->row;
    *cells = x->cells;
    *n = x->n_cells;
}

static int begin_row(xlsx_reader *x, ps_error *err) {
    char r[32];
    long row;
    attr_copy(x, "r", r, sizeof r);
    if (r[0]) {
        char *end;
        errno = 0;
        row = strtol(r, &end, 10);
        if (errno || *end || row < 1 || row > XLSX_MAX_ROWS)
            return xfail(x, err, PS_EDATA, "sheet \"%s\": row number \"%s\" is not 1..%ld; the "
                         "workbook is damaged", x->sheet, r, XLSX_MAX_ROWS);
    } else {
        row = x->last_row + 1;
    }
    if (row <= x->last_row)
        return xfail(x, err, PS_EDATA, "sheet \"%s\": row %ld comes after row %ld; the workbook "
                     "is damaged: open it in Excel or LibreOffice and save it again", x->sheet,
                     row, x->last_row);
    if (row > XLSX_MAX_ROWS)
        return xfail(x, err, PS_ELIMIT, "sheet \"%s\": more than %ld rows", x->sheet,
                     XLSX_MAX_ROWS);
    x->row = x->last_row = row;
    x->n_cells = 0;
    x->buf_len = 0;
    x->next_col = 0;
    return PS_OK;
}

int xlsx_next_row(xlsx_reader *x, int *have, long *row, const xlsx_cell **cells, size_t *n,
                  ps_error *err) {
    int type, depth, r, rc;
    *have = 0;
    if (x->eof) return PS_OK;
    while ((r = part_next(x, &type, &depth, err)) == 1) {
        if (type == XML_READER_TYPE_ELEMENT) {
            int empty = xmlTextReaderIsEmptyElement(x->p.xr);
            if (is_name(x, "sheetData")) {
                x->in_sheet_data = 1;
                if (empty) break;
            } else if (!x->in_sheet_data) {
                continue;
            } else if (is_name(x, "row")) {
                if ((rc = begin_row(x, err)) != PS_OK) return rc;
                if (empty) {
                    finish_row(x, row, cells, n);
                    *have = 1;
                    return PS_OK;
                }
            } else if (is_name(x, "c")) {
                if ((rc = begin_cell(x, err)) != PS_OK) return rc;
                if (empty && (rc = end_cell(x, err)) != PS_OK) return rc;
            } else if (!x->in_cell) {
                continue;
            } else if (is_name(x, "v")) {
                x->in_v = !empty;
                x->has_v = 1;
            } else if (is_name(x, "f")) {
                x->has_f = 1;
            } else if (is_name(x, "is")) {
                x->in_is = !empty;
            } else if (is_name(x, "rPh")) {
                x->in_rph = !empty;
            } else if (is_name(x, "t") && x->in_is) {
                x->in_t = !empty;
            }
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            if (is_name(x, "sheetData")) break;
            if (!x->in_sheet_data) continue;
            if (is_name(x, "row")) {
                finish_row(x, row, cells, n);
                *have = 1;
                return PS_OK;
            }
            if (!x->in_cell) continue;
            if (is_name(x, "c")) {
                if ((rc = end_cell(x, err)) != PS_OK) return rc;
            } else if (is_name(x, "v")) {
                x->in_v = 0;
            } else if (is_name(x, "is")) {
                x->in_is = 0;
            } else if (is_name(x, "rPh")) {
                x->in_rph = 0;
            } else if (is_name(x, "t")) {
                x->in_t = 0;
            }
        } else if (is_text_node(type) && x->in_cell &&
                   (x->in_v || (x->in_is && x->in_t && !x->in_rph))) {
            const char *v = (const char *)xmlTextReaderConstValue(x->p.xr);
            if (v && (rc = cell_text(x, v, strlen(v), err)) != PS_OK) return rc;
        }
    }
    if (r < 0) return -r;
    x->eof = 1;
    return PS_OK;
}
