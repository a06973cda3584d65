#!/bin/sh
# test_kiosk.sh -- the kiosk source plugin through `parscore aggregate`:
# exact per-unit press counts of the fixture, a bad muc_do as a named error,
# and on_error = "skip".
. "$PS_SOURCE/tests/e2e/lib.sh"
mktmp
FIX="$PS_SOURCE/tests/fixtures/survey"

job() {
  mkdir -p "$1"
  cat > "$1/job.lua" <<LUA
return {
  name = "kiosk test",
  period = "2025",
  scope = { "15" },
  sources = { { plugin = "kiosk", path = "$2"$3 } },
  rules = "national/index766",
  output = "out",
}
LUA
}
get() { awk -F '\t' -v u="$2" -v k="$3" '$1 == u && $2 == k { print $3 }' "$1"; }

job "$T/ok" "$FIX/kiosk.csv"
"$PARSCORE" aggregate "$T/ok/job.lua" > "$T/ok.tsv" 2> "$T/ok.err"
check_status "fixture aggregates" 0 $?
[ -s "$T/ok.err" ] && cat "$T/ok.err" >&2
# kiosk.csv: 02647 presses rat_hai_long x3 (lines 2,4,7), hai_long x2 (3,8),
#   binh_thuong x1 (5), khong_hai_long x1 (6) = 7;
#   02671 rat_hai_long x1 (11), hai_long x2 (9,12), khong_hai_long x2 (10,13) = 5;
#   15 = 12: level 1: 4, 2: 4, 3: 1, 4: 3.  Zero counts are not printed.
O="$T/ok.tsv"
for row in "02647 k.total 7" "02647 k.level.1 3" "02647 k.level.2 2" "02647 k.level.3 1" \
  "02647 k.level.4 1" "02671 k.total 5" "02671 k.level.1 1" "02671 k.level.2 2" \
  "02671 k.level.4 2" "15 k.total 12" "15 k.level.1 4" "15 k.level.2 4" "15 k.level.3 1" \
  "15 k.level.4 3"; do
  set -- $row
  check "$1 $2" "$3" "$(get "$O" "$1" "$2")"
done
check "02671 has no binh_thuong" "" "$(get "$O" 02671 k.level.3)"

# line 5 says so_so instead of binh_thuong
sed '5s/binh_thuong/so_so/' "$FIX/kiosk.csv" > "$T/level.csv"
job "$T/bad" "$T/level.csv"
"$PARSCORE" aggregate "$T/bad/job.lua" > /dev/null 2> "$T/bad.err"
check_status "bad muc_do is a data error" 4 $?
check_contains "bad muc_do named" '"so_so" is not a rating' "$T/bad.err"
check_contains "bad muc_do line" "level.csv:5" "$T/bad.err"

printf 'thoi_gian,ma_don_vi,muc_do,nut\n' > "$T/header.csv"
job "$T/hdr" "$T/header.csv"
"$PARSCORE" aggregate "$T/hdr/job.lua" > /dev/null 2> "$T/hdr.err"
check_status "bad header is a data error" 4 $?
check_contains "bad header named" "missing columns ma_quay; unknown columns nut" "$T/hdr.err"

# skip: the binh_thuong press of 02647 is dropped and counted
job "$T/skip" "$T/level.csv" ', on_error = "skip"'
"$PARSCORE" aggregate "$T/skip/job.lua" > "$T/skip.tsv" 2> "$T/skip.err"
check_status "skip mode succeeds" 0 $?
check "skip: 02647 total 7 - 1" 6 "$(get "$T/skip.tsv" 02647 k.total)"
check "skip: no level 3 left" "" "$(get "$T/skip.tsv" 15 k.level.3)"
check "skip: dq counted" 1 "$(get "$T/skip.tsv" 02647 dq.bad_kiosk_level)"
finish
