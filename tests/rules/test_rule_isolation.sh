# test_rule_isolation.sh -- one unit's rules cannot reach another unit
# (issue 12, finding 2): a rule that, for one unit, replaces math.min (a
# library) and sets a global without `local` must leave every other unit's
# score as it is.  The Lào Cai fixture is scored with the units listed in
# three orders (as shipped, reversed, shuffled); the results must not
# depend on the order.  Scoring runs in one thread (ps_score.c); when it
# runs on several, this test is where to add the worker counts.
. "$PS_SOURCE/tests/e2e/lib.sh"
mktmp
cd "$T"
cp "$PS_SOURCE/tests/fixtures/portal/export-laocai.xml" x.xml
U="$PS_SOURCE/data/vn-units-2025.csv"
{ head -1 "$U"; awk -F, 'NR > 1 && $3 == "province"' "$U"; } > head.csv
awk -F, 'NR > 1 && $3 != "province"' "$U" > communes.csv
cp "$U" units-asis.csv
{ cat head.csv; awk '{ l[NR] = $0 } END { for (i = NR; i >= 1; i--) print l[i] }' communes.csv; } > units-reversed.csv
{ cat head.csv; awk 'BEGIN { srand(12) } { print rand() "\t" $0 }' communes.csv | sort -k1,1 | cut -f2-; } > units-shuffled.csv
cat > rule.lua <<'L'
local R = require("parscore.rules")
return R.ruleset{ id = "iso", name = "Isolation", total = 10,
  bands = R.bands(nil, "5:Đạt,0:Chưa đạt"),
  R.group{ id = "1", name = "G", max = 10,
    R.criterion{ id = "1.1", name = "A", max = 10,
      compute = function(u)
        if u.code == "02671" then
          pcall(function() math.min = function() return 0 end end)
          leaked = true
        end
        local n = math.min(u.ind.on_time.num, 1e9)
        if leaked and u.code ~= "02671" then n = 0 end
        return n, u.ind.on_time.den
      end },
  },
}
L
for order in asis reversed shuffled; do
  cat > job-$order.lua <<J
return { name = "iso", period = "2025", scope = { "15" }, units = "units-$order.csv",
  sources = { { plugin = "portal_xml", path = "x.xml" } },
  rules = "rule.lua", output = "out-$order", outputs = { "csv" } }
J
  "$PARSCORE" run --plugin-dir "$PS_PLUGIN_DIR" -q job-$order.lua > run-$order.txt 2>&1
  check_status "$order: run" 0 $?
  # unit code, numerator, denominator (columns found by their header names)
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
           { print $col["unit_code"] "," $col["numerator"] "," $col["denominator"] }' \
    out-$order/results.csv | sort > r-$order.txt
done
check "100 units scored" 100 "$(wc -l < r-asis.txt)"
# 02647: 4 of 7 on time (tests/render/test_run_render.sh)
check "02647 keeps its numerator" "02647,4,7" "$(grep '^02647,' r-asis.txt)"
check "reversed order: same results" "" "$(diff r-asis.txt r-reversed.txt | head -3)"
check "shuffled order: same results" "" "$(diff r-asis.txt r-shuffled.txt | head -3)"
nonzero=$(awk -F, '$2 > 0' r-asis.txt | wc -l)
check "units with dossiers on time keep them whatever came before" "$(awk -F, '$2 > 0' r-shuffled.txt | wc -l)" "$nonzero"
check "math.min was refused (read-only library)" 1 "$( [ "$nonzero" -gt 1 ] && echo 1 || echo 0)"
finish
