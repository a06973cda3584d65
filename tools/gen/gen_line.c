/*
 * gen_line.c -- the line buffer the text writers build records in, with
 * the escaping of the three syntaxes written: XML character data and
 * attributes, RFC 4180 CSV fields, PostgreSQL COPY text.  Hand-rolled
 * instead of fprintf because formatting dominated the run time (see
 * docs/generator.md for the measurement).
 */
#include "gen.h"

#include <string.h>

void gl_reset(gen_line *l) { l->n = 0; }

void gl_mem(gen_line *l, const char *s, size_t n) {
    if (n > sizeof l->buf - l->n) n = sizeof l->buf - l->n;
    memcpy(l->buf + l->n, s, n);
    l->n += n;
}

void gl_str(gen_line *l, const char *s) { gl_mem(l, s, strlen(s)); }

void gl_chr(gen_line *l, char c) {
    if (l->n < sizeof l->buf) l->buf[l->n++] = c;
}

void gl_int(gen_line *l, long long v) {
    char tmp[24];
    int i = sizeof tmp;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) tmp[--i] = '-';
    gl_mem(l, tmp + i, sizeof tmp - (size_t)i);
}

void gl_xml(gen_line *l, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '&': gl_str(l, "&amp;"); break;
        case '<': gl_str(l, "&lt;"); break;
        case '>': gl_str(l, "&gt;"); break;
        case '"': gl_str(l, "&quot;"); break;
        default: gl_chr(l, *s);
        }
    }
}

void gl_csv(gen_line *l, const char *s) {
    if (!strpbrk(s, ",\"\r\n")) {
        gl_str(l, s);
        return;
    }
    gl_chr(l, '"');
    for (; *s; s++) {
        if (*s == '"') gl_chr(l, '"');
        gl_chr(l, *s);
    }
    gl_chr(l, '"');
}

void gl_copy(gen_line *l, const char *s) {
    if (!*s) {
        gl_str(l, "\\N");
        return;
    }
    for (; *s; s++) {
        switch (*s) {
        case '\\': gl_str(l, "\\\\"); break;
        case '\t': gl_str(l, "\\t"); break;
        case '\n': gl_str(l, "\\n"); break;
        case '\r': gl_str(l, "\\r"); break;
        default: gl_chr(l, *s);
        }
    }
}

int gl_flush(gen_line *l, FILE *fp) {
    size_t n = l->n;
    l->n = 0;
    return fwrite(l->buf, 1, n, fp) == n ? 0 : -1;
}
