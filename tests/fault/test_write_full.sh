#!/bin/sh
# test_write_full.sh -- write failures while the outputs are written: a full
# disk (a tmpfs of 64 KiB, and one a few KiB smaller than the complete
# outputs so the failure comes late), a file-size limit (RLIMIT_FSIZE with
# SIGXFSZ ignored: write() fails with EFBIG), and /dev/full as the output
# path.  Each must stop with a named error and exit 6, leave no partial PDF,
# CSV, JSON or XLSX, no temp file and no staging directory, and leave an
# older output file of the same name untouched.  The tmpfs cases need root
# and mount(8) (skipped otherwise); the others run anywhere.
. "$PS_SOURCE/tests/e2e/lib.sh"
mktmp
FIX="$PS_SOURCE/tests/fixtures"
MOUNTS=""
cleanup() { for m in $MOUNTS; do umount "$m" 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT

# job DIR OUTPUT: every output of a small Lào Cai job into OUTPUT
job() {
  mkdir -p "$1"
  cat > "$1/job.lua" <<LUA
return {
  name = "write failure", period = "2025", scope = { "15" },
  units = "$FIX/units-laocai.csv",
  sources = {
    { plugin = "portal_xml", path = "$FIX/portal/export-laocai.xml" },
    { plugin = "kiosk", path = "$FIX/survey/kiosk.csv" },
  },
  rules = "national/index766",
  output = "$2",
  outputs = { "pdf", "summary", "csv", "json", "xlsx" },
}
LUA
}
# leftovers DIR: output files, temp files and staging dirs in DIR (but not
# old.* and the planted 02647.pdf, checked by content)
leftovers() {
  find "$1" -mindepth 1 \( -name '*.tmp.*' -o -name '.parscore-new.*' -o -name '*.pdf' \
    -o -name '*.csv' -o -name '*.json' -o -name '*.xlsx' \) 2>/dev/null | grep -v '/02647.pdf$' | head -3
}
# run_fail NAME DIR OUTDIR [ULIMIT-F]: run, expect exit 6 and a clean dir
run_fail() {
  name=$1; d=$2; out=$3
  if [ -n "${4:-}" ]; then
    (trap '' XFSZ; ulimit -f "$4"; exec timeout 60 "$PARSCORE" run -q "$d/job.lua") > "$d/stdout" 2> "$d/stderr"
  else
    timeout 60 "$PARSCORE" run -q "$d/job.lua" > "$d/stdout" 2> "$d/stderr"
  fi
  st=$?
  check_status "$name: exit 6" 6 "$st"
  if grep -Eq 'No space left on device|File too large|disk full|cannot (create|write)' "$d/stderr"; then
    PASS=$((PASS+1)); else FAIL=$((FAIL+1)); echo "FAIL: $name: no named write error:" >&2; cat "$d/stderr" >&2; fi
  check_contains "$name: the output dir is named" "$out" "$d/stderr"
  check "$name: nothing partial or temporary left" "" "$(leftovers "$out")"
  [ -n "${SHOW_ERRORS:-}" ] && sed "s|^|$name: |" "$d/stderr"
}

# ---- a clean run: the size of the complete outputs ---------------------------
job "$T/ok" "$T/ok/out"
"$PARSCORE" run -q "$T/ok/job.lua" > "$T/ok.out" 2> "$T/ok.err"
check_status "clean run" 0 $?
for f in 02647.pdf 02671.pdf 15.pdf summary.pdf results.csv results.json results.xlsx; do
  check "clean run wrote $f" yes "$([ -s "$T/ok/out/$f" ] && echo yes)"
done
KB=$(du -sk "$T/ok/out" | cut -f1)

# ---- file size limit: every output is bigger than 4 KiB but the CSV ------------
mkdir -p "$T/fsize/out"
printf 'OLD' > "$T/fsize/out/02647.pdf"
job "$T/fsize" "$T/fsize/out"
# ulimit -f counts 512-byte blocks in dash and 1024-byte ones in bash: 4 or 8 KiB
run_fail "RLIMIT_FSIZE" "$T/fsize" "$T/fsize/out" 8
check "RLIMIT_FSIZE: the older 02647.pdf is untouched" OLD "$(cat "$T/fsize/out/02647.pdf")"

# ---- /dev/full as the output path: not a directory -----------------------------
job "$T/devfull" "/dev/full"
timeout 60 "$PARSCORE" run -q "$T/devfull/job.lua" > /dev/null 2> "$T/devfull.err"
check_status "/dev/full: exit 6" 6 $?
check_contains "/dev/full: named" "/dev/full: the output path is not a directory" "$T/devfull.err"

# ---- a full disk: tmpfs ------------------------------------------------------------
if [ "$(id -u)" = 0 ] && mkdir -p "$T/probe" && mount -t tmpfs -o size=64k tmpfs "$T/probe" 2>/dev/null; then
  MOUNTS="$T/probe"
  for size in 64 $((KB - 12)); do
    m="$T/disk$size"; mkdir -p "$m"
    mount -t tmpfs -o "size=${size}k" tmpfs "$m" && MOUNTS="$MOUNTS $m"
    mkdir -p "$m/out"; printf 'OLD' > "$m/out/02647.pdf"
    job "$T/full$size" "$m/out"
    run_fail "tmpfs of ${size} KiB (complete outputs: $KB KiB)" "$T/full$size" "$m/out"
    check "tmpfs ${size} KiB: the older 02647.pdf is untouched" OLD "$(cat "$m/out/02647.pdf")"
    # only the 3-byte planted file (one 4 KiB page) and the dirs remain
    check "tmpfs ${size} KiB: the space is given back" yes "$([ "$(du -sk "$m" | cut -f1)" -le 12 ] && echo yes)"
  done
else
  echo "note: no tmpfs mount (not root, or not allowed): full-disk cases skipped" >&2
fi
finish
