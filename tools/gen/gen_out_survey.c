/*
 * gen_out_survey.c -- the SIPAS-style survey: the form definition
 * (FORMATS.md 3a), the responses CSV (3b) and the kiosk button log (3c).
 * The form follows the five SIPAS elements; its criteria are the columns
 * of the responses file, so both come from the one table below.
 * CSV rows end in CRLF as RFC 4180 says; a comment may hold a bare LF.
 */
#include "gen.h"

typedef struct gen_criterion {
    const char *code, *name;
} gen_criterion;
typedef struct gen_element {
    const char *code, *name;
    const gen_criterion *criteria;
    size_t n_criteria;
} gen_element;

static const gen_criterion tcdv[] = {
    {"TCDV1", "Nơi ngồi chờ có đủ chỗ ngồi"},
    {"TCDV2", "Trang thiết bị phục vụ người dân, tổ chức đầy đủ"},
    {"TCDV3", "Trang thiết bị phục vụ người dân, tổ chức hiện đại"},
    {"TCDV4", "Trang thiết bị phục vụ người dân, tổ chức dễ sử dụng"},
};
static const gen_criterion tthc[] = {
    {"TTHC1", "Thủ tục hành chính được niêm yết công khai đầy đủ, chính xác"},
    {"TTHC2", "Thành phần hồ sơ phải nộp là đúng quy định"},
    {"TTHC3", "Phí, lệ phí phải nộp là đúng quy định"},
    {"TTHC4", "Thời hạn giải quyết là đúng quy định"},
};
static const gen_criterion cc[] = {
    {"CC1", "Công chức có thái độ giao tiếp lịch sự"},
    {"CC2", "Công chức chú ý lắng nghe ý kiến của người dân, tổ chức"},
    {"CC3", "Công chức trả lời, giải thích đầy đủ các ý kiến của người dân, tổ chức"},
    {"CC4", "Công chức hướng dẫn kê khai hồ sơ tận tình, chu đáo"},
};
static const gen_criterion kq[] = {
    {"KQ1", "Kết quả nhận được đúng quy định"},
    {"KQ2", "Kết quả nhận được có thông tin đầy đủ, chính xác"},
    {"KQ3", "Kết quả được trả đúng hẹn"},
};
static const gen_criterion gy[] = {
    {"GY1", "Cơ quan có bố trí hình thức tiếp nhận góp ý, phản ánh, kiến nghị"},
    {"GY2", "Góp ý, phản ánh, kiến nghị được tiếp nhận, xử lý và phản hồi kịp thời"},
};

#define N(a) (sizeof a / sizeof *a)
static const gen_element elements[] = {
    {"TCDV", "Tiếp cận dịch vụ", tcdv, N(tcdv)},
    {"TTHC", "Thủ tục hành chính", tthc, N(tthc)},
    {"CC", "Công chức", cc, N(cc)},
    {"KQ", "Kết quả", kq, N(kq)},
    {"GY", "Tiếp nhận và xử lý góp ý, phản ánh, kiến nghị", gy, N(gy)},
};

size_t gen_survey_criteria_count(void) {
    size_t n = 0;
    for (size_t i = 0; i < N(elements); i++) n += elements[i].n_criteria;
    return n;
}

static void xml_out(FILE *fp, const char *s) {
    gen_line l;
    gl_reset(&l);
    gl_xml(&l, s);
    gl_flush(&l, fp);
}

void gen_survey_form(FILE *fp, const char *province, const char *province_name, int year) {
    fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<BieuMauKhaoSat xmlns=\"urn:vn:khaosat:1\" Ma=\"SIPAS-%s-%d\" Ten=\"",
            province ? province : "VN", year);
    xml_out(fp, "Phiếu khảo sát sự hài lòng (SIPAS) ");
    fprintf(fp, "%d", year);
    if (province_name && *province_name) {
        xml_out(fp, " — ");
        xml_out(fp, province_name);
    }
    fputs("\">\n  <ThangDo Ma=\"5\" Min=\"1\" Max=\"5\" HaiLongTu=\"4\"/>\n", fp);
    for (size_t i = 0; i < N(elements); i++) {
        fprintf(fp, "  <YeuTo Ma=\"%s\" Ten=\"", elements[i].code);
        xml_out(fp, elements[i].name);
        fputs("\">\n", fp);
        for (size_t k = 0; k < elements[i].n_criteria; k++) {
            fprintf(fp, "    <TieuChi Ma=\"%s\" Ten=\"", elements[i].criteria[k].code);
            xml_out(fp, elements[i].criteria[k].name);
            fputs("\"/>\n", fp);
        }
        fputs("  </YeuTo>\n", fp);
    }
    fputs("</BieuMauKhaoSat>\n", fp);
}

void gen_survey_header(FILE *fp) {
    fputs("ma_phieu,ma_don_vi,ngay,kenh,ma_tthc", fp);
    for (size_t i = 0; i < N(elements); i++)
        for (size_t k = 0; k < elements[i].n_criteria; k++)
            fprintf(fp, ",%s", elements[i].criteria[k].code);
    fputs(",hai_long_chung,gop_y\r\n", fp);
}

void gen_survey_row(FILE *fp, const gen_response *r) {
    gen_line l;
    gl_reset(&l);
    gl_csv(&l, r->id);
    gl_chr(&l, ',');
    gl_csv(&l, r->unit_code);
    gl_chr(&l, ',');
    gl_csv(&l, r->date);
    gl_chr(&l, ',');
    gl_csv(&l, r->channel);
    gl_chr(&l, ',');
    gl_csv(&l, r->procedure);
    size_t n = gen_survey_criteria_count();
    for (size_t i = 0; i < n; i++) {
        gl_chr(&l, ',');
        if (r->answers[i]) gl_int(&l, r->answers[i]);
    }
    gl_chr(&l, ',');
    if (r->overall) gl_int(&l, r->overall);
    gl_chr(&l, ',');
    gl_csv(&l, r->comment);
    gl_str(&l, "\r\n");
    gl_flush(&l, fp);
}

static const char *const kiosk_levels[] = {"rat_hai_long", "hai_long", "binh_thuong",
                                           "khong_hai_long"};

void gen_kiosk_header(FILE *fp) { fputs("thoi_gian,ma_don_vi,ma_quay,muc_do\r\n", fp); }

void gen_kiosk_row(FILE *fp, const gen_press *p) {
    gen_line l;
    gl_reset(&l);
    gl_str(&l, p->time);
    gl_chr(&l, ',');
    gl_str(&l, p->unit_code);
    gl_str(&l, ",Q");
    gl_chr(&l, (char)('0' + p->counter / 10 % 10));
    gl_chr(&l, (char)('0' + p->counter % 10));
    gl_chr(&l, ',');
    gl_str(&l, kiosk_levels[p->level - 1]);
    gl_str(&l, "\r\n");
    gl_flush(&l, fp);
}
