/*
 * ps_layout.c -- reads the XML layout templates (libxml2 tree API).  Every
 * element and attribute is checked against what the renderers understand,
 * so a typo in a template is an error with file:line, not a silently
 * missing section on thousands of printed pages.
 */
#include "render/ps_layout.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#define MM (72.0 / 25.4)

static int lerr(ps_error *err, const ps_layout *l, const xmlNode *n,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int lerr(ps_error *err, const ps_layout *l, const xmlNode *n,
                const char *fmt, ...) {
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ps_error_set(err, PS_ECONFIG, l->path, n ? (long)xmlGetLineNo(n) : 0, 0,
                        "template: %s", msg);
}

static int is_el(const xmlNode *n, const char *name) {
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* attribute value copied into buf; 1 if present */
static int attr(const xmlNode *n, const char *name, char *buf, size_t size) {
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v) return 0;
    snprintf(buf, size, "%s", (const char *)v);
    xmlFree(v);
    return 1;
}

/* Only the listed attributes may appear on n. */
static int check_attrs(ps_layout *l, const xmlNode *n, const char *const *allowed,
                       ps_error *err) {
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        int ok = 0;
        for (size_t i = 0; allowed[i]; i++)
            if (strcmp((const char *)a->name, allowed[i]) == 0) ok = 1;
        if (!ok)
            return lerr(err, l, n, "unknown attribute \"%s\" on <%s>",
                        (const char *)a->name, (const char *)n->name);
    }
    return PS_OK;
}

static int num_attr(ps_layout *l, const xmlNode *n, const char *name, double lo,
                    double hi, double *out, ps_error *err) {
    char buf[64];
    if (!attr(n, name, buf, sizeof buf)) return PS_OK;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (errno || end == buf || *end || !(v >= lo && v <= hi)) {
        char what[128];
        snprintf(what, sizeof what, "%s=\"%s\"", name, buf);
        return lerr(err, l, n, "bad number %s on <%s> (expected a plain number "
                    "such as 15 or 9.5)", what, (const char *)n->name);
    }
    *out = v;
    return PS_OK;
}

static int colour_attr(ps_layout *l, const xmlNode *n, const char *name,
                       uint32_t *out, ps_error *err) {
    char buf[32];
    if (!attr(n, name, buf, sizeof buf)) return PS_OK;
    char *end;
    unsigned long v = buf[0] == '#' ? strtoul(buf + 1, &end, 16) : 0;
    if (buf[0] != '#' || strlen(buf) != 7 || *end)
        return lerr(err, l, n, "colour %s=\"...\" must be #RRGGBB (got \"%s\")",
                    name, buf);
    *out = (uint32_t)v;
    return PS_OK;
}

static int add_text(ps_layout *l, const char *key, const char *value) {
    char **k = ps_realloc(l->text_keys, (l->n_texts + 1) * sizeof *k);
    if (!k) return PS_ENOMEM;
    l->text_keys = k;
    char **v = ps_realloc(l->text_values, (l->n_texts + 1) * sizeof *v);
    if (!v) return PS_ENOMEM;
    l->text_values = v;
    k[l->n_texts] = ps_strdup(key);
    v[l->n_texts] = ps_strdup(value);
    if (!k[l->n_texts] || !v[l->n_texts]) {
        ps_free(k[l->n_texts]);
        ps_free(v[l->n_texts]);
        return PS_ENOMEM;
    }
    l->n_texts++;
    return PS_OK;
}

static int parse_page(ps_layout *l, const xmlNode *n, ps_error *err) {
    static const char *const allowed[] = {"size", "orientation", "margin-top",
        "margin-bottom", "margin-left", "margin-right", NULL};
    int rc = check_attrs(l, n, allowed, err);
    if (rc) return rc;
    char size[32], orient[32] = "portrait";
    if (!attr(n, "size", size, sizeof size))
        return lerr(err, l, n, "<page> needs the attribute size=\"A4\"");
    if (strcmp(size, "A4") == 0) { l->page_w = 210 * MM; l->page_h = 297 * MM; }
    else if (strcmp(size, "A3") == 0) { l->page_w = 297 * MM; l->page_h = 420 * MM; }
    else return lerr(err, l, n, "page size \"%s\" is not supported (use A4 or A3)", size);
    attr(n, "orientation", orient, sizeof orient);
    if (strcmp(orient, "landscape") == 0) {
        double t = l->page_w; l->page_w = l->page_h; l->page_h = t;
    } else if (strcmp(orient, "portrait") != 0)
        return lerr(err, l, n, "orientation \"%s\" must be portrait or landscape", orient);
    double m[4] = {l->margin_t / MM, l->margin_b / MM, l->margin_l / MM, l->margin_r / MM};
    if ((rc = num_attr(l, n, "margin-top", 0, 80, &m[0], err)) ||
        (rc = num_attr(l, n, "margin-bottom", 0, 80, &m[1], err)) ||
        (rc = num_attr(l, n, "margin-left", 0, 80, &m[2], err)) ||
        (rc = num_attr(l, n, "margin-right", 0, 80, &m[3], err)))
        return rc;
    l->margin_t = m[0] * MM; l->margin_b = m[1] * MM;
    l->margin_l = m[2] * MM; l->margin_r = m[3] * MM;
    return PS_OK;
}

static int parse_fonts(ps_layout *l, const xmlNode *n, ps_error *err) {
    static const char *const allowed[] = {"regular", "bold", "size", NULL};
    int rc = check_attrs(l, n, allowed, err);
    if (rc) return rc;
    if (!attr(n, "regular", l->font_regular, sizeof l->font_regular) ||
        !attr(n, "bold", l->font_bold, sizeof l->font_bold))
        return lerr(err, l, n, "<fonts> needs the attributes regular=\"...ttf\" "
                    "and bold=\"...ttf\"");
    return num_attr(l, n, "size", 5, 20, &l->font_size, err);
}

static int parse_colours(ps_layout *l, const xmlNode *n, ps_error *err) {
    static const char *const allowed[] = {"text", "accent", "rule", "fill", "head",
        "good", "bad", "bar", NULL};
    int rc = check_attrs(l, n, allowed, err);
    if (rc || (rc = colour_attr(l, n, "text", &l->c_text, err)) ||
        (rc = colour_attr(l, n, "accent", &l->c_accent, err)) ||
        (rc = colour_attr(l, n, "rule", &l->c_rule, err)) ||
        (rc = colour_attr(l, n, "fill", &l->c_fill, err)) ||
        (rc = colour_attr(l, n, "head", &l->c_head, err)) ||
        (rc = colour_attr(l, n, "good", &l->c_good, err)) ||
        (rc = colour_attr(l, n, "bad", &l->c_bad, err)) ||
        (rc = colour_attr(l, n, "bar", &l->c_bar, err)))
        return rc;
    return PS_OK;
}

static int parse_numbers(ps_layout *l, const xmlNode *n, ps_error *err) {
    static const char *const allowed[] = {"decimal", "percent-decimals",
        "points-decimals", NULL};
    int rc = check_attrs(l, n, allowed, err);
    if (rc) return rc;
    char dec[8];
    if (attr(n, "decimal", dec, sizeof dec)) {
        if (strcmp(dec, ",") && strcmp(dec, "."))
            return lerr(err, l, n, "decimal=\"%s\" must be \",\" or \".\"", dec);
        l->decimal = dec[0];
    }
    double pd = l->pct_decimals, td = l->pts_decimals;
    if ((rc = num_attr(l, n, "percent-decimals", 0, 4, &pd, err)) ||
        (rc = num_attr(l, n, "points-decimals", 0, 4, &td, err)))
        return rc;
    l->pct_decimals = (int)pd;
    l->pts_decimals = (int)td;
    return PS_OK;
}

static int parse_texts(ps_layout *l, const xmlNode *n, ps_error *err) {
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (!is_el(c, "text"))
            return lerr(err, l, c, "unknown element <%s> inside <texts> (only <text key=\"...\">)",
                        (const char *)c->name);
        static const char *const allowed[] = {"key", NULL};
        int rc = check_attrs(l, c, allowed, err);
        if (rc) return rc;
        char key[64];
        if (!attr(c, "key", key, sizeof key))
            return lerr(err, l, c, "<text> needs the attribute key=\"...\"");
        xmlChar *v = xmlNodeGetContent(c);
        rc = add_text(l, key, v ? (const char *)v : "");
        xmlFree(v);
        if (rc) return ps_error_set(err, rc, l->path, 0, 0, "out of memory");
    }
    return PS_OK;
}

static int parse_sections(ps_layout *l, const xmlNode *n, const char *const *known,
                          ps_error *err) {
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (!is_el(c, "section"))
            return lerr(err, l, c, "unknown element <%s> inside <sections> (only <section name=\"...\">)",
                        (const char *)c->name);
        static const char *const allowed[] = {"name", "widths", NULL};
        int rc = check_attrs(l, c, allowed, err);
        if (rc) return rc;
        if (l->n_sections == PS_LAYOUT_MAX_SECTIONS)
            return lerr(err, l, c, "too many sections (at most %d)", PS_LAYOUT_MAX_SECTIONS);
        ps_layout_section *s = &l->sections[l->n_sections];
        memset(s, 0, sizeof *s);
        if (!attr(c, "name", s->name, sizeof s->name))
            return lerr(err, l, c, "<section> needs the attribute name=\"...\"");
        int ok = 0;
        char list[400] = "";
        for (size_t i = 0; known[i]; i++) {
            if (strcmp(known[i], s->name) == 0) ok = 1;
            if (strlen(list) + strlen(known[i]) + 3 < sizeof list) {
                if (i) strcat(list, ", ");
                strcat(list, known[i]);
            }
        }
        if (!ok)
            return lerr(err, l, c, "unknown section \"%s\" (known: %s)", s->name, list);
        s->line = xmlGetLineNo(c);
        char w[256];
        if (attr(c, "widths", w, sizeof w)) {
            char *p = w;
            while (*p) {
                char *end;
                double v = strtod(p, &end);
                if (end == p || !(v > 0) || s->n_widths == PS_LAYOUT_MAX_WIDTHS)
                    return lerr(err, l, c, "widths=\"%s\" must be positive numbers "
                                "separated by commas (at most 12)", w);
                s->widths[s->n_widths++] = v;
                p = end;
                while (*p == ',' || *p == ' ') p++;
            }
        }
        l->n_sections++;
    }
    return PS_OK;
}

int ps_layout_load(ps_layout *l, const char *path, const char *kind,
                   const char *const *known, const char *const *required_texts,
                   ps_error *err) {
    memset(l, 0, sizeof *l);
    snprintf(l->path, sizeof l->path, "%s", path);
    snprintf(l->kind, sizeof l->kind, "%s", kind);
    l->page_w = 210 * MM; l->page_h = 297 * MM;
    l->margin_t = l->margin_b = 15 * MM; l->margin_l = 20 * MM; l->margin_r = 15 * MM;
    l->font_size = 9;
    l->c_text = 0x1a1a1a; l->c_accent = 0x1f3a68; l->c_rule = 0x8a94a3;
    l->c_fill = 0xf3f5f8; l->c_head = 0xdde4ee; l->c_good = 0x2e7d32;
    l->c_bad = 0xc62828; l->c_bar = 0x3b6bb0;
    l->decimal = ',';
    l->pct_decimals = 1;
    l->pts_decimals = 2;

    /* checked first: libxml2 would print its own I/O warning on stderr */
    if (access(path, R_OK) != 0)
        return ps_error_set(err, PS_ECONFIG, path, 0, 0,
                            "cannot read template: %s (check the templates "
                            "directory and the template name in the job)", strerror(errno));
    xmlParserCtxtPtr ctx = xmlNewParserCtxt();
    if (!ctx) return ps_error_set(err, PS_ENOMEM, path, 0, 0, "out of memory");
    xmlDocPtr doc = xmlCtxtReadFile(ctx, path, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = xmlCtxtGetLastError(ctx);
        int rc;
        if (e && e->domain == XML_FROM_IO)
            rc = ps_error_set(err, PS_ECONFIG, path, 0, 0,
                              "cannot read template (check templates_dir and the file name)");
        else
            rc = ps_error_set(err, PS_ECONFIG, path, e ? e->line : 0, e ? e->int2 : 0,
                              "template is not well-formed XML: %s",
                              e && e->message ? e->message : "parse error");
        /* libxml2 messages end with a newline */
        size_t ml = strlen(err->message);
        if (ml && err->message[ml - 1] == '\n') err->message[ml - 1] = '\0';
        /* its advice for this one ("use XML_PARSE_HUGE option") is for programmers */
        if (strstr(err->message, "Excessive depth"))
            snprintf(err->message, sizeof err->message,
                     "template is not well-formed XML: elements nested deeper than 256 levels");
        xmlFreeParserCtxt(ctx);
        return rc;
    }
    xmlFreeParserCtxt(ctx);
    int rc = PS_OK;
    if (doc->intSubset || doc->extSubset) {
        /* like every XML input: no DTD, so no entity can pull in a local
         * file or expand without bound (an external entity was silently
         * dropped before: found by tests/hostile) */
        rc = ps_error_set(err, PS_ECONFIG, path, 0, 0,
                          "the template has a <!DOCTYPE>; templates must not declare a DTD "
                          "or entities: remove the DOCTYPE");
        goto done;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || !is_el(root, kind)) {
        rc = lerr(err, l, root, "the root element must be <%s> (got <%s>)", kind,
                  root ? (const char *)root->name : "nothing");
        goto done;
    }
    int seen_fonts = 0, seen_sections = 0;
    for (xmlNode *c = root->children; c && rc == PS_OK; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (is_el(c, "page")) rc = parse_page(l, c, err);
        else if (is_el(c, "fonts")) { rc = parse_fonts(l, c, err); seen_fonts = 1; }
        else if (is_el(c, "colors")) rc = parse_colours(l, c, err);
        else if (is_el(c, "numbers")) rc = parse_numbers(l, c, err);
        else if (is_el(c, "texts")) rc = parse_texts(l, c, err);
        else if (is_el(c, "sections")) { rc = parse_sections(l, c, known, err); seen_sections = 1; }
        else
            rc = lerr(err, l, c, "unknown element <%s> (expected page, fonts, colors, "
                      "numbers, texts, sections)", (const char *)c->name);
    }
    if (rc == PS_OK && (!seen_fonts || !seen_sections))
        rc = lerr(err, l, root, "<%s> needs a <%s> element", kind,
                  !seen_fonts ? "fonts" : "sections");
    for (size_t i = 0; rc == PS_OK && required_texts && required_texts[i]; i++) {
        int found = 0;
        for (size_t k = 0; k < l->n_texts; k++)
            if (strcmp(l->text_keys[k], required_texts[i]) == 0) found = 1;
        if (!found)
            rc = lerr(err, l, root, "missing <text key=\"%s\"> inside <texts>",
                      required_texts[i]);
    }
done:
    xmlFreeDoc(doc);
    if (rc != PS_OK) ps_layout_free(l);
    return rc;
}

void ps_layout_free(ps_layout *l) {
    for (size_t i = 0; i < l->n_texts; i++) {
        ps_free(l->text_keys[i]);
        ps_free(l->text_values[i]);
    }
    ps_free(l->text_keys);
    ps_free(l->text_values);
    l->text_keys = l->text_values = NULL;
    l->n_texts = 0;
}

const char *ps_layout_text(const ps_layout *l, const char *key) {
    for (size_t i = 0; i < l->n_texts; i++)
        if (strcmp(l->text_keys[i], key) == 0) return l->text_values[i];
    return "";
}

const ps_layout_section *ps_layout_find(const ps_layout *l, const char *name) {
    for (size_t i = 0; i < l->n_sections; i++)
        if (strcmp(l->sections[i].name, name) == 0) return &l->sections[i];
    return NULL;
}
