/*
 * test_csv_reader.c -- table tests of the CSV reader shared by the survey,
 * kiosk and measures plugins: input bytes -> the records read (with the physical
 * line each began on) or the error and the line it names.  The plugin
 * sources are compiled in directly; the reader needs no host.
 */
#include <stdlib.h>
#include <string.h>

#include "ps_test.h"

#include "../../plugins/csv_common/csv_fields.c"
#include "../../plugins/csv_common/csv_reader.c"
#include "../../plugins/csv_common/csv_arena.c"

typedef struct csv_case {
    const char *name;
    const char *input;
    size_t len;            /* 0: strlen(input) */
    size_t max_record;     /* 0: default */
    const char *want;      /* "LINE:f1|f2;LINE:..." or NULL when an error is wanted */
    int want_status;       /* the error's status */
    long want_line;        /* the line the error names */
    const char *want_text; /* a phrase the message must contain */
} csv_case;

/* Read everything into "LINE:f1|f2;..." (newlines inside fields as \n). */
static int read_all_records(FILE *fp, size_t max, char *out, size_t size, ps_error *err) {
    csv_reader *r = malloc(sizeof *r);
    int st, have = 1;
    size_t i;
    out[0] = 0;
    if (!r) return PS_ENOMEM;
    st = csv_open_stream(r, fp, "t.csv", max, err);
    while (st == PS_OK) {
        st = csv_next(r, &have, err);
        if (st != PS_OK || !have) break;
        snprintf(out + strlen(out), size - strlen(out), "%s%ld:", out[0] ? ";" : "",
                 r->record_line);
        for (i = 0; i < r->n_fields; i++) {
            const char *p;
            if (i) snprintf(out + strlen(out), size - strlen(out), "|");
            for (p = r->fields[i]; *p; p++)
                snprintf(out + strlen(out), size - strlen(out), "%s",
                         *p == '\n' ? "\\n" : *p == '\r' ? "\\r" : (char[2]){*p, 0});
        }
    }
    csv_close(r);
    free(r);
    return st;
}

static void run_case(ps_tally *t, const csv_case *c) {
    char got[4096];
    ps_error err;
    size_t len = c->len ? c->len : strlen(c->input);
    FILE *fp = fmemopen((void *)c->input, len, "rb");
    int st;
    memset(&err, 0, sizeof err);
    if (!fp) {
        CHECK(t, fp != NULL);
        return;
    }
    st = read_all_records(fp, c->max_record, got, sizeof got, &err);
    if (c->want) {
        if (st != PS_OK) fprintf(stderr, "case %s: %s\n", c->name, err.message);
        CHECK_INT(t, st, PS_OK);
        if (strcmp(got, c->want) != 0) fprintf(stderr, "case %s:\n", c->name);
        CHECK_STR(t, got, c->want);
    } else {
        if (st != c->want_status) fprintf(stderr, "case %s: got %s\n", c->name, got);
        CHECK_INT(t, st, c->want_status);
        CHECK_INT(t, err.line, c->want_line);
        CHECK_STR(t, err.file, "t.csv");
        if (!strstr(err.message, c->want_text))
            fprintf(stderr, "case %s: message [%s] lacks [%s]\n", c->name, err.message,
                    c->want_text);
        CHECK(t, strstr(err.message, c->want_text) != NULL);
    }
}

static const csv_case cases[] = {
    {"lf", "a,b\n1,2\n", 0, 0, "1:a|b;2:1|2", 0, 0, NULL},
    {"crlf", "a,b\r\n1,2\r\n", 0, 0, "1:a|b;2:1|2", 0, 0, NULL},
    /* CRLF, LF and a lone CR each end one line; no final newline */
    {"mixed endings", "a,b\r\n1,2\n3,4\r5,6", 0, 0, "1:a|b;2:1|2;3:3|4;4:5|6", 0, 0, NULL},
    /* a quoted comma, doubled quotes, a quoted LF: the next record starts on line 4 */
    {"quoting", "x,\"a,b\"\n\"he said \"\"hi\"\"\",\"l1\nl2\"\nz,w\n", 0, 0,
     "1:x|a,b;2:he said \"hi\"|l1\\nl2;4:z|w", 0, 0, NULL},
    {"quoted crlf", "\"l1\r\nl2\",q\r\nz,w\r\n", 0, 0, "1:l1\\r\\nl2|q;3:z|w", 0, 0, NULL},
    {"bom", "\xEF\xBB\xBF" "a,b\n", 0, 0, "1:a|b", 0, 0, NULL},
    {"bom only", "\xEF\xBB\xBF", 0, 0, "", 0, 0, NULL},
    {"empty", "", 0, 0, "", 0, 0, NULL},
    {"blank lines skipped", "a\n\n\r\n\nb\n", 0, 0, "1:a;5:b", 0, 0, NULL},
    {"empty fields", ",\n\"\",x\na,", 0, 0, "1:|;2:|x;3:a|", 0, 0, NULL},
    {"utf-8 text", "Phường Lào Cai,\"Cảm ơn, \"\"tốt\"\"\"\n", 0, 0,
     "1:Phường Lào Cai|Cảm ơn, \"tốt\"", 0, 0, NULL},
    {"exactly at the cap", "abc,de\n", 0, 7, "1:abc|de", 0, 0, NULL},

    {"utf-16le bom", "\xFF\xFE" "a\0,\0", 6, 0, NULL, PS_EPARSE, 1, "file is UTF-16, save as UTF-8"},
    {"utf-16be bom", "\xFE\xFF\0a\0,", 6, 0, NULL, PS_EPARSE, 1, "file is UTF-16, save as UTF-8"},
    {"unterminated quote", "a,b\n1,\"open\nmore\nstill\n", 0, 0, NULL, PS_EPARSE, 2,
     "quote opened at line 2"},
    {"nul", "a,b\n1,2\n3,x\0y\n", 14, 0, NULL, PS_EPARSE, 3, "NUL byte"},
    /* the bad byte is on line 3 although its field began on line 2 */
    {"invalid utf-8", "a,b\n\"x\ny\xC3\",1\n", 0, 0, NULL, PS_EPARSE, 3, "invalid UTF-8"},
    {"overlong utf-8", "a,\xC0\xAF\n", 0, 0, NULL, PS_EPARSE, 1, "invalid UTF-8"},
    {"record too long", "a,b\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", 0, 16, NULL, PS_ELIMIT, 2,
     "longer than 16 bytes"},
    {"text after closing quote", "a\n\"ab\"c,d\n", 0, 0, NULL, PS_EPARSE, 2,
     "text after the closing quote"},
    {"quote in unquoted field", "ab\"c\n", 0, 0, NULL, PS_EPARSE, 1, "quote inside unquoted"},
};

/* A CRLF split across the reader's input buffer, and a record spanning it. */
static void buffer_boundary(ps_tally *t) {
    size_t n = CSV_IN_SIZE + 10;
    char *buf = malloc(n);
    ps_error err;
    FILE *fp;
    if (!buf) return;
    memset(buf, 'x', n);
    buf[CSV_IN_SIZE - 1] = '\r'; /* last byte of the first read */
    buf[CSV_IN_SIZE] = '\n';     /* first byte of the second */
    memcpy(buf + CSV_IN_SIZE + 1, "y,\"z\nw\"\n", 8);
    buf[n - 1] = 'q';            /* last record, no newline */
    fp = fmemopen(buf, n, "rb");
    memset(&err, 0, sizeof err);
    {
        csv_reader *r = malloc(sizeof *r);
        int have = 0;
        if (!r || !fp) {
            CHECK(t, r && fp);
            free(r);
            free(buf);
            return;
        }
        CHECK_INT(t, csv_open_stream(r, fp, "t.csv", 0, &err), PS_OK);
        CHECK_INT(t, csv_next(r, &have, &err), PS_OK);
        CHECK_INT(t, have, 1);
        CHECK_INT(t, strlen(r->fields[0]), CSV_IN_SIZE - 1);
        CHECK_INT(t, csv_next(r, &have, &err), PS_OK);
        CHECK_INT(t, r->record_line, 2);
        CHECK_STR(t, r->fields[1], "z\nw");
        CHECK_INT(t, csv_next(r, &have, &err), PS_OK);
        CHECK_INT(t, r->record_line, 4); /* "z\nw" spans lines 2-3 */
        CHECK_STR(t, r->fields[0], "q");
        CHECK_INT(t, csv_next(r, &have, &err), PS_OK);
        CHECK_INT(t, have, 0);
        CHECK_INT(t, r->consumed, n);
        csv_close(r);
        free(r);
    }
    free(buf);
}

static void fields(ps_tally *t) {
    long v = 99;
    char b[8];
    CHECK_INT(t, csv_field_int("", &v), 0);
    CHECK_INT(t, csv_field_int("  ", &v), 0);
    CHECK_INT(t, v, 99);
    CHECK_INT(t, csv_field_int(" 4 ", &v), 1);
    CHECK_INT(t, v, 4);
    CHECK_INT(t, csv_field_int("-2", &v), 1);
    CHECK_INT(t, v, -2);
    CHECK_INT(t, csv_field_int("4.0", &v), -1);
    CHECK_INT(t, csv_field_int("4a", &v), -1);
    CHECK_INT(t, csv_field_int("-", &v), -1);
    CHECK_INT(t, csv_field_int("99999999999999999999999", &v), -1);
    CHECK(t, csv_field_is(" CC1\t", "CC1"));
    CHECK(t, !csv_field_is("CC10", "CC1"));
    CHECK_STR(t, csv_field_trim("  abcdefghij ", b, sizeof b), "abcdefg");
    {
        char list[16] = "";
        csv_list_add(list, sizeof list, "TCDV1");
        csv_list_add(list, sizeof list, "CC1");
        CHECK_STR(t, list, "TCDV1, CC1");
        csv_list_add(list, sizeof list, "LONGNAME");
        CHECK_STR(t, list, "TCDV1, CC1...");
        csv_list_add(list, sizeof list, "X");
        CHECK_STR(t, list, "TCDV1, CC1...");
    }
}

/* csv_set_separator: auto (0) picks the more frequent of ',' and ';' in
 * the first line, quoted text not counted; a fixed one is used as given. */
static void separator_case(ps_tally *t, const char *input, int sep, const char *want) {
    FILE *fp = fmemopen((void *)input, strlen(input), "rb");
    csv_reader *r = malloc(sizeof *r);
    ps_error err;
    char got[512] = "";
    int have = 1;
    memset(&err, 0, sizeof err);
    if (!fp || !r) {
        CHECK(t, 0);
        if (fp) fclose(fp);
        free(r);
        return;
    }
    CHECK_INT(t, csv_open_stream(r, fp, "t.csv", 0, &err), PS_OK);
    csv_set_separator(r, sep);
    while (csv_next(r, &have, &err) == PS_OK && have)
        for (size_t i = 0; i < r->n_fields; i++)
            snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", r->fields[i],
                     i + 1 < r->n_fields ? "|" : ";");
    CHECK_STR(t, got, want);
    csv_close(r);
    free(r);
}

static void separators(ps_tally *t) {
    separator_case(t, "a;b;c\n1;\"x;y\";3,5\n", 0, "a|b|c;1|x;y|3,5;");
    separator_case(t, "\xEF\xBB\xBF\"a,b\";c\r\n1,5;2\r\n", 0, "a,b|c;1,5|2;");
    separator_case(t, "a,b;c\n1,2\n", 0, "a|b;c;1|2;");  /* a tie: ',' */
    separator_case(t, "a;b\n1,5;2\n", ';', "a|b;1,5|2;");
    separator_case(t, "a;b\n1;2\n", ',', "a;b;1;2;");
}

int main(void) {
    ps_tally t = {0, 0};
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) run_case(&t, &cases[i]);
    buffer_boundary(&t);
    fields(&t);
    separators(&t);
    return ps_test_done(&t);
}
