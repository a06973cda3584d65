# test_onestop_pg_server.sh -- aggregate = "server" (the grouped query of
# plugins/onestop_pg/pg_sql.c) against the row path, on a real PostgreSQL
# started here.  The core owns the methodology; the SQL restates it, and
# this test is what holds the two together: on the e2e fixture, a vendor
# schema and parscore-gen province data with data-quality faults, the row
# path, the server path and SQLite must print the same counters
# (`parscore aggregate`) and write the same output files, byte for byte
# (`parscore run --timestamp`), and the server path must receive one row
# per unit code and table, not one per dossier.  The server path twice:
# over the plain tables (the dates parsed in the query's window levels) and
# over copies prepared by tools/pg-setup.sh (stored generated date columns
# read instead of parsed), with dates made bad after the setup so that the
# generated columns' data-quality findings are checked too.
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

# The same databases with the generated columns of tools/pg-setup.sh.
export PARSCORE_PG_SQL="$PS_BUILD/parscore-pg-sql"
pg_psql pg postgres -c "CREATE DATABASE small_gc TEMPLATE small" -c "CREATE DATABASE gen_gc TEMPLATE gen" || exit 1
sh "$PS_SOURCE/tools/pg-setup.sh" > "$T/setup.sql" &&
  sh "$PS_SOURCE/tools/pg-setup.sh" --mapping "$VENDOR_MAP" > "$T/setup-vendor.sql"
check "pg-setup.sh: exit status" 0 $?
check_contains "pg-setup.sh: vendor columns under the vendor's names" 'ALTER TABLE "ho_so"' "$T/setup-vendor.sql"
PGOPTIONS="-c search_path=ref" pg_psql pg small_gc -f "$T/setup.sql" > "$T/setup.log" 2>&1
check "pg-setup.sh SQL on the reference schema" 0 $?
PGOPTIONS="-c search_path=hcc" pg_psql pg small_gc -f "$T/setup-vendor.sql" > "$T/setup.log" 2>&1
check "pg-setup.sh SQL on the vendor schema" 0 $?
pg_psql pg gen_gc -f "$T/setup.sql" > "$T/setup.log" 2>&1
check "pg-setup.sh SQL on the generated data" 0 $?
pg_psql pg gen_gc -f "$T/setup.sql" > "$T/setup.log" 2>&1
check "pg-setup.sh SQL runs twice (it replaces its columns)" 0 $?
# Dates the core calls bad, written after the setup (the generated columns
# follow updates), in the SQLite copy too: an impossible finished day, a
# due date in another format, a returned date behind blanks, a received
# month 13 (counted as a bad received date, wherever it sorts).
BAD="UPDATE dossiers SET finished_at = '2025-02-30 10:00', due_at = '15/04/2025 08:12',
  returned_at = '   2025-03-05 08:00' WHERE code = (SELECT min(code) FROM dossiers
  WHERE received_at >= '2025-03' AND received_at < '2025-04' AND status = 7);
UPDATE dossiers SET received_at = '2025-13-01' WHERE code = (SELECT max(code) FROM dossiers
  WHERE received_at >= '2025-05' AND received_at < '2025-06');"
for db in gen gen_gc; do pg_psql pg $db -c "$BAD" || exit 1; done
sqlite3 "$T/gen/onestop.db" "$BAD" || exit 1

# The small databases again through postgres_fdw (loopback): foreign tables
# get the flat grouped query that postgres_fdw ships (the coordinator test
# does the same over three servers on generated data).
FDW=
if [ -f "$(ls -d /usr/share/postgresql/*/extension/postgres_fdw.control 2>/dev/null | tail -1)" ]; then
  FDW=1
  pg_psql pg postgres -c "CREATE DATABASE small_fdw" || exit 1
  pg_psql pg small_fdw -c "CREATE EXTENSION postgres_fdw" \
    -c "CREATE SERVER loop FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$T/pg', dbname 'small_gc')" \
    -c "CREATE USER MAPPING FOR CURRENT_USER SERVER loop OPTIONS (user 'parscore')" \
    -c "CREATE SCHEMA ref" -c "CREATE SCHEMA hcc" \
    -c "IMPORT FOREIGN SCHEMA ref FROM SERVER loop INTO ref OPTIONS (import_generated 'false')" \
    -c "IMPORT FOREIGN SCHEMA hcc FROM SERVER loop INTO hcc OPTIONS (import_generated 'false')" || exit 1
  # the comments the plugin checks the columns by (IMPORT does not bring them)
  pg_psql pg small_gc -At -c "SELECT format('COMMENT ON COLUMN %I.%I.%I IS %L;', n.nspname, c.relname,
      a.attname, d.description) FROM pg_description d JOIN pg_class c ON c.oid = d.objoid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid WHERE d.objsubid > 0" |
    pg_psql pg small_fdw || exit 1
fi

# Scorecards (one PDF per unit) only for the generated data: the fixture
# cases compare the summary and the data files, which is quicker.
OUTPUTS='"summary", "csv", "json", "xlsx"'
write_job() { # FILE PERIOD SCOPE RULES SOURCE
  printf '%s\n' "return {" \
    "  name = \"onestop_pg server test\", period = \"$2\", scope = { \"$3\" }, rules = \"$4\"," \
    "  output = \"out\", outputs = { $OUTPUTS }," \
    "  sources = { { $5 } }," "}" > "$1"
}
# compare NAME PERIOD SCOPE RULES REFERENCE-SOURCE PG-SOURCE PG-SOURCE-WITH-GENERATED-COLUMNS
#   [THE-SAME-THROUGH-POSTGRES_FDW]
compare() {
  d="$T/$1"; mkdir -p "$d/ref" "$d/rows" "$d/server" "$d/flat" "$d/fdw"
  write_job "$d/ref/job.lua" "$2" "$3" "$4" "$5"
  write_job "$d/rows/job.lua" "$2" "$3" "$4" "$6, aggregate = \"rows\""
  write_job "$d/server/job.lua" "$2" "$3" "$4" "$6, aggregate = \"server\""
  write_job "$d/flat/job.lua" "$2" "$3" "$4" "$7, aggregate = \"server\""
  modes="ref rows server flat"
  if [ -n "${8:-}" ]; then modes="$modes fdw"; write_job "$d/fdw/job.lua" "$2" "$3" "$4" "$8, aggregate = \"server\""; fi
  for m in $modes; do
    "$PARSCORE" aggregate -v --plugin-dir "$PS_PLUGIN_DIR" "$d/$m/job.lua" > "$d/$m.tsv" 2> "$d/$m.err"
    check "$1 $m: aggregate exit status" 0 $?
    (cd "$d/$m" && "$PARSCORE" run -q --timestamp 1767225600 --plugin-dir "$PS_PLUGIN_DIR" job.lua > /dev/null 2> "$d/$m.run.err")
    check "$1 $m: run exit status" 0 $?
  done
  pg_same_counters "$1: row path counters = reference" "$d/ref.tsv" "$d/rows.tsv"
  pg_same_counters "$1: server counters = row path" "$d/rows.tsv" "$d/server.tsv"
  pg_same_tree "$1: server outputs = row path outputs" "$d/rows/out" "$d/server/out"
  pg_same_counters "$1: generated columns' query counters = row path" "$d/rows.tsv" "$d/flat.tsv"
  pg_same_tree "$1: generated columns' query outputs = row path outputs" "$d/rows/out" "$d/flat/out"
  check_not_contains "$1 server: no dossier records" "records.dossier" "$d/server.tsv"
  check_matches "$1 server: counter records" '^\*	records\.counter	[0-9]' "$d/server.tsv"
  check "$1 server: -v says the dates are parsed in the query (two tables)" 2 \
    "$(grep -c 'the dates are parsed in the query (no column ps_rv' "$d/server.err")"
  check "$1 flat: -v says both queries read the generated columns" 2 \
    "$(grep -c '": the dates are read from the stored generated columns' "$d/flat.err")"
  [ -n "${8:-}" ] || return 0
  pg_same_counters "$1: flat query through postgres_fdw counters = row path" "$d/rows.tsv" "$d/fdw.tsv"
  pg_same_tree "$1: flat query through postgres_fdw outputs = row path outputs" "$d/rows/out" "$d/fdw/out"
  check "$1 fdw: -v says both queries are flat" 2 "$(grep -c '": one flat GROUP BY' "$d/fdw.err")"
}

SMALL_DB="plugin = \"onestop_sqlite\", path = \"$T/small.db\""
SRC_SMALL="plugin = \"onestop_pg\", conninfo = \"$CONN dbname=small\""
SRC_REF="$SRC_SMALL, schema = \"ref\""
GC_SMALL="plugin = \"onestop_pg\", conninfo = \"$CONN dbname=small_gc\""
FDW_REF= FDW_HCC=
if [ -n "$FDW" ]; then
  FDW_REF="plugin = \"onestop_pg\", conninfo = \"$CONN dbname=small_fdw\", schema = \"ref\""
  FDW_HCC="plugin = \"onestop_pg\", conninfo = \"$CONN dbname=small_fdw\", schema = \"hcc\", mapping = \"$VENDOR_MAP\""
fi
compare small 2025 15 national/index766 "$SMALL_DB" "$SRC_REF" "$GC_SMALL, schema = \"ref\"" "$FDW_REF"
# a quarter: the period's bounds move (in progress and overdue against 31 March)
compare small_q1 2025-Q1 15 national/index766 "$SMALL_DB" "$SRC_REF" "$GC_SMALL, schema = \"ref\"" "$FDW_REF"

compare vendor 2025 15 national/index766 "$SMALL_DB" "$SRC_SMALL, schema = \"hcc\", mapping = \"$VENDOR_MAP\"" \
  "$GC_SMALL, schema = \"hcc\", mapping = \"$VENDOR_MAP\"" "$FDW_HCC"

# (with a schema: the scorecard footer then names the source by it, the same
# in both paths)
OUTPUTS='"pdf", "summary", "csv", "json", "xlsx"'
compare gen 2025 15 provinces/lao_cai "plugin = \"onestop_sqlite\", path = \"$T/gen/onestop.db\"" \
  "plugin = \"onestop_pg\", conninfo = \"$CONN dbname=gen\", schema = \"public\"" \
  "plugin = \"onestop_pg\", conninfo = \"$CONN dbname=gen_gc\", schema = \"public\""
# The faults are there (else the data-quality half of the query is untested).
for key in dq.bad_date dq.due_before_received dq.finished_before_received unknown_unit.; do
  check_contains "gen data has $key" "$key" "$T/gen/rows.tsv"
done

# One result row per unit code and table, not one per dossier.
dossiers=$(pg_psql pg gen -At -c "SELECT count(*) FROM dossiers")
units=$(pg_psql pg gen -At -c "SELECT (SELECT count(DISTINCT unit_code) FROM dossiers) + (SELECT count(DISTINCT unit_code) FROM feedback)")
for m in server flat; do
  got=$(sed -n 's/.*server aggregate: \([0-9]*\) result rows received.*/\1/p' "$T/gen/$m.err")
  check "$m path: one result row per unit code and table" "$units" "$got"
done
# The dates made bad after the setup reach the data-quality counters
# through the generated columns (and through the row path: pg_same_counters
# above held them equal).
for key in dq.bad_date dq.missing_received_date; do
  check "the bad dates written after setup: $key" "$(grep -c "	$key" "$T/gen/rows.tsv")" "$(grep -c "	$key" "$T/gen/flat.tsv")"
done
check "a received month 13: its generated columns say given, not a date" "|t" \
  "$(pg_psql pg gen_gc -At -c "SELECT ps_rv, ps_rv_ne FROM dossiers WHERE received_at = '2025-13-01'")"
unit=$(pg_psql pg gen_gc -At -c "SELECT unit_code FROM dossiers WHERE received_at = '2025-13-01'")
check_matches "the bad received date counts for its unit" "^$unit	dq\.bad_date	[1-9]" "$T/gen/flat.tsv"

# Columns the plugin did not make (a comment that is not its own): not
# trusted; the dates are parsed in the query, with the reason under -v.
pg_psql pg small_gc -c "COMMENT ON COLUMN ref.dossiers.ps_rv IS 'made by hand'" || exit 1
"$PARSCORE" aggregate -v --plugin-dir "$PS_PLUGIN_DIR" "$T/small/flat/job.lua" > "$T/stale.tsv" 2> "$T/stale.err"
check "stale generated columns: exit status" 0 $?
check_contains "stale generated columns: -v says why they are not used" \
  'column ps_rv is not the one this parscore makes' "$T/stale.err"
pg_same_counters "stale generated columns: counters = row path" "$T/small/rows.tsv" "$T/stale.tsv"
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
