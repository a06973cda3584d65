# test_onestop_pg.sh -- the onestop_pg plugin against a real PostgreSQL
# server started here (unix socket only, in a temp dir), loaded with the same
# tests/fixtures/onestop/small.sql: `parscore aggregate` must print exactly
# what it prints for the SQLite file (whose counters test_onestop_sqlite.sh
# checks by hand).  Also: a vendor schema through `schema` + `mapping`, and a
# conninfo with a password refused without echoing it.
. "$PS_SOURCE/tests/e2e/lib.sh"
. "$PS_SOURCE/tests/sources/pg_lib.sh"
command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 CLI not installed: skipped"; exit 77; }
pg_start pg
PGD=$T/pg

psql_q() { "$PSQL" -X -q -v ON_ERROR_STOP=1 -h "$PGD" -U parscore "$@"; }
psql_q -d postgres -c "CREATE DATABASE onestop" || exit 1
# The reference tables in schema "ref", the vendor's copy in schema "hcc".
psql_q -d onestop -c "CREATE SCHEMA ref; CREATE SCHEMA hcc" || exit 1
PGOPTIONS="-c search_path=ref" psql_q -d onestop -f "$PS_SOURCE/tests/fixtures/onestop/small.sql" || exit 1
PGOPTIONS="-c search_path=hcc" psql_q -d onestop -f "$PS_SOURCE/tests/fixtures/onestop/vendor.sql" || exit 1
sqlite3 "$T/small.db" < "$PS_SOURCE/tests/fixtures/onestop/small.sql" || exit 1

write_job() {
  cat > "$1" <<EOF
return {
  name = "onestop_pg test",
  period = "2025",
  scope = { "15" },
  rules = "national/index766",
  sources = { { $2 } },
}
EOF
}
aggregate() { "$PARSCORE" aggregate --plugin-dir "$PS_PLUGIN_DIR" "$1" > "$2" 2> "$3"; echo $?; }
CONN="host=$PGD dbname=onestop user=parscore"

write_job "$T/sqlite.lua" 'plugin = "onestop_sqlite", path = "small.db"'
rc=$(aggregate "$T/sqlite.lua" "$T/sqlite.tsv" "$T/sqlite.err")
check "sqlite run: exit status" 0 "$rc"
# Sanity: the reference run really counted (hand values in test_onestop_sqlite.sh).
check_contains "sqlite run counted 02647" "$(printf '02647\td.received\t12')" "$T/sqlite.tsv"

# ---- same data in PostgreSQL: identical output ---------------------------
# fetch = 2 makes the cursor go round many times over 25 dossiers.
write_job "$T/pg.lua" "plugin = \"onestop_pg\", conninfo = \"$CONN\", schema = \"ref\", fetch = 2"
rc=$(aggregate "$T/pg.lua" "$T/pg.tsv" "$T/pg.err")
check "pg run: exit status" 0 "$rc"
[ "$rc" = 0 ] || cat "$T/pg.err" >&2
pg_same_counters "postgresql output equals sqlite output" "$T/sqlite.tsv" "$T/pg.tsv"
# Period pushdown: the dossier received in 2024 and the feedback of 2024
# never leave the server (SQLite reads all 25 and 7).
check_contains "sqlite reads every dossier" "$(printf '*\trecords.dossier\t25')" "$T/sqlite.tsv"
check_contains "pg reads only the period's dossiers" "$(printf '*\trecords.dossier\t24')" "$T/pg.tsv"
check_contains "pg reads only the period's feedback" "$(printf '*\trecords.feedback\t6')" "$T/pg.tsv"

# ---- vendor schema through schema + mapping (a URI conninfo) --------------
ENC_DIR=$(printf '%s' "$PGD" | sed 's|/|%2F|g')
write_job "$T/vendor.lua" "plugin = \"onestop_pg\", conninfo = \"postgresql://parscore@$ENC_DIR/onestop\", schema = \"hcc\", mapping = \"$VENDOR_MAP\""
rc=$(aggregate "$T/vendor.lua" "$T/vendor.tsv" "$T/vendor.err")
check "pg vendor schema: exit status" 0 "$rc"
[ "$rc" = 0 ] || cat "$T/vendor.err" >&2
pg_same_counters "pg vendor schema output equals sqlite output" "$T/sqlite.tsv" "$T/vendor.tsv"

# ---- a password in the conninfo is refused and never echoed ---------------
SECRET=Zq9-not-a-real-pw
for conninfo in "$CONN password=$SECRET" "postgresql://parscore:$SECRET@localhost/onestop" \
                "postgresql://parscore@localhost/onestop?password=$SECRET"; do
  write_job "$T/pw.lua" "plugin = \"onestop_pg\", conninfo = \"$conninfo\""
  rc=$(aggregate "$T/pw.lua" "$T/pw.tsv" "$T/pw.err")
  check_status "password in conninfo: exit status" 3 "$rc"
  check_contains "password in conninfo: says why" "contains a password" "$T/pw.err"
  check_contains "password in conninfo: says what to use" "PGPASSWORD" "$T/pw.err"
  check_not_contains "password not echoed on stderr" "$SECRET" "$T/pw.err"
  check_not_contains "password not echoed on stdout" "$SECRET" "$T/pw.tsv"
done

# ---- wrong schema: a named error, exit 4 ---------------------------------
write_job "$T/noschema.lua" "plugin = \"onestop_pg\", conninfo = \"$CONN\", schema = \"nosuch\""
rc=$(aggregate "$T/noschema.lua" "$T/noschema.tsv" "$T/noschema.err")
check_status "schema without the tables: exit status" 4 "$rc"
check_contains "schema without the tables: names the table" 'no table "procedures"' "$T/noschema.err"
check_contains "schema without the tables: names the schema" 'schema nosuch' "$T/noschema.err"
write_job "$T/nocol.lua" "plugin = \"onestop_pg\", conninfo = \"$CONN\", schema = \"ref\", mapping = \"dossiers.unit_code=ma_don_vi\""
rc=$(aggregate "$T/nocol.lua" "$T/nocol.tsv" "$T/nocol.err")
check_status "missing column: exit status" 4 "$rc"
check_contains "missing column: named" 'missing column "ma_don_vi" in table "dossiers"' "$T/nocol.err"
write_job "$T/nodb.lua" "plugin = \"onestop_pg\", conninfo = \"host=$PGD dbname=nosuchdb user=parscore\""
rc=$(aggregate "$T/nodb.lua" "$T/nodb.tsv" "$T/nodb.err")
check_status "missing database: exit status" 4 "$rc"
check_contains "missing database: named" 'nosuchdb' "$T/nodb.err"

finish
