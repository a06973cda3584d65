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
