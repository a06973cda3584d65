#!/bin/sh
# deb_roundtrip.sh -- `make deb-test` (CI): installs the .deb `make deb` built,
# then, with installed files only: --version against pkg-config, the man pages,
# every plugin listed once, the demo job (generator, rule sets, templates and
# data from /usr), the plugin starter built against the installed header and
# run in a job; then purges the package and checks nothing of it is left.
# Needs root (it installs a package); exit 77 (skipped) otherwise.
#   tests/packaging/deb_roundtrip.sh [BUILD_DIR]   (default build-deb)
# Not a ctest test (no test_ prefix): it installs and removes a system package.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:-build-deb}
case $B in /*) ;; *) B="$SRC/$B" ;; esac
. "$SRC/tests/e2e/lib.sh"
if [ "$(id -u)" != 0 ]; then echo "deb_roundtrip: needs root to install a package: skipped"; exit 77; fi
DEB=$(ls "$B"/parscore_*.deb 2>/dev/null | head -1)
[ -n "$DEB" ] || { echo "deb_roundtrip: no .deb in $B (run make deb)" >&2; exit 1; }
mktmp
export DEBIAN_FRONTEND=noninteractive
dpkg -s parscore >/dev/null 2>&1 && dpkg --purge parscore >/dev/null
dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\.||' | grep -v '/$' > "$T/files.txt"

dpkg -i "$DEB" > "$T/dpkg.log" 2>&1; check_status "dpkg -i" 0 $?
PATH=/usr/sbin:/usr/bin:/sbin:/bin; export PATH   # nothing from /usr/local or a build tree
unset PARSCORE_DATA_DIR PARSCORE_PLUGIN_PATH
V=$(pkg-config --modversion parscore)
check "--version matches pkg-config" "parscore $V (plugin ABI 2)" "$(parscore --version)"
PD=$(pkg-config --variable=plugindir parscore)
check "plugindir holds the plugins" 6 "$(ls "$PD"/*.so | wc -l)"
check "man parscore(1)" /usr/share/man/man1/parscore.1 "$(man -w parscore)"
MANPAGER=cat man parscore 2>/dev/null > "$T/man1.txt"
check_contains "man parscore shows the commands" "aggregate JOB" "$T/man1.txt"
MANPAGER=cat man 5 parscore-job 2>/dev/null > "$T/man5.txt"
check_contains "man 5 parscore-job" "A job says what to read" "$T/man5.txt"
MANPAGER=cat man 7 parscore-rules 2>/dev/null > "$T/man7.txt"
check_contains "man 7 parscore-rules" "R.criterion" "$T/man7.txt"
parscore plugins > "$T/plugins.txt" 2> "$T/plugins.err"; check_status "plugins" 0 $?
for p in onestop_sqlite onestop_pg portal_xml survey kiosk measures; do
  check "plugin $p listed once" 1 "$(grep -c "^$p " "$T/plugins.txt")"
done

# the demo job, from installed binaries, rule sets, templates and data only
# (the package's binary has no source-tree fallback: tools/make-deb.sh)
mkdir -p "$T/demo" && cd "$T/demo"
sh "$SRC/tools/demo.sh" /usr/bin > "$T/demo.log" 2>&1; check_status "demo from installed files" 0 $?
check "demo scorecards" 100 "$(ls out/lao_cai/*.pdf | grep -vc summary)"
pdftotext out/lao_cai/summary.pdf "$T/summary.txt" 2>/dev/null
check_contains "demo summary names the province" "Lào Cai" "$T/summary.txt"

# the plugin starter, built out of tree against the installed header
cp -r /usr/share/doc/parscore/examples/plugin "$T/starter"
PARSCORE=/usr/bin/parscore sh "$T/starter/test.sh" > "$T/starter.log" 2>&1
check_status "plugin starter builds and runs against the installed tree" 0 $?
# the whole line: "0 failed" alone would also match "10 failed"
check "plugin starter checks its counters" "6 passed, 0 failed" "$(tail -1 "$T/starter.log")"

cd "$T"
dpkg --purge parscore > "$T/purge.log" 2>&1; check_status "dpkg --purge" 0 $?
left=0
while read -r f; do [ -e "$f" ] && { echo "left behind: $f" >&2; left=$((left + 1)); }; done < "$T/files.txt"
check "files left after purge" 0 "$left"
check_absent "data dir removed" /usr/share/parscore
check_absent "plugin dir removed" "$PD"
finish
