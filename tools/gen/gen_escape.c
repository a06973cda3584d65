/*
 * gen_escape.c -- escaping for the three text syntaxes the generator
 * writes: XML character data/attributes, RFC 4180 CSV fields, and the
 * text format of PostgreSQL's COPY.  The writers are plain stdio because
 * the records are flat and known; see docs/generator.md for the measured
 * comparison with libxml2's xmlTextWriter.
 */
#include "gen.h"

#include <string.h>

void gen_xml_text(FILE *fp, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", fp); break;
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '"': fputs("&quot;", fp); break;
        default: putc(*s, fp);
        }
    }
}

void gen_csv_field(FILE *fp, const char *s) {
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, fp);
        return;
    }
    putc('"', fp);
    for (; *s; s++) {
        if (*s == '"') putc('"', fp);
        putc(*s, fp);
    }
    putc('"', fp);
}

void gen_copy_field(FILE *fp, const char *s) {
    if (!*s) {
        fputs("\\N", fp);
        return;
    }
    for (; *s; s++) {
        switch (*s) {
        case '\\': fputs("\\\\", fp); break;
        case '\t': fputs("\\t", fp); break;
        case '\n': fputs("\\n", fp); break;
        case '\r': fputs("\\r", fp); break;
        default: putc(*s, fp);
        }
    }
}
