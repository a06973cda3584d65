# test_empty.sh -- no silent empties: a period outside the calendar's years,
# a scope without records, a source with nothing in the period: each says so
# and issues no scorecards (exit 4) unless the job sets allow_empty = true.
. "$PS_SOURCE/tests/e2e/lib.sh"
mktmp
cd "$T"

cat > d.txt <<'D'
# code|unit|proc|channel|status|received|due|finished
D1|02647|P1|2|10|2025-03-03T08:00:00|2025-03-05T17:00:00|2025-03-05 16:00:00
D2|02671|P1|1|4|2025-12-20T08:00:00|2025-12-25T17:00:00|
D
job() { # period scope extra
  cat > job.lua <<J
return { period = "$1", scope = { "$2" }, output = "out", outputs = { "pdf", "csv" },
         sources = { { plugin = "example_dossiers", path = "d.txt" } },
         rules = "national/index766" $3 }
J
}

# the shipped calendar lists 2024-2026: 2027 would count every weekday
job 2027 15
"$PARSCORE" run job.lua >out.txt 2>err.txt; check_status "outside calendar" 4 $?
check_matches "outside calendar names file and years" \
  "calendar-vn.csv: the period 2027 \(Năm 2027\) lies outside the calendar's years 2024-2026" err.txt
check_absent "outside calendar: no output" out/results.csv
# allow_empty does not make a wrong calendar right
job 2027 15 ', allow_empty = true'
"$PARSCORE" run job.lua >out.txt 2>err.txt; check_status "outside calendar, allow_empty" 4 $?

# a province with no records (01, Hà Nội) in 2025
job 2025 01
"$PARSCORE" run job.lua >out.txt 2>err.txt; check_status "empty scope" 4 $?
check_contains "empty scope said plainly" \
  "source example_dossiers: d.txt has no records for Năm 2025 in the units of the run (scope: 01) (it read 2 records, none of them in that period and scope): no scorecards issued" err.txt
check_absent "empty scope: no scorecard" out/01.pdf
check_absent "empty scope: no csv" out/results.csv

# a period with no records (2024) in a province that has some in 2025
job 2024 15
"$PARSCORE" run job.lua >out.txt 2>err.txt; check_status "empty period" 4 $?
check_contains "empty period" "has no records for Năm 2024" err.txt

# `aggregate` issues no scorecards: a warning, not a refusal
"$PARSCORE" aggregate job.lua >out.txt 2>err.txt; check_status "aggregate empty" 0 $?
check_contains "aggregate warns" "parscore: warning: source example_dossiers: d.txt has no records" err.txt

# the job may allow it explicitly: scorecards, with a warning
job 2025 01 ', allow_empty = true'
"$PARSCORE" run job.lua >out.txt 2>err.txt; check_status "allow_empty" 0 $?
check_contains "allow_empty warns" "scoring anyway (allow_empty)" err.txt
[ -f out/01.pdf ]; check_status "allow_empty: scorecard issued" 0 $?
job 2025 01 ', allow_empty = "yes"'
"$PARSCORE" run job.lua >out.txt 2>err.txt; check_status "allow_empty type" 3 $?
check_contains "allow_empty type" "allow_empty: must be true or false" err.txt

# data in scope and period: as before
job 2025 15
"$PARSCORE" run job.lua >out.txt 2>err.txt; check_status "data present" 0 $?
check_not_contains "data present: no warning" "no records" err.txt
finish
