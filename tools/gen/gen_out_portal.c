/*
 * gen_out_portal.c -- the National Public Service Portal export
 * (FORMATS.md section 2): CongKhai per unit, then HoSo, then
 * PhanAnhKienNghi, streamed so a national file never sits in memory.
 * An export is for one province (MaTinh is required by the shipped XSD),
 * so the national scale writes one file per province.
 */
#include "gen.h"

#define NS "urn:vn:dvcqg:xuatdulieu:1"

void gen_portal_begin(FILE *fp, const char *province, int year) {
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DuLieuCongDVCQG xmlns=\"" NS "\"", fp);
    fprintf(fp, " MaTinh=\"%s\"", province);
    fprintf(fp, " TuNgay=\"%04d-01-01\" DenNgay=\"%04d-12-31\" NgayXuat=\"%04d-01-05T07:00:00+07:00\">\n",
            year, year, year + 1);
}

void gen_portal_publicity(FILE *fp, const char *unit, const int c[6]) {
    fprintf(fp, "  <CongKhai MaDonVi=\"%s\" TTHCPhaiCongBo=\"%d\" TTHCCongBoDungHan=\"%d\" "
                "TTHCPhaiCapNhat=\"%d\" TTHCCapNhatDungHan=\"%d\" TTHCCongKhai=\"%d\" "
                "TTHCCongKhaiDayDu=\"%d\"/>\n",
            unit, c[0], c[1], c[2], c[3], c[4], c[5]);
}

static void elem(gen_line *l, const char *name, const char *value) {
    if (!*value) return;
    gl_str(l, "    <");
    gl_str(l, name);
    gl_chr(l, '>');
    gl_xml(l, value);
    gl_str(l, "</");
    gl_str(l, name);
    gl_str(l, ">\n");
}

static void elem_int(gen_line *l, const char *name, int value) {
    gl_str(l, "    <");
    gl_str(l, name);
    gl_chr(l, '>');
    gl_int(l, value);
    gl_str(l, "</");
    gl_str(l, name);
    gl_str(l, ">\n");
}

void gen_portal_dossier(FILE *fp, const gen_dossier *d) {
    gen_line l;
    gl_reset(&l);
    gl_str(&l, "  <HoSo>\n");
    elem(&l, "MaHoSo", d->code);
    elem(&l, "MaTTHC", d->proc->code);
    elem(&l, "MaDonViTiepNhan", d->unit_code);
    elem_int(&l, "KenhThucHien", d->channel);
    elem_int(&l, "MucDo", d->level);
    elem_int(&l, "TrangThaiHoSo", d->status);
    elem(&l, "NgayTiepNhan", d->xml_received);
    elem(&l, "NgayHenTra", d->xml_due);
    elem(&l, "NgayKetThucXuLy", d->xml_finished);
    elem(&l, "NgayTra", d->xml_returned);
    elem_int(&l, "DuocThanhToanTrucTuyen", d->paid_online);
    elem_int(&l, "HoSoCoThanhPhanSoHoa", d->dig_input);
    elem_int(&l, "KetQuaSoHoa", d->dig_result);
    elem_int(&l, "DongBoDungHan", d->synced);
    if (d->xml_apology[0]) {
        gl_str(&l, "    <PhieuXinLoi NgayLap=\"");
        gl_str(&l, d->xml_apology);
        gl_str(&l, "\" NgayHenTraMoi=\"");
        gl_str(&l, d->apology_new_due);
        gl_str(&l, "\">");
        gl_xml(&l, d->apology_reason ? d->apology_reason : "");
        gl_str(&l, "</PhieuXinLoi>\n");
    }
    if (d->rating) elem_int(&l, "DanhGia", d->rating);
    gl_str(&l, "  </HoSo>\n");
    gl_flush(&l, fp);
}

/* The portal writes its own timestamps: always with 'T', no zone. */
static void attr_time(gen_line *l, const char *name, const char *ts) {
    gl_chr(l, ' ');
    gl_str(l, name);
    gl_str(l, "=\"");
    gl_mem(l, ts, 10);
    gl_chr(l, 'T');
    gl_mem(l, ts + 11, 8);
    gl_chr(l, '"');
}

void gen_portal_feedback(FILE *fp, const gen_feedback *f) {
    gen_line l;
    gl_reset(&l);
    gl_str(&l, "  <PhanAnhKienNghi MaPAKN=\"");
    gl_xml(&l, f->id);
    gl_str(&l, "\" MaDonVi=\"");
    gl_xml(&l, f->unit_code);
    gl_chr(&l, '"');
    attr_time(&l, "NgayTiepNhan", f->received);
    attr_time(&l, "HanXuLy", f->due);
    if (f->answered[0]) attr_time(&l, "NgayXuLy", f->answered);
    if (f->satisfied >= 0) {
        gl_str(&l, " HaiLong=\"");
        gl_int(&l, f->satisfied);
        gl_chr(&l, '"');
    }
    gl_str(&l, "/>\n");
    gl_flush(&l, fp);
}

void gen_portal_end(FILE *fp) { fputs("</DuLieuCongDVCQG>\n", fp); }
