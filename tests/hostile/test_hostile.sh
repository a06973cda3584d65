#!/bin/sh
# test_hostile.sh -- the hostile-input corpus, table driven: each case is a
# generator (gen_NAME below: it writes the inputs and a job.lua into $D)
# and one line of the table at the bottom (command, expected exit status,
# an extended regexp that must match the output).  Every case also asserts
# a bounded run (timeout 60 s, 1 GiB of address space outside ASan builds)
# and that the job's output directory holds no result and no temporary
# file afterwards.  The per-plugin tests (tests/sources/*.sh) already check
# many bad inputs message by message; the cases here fill their gaps and
# run each format through `parscore run`, where a partial output would show.
#
# HOSTILE_ONLY=REGEXP runs the cases whose names match (anchored at the start).
# HOSTILE_MD=FILE writes the table with the first error line of each case
# as markdown (how docs/reliability.md was made).
. "$PS_SOURCE/tests/e2e/lib.sh"
mktmp
FIX="$PS_SOURCE/tests/fixtures"
TP="$PS_BUILD/test-plugins"
HDR='<?xml version="1.0" encoding="UTF-8"?>'
ROOT='<DuLieuCongDVCQG xmlns="urn:vn:dvcqg:xuatdulieu:1" MaTinh="15" TuNgay="2025-01-01" DenNgay="2025-12-31">'
FORM='<BieuMauKhaoSat xmlns="urn:vn:khaosat:1" Ma="F" Ten="F">'
SCALE='<ThangDo Min="1" Max="5" HaiLongTu="4"/>'
CRIT='<YeuTo Ma="A" Ten="A"><TieuChi Ma="A1" Ten="A1"/></YeuTo>'
RHDR='ma_phieu,ma_don_vi,ngay,kenh,ma_tthc,A1,hai_long_chung,gop_y'
KHDR='thoi_gian,ma_don_vi,ma_quay,muc_do'
MHDR='ma_don_vi,ma_chi_tieu,tu_danh_gia,tham_dinh'
. "$PS_SOURCE/tests/sources/xlsx_lib.sh"

# ---- job writers ------------------------------------------------------------
# job SOURCES [EXTRA-KEYS]: $D/job.lua, Lào Cai 2025, index766, output $D/out
job() {
  cat > "$D/job.lua" <<LUA
return {
  name = "hostile",
  period = "2025",
  scope = { "15" },
  sources = { $1 },
  rules = "national/index766",
  output = "out",$2
}
LUA
}
portal() { job "{ plugin = \"portal_xml\", path = \"$1\"${2:-} }"; }
survey() { job "{ plugin = \"survey\", form = \"$1\", responses = \"$2\" }"; }
kiosk() { job "{ plugin = \"kiosk\", path = \"$1\" }"; }
sqlitejob() { job "{ plugin = \"onestop_sqlite\", path = \"$1\" }"; }
measures() { job "{ plugin = \"measures\", path = \"$1\"${2:-} }"; }
# a 64-character run repeated N times, no newline
repeat64() { awk -v n="$1" 'BEGIN { s = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"; for (i = 0; i < n; i++) printf "%s", s }'; }
laughs() { # the entity declarations of a billion-laughs DTD
  echo ' <!ENTITY l0 "lol">'
  i=1
  while [ $i -le 9 ]; do
    p=$((i - 1))
    echo " <!ENTITY l$i \"&l$p;&l$p;&l$p;&l$p;&l$p;&l$p;&l$p;&l$p;&l$p;&l$p;\">"
    i=$((i + 1))
  done
}
# an example_dossiers source (tiny) and a rule file RULE.lua in $D
rulesjob() {
  printf '# code|unit|proc|channel|status|received|due|finished\nD1|02647|P1|2|10|2025-03-03T08:00:00|2025-03-05T17:00:00|2025-03-05 16:00:00\nD2|02671|P1|1|10|2025-03-03T08:00:00|2025-03-05T17:00:00|2025-03-06T09:00:00\n' > "$D/d.txt"
  job '{ plugin = "example_dossiers", path = "d.txt" }'
  sed -i 's|rules = "national/index766"|rules = "rule.lua"|' "$D/job.lua"
}
# rule BODY-OF-COMPUTE: a one-criterion rule file whose compute(u) runs BODY
rule() {
  cat > "$D/rule.lua" <<L
local R = require("parscore.rules")
return R.ruleset{ id = "h", name = "H", total = 10, bands = "0:Đạt",
  R.group{ id = "1", name = "G", max = 10,
    R.criterion{ id = "1.1", name = "A", max = 10,
      compute = function(u)
        $1
        return u.ind.on_time.num, u.ind.on_time.den
      end },
  },
}
L
}

# ---- portal export XML (gaps of tests/sources/test_portal_xml.sh) ------------
gen_portal_laughs_run() {
  { echo "$HDR"; echo '<!DOCTYPE DuLieuCongDVCQG ['; laughs; echo ']>'
    echo "$ROOT<HoSo><MaHoSo>&l9;</MaHoSo></HoSo></DuLieuCongDVCQG>"; } > "$D/x.xml"
  portal x.xml
}
gen_portal_xxe_run() {
  { echo "$HDR"; echo '<!DOCTYPE DuLieuCongDVCQG [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>'
    echo "$ROOT<HoSo><MaHoSo>&x;</MaHoSo></HoSo></DuLieuCongDVCQG>"; } > "$D/x.xml"
  portal x.xml ", validate = false"
}
gen_portal_channel_huge() {
  sed '17s|<KenhThucHien>2<|<KenhThucHien>99999999999999999999<|' "$FIX/portal/export-laocai.xml" > "$D/x.xml"
  portal x.xml ", validate = false"
}
gen_portal_status_negative() {
  sed '19s|<TrangThaiHoSo>10<|<TrangThaiHoSo>-2147483649<|' "$FIX/portal/export-laocai.xml" > "$D/x.xml"
  portal x.xml ", validate = false"
}
gen_portal_count_huge() {
  sed '6s|TTHCPhaiCongBo="120"|TTHCPhaiCongBo="9223372036854775808"|' "$FIX/portal/export-laocai.xml" > "$D/x.xml"
  portal x.xml ", validate = false"
}
gen_portal_year_huge() {
  sed '20s|<NgayTiepNhan>2025-03-10T08:00:00<|<NgayTiepNhan>99999999-03-10T08:00:00<|' "$FIX/portal/export-laocai.xml" > "$D/x.xml"
  portal x.xml ", validate = false"
}
gen_portal_empty() { : > "$D/x.xml"; portal x.xml; }
gen_portal_bom_only() { printf '\357\273\277' > "$D/x.xml"; portal x.xml; }
# a UTF-16 export (what some Windows tools save): refused before parsing
utf16() { sed '1s/UTF-8/UTF-16/' "$FIX/portal/export-laocai.xml" | iconv -f UTF-8 -t "$1"; }
gen_portal_utf16le() { { printf '\377\376'; utf16 UTF-16LE; } > "$D/x.xml"; portal x.xml; }
gen_portal_utf16be() { { printf '\376\377'; utf16 UTF-16BE; } > "$D/x.xml"; portal x.xml ", validate = true"; }
gen_portal_utf16le_nobom() { utf16 UTF-16LE > "$D/x.xml"; portal x.xml; }
gen_portal_utf16_declared() { sed '1s/UTF-8/UTF-16/' "$FIX/portal/export-laocai.xml" > "$D/x.xml"; portal x.xml; }

# ---- survey form XML ----------------------------------------------------------
# a form with the given body after the root start tag, for the fixture's answers
formjob() { printf '%s\nP01,02647,2025-01-15,giay,,5,5,\n' "$RHDR" > "$D/r.csv"; survey f.xml r.csv; }
gen_form_laughs() {
  { echo "$HDR"; echo '<!DOCTYPE BieuMauKhaoSat ['; laughs; echo ']>'
    echo "$FORM$SCALE<YeuTo Ma=\"A\" Ten=\"&l9;\"><TieuChi Ma=\"A1\" Ten=\"A1\"/></YeuTo></BieuMauKhaoSat>"; } > "$D/f.xml"
  formjob
}
gen_form_xxe() {
  { echo "$HDR"; echo '<!DOCTYPE BieuMauKhaoSat [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>'
    echo "$FORM$SCALE<YeuTo Ma=\"A\" Ten=\"&x;\"><TieuChi Ma=\"A1\" Ten=\"A1\"/></YeuTo></BieuMauKhaoSat>"; } > "$D/f.xml"
  formjob
}
gen_form_dtd() {
  { echo "$HDR"; echo '<!DOCTYPE BieuMauKhaoSat SYSTEM "http://example.invalid/form.dtd">'
    echo "$FORM$SCALE$CRIT</BieuMauKhaoSat>"; } > "$D/f.xml"
  formjob
}
gen_form_deep() {
  { echo "$HDR"; echo "$FORM$SCALE"
    awk 'BEGIN { for (i = 0; i < 10000; i++) printf "<YeuTo Ma=\"A\" Ten=\"A\">"; for (i = 0; i < 10000; i++) printf "</YeuTo>"; print "" }'
    echo "$CRIT</BieuMauKhaoSat>"; } > "$D/f.xml"
  formjob
}
gen_form_truncated() { head -n 7 "$FIX/survey/form.xml" > "$D/f.xml"; formjob; }
gen_form_bad_utf8() {
  { echo "$HDR"; printf '%s%s<YeuTo Ma="A" Ten="Ti\377p"><TieuChi Ma="A1" Ten="A1"/></YeuTo></BieuMauKhaoSat>\n' "$FORM" "$SCALE"; } > "$D/f.xml"
  formjob
}
gen_form_namespace() {
  sed 's/urn:vn:khaosat:1/urn:vn:khaosat:2/' "$FIX/survey/form.xml" > "$D/f.xml"
  survey f.xml "$FIX/survey/responses.csv"
}
gen_form_huge_attr() {
  { echo "$HDR"; echo "$FORM$SCALE"; printf '<YeuTo Ma="A" Ten="'; repeat64 196608
    echo '"><TieuChi Ma="A1" Ten="A1"/></YeuTo></BieuMauKhaoSat>'; } > "$D/f.xml"
  formjob
}
gen_form_scale_huge() {
  { echo "$HDR"; echo "$FORM<ThangDo Min=\"1\" Max=\"99999999999999999999\" HaiLongTu=\"4\"/>$CRIT</BieuMauKhaoSat>"; } > "$D/f.xml"
  formjob
}
gen_form_scale_reversed() {
  { echo "$HDR"; echo "$FORM<ThangDo Min=\"5\" Max=\"1\" HaiLongTu=\"4\"/>$CRIT</BieuMauKhaoSat>"; } > "$D/f.xml"
  formjob
}
gen_form_no_criteria() {
  { echo "$HDR"; echo "$FORM$SCALE</BieuMauKhaoSat>"; } > "$D/f.xml"
  formjob
}
gen_form_dup_criterion() {
  { echo "$HDR"; echo "$FORM$SCALE<YeuTo Ma=\"A\" Ten=\"A\"><TieuChi Ma=\"A1\" Ten=\"x\"/><TieuChi Ma=\"A1\" Ten=\"y\"/></YeuTo></BieuMauKhaoSat>"; } > "$D/f.xml"
  formjob
}

# ---- survey responses CSV (gaps of tests/sources/test_survey.sh) --------------
respjob() { { echo "$HDR"; echo "$FORM$SCALE$CRIT</BieuMauKhaoSat>"; } > "$D/f.xml"; survey f.xml r.csv; }
gen_resp_utf16be() { printf '\376\377\000m\000a' > "$D/r.csv"; respjob; }
gen_resp_utf32le() { printf '\377\376\000\000m\000\000\000' > "$D/r.csv"; respjob; }
gen_resp_double_bom() { printf '\357\273\277\357\273\277%s\nP01,02647,2025-01-15,giay,,5,5,\n' "$RHDR" > "$D/r.csv"; respjob; }
gen_resp_bom_crlf_mix() {
  printf '\357\273\277%s\r\nP01,02647,2025-01-15,giay,,5,5,\r\nP02,02647,2025-01-16,giay,,4,2,\nP03,02671,2025-01-17,giay,,3,3,"a\r\nb"\r\n' "$RHDR" > "$D/r.csv"
  respjob
}
gen_resp_cr_only() { printf '%s\rP01,02647,2025-01-15,giay,,5,5,\r' "$RHDR" > "$D/r.csv"; respjob; }
gen_resp_empty() { : > "$D/r.csv"; respjob; }
# skip mode: a short row whose ma_don_vi is readable is booked under 02647
gen_resp_short_skip() {
  printf '%s\nP01,02647,2025-01-15,giay,,5,5,\nP02,02647,2025-01-16\n' "$RHDR" > "$D/r.csv"
  respjob; sed -i 's|responses = "r.csv"|responses = "r.csv", on_error = "skip"|' "$D/job.lua"
}
gen_resp_answer_huge() { printf '%s\nP01,02647,2025-01-15,giay,,99999999999999999999,5,\n' "$RHDR" > "$D/r.csv"; respjob; }

# ---- kiosk log CSV ----------------------------------------------------------------
gen_kiosk_unterminated() { printf '%s\n2025-02-03 08:15:00,02647,"Q1,rat_hai_long\n2025-02-03 08:16:00,02647,Q1,hai_long\n' "$KHDR" > "$D/k.csv"; kiosk k.csv; }
gen_kiosk_nul() { printf '%s\n2025-02-03 08:15:00,02647,Q\0001,rat_hai_long\n' "$KHDR" > "$D/k.csv"; kiosk k.csv; }
gen_kiosk_15mb_line() {
  { printf '%s\n2025-02-03 08:15:00,02647,' "$KHDR"; head -c 15000000 /dev/zero | tr '\0' Q; printf ',rat_hai_long\n'; } > "$D/k.csv"
  kiosk k.csv
}
gen_kiosk_width() { printf '%s\n2025-02-03 08:15:00,02647,Q1,rat_hai_long,extra\n' "$KHDR" > "$D/k.csv"; kiosk k.csv; }
gen_kiosk_short() { printf '%s\n2025-02-03 08:15:00,02647\n' "$KHDR" > "$D/k.csv"; kiosk k.csv; }
gen_kiosk_utf16le() { printf '\377\376t\000h\000' > "$D/k.csv"; kiosk k.csv; }
gen_kiosk_bom_crlf_mix() {
  printf '\357\273\277%s\r\n2025-02-03 08:15:00,02647,Q1,rat_hai_long\n2025-02-04 08:15:00,02647,Q1,hai_long\r\n2025-02-05 08:15:00,02671,Q1,khong_hai_long\n' "$KHDR" > "$D/k.csv"
  kiosk k.csv
}
gen_kiosk_bad_utf8() { printf '%s\n2025-02-03 08:15:00,02647,Qu\341\273,rat_hai_long\n' "$KHDR" > "$D/k.csv"; kiosk k.csv; }
gen_kiosk_empty() { : > "$D/k.csv"; kiosk k.csv; }
# skip mode: one key for a bad level everywhere (the template labels it)
gen_kiosk_level_skip() { printf '%s\n2025-02-03 08:15:00,02647,Q1,so_so\n' "$KHDR" > "$D/k.csv"; job '{ plugin = "kiosk", path = "k.csv", on_error = "skip" }'; }
gen_kiosk_short_skip() { printf '%s\n2025-02-03 08:15:00,02647\n' "$KHDR" > "$D/k.csv"; job '{ plugin = "kiosk", path = "k.csv", on_error = "skip" }'; }
gen_kiosk_bad_date() { printf '%s\n2025-02-30 08:15:00,02647,Q1,rat_hai_long\n' "$KHDR" > "$D/k.csv"; kiosk k.csv; }

# ---- measures: CSV and XLSX (gaps of tests/sources/test_measures.sh) ------------------
gen_measures_csv_unknown_column() { printf '%s,tham_dinh_2\n02647,a,5,6,7\n' "$MHDR" > "$D/m.csv"; measures m.csv; }
gen_measures_csv_thousands() { printf '%s\n02647,a,1.234.567,\n' "$MHDR" > "$D/m.csv"; measures m.csv; }
gen_measures_csv_bad_utf8() { printf '%s\n02647,a,5,\n02647,b,c\303\n' "$MHDR" > "$D/m.csv"; measures m.csv; }
gen_measures_csv_unknown_unit() { printf '%s\n99999,a,5,6\n02647,a,5,\n' "$MHDR" > "$D/m.csv"; measures m.csv; }
gen_measures_csv_blank_rows() { printf '%s\n02647,a,,\n,,,\n\n02647,b,,1\n' "$MHDR" > "$D/m.csv"; measures m.csv; }
gen_measures_xlsx_not_zip() { printf '%s\n02647,a,5,\n' "$MHDR" > "$D/m.xlsx"; measures m.xlsx; }
gen_measures_xls_renamed() { { printf '\320\317\021\340\241\261\032\341'; head -c 4000 /dev/zero; } > "$D/m.xlsx"; measures m.xlsx; }
gen_measures_xlsx_password() {
  { printf '\320\317\021\340\241\261\032\341'; head -c 2000 /dev/zero; printf 'E\000n\000c\000r\000y\000p\000t\000e\000d\000P\000a\000c\000k\000a\000g\000e\000'; } > "$D/m.xlsx"
  measures m.xlsx
}
gen_measures_xlsx_aes() {
  book "$D/m" ""
  "$TP/mkzip" "$D/m.xlsx" xl/workbook.xml "$D/m/wb.xml" xl/_rels/workbook.xml.rels "$D/m/rels.xml" -aes secret xl/worksheets/sheet1.xml "$D/m/sheet.xml"
  measures m.xlsx
}
gen_measures_xlsx_truncated() { "$TP/mkxlsx_measures" "$D/full.xlsx"; head -c 2000 "$D/full.xlsx" > "$D/m.xlsx"; rm "$D/full.xlsx"; measures m.xlsx; }
gen_measures_xlsx_zip_bomb() {
  book "$D/m" ""
  { printf '<worksheet %s><sheetData>' "$NS"; head -c 200000000 /dev/zero | tr '\0' ' '; printf '</sheetData></worksheet>'; } |
    book_zip "$D/m" xl/worksheets/sheet1.xml
  measures m.xlsx
}
gen_measures_xlsx_huge_sst() {
  book "$D/m" "<row r=\"1\"><c t=\"s\"><v>0</v></c></row>" "<si><t>x</t></si>"
  { printf '<sst %s>' "$NS"; awk 'BEGIN { for (i = 0; i <= 1000000; i++) printf "<si><t>s%d</t></si>", i }'; printf '</sst>'; } > "$D/m/sst.xml"
  "$TP/mkzip" "$D/m.xlsx" xl/workbook.xml "$D/m/wb.xml" xl/_rels/workbook.xml.rels "$D/m/rels.xml" xl/worksheets/sheet1.xml "$D/m/sheet.xml" -store xl/sharedStrings.xml "$D/m/sst.xml"
  rm "$D/m/sst.xml"
  measures m.xlsx
}
gen_measures_xlsx_formula_no_value() { book "$D/m" "$(hdr)<row r=\"2\">$(unit 2 a)<c r=\"C2\"><f>SUM(E2:F2)</f></c></row>"; measures m.xlsx; }
gen_measures_xlsx_error_cell() { book "$D/m" "$(hdr)<row r=\"5\">$(unit 5 a)<c r=\"C5\" t=\"e\"><v>#N/A</v></c></row>"; measures m.xlsx; }
gen_measures_xlsx_doctype() {
  book "$D/m" "<?xml version=\"1.0\"?>
<!DOCTYPE worksheet [ <!ENTITY x SYSTEM \"file:///etc/passwd\"> ]>
<worksheet $NS><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>&x;</t></is></c></row></sheetData></worksheet>"
  measures m.xlsx
}
gen_measures_xlsx_deep() {
  book "$D/m" "<?xml version=\"1.0\"?><worksheet $NS><sheetData>$(awk 'BEGIN { for (i = 0; i < 100; i++) printf "<x>"; for (i = 0; i < 100; i++) printf "</x>" }')</sheetData></worksheet>"
  measures m.xlsx
}
gen_measures_xlsx_bad_utf8() { book "$D/m" "$(hdr)<row r=\"2\">$(unit 2 a)<c r=\"C2\"><v>1</v></c></row>" "$(printf '<si><t>\303</t></si>')"; measures m.xlsx; }
gen_measures_xlsx_far_column() { book "$D/m" "$(hdr)<row r=\"2\">$(unit 2 a)<c r=\"C2\"><v>1</v></c><c r=\"XFD2\"><v>1</v></c></row>"; measures m.xlsx; }
gen_measures_xlsx_rows_backwards() { book "$D/m" "$(hdr)<row r=\"3\">$(unit 3 a)</row><row r=\"2\">$(unit 2 b)</row>"; measures m.xlsx; }
gen_measures_xlsx_no_workbook() { printf 'x' > "$D/x"; "$TP/mkzip" "$D/m.xlsx" word/document.xml "$D/x"; measures m.xlsx; }

# ---- SQLite one-stop database (gaps of tests/sources/test_onestop_sqlite.sh) ----
gen_sqlite_empty_file() { : > "$D/o.db"; sqlitejob o.db; }
gen_sqlite_truncated() {
  sqlite3 "$D/full.db" < "$FIX/onestop/small.sql"
  head -c 3000 "$D/full.db" > "$D/o.db"
  sqlitejob o.db
}
gen_sqlite_directory() { mkdir "$D/o.db"; sqlitejob o.db; }
# onestop_pg: every secret keyword of libpq's list (dispchar "*"), refused
# before connecting, so no server is needed here
gen_pg_sslpassword() { job '{ plugin = "onestop_pg", conninfo = "host=/nonexistent dbname=x sslpassword=S3cr3tKey" }'; }
# bounded sources: impossible legal time limits are data-quality findings
# (02647 has 3 finished dossiers of 1.001193, small.sql), a 2 MB dossier
# code is refused at emit, 1500 distinct unknown codes keep 1000
sqlite_small() { sqlite3 "$D/o.db" < "$FIX/onestop/small.sql"; sqlite3 "$D/o.db" "$1"; sqlitejob o.db; }
gen_sqlite_legal_tiny() { sqlite_small "UPDATE procedures SET legal_days = 1e-300 WHERE code = '1.001193'"; }
gen_sqlite_legal_zero() { sqlite_small "UPDATE procedures SET legal_days = 0 WHERE code = '1.001193'"; }
gen_sqlite_legal_negative() { sqlite_small "UPDATE procedures SET legal_days = -3 WHERE code = '1.001193'"; }
gen_sqlite_code_huge() { sqlite_small "UPDATE dossiers SET code = replace(hex(zeroblob(1000000)), '0', 'x') WHERE rowid = 1"; }
gen_sqlite_unknown_many() {
  sqlite_small "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
    INSERT INTO dossiers (code, unit_code, procedure_code, channel, status, received_at)
    SELECT 'U' || i, 'X' || i, '1.001193', 1, 2, '2025-03-03T08:00:00' FROM n"
}
# a view that recurses for ever: stopped by the progress handler, with a
# warning on the way (a small max_query_steps keeps the case short)
gen_sqlite_recursive_view() {
  sqlite_small "CREATE VIEW dv AS WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT d.* FROM r JOIN dossiers d ON r.i = -1"
  job '{ plugin = "onestop_sqlite", path = "o.db", mapping = "dossiers=dv", max_query_steps = 20000000 }'
}
gen_sqlite_wrong_schema() { sqlite3 "$D/o.db" "CREATE TABLE dossiers (x); CREATE TABLE procedures (y); CREATE TABLE feedback (z)"; sqlitejob o.db; }

# ---- job files ---------------------------------------------------------------------
gen_job_no_sources() { printf 'return { period = "2025", rules = "national/index766", output = "out" }\n' > "$D/job.lua"; }
gen_job_no_period() { printf 'return { sources = { { plugin = "kiosk", path = "k.csv" } }, rules = "national/index766", output = "out" }\n' > "$D/job.lua"; }
gen_job_period_number() { printf 'return { period = 2025, sources = { { plugin = "kiosk", path = "k.csv" } }, rules = "national/index766", output = "out" }\n' > "$D/job.lua"; }
gen_job_sources_string() { printf 'return { period = "2025", sources = "kiosk.csv", rules = "national/index766", output = "out" }\n' > "$D/job.lua"; }
gen_job_outputs_unknown() { printf 'return { period = "2025", sources = { { plugin = "kiosk", path = "k.csv" } }, rules = "national/index766", output = "out", outputs = { "docx" } }\n' > "$D/job.lua"; }
gen_job_scope_number() { printf 'return { period = "2025", scope = 15, sources = { { plugin = "kiosk", path = "k.csv" } }, rules = "national/index766", output = "out" }\n' > "$D/job.lua"; }
gen_job_not_table() { printf 'return "hello"\n' > "$D/job.lua"; }
gen_job_memory_bomb() { printf 'local s = "x" while true do s = s .. s end\n' > "$D/job.lua"; }
gen_job_binary_chunk() { printf '\033LuaT\000\031\223\r\n\032\n' > "$D/job.lua"; }
gen_job_measures_strict_text() { job '{ plugin = "fixed_measures" }' '
  measures_strict = "yes",'; }
# the fixed test source's self-assessment without its required evidence
gen_measures_strict_evidence() {
  job '{ plugin = "fixed_measures" }' '
  measures_strict = true,'
  sed -i 's|national/index766|provinces/lao_cai_par|' "$D/job.lua"
}
# `parscore template` into an output directory that cannot exist (a file is in the way)
gen_measures_template_no_dir() {
  job '{ plugin = "fixed_measures" }'
  : > "$D/f"
  sed -i 's|national/index766|provinces/lao_cai_par|; s|output = "out"|output = "f/out"|' "$D/job.lua"
}
gen_job_option_table() { printf 'return { period = "2025", sources = { { plugin = "kiosk", path = { "k.csv" } } }, rules = "national/index766", output = "out" }\n' > "$D/job.lua"; }

# ---- rule scripts --------------------------------------------------------------------
gen_rule_syntax() { rulesjob; printf 'local R = require("parscore.rules")\nreturn R.ruleset{ id = "s" name = "S" }\n' > "$D/rule.lua"; }
gen_rule_runaway() { rulesjob; rule 'while true do end'; }
gen_rule_memory_bomb() { rulesjob; rule 'local t = {} while true do t[#t + 1] = string.rep("x", 1048576) .. #t end'; }
gen_rule_forbidden_io() { rulesjob; rule 'io.open("/etc/passwd")'; }
gen_rule_forbidden_os() { rulesjob; rule 'os.execute("touch pwned")'; }
gen_rule_forbidden_load() { rulesjob; rule 'load(string.dump(function() end))'; }
gen_rule_recursion() { rulesjob; rule 'local function f(n) return 1 + f(n + 1) end f(1)'; }
gen_rule_measure_undeclared() { rulesjob; rule 'local x = u.m.nope'; }
# each call just under the pattern bound (about 2 s), sixty of them
gen_rule_pattern_walk() { rulesjob; rule 'local s = string.rep("a", 990) for i = 1, 60 do s:find(".-.-b") end'; }
gen_rule_one_unit_strict() { rulesjob; rule 'if u.code == "02647" then error("không tính được") end'; }

# ---- templates (missing keys and wrong types: tests/unit/test_render.c) -------------------
# tpl SED-SCRIPT: a copy of the shipped templates with scorecard.xml edited;
# a small job that renders PDFs with them
tpl() {
  mkdir -p "$D/tpl"
  cp "$PS_SOURCE/templates/summary.xml" "$D/tpl/"
  sed "$1" "$PS_SOURCE/templates/scorecard.xml" > "$D/tpl/scorecard.xml"
  kiosk "$FIX/survey/kiosk.csv"
  sed -i 's|output = "out",|output = "out", templates = "tpl", fonts = { regular = "'"$PS_SOURCE"'/templates/fonts/NotoSerif-Regular-vn.ttf", bold = "'"$PS_SOURCE"'/templates/fonts/NotoSerif-Bold-vn.ttf" },|' "$D/job.lua"
}
gen_tpl_laughs() {
  tpl 's|<scorecard>|<!DOCTYPE scorecard [ <!ENTITY l0 "lol"> <!ENTITY l1 "\&l0;\&l0;\&l0;\&l0;\&l0;\&l0;\&l0;\&l0;\&l0;\&l0;"> <!ENTITY l2 "\&l1;\&l1;\&l1;\&l1;\&l1;\&l1;\&l1;\&l1;\&l1;\&l1;"> <!ENTITY l3 "\&l2;\&l2;\&l2;\&l2;\&l2;\&l2;\&l2;\&l2;\&l2;\&l2;"> <!ENTITY l4 "\&l3;\&l3;\&l3;\&l3;\&l3;\&l3;\&l3;\&l3;\&l3;\&l3;"> <!ENTITY l5 "\&l4;\&l4;\&l4;\&l4;\&l4;\&l4;\&l4;\&l4;\&l4;\&l4;"> <!ENTITY l6 "\&l5;\&l5;\&l5;\&l5;\&l5;\&l5;\&l5;\&l5;\&l5;\&l5;"> <!ENTITY l7 "\&l6;\&l6;\&l6;\&l6;\&l6;\&l6;\&l6;\&l6;\&l6;\&l6;"> <!ENTITY l8 "\&l7;\&l7;\&l7;\&l7;\&l7;\&l7;\&l7;\&l7;\&l7;\&l7;"> <!ENTITY l9 "\&l8;\&l8;\&l8;\&l8;\&l8;\&l8;\&l8;\&l8;\&l8;\&l8;"> ]>\n<scorecard>|; s|<text key="motto">[^<]*</text>|<text key="motto">\&l9;</text>|'
}
gen_tpl_xxe() {
  tpl 's|<scorecard>|<!DOCTYPE scorecard [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>\n<scorecard>|; s|<text key="motto">[^<]*</text>|<text key="motto">\&x;</text>|'
}
gen_tpl_deep() {
  tpl 's|^</scorecard>|'"$(awk 'BEGIN { for (i = 0; i < 10000; i++) printf "<x>"; for (i = 0; i < 10000; i++) printf "</x>" }')"'</scorecard>|'
}
gen_tpl_bad_utf8() { tpl "s|Độc lập|\xff\xfe|"; }
gen_tpl_margin_huge() { tpl 's|margin-top="14"|margin-top="1e308"|'; }
gen_tpl_font_size_zero() { tpl 's|size="9"/>|size="0"/>|'; }
gen_tpl_widths_many() { tpl 's|<section name="criteria"[^/]*/>|<section name="criteria" widths="1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1"/>|'; }
gen_tpl_truncated() { tpl '30,$d'; }
# font FILE: the job names FILE (written by the caller) for both faces
font() {
  kiosk "$FIX/survey/kiosk.csv"
  sed -i 's|output = "out",|output = "out", fonts = { regular = "'"$1"'", bold = "'"$1"'" },|' "$D/job.lua"
}
gen_font_not_ttf() { echo "not a font" > "$D/f.ttf"; font "$D/f.ttf"; }
gen_font_truncated() { head -c 3000 "$PS_SOURCE/templates/fonts/NotoSerif-Regular-vn.ttf" > "$D/f.ttf"; font "$D/f.ttf"; }

# ---- plugins ---------------------------------------------------------------------------
gen_plugin_bad_abi() { job '{ plugin = "bad_abi" }'; }
gen_plugin_no_symbol() { job '{ plugin = "no_symbol" }'; }
gen_plugin_abi_v1() { job '{ plugin = "abi_v1" }'; }
gen_plugin_old_layout() { job '{ plugin = "old_layout" }'; }
gen_plugin_midstream() { job '{ plugin = "fail_midstream" }'; }
# plugin trust: a .so whose constructor leaves $D/ran, in a directory or as
# a file others can write; refused before dlopen (no mark), unless trusted
wwplug() {
  mkdir -p "$D/ww"; cp "$PS_BUILD/test-plugins-trust/ctor_marker.so" "$D/ww/"
  job '{ plugin = "ctor_marker" }'
  printf 'export PARSCORE_PLUGIN_PATH="%s/ww" PS_CTOR_MARKER="%s/ran"\n' "$D" "$D" > "$D/env"
}
gen_plugin_ww_dir() { wwplug; chmod 777 "$D/ww"; }
gen_plugin_ww_file() { wwplug; chmod 755 "$D/ww"; chmod 666 "$D/ww/ctor_marker.so"; }
gen_plugin_ww_list() { wwplug; chmod 1777 "$D/ww"; }
gen_plugin_ww_trusted() { wwplug; chmod 777 "$D/ww"; echo 'export PARSCORE_TRUST_PLUGIN_DIR=1' >> "$D/env"; }
post_plugin_ww_dir() { check_absent "$name: constructor never ran" "$D/ran"; }
post_plugin_ww_file() { check_absent "$name: constructor never ran" "$D/ran"; }
post_plugin_ww_list() { check_absent "$name: constructor never ran" "$D/ran"; }
post_plugin_ww_trusted() { check "$name: a trusted directory loads" yes "$([ -e "$D/ran" ] && echo yes)"; }

# ---- the runner ---------------------------------------------------------------------------
# ASan reserves terabytes of shadow address space: no ulimit -v under it.
VLIMIT="ulimit -v 1048576;"
if ldd "$PARSCORE" 2>/dev/null | grep -q 'libasan\|libclang_rt.asan'; then VLIMIT=""; fi
MD=${HOSTILE_MD:-}
[ -n "$MD" ] && printf '| case | command | exit | error (first line) |\n|---|---|---|---|\n' > "$MD"

# one NAME CMD EXIT REGEXP
one() {
  name=$1; cmd=$2; want=$3; re=$4
  D="$T/$name"; mkdir -p "$D"
  "gen_$name"
  flags=""
  [ "$cmd" = strict ] && { cmd=run; flags=--strict; }
  # SIGXFSZ stays default; stdin closed; only the job's own dir is written
  # a case may set environment variables in $D/env
  args="--plugin-dir $TP job.lua"
  [ "$cmd" = plugins ] && args=""
  (cd "$D" && { [ ! -f env ] || . ./env; } && eval "$VLIMIT" && exec timeout 60 "$PARSCORE" "$cmd" $flags \
     $args) < /dev/null > "$D/stdout" 2> "$D/stderr"
  st=$?
  check_status "$name: exit" "$want" "$st"
  if ! grep -Eq -- "$re" "$D/stderr" "$D/stdout"; then
    FAIL=$((FAIL+1)); echo "FAIL: $name: /$re/ not in the output:" >&2; head -c 600 "$D/stderr" >&2
  else PASS=$((PASS+1)); fi
  [ "$st" = 124 ] && echo "FAIL: $name: timed out" >&2
  left=$(find "$D/out" "$D" -maxdepth 1 \( -name '*.pdf' -o -name '*.csv' -o -name '*.json' -o -name '*.xlsx' \
    -o -name '*.tmp.*' -o -name '.parscore-new.*' \) -newer "$D/job.lua" 2>/dev/null | grep -v -e '/[rk]\.csv$' | head -3)
  check "$name: no output or temp file left" "" "$left"
  check_not_contains "$name: /etc/passwd never echoed" "root:x:0:" "$D/stderr"
  check_not_contains "$name: a secret never echoed" "S3cr3tKey" "$D/stderr"
  # a case may check more in post_NAME
  if type "post_$name" >/dev/null 2>&1; then "post_$name"; fi
  if [ -n "$MD" ]; then
    msg=$( { grep -v '^ ' "$D/stderr"; grep -E -- "$re" "$D/stdout"; } | head -n 1 | sed "s|$D/||g; s|$T/||g; s|$PS_BUILD/||g; s/|/\\\\|/g; s/\t/ /g" | cut -c1-220)
    printf '| %s | %s | %s | %s |\n' "$name" "$2" "$st" "$msg" >> "$MD"
  fi
}

# NAME                       COMMAND    EXIT  REGEXP the output must match
while read -r name cmd want re; do
  case "$name" in ''|'#'*) continue ;; esac
  # HOSTILE_ONLY=ERE runs the matching cases only (while working on them)
  [ -n "${HOSTILE_ONLY:-}" ] && ! expr "$name" : "${HOSTILE_ONLY}" >/dev/null && continue
  one "$name" "$cmd" "$want" "$re"
done <<'TABLE'
# portal export XML
portal_laughs_run            run        4  DOCTYPE \(DTD\) is not allowed
portal_xxe_run               run        4  x.xml:2:1: !DOCTYPE: .*not allowed
portal_channel_huge          run        4  x.xml:17:.*KenhThucHien
portal_status_negative       run        4  x.xml:19:.*TrangThaiHoSo
portal_count_huge            run        4  x.xml:[67]:[0-9]+: CongKhai: attribute TTHCPhaiCongBo is not a valid number
portal_year_huge             aggregate  0  ^02647	dq\.bad_date	1$
portal_empty                 run        4  x.xml:1:1: the file ends before the root element
portal_bom_only              run        4  x.xml:1:1: the file ends before the root element
portal_utf16le               run        4  x.xml:1:1: the export is UTF-16: save it as UTF-8
portal_utf16be               run        4  x.xml:1:1: the export is UTF-16: save it as UTF-8
portal_utf16le_nobom         run        4  x.xml:1:1: the export is UTF-16: save it as UTF-8
portal_utf16_declared        run        4  x.xml:1:1: the export is UTF-16: save it as UTF-8
# survey form XML
form_laughs                  run        4  f.xml:2.*(DTD|DOCTYPE)
form_xxe                     run        4  f.xml:2.*(DTD|DOCTYPE)
form_dtd                     run        4  f.xml:2.*(DTD|DOCTYPE)
form_deep                    run        4  f.xml:3:[0-9]+: .*elements nested deeper than 256 levels
form_truncated               run        4  f.xml:8:1: .*Premature end of data
form_bad_utf8                run        4  f.xml:2:[0-9]+: .*not proper UTF-8
form_namespace               run        4  expected <BieuMauKhaoSat xmlns="urn:vn:khaosat:1">
form_huge_attr               run        4  f.xml:3:19: .*AttValue length too long
form_scale_huge              run        4  f.xml:2: F: <ThangDo> needs integer attributes
form_scale_reversed          run        4  f.xml:2: .*is not a scale
form_no_criteria             run        4  f.xml:2: .*has no <YeuTo>/<TieuChi> criteria
form_dup_criterion           run        4  f.xml:2: criterion code A1 appears twice
# survey responses CSV (bom_crlf_mix: P01, P02 in 02647 and P03 in 02671 = 3
# respondents in 15; cr_only: one response; a bad date is counted as dq)
resp_utf16be                 run        4  r.csv:1: file is UTF-16, save as UTF-8
resp_utf32le                 run        4  r.csv:1: file is UTF-(16|32), save as UTF-8
resp_double_bom              run        4  r.csv:1: missing columns ma_phieu
resp_bom_crlf_mix            aggregate  0  ^15	s\.respondents	3$
resp_cr_only                 aggregate  0  ^15	s\.respondents	1$
resp_empty                   run        4  r.csv:1: the responses file is empty
resp_short_skip              aggregate  0  ^02647	dq\.survey_bad_row	1$
resp_answer_huge             run        4  r.csv:2:6: column A1: answer "99999999999999999999" is not a number
# kiosk log CSV
kiosk_unterminated           run        4  k.csv:2.*quote opened at line 2
kiosk_nul                    run        4  k.csv:2.*NUL byte
kiosk_15mb_line              run        4  k.csv:2.*longer than 1048576 bytes
kiosk_width                  run        4  k.csv:2.*5 fields, the header has 4
kiosk_short                  run        4  k.csv:2.*2 fields, the header has 4
kiosk_utf16le                run        4  k.csv:1: file is UTF-16, save as UTF-8
kiosk_bom_crlf_mix           aggregate  0  ^15	k\.total	3$
kiosk_bad_utf8               run        4  k.csv:2.*invalid UTF-8
kiosk_empty                  run        4  k.csv:1: the kiosk log is empty
kiosk_level_skip             aggregate  0  ^02647	dq\.bad_kiosk_level	1$
kiosk_short_skip             aggregate  0  ^02647	dq\.kiosk_bad_row	1$
kiosk_bad_date               aggregate  0  ^02647	dq\.bad_date	1$
# measures CSV and XLSX (blank_rows: a template row nobody filled in and a
# fully blank row give nothing; one appraisal is read)
measures_csv_unknown_column  run        4  m.csv:1: unknown columns "tham_dinh_2"
measures_csv_thousands       run        4  m.csv:2:3: column tu_danh_gia: "1.234.567" has thousands separators
measures_csv_bad_utf8        run        4  m.csv:3:3: invalid UTF-8
measures_csv_unknown_unit    aggregate  0  ^\*	unknown_unit\.99999	2$
measures_csv_blank_rows      aggregate  0  ^\*	records\.measure	1$
measures_xlsx_not_zip        run        4  m.xlsx: not an XLSX workbook \(not a zip file\)
measures_xls_renamed         run        4  m.xlsx: this is an old binary Excel file \(.xls\).*save it as "Excel Workbook \(.xlsx\)"
measures_xlsx_password       run        4  m.xlsx: the workbook is protected by a password
measures_xlsx_aes            run        4  m.xlsx: xl/worksheets/sheet1.xml is encrypted
measures_xlsx_truncated      run        4  m.xlsx: the zip archive is damaged or truncated
measures_xlsx_zip_bomb       run        4  m.xlsx: xl/worksheets/sheet1.xml inflates [0-9]+ times .*a zip bomb
measures_xlsx_huge_sst       run        4  m.xlsx: xl/sharedStrings.xml holds more than 1000000 shared strings
measures_xlsx_formula_no_value run      4  m.xlsx: sheet "Trang 1", cell C2: a formula without its value; open and save the file in Excel or LibreOffice
measures_xlsx_error_cell     run        4  m.xlsx: sheet "Trang 1", row 5, column tu_danh_gia \(C5\): the cell holds the error #N/A
measures_xlsx_doctype        run        4  m.xlsx: xl/worksheets/sheet1.xml has a DOCTYPE \(DTD\)
measures_xlsx_deep           run        4  m.xlsx: xl/worksheets/sheet1.xml: elements nested deeper than 32 levels
measures_xlsx_bad_utf8       run        4  m.xlsx: xl/sharedStrings.xml line 2: .*UTF-8
measures_xlsx_far_column     run        4  m.xlsx: sheet "Trang 1", cell XFD2: a value beyond the first 1024 columns
measures_xlsx_rows_backwards run        4  m.xlsx: sheet "Trang 1": row 2 comes after row 3
measures_xlsx_no_workbook    run        4  m.xlsx: the workbook has no part xl/workbook.xml
# SQLite one-stop database
sqlite_empty_file            run        4  o.db: procedures: no table "procedures"
sqlite_truncated             run        4  o.db: the SQLite database is damaged
sqlite_directory             run        4  o.db: not a regular file
sqlite_wrong_schema          run        4  o.db.*missing column
sqlite_legal_tiny            aggregate  0  ^02647	dq\.bad_legal_days	3$
sqlite_legal_zero            aggregate  0  ^02647	dq\.bad_legal_days	3$
sqlite_legal_negative        aggregate  0  ^02647	dq\.bad_legal_days	3$
sqlite_code_huge             run        4  o.db: .*field code of a ps_dossier record is longer than 1048576 bytes
sqlite_recursive_view        run        4  o.db: the query on "dv" ran 20000000 SQLite steps without returning a row
sqlite_unknown_many          aggregate  0  ^\*	unknown_unit\.unlisted	500$
# PostgreSQL conninfo
pg_sslpassword               run        3  conninfo contains a secret \(sslpassword\); remove it
# job files
job_no_sources               run        3  job.lua: sources: missing
job_no_period                run        3  job.lua: period: missing
job_period_number            run        3  job.lua: period: must be a string
job_sources_string           run        3  sources: must be
job_outputs_unknown          run        3  outputs: entries must be
job_scope_number             run        3  scope: must be a list
job_not_table                run        3  must `return \{ \.\.\. \}` a table
job_memory_bomb              run        3  job file fails: not enough memory
job_binary_chunk             run        3  does not parse: attempt to load a binary chunk
job_option_table             run        3  sources\[1\]: option path must be a string
# measures in scoring (the measures file reader has its own cases)
job_measures_strict_text     run        3  measures_strict: must be true or false
measures_strict_evidence     run        4  02647: measure_no_evidence: bao_cao_dung_han \(fixed_measures, dòng 4\)
measures_template_no_dir     template   6  cannot create the output directory
rule_measure_undeclared      strict     7  rule.lua:6: 15: u.m\['nope'\]: measure 'nope' is not declared
# rule scripts
rule_syntax                  run        7  rule.lua:2:
rule_runaway                 strict     7  instruction budget exceeded
rule_memory_bomb             strict     7  memory limit of [0-9]+ MiB exceeded
rule_forbidden_io            strict     7  rule.lua:6: 15: attempt to index a nil value \(global 'io'\)
rule_forbidden_os            strict     7  rule.lua:6: 15: attempt to index a nil value \(global 'os'\)
rule_forbidden_load          strict     7  rule.lua:6: 15: attempt to call a nil value \(field 'dump'\)
rule_recursion               strict     7  rule.lua:6: 15: stack overflow
rule_pattern_walk            strict     7  rule.lua:6: 15: instruction budget exceeded .*work of string patterns counts
rule_one_unit_strict         strict     7  rule.lua:6:.*không tính được
# templates
tpl_laughs                   run        3  scorecard.xml:22:27: .*entity reference loop
tpl_xxe                      run        3  scorecard.xml: the template has a <!DOCTYPE>
tpl_deep                     run        3  scorecard.xml:[0-9]+:[0-9]+: .*elements nested deeper than 256 levels
tpl_bad_utf8                 run        3  scorecard.xml:21:[0-9]+: .*not proper UTF-8
tpl_margin_huge              run        3  scorecard.xml:[0-9]+(:[0-9]+)?: .*margin-top
tpl_font_size_zero           run        3  scorecard.xml:[0-9]+(:[0-9]+)?: .*size
tpl_widths_many              run        3  scorecard.xml:[0-9]+(:[0-9]+)?: .*widths
tpl_truncated                run        3  scorecard.xml:30:1: .*Premature end of data
# fonts (libharu 2.3.0 crashed on both)
font_not_ttf                 run        3  f.ttf: fonts: the font file is too short to be a TrueType font
font_truncated               run        3  f.ttf: fonts: a table of the font lies beyond the end of the file
# plugins
plugin_bad_abi               run        5  bad_abi.so: plugin built for parscore ABI 42
plugin_no_symbol             run        5  no_symbol.so: not a parscore plugin
plugin_abi_v1                run        5  abi_v1.so: plugin built for parscore ABI 1, this parscore has ABI 2
plugin_old_layout            run        5  old_layout.so: plugin old_layout emitted ps_dossier records of [0-9]+ bytes, this parscore.s ps_dossier has [0-9]+
plugin_midstream             run        4  simulated failure after one batch
plugin_ww_dir                run        5  ww/ctor_marker.so: refused before loading: the directory .*/ww is writable by others than its owner \(mode 0777\)
plugin_ww_file               run        5  ww/ctor_marker.so: refused before loading: the file is writable by others than its owner \(mode 0666\)
plugin_ww_list               plugins    5  ww/ctor_marker.so: refused before loading: the directory .*/ww is writable by others than its owner \(mode 1777\)
plugin_ww_trusted            run        5  warning: PARSCORE_TRUST_PLUGIN_DIR=1: loading .*ctor_marker.so although
TABLE
finish
