#!/bin/sh
# test_portal_xml.sh -- the portal_xml source plugin through `parscore
# aggregate`: exact per-unit counters of the Lào Cai fixture (with and
# without schema validation), its options, the XSD found beside the plugin,
# a multi-batch generated export, and hostile inputs that must each stop
# with a named error, a non-zero exit and in bounded time.
. "$PS_SOURCE/tests/e2e/lib.sh"
mktmp
FIX="$PS_SOURCE/tests/fixtures/portal"
XSD="$PS_SOURCE/plugins/portal_xml/dvcqg-export.xsd"

# job DIR XML [EXTRA-OPTIONS]
job() {
  mkdir -p "$1"
  cat > "$1/job.lua" <<LUA
return {
  name = "portal test",
  period = "2025",
  scope = { "15" },
  sources = { { plugin = "portal_xml", path = "$2"$3 } },
  rules = "national/index766",
  output = "out",
}
LUA
}
get() { awk -F '\t' -v u="$2" -v k="$3" '$1 == u && $2 == k { print $3 }' "$1"; }
# the dossier/feedback/publicity counters of one unit, as "KEY=VALUE ..."
counters() {
  awk -F '\t' -v u="$2" '$1 == u && $2 ~ /^[dfp]\./ { printf "%s%s=%s", s, $2, $3; s = " " }' "$1"
}
# run NAME EXPECTED-EXIT: aggregate $T/NAME/job.lua with a time bound
run() {
  timeout 60 "$PARSCORE" aggregate "$T/$1/job.lua" > "$T/$1.out" 2> "$T/$1.err"
  st=$?
  check_status "$1: exit status" "$2" "$st"
}

# ---- the XSD is a real schema and accepts the fixture -----------------
if command -v xmllint > /dev/null; then
  xmllint --noout --schema "$XSD" "$FIX/export-laocai.xml" 2> "$T/xmllint.err"
  check_status "xmllint accepts the fixture" 0 $?
else
  echo "note: xmllint missing (libxml2-utils), schema cross-check skipped" >&2
fi
check "XSD copied beside the built plugin" yes \
  "$([ -f "$PS_PLUGIN_DIR/dvcqg-export.xsd" ] && echo yes)"

# ---- exact counters ---------------------------------------------------
# Hand computation, period 2025 (last day 2025-12-31).  Status groups:
# finished {7,9,10}, in progress {2,4}, paused {5,6,8}, not received {1,3}.
# 02647 (Phường Lào Cai):
#   A1 ch2 L4 st10 due 03-14 fin 03-13 -> on time; returned 03-13 (on time);
#      paid 1, input 1, result 1, synced 1, rating 1
#   A2 ch1 L4 st9  due 04-03 fin 04-07 -> late; apology; input 0 result 0;
#      synced 1; rating 4
#   A3 ch2 L3 st10 due 05-09 fin 05-12 -> late, no apology; returned 05-12
#      (late); synced 0; rating 3
#   A4 ch3 L3 st4  due 2026-01-10 -> in progress within; synced 1
#   A5 ch1    st2  due 06-10 -> in progress over; synced 0
#   A6 ch2 L4 st5  -> paused; synced 1
#   A7 st1, A8 st3 -> not received; A10 received 2024-12-30 -> not in period
#   A9 ch2 L4 st7  no due -> finished on time; synced 1; rating 2
#   A11 ch1   st8  -> paused; no DongBoDungHan (unknown: not synced)
#   A12 ch2 L4 st10 due 11-05 fin 11-05 16:59 -> on time (same day);
#      returned 11-06 (late); input 1, result 1, synced 1
#   received 9 = A1 A2 A3 A4 A5 A6 A9 A11 A12; channels 1: A2 A5 A11 = 3,
#   2: A1 A3 A6 A9 A12 = 5, 3: A4 = 1; finished 5 (on time A1 A9 A12 = 3,
#   late A2 A3 = 2); in progress 2 (within 1, over 1); paused 2; synced
#   A1 A2 A4 A6 A9 A12 = 6; level 4: A1 A2 A6 A9 A12 = 5, online A1 A6 A9
#   A12 = 4; level 3: A3 A4 = 2, online A3 = 1; finished with a result
#   document (no catalogue: all) 5, digitised A1 A12 = 2; input digitised
#   A1 A12 = 2; late = 2 finished late + 1 overdue = 3, with apology A2 = 1;
#   apology 1; returned A1 A3 A12 = 3, late A3 A12 = 2; rated A1 A2 A3 A9 =
#   4, one each of 1..4; handled ok (finished on time, not rated 4) A1 A9
#   A12 = 3.
#   Feedback: 101 answered 05-10 <= 05-12 satisfied; 102 answered 06-16 >
#   06-10 unsatisfied; 103 unanswered, due 2026-01-09 -> within.
D02647="d.received=9 d.channel.1=3 d.channel.2=5 d.channel.3=1 d.finished=5 \
d.finished_on_time=3 d.finished_late=2 d.in_progress=2 d.in_progress_within=1 \
d.in_progress_over=1 d.paused=2 d.synced=6 d.level4_received=5 d.level4_online=4 \
d.level3_received=2 d.level3_online=1 d.result_doc_finished=5 d.result_digitized=2 \
d.input_digitized=2 d.late=3 d.late_with_apology=1 d.apology=1 d.returned=3 \
d.returned_late=2 d.rated=4 d.rating.1=1 d.rating.2=1 d.rating.3=1 d.rating.4=1 \
d.handled_ok=3 f.received=3 f.answered=2 f.answered_on_time=1 f.answered_late=1 \
f.unanswered_within=1 f.rated_satisfied=1 f.rated_unsatisfied=1 f.handled_ok=1 \
p.reports=1 p.must_announce=120 p.announced_on_time=118 p.must_update=40 \
p.updated_on_time=39 p.published=350 p.published_full=350"
# 02671 (Phường Cam Đường):
#   B1 ch2 L4 st10 on time, returned on time, paid 1, synced 1, rating 1
#   B2 ch1 L4 st9 due 03-05 fin 03-06 -> late with apology (+07:00 dates)
#   B3 ch2 L3 st6 paused, synced 0
#   B4 ch1 st4 no due -> within; B7 ch3 st2 due 12-31 = last day -> within
#   B5 ch2 L3 st10 on time, input 1 result 1, returned on time, rating 4
#   B6 ch1 st9 due 07-09, no NgayKetThucXuLy -> late
#   B8 NgayTiepNhan 2025-02-30: a schema-valid string the core counts as
#      dq.bad_date; not received
#   received 7 (B1..B7); channels 1: B2 B4 B6 = 3, 2: B1 B3 B5 = 3, 3: B7;
#   finished B1 B2 B5 B6 = 4 (on time B1 B5, late B2 B6); in progress B4 B7
#   = 2, both within; paused 1; synced 6 (all but B3); level 4: B1 B2 = 2,
#   online B1 = 1; level 3: B3 B5 = 2, both online; result documents 4,
#   digitised B5 = 1; input B5 = 1; late 2, with apology B2 = 1; apology 1;
#   returned B1 B5 = 2, none late; rated B1 B5 = 2 (rating 1, rating 4);
#   handled ok B1 = 1 (B5 was rated 4).
#   Feedback: 201 unanswered, due 03-12 passed -> over; 202 answered 04-09
#   <= 04-10, not rated -> on time.
D02671="d.received=7 d.channel.1=3 d.channel.2=3 d.channel.3=1 d.finished=4 \
d.finished_on_time=2 d.finished_late=2 d.in_progress=2 d.in_progress_within=2 \
d.paused=1 d.synced=6 d.level4_received=2 d.level4_online=1 d.level3_received=2 \
d.level3_online=2 d.result_doc_finished=4 d.result_digitized=1 d.input_digitized=1 \
d.late=2 d.late_with_apology=1 d.apology=1 d.returned=2 d.rated=2 d.rating.1=1 \
d.rating.4=1 d.handled_ok=1 f.received=2 f.answered=1 f.answered_on_time=1 \
f.unanswered_over=1 f.handled_ok=1 p.reports=1 p.must_announce=100 \
p.announced_on_time=90 p.must_update=20 p.updated_on_time=20 p.published=300 \
p.published_full=270"
# 15 = 02647 + 02671 (no other unit of Lào Cai has records).
D15="d.received=16 d.channel.1=6 d.channel.2=8 d.channel.3=2 d.finished=9 \
d.finished_on_time=5 d.finished_late=4 d.in_progress=4 d.in_progress_within=3 \
d.in_progress_over=1 d.paused=3 d.synced=12 d.level4_received=7 d.level4_online=5 \
d.level3_received=4 d.level3_online=3 d.result_doc_finished=9 d.result_digitized=3 \
d.input_digitized=3 d.late=5 d.late_with_apology=2 d.apology=2 d.returned=5 \
d.returned_late=2 d.rated=6 d.rating.1=2 d.rating.2=1 d.rating.3=1 d.rating.4=2 \
d.handled_ok=4 f.received=5 f.answered=3 f.answered_on_time=2 f.answered_late=1 \
f.unanswered_within=1 f.unanswered_over=1 f.rated_satisfied=1 f.rated_unsatisfied=1 \
f.handled_ok=2 p.reports=2 p.must_announce=220 p.announced_on_time=208 \
p.must_update=60 p.updated_on_time=59 p.published=650 p.published_full=620"

for v in true false; do
  job "$T/fix-$v" "$FIX/export-laocai.xml" ", validate = $v"
  run "fix-$v" 0
  [ -s "$T/fix-$v.err" ] && cat "$T/fix-$v.err" >&2
  O="$T/fix-$v.out"
  check "validate=$v: 02647" "$D02647" "$(counters "$O" 02647)"
  check "validate=$v: 02671" "$D02671" "$(counters "$O" 02671)"
  check "validate=$v: 15" "$D15" "$(counters "$O" 15)"
  # all 20 HoSo, 5 PAKN and 2 CongKhai reach the core
  check "validate=$v: dossiers emitted" 20 "$(get "$O" '*' records.dossier)"
  check "validate=$v: feedback emitted" 5 "$(get "$O" '*' records.feedback)"
  check "validate=$v: publicity emitted" 2 "$(get "$O" '*' records.publicity)"
  check "validate=$v: bad date is data quality" 1 "$(get "$O" 02671 dq.bad_date)"
done

# ---- options ----------------------------------------------------------
job "$T/prov-ok" "$FIX/export-laocai.xml" ', province = "15"'
run prov-ok 0
job "$T/prov-bad" "$FIX/export-laocai.xml" ', province = "01"'
run prov-bad 4
check_contains "province mismatch named" 'MaTinh="15" but the job says province = "01"' "$T/prov-bad.err"

job "$T/schema-missing" "$FIX/export-laocai.xml" ', validate = true, schema = "no-such.xsd"'
run schema-missing 3
check_contains "missing schema named" "no-such.xsd" "$T/schema-missing.err"
printf '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">\n<xs:element name="x" type="nosuch"/>\n</xs:schema>\n' \
  > "$T/broken.xsd"
job "$T/schema-broken" "$FIX/export-laocai.xml" ", validate = true, schema = \"$T/broken.xsd\""
run schema-broken 3
check_contains "broken schema named" "broken.xsd:2" "$T/schema-broken.err"
check_contains "broken schema said" "is not a usable XSD" "$T/schema-broken.err"
job "$T/schema-given" "$FIX/export-laocai.xml" ", validate = true, schema = \"$XSD\""
run schema-given 0

# The plugin finds its XSD beside its own .so (dladdr), wherever it lives;
# without validate = true it does not look for it.
mkdir -p "$T/plug"
cp "$PS_PLUGIN_DIR/portal_xml.so" "$T/plug/"
job "$T/nextto-default" "$FIX/export-laocai.xml"
timeout 60 "$PARSCORE" aggregate --plugin-dir "$T/plug" "$T/nextto-default/job.lua" > "$T/nextto-default.out" 2> "$T/nextto-default.err"
check_status "no XSD beside the plugin, validate off by default: read" 0 $?
check "no XSD, validate off: same counters" "$D15" "$(counters "$T/nextto-default.out" 15)"
job "$T/nextto" "$FIX/export-laocai.xml" ", validate = true"
timeout 60 "$PARSCORE" aggregate --plugin-dir "$T/plug" "$T/nextto/job.lua" > /dev/null 2> "$T/nextto.err"
check_status "no XSD beside the plugin: config error" 3 $?
check_contains "the XSD path is named" "$T/plug/dvcqg-export.xsd" "$T/nextto.err"
cp "$XSD" "$T/plug/"
timeout 60 "$PARSCORE" aggregate --plugin-dir "$T/plug" "$T/nextto/job.lua" > "$T/nextto.out" 2> "$T/nextto.err"
check_status "XSD beside the plugin: found" 0 $?
check "XSD beside the plugin: same counters" "$D15" "$(counters "$T/nextto.out" 15)"

# ---- one dossier, two sources ---------------------------------------------
# overlap.xml holds copies of the one-stop fixture's A1, A2, B1 and feedback
# 101 with conflicting fields, and P1 that only the portal has.  The portal
# is listed first in the job: precedence (database 10, portal 20), not job
# order, decides that the database wins field by field, so A1 stays an
# online finished dossier rated 1 and feedback 101 stays satisfied; the
# portal only adds DongBoDungHan.  Hand computation against the database
# alone: 02647 d.synced 0 -> 1 (A1; A2 says 0), nothing else changes;
# 02671 d.synced 0 -> 2 (B1, P1) and P1 counts in full: received 9 -> 10,
# channel 2 4 -> 5, finished 7 -> 8, on time 5 -> 6, level 4 (KS) 7 -> 8,
# online 4 -> 5, input/result digitised 4 -> 5 / 3 -> 4, returned 5 -> 6,
# handled ok 4 -> 5; P1 took 2 working days (Fri 09-05 -> Tue 09-09) of
# KS's 3: cut 1/3 >= 30%, cut_sum 1.6000 -> 1.9333, days_sum 16 -> 18.
# Duplicates: 3 dossiers + 1 feedback = 4.
if command -v sqlite3 > /dev/null; then
  sqlite3 "$T/small.db" < "$PS_SOURCE/tests/fixtures/onestop/small.sql"
  mkdir -p "$T/db" "$T/both"
  cat > "$T/db/job.lua" <<LUA
return { name = "db", period = "2025", scope = { "15" }, rules = "national/index766",
  sources = { { plugin = "onestop_sqlite", path = "$T/small.db" } } }
LUA
  cat > "$T/both/job.lua" <<LUA
return { name = "both", period = "2025", scope = { "15" }, rules = "national/index766",
  sources = { { plugin = "portal_xml", path = "$FIX/overlap.xml" },
              { plugin = "onestop_sqlite", path = "$T/small.db" } } }
LUA
  run db 0
  run both 0
  B="$T/both.out"; D="$T/db.out"
  check "two sources: 02647 only gains synced" \
    "$(counters "$D" 02647)" "$(counters "$B" 02647 | sed 's/ d.synced=1//')"
  check "two sources: 02647 synced" 1 "$(get "$B" 02647 d.synced)"
  check "two sources: 02671 synced" 2 "$(get "$B" 02671 d.synced)"
  check "two sources: 15 synced" 3 "$(get "$B" 15 d.synced)"
  for row in "d.received 9 10" "d.channel.2 4 5" "d.finished 7 8" "d.finished_on_time 5 6" \
    "d.level4_received 7 8" "d.level4_online 4 5" "d.input_digitized 4 5" \
    "d.result_digitized 3 4" "d.returned 5 6" "d.handled_ok 4 5" "d.cut_n 6 7" \
    "d.cut_ge30 3 4" "d.cut_sum 1.6000 1.9333" "d.days_sum 16 18"; do
    set -- $row
    check "two sources: 02671 $1 database alone" "$2" "$(get "$D" 02671 "$1")"
    check "two sources: 02671 $1 with P1" "$3" "$(get "$B" 02671 "$1")"
  done
  fb() { awk -F '\t' '$2 ~ /^f\./' "$1"; }
  check "two sources: feedback lines (02647 8, 02671 5, 15 9)" 22 "$(fb "$D" | wc -l)"
  check "two sources: feedback unchanged" "$(fb "$D")" "$(fb "$B")"
  check "two sources: duplicates" 4 "$(get "$B" '*' duplicates)"
else
  echo "note: sqlite3 CLI missing, two-source check skipped" >&2
fi

# ---- many batches ------------------------------------------------------
# 4000 dossiers over 3 communes (16 batches of 256), 400 feedback items;
# dossier 3900 (line > 65535, past libxml2's 16-bit element lines) carries a
# bad status in a second copy.
sh "$FIX/gen-export.sh" 4000 02647 02671 02680 > "$T/gen.xml"
job "$T/gen" "$T/gen.xml"
run gen 0
check "generated: every dossier emitted" 4000 "$(get "$T/gen.out" '*' records.dossier)"
check "generated: every feedback emitted" 400 "$(get "$T/gen.out" '*' records.feedback)"
check "generated: every publicity emitted" 3 "$(get "$T/gen.out" '*' records.publicity)"
line=$(grep -n '<MaHoSo>G15[.0-9]*-2025[0-9]*-0003900<' "$T/gen.xml" | cut -d: -f1)
line=$((line + 5)) # MaHoSo, MaTTHC, MaDonViTiepNhan, KenhThucHien, MucDo, TrangThaiHoSo
awk -v n="$line" 'NR == n { sub(/<TrangThaiHoSo>[0-9]+</, "<TrangThaiHoSo>9a<") } { print }' \
  "$T/gen.xml" > "$T/gen-bad.xml"
for v in true false; do
  job "$T/genbad-$v" "$T/gen-bad.xml" ", validate = $v"
  run "genbad-$v" 4
  check_contains "generated bad status, validate=$v: line" "gen-bad.xml:$line:" "$T/genbad-$v.err"
  check_contains "generated bad status, validate=$v: element" "TrangThaiHoSo" "$T/genbad-$v.err"
done

# ---- hostile inputs ----------------------------------------------------
HDR='<?xml version="1.0" encoding="UTF-8"?>'
ROOT='<DuLieuCongDVCQG xmlns="urn:vn:dvcqg:xuatdulieu:1" MaTinh="15" TuNgay="2025-01-01" DenNgay="2025-12-31">'
# hostile NAME EXIT NEEDLE...: run with validation on and off; every
# NEEDLE must be in the error
hostile() {
  name=$1; want=$2; shift 2
  for v in true false; do
    job "$T/$name-$v" "$T/$name.xml" ", validate = $v"
    run "$name-$v" "$want"
    for needle in "$@"; do
      check_contains "$name validate=$v: $needle" "$needle" "$T/$name-$v.err"
    done
    check_not_contains "$name validate=$v: no counters printed" "d.received" "$T/$name-$v.out"
  done
}

# billion laughs: refused at the DOCTYPE, before any entity is declared
{
  echo "$HDR"
  echo '<!DOCTYPE DuLieuCongDVCQG ['
  echo ' <!ENTITY l0 "lol">'
  i=1
  while [ $i -le 9 ]; do
    p=$((i - 1))
    echo " <!ENTITY l$i \"&l$p;&l$p;&l$p;&l$p;&l$p;&l$p;&l$p;&l$p;&l$p;&l$p;\">"
    i=$((i + 1))
  done
  echo ']>'
  echo "$ROOT<HoSo><MaHoSo>&l9;</MaHoSo></HoSo></DuLieuCongDVCQG>"
} > "$T/laughs.xml"
hostile laughs 4 "laughs.xml:2:1: !DOCTYPE:" "DOCTYPE (DTD) is not allowed"

# external entity: /etc/passwd must never be read into any output
{
  echo "$HDR"
  echo '<!DOCTYPE DuLieuCongDVCQG [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>'
  echo "$ROOT"
  echo '<HoSo><MaHoSo>&xxe;</MaHoSo><MaTTHC>1</MaTTHC><MaDonViTiepNhan>02647</MaDonViTiepNhan><KenhThucHien>1</KenhThucHien><TrangThaiHoSo>2</TrangThaiHoSo><NgayTiepNhan>2025-03-03</NgayTiepNhan></HoSo>'
  echo '</DuLieuCongDVCQG>'
} > "$T/xxe.xml"
hostile xxe 4 "xxe.xml:2:1: !DOCTYPE:" "DOCTYPE (DTD) is not allowed"
for v in true false; do
  check_not_contains "xxe validate=$v: no passwd in stdout" "root:x:0" "$T/xxe-$v.out"
  check_not_contains "xxe validate=$v: no passwd in stderr" "root:x:0" "$T/xxe-$v.err"
done

# an external DTD, after a comment in the prolog
printf '%s\n<!-- exported -->\n<!DOCTYPE DuLieuCongDVCQG SYSTEM "http://example.invalid/dvcqg.dtd">\n%s</DuLieuCongDVCQG>\n' \
  "$HDR" "$ROOT" > "$T/dtd.xml"
hostile dtd 4 "dtd.xml:3:1: !DOCTYPE:" "DOCTYPE (DTD) is not allowed"

# 10,000 nested elements: the schema refuses the first nested HoSo, and so
# does the reader's own structure check (the depth limit is a backstop)
{
  echo "$HDR"; echo "$ROOT"
  awk 'BEGIN { for (i = 0; i < 10000; i++) printf "<HoSo>"; for (i = 0; i < 10000; i++) printf "</HoSo>"; print "" }'
  echo '</DuLieuCongDVCQG>'
} > "$T/deep.xml"
job "$T/deep-true" "$T/deep.xml" ", validate = true"
run deep-true 4
check_contains "deep validate=true: named" "deep.xml:3:" "$T/deep-true.err"
check_contains "deep validate=true: element" "HoSo': This element is not expected" "$T/deep-true.err"
job "$T/deep-false" "$T/deep.xml" ", validate = false"
run deep-false 4
check_contains "deep validate=false: named" "deep.xml:3" "$T/deep-false.err"
check_contains "deep validate=false: structure" "deep.xml:3:12: HoSo: element HoSo is not a HoSo field" "$T/deep-false.err"

# truncated: the fixture cut after line 40 (inside dossier A2)
head -n 40 "$FIX/export-laocai.xml" > "$T/trunc.xml"
hostile trunc 4 "trunc.xml:40:" "it is truncated"

# invalid UTF-8: a 0xFF byte in the apology reason of A2 (line 44)
ff=$(printf '\377')
sed "44s/Chờ/Ch$ff/" "$FIX/export-laocai.xml" > "$T/utf8.xml"
hostile utf8 4 "utf8.xml:44:" "not proper UTF-8"

# wrong namespace
sed 's/urn:vn:dvcqg:xuatdulieu:1/urn:vn:dvcqg:xuatdulieu:2/' "$FIX/export-laocai.xml" > "$T/ns.xml"
job "$T/ns-true" "$T/ns.xml" ", validate = true"
run ns-true 4
check_contains "ns validate=true: named" "ns.xml:5:" "$T/ns-true.err"
check_contains "ns validate=true: root" "DuLieuCongDVCQG': No matching global declaration" "$T/ns-true.err"
job "$T/ns-false" "$T/ns.xml" ", validate = false"
run ns-false 4
check_contains "ns validate=false: named" "ns.xml:5" "$T/ns-false.err"
check_contains "ns validate=false: says why" "not a DVCQG portal export" "$T/ns-false.err"

# a 2 MiB attribute value
{
  echo "$HDR"; echo "$ROOT"
  printf '<CongKhai MaDonVi="'
  awk 'BEGIN { s = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"; for (i = 0; i < 32768; i++) printf "%s", s }'
  echo '" TTHCPhaiCongBo="1" TTHCCongBoDungHan="1" TTHCPhaiCapNhat="1" TTHCCapNhatDungHan="1" TTHCCongKhai="1" TTHCCongKhaiDayDu="1"/>'
  echo '</DuLieuCongDVCQG>'
} > "$T/hugeattr.xml"
hostile hugeattr 4 "hugeattr.xml:3" "CongKhai" "attribute MaDonVi is longer than the 1 MB limit"

# a 2 MiB text value
{
  echo "$HDR"; echo "$ROOT"
  printf '<HoSo><MaHoSo>'
  awk 'BEGIN { s = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"; for (i = 0; i < 32768; i++) printf "%s", s }'
  echo '</MaHoSo><MaTTHC>1</MaTTHC><MaDonViTiepNhan>02647</MaDonViTiepNhan><KenhThucHien>1</KenhThucHien><TrangThaiHoSo>2</TrangThaiHoSo><NgayTiepNhan>2025-03-03</NgayTiepNhan></HoSo>'
  echo '</DuLieuCongDVCQG>'
} > "$T/hugetext.xml"
hostile hugetext 4 "hugetext.xml:3" "MaHoSo" "longer than the 1 MB limit"

# a status that is not an integer (A1, line 19)
sed '19s/<TrangThaiHoSo>10</<TrangThaiHoSo>mười</' "$FIX/export-laocai.xml" > "$T/status.xml"
hostile status 4 "status.xml:19:" "TrangThaiHoSo"

# a blank MaHoSo (A1, line 14) would merge unrelated dossiers
sed '14s/<MaHoSo>G15.01-20250310-0001</<MaHoSo> </' "$FIX/export-laocai.xml" > "$T/blank.xml"
hostile blank 4 "blank.xml:14:" "MaHoSo"

# not XML at all
printf 'ma_phieu,ma_don_vi,ngay\n1,02647,2025-03-03\n' > "$T/notxml.xml"
hostile notxml 4 "notxml.xml:1:" "not well-formed XML"

# ---- the schema's structure, checked by the reader itself ----------------
# Each export below is refused by the XSD (xmllint says so) and by the
# reader without validation, with the line, the element and what is wrong;
# with validate = true the schema's own message comes first.
# structure NAME LINE NEEDLE: $T/NAME.xml refused everywhere
structure() {
  if command -v xmllint > /dev/null; then
    xmllint --noout --schema "$XSD" "$T/$1.xml" 2> /dev/null
    check "$1: the XSD refuses it too" 1 "$([ $? -ne 0 ] && echo 1)"
  fi
  job "$T/$1-false" "$T/$1.xml"
  run "$1-false" 4
  check_contains "$1: located" "$1.xml:$2:" "$T/$1-false.err"
  check_contains "$1: said" "$3" "$T/$1-false.err"
  job "$T/$1-true" "$T/$1.xml" ", validate = true"
  run "$1-true" 4
  check_contains "$1 validate=true: located" "$1.xml:" "$T/$1-true.err"
}
L="$FIX/export-laocai.xml"
sed '18s|</MucDo>|</MucDo><GhiChu>x</GhiChu>|' "$L" > "$T/s-child.xml"
structure s-child 18 "GhiChu: element GhiChu is not a HoSo field (HoSo holds MaHoSo, MaTTHC,"
sed '18s|</MucDo>|</MucDo><MucDo>3</MucDo>|' "$L" > "$T/s-twice.xml"
structure s-twice 18 "MucDo: HoSo has a second MucDo; each field appears at most once"
sed '6s|<CongKhai MaDonVi="02647"|<CongKhai MaDonVi="02647" Extra="1"|' "$L" > "$T/s-attr.xml"
structure s-attr 7 "CongKhai: CongKhai has an attribute Extra that the DVCQG format does not have"
sed '15d' "$L" > "$T/s-missing.xml"
structure s-missing 13 "HoSo: HoSo has no MaTTHC; every dossier must carry it"
sed '18s|</MucDo>|</MucDo>chữ|' "$L" > "$T/s-text.xml"
structure s-text 18 'HoSo: text "chữ" is not allowed in HoSo, which holds elements only'
sed '7s|/>|>x</CongKhai>|' "$L" > "$T/s-empty.xml"
structure s-empty 7 'CongKhai: text "x" is not allowed in CongKhai, which holds attributes only'
sed '14s|<MaHoSo>G15.01-20250310-0001</MaHoSo>|<MaHoSo><b>G</b></MaHoSo>|' "$L" > "$T/s-nested.xml"
structure s-nested 14 "b: element b is not allowed inside MaHoSo, which holds a value only"
sed '9s|$|<ThongKe/>|' "$L" > "$T/s-rootchild.xml"
structure s-rootchild 9 "element {urn:vn:dvcqg:xuatdulieu:1}ThongKe is not allowed in DuLieuCongDVCQG"
sed '18s|</MucDo>|</MucDo><x:Note xmlns:x="urn:other"/>|' "$L" > "$T/s-foreign.xml"
structure s-foreign 18 "element {urn:other}Note is not allowed in HoSo"
sed '28s|<DanhGia>1<|<DanhGia>5<|' "$L" > "$T/s-range.xml"
structure s-range 28 'DanhGia: HoSo field DanhGia must be an integer 1..4, not "5"'
sed '28s|<DanhGia>1</DanhGia>|<DanhGia>1</DanhGia><PhieuXinLoi NgayHenTraMoi="2025-04-07"/>|' "$L" > "$T/s-apology.xml"
structure s-apology 28 "PhieuXinLoi: PhieuXinLoi has no NgayLap"
# where to find a schema (xsi:schemaLocation) is allowed, as in XSD
sed '4s|MaTinh=|xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:vn:dvcqg:xuatdulieu:1 dvcqg-export.xsd" MaTinh=|' \
  "$L" > "$T/s-xsi.xml"
job "$T/s-xsi" "$T/s-xsi.xml"
run s-xsi 0
check "xsi:schemaLocation: read, same counters" "$D15" "$(counters "$T/s-xsi.out" 15)"
# The one structural rule the reader does not follow: the XSD fixes the
# root's order (CongKhai, HoSo, PhanAnhKienNghi) for libxml2's memory, the
# reader does not depend on it (docs/sources-portal.md).
awk 'NR == FNR { if (/<PhanAnhKienNghi/) { p = 1 } if (p) pakn = pakn $0 "\n"; if (p && /\/>/) p = 0; next }
     /<PhanAnhKienNghi/ { skip = 1 } skip { if (/\/>/) skip = 0; next }
     /<!-- ===== 02647/ { printf "%s", pakn } { print }' "$L" "$L" > "$T/s-order.xml"
job "$T/s-order" "$T/s-order.xml"
run s-order 0
check "feedback first: same counters" "$D15" "$(counters "$T/s-order.out" 15)"
job "$T/s-order-true" "$T/s-order.xml" ", validate = true"
run s-order-true 4
check_contains "feedback first, validate = true: the XSD's order" "This element is not expected" "$T/s-order-true.err"

# ---- parscore validate: the XSD without a job ---------------------------
"$PARSCORE" validate "$L" > "$T/v-ok.out" 2> "$T/v-ok.err"
check_status "validate: the fixture" 0 $?
check_contains "validate: says valid, with the records" "export-laocai.xml: valid (portal_xml, 27 records" "$T/v-ok.out"
"$PARSCORE" validate "$T/s-order.xml" "$L" "$T/status.xml" > "$T/v-bad.out" 2> "$T/v-bad.err"
check_status "validate: an invalid file among valid ones" 4 $?
check_contains "validate: the order the XSD wants" "s-order.xml:" "$T/v-bad.err"
check_contains "validate: every file is checked" "export-laocai.xml: valid" "$T/v-bad.out"
check_contains "validate: the bad status" "status.xml:19:" "$T/v-bad.err"
"$PARSCORE" validate > /dev/null 2>&1
check_status "validate: no file is a usage error" 2 $?
"$PARSCORE" validate --plugin kiosk "$L" > /dev/null 2> "$T/v-kiosk.err"
check_status "validate: a plugin that cannot validate" 3 $?
check_contains "validate: says why" "plugin kiosk cannot validate a file alone" "$T/v-kiosk.err"
"$PARSCORE" validate --plugin-dir "$T/plug" "$L" > /dev/null 2>&1
check_status "validate: the XSD beside the plugin used (found since copied)" 0 $?

# a missing file
job "$T/nofile" "$T/absent.xml"
run nofile 4
check_contains "missing file named" "absent.xml" "$T/nofile.err"
finish
