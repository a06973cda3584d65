#!/bin/sh
# pg-setup.sh -- print the SQL that prepares a one-stop database in
# PostgreSQL for parscore's aggregate = "server" (docs/scale-out.md §2):
# stored generated columns holding each date column of dossiers and feedback
# as the core reads it (ps_rv: seconds from 1900-01-01 or NULL when the core
# calls the date bad or missing; ps_rv_ne: given at all; the same for due,
# finished, returned, apology and answered), comments the plugin checks them
# by, and the indexes of the period filter.  With them the plugin sends one
# flat GROUP BY, which postgres_fdw ships whole to a province server.
#
#   tools/pg-setup.sh [--mapping TEXT] [--no-feedback] [--coordinator]
#
# --mapping TEXT  the vendor's table and column names, as the plugin's
#                 `mapping` option; a date column that is already timestamp
#                 or date needs no generated column: map it to nothing here
#                 (dossiers.due_at=), the plugin casts it itself
# --no-feedback   the database has no feedback table
# --coordinator   the same columns as plain columns of a coordinator's
#                 partitioned tables (used by tools/pg-coordinator.sh)
# Run the output with psql on the database (as the tables' owner), e.g.
#   tools/pg-setup.sh | psql -d onestop -v ON_ERROR_STOP=1
# It rewrites each table once under an exclusive lock: run it off hours.
# The SQL comes from parscore-pg-sql (built beside parscore, installed in
# bin/), which shares the plugin's SQL builder; PARSCORE_PG_SQL names it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for arg in "$@"; do
  case $arg in -h|--help) sed -n '2,24p' "$0"; exit 0 ;; esac
done
tool=${PARSCORE_PG_SQL:-}
if [ -z "$tool" ]; then
  for try in "$here/../build/parscore-pg-sql" "$here/parscore-pg-sql"; do
    [ -x "$try" ] && { tool=$try; break; }
  done
fi
[ -n "$tool" ] || tool=$(command -v parscore-pg-sql 2>/dev/null) ||
  { echo "pg-setup.sh: parscore-pg-sql not found: build parscore (make build) or set PARSCORE_PG_SQL" >&2; exit 3; }
exec "$tool" setup "$@"
