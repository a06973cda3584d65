/*
 * ps_render_template.c -- the measures template officials fill in
 * (`parscore template JOB`): one row per unit of the job's scope and
 * measure the rule set declares, in the columns the `measures` source
 * plugin reads back (docs/sources-measures.md, "The template parscore
 * writes").  XLSX through libxlsxwriter, with Excel data validation on
 * the value columns, a frozen header and a sheet explaining the columns;
 * or the same columns as CSV.  Written to a temporary name and renamed.
 */
#include "render/ps_render_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The columns, in order (fixed: the reader finds them by name). */
static const char *const cols[PS_TEMPLATE_COLUMNS] = {
    "ma_don_vi", "ten_don_vi", "ma_chi_tieu", "ten_chi_tieu", "kieu", "khoang_gia_tri",
    "bat_buoc_minh_chung", "tu_danh_gia", "minh_chung_so", "minh_chung_ngay",
    "minh_chung_lien_ket", "nguoi_danh_gia", "tham_dinh", "don_vi_tham_dinh", "he_thong",
    "ngay", "ghi_chu"};

/* What each column is for, on the second sheet. */
static const char *const col_help[PS_TEMPLATE_COLUMNS][2] = {
    {"Mã đơn vị được đánh giá (theo danh mục đơn vị hành chính). Không sửa.", "có sẵn"},
    {"Tên đơn vị, để đối chiếu. Không bắt buộc.", "có sẵn"},
    {"Mã chỉ tiêu trong bộ tiêu chí. Không sửa.", "có sẵn"},
    {"Tên chỉ tiêu, để đối chiếu.", "có sẵn"},
    {"Kiểu giá trị: số, tỷ lệ % (ô đã định dạng %: gõ 95 hoặc 95%), có/không, số lượng "
     "(số nguyên).", "có sẵn"},
    {"Khoảng giá trị được chấp nhận; Excel từ chối giá trị ngoài khoảng.", "có sẵn"},
    {"Có: giá trị tự đánh giá phải kèm tài liệu kiểm chứng (số hoặc đường dẫn), nếu không "
     "sẽ không được tính điểm khi chưa có kết quả thẩm định.", "có sẵn"},
    {"Giá trị đơn vị tự đánh giá.", "đơn vị ghi"},
    {"Số, ký hiệu văn bản làm tài liệu kiểm chứng (ví dụ 25/KH-UBND).", "đơn vị ghi"},
    {"Ngày của văn bản kiểm chứng (dd/mm/yyyy).", "đơn vị ghi"},
    {"Đường dẫn hoặc tên tệp tài liệu kiểm chứng.", "đơn vị ghi"},
    {"Người, bộ phận tự đánh giá.", "đơn vị ghi"},
    {"Giá trị sau thẩm định; khi có, giá trị này được dùng để chấm điểm thay cho giá trị tự "
     "đánh giá.", "cơ quan thẩm định ghi"},
    {"Cơ quan thẩm định (ví dụ Sở Nội vụ).", "cơ quan thẩm định ghi"},
    {"Giá trị lấy từ hệ thống (ví dụ phần mềm KPI, quản lý văn bản).", "hệ thống / đầu mối ghi"},
    {"Ngày của số liệu (dd/mm/yyyy hoặc yyyy-mm-dd); để trống: cả kỳ đánh giá.", "không bắt buộc"},
    {"Ghi chú.", "không bắt buộc"},
};

static int is_kind(const ps_measure_decl *m, const char *kind) {
    return m->kind && strcmp(m->kind, kind) == 0;
}

static const char *kind_label(const ps_measure_decl *m) {
    if (is_kind(m, "percent")) return "tỷ lệ %";
    if (is_kind(m, "yesno")) return "có/không";
    if (is_kind(m, "count")) return "số lượng";
    return "số";
}

static void number_vn(double v, char *buf, size_t n) {
    if (fabs(v - round(v)) < 1e-9) snprintf(buf, n, "%.0f", v);
    else {
        snprintf(buf, n, "%g", v);
        for (char *p = buf; *p; p++)
            if (*p == '.') *p = ',';
    }
}

static void range_label(const ps_measure_decl *m, char *buf, size_t n) {
    char a[32], b[32];
    const char *pct = is_kind(m, "percent") ? "%" : "";
    if (is_kind(m, "yesno")) snprintf(buf, n, "Có/Không");
    else if (!isnan(m->min) && !isnan(m->max)) {
        number_vn(m->min, a, sizeof a);
        number_vn(m->max, b, sizeof b);
        snprintf(buf, n, "%s%s–%s%s", a, pct, b, pct);
    } else if (!isnan(m->min)) {
        number_vn(m->min, a, sizeof a);
        snprintf(buf, n, "≥ %s%s", a, pct);
    } else if (!isnan(m->max)) {
        number_vn(m->max, b, sizeof b);
        snprintf(buf, n, "≤ %s%s", b, pct);
    } else {
        snprintf(buf, n, "tùy ý");
    }
}

/* The informational and fill-in cells of one row, as text. */
static void row_cells(const ps_unit *u, const ps_measure_decl *m, const ps_template_fill *fill,
                      const char *cells[PS_TEMPLATE_COLUMNS], char *range, size_t rn) {
    memset(cells, 0, PS_TEMPLATE_COLUMNS * sizeof *cells);
    range_label(m, range, rn);
    cells[0] = u->code;
    cells[1] = u->name;
    cells[2] = m->key;
    cells[3] = m->name ? m->name : m->key;
    cells[4] = kind_label(m);
    cells[5] = range;
    cells[6] = m->evidence ? "Có" : "Không";
    for (int c = 7; fill && c < PS_TEMPLATE_COLUMNS; c++) cells[c] = fill->cell(fill->ctx, u, m, c);
}

/* ---- CSV ------------------------------------------------------------- */

static int write_csv(const ps_units *units, const ps_measure_decls *d, const char *path,
                     const ps_template_fill *fill, ps_error *err) {
    ps_buf b;
    ps_buf_init(&b, 0);
    for (int c = 0; c < PS_TEMPLATE_COLUMNS; c++) {
        if (c) ps_buf_addc(&b, ',');
        ps_buf_printf(&b, "%s", cols[c]);
    }
    ps_buf_add(&b, "\r\n", 2);
    for (size_t i = 0; i < units->count; i++) {
        if (!units->items[i].selected) continue;
        for (size_t k = 0; k < d->n; k++) {
            const char *cells[PS_TEMPLATE_COLUMNS];
            char range[96];
            row_cells(&units->items[i], &d->items[k], fill, cells, range, sizeof range);
            for (int c = 0; c < PS_TEMPLATE_COLUMNS; c++) {
                if (c) ps_buf_addc(&b, ',');
                ps_render_csv_field(&b, cells[c]);
            }
            ps_buf_add(&b, "\r\n", 2);
        }
    }
    int rc = b.data ? ps_write_file_atomic(path, b.data, b.len, err)
                    : ps_error_set(err, PS_ENOMEM, path, 0, 0, "out of memory");
    ps_buf_free(&b);
    return rc;
}

/* ---- XLSX ------------------------------------------------------------ */

/* Data validation of one value cell from the declaration: Excel refuses a
 * value outside the range or of another kind, with a message in
 * Vietnamese saying what is expected. */
static void validate(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const ps_measure_decl *m,
                     const char *range) {
    lxw_data_validation v;
    memset(&v, 0, sizeof v);
    /* libxlsxwriter takes a char ** it does not write to */
    char yes[] = "Có", no[] = "Không";
    char *yesno[] = {yes, no, NULL};
    char msg[256];
    snprintf(msg, sizeof msg, "%s: %s", kind_label(m), range);
    if (is_kind(m, "yesno")) {
        v.validate = LXW_VALIDATION_TYPE_LIST;
        v.value_list = yesno;
    } else {
        v.validate = is_kind(m, "count") ? LXW_VALIDATION_TYPE_INTEGER : LXW_VALIDATION_TYPE_DECIMAL;
        /* a percent cell stores 95% as 0.95 (percent_cell) */
        double k = is_kind(m, "percent") ? 0.01 : 1;
        if (!isnan(m->min) && !isnan(m->max)) {
            v.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
            v.minimum_number = m->min * k;
            v.maximum_number = m->max * k;
        } else if (!isnan(m->min)) {
            v.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
            v.value_number = m->min * k;
        } else if (!isnan(m->max)) {
            v.criteria = LXW_VALIDATION_CRITERIA_LESS_THAN_OR_EQUAL_TO;
            v.value_number = m->max * k;
        } else {
            v.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
            v.minimum_number = -1e15;
            v.maximum_number = 1e15;
        }
    }
    char t_in[] = "Giá trị", t_err[] = "Giá trị không hợp lệ";
    v.input_title = t_in;
    v.input_message = msg;
    v.error_title = t_err;
    v.error_message = msg;
    v.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
    worksheet_data_validation_cell(ws, row, col, &v);
}

/* A filled cell: numbers as numbers, what an official's spreadsheet
 * stores.  In a percent cell (percent: 1) "95" or "95%" is stored as 0.95
 * in a percentage format, as Excel and LibreOffice store a typed 95%; the
 * measures plugin reads such a cell back as 95. */
static void put_cell(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *text,
                     lxw_format *f, int percent) {
    if (!text || !*text) return;
    char *end;
    double v = strtod(text, &end);
    int pct_sign = percent && end != text && end[0] == '%' && !end[1];
    if (end != text && (!*end || pct_sign) && isfinite(v))
        worksheet_write_number(ws, row, col, percent ? v / 100 : v, f);
    else
        worksheet_write_string(ws, row, col, text, f);
}

static int write_xlsx(const ps_units *units, const ps_measure_decls *d, const ps_period *period,
                      const char *path, const ps_template_fill *fill, ps_error *err) {
    size_t n = strlen(path) + 40;
    char *tmp = ps_malloc(n);
    if (!tmp) return ps_error_set(err, PS_ENOMEM, path, 0, 0, "out of memory");
    lxw_workbook *wb;
    int orc = ps_render_xlsx_open(path, tmp, n, &wb, err);
    if (orc != PS_OK) {
        ps_free(tmp);
        return orc;
    }
    char title[512];
    snprintf(title, sizeof title, "Số liệu chỉ tiêu — %s — %s",
             d->ruleset_name ? d->ruleset_name : "", period ? period->label_vn : "");
    lxw_doc_properties props;
    memset(&props, 0, sizeof props);
    props.title = title;
    props.author = "parscore";
    workbook_set_properties(wb, &props);

    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bg_color(head, 0xDDE4EE);
    format_set_border(head, LXW_BORDER_THIN);
    lxw_format *given = workbook_add_format(wb);     /* filled in by parscore: grey */
    format_set_bg_color(given, 0xF3F5F8);
    lxw_format *input = workbook_add_format(wb);     /* to fill: unlocked */
    format_set_unlocked(input);
    lxw_format *input_pct = workbook_add_format(wb); /* a percent value: 95% */
    format_set_unlocked(input_pct);
    format_set_num_format_index(input_pct, 10);      /* built-in "0.00%" */
    lxw_format *wrap = workbook_add_format(wb);
    format_set_text_wrap(wrap);
    format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);

    lxw_worksheet *ws = workbook_add_worksheet(wb, "Số liệu");
    for (lxw_col_t c = 0; c < PS_TEMPLATE_COLUMNS; c++) worksheet_write_string(ws, 0, c, cols[c], head);
    lxw_row_t row = 1;
    for (size_t i = 0; i < units->count; i++) {
        if (!units->items[i].selected) continue;
        for (size_t k = 0; k < d->n; k++, row++) {
            const ps_measure_decl *m = &d->items[k];
            const char *cells[PS_TEMPLATE_COLUMNS];
            char range[96];
            row_cells(&units->items[i], m, fill, cells, range, sizeof range);
            for (lxw_col_t c = 0; c < 7; c++)
                if (cells[c]) worksheet_write_string(ws, row, c, cells[c], given);
            int pct = is_kind(m, "percent");
            for (lxw_col_t c = 7; c < PS_TEMPLATE_COLUMNS; c++) {
                int value_col = c == 7 || c == 12 || c == 14;
                put_cell(ws, row, c, cells[c], value_col && pct ? input_pct : input, value_col && pct);
                /* blank percent cells carry the format, so a typed 95 is 95% */
                if (value_col && pct && !(cells[c] && *cells[c]))
                    worksheet_write_blank(ws, row, c, input_pct);
            }
            validate(ws, row, 7, m, range);
            validate(ws, row, 12, m, range);
            validate(ws, row, 14, m, range);
        }
    }
    static const double widths[PS_TEMPLATE_COLUMNS] = {10, 28, 20, 44, 10, 12, 10, 12, 16,
                                                       14, 24, 18, 12, 18, 12, 12, 24};
    for (lxw_col_t c = 0; c < PS_TEMPLATE_COLUMNS; c++) worksheet_set_column(ws, c, c, widths[c], NULL);
    worksheet_freeze_panes(ws, 1, 3);
    worksheet_autofilter(ws, 0, 0, row > 1 ? row - 1 : 1, PS_TEMPLATE_COLUMNS - 1);

    lxw_worksheet *wh = workbook_add_worksheet(wb, "Hướng dẫn");
    worksheet_write_string(wh, 0, 0, "Cột", head);
    worksheet_write_string(wh, 0, 1, "Ý nghĩa", head);
    worksheet_write_string(wh, 0, 2, "Ai ghi", head);
    for (lxw_row_t c = 0; c < PS_TEMPLATE_COLUMNS; c++) {
        worksheet_write_string(wh, c + 1, 0, cols[c], NULL);
        worksheet_write_string(wh, c + 1, 1, col_help[c][0], wrap);
        worksheet_write_string(wh, c + 1, 2, col_help[c][1], NULL);
    }
    lxw_row_t r = PS_TEMPLATE_COLUMNS + 2;
    worksheet_write_string(wh, r++, 0, "Cách ghi:", head);
    static const char *const notes[] = {
        "Mỗi dòng là một chỉ tiêu của một đơn vị; không thêm, xóa hay đổi tên cột.",
        "Tỷ lệ %: ô đã định dạng phần trăm, gõ 95 hoặc 95% (trong tệp CSV ghi 95 hoặc 95%); "
        "có/không: chọn Có hoặc Không.",
        "Khi có giá trị thẩm định, điểm được chấm theo giá trị thẩm định; nếu không, theo giá "
        "trị hệ thống; nếu không, theo giá trị tự đánh giá.",
        "Chỉ tiêu để trống cả ba cột giá trị được ghi nhận là chưa báo cáo (chấm theo quy định "
        "của bộ tiêu chí, thường là 0 điểm) và được nêu trong phiếu kết quả.",
        NULL};
    for (int i = 0; notes[i]; i++) worksheet_write_string(wh, r++, 1, notes[i], wrap);
    worksheet_set_column(wh, 0, 0, 22, NULL);
    worksheet_set_column(wh, 1, 1, 90, NULL);
    worksheet_set_column(wh, 2, 2, 22, NULL);

    int rc = ps_render_xlsx_close(wb, tmp, path, err);
    ps_free(tmp);
    return rc;
}

int ps_write_measures_template(const ps_units *units, const ps_measure_decls *d,
                               const ps_period *period, const char *path,
                               const ps_template_fill *fill, ps_error *err) {
    if (!d->n)
        return ps_error_set(err, PS_ECONFIG, d->ruleset_id, 0, 0,
                            "rule set %s declares no measures (measures = { R.measure{...} }): "
                            "there is nothing to fill in", d->ruleset_id ? d->ruleset_id : "?");
    size_t len = strlen(path);
    if (len > 4 && strcmp(path + len - 4, ".csv") == 0) return write_csv(units, d, path, fill, err);
    return write_xlsx(units, d, period, path, fill, err);
}
