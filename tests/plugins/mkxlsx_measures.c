/*
 * mkxlsx_measures.c -- test helper: writes, with libxlsxwriter (what the
 * template writer uses), the XLSX fixture of tests/sources/test_measures.sh:
 * a workbook as Excel would save it (shared strings, styles, date and
 * percentage formats, a boolean, a formula with its cached value, a merged
 * cell), so the reader is tested on a real writer's output and no binary
 * file is committed.  The expected records are listed in that test.
 *
 *   mkxlsx_measures OUT.xlsx          the fixture (three sheets)
 *   mkxlsx_measures OUT.xlsx ROWS     one sheet of ROWS filled rows (size
 *                                     and compression-ratio measurements)
 */
#include <stdio.h>
#include <stdlib.h>

#include <xlsxwriter.h>

static const char *const header[] = {
    "ma_don_vi", "ten_don_vi", "ma_chi_tieu", "ten_chi_tieu", "tu_danh_gia", "minh_chung_so",
    "minh_chung_ngay", "minh_chung_lien_ket", "nguoi_danh_gia", "tham_dinh",
    "don_vi_tham_dinh", "he_thong", "ngay", "ghi_chu", NULL};

static void write_header(lxw_worksheet *ws, lxw_format *bold) {
    for (int c = 0; header[c]; c++) worksheet_write_string(ws, 0, (lxw_col_t)c, header[c], bold);
}

static int big(const char *out, long rows) {
    lxw_workbook *wb = workbook_new(out);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Chỉ tiêu");
    char unit[32], key[32];
    write_header(ws, NULL);
    for (long r = 1; r <= rows; r++) {
        snprintf(unit, sizeof unit, "%05ld", 2000 + r / 20);
        snprintf(key, sizeof key, "m%02ld", r % 20);
        worksheet_write_string(ws, (lxw_row_t)r, 0, unit, NULL);
        worksheet_write_string(ws, (lxw_row_t)r, 1, "Xã thử nghiệm", NULL);
        worksheet_write_string(ws, (lxw_row_t)r, 2, key, NULL);
        worksheet_write_string(ws, (lxw_row_t)r, 3, "Chỉ tiêu thử nghiệm", NULL);
        worksheet_write_number(ws, (lxw_row_t)r, 4, (double)(r % 100), NULL);
        worksheet_write_number(ws, (lxw_row_t)r, 9, (double)(r % 90), NULL);
    }
    return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: mkxlsx_measures OUT.xlsx [ROWS]\n");
        return 2;
    }
    if (argc > 2) return big(argv[1], atol(argv[2]));
    lxw_workbook *wb = workbook_new(argv[1]);
    if (!wb) return 1;
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Chỉ tiêu");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "dd/mm/yyyy");
    lxw_format *pct = workbook_add_format(wb);
    format_set_num_format(pct, "0.0%");
    lxw_datetime d15 = {2025, 3, 15, 0, 0, 0};
    lxw_datetime d1 = {2025, 1, 2, 0, 0, 0};

    write_header(ws, bold);
    /* row 2: numbers, evidence with a date cell, both assessors */
    worksheet_write_string(ws, 1, 0, "02647", NULL);
    worksheet_write_string(ws, 1, 1, "Xã Bản Lầu", NULL);
    worksheet_write_string(ws, 1, 2, "kpi_ket_qua", NULL);
    worksheet_write_string(ws, 1, 3, "KPI kết quả công việc", NULL);
    worksheet_write_number(ws, 1, 4, 95.5, NULL);
    worksheet_write_string(ws, 1, 5, "123/BC-UBND", NULL);
    worksheet_write_datetime(ws, 1, 6, &d15, date);
    worksheet_write_string(ws, 1, 7, "bc-123.pdf", NULL);
    worksheet_write_string(ws, 1, 8, "Nguyễn Văn An", NULL);
    worksheet_write_number(ws, 1, 9, 90, NULL);
    worksheet_write_string(ws, 1, 10, "Sở Nội vụ", NULL);
    worksheet_write_string(ws, 1, 13, "đã thẩm định", NULL);
    /* row 3: yes/no words as text */
    worksheet_write_string(ws, 2, 0, "02647", NULL);
    worksheet_write_string(ws, 2, 2, "tiep_nhan_phi_dia_gioi", NULL);
    worksheet_write_string(ws, 2, 4, "Có", NULL);
    worksheet_write_string(ws, 2, 9, "không", NULL);
    /* row 4: a percentage cell and a percentage written as text */
    worksheet_write_string(ws, 3, 0, "02671", NULL);
    worksheet_write_string(ws, 3, 2, "ty_le_so_hoa", NULL);
    worksheet_write_number(ws, 3, 4, 0.955, pct);
    worksheet_write_string(ws, 3, 9, "95,5 %", NULL);
    /* row 5: a template row nobody filled in: no record, no error */
    worksheet_write_string(ws, 4, 0, "02671", NULL);
    worksheet_write_string(ws, 4, 2, "kpi_ket_qua", NULL);
    /* row 6 is fully blank; row 7: a boolean, a day as text */
    worksheet_write_string(ws, 6, 0, "02671", NULL);
    worksheet_write_string(ws, 6, 2, "bao_cao_dung_han", NULL);
    worksheet_write_boolean(ws, 6, 11, 1, NULL);
    worksheet_write_string(ws, 6, 12, "2/1/2025", NULL);
    /* row 8: a formula with its cached value, a day as a date cell */
    worksheet_write_string(ws, 7, 0, "02647", NULL);
    worksheet_write_string(ws, 7, 2, "so_buoi_tuyen_truyen", NULL);
    worksheet_write_formula_num(ws, 7, 11, "=10+2", NULL, 12);
    worksheet_write_datetime(ws, 7, 12, &d1, date);

    /* a second sheet, read with sheet = "Khác" */
    lxw_worksheet *ws2 = workbook_add_worksheet(wb, "Khác");
    worksheet_write_string(ws2, 0, 0, "MA_DON_VI ", NULL);
    worksheet_write_string(ws2, 0, 1, " Ma_Chi_Tieu", NULL);
    worksheet_write_string(ws2, 0, 2, "he_thong", NULL);
    worksheet_write_string(ws2, 1, 0, "02671", NULL);
    worksheet_write_string(ws2, 1, 1, "kpi_ket_qua", NULL);
    worksheet_write_number(ws2, 1, 2, 7, NULL);

    /* a third: the unit code merged over two rows */
    lxw_worksheet *ws3 = workbook_add_worksheet(wb, "Gộp ô");
    worksheet_write_string(ws3, 0, 0, "ma_don_vi", NULL);
    worksheet_write_string(ws3, 0, 1, "ma_chi_tieu", NULL);
    worksheet_write_string(ws3, 0, 2, "tu_danh_gia", NULL);
    worksheet_merge_range(ws3, 1, 0, 2, 0, "02647", NULL);
    worksheet_write_string(ws3, 1, 1, "kpi_ket_qua", NULL);
    worksheet_write_number(ws3, 1, 2, 5, NULL);
    worksheet_write_string(ws3, 2, 1, "ty_le_so_hoa", NULL);
    worksheet_write_number(ws3, 2, 2, 6, NULL);
    return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}
