#!/bin/sh
# test_fuzz.sh -- runs the libFuzzer targets of tests/fuzz: first every
# saved crash input (tests/fuzz/regressions/<target>/, each must now pass),
# then PS_FUZZ_SECONDS (default 10) of fuzzing per target from a seed corpus
# made of the test fixtures.  Uses the fuzzers of a -DPS_FUZZ=ON build when
# PS_BUILD is one; else builds them with clang in $PS_BUILD/fuzz-build (once,
# then incrementally).  Exit 77 (skipped) without clang + libFuzzer, and in a
# sanitizer build (the normal build's run covers it).
#   make fuzz            five minutes per target
#   PS_FUZZ_TARGETS="fuzz_csv" PS_FUZZ_SECONDS=60 sh tests/fuzz/test_fuzz.sh
. "$PS_SOURCE/tests/e2e/lib.sh"
mktmp
SECS=${PS_FUZZ_SECONDS:-10}
TARGETS=${PS_FUZZ_TARGETS:-"fuzz_portal_xml fuzz_csv fuzz_survey_form fuzz_job fuzz_date fuzz_template fuzz_survey fuzz_kiosk fuzz_measures_csv fuzz_xlsx fuzz_rules"}
S="$PS_SOURCE"

if grep -q '^PS_FUZZ:BOOL=ON' "$PS_BUILD/CMakeCache.txt" 2>/dev/null; then
  FB="$PS_BUILD"
  cmake --build "$FB" --target fuzz_all -j 2 > "$T/build.log" 2>&1 || { cat "$T/build.log" >&2; exit 1; }
else
  if grep -q '^PS_SANITIZE:BOOL=ON' "$PS_BUILD/CMakeCache.txt" 2>/dev/null; then
    echo "skipped: sanitizer build (the fuzzers run from the normal build)"; exit 77
  fi
  printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' > "$T/probe.c"
  if ! command -v clang > /dev/null || ! clang -fsanitize=fuzzer,address "$T/probe.c" -o "$T/probe" 2> /dev/null; then
    echo "skipped: no clang with libFuzzer (Debian: clang libclang-rt-14-dev)"; exit 77
  fi
  FB="$PS_BUILD/fuzz-build"
  { [ -f "$FB/CMakeCache.txt" ] || cmake -S "$S" -B "$FB" -DPS_FUZZ=ON -DCMAKE_C_COMPILER=clang \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo; } > "$T/build.log" 2>&1 &&
    cmake --build "$FB" --target fuzz_all -j 2 >> "$T/build.log" 2>&1 ||
    { tail -30 "$T/build.log" >&2; echo "FAIL: building the fuzzers" >&2; exit 1; }
fi

# seeds TARGET DIR: the fixtures that exercise it
seeds() {
  case $1 in
    fuzz_portal_xml) cp "$S"/tests/fixtures/portal/*.xml "$2"/ ;;
    fuzz_csv) cp "$S"/tests/fixtures/survey/*.csv "$S/data/calendar-vn.csv" "$S/tests/fixtures/units-laocai.csv" "$2"/ ;;
    fuzz_survey_form) cp "$S/tests/fixtures/survey/form.xml" "$2"/ ;;
    fuzz_survey) printf 'x' > "$2/x"; cat "$2/x" "$S/tests/fixtures/survey/responses.csv" > "$2/responses-skip.csv"
      printf 'y' > "$2/y"; cat "$2/y" "$S/tests/fixtures/survey/responses.csv" > "$2/responses-fail.csv"; rm "$2/x" "$2/y" ;;
    fuzz_kiosk) printf 'x' | cat - "$S/tests/fixtures/survey/kiosk.csv" > "$2/kiosk-skip.csv"
      printf 'y' | cat - "$S/tests/fixtures/survey/kiosk.csv" > "$2/kiosk-fail.csv" ;;
    fuzz_measures_csv) for m in x y z; do printf '%s' "$m" | cat - "$S/tests/fixtures/measures/measures.csv" > "$2/measures-$m.csv"; done ;;
    fuzz_xlsx) xlsx_seeds "$2" ;;
    fuzz_template) cp "$S/templates/scorecard.xml" "$S/templates/summary.xml" "$2"/ ;;
    fuzz_job) for f in "$S"/tests/fuzz/seeds/job/*.lua; do cp "$f" "$2/"; done ;;
    fuzz_rules) for f in "$S"/tests/fuzz/seeds/rules/*.lua; do cp "$f" "$2/"; done ;;
    fuzz_date) cp "$S/data/calendar-vn.csv" "$2/"
      for v in 2025 2025-Q1 2025-03 2025-01-01..2025-06-30 2025-03-10T08:00:00 \
               "2025-03-10 08:00:00+07:00" 2024-02-29 2025-12-31T23:59:59+0700; do
        printf '%s' "$v" > "$2/$(printf '%s' "$v" | tr -c 'A-Za-z0-9' _)"
      done ;;
  esac
}

# xlsx_seeds DIR: fuzz_xlsx inputs, a mode byte then parts split at 0xFF
# (worksheet, shared strings, styles, workbook), from hand-built parts; and
# the libxlsxwriter fixture whole (mode 2)
TP="$PS_BUILD/test-plugins"
. "$S/tests/sources/xlsx_lib.sh"
xlsx_seeds() {
  STY='<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="9"/></cellXfs>'
  H='<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="inlineStr"><is><t>ngay</t></is></c><c r="E1" t="inlineStr"><is><r><t>tham_</t></r><r><t>dinh</t></r></is></c></row>'
  R='<row r="2"><c r="A2" t="inlineStr"><is><t>02647</t></is></c><c r="B2" t="s"><v>3</v></c><c r="C2" s="2"><v>0.955</v></c><c r="D2" s="1"><v>45731</v></c><c r="E2" t="b"><v>1</v></c></row><row r="3"><c r="A3" t="str"><f>A2</f><v>02671</v></c><c r="B3" t="s"><v>3</v></c><c r="C3" t="e"><v>#N/A</v></c></row>'
  book "$T/seed" "$H$R" '<si><t>ma_don_vi</t></si><si><t>ma_chi_tieu</t></si><si><t>tu_danh_gia</t></si><si><t>kpi</t><rPh><t>x</t></rPh></si>' "$STY" '<workbookPr date1904="1"/>'
  for m in 0 1; do
    { printf "\00$m"; cat "$T/seed/sheet.xml"; printf '\377'; cat "$T/seed/sst.xml"; printf '\377'; cat "$T/seed/styles.xml"; printf '\377'; cat "$T/seed/wb.xml"; } > "$1/parts-$m"
  done
  if [ -x "$TP/mkxlsx_measures" ] && "$TP/mkxlsx_measures" "$T/seed-w.xlsx"; then
    { printf '\002'; cat "$T/seed-w.xlsx"; } > "$1/whole"
  fi
}

for t in $TARGETS; do
  bin="$FB/fuzz/$t"
  [ -x "$bin" ] || { FAIL=$((FAIL+1)); echo "FAIL: $t not built" >&2; continue; }
  reg="$S/tests/fuzz/regressions/$t"
  if [ -d "$reg" ] && [ -n "$(ls -A "$reg")" ]; then
    "$bin" "$reg"/* > "$T/$t.reg.log" 2>&1
    st=$?; check_status "$t: saved crash inputs pass" 0 $st
    [ $st = 0 ] || tail -40 "$T/$t.reg.log" >&2
  fi
  mkdir -p "$T/corpus-$t" "$T/art-$t"
  seeds "$t" "$T/corpus-$t"
  # -rss_limit_mb: bounded memory is part of what is tested; the artifact
  # prefix keeps crash files in the temp dir (printed below when one appears)
  "$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$T/art-$t/" -print_final_stats=1 "$T/corpus-$t" > "$T/$t.log" 2>&1
  st=$?
  check_status "$t: $SECS s of fuzzing without a finding" 0 $st
  if [ $st != 0 ]; then
    grep -A30 'ERROR\|SUMMARY\|==[0-9]*==' "$T/$t.log" | head -60 >&2
    for a in "$T/art-$t"/*; do
      [ -f "$a" ] && { echo "crash input (base64), save it under tests/fuzz/regressions/$t/:" >&2; base64 "$a" | head -40 >&2; }
    done
  fi
  echo "$t: $(grep -E 'stat::number_of_executed_units' "$T/$t.log" | awk '{print $2}') runs"
done
finish
