# test_pipeline.sh -- one dossier database all the way to a PDF: the
# one-stop SQLite fixture, scored with national/index766, checked in the
# PDF's text, the CSV and the JSON against a hand computation.
. "$PS_SOURCE/tests/e2e/lib.sh"
mktmp
cd "$T"
sqlite3 onestop.db < "$PS_SOURCE/tests/fixtures/onestop/small.sql" || exit 1
cat > job.lua <<'J'
return { period = "2025", scope = {"15"}, issuer = "UBND TỈNH LÀO CAI",
  declare = { { code = "15.STP", name = "Sở Tư pháp", parent = "15", level = "department" } },
  sources = { { plugin = "onestop_sqlite", path = "onestop.db" } },
  rules = "national/index766", output = "out", outputs = { "pdf", "summary", "csv", "json" } }
J
"$PARSCORE" run -q --timestamp 1767225600 job.lua; check_status run 0 $?

# Phường Lào Cai (02647), counters from tests/sources/test_onestop_sqlite.sh:
#   no CongKhai                      publicity 1.1-1.3: zero denominators -> 0
#   synced 0/12 (no portal source)   1.4: 0
#   on time (5 + 1) / (7 + 2) = 6/9  2.1: 20 * 6/9            = 13.333
#   level 4 online 5/9               3.1: 12 * 5/9            =  6.667
#   fee dossiers paid 3/7            4.1:  6 * 3/7            =  2.571
#   fee procedures paid 2/2          4.2: min(2, 2.5 * 1)     =  2
#   fee procedures used 2/2          4.3: min(2, 2.5 * 1)     =  2
#   e-results 4/7                    5.1:  6 * 4/7            =  3.429
#   digitised input 5/12             5.2:  4 * 5/12           =  1.667
#   not in the inputs, commune       5.3: full marks          = 12
#   feedback on time (2 + 1)/4       6.1:  6 * 0.75           =  4.5
#   feedback satisfaction 2/3        6.2:  6 * 2/3            =  4
#   dossiers handled well 5/7        6.3: min(6, 6*(5/7)/0.9) =  4.762
#   total 56.929 -> "56,93/100", band Trung bình (>= 50), rank 1 of 99 communes
pdftotext -layout out/02647.pdf a.txt 2>/dev/null
check_contains "unit" "Phường Lào Cai (mã 02647)" a.txt
check_contains "on-time ratio" "66,7% (6/9)" a.txt
check_contains "on-time points" "13,33" a.txt
check_contains "online" "55,6% (5/9)" a.txt
check_contains "payment" "42,9% (3/7)" a.txt
check_contains "dossier satisfaction" "4,76" a.txt
check_contains "total" "56,93/100" a.txt
check_contains "band" "Trung bình" a.txt
check_contains "rank" "1/99" a.txt
check_contains "late dossier listed" "Hồ sơ giải quyết quá hạn (2)" a.txt
check "pages" 3 "$(pdfinfo out/02647.pdf 2>/dev/null | awk '/^Pages:/ {print $2}')"
check "PDF producer carries the version" "parscore $(sed -n 's/^project(parscore VERSION \([0-9.]*\).*/\1/p' "$PS_SOURCE/CMakeLists.txt")" "$(pdfinfo out/02647.pdf 2>/dev/null | sed -n 's/^Producer: *//p')"
qpdf --check out/02647.pdf >/dev/null 2>&1; check_status "qpdf" 0 $?
check_contains "csv on time" '02647,Phường Lào Cai,commune,2.1,"Hồ sơ giải quyết trước hạn, đúng hạn",2,6,9,0.6666666667,13.33333333,20' out/results.csv
check_contains "csv satisfaction" '02647,Phường Lào Cai,commune,6.3,Mức độ hài lòng trong giải quyết hồ sơ,6,5,7,0.7142857143,4.761904762,6' out/results.csv
check_contains "json total" '"total": 56.9285714286' out/results.json
# a declared department is scored and reported under its own level
check_contains "declared unit level" '"level": "department"' out/results.json
check "declared unit scorecard" yes "$([ -f out/15.STP.pdf ] && echo yes || echo no)"
# the summary ranks the same unit first
pdftotext -layout out/summary.pdf s.txt 2>/dev/null
check_contains "summary" "Phường Lào Cai" s.txt
check "no temp files" "" "$(ls out | grep '\.tmp' || true)"
finish
