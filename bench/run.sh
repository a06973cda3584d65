#!/bin/sh
# bench/run.sh -- the benchmark suite (`make bench`): ingest speed per source
# plugin, the scoring and rendering stages, end-to-end wall time and peak RSS
# at the commune, province and national scales of parscore-gen data, each
# next to a ceiling measured in the same run on the same files (xmllint
# --stream, the sqlite3 CLI and psql running a per-unit GROUP BY), and the
# ratios of issue 11's goals in one table (full run vs xmllint at province-1M
# and national-10M, each source vs its ceiling, PDFs per second and bytes per
# PDF, peak RSS at 1M and 10M dossiers).  Prints a markdown table and writes
# it to bench/results.md and bench/README-section.md.
# Never run by the tests: timings are not pass/fail.  What every number means:
# docs/benchmark.md.
#
#   bench/run.sh BUILD_DIR [--scales commune,province,province-1M,national]
#                [--runs N] [--seed N] [--regen] [--lean]
# --lean: at national scale only the full job (aggregate, run, and their
# xmllint ceiling), not each source alone and not PostgreSQL: half the time.
# Word splitting of $(timed ...) into "WALL RSS RC" and of the list of portal
# exports is intended:
# shellcheck disable=SC2046,SC2086
set -eu

usage() {
  echo "usage: bench/run.sh BUILD_DIR [--scales commune,province,province-1M,national] [--runs N] [--seed N] [--regen] [--lean]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
BUILD=$1; shift
SCALES=commune,province,province-1M,national
RUNS=3
SEED=2025
REGEN=0
LEAN=0
while [ $# -gt 0 ]; do
  case $1 in
    --scales) [ $# -ge 2 ] || usage; SCALES=$2; shift 2 ;;
    --scales=*) SCALES=${1#--scales=}; shift ;;
    --runs) [ $# -ge 2 ] || usage; RUNS=$2; shift 2 ;;
    --seed) [ $# -ge 2 ] || usage; SEED=$2; shift 2 ;;
    --regen) REGEN=1; shift ;;
    --lean) LEAN=1; shift ;;
    *) usage ;;
  esac
done
case $RUNS in ''|*[!0-9]*|0) echo "bench: --runs needs a positive number" >&2; exit 2 ;; esac
for s in $(echo "$SCALES" | tr ',' ' '); do
  case $s in commune|province|province-1M|national) ;; *) echo "bench: unknown scale \"$s\" (commune, province, province-1M, national)" >&2; exit 2 ;; esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
PARSCORE=$BUILD/parscore
GEN=$BUILD/parscore-gen
PLUGIN_DIR=$BUILD/plugins
WORK=$ROOT/bench/work
for f in "$PARSCORE" "$GEN"; do
  [ -x "$f" ] || { echo "bench: $f not found: build first (make build)" >&2; exit 3; }
done
# GNU time gives peak RSS (Debian package `time`, in tools/install-deps.sh).
TIME=/usr/bin/time
if ! "$TIME" -f '%M' -o /dev/null true 2>/dev/null || [ "$(date +%N)" = N ]; then
  echo "bench: needs GNU time (/usr/bin/time, Debian package time: tools/install-deps.sh installs it) and GNU date" >&2
  exit 3
fi
have() { command -v "$1" >/dev/null 2>&1; }

T=$(mktemp -d /tmp/parscore-bench.XXXXXX)
chmod 755 "$T"
PGD=$T/pg
PGBIN=""
as_pg() { "$@"; }
cleanup() {
  if [ -n "$PGBIN" ] && [ -f "$PGD/data/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$PGD/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

say() { echo "bench: $*" >&2; }
ROWS=$T/rows.tsv   # raw results; formatted at the end
: > "$ROWS"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)

# ---- timing helpers -------------------------------------------------------
# timed OUT ERR CMD...: run CMD once, stdout to OUT, stderr to ERR; prints
# "WALL_S RSS_KB RC" on stdout.  GNU time gives the peak RSS; the wall time
# comes from date's nanoseconds, as time's %e has only 10 ms steps (too
# coarse at commune scale).  time's own exec adds about a millisecond.
timed() {
  _out=$1 _err=$2; shift 2
  _rc=0
  _t0=$(date +%s%N)
  "$TIME" -f '%M' -o "$T/time.txt" "$@" > "$_out" 2> "$_err" || _rc=$?
  _t1=$(date +%s%N)
  # GNU time writes "Command exited with non-zero status N" first on failure.
  echo "$(awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.4f\n", (b - a) / 1e9 }') $(tail -1 "$T/time.txt") $_rc"
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else { x = (v[NR / 2] + v[NR / 2 + 1]) / 2; if (x == int(x)) printf "%d\n", x; else printf "%.3f\n", x } }'; }
bytes_of() { if [ $# -eq 0 ]; then echo 0; else wc -c "$@" | awk 'END { print $1 }'; fi; }
# Warm the page cache so parscore and the ceilings both read from memory.
warm() { cat "$@" > /dev/null; }

# ---- data -----------------------------------------------------------------
gen_args() {
  case $1 in
    commune) echo "--scale commune --province 15 --seed $SEED" ;;
    province) echo "--scale province --province 15 --seed $SEED" ;;
    province-1M) echo "--scale province --province 15 --seed $SEED --dossiers 1000000" ;;
    national) echo "--scale national --seed $SEED" ;;
    national-1M) echo "--scale national --seed $SEED --dossiers 1000000 --formats sqlite,xml" ;;
  esac
}
free_gb() { df -Pk "$1" | awk 'NR == 2 { printf "%d\n", $4 / 1048576 }'; }

# ensure_data SCALE: generate bench/work/SCALE-sSEED unless a complete
# generation with the same arguments is there.  Prints the directory.
ensure_data() {
  _dir=$WORK/$1-s$SEED
  _args=$(gen_args "$1")
  if [ "$REGEN" = 0 ] && [ -f "$_dir/.bench-complete" ] &&
     [ "$(cat "$_dir/.bench-complete")" = "$_args" ]; then
    echo "$_dir"; return 0
  fi
  say "generating $1 data (parscore-gen $_args) ..."
  rm -rf "$_dir" "$_dir.tmp"
  mkdir -p "$WORK"
  "$GEN" $_args --out "$_dir.tmp" -q >&2 || { say "parscore-gen failed"; return 1; }
  echo "$_args" > "$_dir.tmp/.bench-complete"
  mv "$_dir.tmp" "$_dir"
  echo "$_dir"
}

# single_job DIR PLUGIN [SOURCE-LINE]: a job with only PLUGIN's sources, made
# from the generator's job.lua (one source per line); SOURCE-LINE replaces
# them (onestop_pg).
single_job() {
  _j=$1/bench-$2.lua
  if [ $# -ge 3 ]; then
    awk -v line="$3" '/^ *\{ *plugin *= *"/ { if (!done) print line; done = 1; next } { print }' "$1/job.lua" > "$_j"
  else
    awk -v p="\"$2\"" '/^ *\{ *plugin *= *"/ && index($0, p) == 0 { next } { print }' "$1/job.lua" > "$_j"
  fi
  echo "$_j"
}
# records OUT: all records the sources handed to the core (`*\trecords.*`).
records() { awk -F'\t' '$1 == "*" && $2 ~ /^records\./ { n += $3 } END { print n + 0 }' "$1"; }
# plugin_s ERR: the plugins' own time, summed over their lines of `-v`
# ("parscore: PLUGIN: FILE: N records in X s").
plugin_s() { awk '/ records in [0-9.]+ s$/ { t += $(NF - 1) } END { printf "%.2f\n", t }' "$1"; }

# ---- PostgreSQL (a throwaway server, unix socket only) ---------------------
PG_OK=0
PG_WHY="PostgreSQL server binaries not found"
start_pg() {
  # shellcheck disable=SC2012
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then PGBIN=$(pg_config --bindir 2>/dev/null || true); fi
  for tool in initdb pg_ctl postgres psql; do
    if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/$tool" ]; then PGBIN=""; return 0; fi
  done
  unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE PGOPTIONS
  mkdir "$PGD"
  # initdb refuses to run as root: the server runs as an unprivileged user.
  if [ "$(id -u)" = 0 ]; then
    id nobody >/dev/null 2>&1 || useradd -r -M -s /usr/sbin/nologin nobody
    chown nobody "$PGD"
    as_pg() { runuser -u nobody -- "$@"; }
  fi
  if ! as_pg "$PGBIN/initdb" -D "$PGD/data" -A trust -U parscore -E UTF8 --locale=C --no-sync > "$T/initdb.log" 2>&1; then
    PG_WHY="initdb failed (see its log: run tests/sources/test_onestop_pg.sh)"; PGBIN=""; return 0
  fi
  if ! as_pg "$PGBIN/pg_ctl" -D "$PGD/data" -l "$PGD/server.log" -w \
       -o "-k $PGD -c listen_addresses='' -c fsync=off -c max_wal_size=4GB" start > /dev/null 2>&1; then
    PG_WHY="the PostgreSQL server did not start"; return 0
  fi
  PG_OK=1
}
psql_q() { PGOPTIONS="-c client_min_messages=warning" "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGD" -U parscore "$@"; }

# The ceiling query: one pass over the dossiers (with the procedure for the
# online level) and one over the feedback, a dozen counters per unit with
# CASE WHEN, in SQL both engines run unchanged.
CEIL_SQL="SELECT d.unit_code, count(*),
 sum(CASE WHEN d.received_at >= '2025-01-01' AND d.received_at < '2026-01-01' THEN 1 ELSE 0 END),
 sum(CASE WHEN d.channel = 2 THEN 1 ELSE 0 END),
 sum(CASE WHEN p.online_level = 4 THEN 1 ELSE 0 END),
 sum(CASE WHEN p.online_level = 4 AND d.channel = 2 THEN 1 ELSE 0 END),
 sum(CASE WHEN d.finished_at IS NOT NULL THEN 1 ELSE 0 END),
 sum(CASE WHEN d.finished_at IS NOT NULL AND d.finished_at <= d.due_at THEN 1 ELSE 0 END),
 sum(CASE WHEN d.finished_at > d.due_at THEN 1 ELSE 0 END),
 sum(CASE WHEN d.finished_at IS NULL AND d.status IN (2, 4) THEN 1 ELSE 0 END),
 sum(CASE WHEN d.status IN (5, 6, 8) THEN 1 ELSE 0 END),
 sum(CASE WHEN d.paid_online = 1 THEN 1 ELSE 0 END),
 sum(CASE WHEN d.digitized_result = 1 THEN 1 ELSE 0 END),
 sum(CASE WHEN d.apology_at IS NOT NULL THEN 1 ELSE 0 END),
 sum(CASE WHEN d.rating IS NOT NULL THEN 1 ELSE 0 END)
FROM dossiers d LEFT JOIN procedures p ON p.code = d.procedure_code
GROUP BY d.unit_code;
SELECT unit_code, count(*),
 sum(CASE WHEN answered_at IS NOT NULL THEN 1 ELSE 0 END),
 sum(CASE WHEN answered_at > due_at THEN 1 ELSE 0 END),
 sum(CASE WHEN satisfied = 1 THEN 1 ELSE 0 END)
FROM feedback GROUP BY unit_code;"

# ---- one measurement ------------------------------------------------------
# measure SCALE LABEL JOB BYTES CEIL-KIND CEIL-ARG: RUNS times (once at
# national scale) `parscore aggregate -v JOB`, interleaved with the ceiling
# when there is one; appends an "ingest" row and a "ceil" row.
measure() {
  _scale=$1 _label=$2 _job=$3 _bytes=$4 _ck=$5 _ca=$6
  _n=$RUNS; case $_scale in national*) _n=1 ;; esac
  : > "$T/w"; : > "$T/m"; : > "$T/p"; : > "$T/c"
  _i=0 _bad=""
  while [ $_i -lt $_n ]; do
    _i=$((_i + 1))
    set -- $(timed "$T/agg.tsv" "$T/agg.err" "$PARSCORE" aggregate -v --plugin-dir "$PLUGIN_DIR" "$_job")
    if [ "$3" != 0 ]; then
      _bad="parscore exited $3: $(grep -m1 'error' "$T/agg.err" || tail -1 "$T/agg.err")"
      break
    fi
    echo "$1" >> "$T/w"; echo "$2" >> "$T/m"; plugin_s "$T/agg.err" >> "$T/p"
    case $_ck in
      xmllint) set -- $(timed /dev/null "$T/ceil.err" xmllint --stream --noout $_ca) ;;
      sqlite) set -- $(timed /dev/null "$T/ceil.err" sh -c 'q=$1; shift; for f; do sqlite3 -readonly "$f" "$q" || exit 1; done' sh "$CEIL_SQL" $_ca) ;;
      psql) set -- $(timed /dev/null "$T/ceil.err" "$PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$PGD" -U parscore -d "$_ca" -c "$CEIL_SQL") ;;
      *) set -- 0 0 0 ;;
    esac
    [ "$3" = 0 ] || { say "$_ck ceiling failed: $(head -1 "$T/ceil.err")"; _ck=none; }
    [ "$_ck" = none ] || echo "$1" >> "$T/c"
  done
  if [ -n "$_bad" ]; then
    printf 'ingest\t%s\t%s\t-\t%s\t-\t-\t-\t%s\t%s\n' "$_scale" "$_label" "$_bytes" "$_n" "$_bad" >> "$ROWS"
    say "$_scale $_label: $_bad"
    return 0
  fi
  _w=$(median < "$T/w"); _m=$(median < "$T/m"); _p=$(median < "$T/p")
  printf 'ingest\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n' "$_scale" "$_label" \
    "$(records "$T/agg.tsv")" "$_bytes" "$_w" "$_m" "$_p" "$_n" >> "$ROWS"
  if [ "$_ck" != none ] && [ -s "$T/c" ]; then
    printf 'ceil\t%s\t%s\t%s\t%s\t%s\n' "$_scale" "$_label" "$_w" "$(median < "$T/c")" "$_ck" >> "$ROWS"
  fi
  say "$_scale $_label: ${_w} s, $((${_m%.*} / 1024)) MB peak RSS"
}

# ---- end to end: parscore run -v (scoring, rendering) ---------------------
end_to_end() {
  _scale=$1 _dir=$2
  _n=$RUNS; [ "$_scale" = national ] && _n=1
  _job=$_dir/bench-run.lua
  sed 's|^ *output *= *"[^"]*"|  output = "bench-out"|' "$_dir/job.lua" > "$_job"
  : > "$T/w"; : > "$T/m"; : > "$T/si"; : > "$T/ss"; : > "$T/sr"; : > "$T/sx"
  _i=0 _bad=""
  while [ $_i -lt $_n ]; do
    _i=$((_i + 1))
    rm -rf "$_dir/bench-out"
    set -- $(timed /dev/null "$T/run.err" "$PARSCORE" run -v --plugin-dir "$PLUGIN_DIR" "$_job")
    if [ "$3" != 0 ] && [ "$3" != 1 ]; then
      _bad="parscore run exited $3: $(grep -m1 'error' "$T/run.err" || tail -1 "$T/run.err")"
      break
    fi
    echo "$1" >> "$T/w"; echo "$2" >> "$T/m"
    # "parscore: ingest X s, scoring Y s, rendering Z s"
    sed -n 's/^parscore: ingest \([0-9.]*\) s, scoring \([0-9.]*\) s, rendering \([0-9.]*\) s$/\1 \2 \3/p' "$T/run.err" > "$T/st"
    [ -s "$T/st" ] || { _bad="no stage timings on stderr"; break; }
    read -r _a _b _c < "$T/st"
    echo "$_a" >> "$T/si"; echo "$_b" >> "$T/ss"; echo "$_c" >> "$T/sr"
    # the full run's ceiling: xmllint streaming the same portal exports
    if have xmllint; then
      set -- $(timed /dev/null "$T/ceil.err" xmllint --stream --noout $(ls "$_dir"/portal*.xml))
      [ "$3" = 0 ] && echo "$1" >> "$T/sx"
    fi
  done
  if [ -n "$_bad" ]; then
    printf 'e2e\t%s\t-\t-\t-\t-\t-\t-\t-\t%s\t%s\n' "$_scale" "$_n" "$_bad" >> "$ROWS"
    say "$_scale end to end: $_bad"
    return 0
  fi
  _np=$(find "$_dir/bench-out" -name '*.pdf' | wc -l)
  _pb=$(find "$_dir/bench-out" -name '*.pdf' -exec cat {} + | wc -c)
  printf 'e2e\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\t%s\n' "$_scale" "$(median < "$T/si")" \
    "$(median < "$T/ss")" "$(median < "$T/sr")" "$_np" "$_pb" "$(median < "$T/w")" \
    "$(median < "$T/m")" "$_n" "$(if [ -s "$T/sx" ]; then median < "$T/sx"; fi)" >> "$ROWS"
  say "$_scale end to end: $(median < "$T/w") s, $_np PDFs"
}

# ---- one scale ------------------------------------------------------------
bench_scale() {
  _s=$1
  if [ "$_s" = national ]; then
    _need=20
    [ -f "$WORK/national-s$SEED/.bench-complete" ] && [ "$REGEN" = 0 ] && _need=8
    mkdir -p "$WORK"
    _free=$(free_gb "$WORK")
    if [ "$_free" -lt "$_need" ]; then
      say "SKIPPED national scale: ${_free} GB free on the disk of bench/work, it needs ${_need} GB (8 GB of data + a PostgreSQL copy)"
      printf 'skip\tnational\t%s GB free, %s GB needed\n' "$_free" "$_need" >> "$ROWS"
      return 0
    fi
  fi
  D=$(ensure_data "$_s") || return 1
  say "$_s scale: data in bench/work/$(basename "$D")"
  _portal=$(ls "$D"/portal*.xml)
  # one database per province at national scale (onestop-XX.db)
  _dbs=$(ls "$D"/onestop*.db)
  warm $_dbs $_portal "$D/kiosk.csv" "$D/survey-responses.csv"

  if [ "$LEAN" = 1 ] && [ "$_s" = national ]; then
    say "national scale, --lean: the full job only"
  else
  measure "$_s" onestop_sqlite "$(single_job "$D" onestop_sqlite)" "$(bytes_of $_dbs)" \
    "$(have sqlite3 && echo sqlite || echo none)" "$_dbs"
  measure "$_s" portal_xml "$(single_job "$D" portal_xml)" "$(bytes_of $_portal)" \
    "$(have xmllint && echo xmllint || echo none)" "$_portal"
  measure "$_s" survey "$(single_job "$D" survey)" \
    "$(bytes_of "$D/survey-form.xml" "$D/survey-responses.csv")" none ""
  measure "$_s" kiosk "$(single_job "$D" kiosk)" "$(bytes_of "$D/kiosk.csv")" none ""
  if [ "$PG_OK" = 1 ]; then
    # an unquoted identifier: lower case, as CREATE DATABASE makes it
    _db=bench_$(echo "$_s" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9\n' '_')
    say "$_s scale: loading onestop-pg.sql into PostgreSQL ..."
    psql_q -d postgres -c "DROP DATABASE IF EXISTS $_db" -c "CREATE DATABASE $_db" > /dev/null
    set -- $(timed /dev/null "$T/load.err" "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGD" -U parscore -d "$_db" -f "$D/onestop-pg.sql")
    if [ "$3" = 0 ]; then
      printf 'pgload\t%s\t%s\t%s\n' "$_s" "$1" "$(bytes_of "$D/onestop-pg.sql")" >> "$ROWS"
      psql_q -d "$_db" -c "VACUUM ANALYZE" > /dev/null
      measure "$_s" onestop_pg \
        "$(single_job "$D" onestop_pg "    { plugin = \"onestop_pg\", conninfo = \"host=$PGD dbname=$_db user=parscore\" },")" \
        "$(bytes_of "$D/onestop-pg.sql")" psql "$_db"
    else
      printf 'ingest\t%s\tonestop_pg\t-\t-\t-\t-\t-\t-\tloading onestop-pg.sql failed: %s\n' "$_s" "$(head -1 "$T/load.err")" >> "$ROWS"
    fi
    # Free the disk before the next scale.
    psql_q -d postgres -c "DROP DATABASE IF EXISTS $_db" > /dev/null
  else
    printf 'ingest\t%s\tonestop_pg\t-\t-\t-\t-\t-\t-\tnot measured: %s\n' "$_s" "$PG_WHY" >> "$ROWS"
  fi
  fi
  measure "$_s" "all sources" "$D/job.lua" \
    "$(bytes_of $_dbs $_portal "$D/survey-form.xml" "$D/survey-responses.csv" "$D/kiosk.csv")" none ""
  end_to_end "$_s" "$D"
  rm -f "$D"/bench-*.lua
  [ "$_s" = national ] || return 0
  # Same 3,321 communes with a tenth of the dossiers: separates what grows
  # with the number of units from what grows with the number of dossiers.
  D=$(ensure_data national-1M) || return 1
  measure national-1M onestop_sqlite "$(single_job "$D" onestop_sqlite)" "$(bytes_of "$D"/onestop*.db)" none ""
  measure national-1M "all sources" "$D/job.lua" "$(bytes_of "$D"/onestop*.db "$D"/portal*.xml)" none ""
  rm -f "$D"/bench-*.lua
}

say "warming up; results in bench/results.md (runs per measurement: $RUNS, national: 1)"
start_pg
[ "$PG_OK" = 1 ] || say "onestop_pg not measured: $PG_WHY"
for s in $(echo "$SCALES" | tr ',' ' '); do
  bench_scale "$s"
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report ---------------------------------------------------------------
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
CORES=$(grep -c '^processor' /proc/cpuinfo)
MEM=$(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)
KERNEL=$(uname -r)
NOW=$(date -u '+%Y-%m-%d %H:%M UTC')
BTYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD/CMakeCache.txt" 2>/dev/null)
CMD="bench/run.sh $(basename "$BUILD") --scales $SCALES --runs $RUNS --seed $SEED$([ "$LEAN" = 1 ] && echo " --lean")"
NEXPORTS=$(ls "$WORK/national-s$SEED"/portal-*.xml 2>/dev/null | wc -l)

tables() {
  awk -F'\t' -v runs="$RUNS" '
  function mb(b) { return b / 1048576 }
  function human(n) { if (n >= 1e6) return sprintf("%.2f M", n / 1e6); if (n >= 1e4) return sprintf("%.0f k", n / 1e3); return sprintf("%d", n) }
  { row[NR] = $0 }
  $1 == "ingest" { order[++ni] = NR }
  $1 == "ceil" { ceil[$2 "|" $3] = $0; nc++ }
  $1 == "e2e" { e2e[++ne] = NR; e2ex[$2] = NR }
  $1 == "pgload" { pgnote = pgnote sprintf("Loading `onestop-pg.sql` (%.1f MB) with psql took %.1f s at %s scale (not part of any figure above).\n", mb($4), $3, $2) }
  $1 == "skip" { skip = skip "\n" "National scale skipped: " $3 "." }
  $1 == "ingest" && ($3 == "onestop_sqlite" || $3 == "all sources") && $6 != "-" { rss[$2 "|" $3] = $7 }
  END {
    print "### Ingest (`parscore aggregate -v`, one job per source)"
    print ""
    print "| scale | source | records | input MB | wall s | records/s | MB/s | plugin s | peak RSS MB |"
    print "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    for (i = 1; i <= ni; i++) {
      split(row[order[i]], f, "\t")
      if (f[6] == "-") { printf "| %s | %s | — | — | — | — | — | — | — |\n", f[2], f[3]; notes = notes "\n- " f[2] " " f[3] ": " f[10]; continue }
      w = f[6] + 0; if (w <= 0) w = 0.005
      printf "| %s | %s | %s | %.1f | %.3f | %s | %.1f | %.2f | %.0f |\n", f[2], f[3], human(f[4]), mb(f[5]), f[6], human(f[4] / w), mb(f[5]) / w, f[8], f[7] / 1024
    }
    if (notes != "") print notes
    print ""
    if (nc) {
      print "### Ceilings (same files, same run; ratio = parscore time / ceiling time)"
      print ""
      print "| scale | source | parscore s | ceiling | ceiling s | ratio |"
      print "|---|---|---:|---|---:|---:|"
      for (i = 1; i <= ni; i++) {
        split(row[order[i]], f, "\t"); k = f[2] "|" f[3]
        if (!(k in ceil)) continue
        split(ceil[k], c, "\t")
        name = c[6] == "xmllint" ? "`xmllint --stream --noout`" : c[6] == "sqlite" ? "`sqlite3` GROUP BY" : "`psql` GROUP BY"
        cs = c[5] + 0; if (cs <= 0) cs = 0.005
        printf "| %s | %s | %.3f | %s | %.3f | %.1f |\n", c[2], c[3], c[4], name, c[5], c[4] / cs
      }
      print ""
    }
    if (pgnote != "") { printf "%s\n", pgnote }
    print "### End to end (`parscore run -v`: stage times from its stderr)"
    print ""
    print "| scale | ingest s | scoring s | rendering s | PDFs | PDFs/s | bytes/PDF | wall s | peak RSS MB |"
    print "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for (i = 1; i <= ne; i++) {
      split(row[e2e[i]], f, "\t")
      if (f[3] == "-") { printf "| %s | — | — | — | — | — | — | — | — |\n", f[2]; enotes = enotes "\n- " f[2] ": " f[11]; continue }
      r = f[5] + 0; if (r <= 0) r = 0.005
      printf "| %s | %.2f | %.2f | %.2f | %d | %.1f | %s | %.2f | %.0f |\n", f[2], f[3], f[4], f[5], f[6], f[6] / r, f[6] ? sprintf("%.0f", f[7] / f[6]) : "—", f[8], f[9] / 1024
    }
    if (enotes != "") print enotes
    print ""
    if (("national|onestop_sqlite" in rss) && ("province|onestop_sqlite" in rss)) {
      print "### Memory as input grows (peak RSS of `parscore aggregate`)"
      print ""
      print "| job | province: 99 units, 100k dossiers | national: 3,321 units, 1M dossiers | national: 3,321 units, 10M dossiers | 10M / 1M |"
      print "|---|---:|---:|---:|---:|"
      split("onestop_sqlite|all sources", js, "|")
      for (j = 1; j <= 2; j++) {
        p = rss["province|" js[j]]; m = rss["national-1M|" js[j]]; n = rss["national|" js[j]]
        if (p == "" || n == "") continue
        printf "| %s | %.0f MB | %s | %.0f MB | %s |\n", js[j] == "all sources" ? "full job (database + portal exports; + survey, kiosk at 100k/10M)" : "onestop_sqlite only", p / 1024, m == "" ? "—" : sprintf("%.0f MB", m / 1024), n / 1024, m == "" ? "—" : sprintf("%.1f×", n / m)
      }
      print ""
    }
    if (skip != "") print substr(skip, 2) "\n"
    goals()
  }
  # Issue 11 goals, each ratio measured above (alternating runs, same files).
  function goals(   p, k, c, f, n, m, ok) {
    p = ""
    split("province-1M|province|commune", pr, "|")
    for (k = 1; k <= 3 && p == ""; k++) if ((pr[k] in e2ex) || ((pr[k] "|portal_xml") in ceil)) p = pr[k]
    print "### Goals (issue 11): every ratio of one run"
    print ""
    print "| workload | parscore | ceiling | ceiling s | ratio | goal |"
    print "|---|---:|---|---:|---:|---|"
    if (p in e2ex) {
      split(row[e2ex[p]], f, "\t")
      if (f[12] != "") printf "| %s: full run, all PDFs | %.2f s, %.0f MiB | `xmllint --stream --noout` on its export | %.2f | %.2f× | ≤ 1.5× |\n", p, f[8], f[9] / 1024, f[12], f[8] / f[12]
    }
    split("portal_xml|onestop_sqlite|onestop_pg", srcs, "|")
    for (k = 1; k <= 3; k++) {
      if (!((p "|" srcs[k]) in ceil)) continue
      split(ceil[p "|" srcs[k]], c, "\t")
      name = c[6] == "xmllint" ? "`xmllint --stream --noout`" : c[6] == "sqlite" ? "`sqlite3` per-unit GROUP BY" : "`psql` per-unit GROUP BY"
      printf "| %s: %s alone | %.2f s | %s | %.2f | %.2f× | %s |\n", p, srcs[k], c[4], name, c[5], c[4] / (c[5] > 0 ? c[5] : 0.005), srcs[k] == "onestop_sqlite" ? "≤ 1.2×" : srcs[k] == "portal_xml" ? "≤ 1.2×" : "—"
    }
    if ("national" in e2ex) {
      split(row[e2ex["national"]], f, "\t")
      if (f[12] != "") printf "| national 10M: full run, all PDFs | %.2f s, %.0f MiB | `xmllint --stream --noout` over the %s exports | %.2f | %.2f× | ≤ 1.5×, ≤ 100 MiB |\n", f[8], f[9] / 1024, nexports, f[12], f[8] / f[12]
    }
    k = ("national" in e2ex) ? "national" : p
    if (k in e2ex) {
      split(row[e2ex[k]], f, "\t")
      r = f[5] + 0; if (r <= 0) r = 0.005
      printf "| %s: scorecards | %.0f PDFs/s, %.1f kB each | — | — | — | ≥ 400/s, ≤ 40 kB |\n", k, f[6] / r, f[6] ? f[7] / f[6] / 1000 : 0
    }
    m = rss["national-1M|all sources"]; n = rss["national|all sources"]
    if (m != "" && n != "")
      printf "| peak RSS, full job (`parscore aggregate`): 1M → 10M dossiers, 3,321 communes | %.0f → %.0f MiB | — | — | %.2f× | ≤ 1.2× |\n", m / 1024, n / 1024, n / m
    print ""
  }' nexports="$NEXPORTS" "$ROWS"
}

LOAD_NOTE=""
if awk -v a="$LOAD_START" -v c="$CORES" 'BEGIN { split(a, l, " "); exit !(l[1] > 0.5 || l[2] > 0.5) }'; then
  LOAD_NOTE=" The machine was shared: load average $LOAD_START (1/5/15 min) before the benchmark started, so other work competed for the $CORES cores; figures are slower and noisier than on an idle machine."
fi
{
  echo "Machine: $CPU, $CORES cores, $MEM RAM, Linux $KERNEL; measured $NOW (commit $COMMIT, ${BTYPE:-default} build)."
  echo "Load average before: $LOAD_START, after: $LOAD_END.$LOAD_NOTE"
  echo "Command: \`$CMD\` (also \`make bench\`). Figures are medians of $RUNS run(s) at commune and province scale and single runs at national scale, warm page cache. parscore-gen data, seed $SEED, province 15 (Lào Cai) at commune and province scale."
  echo
  tables
} > "$T/body.md"

{ echo "# Benchmark results"; echo; cat "$T/body.md"; echo "What each number means: docs/benchmark.md."; } > "$ROOT/bench/results.md"
{ echo "## Performance"; echo; cat "$T/body.md"; echo "How to run it and what each number means: docs/benchmark.md (full results: bench/results.md)."; } > "$ROOT/bench/README-section.md"
cat "$ROOT/bench/results.md"

# ---- PostgreSQL scale-out (docs/scale-out.md): opt-in, own clusters --------
if [ "${PS_BENCH_PG:-0}" = 1 ]; then sh "$ROOT/bench/pg_scale.sh" "$BUILD" --runs "$RUNS"; fi
