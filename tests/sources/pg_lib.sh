# pg_lib.sh -- start throwaway PostgreSQL clusters for the shell tests
# (sourced after tests/e2e/lib.sh).  Each cluster lives in $T/<name>, listens
# on a unix socket in that directory only (no TCP), and runs as an
# unprivileged user: initdb refuses root.  `pg_start NAME` starts one;
# every cluster is stopped and $T removed on exit.
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE PGOPTIONS

# The server binaries: Debian keeps initdb outside PATH, per major version.
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  PGBIN=$(pg_config --bindir 2>/dev/null)
fi
for tool in initdb pg_ctl postgres; do
  [ -n "$PGBIN" ] && [ -x "$PGBIN/$tool" ] || { echo "PostgreSQL server binaries not found: skipped"; exit 77; }
done
PSQL=$PGBIN/psql
[ -x "$PSQL" ] || PSQL=$(command -v psql) || { echo "psql not found: skipped"; exit 77; }

# Directly under /tmp, not $TMPDIR: a unix socket path must stay under 108
# bytes, and the unprivileged server user must be able to reach the dir.
T=$(mktemp -d /tmp/parscore-pg.XXXXXX)
chmod 755 "$T"
PG_CLUSTERS=""
if [ "$(id -u)" = 0 ]; then
  PGUSER_OS=nobody
  id "$PGUSER_OS" >/dev/null 2>&1 || useradd -r -M -s /usr/sbin/nologin "$PGUSER_OS"
  as_pg() { runuser -u "$PGUSER_OS" -- "$@"; }
else
  PGUSER_OS=
  as_pg() { "$@"; }
fi
pg_stop_all() {
  for c in $PG_CLUSTERS; do
    [ -f "$T/$c/data/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$T/$c/data" -m immediate -w stop >/dev/null 2>&1
  done
  rm -rf "$T"
}
trap pg_stop_all EXIT
trap 'exit 1' INT TERM

# pg_start NAME [server options...]: the socket directory is $T/NAME.
pg_start() {
  name=$1; shift
  mkdir "$T/$name"
  [ -n "$PGUSER_OS" ] && chown "$PGUSER_OS" "$T/$name"
  PG_CLUSTERS="$PG_CLUSTERS $name"
  as_pg "$PGBIN/initdb" -D "$T/$name/data" -A trust -U parscore -E UTF8 --locale=C --no-sync >"$T/$name.initdb.log" 2>&1 ||
    { cat "$T/$name.initdb.log"; echo "initdb failed"; exit 1; }
  as_pg "$PGBIN/pg_ctl" -D "$T/$name/data" -l "$T/$name/server.log" -w \
    -o "-k $T/$name -c listen_addresses='' -c fsync=off $*" start >/dev/null ||
    { cat "$T/$name/server.log"; echo "PostgreSQL did not start"; exit 1; }
}
# pg_psql NAME DB [psql args...]
pg_psql() { name=$1; db=$2; shift 2; "$PSQL" -X -q -v ON_ERROR_STOP=1 -h "$T/$name" -U parscore -d "$db" "$@"; }

# The vendor schema of tests/fixtures/onestop/vendor.sql, as a `mapping`.
VENDOR_MAP='procedures=thu_tuc,procedures.code=ma_tthc,procedures.name=ten_tthc,procedures.field=,'
VENDOR_MAP="${VENDOR_MAP}procedures.legal_days=so_ngay,procedures.online_level=muc_do,procedures.has_fee=co_phi,"
VENDOR_MAP="${VENDOR_MAP}procedures.has_result_document=co_ket_qua,dossiers=ho_so,dossiers.code=ma_ho_so,"
VENDOR_MAP="${VENDOR_MAP}dossiers.unit_code=MaDonVi,dossiers.procedure_code=ma_tthc,dossiers.channel=kenh,"
VENDOR_MAP="${VENDOR_MAP}dossiers.status=trang_thai,dossiers.received_at=ngay_tiep_nhan,dossiers.due_at=ngay_hen_tra,"
VENDOR_MAP="${VENDOR_MAP}dossiers.finished_at=ngay_ket_thuc,dossiers.returned_at=ngay_tra,"
VENDOR_MAP="${VENDOR_MAP}dossiers.paid_online=thanh_toan_truc_tuyen,dossiers.digitized_input=so_hoa_thanh_phan,"
VENDOR_MAP="${VENDOR_MAP}dossiers.digitized_result=so_hoa_ket_qua,dossiers.apology_at=ngay_xin_loi,dossiers.rating=danh_gia,"
VENDOR_MAP="${VENDOR_MAP}feedback=phan_anh,feedback.id=ma_pakn,feedback.unit_code=ma_don_vi,feedback.received_at=ngay_nhan,"
VENDOR_MAP="${VENDOR_MAP}feedback.due_at=han_xu_ly,feedback.answered_at=ngay_xu_ly,feedback.satisfied=hai_long"

# pg_same_counters NAME A B: two `parscore aggregate` outputs hold the same
# counters, the records.* lines aside (the period filter and the server path
# change how many records arrive, never what they count).
pg_same_counters() {
  grep -v '^\*	records\.' "$2" > "$T/same-a.tsv"; grep -v '^\*	records\.' "$3" > "$T/same-b.tsv"
  if [ -s "$T/same-a.tsv" ] && diff "$T/same-a.tsv" "$T/same-b.tsv" > "$T/same-diff.txt"; then
    PASS=$((PASS+1)); else FAIL=$((FAIL+1)); echo "FAIL: $1:" >&2; head -20 "$T/same-diff.txt" >&2; fi
}
# pg_same_tree NAME DIR-A DIR-B: the same output files, byte for byte.
pg_same_tree() {
  if [ -n "$(ls "$2" 2>/dev/null)" ] && diff -rq "$2" "$3" > "$T/same-diff.txt" 2>&1; then PASS=$((PASS+1)); else
    FAIL=$((FAIL+1)); echo "FAIL: $1:" >&2; head -20 "$T/same-diff.txt" >&2; fi
}
