/*
 * test_survey_form.c -- table tests of the survey form loader: form XML
 * -> the criteria in document order with their elements, or the error
 * and the line it names.  The plugin sources are compiled in directly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ps_test.h"

#include "../../plugins/csv_common/csv_arena.c"
#include "../../plugins/csv_common/csv_reader.c"
#include "../../plugins/survey/survey_form.c"

static const char *const reserved[] = {"ma_phieu", "kenh", "gop_y", NULL};

#define HEAD "<?xml version=\"1.0\"?>\n<BieuMauKhaoSat xmlns=\"urn:vn:khaosat:1\" Ma=\"F\">\n"
#define SCALE "<ThangDo Min=\"1\" Max=\"5\" HaiLongTu=\"4\"/>\n"

typedef struct form_case {
    const char *name;
    const char *xml;
    const char *want;   /* "min..max>=sat CODE/ELEMENT ..." or NULL for an error */
    int want_status;
    long want_line;
    const char *want_text;
} form_case;

static const form_case cases[] = {
    {"document order", HEAD SCALE
     "<YeuTo Ma=\"B\" Ten=\"Bê\"><TieuChi Ma=\"B2\"/><TieuChi Ma=\"B1\"/></YeuTo>\n"
     "<!-- comment --><YeuTo Ma=\"A\"><TieuChi Ma=\" A1 \" Ten=\"Một\"/></YeuTo>\n"
     "</BieuMauKhaoSat>\n",
     "1..5>=4 B2/B(Bê) B1/B(Bê) A1/A(A)", 0, 0, NULL},
    {"7-point scale", HEAD "<ThangDo Min=\"1\" Max=\"7\" HaiLongTu=\"6\"/>\n"
     "<YeuTo Ma=\"A\"><TieuChi Ma=\"A1\"/></YeuTo></BieuMauKhaoSat>\n",
     "1..7>=6 A1/A(A)", 0, 0, NULL},

    {"doctype", "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
     "<BieuMauKhaoSat xmlns=\"urn:vn:khaosat:1\" Ma=\"&e;\"/>\n",
     NULL, PS_EPARSE, 2, "<!DOCTYPE>"},
    {"not xml", "Ma,Ten\n", NULL, PS_EPARSE, 1, "not well-formed XML"},
    {"unclosed", HEAD SCALE "<YeuTo Ma=\"A\">\n", NULL, PS_EPARSE, 5, "not well-formed XML"},
    {"wrong namespace", "<BieuMauKhaoSat xmlns=\"urn:other\" Ma=\"F\"/>\n", NULL, PS_EPARSE, 1,
     "in namespace \"urn:other\""},
    {"no code", "<BieuMauKhaoSat xmlns=\"urn:vn:khaosat:1\"/>\n", NULL, PS_EDATA, 1,
     "needs a Ma attribute"},
    {"no scale", HEAD "<YeuTo Ma=\"A\"><TieuChi Ma=\"A1\"/></YeuTo></BieuMauKhaoSat>\n",
     NULL, PS_EDATA, 2, "no <ThangDo"},
    {"two scales", HEAD SCALE SCALE "</BieuMauKhaoSat>\n", NULL, PS_EDATA, 4, "a second <ThangDo>"},
    {"scale from 0", HEAD "<ThangDo Min=\"0\" Max=\"5\" HaiLongTu=\"4\"/>\n"
     "<YeuTo Ma=\"A\"><TieuChi Ma=\"A1\"/></YeuTo></BieuMauKhaoSat>\n",
     NULL, PS_EDATA, 3, "need 1 <= Min < Max"},
    {"satisfied above max", HEAD "<ThangDo Min=\"1\" Max=\"5\" HaiLongTu=\"6\"/>\n"
     "<YeuTo Ma=\"A\"><TieuChi Ma=\"A1\"/></YeuTo></BieuMauKhaoSat>\n",
     NULL, PS_EDATA, 3, "Min <= HaiLongTu <= Max"},
    {"scale not a number", HEAD "<ThangDo Min=\"1\" Max=\"five\" HaiLongTu=\"4\"/>\n"
     "<YeuTo Ma=\"A\"><TieuChi Ma=\"A1\"/></YeuTo></BieuMauKhaoSat>\n",
     NULL, PS_EDATA, 3, "integer attributes Min, Max and HaiLongTu"},
    {"no criteria", HEAD SCALE "</BieuMauKhaoSat>\n", NULL, PS_EDATA, 2, "no <YeuTo>/<TieuChi>"},
    {"empty element", HEAD SCALE "<YeuTo Ma=\"A\">\n</YeuTo></BieuMauKhaoSat>\n", NULL,
     PS_EDATA, 4, "<YeuTo> without any <TieuChi>"},
    {"stray element", HEAD SCALE "<YeuTo Ma=\"A\"><TieuChi Ma=\"A1\"/>\n<CauHoi/></YeuTo>"
     "</BieuMauKhaoSat>\n", NULL, PS_EDATA, 5, "unexpected <CauHoi>"},
    {"criterion without code", HEAD SCALE "<YeuTo Ma=\"A\">\n<TieuChi Ten=\"x\"/></YeuTo>"
     "</BieuMauKhaoSat>\n", NULL, PS_EDATA, 5, "<TieuChi> needs a Ma"},
    {"duplicate code", HEAD SCALE "<YeuTo Ma=\"A\"><TieuChi Ma=\"A1\"/></YeuTo>\n"
     "<YeuTo Ma=\"B\">\n<TieuChi Ma=\"A1\"/></YeuTo></BieuMauKhaoSat>\n",
     NULL, PS_EDATA, 6, "criterion code A1 appears twice"},
    {"reserved code", HEAD SCALE "<YeuTo Ma=\"A\">\n<TieuChi Ma=\"kenh\"/></YeuTo>"
     "</BieuMauKhaoSat>\n", NULL, PS_EDATA, 5, "kenh is the name of a fixed responses column"},
};

static void describe(const ps_survey_form *f, char *out, size_t size) {
    size_t i;
    snprintf(out, size, "%d..%d>=%d", f->scale_min, f->scale_max, f->satisfied_from);
    for (i = 0; i < f->n_criteria; i++)
        snprintf(out + strlen(out), size - strlen(out), " %s/%s(%s)", f->criteria[i].code,
                 f->criteria[i].element_code, f->criteria[i].element_name);
}

int main(void) {
    ps_tally t = {0, 0};
    const char *tmp = getenv("TMPDIR");
    char path[512];
    int fd;
    size_t i;
    snprintf(path, sizeof path, "%s/parscore-form-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        return 1;
    }
    close(fd);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const form_case *c = &cases[i];
        FILE *fp = fopen(path, "wb");
        survey_form f;
        ps_error err;
        char got[512];
        int st;
        memset(&err, 0, sizeof err);
        if (!fp) break;
        fputs(c->xml, fp);
        fclose(fp);
        st = survey_form_load(&f, path, reserved, &err);
        if (c->want) {
            if (st != PS_OK) fprintf(stderr, "case %s: %s\n", c->name, err.message);
            CHECK_INT(&t, st, PS_OK);
            if (st == PS_OK) {
                describe(&f.form, got, sizeof got);
                CHECK_STR(&t, got, c->want);
                CHECK_STR(&t, f.form.code, "F");
            }
        } else {
            if (st != c->want_status || err.line != c->want_line ||
                !strstr(err.message, c->want_text))
                fprintf(stderr, "case %s: status %d line %ld: %s\n", c->name, st, err.line,
                        err.message);
            CHECK_INT(&t, st, c->want_status);
            CHECK_INT(&t, err.line, c->want_line);
            CHECK(&t, strstr(err.message, c->want_text) != NULL);
            CHECK_STR(&t, err.file, path);
        }
        survey_form_free(&f);
    }
    { /* 1001 criteria: over the cap */
        FILE *fp = fopen(path, "wb");
        survey_form f;
        ps_error err;
        if (fp) {
            fputs(HEAD SCALE "<YeuTo Ma=\"A\">", fp);
            for (i = 0; i < 1001; i++) fprintf(fp, "<TieuChi Ma=\"A%zu\"/>", i);
            fputs("</YeuTo></BieuMauKhaoSat>\n", fp);
            fclose(fp);
        }
        CHECK_INT(&t, survey_form_load(&f, path, reserved, &err), PS_ELIMIT);
        CHECK(&t, strstr(err.message, "1001 criteria, more than 1000") != NULL);
        survey_form_free(&f);
    }
    {
        survey_form f;
        ps_error err;
        CHECK_INT(&t, survey_form_load(&f, "/nonexistent/form.xml", reserved, &err), PS_EIO);
        CHECK(&t, strstr(err.message, "cannot open the survey form") != NULL);
        survey_form_free(&f);
    }
    unlink(path);
    return ps_test_done(&t);
}
