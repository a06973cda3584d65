# test_trust.sh -- what an official reads can be trusted: a failed unit's
# card says in Vietnamese why it was not scored (the traceback only on
# stderr); examples_max = 0 lists no dossier codes.
. "$PS_SOURCE/tests/e2e/lib.sh"
mktmp
cd "$T"
command -v pdftotext >/dev/null || { echo "pdftotext missing"; exit 77; }

cat > d.txt <<'D'
# code|unit|proc|channel|status|received|due|finished
D1|02647|P1|2|10|2025-03-03T08:00:00|2025-03-05T17:00:00|2025-03-05 16:00:00
D2|02647|P1|1|10|2025-03-03T08:00:00|2025-03-05T17:00:00|2025-03-06T09:00:00
D3|02671|P1|1|4|2025-12-20T08:00:00|2025-12-25T17:00:00|
D

# ---- a failed unit's official PDF
cat > fails.lua <<'L'
local R = require("parscore.rules")
return R.ruleset{ id = "f", name = "F", total = 10, bands = "0:Đạt",
  R.group{ id = "1", name = "G", max = 10,
    R.criterion{ id = "1.1", name = "A", max = 10,
      compute = function(u)
        if u.code == "02647" then error("thiếu số liệu hồ sơ của " .. u.name) end
        return u.ind.on_time.num, u.ind.on_time.den
      end },
  },
}
L
cat > job.lua <<'J'
return { period = "2025", scope = { "15" }, output = "out", outputs = { "pdf" },
         sources = { { plugin = "example_dossiers", path = "d.txt" } },
         rules = "fails.lua" }
J
"$PARSCORE" run job.lua >out.txt 2>err.txt; check_status "failed unit" 1 $?
pdftotext -layout out/02647.pdf card.txt
tr -s ' \n' '  ' < card.txt > card1.txt
check_contains "card: plain Vietnamese" "Đơn vị này chưa được chấm điểm vì quy tắc chấm điểm gặp lỗi" card1.txt
check_contains "card: the cause" "thiếu số liệu hồ sơ của" card1.txt
check_contains "card: the line" "dòng 6" card1.txt
check_not_contains "card: no traceback" "stack traceback" card1.txt
check_not_contains "card: no English" "unit 02647" card1.txt
check_contains "stderr: traceback" "stack traceback" err.txt

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
finish
