# test_file_names.sh -- unit codes name their scorecards injectively (issue
# 12, finding 6): codes 15/STP and 15_STP get two files, a unit coded
# `summary` does not overwrite the summary report, and a 301-character code
# gets a bounded name (docs/layouts.md, "Output file names").
. "$PS_SOURCE/tests/e2e/lib.sh"
command -v pdftotext >/dev/null 2>&1 || { echo "pdftotext missing: skipped"; exit 77; }
mktmp
cd "$T"
LONG=$(awk 'BEGIN { for (i = 0; i < 301; i++) printf "L" }')
cat > job.lua <<J
return { name = "names", period = "2025",
  declare = {
    { code = "15/STP", name = "Sở Tư pháp A", parent = "15", level = "department" },
    { code = "15_STP", name = "Sở Tư pháp B", parent = "15", level = "department" },
    { code = "summary", name = "Đơn vị Summary", parent = "15", level = "department" },
    { code = "$LONG", name = "Đơn vị mã dài", parent = "15", level = "department" },
  },
  scope = { "15/STP", "15_STP", "summary", "$LONG" },
  sources = { { plugin = "kiosk", path = "$PS_SOURCE/tests/fixtures/survey/kiosk.csv" } },
  rules = "national/index766", output = "out", outputs = { "pdf", "summary", "csv" },
  allow_empty = true }   -- declared units with no records of their own
J
"$PARSCORE" run --plugin-dir "$PS_PLUGIN_DIR" -q job.lua > run.txt 2>&1
check_status "run" 0 $?
check "five PDFs: four units and the summary" 5 "$(ls out/*.pdf 2>/dev/null | wc -l)"
pdftotext -q out/15_2FSTP.pdf a.txt 2>/dev/null; check_contains "15/STP -> 15_2FSTP.pdf" "Sở Tư pháp A" a.txt
pdftotext -q out/15_5FSTP.pdf b.txt 2>/dev/null; check_contains "15_STP -> 15_5FSTP.pdf" "Sở Tư pháp B" b.txt
pdftotext -q out/_73ummary.pdf c.txt 2>/dev/null; check_contains "summary -> _73ummary.pdf (reserved)" "Đơn vị Summary" c.txt
pdftotext -q out/summary.pdf s.txt 2>/dev/null; check_contains "summary.pdf is the summary report" "BÁO CÁO TỔNG HỢP" s.txt
long=$(ls out | grep '^LLLL')
check "the long code's file name is bounded" 1 "$( [ -n "$long" ] && [ ${#long} -le 200 ] && echo 1 || echo 0)"
check "and ends in a hash" 1 "$(echo "$long" | grep -Ec '^L{179}~[0-9a-f]{16}\.pdf$')"
pdftotext -q "out/$long" d.txt 2>/dev/null; check_contains "the long code's scorecard" "Đơn vị mã dài" d.txt
finish
