#!/bin/sh
# demo.sh -- `make demo`: generate a province-year of realistic data for
# Lào Cai (province 15, 99 communes, ~100,000 dossiers), score it with the
# Lào Cai emulation rules, with the national 766 index and with the Lào Cai
# commune PAR index (dossiers, SIPAS and the measures officials fill in:
# self-assessment, appraisal, bonus and deduction points, read from the
# generated measures.xlsx), and write the scorecards, the province
# summaries, CSV, JSON and XLSX into out/.
set -eu
BUILD=${1:-build}
ROOT=$(pwd)
OUT="$ROOT/out"
DATA="$OUT/data"
PARSCORE="$BUILD/parscore"
GEN="$BUILD/parscore-gen"

mkdir -p "$OUT"
if [ ! -f "$DATA/onestop.db" ] || [ ! -f "$DATA/measures.xlsx" ] || [ "$GEN" -nt "$DATA/onestop.db" ]; then
  echo "demo: generating a province-year of data for Lào Cai (seed 2025) ..."
  rm -rf "$DATA"
  "$GEN" --scale province --province 15 --seed 2025 --year 2025 --out "$DATA" -q
fi

write_job() { # name rules [extra source line]
  cat > "$OUT/$1.job.lua" <<JOB
-- written by tools/demo.sh: the demo's job for $2
return {
  name = "Lào Cai — năm 2025 ($2)",
  period = "2025",
  scope = { "15" },
  sources = {
    { plugin = "onestop_sqlite", path = "data/onestop.db" },
    { plugin = "portal_xml", path = "data/portal.xml" },
    { plugin = "survey", form = "data/survey-form.xml", responses = "data/survey-responses.csv" },
    { plugin = "kiosk", path = "data/kiosk.csv" },${3:-}
  },
  rules = "$2",
  issuer = "UBND TỈNH LÀO CAI",
  output = "$1",
  outputs = { "pdf", "summary", "csv", "json", "xlsx" },
}
JOB
}
write_job lao_cai provinces/lao_cai
write_job index766 national/index766
# the commune PAR index also reads the filled measures workbook
write_job lao_cai_par provinces/lao_cai_par '
    { plugin = "measures", path = "data/measures.xlsx" },'
# the empty template an official would be sent for the same job
"$PARSCORE" template -q "$OUT/lao_cai_par.job.lua" -o "$OUT/measures-template.xlsx"
jobs="lao_cai index766 lao_cai_par"

status=0
for job in $jobs; do
  echo
  echo "== $job"
  "$PARSCORE" run "$OUT/$job.job.lua" || status=$?
done
echo
echo "demo: scorecards, summaries, CSV/JSON/XLSX are in:"
echo "  $OUT/lao_cai/   (Lào Cai emulation criteria; summary.pdf is the province ranking)"
echo "  $OUT/index766/  (Decision 766/QĐ-TTg index)"
echo "  $OUT/lao_cai_par/  (commune PAR index: measures, bonus and deduction points)"
echo "  $OUT/measures-template.xlsx  (the template officials fill in for it)"
exit $status
