# test_ingest_jobs.sh -- ingest one province at a time on a worker pool:
# every output byte is the same for 1, 2 and 4 workers and for any order
# the job lists its sources in; a source that turns out to cover several
# provinces is read again as one partition with the same counters; a
# failing source gives the same error whatever the number of workers; the
# outputs do not depend on whether example lists could be parked on disk.
. "$PS_SOURCE/tests/e2e/lib.sh"
GEN="$PS_BUILD/parscore-gen"
[ -x "$GEN" ] || { echo "parscore-gen not built"; exit 77; }
mktmp
cd "$T"

# three provinces of three communes each: a database and a portal export
# per province, one national survey and kiosk file
awk -F, 'NR == 1 || $1 == "01" || $1 == "04" || $1 == "15" ||
         (($4 == "01" || $4 == "04" || $4 == "15") && seen[$4]++ < 3)' \
    "$PS_SOURCE/data/vn-units-2025.csv" > units.csv
"$GEN" -q --scale national --units units.csv --seed 11 --dossiers 3000 \
    --formats sqlite,xml,survey,kiosk --out d || exit 1

# job.lua OUT SOURCE-LINES...: the sources in the order given
job() {
  _out=$1; shift
  {
    echo "return { period = \"2025\", units = \"$T/units.csv\", rules = \"national/index766\","
    echo "  output = \"$T/$_out\", outputs = { \"pdf\", \"summary\", \"csv\", \"json\", \"xlsx\" },"
    echo "  sources = {"
    for s in "$@"; do echo "    $s,"; done
    echo "  } }"
  }
}
DB() { echo "{ plugin = \"onestop_sqlite\", path = \"$T/d/onestop-$1.db\" }"; }
XML() { echo "{ plugin = \"portal_xml\", path = \"$T/d/portal-$1.xml\" }"; }
SURVEY="{ plugin = \"survey\", form = \"$T/d/survey-form.xml\", responses = \"$T/d/survey-responses.csv\" }"
KIOSK="{ plugin = \"kiosk\", path = \"$T/d/kiosk.csv\" }"

for w in 1 2 4; do
  job out$w "$(DB 01)" "$(DB 04)" "$(DB 15)" "$(XML 01)" "$(XML 04)" "$(XML 15)" "$SURVEY" "$KIOSK" > job$w.lua
  "$PARSCORE" run -v --timestamp 1767225600 --jobs $w job$w.lua > /dev/null 2> log$w
  check_status "run with $w workers" 0 $?
done
# 3 provinces + the national survey and kiosk files
check_contains "partitions by province" "reading 4 partitions (by province) on 1 worker" log1
check_contains "4 workers busy" "reading 4 partitions (by province) on 4 workers" log4
n=$(ls out1 | wc -l)
check "outputs written" 17 "$n"   # 12 scorecards, summary, csv, index.csv, json, xlsx
for w in 2 4; do
  check "$w workers: same files" "$(ls out1)" "$(ls out$w)"
  same=0
  for f in out1/*; do cmp -s "$f" "out$w/${f#out1/}" && same=$((same + 1)); done
  check "$w workers: every output byte the same" "$n" "$same"
done

# the same sources listed in another order
job outr "$KIOSK" "$(XML 15)" "$(DB 04)" "$SURVEY" "$(XML 01)" "$(DB 15)" "$(XML 04)" "$(DB 01)" > jobr.lua
"$PARSCORE" run -q --timestamp 1767225600 --jobs 2 jobr.lua > /dev/null; check_status "reordered run" 0 $?
same=0
for f in out1/*; do cmp -s "$f" "outr/${f#out1/}" && same=$((same + 1)); done
check "listing order: every output byte the same" "$n" "$same"

# Example lists are parked in a temporary file of TMPDIR once a province is
# merged; where none can be made they stay in memory: the same bytes.
job outt "$(DB 01)" "$(DB 04)" "$(DB 15)" "$(XML 01)" "$(XML 04)" "$(XML 15)" "$SURVEY" "$KIOSK" > jobt.lua
TMPDIR="$T/no-such-dir" "$PARSCORE" run -q --timestamp 1767225600 --jobs 2 jobt.lua > /dev/null
check_status "run without a usable TMPDIR" 0 $?
same=0
for f in out1/*; do cmp -s "$f" "outt/${f#out1/}" && same=$((same + 1)); done
check "lists in memory: every output byte the same" "$n" "$same"

# Real values: Phường Lào Cai (02647) received every dossier of its
# database in 2025 that is not status 1/3 (the portal only adds
# dossiers the database does not have).
q() { sqlite3 "$1" "$2"; }
"$PARSCORE" aggregate --jobs 2 job1.lua > agg1 2>/dev/null
db=$(q d/onestop-15.db "SELECT count(*) FROM dossiers WHERE unit_code = '02647' AND status NOT IN (1, 3) AND substr(received_at, 1, 4) = '2025'")
got=$(awk -F'\t' '$1 == "02647" && $2 == "d.received" { print $3 }' agg1)
[ "$db" -gt 0 ] && [ "$got" -ge "$db" ]; check "02647 received >= its database's ($db)" 0 $?

# A database of all three provinces, in province order: its first
# records are all of 01, then 04 follows; the run notices and reads the
# job again as one partition, with the same counters.
sqlite3 all.db ".read /dev/stdin" <<SQL
ATTACH '$T/d/onestop-01.db' AS a; ATTACH '$T/d/onestop-04.db' AS b; ATTACH '$T/d/onestop-15.db' AS c;
CREATE TABLE procedures AS SELECT * FROM a.procedures;
CREATE TABLE dossiers AS SELECT * FROM a.dossiers UNION ALL SELECT * FROM b.dossiers UNION ALL SELECT * FROM c.dossiers;
CREATE TABLE feedback AS SELECT * FROM a.feedback UNION ALL SELECT * FROM b.feedback UNION ALL SELECT * FROM c.feedback;
SQL
job outm "{ plugin = \"onestop_sqlite\", path = \"$T/all.db\" }" "$(XML 01)" "$(XML 04)" "$(XML 15)" "$SURVEY" "$KIOSK" > jobm.lua
"$PARSCORE" aggregate -v --jobs 2 jobm.lua > aggm 2> logm; check_status "merged database" 0 $?
check_contains "fell back to one partition" "reading the job as one partition" logm
check_contains "says which source and unit" "all.db: unit 01273 is not in the province of this source's first records" logm
check_contains "one partition" "reading 1 partition (one for the whole job)" logm
# (three catalogues were read there, one here)
grep -v 'records.procedure' agg1 | sort > a1; grep -v 'records.procedure' aggm | sort > am
check "merged database: same counters" "" "$(diff a1 am | head -5)"
check "counters compared" 1 "$(grep -c '^02647	d.received	' am)"

# A database whose first row names a unit not in the list (a fault):
# still one province, read by province; the unknown code is reported.
sqlite3 unk04.db ".read /dev/stdin" <<SQL
ATTACH '$T/d/onestop-04.db' AS b;
CREATE TABLE procedures AS SELECT * FROM b.procedures;
CREATE TABLE dossiers AS SELECT * FROM b.dossiers WHERE 0;
INSERT INTO dossiers SELECT * FROM (SELECT * FROM b.dossiers LIMIT 1);
UPDATE dossiers SET code = 'UNKNOWN-1', unit_code = '99999';
INSERT INTO dossiers SELECT * FROM b.dossiers;
CREATE TABLE feedback AS SELECT * FROM b.feedback;
SQL
job outu "$(DB 01)" "{ plugin = \"onestop_sqlite\", path = \"$T/unk04.db\" }" "$(DB 15)" "$(XML 01)" "$(XML 04)" "$(XML 15)" > jobu.lua
"$PARSCORE" aggregate -v --jobs 2 jobu.lua > aggu 2> logu; check_status "unknown unit first" 0 $?
check_contains "unknown unit first: by province" "reading 3 partitions (by province)" logu
check "unknown unit reported" 1 "$(awk -F'\t' '$1 == "*" && $2 == "unknown_unit.99999" { print $3 }' aggu)"

# A failing source: the same message for any number of workers.
head -c 20000 d/portal-04.xml > bad-04.xml
for w in 1 4; do
  job outf$w "$(DB 01)" "$(DB 04)" "$(DB 15)" "$(XML 01)" "{ plugin = \"portal_xml\", path = \"$T/bad-04.xml\" }" "$(XML 15)" > jobf$w.lua
  "$PARSCORE" aggregate -q --jobs $w jobf$w.lua > /dev/null 2> errf$w
  check_status "truncated export, $w workers" 4 $?
done
check_contains "names the file" "bad-04.xml" errf1
check "same error for 1 and 4 workers" "$(sed "s/jobf1/jobf/" errf1)" "$(sed "s/jobf4/jobf/" errf4)"
finish
