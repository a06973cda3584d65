#!/bin/sh
# test_generator_pg.sh -- onestop-pg.sql loads with `psql -f` into a
# throwaway PostgreSQL server and holds exactly the rows of onestop.db.
# Skipped (77) without the PostgreSQL server binaries or a way to run them
# as a non-root user.
. "$PS_SOURCE/tests/e2e/lib.sh"
GEN="$PS_BUILD/parscore-gen"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1)
[ -x "$GEN" ] || { echo "parscore-gen not built"; exit 77; }
[ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] && command -v psql >/dev/null && command -v sqlite3 >/dev/null \
  || { echo "no PostgreSQL server binaries"; exit 77; }
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "root without a postgres user"; exit 77; }
  AS="su postgres -s /bin/sh -c"
else
  AS="sh -c"
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/parscore-pg.XXXXXX")
chmod 755 "$T"
PORT=$((20000 + $$ % 20000))
stop() { $AS "$PGBIN/pg_ctl -D $T/pg/data -m immediate -w stop" >/dev/null 2>&1; rm -rf "$T"; }
trap stop EXIT
mkdir "$T/pg"
[ "$(id -u)" = 0 ] && chown postgres "$T/pg"
$AS "$PGBIN/initdb -D $T/pg/data -A trust -U postgres" >/dev/null 2>&1 || { echo "initdb failed"; exit 77; }
$AS "$PGBIN/pg_ctl -D $T/pg/data -o '-k $T/pg -p $PORT -c listen_addresses=' -l $T/pg/log -w start" >/dev/null \
  || { echo "cannot start PostgreSQL"; cat "$T/pg/log"; exit 77; }
PSQL="psql -X -q -h $T/pg -p $PORT -U postgres"

"$GEN" -q --scale commune --province 15 --seed 42 --faults 0.01 --formats sqlite,pgsql --out "$T/a"
$PSQL -d postgres -c 'CREATE DATABASE gen' >/dev/null
$PSQL -d gen -f "$T/a/onestop-pg.sql" >"$T/load.log" 2>&1
check_status "psql -f loads the script" 0 $?
for table in procedures dossiers feedback; do
  key=code; [ $table = feedback ] && key=id
  # CSV quoting differs between the two clients; the values must not.
  $PSQL -d gen -Atc "COPY (SELECT * FROM $table ORDER BY $key COLLATE \"C\") TO STDOUT WITH CSV" \
    | tr -d '"' | sed 's/,\([0-9]*\)\.0,/,\1,/' > "$T/pg.$table"
  sqlite3 -csv "$T/a/onestop.db" "SELECT * FROM $table ORDER BY $key" | tr -d '\r"' \
    | sed 's/,\([0-9]*\)\.0,/,\1,/' > "$T/lite.$table"
  check "$table rows" "$(wc -l < "$T/lite.$table")" "$(wc -l < "$T/pg.$table")"
  cmp -s "$T/pg.$table" "$T/lite.$table"; check_status "$table same content in both" 0 $?
done
check "procedures" 193 "$(wc -l < "$T/pg.procedures")"

# The engine aggregates the same counters from either database.
if [ -x "$PARSCORE" ] && "$PARSCORE" plugins 2>/dev/null | grep -q '^onestop_pg' \
   && "$PARSCORE" plugins 2>/dev/null | grep -q '^onestop_sqlite'; then
  cat > "$T/a/pg.lua" <<LUA
return { period = "2025", scope = { "15" }, rules = "national/index766",
  sources = { { plugin = "onestop_pg", conninfo = "host=$T/pg port=$PORT user=postgres dbname=gen" } } }
LUA
  cat > "$T/a/lite.lua" <<LUA
return { period = "2025", scope = { "15" }, rules = "national/index766",
  sources = { { plugin = "onestop_sqlite", path = "onestop.db" } } }
LUA
  "$PARSCORE" aggregate "$T/a/pg.lua" > "$T/agg.pg" 2>"$T/agg.pg.err"
  check_status "aggregate from PostgreSQL" 0 $?
  "$PARSCORE" aggregate "$T/a/lite.lua" > "$T/agg.lite" 2>"$T/agg.lite.err"
  check_status "aggregate from SQLite" 0 $?
  check "same counters from both databases" "" "$(diff "$T/agg.pg" "$T/agg.lite" | head -5)"
  check "counters not empty" yes "$(grep -q "^15	d.received	" "$T/agg.lite" && echo yes || echo no)"
fi
finish
