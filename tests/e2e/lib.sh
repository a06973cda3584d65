# lib.sh -- shared helpers of the shell tests (sourced, not run).
# check NAME EXPECTED ACTUAL / check_contains NAME NEEDLE FILE / finish
PASS=0; FAIL=0
check() { if [ "$2" = "$3" ]; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); echo "FAIL: $1: expected [$2] got [$3]" >&2; fi; }
check_contains() { if grep -qF -- "$2" "$3"; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); echo "FAIL: $1: [$2] not in $3" >&2; fi; }
check_matches() { if grep -qE -- "$2" "$3"; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); echo "FAIL: $1: /$2/ not in $3" >&2; fi; }
check_not_contains() { if grep -qF -- "$2" "$3"; then FAIL=$((FAIL+1)); echo "FAIL: $1: [$2] unexpectedly in $3" >&2; else PASS=$((PASS+1)); fi; }
check_status() { if [ "$2" = "$3" ]; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); echo "FAIL: $1: exit status $3, want $2" >&2; fi; }
check_absent() { if [ -e "$2" ]; then FAIL=$((FAIL+1)); echo "FAIL: $1: $2 exists" >&2; else PASS=$((PASS+1)); fi; }
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }
mktmp() { T=$(mktemp -d "${TMPDIR:-/tmp}/parscore-test.XXXXXX"); trap 'rm -rf "$T"' EXIT; }
