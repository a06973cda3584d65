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

cat > d.txt <<'D'
# code|unit|proc|channel|status|received|due|finished
D1|02647|P1|2|10|2025-03-03T08:00:00|2025-03-05T17:00:00|2025-03-05 16:00:00
D2|02647|P1|1|10|2025-03-03T08:00:00|2025-03-05T17:00:00|2025-03-06T09:00:00
D3|02671|P1|1|4|2025-12-20T08:00:00|2025-12-25T17:00:00|
D

# one unit's rule raises an error: that unit fails, the run goes on (exit 1)
cat > fails.lua <<'L'
local R = require("parscore.rules")
return R.ruleset{ id = "f", name = "F", total = 10,
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
check_contains "strict names the line" "fails.lua:6:" err.txt

cat > syntax.lua <<'L'
local R = require("parscore.rules")
return R.ruleset{ id = "s" name = "S" }
L
sed 's/fails.lua/syntax.lua/' job.lua >job2.lua
"$PARSCORE" run job2.lua >out.txt 2>err.txt; check_status "syntax error" 7 $?
check_contains "syntax line" "syntax.lua:2:" err.txt

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
