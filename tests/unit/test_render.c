/*
 * test_render.c -- renders the fixture's scorecards, summary and machine
 * outputs into a temporary directory and checks them with the poppler and
 * qpdf command-line tools: exact Vietnamese text and numbers, page counts
 * of the overflowing table, PDF validity, byte-identical re-renders, the
 * previous-period loader, and named errors without leftovers for broken
 * fonts, output directories and templates.
 */
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "render/ps_render.h"
#include "ps_test.h"
#include "test_render_fixture.h"

/* Run cmd, capture stdout into out (NUL-terminated); returns exit status. */
static int run(const char *cmd, char *out, size_t size) {
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    size_t n = out ? fread(out, 1, size - 1, p) : 0;
    if (out) out[n] = '\0';
    else { char tmp[4096]; while (fread(tmp, 1, sizeof tmp, p) > 0) {} }
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char text_buf[1 << 20];

/* pdftotext -layout of pages [first, last] (0: all). */
static const char *pdf_text(const char *dir, const char *file, int first, int last) {
    char cmd[4096];
    if (first)
        snprintf(cmd, sizeof cmd, "pdftotext -q -layout -f %d -l %d '%s/%s' -", first, last, dir, file);
    else
        snprintf(cmd, sizeof cmd, "pdftotext -q -layout '%s/%s' -", dir, file);
    if (run(cmd, text_buf, sizeof text_buf) != 0) text_buf[0] = '\0';
    return text_buf;
}

static int pdf_pages(const char *dir, const char *file) {
    char cmd[4096], out[4096];
    snprintf(cmd, sizeof cmd, "pdfinfo '%s/%s' 2>/dev/null", dir, file);
    if (run(cmd, out, sizeof out) != 0) return -1;
    const char *p = strstr(out, "Pages:");
    return p ? atoi(p + 6) : -1;
}

#define HAS(t, hay, needle) do { const char *h_ = (hay), *n_ = (needle); \
    if (strstr(h_, n_)) (t)->passed++; else { (t)->failed++; \
    fprintf(stderr, "%s:%d: text lacks \"%s\"\n", __FILE__, __LINE__, n_); } } while (0)

static int count_entries(const char *dir, const char *containing) {
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && (!containing || strstr(e->d_name, containing))) n++;
    closedir(d);
    return n;
}

static void write_text(const char *path, const char *s) {
    FILE *f = fopen(path, "w");
    if (f) { fputs(s, f); fclose(f); }
}

static int files_equal(const char *a, const char *b) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    return run(cmd, NULL, 0) == 0;
}

static void render_all(ps_tally *t, const ps_results *r, const char *out, int threads) {
    ps_render_opts o;
    memset(&o, 0, sizeof o);
    o.output_dir = out;
    o.templates_dir = PS_SOURCE_DIR "/templates";
    o.threads = threads;
    ps_error err;
    memset(&err, 0, sizeof err);
    char buf[1400];
    int rc = ps_render_scorecards(r, &o, &err);
    if (rc) fprintf(stderr, "%s\n", ps_error_format(&err, buf, sizeof buf));
    CHECK_INT(t, rc, PS_OK);
    rc = ps_render_summary(r, &o, &err);
    if (rc) fprintf(stderr, "%s\n", ps_error_format(&err, buf, sizeof buf));
    CHECK_INT(t, rc, PS_OK);
    snprintf(buf, sizeof buf, "%s/results.csv", out);
    CHECK_INT(t, ps_write_csv(r, buf, &err), PS_OK);
    snprintf(buf, sizeof buf, "%s/results.json", out);
    CHECK_INT(t, ps_write_json(r, buf, &err), PS_OK);
    snprintf(buf, sizeof buf, "%s/results.xlsx", out);
    CHECK_INT(t, ps_write_xlsx(r, buf, &err), PS_OK);
}

static void check_scorecards(ps_tally *t, const char *out) {
    /* unit 15.001: 28 criteria -> the table continues over 3 pages */
    CHECK_INT(t, pdf_pages(out, "15.001.pdf"), 3);
    const char *s = pdf_text(out, "15.001.pdf", 0, 0);
    HAS(t, s, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    HAS(t, s, "Độc lập - Tự do - Hạnh phúc");
    HAS(t, s, "ỦY BAN NHÂN DÂN TỈNH LÀO CAI");
    HAS(t, s, "PHIẾU KẾT QUẢ ĐÁNH GIÁ");
    HAS(t, s, "Ngày 23 tháng 11 năm 2025");
    /* the long unit name wraps: both ends are printed, nothing cut */
    HAS(t, s, "Xã Tả Van Chư thuộc vùng kinh tế");
    HAS(t, s, "(tên dài để thử xuống dòng) (mã 15.001)");
    HAS(t, s, "Tỉnh Lào Cai");
    HAS(t, s, "Năm 2025");
    /* 1234/1250 = 0,9872 -> 98,7%; counts with dot thousands */
    HAS(t, s, "98,7% (1.234/1.250)");
    HAS(t, s, "17,25");
    /* total 84,75 of 99, rank 12/152, band Tốt */
    HAS(t, s, "84,75/99");
    HAS(t, s, "12/152");
    HAS(t, s, "Tốt");
    /* "≥" comes from Noto Sans Math, merged into the default faces */
    HAS(t, s, "≥ 99%");
    /* group 1 subtotal 32,25/36, total row 84,75 */
    HAS(t, s, "32,25");
    HAS(t, s, "TỔNG CỘNG");
    /* trend: total 84,75 - 82,25 = +2,50; groups -0,75, +1,50, 0,00, unknown */
    HAS(t, s, "▲ +2,50 so với Năm 2024 (82,25)");
    HAS(t, s, "III. SO SÁNH VỚI KỲ TRƯỚC (Năm 2024)");
    HAS(t, s, "▼");
    HAS(t, s, "−0,75");   /* a real minus sign */
    HAS(t, s, "+1,50");
    /* points lost: criterion 1 lost 18 - 17,25 = 0,75; 60 late, 40 listed */
    HAS(t, s, "mất 0,75 điểm");
    /* the rule set's ids number the rows and the appendix, not 1, 2, 3 */
    HAS(t, s, "C01. Tỷ lệ hồ sơ giải quyết đúng hạn");
    CHECK(t, strstr(s, "\n1. Tỷ lệ") == NULL);
    CHECK(t, strstr(s, "\nC01 ") != NULL || strstr(s, " C01 ") != NULL);
    HAS(t, s, "Hồ sơ giải quyết quá hạn (60):");
    HAS(t, s, "H15.22-001-2025-00040");
    HAS(t, s, "và 20 hồ sơ khác");
    /* data quality: known key mapped, unknown key shown raw, count 1.234 */
    HAS(t, s, "Hạn giải quyết trước ngày tiếp nhận");
    HAS(t, s, "H15.22-DQ-001, H15.22-DQ-002");
    HAS(t, s, "odd_new_key");
    HAS(t, s, "1.234");
    /* footer: 1763870700 = 2025-11-23 04:05 UTC = 11:05 in UTC+7 */
    HAS(t, s, "Lập lúc 11:05 ngày 23/11/2025 (UTC+7)");
    HAS(t, s, "Bộ tiêu chí: Chỉ số phục vụ người dân, doanh nghiệp (766), phiên bản 2025.1");
    HAS(t, s, "onestop_sqlite: onestop.db; portal_xml: export.xml");
    HAS(t, s, "Trang 1/3");
    HAS(t, s, "Trang 3/3");
    /* page 2: the table goes on with its header repeated */
    s = pdf_text(out, "15.001.pdf", 2, 2);
    HAS(t, s, "Trang 2/3");
    HAS(t, s, "I. KẾT QUẢ THEO TIÊU CHÍ (tiếp theo)");
    HAS(t, s, "Tiêu chí");
    HAS(t, s, "Kết quả");
    HAS(t, s, "Tiêu chí số 14");
    s = pdf_text(out, "15.001.pdf", 3, 3);
    /* a survey criterion's lost points get an appendix entry too */
    HAS(t, s, "C28. Tiêu chí số 28");
    HAS(t, s, "Yếu tố Công chức: 70% hài lòng");

    CHECK_INT(t, pdf_pages(out, "15.002.pdf"), 1);
    s = pdf_text(out, "15.002.pdf", 0, 0);
    HAS(t, s, "Không chấm điểm được");
    /* in Vietnamese, with the cause and the line; the traceback is not for
     * an official document */
    HAS(t, s, "Đơn vị này chưa được chấm điểm vì quy tắc chấm điểm gặp lỗi");
    HAS(t, s, "value (field 'received')");
    HAS(t, s, "(tệp rules/index766.lua, dòng 42)");
    CHECK(t, strstr(s, "stack traceback") == NULL);
    HAS(t, s, "Trang 1/1");

    CHECK_INT(t, pdf_pages(out, "15.003.pdf"), 1);
    s = pdf_text(out, "15.003.pdf", 0, 0);
    HAS(t, s, "Chưa đủ mẫu khảo sát (12/30 phiếu)");
    HAS(t, s, "2,4 ngày");
    HAS(t, s, "(không phát sinh: đủ điểm)");
    HAS(t, s, "91,50/99");
    HAS(t, s, "3/152");

    /* province summary: 3 units -> 2 landscape pages */
    CHECK_INT(t, pdf_pages(out, "summary.pdf"), 2);
    s = pdf_text(out, "summary.pdf", 0, 0);
    HAS(t, s, "BÁO CÁO TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ");
    HAS(t, s, "Xã Mường Hum");
    HAS(t, s, "91,50");
    HAS(t, s, "Không chấm");
    /* bands: 1 of 3 units is Xuất sắc -> 33,3% */
    HAS(t, s, "33,3%");
    HAS(t, s, "Trang 2/2");

    static const char *const pdfs[] = {"15.001.pdf", "15.002.pdf", "15.003.pdf", "summary.pdf"};
    for (size_t i = 0; i < 4; i++) {
        char cmd[4096];
        snprintf(cmd, sizeof cmd, "qpdf --check '%s/%s' >/dev/null 2>&1", out, pdfs[i]);
        int rc = run(cmd, NULL, 0);
        if (rc != 0) fprintf(stderr, "qpdf --check %s: exit %d\n", pdfs[i], rc);
        CHECK_INT(t, rc, 0);
    }
}

static void check_machine(ps_tally *t, const char *out) {
    char path[1200];
    snprintf(path, sizeof path, "%s/results.csv", out);
    FILE *f = fopen(path, "rb");
    CHECK(t, f != NULL);
    if (!f) return;
    static char csv[1 << 16];
    size_t n = fread(csv, 1, sizeof csv - 1, f);
    csv[n] = '\0';
    fclose(f);
    /* header + 28 + 0 (failed unit) + 4 criteria rows, CRLF ends */
    int rows = 0;
    for (char *p = csv; (p = strstr(p, "\r\n")); p += 2) rows++;
    CHECK_INT(t, rows, 33);
    /* the same numbers as the PDF, in machine form; the name holds commas */
    HAS(t, csv, "15.001,Xã Tả Van Chư thuộc vùng kinh tế - xã hội đặc biệt khó khăn của "
                "huyện Bắc Hà cũ (tên dài để thử xuống dòng),commune,C01,\"Tỷ lệ hồ sơ "
                "giải quyết đúng hạn, trước hạn");
    /* ... and the unit's total, max, band, rank on each of its rows */
    HAS(t, csv, ",G1,1234,1250,0.9872,17.25,18,84.75,99,Tốt,12,152\r\n");
    HAS(t, csv, "15.003,Xã Mường Hum,commune,C04,Tiêu chí tổng hợp nhóm 4,G4,,,,19,21,"
                "91.5,99,Xuất sắc,3,152\r\n");
    char pct[32];
    ps_format_percent(0.9872, 1, pct, sizeof pct);
    CHECK_STR(t, pct, "98,7%");

    snprintf(path, sizeof path, "%s/results.json", out);
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    CHECK(t, root != NULL);
    if (!root) return;
    json_t *u0 = json_array_get(json_object_get(root, "units"), 0);
    CHECK_STR(t, json_string_value(json_object_get(u0, "code")), "15.001");
    CHECK_NUM(t, json_number_value(json_object_get(u0, "total")), 84.75);
    CHECK_INT(t, json_integer_value(json_object_get(u0, "rank")), 12);
    CHECK_STR(t, json_string_value(json_object_get(u0, "band")), "Tốt");
    json_t *c0 = json_array_get(json_object_get(u0, "criteria"), 0);
    CHECK_NUM(t, json_number_value(json_object_get(c0, "points")), 17.25);
    CHECK_NUM(t, json_number_value(json_object_get(c0, "value")), 0.9872);
    json_t *l0 = json_array_get(json_object_get(c0, "lost"), 0);
    CHECK_INT(t, json_integer_value(json_object_get(l0, "count")), 60);
    CHECK_INT(t, json_array_size(json_object_get(l0, "codes")), 40);
    CHECK_STR(t, json_string_value(json_array_get(json_object_get(l0, "codes"), 39)),
              "H15.22-001-2025-00040");
    /* the trend, for machines: previous total and rank, change, marker */
    CHECK_STR(t, json_string_value(json_object_get(u0, "trend")), "improved");
    json_t *p0 = json_object_get(u0, "previous");
    CHECK_NUM(t, json_number_value(json_object_get(p0, "total")), 82.25);
    CHECK_INT(t, json_integer_value(json_object_get(p0, "rank")), 15);
    CHECK_NUM(t, json_number_value(json_object_get(p0, "change")), 2.5);
    CHECK_STR(t, json_string_value(json_object_get(json_object_get(root, "previous_period"),
                                                   "label_vn")), "Năm 2024");
    CHECK_STR(t, json_string_value(json_object_get(json_array_get(json_object_get(root, "units"),
                                                                  2), "trend")), "new");
    json_t *u1 = json_array_get(json_object_get(root, "units"), 1);
    CHECK(t, json_is_true(json_object_get(u1, "failed")));
    CHECK(t, json_is_null(json_object_get(u1, "trend")));
    CHECK(t, json_is_null(json_object_get(u1, "total")));
    json_decref(root);

    snprintf(path, sizeof path, "%s/results.xlsx", out);
    struct stat st;
    CHECK(t, stat(path, &st) == 0 && st.st_size > 1000);
}

static void check_previous(ps_tally *t, const char *out) {
    ps_results r;
    ps_unit_agg agg;
    fx_build(&r, &agg);
    for (size_t i = 0; i < r.n_units; i++) {
        r.units[i].has_previous = 0;
        r.units[i].prev_groups = NULL;
    }
    char path[1200];
    snprintf(path, sizeof path, "%s/results.json", out);
    ps_error err;
    memset(&err, 0, sizeof err);
    /* the same period is no "previous" one */
    CHECK_INT(t, ps_previous_load(&r, path, &err), PS_EDATA);
    HAS(t, err.message, "the previous results are for Năm 2025, which does not end before "
                        "this run's Năm 2025");
    /* a year against a quarter */
    r.period.first = 20454; r.period.last = 20543;    /* 2026-01-01 .. 2026-03-31 */
    snprintf(r.period.label, sizeof r.period.label, "2026-Q1");
    snprintf(r.period.label_vn, sizeof r.period.label_vn, "Quý I/2026");
    CHECK_INT(t, ps_previous_load(&r, path, &err), PS_EDATA);
    HAS(t, err.message, "the previous results are for Năm 2025 (2025), this run for Quý I/2026 "
                        "(2026-Q1): a trend compares periods of the same length");
    /* the next year: accepted */
    r.period.first = 20454; r.period.last = 20818;    /* 2026 */
    snprintf(r.period.label, sizeof r.period.label, "2026");
    snprintf(r.period.label_vn, sizeof r.period.label_vn, "Năm 2026");
    /* ... but not with another rule set, or another major version */
    r.ruleset_id = "provinces/hue";
    CHECK_INT(t, ps_previous_load(&r, path, &err), PS_EDATA);
    HAS(t, err.message, "the previous results were scored with rule set 'national/index766', "
                        "this run with 'provinces/hue'");
    r.ruleset_id = "national/index766";
    r.ruleset_version = "2026.1";
    CHECK_INT(t, ps_previous_load(&r, path, &err), PS_EDATA);
    HAS(t, err.message, "version 2025.1 of rule set 'national/index766', this run version 2026.1");
    r.ruleset_version = "2025.3";                      /* same major: fine */
    /* another province: no unit in common */
    const char *codes[8];
    for (size_t i = 0; i < r.n_units; i++) {
        codes[i] = r.units[i].code;
        r.units[i].code = "01.999";
    }
    CHECK_INT(t, ps_previous_load(&r, path, &err), PS_EDATA);
    HAS(t, err.message, "is in the previous results (another province or scope?)");
    for (size_t i = 0; i < r.n_units; i++) r.units[i].code = codes[i];
    r.prev_label = r.prev_label_vn = NULL;
    CHECK_INT(t, ps_previous_load(&r, path, &err), PS_OK);
    CHECK_STR(t, r.prev_label_vn, "Năm 2025");
    CHECK_INT(t, r.units[0].prev_rank, r.units[0].rank);
    /* the earlier run's own totals come back as the previous period */
    CHECK_INT(t, r.units[0].has_previous, 1);
    CHECK_NUM(t, r.units[0].prev_total, 84.75);
    CHECK(t, r.units[0].prev_groups != NULL);
    if (r.units[0].prev_groups) {
        CHECK_NUM(t, r.units[0].prev_groups[0], 32.25);
        CHECK_NUM(t, r.units[0].prev_groups[3], 17.5);
    }
    CHECK_INT(t, r.units[1].has_previous, 0);      /* failed then: no trend */
    CHECK_INT(t, r.units[2].has_previous, 1);
    CHECK_NUM(t, r.units[2].prev_total, 91.5);

    snprintf(path, sizeof path, "%s/missing.json", out);
    CHECK_INT(t, ps_previous_load(&r, path, &err), PS_EIO);
    HAS(t, err.file, "missing.json");
    snprintf(path, sizeof path, "%s/bad.json", out);
    write_text(path, "{\n \"units\": [\n  {\"code\": \"15.001\",}\n ]\n}\n");
    CHECK_INT(t, ps_previous_load(&r, path, &err), PS_EPARSE);
    CHECK_INT(t, err.line, 3);
    unlink(path);
    ps_arena_free(&r.arena);
}

/* Odd but valid input: decomposed (NFD) Vietnamese, a criterion name far
 * taller than a page, a word wider than its cell. */
static void check_odd_text(ps_tally *t, ps_results *r, const char *tmp) {
    char out[1024];
    snprintf(out, sizeof out, "%s/odd", tmp);
    mkdir(out, 0755);
    ps_unit_result *u = &r->units[2];
    const char *saved_name = u->name, *saved_crit = u->criteria[0].name;
    /* "Xã Mường Hum" with every mark as a combining character */
    u->name = "Xa\xcc\x83 Mu\xcc\x9bo\xcc\x9b\xcc\x80ng Hum";
    ps_buf b;
    ps_buf_init(&b, 0);
    ps_buf_printf(&b, "Rấtdàikhôngcókhoảngtrắng_");
    for (int i = 0; i < 30; i++) ps_buf_printf(&b, "0123456789");
    for (int i = 0; i < 600; i++) ps_buf_printf(&b, " tiêu chí dài");
    u->criteria[0].name = b.data;
    ps_render_opts o;
    memset(&o, 0, sizeof o);
    o.output_dir = out;
    o.templates_dir = PS_SOURCE_DIR "/templates";
    ps_error err;
    memset(&err, 0, sizeof err);
    CHECK_INT(t, ps_render_scorecards(r, &o, &err), PS_OK);
    const char *s = pdf_text(out, "15.003.pdf", 0, 0);
    HAS(t, s, "Xã Mường Hum (mã 15.003)");       /* drawn in NFC */
    HAS(t, s, "Rấtdàikhôngcókhoảngtrắng_0123");  /* the long word broken, not lost */
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "qpdf --check '%s/15.003.pdf' >/dev/null 2>&1", out);
    CHECK_INT(t, run(cmd, NULL, 0), 0);
    /* the cell is cut at the page bottom: the unit still fits in 2 pages */
    CHECK_INT(t, pdf_pages(out, "15.003.pdf"), 2);
    u->name = saved_name;
    u->criteria[0].name = saved_crit;
    ps_buf_free(&b);
}

/* An edited template takes effect without recompiling: dot decimals, the
 * chart section removed, another title; the job's font paths are used. */
static void check_edited_template(ps_tally *t, const ps_results *r, const char *tmp) {
    char out[1024], tdir[1024], path[1200], cmd[4096];
    snprintf(out, sizeof out, "%s/edited", tmp);
    snprintf(tdir, sizeof tdir, "%s/edited-templates", tmp);
    mkdir(out, 0755);
    mkdir(tdir, 0755);
    snprintf(cmd, sizeof cmd,
             "sed -e 's/decimal=\",\"/decimal=\".\"/' -e '/<section name=\"chart\"/d' "
             "-e 's/PHIẾU KẾT QUẢ ĐÁNH GIÁ/PHIẾU ĐIỂM THỬ/' "
             "'%s/templates/scorecard.xml' > '%s/scorecard.xml'", PS_SOURCE_DIR, tdir);
    CHECK_INT(t, run(cmd, NULL, 0), 0);
    ps_render_opts o;
    memset(&o, 0, sizeof o);
    o.output_dir = out;
    o.templates_dir = tdir;   /* fonts/... is not beside this copy: the job names them */
    o.font_regular = PS_SOURCE_DIR "/templates/fonts/NotoSerif-Regular-vn.ttf";
    o.font_bold = PS_SOURCE_DIR "/templates/fonts/NotoSerif-Bold-vn.ttf";
    ps_error err;
    memset(&err, 0, sizeof err);
    CHECK_INT(t, ps_render_scorecards(r, &o, &err), PS_OK);
    const char *s = pdf_text(out, "15.001.pdf", 0, 0);
    HAS(t, s, "PHIẾU ĐIỂM THỬ");
    HAS(t, s, "98.7% (1,234/1,250)");
    HAS(t, s, "84.75/99");
    CHECK(t, strstr(s, "II. ĐIỂM THEO NHÓM TIÊU CHÍ") == NULL);
    /* without the job's fonts, the copy's relative font names are not found */
    o.font_regular = o.font_bold = NULL;
    CHECK_INT(t, ps_render_scorecards(r, &o, &err), PS_ECONFIG);
    HAS(t, err.message, "fonts/NotoSerif-Regular-vn.ttf");
    snprintf(path, sizeof path, "%s/scorecard.xml", tdir);
    unlink(path);
    rmdir(tdir);
}

/* Broken inputs: a named error and nothing written, not even a temp file. */
static void check_errors(ps_tally *t, const ps_results *r, const char *tmp) {
    /* tmp is at most 511 bytes (main) */
    char out[1024], tdir[1024], path[1400];
    snprintf(out, sizeof out, "%s/err-out", tmp);
    snprintf(tdir, sizeof tdir, "%s/err-templates", tmp);
    mkdir(out, 0755);
    mkdir(tdir, 0755);
    ps_render_opts o;
    memset(&o, 0, sizeof o);
    o.output_dir = out;
    o.templates_dir = PS_SOURCE_DIR "/templates";
    o.threads = 2;
    ps_error err;

    /* a missing font file */
    memset(&err, 0, sizeof err);
    snprintf(path, sizeof path, "%s/no-such-font.ttf", tmp);
    o.font_regular = path;
    CHECK_INT(t, ps_render_scorecards(r, &o, &err), PS_ECONFIG);
    HAS(t, err.file, "no-such-font.ttf");
    HAS(t, err.message, "font file not found");
    CHECK_INT(t, ps_render_summary(r, &o, &err), PS_ECONFIG);
    CHECK_INT(t, count_entries(out, NULL), 0);
    o.font_regular = NULL;

    /* an output directory that does not exist */
    memset(&err, 0, sizeof err);
    snprintf(path, sizeof path, "%s/no/such/dir", tmp);
    o.output_dir = path;
    CHECK_INT(t, ps_render_scorecards(r, &o, &err), PS_EIO);
    HAS(t, err.message, "output directory does not exist");
    CHECK_INT(t, ps_render_summary(r, &o, &err), PS_EIO);
    snprintf(path, sizeof path, "%s/no/such/dir/results.xlsx", tmp);
    CHECK_INT(t, ps_write_xlsx(r, path, &err), PS_EIO);
    snprintf(path, sizeof path, "%s/no/such/dir/results.csv", tmp);
    CHECK_INT(t, ps_write_csv(r, path, &err), PS_EIO);
    snprintf(path, sizeof path, "%s/no/such/dir/results.json", tmp);
    CHECK_INT(t, ps_write_json(r, path, &err), PS_EIO);
    /* an output "directory" that is a file */
    snprintf(path, sizeof path, "%s/plain-file", tmp);
    write_text(path, "x");
    o.output_dir = path;
    CHECK_INT(t, ps_render_scorecards(r, &o, &err), PS_EIO);
    unlink(path);
    o.output_dir = out;

    /* broken templates */
    o.templates_dir = tdir;
    snprintf(path, sizeof path, "%s/scorecard.xml", tdir);
    write_text(path, "<?xml version=\"1.0\"?>\n<scorecard>\n  <page size=\"A4\"\n</scorecard>\n");
    memset(&err, 0, sizeof err);
    CHECK_INT(t, ps_render_scorecards(r, &o, &err), PS_ECONFIG);
    HAS(t, err.message, "not well-formed XML");
    CHECK(t, err.line >= 3 && err.line <= 4);
    HAS(t, err.file, "scorecard.xml");

    write_text(path, "<?xml version=\"1.0\"?>\n<scorecard>\n"
                     "  <fonts regular=\"a.ttf\" bold=\"b.ttf\"/>\n"
                     "  <sections>\n    <section name=\"header\"/>\n"
                     "    <section name=\"bogus\"/>\n  </sections>\n</scorecard>\n");
    memset(&err, 0, sizeof err);
    CHECK_INT(t, ps_render_scorecards(r, &o, &err), PS_ECONFIG);
    HAS(t, err.message, "unknown section \"bogus\"");
    CHECK_INT(t, err.line, 6);

    write_text(path, "<?xml version=\"1.0\"?>\n<scorecard>\n"
                     "  <fonts regular=\"a.ttf\"/>\n</scorecard>\n");
    memset(&err, 0, sizeof err);
    CHECK_INT(t, ps_render_scorecards(r, &o, &err), PS_ECONFIG);
    HAS(t, err.message, "bold=");
    CHECK_INT(t, err.line, 3);

    /* a required text missing: the renderer would print an empty title */
    write_text(path, "<?xml version=\"1.0\"?>\n<scorecard>\n"
                     "  <fonts regular=\"a.ttf\" bold=\"b.ttf\"/>\n"
                     "  <sections><section name=\"header\"/></sections>\n</scorecard>\n");
    memset(&err, 0, sizeof err);
    CHECK_INT(t, ps_render_scorecards(r, &o, &err), PS_ECONFIG);
    HAS(t, err.message, "missing <text key=\"nation\">");

    /* more broken templates: each message names the problem and the line */
    static const struct { const char *body; const char *msg; long line; } bad[] = {
        {"<scorecard>\n<fonts regular=\"a\" bold=\"b\"/>\n<colors text=\"red\"/>\n</scorecard>\n",
         "colour text=\"...\" must be #RRGGBB (got \"red\")", 3},
        {"<scorecard>\n<fonts regular=\"a\" bold=\"b\" size=\"big\"/>\n</scorecard>\n",
         "bad number size=\"big\" on <fonts>", 2},
        {"<scorecard>\n<fonts regular=\"a\" bold=\"b\"/>\n<footer/>\n</scorecard>\n",
         "unknown element <footer>", 3},
        {"<scorecard>\n<page size=\"A4\" margin-top=\"15\" colour=\"x\"/>\n</scorecard>\n",
         "unknown attribute \"colour\" on <page>", 2},
        {"<scorecard>\n<page size=\"Letter\"/>\n</scorecard>\n",
         "page size \"Letter\" is not supported", 2},
        {"<summary/>\n", "the root element must be <scorecard> (got <summary>)", 1},
        {"<scorecard>\n<fonts regular=\"a\" bold=\"b\"/>\n<sections>\n"
         "<section name=\"criteria\" widths=\"5,x\"/>\n</sections>\n</scorecard>\n",
         "widths=\"5,x\" must be positive numbers", 4},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_text(path, bad[i].body);
        memset(&err, 0, sizeof err);
        CHECK_INT(t, ps_render_scorecards(r, &o, &err), PS_ECONFIG);
        HAS(t, err.message, bad[i].msg);
        CHECK_INT(t, err.line, bad[i].line);
    }

    /* the summary template missing altogether */
    memset(&err, 0, sizeof err);
    CHECK_INT(t, ps_render_summary(r, &o, &err), PS_ECONFIG);
    HAS(t, err.file, "summary.xml");
    unlink(path);

    CHECK_INT(t, count_entries(out, NULL), 0);
    CHECK_INT(t, count_entries(tmp, ".tmp"), 0);
    rmdir(tdir);
}

int main(void) {
    ps_tally t = {0, 0};
    if (run("command -v pdftotext && command -v pdfinfo && command -v qpdf", NULL, 0) != 0) {
        printf("poppler-utils or qpdf missing: skipped\n");
        return 77;
    }
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char tmp[512], out1[600], out2[600], a[1200], b[1200];
    snprintf(tmp, sizeof tmp, "%s/ps-render-XXXXXX", base);
    if (!mkdtemp(tmp)) return 1;
    snprintf(out1, sizeof out1, "%s/one", tmp);
    snprintf(out2, sizeof out2, "%s/two", tmp);
    mkdir(out1, 0755);
    mkdir(out2, 0755);

    ps_results r;
    ps_unit_agg agg0;
    fx_build(&r, &agg0);
    render_all(&t, &r, out1, 2);
    check_scorecards(&t, out1);
    check_machine(&t, out1);
    check_previous(&t, out1);

    /* same inputs, one thread instead of two: byte-identical files */
    render_all(&t, &r, out2, 1);
    static const char *const files[] = {"15.001.pdf", "15.002.pdf", "15.003.pdf",
                                        "summary.pdf", "results.csv", "results.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(a, sizeof a, "%s/%s", out1, files[i]);
        snprintf(b, sizeof b, "%s/%s", out2, files[i]);
        int same = files_equal(a, b);
        if (!same) fprintf(stderr, "%s differs between two renders\n", files[i]);
        CHECK(&t, same);
    }
    CHECK_INT(&t, count_entries(out1, ".tmp"), 0);

    check_odd_text(&t, &r, tmp);
    check_edited_template(&t, &r, tmp);
    check_errors(&t, &r, tmp);
    ps_arena_free(&r.arena);

    if (!getenv("PS_KEEP_OUTPUT")) {
        char cmd[1200];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
        run(cmd, NULL, 0);
    } else {
        printf("output kept in %s\n", tmp);
    }
    return ps_test_done(&t);
}
