# test_measures_pipeline.sh -- measures, a bonus and a deduction end to end:
# the one-stop SQLite fixture plus measure records (the fixed_measures test
# plugin), scored with provinces/lao_cai_par, checked in the PDF's text, the
# CSV and the JSON against a hand computation.
. "$PS_SOURCE/tests/e2e/lib.sh"
mktmp
cd "$T"
sqlite3 onestop.db < "$PS_SOURCE/tests/fixtures/onestop/small.sql" || exit 1
cat > job.lua <<'J'
return { period = "2025", scope = {"15"}, issuer = "UBND TỈNH LÀO CAI",
  sources = { { plugin = "onestop_sqlite", path = "onestop.db" }, { plugin = "fixed_measures" } },
  rules = "provinces/lao_cai_par", output = "out", outputs = { "pdf", "csv", "json", "xlsx" } }
J
"$PARSCORE" run -q --plugin-dir "$PS_BUILD/test-plugins" --timestamp 1767225600 job.lua
check_status run 0 $?

# Phường Lào Cai (02647): dossier counters as in test_pipeline.sh, measures
# from tests/plugins/fixed_measures.c
#  1.1 plan issued: self "Có" (25/KH-UBND), appraised "Có"     4
#  1.2 plan done: self 95%, appraised 90% -> 8 x (0.9-0.5)/0.5   6.4
#  1.3 reports on time: self 3, no evidence (required)          0
#  1.4 propaganda sessions 5: min(4, 4 x 5/4)                   4     group 1 = 14.4
#  2.1 on time 6/9: 15 x (6/9)/0.98                            10.204
#  2.2 full online 5/9: 10 x 5/9                                5.556
#  2.3 apology 1/3: 5 x 1/3                                     1.667
#  2.4 input digitised 5/12: 10 x 5/12                          4.167  group 2 = 21.593
#  3.1 signed digitally 85% (system): 8 x 0.85/0.9              7.556
#  3.2 results digitised 4/7: 7 x 4/7                           4      group 3 = 11.556
#  4.1 SIPAS: no survey                                         0
#  4.2 rated satisfied 3/4: 10 x 0.75/0.95                      7.895  group 4 = 7.895
#  groups 55.443; bonus T.1 initiatives: self 2, appraised 1 -> +1, T.2 (on time < 99%) 0
#  deduction D.1: (3 late - 1 with apology) x 0.5 = 1, D.2 criticised once (appraised) = 1
#  total 55.443 + 1 - 2 = 54.443 -> "54,44/100", Trung bình
pdftotext -layout out/02647.pdf a.txt 2>/dev/null
check_contains "unit" "Phường Lào Cai (mã 02647)" a.txt
check_contains "total" "54,44/100" a.txt
check_contains "band" "Trung bình" a.txt
check_contains "self-assessed value" "Tự đánh giá: 95%" a.txt
check_contains "appraised value" "Thẩm định: 90%" a.txt
check_contains "evidence" "Minh chứng: 120/BC-UBND" a.txt
check_contains "system value" "Hệ thống: 85%" a.txt
check_contains "1.2 points" "6,40" a.txt
check_contains "groups total" "55,44" a.txt
check_contains "bonus section" "ĐIỂM THƯỞNG, ĐIỂM TRỪ" a.txt
check_contains "bonus" "+1,00" a.txt
check_contains "deduction subtotal" "−2,00" a.txt
check_contains "final line" "TỔNG ĐIỂM: 55,44 + 1,00 − 2,00 = 54,44" a.txt
check_contains "lost: appraisal" "Thẩm định giảm từ 95% (tự đánh giá) xuống 90%" a.txt
check_contains "lost: evidence" "Thiếu tài liệu kiểm chứng cho giá trị tự đánh giá 3" a.txt
check_contains "lost: deduction" "bị trừ 1,00 điểm" a.txt
check_contains "quality: evidence" "Tự đánh giá thiếu tài liệu kiểm chứng" a.txt
qpdf --check out/02647.pdf >/dev/null 2>&1; check_status "qpdf" 0 $?
# a commune with no measure at all: each declared measure a card line, never a silent zero
pdftotext -layout out/02671.pdf b.txt 2>/dev/null
check_contains "not reported note" "Chưa báo cáo" b.txt
check_contains "not reported quality" "Chỉ tiêu chưa báo cáo (chấm theo mặc định)" b.txt
check_contains "csv bonus" '02647,Phường Lào Cai,commune,T.1,' out/results.csv
check_contains "csv deduction" '02647,Phường Lào Cai,commune,D.2,"Bị phê bình, nhắc nhở về CCHC (1 điểm/lần)",deduction,,,,-1,3,54.44326292,100,Trung bình,' out/results.csv
check_contains "json total" '"total": 54.4432629' out/results.json
check_contains "json bonus" '"bonus": 1.0' out/results.json
check_contains "json appraised" '"appraised": "90%"' out/results.json
# parscore aggregate prints what was kept per unit, key and assessor
"$PARSCORE" aggregate --plugin-dir "$PS_BUILD/test-plugins" job.lua > agg.tsv 2>/dev/null
check_contains "aggregate: appraised" "$(printf '02647\tm.hoan_thanh_ke_hoach.appraisal\t90')" agg.tsv
check_contains "aggregate: system" "$(printf '02647\tm.van_ban_ky_so.system\t85')" agg.tsv
# measures_strict: the missing evidence stops the run, naming unit and row
sed 's/outputs = /measures_strict = true, outputs = /' job.lua > strict.lua
"$PARSCORE" run -q --plugin-dir "$PS_BUILD/test-plugins" strict.lua 2> strict.err
check_status "strict run" 4 $?
check_contains "strict message" "measure_no_evidence: bao_cao_dung_han" strict.err
# a cap and bands on the groups' total, as the scorecard prints them
cat > cap.lua <<'L'
local R = require("parscore.rules")
return R.ruleset{ id = "cap", name = "Cap", total = 10, total_cap = 10, bands_on = "before",
  bands = "10:Đạt,0:Chưa đạt",
  R.group{ id = "1", name = "G", max = 10,
    R.criterion{ id = "1.1", name = "A", max = 10, award = function() return 9 end } },
  bonus = { R.criterion{ id = "T", name = "Thưởng", max = 3, award = function() return 3 end } },
}
L
sed 's#provinces/lao_cai_par#cap.lua#; s#"out"#"out-cap"#' job.lua > cap-job.lua
"$PARSCORE" run -q --plugin-dir "$PS_BUILD/test-plugins" cap-job.lua; check_status "cap run" 0 $?
pdftotext -layout out-cap/02647.pdf c.txt 2>/dev/null
check_contains "capped line" "TỔNG ĐIỂM: 9,00 + 3,00 − 0,00 = 12,00 → 10" c.txt
check_contains "capped note" "(tối đa)" c.txt
check_contains "capped total" "10,00/10" c.txt
check_contains "bands before" "Xếp loại theo điểm các nhóm tiêu chí, trước khi cộng điểm thưởng" c.txt
check_contains "band on 9" "Chưa đạt" c.txt
finish
