# test_onestop_pg_server.sh -- aggregate = "server" (the grouped query of
# plugins/onestop_pg/pg_sql.c) against the row path, on a real PostgreSQL
# started here.  The core owns the methodology; the SQL restates it, and
# this test is what holds the two together: on the e2e fixture, a vendor
# schema and parscore-gen province data with data-quality faults, the row
# path, the server path and SQLite must print the same counters
# (`parscore aggregate`) and write the same output files, byte for byte
# (`parscore run --timestamp`), and the server path must receive one row
# per unit code and table, not one per dossier.
. "$PS_SOURCE/tests/e2e/lib.sh"
. "$PS_SOURCE/tests/sources/pg_lib.sh"
command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 CLI not installed: skipped"; exit 77; }
GEN="$PS_BUILD/parscore-gen"
[ -x "$GEN" ] || { echo "parscore-gen not built"; exit 77; }
pg_start pg
CONN="host=$T/pg user=parscore"

pg_psql pg postgres -c "CREATE DATABASE small" -c "CREATE DATABASE gen" || exit 1
pg_psql pg small -c "CREATE SCHEMA ref; CREATE SCHEMA hcc" || exit 1
PGOPTIONS="-c search_path=ref" pg_psql pg small -f "$PS_SOURCE/tests/fixtures/onestop/small.sql" || exit 1
PGOPTIONS="-c search_path=hcc" pg_psql pg small -f "$PS_SOURCE/tests/fixtures/onestop/vendor.sql" || exit 1
sqlite3 "$T/small.db" < "$PS_SOURCE/tests/fixtures/onestop/small.sql" || exit 1
# A province at small scale; faults at 3% so that every data-quality finding
# (bad dates, due/finished before received, unknown units) occurs.
"$GEN" --scale province --province 15 --seed 11 --dossiers 6000 --faults 0.03 \
  --formats sqlite,pgsql --out "$T/gen" -q || { echo "parscore-gen failed"; exit 1; }
pg_psql pg gen -f "$T/gen/onestop-pg.sql" >/dev/null 2>&1 || { echo "loading the generated data failed"; exit 1; }

# Scorecards (one PDF per unit) only for the generated data: the fixture
# cases compare the summary and the data files, which is quicker.
OUTPUTS='"summary", "csv", "json", "xlsx"'
write_job() { # FILE PERIOD SCOPE RULES SOURCE
  printf '%s\n' "return {" \
    "  name = \"onestop_pg server test\", period = \"$2\", scope = { \"$3\" }, rules = \"$4\"," \
    "  output = \"out\", outputs = { $OUTPUTS }," \
    "  sources = { { $5 } }," "}" > "$1"
}
# compare NAME PERIOD SCOPE RULES REFERENCE-SOURCE PG-SOURCE
compare() {
  d="$T/$1"; mkdir -p "$d/ref" "$d/rows" "$d/server"
  write_job "$d/ref/job.lua" "$2" "$3" "$4" "$5"
  write_job "$d/rows/job.lua" "$2" "$3" "$4" "$6, aggregate = \"rows\""
  write_job "$d/server/job.lua" "$2" "$3" "$4" "$6, aggregate = \"server\""
  for m in ref rows server; do
    "$PARSCORE" aggregate -v --plugin-dir "$PS_PLUGIN_DIR" "$d/$m/job.lua" > "$d/$m.tsv" 2> "$d/$m.err"
    check "$1 $m: aggregate exit status" 0 $?
    (cd "$d/$m" && "$PARSCORE" run -q --timestamp 1767225600 --plugin-dir "$PS_PLUGIN_DIR" job.lua > /dev/null 2> "$d/$m.run.err")
    check "$1 $m: run exit status" 0 $?
  done
  pg_same_counters "$1: row path counters = reference" "$d/ref.tsv" "$d/rows.tsv"
  pg_same_counters "$1: server counters = row path" "$d/rows.tsv" "$d/server.tsv"
  pg_same_tree "$1: server outputs = row path outputs" "$d/rows/out" "$d/server/out"
  check_not_contains "$1 server: no dossier records" "records.dossier" "$d/server.tsv"
  check_matches "$1 server: counter records" '^\*	records\.counter	[0-9]' "$d/server.tsv"
}

SMALL_DB="plugin = \"onestop_sqlite\", path = \"$T/small.db\""
SRC_SMALL="plugin = \"onestop_pg\", conninfo = \"$CONN dbname=small\""
SRC_REF="$SRC_SMALL, schema = \"ref\""
compare small 2025 15 national/index766 "$SMALL_DB" "$SRC_REF"
# a quarter: the period's bounds move (in progress and overdue against 31 March)
compare small_q1 2025-Q1 15 national/index766 "$SMALL_DB" "$SRC_REF"

compare vendor 2025 15 national/index766 "$SMALL_DB" "$SRC_SMALL, schema = \"hcc\", mapping = \"$VENDOR_MAP\""

# (with a schema: the scorecard footer then names the source by it, the same
# in both paths)
OUTPUTS='"pdf", "summary", "csv", "json", "xlsx"'
compare gen 2025 15 provinces/lao_cai "plugin = \"onestop_sqlite\", path = \"$T/gen/onestop.db\"" \
  "plugin = \"onestop_pg\", conninfo = \"$CONN dbname=gen\", schema = \"public\""
# The faults are there (else the data-quality half of the query is untested).
for key in dq.bad_date dq.due_before_received dq.finished_before_received unknown_unit.; do
  check_contains "gen data has $key" "$key" "$T/gen/rows.tsv"
done

# One result row per unit code and table, not one per dossier.
dossiers=$(pg_psql pg gen -At -c "SELECT count(*) FROM dossiers")
units=$(pg_psql pg gen -At -c "SELECT (SELECT count(DISTINCT unit_code) FROM dossiers) + (SELECT count(DISTINCT unit_code) FROM feedback)")
got=$(sed -n 's/.*server aggregate: \([0-9]*\) result rows received.*/\1/p' "$T/gen/server.err")
check "server path: one result row per unit code and table" "$units" "$got"
check "the data has far more dossiers than units" 1 "$([ "$dossiers" -gt $((units * 20)) ] && echo 1 || echo 0)"

write_job "$T/badmode.lua" 2025 15 national/index766 "$SRC_REF, aggregate = \"cluster\""
"$PARSCORE" aggregate --plugin-dir "$PS_PLUGIN_DIR" "$T/badmode.lua" > /dev/null 2> "$T/badmode.err"
check_status "aggregate = \"cluster\": exit status" 3 $?
check_contains "aggregate = \"cluster\": says what to write" '"rows"' "$T/badmode.err"
# Database + portal export: merged dossier by dossier, which counts cannot
# be; the run stops before scoring and says what to do.
write_job "$T/portal.lua" 2025 15 national/index766 \
  "$SRC_REF, aggregate = \"server\" }, { plugin = \"portal_xml\", path = \"$PS_SOURCE/tests/fixtures/portal/overlap.xml\""
"$PARSCORE" aggregate --plugin-dir "$PS_PLUGIN_DIR" "$T/portal.lua" > "$T/portal.tsv" 2> "$T/portal.err"
check_status "server counts + portal: exit status" 3 $?
check_contains "server counts + portal: says how to read instead" 'aggregate = "rows"' "$T/portal.err"
finish
