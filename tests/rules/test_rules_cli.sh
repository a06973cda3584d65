# test_rules_cli.sh -- the rule scripts through the CLI: `parscore check`
# on the shipped sets and on broken files (exit 7), and `parscore run`
# with a rule that fails for one unit (exit 1, the others scored), in
# strict mode (exit 7) and with a syntax error (exit 7, file:line).
. "$PS_SOURCE/tests/e2e/lib.sh"
mktmp
cd "$T"

for r in national/index766 national/sipas provinces/hue provinces/khanh_hoa provinces/lao_cai provinces/lao_cai_par; do
  "$PARSCORE" check "$r" >out.txt 2>&1; check_status "check $r" 0 $?
  check_contains "check $r" "$r.lua: ok" out.txt
done

cat > bad.lua <<'L'
local R = require("parscore.rules")
return R.ruleset{ id = "bad", name = "Bad", total = 10,
  R.group{ id = "1", name = "G", max = 10,
    R.criterion{ id = "1.1", name = "A", max = 5, indicator = "on_tim" },
  },
}
L
"$PARSCORE" check bad.lua >out.txt 2>&1; check_status "check bad" 7 $?
check_contains "unknown key" "bad.lua:4: criterion '1.1': unknown indicator key 'on_tim'" out.txt
check_contains "group sum" "bad.lua:3: group '1': max is 10 but its criteria add up to 5" out.txt

# a reversed R.linear: the user's line first, the message once (stdout and
# stderr together)
cat > rev.lua <<'L'
local R = require("parscore.rules")
return R.ruleset{ id = "r", name = "R", total = 10, bands = "0:Đạt",
  R.group{ id = "1", name = "G", max = 10,
    R.criterion{ id = "1.1", name = "A", max = 10, indicator = "on_time",
                 score = R.linear(0.98, 0.85) },
  },
}
L
"$PARSCORE" check rev.lua >out.txt 2>&1; check_status "check reversed linear" 7 $?
check_matches "user's line" "^rev.lua:5: " out.txt
check_status "message once" 1 "$(grep -c 'needs low < high' out.txt)"
check_status "not blamed on the library" 0 "$(grep -c '^parscore/rules.lua' out.txt)"

# D1 on time, D2 a day late (02647), D3 in progress within its deadline (02671)
cp "$PS_SOURCE/tests/fixtures/example/dossiers.txt" d.txt

# one unit's rule raises an error: that unit fails, the run goes on (exit 1)
cat > fails.lua <<'L'
local R = require("parscore.rules")
return R.ruleset{ id = "f", name = "F", total = 10, bands = "0:Đạt",
  R.group{ id = "1", name = "G", max = 10,
    R.criterion{ id = "1.1", name = "A", max = 10,
      compute = function(u)
        if u.code == "02647" then error("không tính được cho " .. u.name) end
        return u.ind.on_time.num, u.ind.on_time.den
      end },
  },
}
L
cat > job.lua <<'J'
return { period = "2025", scope = { "15" }, outputs = {},
         sources = { { plugin = "example_dossiers", path = "d.txt" } },
         rules = "fails.lua" }
J
"$PARSCORE" run job.lua >out.txt 2>err.txt; check_status "one unit fails" 1 $?
check_contains "failed unit counted" "1 units failed scoring" err.txt
"$PARSCORE" run --strict job.lua >out.txt 2>err.txt; check_status "strict" 7 $?

# the failed unit's official PDF says in Vietnamese why, the traceback is
# for stderr only
sed 's/outputs = {}/outputs = { "pdf" }, output = "out"/' job.lua > jobpdf.lua
"$PARSCORE" run jobpdf.lua >out.txt 2>err.txt; check_status "failed unit, pdf" 1 $?
if command -v pdftotext >/dev/null; then
  pdftotext -layout out/02647.pdf card.txt
  tr -s ' \n' '  ' < card.txt > card1.txt
  check_contains "card: plain Vietnamese" "Đơn vị này chưa được chấm điểm vì quy tắc chấm điểm gặp lỗi" card1.txt
  check_contains "card: the cause" "không tính được cho Phường Lào Cai" card1.txt
  check_contains "card: the line" "dòng 6" card1.txt
  check_not_contains "card: no traceback" "stack traceback" card1.txt
  check_not_contains "card: no English" "unit 02647" card1.txt
fi
check_contains "stderr: traceback" "stack traceback" err.txt
check_contains "strict names the line" "fails.lua:6:" err.txt

cat > syntax.lua <<'L'
local R = require("parscore.rules")
return R.ruleset{ id = "s" name = "S" }
L
sed 's/fails.lua/syntax.lua/' job.lua >job2.lua
"$PARSCORE" run job2.lua >out.txt 2>err.txt; check_status "syntax error" 7 $?
check_contains "syntax line" "syntax.lua:2:" err.txt

# an award above max on real data only: the run notes it (stderr and the
# card's note), never clamps silently
cat > over.lua <<'L'
local R = require("parscore.rules")
return R.ruleset{ id = "o", name = "O", total = 10, bands = "0:Đạt",
  R.group{ id = "1", name = "G", max = 10,
    R.criterion{ id = "1.1", name = "A", max = 10,
      award = function(u) return u.d.received > 1 and 12 or 5 end },
  },
}
L
"$PARSCORE" check over.lua >out.txt 2>&1; check_status "check over (empty data: fine)" 0 $?
sed 's/fails.lua/over.lua/; s/outputs = {}/outputs = { "json" }, output = "o"/' job.lua >jobo.lua
"$PARSCORE" run jobo.lua >out.txt 2>err.txt; check_status "over max run" 0 $?
check_contains "over max warned" "over.lua:4: criterion '1.1': award gave 12 points, outside 0..10 (kept 10); unit 15 and others" err.txt
check_contains "over max noted" "Quy tắc tính ra 12,00 điểm, ngoài khoảng 0–10,00; ghi 10,00 điểm" o/results.json

cat > job3.lua <<'J'
return { period = "2025", scope = { "15" }, outputs = {},
         sources = { { plugin = "example_dossiers", path = "d.txt" } },
         rules = "national/index766", rule_options = { bands = "80:Tốt,90:Xuất sắc" } }
J
"$PARSCORE" run job3.lua >out.txt 2>err.txt; check_status "bad bands" 7 $?
check_contains "bad bands" "bands are not sorted best first" err.txt

cat > job4.lua <<'J'
return { period = "2025", scope = { "15" }, outputs = {},
         sources = { { plugin = "example_dossiers", path = "d.txt" } },
         rules = "national/index766" }
J
"$PARSCORE" run job4.lua >out.txt 2>err.txt; check_status "index766 run" 0 $?
finish
