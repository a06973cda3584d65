# test_data_quality.sh -- what the data-quality report promises (issue 12,
# finding 8): every key the core or a plugin can book has a label in the
# shipped scorecard template (the keys are read from the sources, so a new
# one without a label fails here), and unknown unit codes appear in the
# summary's data-quality section and in results.json.
. "$PS_SOURCE/tests/e2e/lib.sh"
command -v pdftotext >/dev/null 2>&1 || { echo "pdftotext missing: skipped"; exit 77; }
mktmp
cd "$T"
S=$PS_SOURCE
# ---- every key has a label --------------------------------------------------
{
  grep -h 'dq_add(' "$S"/core/*/*.c | grep -o '"[a-z_][a-z0-9_]*"'
  grep -ho 'problem([a-z]*, err, [^,]*' "$S"/plugins/*/*.c | grep -o '"[a-z_][a-z0-9_]*"'
  grep -hE '^[[:space:]]*: "[a-z_][a-z0-9_]*",' "$S"/plugins/*/*.c | grep -o '"[a-z_][a-z0-9_]*"'
  grep -ho 'quality([^,]*, [^,]*, "[a-z_][a-z0-9_]*"' "$S"/core/*/*.c "$S"/plugins/*/*.c | grep -o '"[a-z_][a-z0-9_]*"$'
} | tr -d '"' | sort -u > keys.txt
n=$(wc -l < keys.txt)
check "the sources book at least 15 data-quality keys" 1 "$([ "$n" -ge 15 ] && echo 1 || echo 0)"
check_contains "bad_kiosk_level is one of them" "bad_kiosk_level" keys.txt
check_contains "bad_legal_days is one of them" "bad_legal_days" keys.txt
missing=""
while read -r k; do
  grep -q "<text key=\"dq\.$k\">" "$S/templates/scorecard.xml" || missing="$missing $k"
done < keys.txt
check "every key has a label in templates/scorecard.xml" "" "$missing"

# ---- unknown units in the summary and in results.json ---------------------------
printf 'thoi_gian,ma_don_vi,ma_quay,muc_do\n2025-02-03 08:15:00,02647,Q1,hai_long\n2025-02-03 08:16:00,99999,Q1,hai_long\n2025-02-03 08:17:00,99999,Q1,hai_long\n2025-02-03 08:18:00,88888,Q2,hai_long\n' > k.csv
cat > job.lua <<'J'
return { name = "dq", period = "2025", scope = { "15" },
  sources = { { plugin = "kiosk", path = "k.csv" } },
  rules = "national/index766", output = "out", outputs = { "summary", "json" } }
J
"$PARSCORE" run --plugin-dir "$PS_PLUGIN_DIR" -q job.lua > run.txt 2>&1
check_status "run" 0 $?
pdftotext -q -layout out/summary.pdf s.txt
check_contains "summary: the data-quality section" "CHẤT LƯỢNG DỮ LIỆU" s.txt
check "summary: 99999 with its 2 records" 1 "$(grep -cE '^ *99999 +2 ' s.txt)"
check "summary: 88888 with its 1 record" 1 "$(grep -cE '^ *88888 +1 ' s.txt)"
check_contains "json: unknown unit 99999" '"code": "99999"' out/results.json
check "json: its record count" 2 "$(grep -A1 '"code": "99999"' out/results.json | sed -n 's/.*"records": \([0-9]*\).*/\1/p')"
check_contains "json: no more unlisted" '"unknown_units_unlisted_records": 0' out/results.json
finish
