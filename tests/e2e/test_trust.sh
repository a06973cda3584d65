# test_trust.sh -- what an official reads can be trusted: a progress line
# only on a terminal; examples_max = 0 lists no dossier codes; `previous`
# checked and named, the trend in every output; drill-down links and
# bookmarks.
. "$PS_SOURCE/tests/e2e/lib.sh"
mktmp
cd "$T"
command -v pdftotext >/dev/null || { echo "pdftotext missing"; exit 77; }

# D1 on time, D2 a day late (02647), D3 in progress within its deadline (02671)
cp "$PS_SOURCE/tests/fixtures/example/dossiers.txt" d.txt

# ---- a progress line while rendering, on a terminal only, not with -q
cat > jobp.lua <<'J'
return { period = "2025", scope = { "15" }, output = "pg", outputs = { "pdf" },
         sources = { { plugin = "example_dossiers", path = "d.txt" } },
         rules = "national/index766" }
J
"$PARSCORE" run jobp.lua >out.txt 2>err.txt; check_status "progress: not a tty" 0 $?
check_not_contains "no progress when stderr is a file" "scorecards:" err.txt
if command -v script >/dev/null && script -qec true /dev/null >/dev/null 2>&1; then
  script -qec "\"$PARSCORE\" run jobp.lua" /dev/null > tty.txt 2>&1
  check_contains "progress on a terminal" "scorecards: 100/100" tty.txt
  script -qec "\"$PARSCORE\" -q run jobp.lua" /dev/null > ttyq.txt 2>&1
  check_not_contains "-q silences the progress" "scorecards:" ttyq.txt
fi

# ---- SIPAS: an index without "(1/1)", word ids unbroken in the TT column
F="$PS_SOURCE/tests/fixtures/survey"
cat > jobs.lua <<J
return { period = "2025", scope = { "15" }, output = "os", outputs = { "pdf" }, allow_empty = true,
  sources = { { plugin = "survey", form = "$F/form.xml", responses = "$F/responses.csv" },
              { plugin = "kiosk", path = "$F/kiosk.csv" } },
  rules = "national/sipas", rule_options = { min_respondents = 1 } }
J
"$PARSCORE" run jobs.lua >out.txt 2>err.txt; check_status "sipas run" 0 $?
pdftotext -q -layout os/15.pdf sip.txt
check_matches "sipas id and index value" "^ *sipas +Chỉ số hài lòng SIPAS.* [0-9]+,[0-9]%  " sip.txt
check_not_contains "no (1/1)" "(1/1)" sip.txt
check_matches "word id on one line" "^ *overall +Tỷ lệ hài lòng chung" sip.txt
check_contains "appendix: elements explain the lost points" "sipas. Chỉ số hài lòng SIPAS" sip.txt

# ---- examples_max = 0: counts, no codes (it meant 50 before)
cat > job0.lua <<'J'
return { period = "2025", scope = { "15" }, output = "o0", outputs = { "json" },
         sources = { { plugin = "example_dossiers", path = "d.txt" } },
         rules = "national/index766", examples_max = 0 }
J
"$PARSCORE" run job0.lua >out.txt 2>err.txt; check_status "examples_max 0" 0 $?
check_not_contains "no codes listed" '"D2"' o0/results.json
check_contains "count kept" '"count": 1' o0/results.json
sed 's/examples_max = 0/examples_max = 5/; s/o0/o5/' job0.lua > job5.lua
"$PARSCORE" run job5.lua >out.txt 2>err.txt; check_status "examples_max 5" 0 $?
check_contains "codes listed" '"D2"' o5/results.json
# ---- previous: checked, named on the card, in every output
cat > d26.txt <<'D'
# code|unit|proc|channel|status|received|due|finished
E1|02647|P1|2|10|2026-03-03T08:00:00|2026-03-05T17:00:00|2026-03-05 16:00:00
E2|02647|P1|1|10|2026-03-03T08:00:00|2026-03-05T17:00:00|2026-03-05T09:00:00
D
cat > y25.lua <<'J'
return { period = "2025", scope = { "15" }, output = "y25", outputs = { "json" },
         sources = { { plugin = "example_dossiers", path = "d.txt" } },
         rules = "national/index766" }
J
"$PARSCORE" run y25.lua >out.txt 2>err.txt; check_status "2025 run" 0 $?
cat > y26.lua <<'J'
return { period = "2026", scope = { "15" }, output = "y26",
         outputs = { "pdf", "summary", "csv", "json", "xlsx" },
         sources = { { plugin = "example_dossiers", path = "d26.txt" } },
         rules = "national/index766", previous = "y25/results.json" }
J
"$PARSCORE" run y26.lua >out.txt 2>err.txt; check_status "2026 against 2025" 0 $?
pdftotext -layout y26/02647.pdf c26.txt
check_contains "card names the previous period" "so với Năm 2025" c26.txt
check_contains "trend section names it" "SO SÁNH VỚI KỲ TRƯỚC (Năm 2025)" c26.txt
# 02647 had 1 of 2 on time in 2025, 2 of 2 in 2026: improved
check_matches "index: previous and change" '^02647,[^,]*,commune,15,02647\.pdf,[0-9.]+,100,[^,]*,[0-9]+,99,[0-9.]+,[0-9]+,[0-9.]+,improved,scored' y26/index.csv
check_contains "json trend" '"trend": "improved"' y26/results.json
check_contains "json previous period" '"previous_period": {' y26/results.json
if command -v unzip >/dev/null; then
  unzip -p y26/results.xlsx xl/sharedStrings.xml > strings.xml
  check_contains "xlsx previous column" "Hạng kỳ trước" strings.xml
  check_contains "xlsx trend" "Tăng" strings.xml
fi
# drill-down: the province card lists its communes, linked to their cards
pdftotext -q -layout y26/15.pdf p26.txt
check_contains "children section" "KẾT QUẢ CÁC ĐƠN VỊ TRỰC THUỘC" p26.txt
check_matches "child row: name, total, band, rank, change" "Phường Lào Cai +[0-9]+,[0-9]{2} .* 1/99 +\+[0-9]+,[0-9]{2}" p26.txt
qpdf --qdf --object-streams=disable y26/15.pdf p26q.pdf
check_contains "child link (relative file)" "/F (02647.pdf)" p26q.pdf
check_contains "child link is GoToR" "/S /GoToR" p26q.pdf
# the summary: names linked, bookmarks, the change column, the movers
qpdf --qdf --object-streams=disable y26/summary.pdf sq.pdf
check_contains "summary links a commune" "/F (02671.pdf)" sq.pdf
check_contains "summary opens with bookmarks" "/PageMode /UseOutlines" sq.pdf
qpdf --json --json-key=outlines y26/summary.pdf > outl.json
check_contains "bookmark: ranking" '"title": "IV. BẢNG XẾP HẠNG CÁC ĐƠN VỊ"' outl.json
check_contains "bookmark: a unit" '"title": "Phường Lào Cai (02647)"' outl.json
pdftotext -q -layout y26/summary.pdf s26.txt
check_matches "ranking change column" "Xếp loại +So với" s26.txt
check_contains "movers section" "V. ĐƠN VỊ TĂNG, GIẢM ĐIỂM NHIỀU NHẤT SO VỚI Năm 2025" s26.txt
check_contains "movers: up" "NĂM ĐƠN VỊ TĂNG ĐIỂM NHIỀU NHẤT" s26.txt
[ "$(grep -c 'Phường Lào Cai' s26.txt)" -ge 3 ]; check_status "movers list the improved commune" 0 $?

# another rule set: refused, naming both
sed 's/national\/index766"/provinces\/lao_cai"/; s/y26/l26/' y26.lua > l26.lua
"$PARSCORE" run l26.lua >out.txt 2>err.txt; check_status "other rule set refused" 4 $?
check_contains "other rule set named" "scored with rule set 'national/index766', this run with 'provinces/lao_cai'" err.txt
check_absent "refused: no output" l26/index.csv
# a quarter against a year
sed 's/period = "2026"/period = "2026-Q1"/; s/y26/q26/' y26.lua > q26.lua
"$PARSCORE" run q26.lua >out.txt 2>err.txt; check_status "quarter vs year refused" 4 $?
check_contains "quarter vs year" "the previous results are for Năm 2025 (2025), this run for Quý I/2026 (2026-Q1)" err.txt
# another province: no unit in common
sed 's/scope = { "15" }/scope = { "01" }/; s/y26/h26/' y26.lua > h26.lua
printf 'F1|00004|P1|2|10|2026-03-03T08:00:00|2026-03-05T17:00:00|2026-03-05 16:00:00\n' >> d26.txt
"$PARSCORE" run h26.lua >out.txt 2>err.txt; check_status "other province refused" 4 $?
check_contains "other province" "is in the previous results (another province or scope?)" err.txt
finish
