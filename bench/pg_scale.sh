#!/bin/sh
# bench/pg_scale.sh -- the PostgreSQL scale-out figures of docs/scale-out.md:
# onestop_pg row path vs aggregate = "server" (dates parsed in the query, and
# read from the stored generated columns of tools/pg-setup.sh) vs a psql
# GROUP BY of the main counters, on one server, and three province servers
# through a postgres_fdw coordinator (without and with the generated columns:
# with them the grouped query is shipped to the provinces) vs the same three
# provinces on one server.  The one-time cost of pg-setup.sh (the table
# rewrite) is printed too.  hyperfine runs the
# commands alternately (-N, --runs); clusters are started here on unix
# sockets only, as the tests do.  Called by bench/run.sh when PS_BENCH_PG=1.
#   bench/pg_scale.sh BUILD_DIR [--dossiers N] [--runs N]
set -u
BUILD=$1; shift
DOSSIERS=100000; RUNS=5
while [ $# -gt 0 ]; do
  case $1 in --dossiers) DOSSIERS=$2; shift 2 ;; --runs) RUNS=$2; shift 2 ;; *) echo "usage: bench/pg_scale.sh BUILD_DIR [--dossiers N] [--runs N]" >&2; exit 2 ;; esac
done
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
command -v hyperfine >/dev/null 2>&1 || { echo "pg_scale: needs hyperfine" >&2; exit 3; }
PS_SOURCE=$ROOT
# the cluster starter of the tests (unix sockets under /tmp, unprivileged user)
. "$ROOT/tests/sources/pg_lib.sh"
P="$BUILD/parscore aggregate --plugin-dir $BUILD/plugins"
PROVS="08 15 19"
job() { # FILE CONNINFO MODE
  printf 'return { name = "bench", period = "2025", rules = "national/index766", scope = { "08", "15", "19" },\n  sources = { { plugin = "onestop_pg", conninfo = "%s", schema = "public", aggregate = "%s" } } }\n' "$2" "$3" > "$1"
}
GROUPBY="SELECT unit_code, count(*) FILTER (WHERE status NOT IN (1, 3)), count(*) FILTER (WHERE status IN (7, 9, 10)), count(*) FILTER (WHERE status IN (7, 9, 10) AND (due_at IS NULL OR left(finished_at, 10) <= left(due_at, 10))), count(*) FILTER (WHERE channel = 2), count(*) FILTER (WHERE paid_online = 1), count(*) FILTER (WHERE digitized_input = 1), count(*) FILTER (WHERE rating = 4) FROM dossiers WHERE received_at >= '2025-01-01' AND received_at < '2026-01-01' GROUP BY unit_code"

pg_start one
pg_psql one postgres -c "CREATE DATABASE onestop" >/dev/null
specs=""
for p in $PROVS; do
  "$BUILD/parscore-gen" --scale province --province "$p" --seed "$p" --dossiers "$DOSSIERS" --formats pgsql --out "$T/gen$p" -q || exit 1
  pg_start "p$p"
  pg_psql "p$p" postgres -c "CREATE DATABASE onestop" >/dev/null
  pg_psql "p$p" onestop -f "$T/gen$p/onestop-pg.sql" >/dev/null 2>&1 || exit 1
  # the same rows once more, all provinces in the single server
  if [ "$p" = 08 ]; then pg_psql one onestop -f "$T/gen$p/onestop-pg.sql" >/dev/null 2>&1
  # (feedback ids restart in every province, PAKN-2025-000001: prefixed here,
  # else the COPY stops at the first one and the one server lacks two
  # provinces' feedback; the ids are only example codes)
  else pg_psql "p$p" onestop -c "COPY dossiers TO STDOUT" | pg_psql one onestop -c "COPY dossiers FROM STDIN" || exit 1
    pg_psql "p$p" onestop -c "COPY (SELECT '$p:' || id, unit_code, received_at, due_at, answered_at, satisfied FROM feedback) TO STDOUT" |
      pg_psql one onestop -c "COPY feedback FROM STDIN" || exit 1; fi
  specs="$specs $p=host:$T/p$p,dbname:onestop"
done
pg_psql one onestop -c "ANALYZE" >/dev/null
# the generated columns: a copy of the one server, and every province
export PARSCORE_PG_SQL="$BUILD/parscore-pg-sql"
sh "$ROOT/tools/pg-setup.sh" > "$T/setup.sql" || exit 1
pg_psql one postgres -c "CREATE DATABASE onestop_gc TEMPLATE onestop" >/dev/null
t0=$(date +%s.%N)
pg_psql one onestop_gc -f "$T/setup.sql" >/dev/null || exit 1
t1=$(date +%s.%N)
for p in $PROVS; do pg_psql "p$p" onestop -f "$T/setup.sql" >/dev/null || exit 1; done
t2=$(date +%s.%N)
SETUP="pg-setup.sh: $(echo "$t1 - $t0" | bc) s on the one server ($(pg_psql one onestop -At -c "SELECT count(*) FROM dossiers") dossiers), $(echo "$t2 - $t1" | bc) s for the three provinces one after another"
pg_start coord
for cdb in national national_gc; do # (cdb: pg_psql sets $db)
  gen=; [ $cdb = national_gc ] && gen=--generated
  pg_psql coord postgres -c "CREATE DATABASE $cdb" >/dev/null
  sh "$ROOT/tools/pg-coordinator.sh" --user parscore $gen $specs | pg_psql coord $cdb >/dev/null || exit 1
  pg_psql p08 onestop -c "COPY procedures TO STDOUT" | pg_psql coord $cdb -c "COPY procedures FROM STDIN"
done

job "$T/one-rows.lua" "host=$T/one dbname=onestop user=parscore" rows
job "$T/one-server.lua" "host=$T/one dbname=onestop user=parscore" server
job "$T/one-gc.lua" "host=$T/one dbname=onestop_gc user=parscore" server
job "$T/coord-rows.lua" "host=$T/coord dbname=national user=parscore" rows
job "$T/coord-server.lua" "host=$T/coord dbname=national user=parscore" server
job "$T/coord-gc.lua" "host=$T/coord dbname=national_gc user=parscore" server
# the shape each server job got, and the rows the client received
for j in one-server one-gc coord-server coord-gc; do
  $P -v "$T/$j.lua" 2>&1 >/dev/null | sed -n 's/.*info: table "dossiers": \([^(;,]*\).*/'"$j"': \1/p; s/.*info: server aggregate: /'"$j"': /p'
done
echo "$SETUP"
echo "PostgreSQL scale-out: 3 provinces x $DOSSIERS dossiers; load before: $(cut -d' ' -f1-3 /proc/loadavg); commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null); $(date -u +%Y-%m-%dT%H:%MZ)"
hyperfine -N --warmup 1 --runs "$RUNS" --export-markdown "$T/one.md" \
  -n "one server, psql GROUP BY" "$PSQL -X -q -h $T/one -U parscore -d onestop -o /dev/null -c \"$GROUPBY\"" \
  -n "one server, row path" "$P $T/one-rows.lua" \
  -n "one server, aggregate = server, dates parsed" "$P $T/one-server.lua" \
  -n "one server, aggregate = server, generated columns" "$P $T/one-gc.lua" \
  -n "coordinator + 3 servers, row path" "$P $T/coord-rows.lua" \
  -n "coordinator + 3 servers, aggregate = server, dates parsed" "$P $T/coord-server.lua" \
  -n "coordinator + 3 servers, aggregate = server, generated columns (pushed down)" "$P $T/coord-gc.lua" >&2
cat "$T/one.md"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
