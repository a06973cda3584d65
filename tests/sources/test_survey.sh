#!/bin/sh
# test_survey.sh -- the survey source plugin end to end through
# `parscore aggregate`: exact per-unit survey counters from the fixture
# (BOM, CRLF + one LF line, quoted commas/quotes/newlines in gop_y,
# criterion columns in another order than the form), then every bad input
# as a named error with a non-zero exit, then on_error = "skip".
. "$PS_SOURCE/tests/e2e/lib.sh"
mktmp
FIX="$PS_SOURCE/tests/fixtures/survey"

# job DIR FORM RESPONSES [EXTRA_OPTIONS] -- write DIR/job.lua
job() {
  mkdir -p "$1"
  cat > "$1/job.lua" <<LUA
return {
  name = "survey test",
  period = "2025",
  scope = { "15" },
  sources = { { plugin = "survey", form = "$2", responses = "$3"$4 } },
  rules = "national/index766",
  output = "out",
}
LUA
}
# get FILE UNIT KEY -- the value of one aggregate line ("" when absent)
get() { awk -F '\t' -v u="$2" -v k="$3" '$1 == u && $2 == k { print $3 }' "$1"; }

# ---- the fixture ----------------------------------------------------------
job "$T/ok" "$FIX/form.xml" "$FIX/responses.csv"
"$PARSCORE" aggregate "$T/ok/job.lua" > "$T/ok.tsv" 2> "$T/ok.err"
check_status "fixture aggregates" 0 $?
[ -s "$T/ok.err" ] && cat "$T/ok.err" >&2

# Answers per respondent in FORM order TCDV1 TCDV2 CC1 CC2 | overall ("-" blank);
# satisfied = answer >= 4 (HaiLongTu).
#  02647: P01 5 4 5 5|5  P02 4 3 4 -|4  P03 2 2 3 1|2  P04 - 5 5 4|5
#         P05 3 4 - 5|-  P06 5 5 5 5|5  P07 1 - - -|1  P08 4 4 4 3|3
#    respondents 8; overall answered 7 (all but P05), satisfied 4 (P01 P02 P04 P06)
#    TCDV1 answered 7 (not P04) satisfied 4 (5,4,5,4: P01 P02 P06 P08)
#    TCDV2 answered 7 (not P07) satisfied 5 (P01 4, P04 5, P05 4, P06 5, P08 4)
#    CC1   answered 6 (not P05 P07) satisfied 5 (P01 5, P02 4, P04 5, P06 5, P08 4)
#    CC2   answered 6 (not P02 P07) satisfied 4 (P01 5, P04 4, P05 5, P06 5)
#  02671: P09 5 5 4 4|4  P10 3 3 3 3|3  P11 - - - -|5  P12 4 5 2 5|4
#         P13 2 4 5 -|-  P14 5 1 4 4|4  P15 4 4 4 4|5
#    respondents 7; overall answered 6 (not P13), satisfied 5 (P09 P11 P12 P14 P15)
#    TCDV1 answered 6 (not P11) satisfied 4 (P09 5, P12 4, P14 5, P15 4)
#    TCDV2 answered 6 (not P11) satisfied 4 (P09 5, P12 5, P13 4, P15 4)
#    CC1   answered 6 (not P11) satisfied 4 (P09 4, P13 5, P14 4, P15 4)
#    CC2   answered 5 (not P11 P13) satisfied 4 (P09 4, P12 5, P14 4, P15 4)
#  15 (province, sum of both): respondents 15; overall 13/9; TCDV1 13/8;
#    TCDV2 13/9; CC1 12/9; CC2 11/8
O="$T/ok.tsv"
for row in \
  "02647 s.respondents 8" "02647 s.overall_answered 7" "02647 s.overall_satisfied 4" \
  "02647 s.answered.TCDV1 7" "02647 s.satisfied.TCDV1 4" \
  "02647 s.answered.TCDV2 7" "02647 s.satisfied.TCDV2 5" \
  "02647 s.answered.CC1 6" "02647 s.satisfied.CC1 5" \
  "02647 s.answered.CC2 6" "02647 s.satisfied.CC2 4" \
  "02671 s.respondents 7" "02671 s.overall_answered 6" "02671 s.overall_satisfied 5" \
  "02671 s.answered.TCDV1 6" "02671 s.satisfied.TCDV1 4" \
  "02671 s.answered.TCDV2 6" "02671 s.satisfied.TCDV2 4" \
  "02671 s.answered.CC1 6" "02671 s.satisfied.CC1 4" \
  "02671 s.answered.CC2 5" "02671 s.satisfied.CC2 4" \
  "15 s.respondents 15" "15 s.overall_answered 13" "15 s.overall_satisfied 9" \
  "15 s.answered.TCDV1 13" "15 s.satisfied.TCDV1 8" \
  "15 s.answered.TCDV2 13" "15 s.satisfied.TCDV2 9" \
  "15 s.answered.CC1 12" "15 s.satisfied.CC1 9" \
  "15 s.answered.CC2 11" "15 s.satisfied.CC2 8"; do
  set -- $row
  check "$1 $2" "$3" "$(get "$O" "$1" "$2")"
done
check_not_contains "no data-quality issue in the fixture" "	dq." "$O"

# ngay reaches the core: a response of 2024 falls outside the period "2025"
{ cat "$FIX/responses.csv"; printf 'P16,02647,2024-12-31,giay,,5,5,5,5,x,5\n'; } > "$T/late.csv"
job "$T/late" "$FIX/form.xml" "$T/late.csv"
"$PARSCORE" aggregate "$T/late/job.lua" > "$T/late.tsv" 2> "$T/late.err"
check_status "2024 response read" 0 $?
check "2024 response not counted" 8 "$(get "$T/late.tsv" 02647 s.respondents)"
check "2024 response was emitted" 16 "$(get "$T/late.tsv" '*' records.survey_response)"

# ---- bad inputs: each a named error and a non-zero exit ----------------------
# bad NAME TEXT FORM RESPONSES [EXTRA] -- expect exit 4 (input data error)
# and a message mentioning TEXT
bad() {
  job "$T/$1" "$3" "$4" "$5"
  "$PARSCORE" aggregate "$T/$1/job.lua" > "$T/$1.out" 2> "$T/$1.err"
  check_status "$1 exit" 4 $?
  check_contains "$1 message" "$2" "$T/$1.err"
}
R="$FIX/responses.csv"
HDR='ma_phieu,ma_don_vi,ngay,kenh,ma_tthc,TCDV1,TCDV2,CC1,CC2,hai_long_chung,gop_y'

# the quote opened on line 3 (P02's gop_y) is never closed
printf '%s\nP01,02647,2025-01-15,giay,,5,5,5,5,5,ok\nP02,02647,2025-01-16,giay,,4,4,4,4,4,"never closed\nP03,02647,2025-01-17,giay,,4,4,4,4,4,x\n' "$HDR" > "$T/unterminated.csv"
bad unterminated "quote opened at line 3" "$FIX/form.xml" "$T/unterminated.csv"
check_contains "unterminated names the file and line" "unterminated.csv:3" "$T/unterminated.err"

printf '%s\nP01,02647,2025-01-15,giay,,5,5,5,5,5,a\000b\n' "$HDR" > "$T/nul.csv"
bad nul "NUL byte" "$FIX/form.xml" "$T/nul.csv"
check_contains "nul names line 2" "nul.csv:2" "$T/nul.err"

# a 15 MB gop_y on line 3: refused at the 1 MiB record cap, memory stays small
{ printf '%s\nP01,02647,2025-01-15,giay,,5,5,5,5,5,ok\nP02,02647,2025-01-16,giay,,4,4,4,4,4,' "$HDR"
  head -c 15000000 /dev/zero | tr '\0' x; printf '\n'; } > "$T/huge.csv"
bad huge "longer than 1048576 bytes" "$FIX/form.xml" "$T/huge.csv"
check_contains "huge names line 3" "huge.csv:3" "$T/huge.err"

printf '%s\nP01,02647,2025-01-15,giay,,5,5,5,5,5,ok\nP02,02647,2025-01-16,giay,,4,4,4,4,4,Tốt, nhanh\n' "$HDR" > "$T/width.csv"
bad width "12 fields, the header has 11" "$FIX/form.xml" "$T/width.csv"
check_contains "width names line 3" "width.csv:3" "$T/width.err"

printf '\377\376m\000a\000,\000' > "$T/utf16.csv"
bad utf16 "file is UTF-16, save as UTF-8" "$FIX/form.xml" "$T/utf16.csv"

sed '1s/,TCDV2,/,/; 1s/,CC1,/,/' "$R" | sed '2,$d' > "$T/missing.csv"
# header only: a header problem is reported before any row is read
bad missing "columns missing for criteria TCDV2, CC1 (the form SIPAS-HUE-2025 has TCDV1, TCDV2, CC1, CC2)" "$FIX/form.xml" "$T/missing.csv"
check_contains "missing names line 1" "missing.csv:1" "$T/missing.err"

printf '%s,X9\n' "$HDR" > "$T/extra.csv"
bad extra "unknown columns X9 (the form SIPAS-HUE-2025" "$FIX/form.xml" "$T/extra.csv"

# P06 (line 10 of the fixture: P03 and P05 span 2 and 3 lines) answers CC1 = 7
sed 's/^P06,02647,2025-06-18,truc_tuyen,2.000123,5,/P06,02647,2025-06-18,truc_tuyen,2.000123,7,/' "$R" > "$T/seven.csv"
bad seven 'column CC1: answer "7" is outside the scale 1..5' "$FIX/form.xml" "$T/seven.csv"
check_contains "seven names line 10" "seven.csv:10" "$T/seven.err"

sed 's/^P10,02671,2025-02-14,truc_tuyen,/P10,02671,2025-02-14,fax,/' "$R" > "$T/kenh.csv"
bad kenh '"fax" is not a channel' "$FIX/form.xml" "$T/kenh.csv"
check_contains "kenh names line 14" "kenh.csv:14" "$T/kenh.err"

printf '%s\nP01,02647,2025-01-15,giay,,5,5,5,5,5,"x"y\n' "$HDR" > "$T/afterquote.csv"
bad afterquote "text after the closing quote" "$FIX/form.xml" "$T/afterquote.csv"

printf '%s\nP01,02647,2025-01-15,giay,,5,5,5,5,5,"Ph\341\272"\n' "$HDR" > "$T/badutf8.csv"
bad badutf8 "invalid UTF-8" "$FIX/form.xml" "$T/badutf8.csv"

cat > "$T/doctype.xml" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE BieuMauKhaoSat [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>
<BieuMauKhaoSat xmlns="urn:vn:khaosat:1" Ma="X" Ten="&b;"><ThangDo Min="1" Max="5" HaiLongTu="4"/></BieuMauKhaoSat>
XML
bad doctype "must not declare a DTD" "$T/doctype.xml" "$R"

sed 's/ xmlns="urn:vn:khaosat:1"//' "$FIX/form.xml" > "$T/nons.xml"
bad nons 'expected <BieuMauKhaoSat xmlns="urn:vn:khaosat:1">' "$T/nons.xml" "$R"

bad notxml "not well-formed XML" "$FIX/responses.csv" "$R"

# ---- on_error = "skip": P06 (CC1=7, 02647) and P10 (kenh=fax, 02671) dropped
sed 's/^P10,02671,2025-02-14,truc_tuyen,/P10,02671,2025-02-14,fax,/' "$T/seven.csv" > "$T/two_bad.csv"
job "$T/skip" "$FIX/form.xml" "$T/two_bad.csv" ', on_error = "skip"'
"$PARSCORE" aggregate "$T/skip/job.lua" > "$T/skip.tsv" 2> "$T/skip.err"
check_status "skip mode succeeds" 0 $?
S="$T/skip.tsv"
check "skip: 02647 respondents 8 - P06" 7 "$(get "$S" 02647 s.respondents)"
check "skip: 02671 respondents 7 - P10" 6 "$(get "$S" 02671 s.respondents)"
check "skip: 15 respondents" 13 "$(get "$S" 15 s.respondents)"
# P06 answered 5 everywhere: 02647 CC1 6/5 -> 5/4; P10 answered 3: 02671 CC1 6/4 -> 5/4
check "skip: 02647 answered CC1" 5 "$(get "$S" 02647 s.answered.CC1)"
check "skip: 02647 satisfied CC1" 4 "$(get "$S" 02647 s.satisfied.CC1)"
check "skip: 02671 answered CC1" 5 "$(get "$S" 02671 s.answered.CC1)"
check "skip: 02671 satisfied CC1" 4 "$(get "$S" 02671 s.satisfied.CC1)"
check "skip: dq out of scale at 02647" 1 "$(get "$S" 02647 dq.survey_answer_out_of_scale)"
check "skip: dq bad channel at 02671" 1 "$(get "$S" 02671 dq.survey_bad_channel)"
check "skip: dq out of scale at 15" 1 "$(get "$S" 15 dq.survey_answer_out_of_scale)"

job "$T/badopt" "$FIX/form.xml" "$R" ', on_error = "ignore"'
"$PARSCORE" aggregate "$T/badopt/job.lua" > /dev/null 2> "$T/badopt.err"
check_status "bad on_error is a config error" 3 $?
check_contains "bad on_error named" 'use "fail" or "skip"' "$T/badopt.err"

finish
