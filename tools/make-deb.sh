#!/bin/sh
# make-deb.sh -- `make deb`: a Release build for prefix /usr without -Werror
# and without the source-tree fallback (the packaged binary reads installed
# files only), packaged by CPack's DEB generator.  Prints the .deb's path.
#   tools/make-deb.sh [BUILD_DIR]      (default build-deb)
set -eu
cd "$(dirname "$0")/.."
B=${1:-build-deb}
JOBS=$(nproc 2>/dev/null || echo 2)
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DPS_WERROR=OFF -DPS_SOURCE_TREE_FALLBACK=OFF >/dev/null
cmake --build "$B" -j "$JOBS" >/dev/null
rm -f "$B"/parscore_*.deb
(cd "$B" && cpack -G DEB >cpack.log 2>&1) || { cat "$B/cpack.log" >&2; exit 1; }
ls "$B"/parscore_*.deb
