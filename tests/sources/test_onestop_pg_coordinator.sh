# test_onestop_pg_coordinator.sh -- many servers, one query: three
# PostgreSQL clusters started here, one per province (parscore-gen data of
# that province), and a coordinator database set up by
# tools/pg-coordinator.sh (dossiers/feedback partitioned by unit code, each
# partition a postgres_fdw foreign table on its province's server).  The
# national 766 job (scoped to the three provinces, per-unit PDFs left to
# test_onestop_pg_server.sh) through the coordinator must give the counters of the
# same data read from the three SQLite files, the server path must give
# the row path's counters and output files, EXPLAIN VERBOSE must show the
# period filter shipped to each province server and the servers read at
# the same time, and the client must get one row per unit code and table.
# Twice: a coordinator over the provinces' plain tables (the grouped query
# parses the dates in window levels, which postgres_fdw does not ship: it
# runs on the coordinator), and one declaring the stored generated date
# columns tools/pg-setup.sh added on the provinces (tools/pg-coordinator.sh
# --generated): the query is then one flat GROUP BY, and EXPLAIN VERBOSE
# must show it shipped whole to every province (Remote SQL: ... GROUP BY).
. "$PS_SOURCE/tests/e2e/lib.sh"
. "$PS_SOURCE/tests/sources/pg_lib.sh"
GEN="$PS_BUILD/parscore-gen"
[ -x "$GEN" ] || { echo "parscore-gen not built"; exit 77; }
[ -f "$(ls -d /usr/share/postgresql/*/extension/postgres_fdw.control 2>/dev/null | tail -1)" ] ||
  { echo "postgres_fdw not installed: skipped"; exit 77; }

PROVINCES="08 15 19"
specs=""
for p in $PROVINCES; do
  "$GEN" --scale province --province "$p" --seed "$p" --dossiers 1500 --faults 0.02 \
    --formats sqlite,pgsql --out "$T/gen$p" -q || { echo "parscore-gen $p failed"; exit 1; }
  pg_start "p$p"
  pg_psql "p$p" postgres -c "CREATE DATABASE onestop" || exit 1
  pg_psql "p$p" onestop -f "$T/gen$p/onestop-pg.sql" >/dev/null 2>&1 || { echo "loading province $p failed"; exit 1; }
  sh "$PS_SOURCE/tools/pg-setup.sh" | pg_psql "p$p" onestop > "$T/setup$p.log" 2>&1
  check "pg-setup.sh on province $p: exit status" 0 $?
  specs="$specs $p=host:$T/p$p,dbname:onestop"
done
export PARSCORE_PG_SQL="$PS_BUILD/parscore-pg-sql"
pg_start coord
# (cdb: pg_psql sets $name and $db)
for cdb in national national_gc; do
  pg_psql coord postgres -c "CREATE DATABASE $cdb" || exit 1
  gen=; [ $cdb = national_gc ] && gen=--generated
  # shellcheck disable=SC2086
  sh "$PS_SOURCE/tools/pg-coordinator.sh" --units "$PS_SOURCE/data/vn-units-2025.csv" --user parscore $gen $specs > "$T/$cdb.sql"
  check "pg-coordinator.sh $gen: exit status" 0 $?
  pg_psql coord $cdb -f "$T/$cdb.sql" > "$T/$cdb.log" 2>&1
  check "coordinator setup $gen: psql exit status" 0 $?
  # the national catalogue (the same 193 procedures in every province)
  pg_psql p08 onestop -c "COPY procedures TO STDOUT" | pg_psql coord $cdb -c "COPY procedures FROM STDIN"
done
check "coordinator holds every dossier" \
  "$(for p in $PROVINCES; do pg_psql "p$p" onestop -At -c "SELECT count(*) FROM dossiers"; done | awk '{ s += $1 } END { print s }')" \
  "$(pg_psql coord national -At -c "SELECT count(*) FROM dossiers")"

write_job() { # FILE SOURCES
  printf '%s\n' "return {" \
    "  name = \"national coordinator test\", period = \"2025\", rules = \"national/index766\"," \
    "  scope = { \"08\", \"15\", \"19\" }, output = \"out\", outputs = { \"summary\", \"csv\", \"json\" }," \
    "  sources = { $2 }," "}" > "$1"
}
CONN="host=$T/coord dbname=national user=parscore"
CONN_GC="host=$T/coord dbname=national_gc user=parscore"
mkdir -p "$T/sqlite" "$T/rows" "$T/server" "$T/flat"
srcs=""
for p in $PROVINCES; do srcs="$srcs{ plugin = \"onestop_sqlite\", path = \"$T/gen$p/onestop.db\" }, "; done
write_job "$T/sqlite/job.lua" "$srcs"
write_job "$T/rows/job.lua" "{ plugin = \"onestop_pg\", conninfo = \"$CONN\", schema = \"public\", aggregate = \"rows\" }"
write_job "$T/server/job.lua" "{ plugin = \"onestop_pg\", conninfo = \"$CONN\", schema = \"public\", aggregate = \"server\" }"
write_job "$T/flat/job.lua" "{ plugin = \"onestop_pg\", conninfo = \"$CONN_GC\", schema = \"public\", aggregate = \"server\" }"
for m in sqlite rows server flat; do
  "$PARSCORE" aggregate -v --plugin-dir "$PS_PLUGIN_DIR" "$T/$m/job.lua" > "$T/$m.tsv" 2> "$T/$m.err"
  check "$m: aggregate exit status" 0 $?
  (cd "$T/$m" && "$PARSCORE" run -q --timestamp 1767225600 --plugin-dir "$PS_PLUGIN_DIR" job.lua > /dev/null 2> "$T/$m.run.err")
  check "$m: run exit status" 0 $?
done
pg_same_counters "coordinator row path counters = three SQLite files" "$T/sqlite.tsv" "$T/rows.tsv"
pg_same_counters "coordinator server counters = row path" "$T/rows.tsv" "$T/server.tsv"
if cmp -s "$T/sqlite/out/results.csv" "$T/server/out/results.csv"; then PASS=$((PASS+1)); else
  FAIL=$((FAIL+1)); echo "FAIL: coordinator results.csv differs from the SQLite one" >&2; fi
pg_same_tree "coordinator server outputs = row path outputs" "$T/rows/out" "$T/server/out"
pg_same_counters "coordinator flat query (generated columns) counters = row path" "$T/rows.tsv" "$T/flat.tsv"
pg_same_tree "coordinator flat query outputs = row path outputs" "$T/rows/out" "$T/flat/out"
check_contains "coordinator without generated columns: -v says the dates are parsed in the query" \
  'table "dossiers": the dates are parsed in the query' "$T/server.err"
check_contains "coordinator with generated columns: -v says the query is flat" \
  'table "dossiers": one flat GROUP BY' "$T/flat.err"
for key in dq.bad_date unknown_unit.; do check_contains "the data has $key" "$key" "$T/rows.tsv"; done

# One row per unit code and table reaches the client, not one per dossier.
units=$(pg_psql coord national -At -c "SELECT (SELECT count(*) FROM (SELECT DISTINCT unit_code FROM dossiers) d) + (SELECT count(*) FROM (SELECT DISTINCT unit_code FROM feedback) f)")
for m in server flat; do
  got=$(sed -n 's/.*server aggregate: \([0-9]*\) result rows received.*/\1/p' "$T/$m.err")
  check "coordinator $m: one result row per unit code and table" "$units" "$got"
done

# EXPLAIN VERBOSE of what the plugin sent.  Row path: one Foreign Scan per
# province server, each shipping the period filter in its remote SQL (under
# a Merge Append, for the ORDER BY code).  Server path: the province
# servers are read at the same time (Async Foreign Scan under an Append).
sql=$(sed -n 's/.*debug: reading table "dossiers": //p' "$T/rows.err")
pg_psql coord national -c "EXPLAIN (VERBOSE, COSTS OFF) $sql" > "$T/explain.txt" 2>&1
check "EXPLAIN row path ran" 0 $?
check "EXPLAIN row path: one foreign scan per province" 3 "$(grep -c 'Foreign Scan on public.dossiers_p' "$T/explain.txt")"
check "EXPLAIN row path: the period filter runs on the province servers" 3 \
  "$(grep -c "Remote SQL: SELECT .* WHERE .*received_at >= '2025-01-01'" "$T/explain.txt")"
# The grouped queries as the plugin sent them (-v logs them), run again
# under EXPLAIN with the catalogue the plugin passes as $1 (PREPARE ...
# EXECUTE: the plan the plugin got).
cat > "$T/extract.py" <<'EOF'
import sys
s = open(sys.argv[1]).read()
head = 'counting table "dossiers" on the server: '
q = s[s.index(head) + len(head):]
q = q[:q.index('\nparscore:')]
cat = ("SELECT jsonb_object_agg(code, jsonb_build_array(legal_days::text::float8, online_level,"
       " has_fee, has_result_document))::text AS cat FROM procedures \\gset\n")
open(sys.argv[2], "w").write(cat + "PREPARE q(jsonb) AS " + q + ";\n"
                             "EXPLAIN (VERBOSE, COSTS OFF) EXECUTE q(:'cat');\n")
EOF
if command -v python3 >/dev/null 2>&1; then
  python3 "$T/extract.py" "$T/server.err" "$T/explain2.sql"
  pg_psql coord national -f "$T/explain2.sql" > "$T/explain2.txt" 2>&1
  check "EXPLAIN server path ran" 0 $?
  check "EXPLAIN server path: the servers are read at the same time" 3 \
    "$(grep -c 'Async Foreign Scan on public.dossiers_p' "$T/explain2.txt")"
  # With the generated columns: one grouped query per province, shipped
  # whole (partitionwise aggregation over the partition key), the servers
  # counting at the same time; the coordinator only appends their rows.
  python3 "$T/extract.py" "$T/flat.err" "$T/explain3.sql"
  pg_psql coord national_gc -f "$T/explain3.sql" > "$T/explain3.txt" 2>&1
  check "EXPLAIN flat query ran" 0 $?
  check "EXPLAIN flat query: the aggregate is pushed to every province server" 3 \
    "$(grep -cE 'Relations: Aggregate on \(public\.dossiers_p[0-9]+ dossiers(_[0-9]+)?\)' "$T/explain3.txt")"
  check "EXPLAIN flat query: each province runs the GROUP BY itself" 3 \
    "$(grep -c 'Remote SQL: SELECT .* FROM public.dossiers WHERE .* GROUP BY 1' "$T/explain3.txt")"
  check "EXPLAIN flat query: the provinces count at the same time" 3 \
    "$(grep -c 'Async Foreign Scan' "$T/explain3.txt")"
  check "EXPLAIN flat query: no aggregation left on the coordinator" 0 \
    "$(grep -c -E '^ *(->  )?(Finalize |Partial )?(Group|Hash)Aggregate' "$T/explain3.txt")"
fi
finish
