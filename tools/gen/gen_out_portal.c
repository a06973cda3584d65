/*
 * gen_out_portal.c -- the National Public Service Portal export
 * (FORMATS.md section 2): CongKhai per unit, then HoSo, then
 * PhanAnhKienNghi, streamed so a national file never sits in memory.
 */
#include "gen.h"

#define NS "urn:vn:dvcqg:xuatdulieu:1"

void gen_portal_begin(FILE *fp, const char *province, int year) {
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DuLieuCongDVCQG xmlns=\"" NS "\"", fp);
    if (province) fprintf(fp, " MaTinh=\"%s\"", province);
    fprintf(fp, " TuNgay=\"%04d-01-01\" DenNgay=\"%04d-12-31\" NgayXuat=\"%04d-01-05T07:00:00+07:00\">\n",
            year, year, year + 1);
}

void gen_portal_publicity(FILE *fp, const char *unit, const int c[6]) {
    fprintf(fp, "  <CongKhai MaDonVi=\"%s\" TTHCPhaiCongBo=\"%d\" TTHCCongBoDungHan=\"%d\" "
                "TTHCPhaiCapNhat=\"%d\" TTHCCapNhatDungHan=\"%d\" TTHCCongKhai=\"%d\" "
                "TTHCCongKhaiDayDu=\"%d\"/>\n",
            unit, c[0], c[1], c[2], c[3], c[4], c[5]);
}

static void elem(FILE *fp, const char *name, const char *value) {
    if (!*value) return;
    fprintf(fp, "    <%s>", name);
    gen_xml_text(fp, value);
    fprintf(fp, "</%s>\n", name);
}

static void elem_int(FILE *fp, const char *name, int value) {
    fprintf(fp, "    <%s>%d</%s>\n", name, value, name);
}

void gen_portal_dossier(FILE *fp, const gen_dossier *d) {
    fputs("  <HoSo>\n", fp);
    elem(fp, "MaHoSo", d->code);
    elem(fp, "MaTTHC", d->proc->code);
    elem(fp, "MaDonViTiepNhan", d->unit_code);
    elem_int(fp, "KenhThucHien", d->channel);
    elem_int(fp, "MucDo", d->level);
    elem_int(fp, "TrangThaiHoSo", d->status);
    elem(fp, "NgayTiepNhan", d->xml_received);
    elem(fp, "NgayHenTra", d->xml_due);
    elem(fp, "NgayKetThucXuLy", d->xml_finished);
    elem(fp, "NgayTra", d->xml_returned);
    elem_int(fp, "DuocThanhToanTrucTuyen", d->paid_online);
    elem_int(fp, "HoSoCoThanhPhanSoHoa", d->dig_input);
    elem_int(fp, "KetQuaSoHoa", d->dig_result);
    elem_int(fp, "DongBoDungHan", d->synced);
    if (d->xml_apology[0]) {
        fprintf(fp, "    <PhieuXinLoi NgayLap=\"%s\" NgayHenTraMoi=\"%s\">", d->xml_apology,
                d->apology_new_due);
        gen_xml_text(fp, d->apology_reason ? d->apology_reason : "");
        fputs("</PhieuXinLoi>\n", fp);
    }
    if (d->rating) elem_int(fp, "DanhGia", d->rating);
    fputs("  </HoSo>\n", fp);
}

/* The portal writes its own timestamps: always with 'T', no zone. */
static void attr_time(FILE *fp, const char *name, const char *ts) {
    fprintf(fp, " %s=\"%.10sT%.8s\"", name, ts, ts + 11);
}

void gen_portal_feedback(FILE *fp, const gen_feedback *f) {
    fprintf(fp, "  <PhanAnhKienNghi MaPAKN=\"%s\" MaDonVi=\"%s\"", f->id, f->unit_code);
    attr_time(fp, "NgayTiepNhan", f->received);
    attr_time(fp, "HanXuLy", f->due);
    if (f->answered[0]) attr_time(fp, "NgayXuLy", f->answered);
    if (f->satisfied >= 0) fprintf(fp, " HaiLong=\"%d\"", f->satisfied);
    fputs("/>\n", fp);
}

void gen_portal_end(FILE *fp) { fputs("</DuLieuCongDVCQG>\n", fp); }
