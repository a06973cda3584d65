#!/bin/sh
# test_cppcheck.sh -- static analysis of core/, plugins/ and tools/ with
# cppcheck (Debian package cppcheck): the warning, performance and
# portability checks, whole-program (no -j: the cross-file "ctu" checks only
# run single-threaded; ~10 s).  The baseline is clean: a false positive is
# suppressed inline, on the line before it, with its reason:
#   /* cppcheck-suppress <id> ; why this is not a bug */
# The "style" checks are left out: on this code base they gave 9 findings,
# all false positives or taste (e.g. "len == 0 is always true" after a trim
# loop), so they would cost suppressions without finding bugs.
# cppcheck rather than clang-tidy: it needs no compile database, reasons
# across files, and its warning set had real value here; clang-tidy's
# clang-analyzer checks need every include path of every target and take
# minutes on 2 cores.  Exit 77 when cppcheck is absent.
. "$PS_SOURCE/tests/e2e/lib.sh"
mktmp
if ! command -v cppcheck > /dev/null; then
  echo "skipped: cppcheck is not installed (Debian: cppcheck)"; exit 77
fi
cd "$PS_SOURCE" || exit 1
cppcheck --quiet --enable=warning,performance,portability --std=c11 --inline-suppr \
  --suppress=missingIncludeSystem --error-exitcode=1 \
  -I core -I core/include -I plugins/csv_common \
  -D__GNUC__ -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
  --template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
  core plugins tools > "$T/cppcheck.txt" 2>&1
st=$?
check_status "cppcheck finds nothing (see the findings above)" 0 "$st"
[ "$st" = 0 ] || cat "$T/cppcheck.txt" >&2
check "no finding printed" "" "$(grep -E ': (error|warning|performance|portability): ' "$T/cppcheck.txt" | head -5)"
finish
