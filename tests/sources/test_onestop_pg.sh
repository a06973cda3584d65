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
# The period goes into the WHERE clause, so PostgreSQL sends fewer records
# than SQLite does (checked below); every counter must still be the same.
same() { # NAME EXPECTED-FILE GOT-FILE
  if diff "$2" "$3" | grep -v '^[<>] \*	records\.' | grep '^[<>]' > "$T/diff.txt"; then
    FAIL=$((FAIL+1)); echo "FAIL: $1 (< sqlite, > postgresql):" >&2; head -40 "$T/diff.txt" >&2
  else PASS=$((PASS+1)); fi
}
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
same "postgresql output equals sqlite output" "$T/sqlite.tsv" "$T/pg.tsv"
# Period pushdown: the dossier received in 2024 and the feedback of 2024
# never leave the server (SQLite reads all 25 and 7).
check_contains "sqlite reads every dossier" "$(printf '*\trecords.dossier\t25')" "$T/sqlite.tsv"
check_contains "pg reads only the period's dossiers" "$(printf '*\trecords.dossier\t24')" "$T/pg.tsv"
check_contains "pg reads only the period's feedback" "$(printf '*\trecords.feedback\t6')" "$T/pg.tsv"

# ---- vendor schema through schema + mapping (a URI conninfo) --------------
MAP='procedures=thu_tuc,procedures.code=ma_tthc,procedures.name=ten_tthc,procedures.field=,'
MAP="${MAP}procedures.legal_days=so_ngay,procedures.online_level=muc_do,procedures.has_fee=co_phi,"
MAP="${MAP}procedures.has_result_document=co_ket_qua,dossiers=ho_so,dossiers.code=ma_ho_so,"
MAP="${MAP}dossiers.unit_code=MaDonVi,dossiers.procedure_code=ma_tthc,dossiers.channel=kenh,"
MAP="${MAP}dossiers.status=trang_thai,dossiers.received_at=ngay_tiep_nhan,dossiers.due_at=ngay_hen_tra,"
MAP="${MAP}dossiers.finished_at=ngay_ket_thuc,dossiers.returned_at=ngay_tra,"
MAP="${MAP}dossiers.paid_online=thanh_toan_truc_tuyen,dossiers.digitized_input=so_hoa_thanh_phan,"
MAP="${MAP}dossiers.digitized_result=so_hoa_ket_qua,dossiers.apology_at=ngay_xin_loi,dossiers.rating=danh_gia,"
MAP="${MAP}feedback=phan_anh,feedback.id=ma_pakn,feedback.unit_code=ma_don_vi,feedback.received_at=ngay_nhan,"
MAP="${MAP}feedback.due_at=han_xu_ly,feedback.answered_at=ngay_xu_ly,feedback.satisfied=hai_long"
ENC_DIR=$(printf '%s' "$PGD" | sed 's|/|%2F|g')
write_job "$T/vendor.lua" "plugin = \"onestop_pg\", conninfo = \"postgresql://parscore@$ENC_DIR/onestop\", schema = \"hcc\", mapping = \"$MAP\""
rc=$(aggregate "$T/vendor.lua" "$T/vendor.tsv" "$T/vendor.err")
check "pg vendor schema: exit status" 0 "$rc"
[ "$rc" = 0 ] || cat "$T/vendor.err" >&2
same "pg vendor schema output equals sqlite output" "$T/sqlite.tsv" "$T/vendor.tsv"

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
