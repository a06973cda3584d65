/*
 * survey_form.c -- reading the questionnaire design with libxml2.  The
 * file is trusted no more than the responses: no network, no external
 * DTD, no entity substitution, and a DOCTYPE stops the parse (a form has
 * no use for one; refusing it rules out entity expansion tricks).
 */
#include "survey_form.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "../csv_common/csv_reader.h"

#define SURVEY_NS "urn:vn:khaosat:1"
#define SURVEY_FORM_MAX_BYTES (16L * 1024 * 1024)
/* Real questionnaires have tens of criteria; the cap bounds the per-batch
 * answer arrays and the header matching (criteria x columns). */
#define SURVEY_FORM_MAX_CRITERIA 1000

typedef struct form_parse {
    int saw_doctype;
    int have_first;            /* the first error, kept by on_xml_error */
    int first_line, first_col;
    char first[400];
} form_parse;

/* Structured error hook: keep the FIRST error.  libxml2 goes on after a
 * fatal error and the context's last error is then often a consequence
 * ("Extra content at the end of the document" after a 10 MB attribute). */
static void on_xml_error(void *ctx, xmlErrorPtr e) {
    xmlParserCtxtPtr ctxt = ctx;
    form_parse *fp = ctxt ? ctxt->_private : NULL;
    size_t n;
    if (!fp || !e || fp->have_first || e->level < XML_ERR_ERROR) return;
    fp->have_first = 1;
    fp->first_line = e->line;
    fp->first_col = e->int2;
    snprintf(fp->first, sizeof fp->first, "%s", e->message ? e->message : "not well-formed XML");
    n = strlen(fp->first);
    while (n > 0 && (fp->first[n - 1] == '\n' || fp->first[n - 1] == ' ')) fp->first[--n] = 0;
    /* libxml2's advice here ("use XML_PARSE_HUGE option") is for programmers */
    if (strncmp(fp->first, "Excessive depth", 15) == 0)
        snprintf(fp->first, sizeof fp->first,
                 "elements nested deeper than 256 levels (a form needs 3)");
}

/* SAX internalSubset hook: called at <!DOCTYPE ...>. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext,
                       const xmlChar *sys) {
    xmlParserCtxtPtr ctxt = ctx;
    form_parse *fp = ctxt->_private;
    (void)name;
    (void)ext;
    (void)sys;
    fp->saw_doctype = 1;
    xmlStopParser(ctxt);
}

static int read_all(const char *path, char **out, long *len, ps_error *err) {
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long n = 0, cap = 0;
    if (!fp)
        return csv_error(err, PS_EIO, path, 0, 0,
                         "cannot open the survey form: %s; check `form` in the job file",
                         strerror(errno));
    for (;;) {
        size_t got;
        if (n == cap) {
            char *p;
            if (cap >= SURVEY_FORM_MAX_BYTES) {
                free(buf);
                fclose(fp);
                return csv_error(err, PS_ELIMIT, path, 0, 0,
                                 "the survey form is larger than %ld bytes; is this the "
                                 "right file?", SURVEY_FORM_MAX_BYTES);
            }
            cap = cap ? cap * 2 : 8192;
            p = realloc(buf, (size_t)cap);
            if (!p) {
                free(buf);
                fclose(fp);
                return csv_error(err, PS_ENOMEM, path, 0, 0, "out of memory");
            }
            buf = p;
        }
        got = fread(buf + n, 1, (size_t)(cap - n), fp);
        n += (long)got;
        if (got == 0) break;
    }
    if (ferror(fp)) {
        free(buf);
        fclose(fp);
        return csv_error(err, PS_EIO, path, 0, 0, "read error");
    }
    fclose(fp);
    *out = buf;
    *len = n;
    return PS_OK;
}

static int is_el(const xmlNode *n, const char *name) {
    return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, SURVEY_NS) == 0 &&
           strcmp((const char *)n->name, name) == 0;
}

/* Attribute `name` of n copied into the arena, blanks around removed;
 * NULL when absent or empty. */
static char *attr(survey_form *f, const xmlNode *n, const char *name, int *oom) {
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    const char *s, *e;
    char *copy;
    size_t len;
    if (!v) return NULL;
    s = (const char *)v;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r')) e--;
    len = (size_t)(e - s);
    if (len == 0) {
        xmlFree(v);
        return NULL;
    }
    copy = csv_arena_alloc(&f->arena, len + 1);
    if (!copy) *oom = 1;
    else memcpy(copy, s, len);
    xmlFree(v);
    return copy;
}

static int int_attr(const xmlNode *n, const char *name, int *out) {
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    char *end;
    long x;
    int ok = 0;
    if (v) {
        errno = 0;
        x = strtol((const char *)v, &end, 10);
        ok = end != (char *)v && *end == 0 && !errno && x >= INT_MIN && x <= INT_MAX;
        if (ok) *out = (int)x;
        xmlFree(v);
    }
    return ok;
}

static int form_error(ps_error *err, int status, const char *path, const xmlNode *n,
                      const char *where, const char *msg) {
    csv_error(err, status, path, n ? xmlGetLineNo(n) : 0, 0, "%s", msg);
    if (where) snprintf(err->where, sizeof err->where, "%s", where);
    return status;
}

static int walk(survey_form *f, const xmlDoc *doc, const char *path,
                const char *const *reserved, ps_error *err) {
    const xmlNode *root = xmlDocGetRootElement(doc), *c, *t;
    const xmlNode *scale = NULL;
    size_t n = 0, i, k;
    int oom = 0;
    char msg[512];
    ps_survey_criterion *crit;

    if (!root || !is_el(root, "BieuMauKhaoSat")) {
        snprintf(msg, sizeof msg,
                 "the root element is <%s>%s%s%s, expected <BieuMauKhaoSat "
                 "xmlns=\"" SURVEY_NS "\">; is this a survey form?",
                 root ? (const char *)root->name : "",
                 root && root->ns ? " in namespace \"" : " without a namespace",
                 root && root->ns ? (const char *)root->ns->href : "",
                 root && root->ns ? "\"" : "");
        return form_error(err, PS_EPARSE, path, root, NULL, msg);
    }
    f->form.code = attr(f, root, "Ma", &oom);
    f->form.name = attr(f, root, "Ten", &oom);
    if (!f->form.code)
        return form_error(err, PS_EDATA, path, root, NULL,
                          "<BieuMauKhaoSat> needs a Ma attribute (the form code)");
    if (!f->form.name) f->form.name = f->form.code;

    /* First pass: check the structure and count the criteria. */
    for (c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (is_el(c, "ThangDo")) {
            if (scale)
                return form_error(err, PS_EDATA, path, c, f->form.code,
                                  "a second <ThangDo>; a form has one answer scale");
            scale = c;
        } else if (is_el(c, "YeuTo")) {
            size_t here = 0;
            for (t = c->children; t; t = t->next) {
                if (t->type != XML_ELEMENT_NODE) continue;
                if (!is_el(t, "TieuChi")) {
                    snprintf(msg, sizeof msg, "unexpected <%s> inside <YeuTo>; "
                             "only <TieuChi> belongs there", (const char *)t->name);
                    return form_error(err, PS_EDATA, path, t, NULL, msg);
                }
                here++;
            }
            if (here == 0)
                return form_error(err, PS_EDATA, path, c, NULL,
                                  "<YeuTo> without any <TieuChi>");
            n += here;
        } else {
            snprintf(msg, sizeof msg, "unexpected <%s> in <BieuMauKhaoSat>; "
                     "expected <ThangDo> and <YeuTo>", (const char *)c->name);
            return form_error(err, PS_EDATA, path, c, NULL, msg);
        }
    }
    if (!scale)
        return form_error(err, PS_EDATA, path, root, f->form.code,
                          "the form has no <ThangDo Min=.. Max=.. HaiLongTu=..> "
                          "(answer scale)");
    if (n == 0)
        return form_error(err, PS_EDATA, path, root, f->form.code,
                          "the form has no <YeuTo>/<TieuChi> criteria");
    if (n > SURVEY_FORM_MAX_CRITERIA) {
        snprintf(msg, sizeof msg, "the form has %zu criteria, more than %d; is this "
                 "the right file?", n, SURVEY_FORM_MAX_CRITERIA);
        return form_error(err, PS_ELIMIT, path, root, f->form.code, msg);
    }
    if (!int_attr(scale, "Min", &f->form.scale_min) ||
        !int_attr(scale, "Max", &f->form.scale_max) ||
        !int_attr(scale, "HaiLongTu", &f->form.satisfied_from))
        return form_error(err, PS_EDATA, path, scale, f->form.code,
                          "<ThangDo> needs integer attributes Min, Max and HaiLongTu");
    if (f->form.scale_min < 1 || f->form.scale_max <= f->form.scale_min ||
        f->form.satisfied_from < f->form.scale_min ||
        f->form.satisfied_from > f->form.scale_max) {
        snprintf(msg, sizeof msg, "<ThangDo Min=\"%d\" Max=\"%d\" HaiLongTu=\"%d\"> "
                 "is not a scale: need 1 <= Min < Max and Min <= HaiLongTu <= Max",
                 f->form.scale_min, f->form.scale_max, f->form.satisfied_from);
        return form_error(err, PS_EDATA, path, scale, f->form.code, msg);
    }

    /* Second pass: the criteria in document order. */
    crit = csv_arena_alloc(&f->arena, n * sizeof *crit);
    if (!crit) return csv_error(err, PS_ENOMEM, path, 0, 0, "out of memory");
    i = 0;
    for (c = root->children; c; c = c->next) {
        const char *ecode, *ename;
        if (!is_el(c, "YeuTo")) continue;
        ecode = attr(f, c, "Ma", &oom);
        ename = attr(f, c, "Ten", &oom);
        if (!ecode)
            return form_error(err, PS_EDATA, path, c, NULL,
                              "<YeuTo> needs a Ma attribute (element code)");
        for (t = c->children; t; t = t->next) {
            if (t->type != XML_ELEMENT_NODE) continue;
            crit[i].code = attr(f, t, "Ma", &oom);
            crit[i].name = attr(f, t, "Ten", &oom);
            crit[i].element_code = ecode;
            crit[i].element_name = ename ? ename : ecode;
            if (oom) return csv_error(err, PS_ENOMEM, path, 0, 0, "out of memory");
            if (!crit[i].code)
                return form_error(err, PS_EDATA, path, t, ecode,
                                  "<TieuChi> needs a Ma attribute (criterion code, "
                                  "also its column name in the responses CSV)");
            if (!crit[i].name) crit[i].name = crit[i].code;
            for (k = 0; k < i; k++)
                if (strcmp(crit[k].code, crit[i].code) == 0) {
                    snprintf(msg, sizeof msg, "criterion code %s appears twice; "
                             "codes name CSV columns and must be unique", crit[i].code);
                    return form_error(err, PS_EDATA, path, t, NULL, msg);
                }
            for (k = 0; reserved && reserved[k]; k++)
                if (strcmp(reserved[k], crit[i].code) == 0) {
                    snprintf(msg, sizeof msg, "criterion code %s is the name of a "
                             "fixed responses column; choose another code",
                             crit[i].code);
                    return form_error(err, PS_EDATA, path, t, NULL, msg);
                }
            i++;
        }
    }
    if (oom) return csv_error(err, PS_ENOMEM, path, 0, 0, "out of memory");
    f->form.criteria = crit;
    f->form.n_criteria = n;
    return PS_OK;
}

int survey_form_load(survey_form *f, const char *path,
                     const char *const *reserved, ps_error *err) {
    char *buf = NULL;
    long len = 0;
    int st;
    form_parse fp = {0};
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;

    memset(f, 0, sizeof *f);
    if ((st = read_all(path, &buf, &len, err)) != PS_OK) return st;
    ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        free(buf);
        return csv_error(err, PS_ENOMEM, path, 0, 0, "out of memory");
    }
    ctxt->_private = &fp;
    ctxt->sax->internalSubset = on_doctype;
    ctxt->sax->serror = on_xml_error;
    doc = xmlCtxtReadMemory(ctxt, buf, (int)len, path, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    free(buf);
    if (fp.saw_doctype || (doc && (doc->intSubset || doc->extSubset))) {
        st = csv_error(err, PS_EPARSE, path, ctxt->input ? ctxt->input->line : 0, 0,
                       "the form has a <!DOCTYPE>; survey forms must not declare a "
                       "DTD or entities; remove the DOCTYPE line");
    } else if ((!doc || !ctxt->wellFormed) && fp.have_first) {
        st = csv_error(err, PS_EPARSE, path, fp.first_line, fp.first_col,
                       "the survey form is not well-formed XML: %s", fp.first);
    } else if (!doc || !ctxt->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        char text[400] = "not well-formed XML";
        if (e && e->message) {
            size_t n;
            snprintf(text, sizeof text, "%s", e->message);
            n = strlen(text);
            while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' ')) text[--n] = 0;
        }
        st = csv_error(err, PS_EPARSE, path, e ? e->line : 0, e ? e->int2 : 0,
                       "the survey form is not well-formed XML: %s", text);
    } else {
        st = walk(f, doc, path, reserved, err);
    }
    if (doc) xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    if (st != PS_OK) survey_form_free(f);
    return st;
}

void survey_form_free(survey_form *f) {
    if (!f) return;
    csv_arena_free(&f->arena);
    memset(&f->form, 0, sizeof f->form);
}
