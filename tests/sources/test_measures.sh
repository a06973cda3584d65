#!/bin/sh
# test_measures.sh -- the measures source plugin: exact record contents
# through the capture host (tests/plugins/capture_host.c: the core does not
# keep measure values yet), from the committed CSV fixture, the XLSX
# fixture written by libxlsxwriter (tests/plugins/mkxlsx_measures.c) and
# workbooks built part by part (tests/plugins/mkzip.c); then `parscore
# aggregate` end to end for the record count and unknown units.
# Capture lines: measure, row, sheet, unit, key, assessor (1 self,
# 2 appraisal, 3 system), has_value, value, text, date, assessed_by,
# evidence_doc, evidence_date, evidence_ref, note ("-" = NULL).
. "$PS_SOURCE/tests/e2e/lib.sh"
mktmp
FIX="$PS_SOURCE/tests/fixtures/measures"
TP="$PS_BUILD/test-plugins"
CAP="$TP/capture_host"
SO="$PS_PLUGIN_DIR/measures.so"
TAB=$(printf '\t')
. "$PS_SOURCE/tests/sources/xlsx_lib.sh"

# cap NAME OPTIONS...: records into $T/NAME.out, errors into $T/NAME.err
cap() { n=$1; shift; "$CAP" "$SO" "$@" > "$T/$n.out" 2> "$T/$n.err"; }
# expect NAME: the heredoc (| as the separator) must equal $T/NAME.out
expect() { tr '|' "$TAB" > "$T/$1.want"; check "$1: records" "$(cat "$T/$1.want")" "$(cat "$T/$1.out")"; }

# ---- CSV fixture ---------------------------------------------------------------
# row 5: a template row nobody filled in, row 6 fully blank: nothing;
# 95,5 -> 95.5; 95% -> 95 (text keeps the %); có / Không đạt / x -> 1 / 0 / 1;
# a day DD/MM/YYYY -> YYYY-MM-DD; free text: has_value 0; 99999 is the
# core's to refuse
cap csv path="$FIX/measures.csv"
check_status "csv fixture reads" 0 $?
expect csv <<'EOF'
measure|2|-|02647|kpi_ket_qua|1|1|95.5|95,5|-|Nguyễn Văn An|12/BC-UBND|2025-03-15|https://vb.laocai.gov.vn/12|-
measure|2|-|02647|kpi_ket_qua|2|1|90|90|-|Sở Nội vụ|12/BC-UBND|2025-03-15|https://vb.laocai.gov.vn/12|-
measure|3|-|02647|tiep_nhan_phi_dia_gioi|1|1|1|có|-|-|-|-|-|chưa đủ hồ sơ
measure|3|-|02647|tiep_nhan_phi_dia_gioi|2|1|0|Không đạt|-|-|-|-|-|chưa đủ hồ sơ
measure|4|-|02671|ty_le_so_hoa|1|1|95|95%|2025-03-31|-|-|-|-|-
measure|4|-|02671|ty_le_so_hoa|2|1|95.5|95,5 %|2025-03-31|-|-|-|-|-
measure|7|-|02671|bao_cao_dung_han|3|1|1|x|-|-|-|-|-|-
measure|8|-|99999|kpi_ket_qua|1|1|80|80|-|-|-|-|-|đơn vị không có trong danh sách
measure|9|-|02671|ghi_nhan|1|0|0|đã gửi báo cáo|-|-|-|-|-|-
EOF

# the same file saved by Excel in a Vietnamese locale: BOM, CRLF, ';'
# (the decimal commas need no quotes then), header in capitals
{ printf '\357\273\277'; sed 's/,/;/g; s/"95;5"/95,5/; s/"95;5 %"/95,5 %/; 1s/.*/\U&/; s/$/\r/' "$FIX/measures.csv"; } > "$T/semi.csv"
cap semi path="$T/semi.csv"
check_status "BOM + CRLF + ';' reads" 0 $?
check "BOM + CRLF + ';': same records" "$(cat "$T/csv.out")" "$(cat "$T/semi.out")"
cap semi_forced path="$T/semi.csv" separator=,
check_status "separator = ',' on a ';' file" 13 $?
check_contains "separator = ',': the header is one unknown column" 'unknown columns "MA_DON_VI;MA_CHI_TIEU' "$T/semi_forced.err"

# yes/no words NFC-normalised and case-folded (a decomposed "CÓ", a
# no-break space after "Đạt", two spaces in "KHÔNG  ĐẠT"); one separator is
# always a decimal one; "1e5" and ".5" are text
printf 'ma_don_vi,ma_chi_tieu,tu_danh_gia\n02647,a,CO\314\201\n02647,b,\304\220\341\272\241t\302\240\n02647,c,KH\303\224NG  \304\220\341\272\240T\n02647,d,1.234\n02647,e,-3\n02647,f,1e5\n02647,g,.5\n' > "$T/words.csv"
cap words path="$T/words.csv"
NFD=$(printf 'CO\314\201') # text stays as written, decomposed
expect words <<EOF
measure|2|-|02647|a|1|1|1|$NFD|-|-|-|-|-|-
measure|3|-|02647|b|1|1|1|Đạt|-|-|-|-|-|-
measure|4|-|02647|c|1|1|0|KHÔNG  ĐẠT|-|-|-|-|-|-
measure|5|-|02647|d|1|1|1.234|1.234|-|-|-|-|-|-
measure|6|-|02647|e|1|1|-3|-3|-|-|-|-|-|-
measure|7|-|02647|f|1|0|0|1e5|-|-|-|-|-|-
measure|8|-|02647|g|1|0|0|.5|-|-|-|-|-|-
EOF

# ---- CSV errors and skip ---------------------------------------------------------
H='ma_don_vi,ma_chi_tieu,tu_danh_gia,tham_dinh'
printf '%s\n02647,a,"1.234,5",\n02647,b,7,\n' "$H" > "$T/thousands.csv"
cap thousands path="$T/thousands.csv"
check_status "thousands separator is a data error" 13 $?
check_contains "thousands separator named" 'thousands.csv:2:3: column tu_danh_gia: "1.234,5" has thousands separators' "$T/thousands.err"
cap thousands_skip path="$T/thousands.csv" on_error=skip
check_status "thousands separator skipped" 0 $?
expect thousands_skip <<'EOF'
quality|02647|measure_bad_value|tu_danh_gia=1.234,5|2
measure|3|-|02647|b|1|1|7|7|-|-|-|-|-|-
EOF
printf '%s,tham_dinh_lai\n' "$H" > "$T/unknown.csv"
cap unknown path="$T/unknown.csv"
check_status "unknown column is a data error" 13 $?
check_contains "unknown column named" 'unknown.csv:1: unknown columns "tham_dinh_lai"' "$T/unknown.err"
printf 'ma_don_vi,ghi_chu\n' > "$T/novalue.csv"
cap novalue path="$T/novalue.csv"
check_contains "no value column named" "missing columns ma_chi_tieu, tu_danh_gia, tham_dinh or he_thong" "$T/novalue.err"
printf '%s\n,a,5,\n' "$H" > "$T/nounit.csv"
cap nounit path="$T/nounit.csv"
check_contains "a value without unit" "nounit.csv:2:1: column ma_don_vi: ma_don_vi is blank but the row has a value" "$T/nounit.err"
printf '%s,\n02647,a,5,,9\n' "$H" > "$T/noheader.csv"
cap noheader path="$T/noheader.csv"
check_contains "a value under a blank header" 'a value ("9") in field 5, which has no header' "$T/noheader.err"
printf 'ma_don_vi,ma_chi_tieu,tu_danh_gia,ngay\n02647,a,5,31/02/2025\n' > "$T/baddate.csv"
cap baddate path="$T/baddate.csv"
check_contains "an impossible day" 'column ngay: "31/02/2025" is not a date' "$T/baddate.err"
cap sheet_csv path="$T/baddate.csv" sheet=x
check_status "sheet on a CSV is a configuration error" 16 $?
printf '%s\n' "$H" > "$T/m.dat"
cap noext path="$T/m.dat"
check_contains "unknown extension" 'set format = "csv" or "xlsx"' "$T/noext.err"
cap forced path="$T/m.dat" format=csv
check_status "format = csv on any name" 0 $?

# ---- XLSX fixture (libxlsxwriter) ---------------------------------------------------
"$TP/mkxlsx_measures" "$T/m.xlsx"
check_status "fixture workbook written" 0 $?
# 95.5 number; date cell 2025-03-15; 0.955 in a 0.0% format -> 95.5 "95.5%";
# TRUE -> 1; a formula's cached 12; a day written 2/1/2025 (D/M/YYYY)
cap xlsx path="$T/m.xlsx"
check_status "xlsx fixture reads" 0 $?
expect xlsx <<'EOF'
measure|2|Chỉ tiêu|02647|kpi_ket_qua|1|1|95.5|95.5|-|Nguyễn Văn An|123/BC-UBND|2025-03-15|bc-123.pdf|đã thẩm định
measure|2|Chỉ tiêu|02647|kpi_ket_qua|2|1|90|90|-|Sở Nội vụ|123/BC-UBND|2025-03-15|bc-123.pdf|đã thẩm định
measure|3|Chỉ tiêu|02647|tiep_nhan_phi_dia_gioi|1|1|1|Có|-|-|-|-|-|-
measure|3|Chỉ tiêu|02647|tiep_nhan_phi_dia_gioi|2|1|0|không|-|-|-|-|-|-
measure|4|Chỉ tiêu|02671|ty_le_so_hoa|1|1|95.5|95.5%|-|-|-|-|-|-
measure|4|Chỉ tiêu|02671|ty_le_so_hoa|2|1|95.5|95,5 %|-|-|-|-|-|-
measure|7|Chỉ tiêu|02671|bao_cao_dung_han|3|1|1|TRUE|2025-01-02|-|-|-|-|-
measure|8|Chỉ tiêu|02647|so_buoi_tuyen_truyen|3|1|12|12|2025-01-02|-|-|-|-|-
EOF
cap sheet2 path="$T/m.xlsx" sheet=Khác
expect sheet2 <<'EOF'
measure|2|Khác|02671|kpi_ket_qua|3|1|7|7|-|-|-|-|-|-
EOF
cap nosheet path="$T/m.xlsx" sheet=Nope
check_status "unknown sheet is a configuration error" 16 $?
check_contains "unknown sheet lists the sheets" 'no sheet "Nope"; its sheets are "Chỉ tiêu", "Khác", "Gộp ô"' "$T/nosheet.err"
# merged A2:A3: only A2 holds the code, row 3 has a value and no unit
cap merged path="$T/m.xlsx" "sheet=Gộp ô"
check_status "a merged unit code is a data error" 13 $?
check_contains "merged cell named" 'm.xlsx: sheet "Gộp ô", row 3, column ma_don_vi (A3): ma_don_vi is blank but the row has a value (if the cells are merged' "$T/merged.err"
cap merged_skip path="$T/m.xlsx" "sheet=Gộp ô" on_error=skip
# (quality reports go out at once, records by batch)
expect merged_skip <<'EOF'
quality|-|measure_bad_row|ma_don_vi=|3
measure|2|Gộp ô|02647|kpi_ket_qua|1|1|5|5|-|-|-|-|-|-
EOF

# ---- workbooks built part by part -------------------------------------------------------
# rich text runs and phonetic runs (rPh: not part of the text), shared
# strings, cells without r, a row without r, 1904 dates, ISO t="d"
STY='<numFmts count="1"><numFmt numFmtId="164" formatCode="[$-42A]d\ mmmm\ yyyy;@"/></numFmts><cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="10"/></cellXfs>'
SST='<si><t>02671</t></si><si><r><t>kpi_</t></r><r><rPr><b/></rPr><t xml:space="preserve">ket_qua</t></r><rPh><t>PHONETIC</t></rPh></si>'
book "$T/rich" "$(hdr)<row r=\"3\"><c r=\"A3\" t=\"s\"><v>0</v></c><c r=\"B3\" t=\"s\"><v>1</v></c><c r=\"C3\" s=\"2\"><v>0.25</v></c><c r=\"D3\" s=\"1\"><v>44000</v></c></row><row><c t=\"inlineStr\"><is><r><t>026</t></r><r><t>47</t></r></is></c><c t=\"inlineStr\"><is><t> m2 </t></is></c><c t=\"d\"><v>2025-05-06T00:00:00</v></c><c t=\"d\"><v>2025-05-07</v></c></row>" "$SST" "$STY" '<workbookPr date1904="1"/>'
cap rich path="$T/rich.xlsx"
check_status "hand-built workbook reads" 0 $?
# 1904 system: serial 44000 = 2024-06-19, 1462 days after 2020-06-18, the same
# serial in the 1900 system (43831 = 2020-01-01, + 169 days)
expect rich <<'EOF'
measure|3|Trang 1|02671|kpi_ket_qua|1|1|25|25%|2024-06-19|-|-|-|-|-
measure|4|Trang 1|02647|m2|1|0|0|2025-05-06|2025-05-07|-|-|-|-|-
EOF
# the same serial in the 1900 system: 2020-06-18; 61 = 1900-03-01; 60 is the day Excel invents
book "$T/d1900" "$(hdr)<row r=\"2\">$(unit 2 a)<c r=\"C2\"><v>1</v></c><c r=\"D2\" s=\"1\"><v>44000</v></c></row><row r=\"3\">$(unit 3 b)<c r=\"C3\"><v>1</v></c><c r=\"D3\" s=\"1\"><v>61</v></c></row><row r=\"4\">$(unit 4 c)<c r=\"C4\"><v>1</v></c><c r=\"D4\" s=\"1\"><v>59.75</v></c></row>" "" "$STY"
cap d1900 path="$T/d1900.xlsx"
expect d1900 <<'EOF'
measure|2|Trang 1|02647|a|1|1|1|1|2020-06-18|-|-|-|-|-
measure|3|Trang 1|02647|b|1|1|1|1|1900-03-01|-|-|-|-|-
measure|4|Trang 1|02647|c|1|1|1|1|1900-02-28|-|-|-|-|-
EOF
book "$T/d60" "$(hdr)<row r=\"2\">$(unit 2 a)<c r=\"C2\"><v>1</v></c><c r=\"D2\" s=\"1\"><v>60</v></c></row>" "" "$STY"
cap d60 path="$T/d60.xlsx"
check_contains "serial 60 is no day" 'sheet "Trang 1", row 2, column ngay (D2): 60 is a number, not a date' "$T/d60.err"

# an error cell: fail names sheet!cell, skip books it
book "$T/err" "$(hdr)<row r=\"2\">$(unit 2 a)<c r=\"C2\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c></row><row r=\"3\">$(unit 3 b)<c r=\"C3\"><v>4</v></c></row>"
cap err path="$T/err.xlsx"
check_status "error cell is a data error" 13 $?
check_contains "error cell named" 'err.xlsx: sheet "Trang 1", row 2, column tu_danh_gia (C2): the cell holds the error #DIV/0!' "$T/err.err"
cap err_skip path="$T/err.xlsx" on_error=skip
expect err_skip <<'EOF'
quality|02647|measure_error_cell|tu_danh_gia=#DIV/0!|2
measure|3|Trang 1|02647|b|1|1|4|4|-|-|-|-|-|-
EOF
# a formula without a cached value stops the read whatever on_error says
book "$T/nocache" "$(hdr)<row r=\"2\">$(unit 2 a)<c r=\"C2\"><f>SUM(E2:F2)</f></c></row>"
cap nocache path="$T/nocache.xlsx" on_error=skip
check_status "formula without value is an error" 13 $?
check_contains "formula without value: what to do" 'cell C2: a formula without its value; open and save the file in Excel or LibreOffice so values are stored' "$T/nocache.err"
# a value beside the table, under no header
book "$T/beside" "$(hdr)<row r=\"2\">$(unit 2 a)<c r=\"C2\"><v>1</v></c><c r=\"H2\"><v>7</v></c></row>"
cap beside path="$T/beside.xlsx"
check_contains "value under no header" 'a value ("7") in column H, which has no header' "$T/beside.err"
# cells out of order, a shared string that does not exist
book "$T/order" "$(hdr)<row r=\"2\"><c r=\"B2\"><v>1</v></c><c r=\"A2\"><v>1</v></c></row>"
cap order path="$T/order.xlsx"
check_contains "cells out of order" 'cell A2 comes twice or out of order' "$T/order.err"
book "$T/sstidx" "$(hdr)<row r=\"2\"><c r=\"A2\" t=\"s\"><v>5</v></c></row>" '<si><t>x</t></si>'
cap sstidx path="$T/sstidx.xlsx"
check_contains "missing shared string" 'shared string "5" does not exist (the workbook has 1)' "$T/sstidx.err"
# an empty sheet
book "$T/empty" ""
cap empty path="$T/empty.xlsx"
check_contains "empty sheet" 'sheet "Trang 1" is empty; expected a header row' "$T/empty.err"

# an old .xls goes to the XLSX reader by its extension, which says what to do
{ printf '\320\317\021\340\241\261\032\341'; head -c 600 /dev/zero; } > "$T/old.xls"
cap xls path="$T/old.xls"
check_status "an .xls is a data error" 13 $?
check_contains "an .xls: save as .xlsx" 'old.xls: this is an old binary Excel file (.xls), which is not read; open it in Excel or LibreOffice and save it as "Excel Workbook (.xlsx)"' "$T/xls.err"

# ---- end to end: parscore aggregate --------------------------------------------------------
job() {
  mkdir -p "$1"
  cat > "$1/job.lua" <<LUA
return {
  name = "measures test",
  period = "2025",
  scope = { "15" },
  sources = { { plugin = "measures", path = "$2"$3 } },
  rules = "national/index766",
  output = "out",
}
LUA
}
get() { awk -F '\t' -v u="$2" -v k="$3" '$1 == u && $2 == k { print $3 }' "$1"; }
job "$T/agg" "$FIX/measures.csv"
"$PARSCORE" aggregate "$T/agg/job.lua" > "$T/agg.tsv" 2> "$T/agg.err"
check_status "CSV aggregates" 0 $?
check "CSV: 9 measure records" 9 "$(get "$T/agg.tsv" '*' records.measure)"
check "CSV: the unknown unit 99999 counted" 1 "$(get "$T/agg.tsv" '*' unknown_unit.99999)"
check_contains "CSV: the unknown unit warned" "99999 (1)" "$T/agg.err"
sed -i 's|output = "out",|output = "out", unknown_units = "fail",|' "$T/agg/job.lua"
"$PARSCORE" aggregate "$T/agg/job.lua" > /dev/null 2> "$T/aggf.err"
check_status "unknown_units = fail stops at 99999" 4 $?
check_contains "unknown_units = fail names it" "99999" "$T/aggf.err"
job "$T/aggx" "$T/m.xlsx"
"$PARSCORE" aggregate "$T/aggx/job.lua" > "$T/aggx.tsv" 2> "$T/aggx.err"
check_status "XLSX aggregates" 0 $?
check "XLSX: 8 measure records" 8 "$(get "$T/aggx.tsv" '*' records.measure)"
job "$T/aggs" "$T/thousands.csv" ', on_error = "skip"'
"$PARSCORE" aggregate "$T/aggs/job.lua" > "$T/aggs.tsv" 2> "$T/aggs.err"
check_status "skip mode aggregates" 0 $?
check "skip: the bad row booked to its unit" 1 "$(get "$T/aggs.tsv" 02647 dq.measure_bad_value)"
check "skip: 1 record left" 1 "$(get "$T/aggs.tsv" '*' records.measure)"
# in a sanitizer build, a report in any run above is a failure
check "no sanitizer report" "" "$(cat "$T"/*.err | grep -m1 'Sanitizer')"
finish
