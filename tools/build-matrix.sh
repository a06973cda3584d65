#!/bin/sh
# build-matrix.sh -- builds parscore in every CMake build type with gcc and
# clang, warnings as errors, so a build type nobody uses day to day (Release
# is what packagers build) cannot rot.  `make release-check`; CI runs it.
#   tools/build-matrix.sh [TYPES] [COMPILERS]
# Defaults: Release MinSizeRel Debug RelWithDebInfo × gcc clang.  Trees go to
# build-matrix/<type>-<cc> (reused between runs).
set -eu
cd "$(dirname "$0")/.."
TYPES=${1:-"Release MinSizeRel Debug RelWithDebInfo"}
CCS=${2:-"gcc clang"}
JOBS=$(nproc 2>/dev/null || echo 2)
mkdir -p build-matrix
failed=""
for cc in $CCS; do
  if ! command -v "$cc" >/dev/null 2>&1; then
    echo "build-matrix: $cc not installed (tools/install-deps.sh installs it)" >&2
    exit 1
  fi
  for t in $TYPES; do
    dir=build-matrix/$t-$cc
    printf 'build-matrix: %-15s %-6s ' "$t" "$cc"
    if CC=$cc cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$t" -DPS_WERROR=ON >"$dir.log" 2>&1 &&
       cmake --build "$dir" -j "$JOBS" >>"$dir.log" 2>&1; then
      echo ok
    else
      echo FAILED
      grep -E 'error|warning' "$dir.log" | head -20 >&2
      failed="$failed $t/$cc"
    fi
  done
done
if [ -n "$failed" ]; then
  echo "build-matrix: failed:$failed (logs in build-matrix/)" >&2
  exit 1
fi
echo "build-matrix: every build type builds warning-free with $CCS"
