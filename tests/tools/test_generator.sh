#!/bin/sh
# test_generator.sh -- parscore-gen writes every input format, consistently,
# deterministically, with faults only when asked for.
. "$PS_SOURCE/tests/e2e/lib.sh"
GEN="$PS_BUILD/parscore-gen"
UNITS="$PS_SOURCE/data/vn-units-2025.csv"
[ -x "$GEN" ] || { echo "parscore-gen not built"; exit 77; }
command -v sqlite3 >/dev/null && command -v xmllint >/dev/null || { echo "needs sqlite3 and xmllint"; exit 77; }
mktmp
q() { sqlite3 "$1" "$2"; }

# ---- commune scale, clean, fixed seed
"$GEN" -q --scale commune --province 15 --seed 42 --year 2025 --faults 0 --out "$T/a"
check_status "commune run" 0 $?
for f in onestop.db portal.xml survey-form.xml survey-responses.csv kiosk.csv onestop-pg.sql job.lua; do
  check "file $f written" yes "$( [ -s "$T/a/$f" ] && echo yes || echo no)"
done
ls "$T/a" | grep -q tmp && check "no temporary files left" none some

DB="$T/a/onestop.db"
# The catalogue is the fixed table of gen_catalog.c: 185 procedures plus a
# "có yếu tố nước ngoài" variant for the 8 marked foreign -> 193.
check "procedures" 193 "$(q "$DB" 'SELECT count(*) FROM procedures')"
# Regression anchors for seed 42 (they change only when the model changes).
check "dossiers in db" 1469 "$(q "$DB" 'SELECT count(*) FROM dossiers')"
check "feedback in db" 13 "$(q "$DB" 'SELECT count(*) FROM feedback')"
# Invariant: --dossiers default for a commune is 1500 = DB dossiers +
# dossiers found only in the portal export.
grep -o '<MaHoSo>[^<]*' "$T/a/portal.xml" | cut -c9- | sort > "$T/xml_codes"
q "$DB" 'SELECT code FROM dossiers' | sort > "$T/db_codes"
only_xml=$(comm -23 "$T/xml_codes" "$T/db_codes" | wc -l)
check "1500 dossiers in all" 1500 "$(( $(wc -l < "$T/db_codes") + only_xml ))"
check "dossier codes unique" "$(wc -l < "$T/db_codes")" "$(uniq "$T/db_codes" | wc -l)"
both=$(comm -12 "$T/xml_codes" "$T/db_codes" | wc -l)
check "portal overlaps 50-95% of the db" yes "$( [ $((both * 100 / 1469)) -ge 50 ] && [ $((both * 100 / 1469)) -le 95 ] && echo yes || echo no)"
check "one unit" "02647" "$(q "$DB" 'SELECT DISTINCT unit_code FROM dossiers')"
check "code shape" 0 "$(q "$DB" "SELECT count(*) FROM dossiers WHERE code NOT GLOB 'G15.1-2025[01][0-9][0-3][0-9]-[0-9][0-9][0-9][0-9]'")"
# statuses 1..10 only; finished ones have finished_at
check "statuses" 0 "$(q "$DB" 'SELECT count(*) FROM dossiers WHERE status NOT BETWEEN 1 AND 10 OR (status IN (9,10) AND finished_at IS NULL)')"
check "ratings 1..4" 0 "$(q "$DB" 'SELECT count(*) FROM dossiers WHERE rating IS NOT NULL AND rating NOT BETWEEN 1 AND 4')"

# ---- no bad dates without faults
BAD="SELECT count(*) FROM dossiers WHERE date(substr(received_at,1,10)) IS NOT substr(received_at,1,10)
  OR received_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][T ][0-9][0-9]:[0-9][0-9]:[0-9][0-9]*'
  OR substr(due_at,1,10) < substr(received_at,1,10) OR substr(finished_at,1,10) < substr(received_at,1,10)"
check "faults 0: no bad dates" 0 "$(q "$DB" "$BAD")"
check "timestamp forms: some with a space" yes "$( [ "$(q "$DB" "SELECT count(*) FROM dossiers WHERE received_at LIKE '% %'")" -gt 0 ] && echo yes || echo no)"
check "timestamp forms: some +07:00" yes "$( [ "$(q "$DB" "SELECT count(*) FROM dossiers WHERE received_at LIKE '%+07:00'")" -gt 0 ] && echo yes || echo no)"

# ---- XML parses
xmllint --noout "$T/a/portal.xml" 2>"$T/err"; check_status "portal.xml parses" 0 $?
xmllint --noout "$T/a/survey-form.xml" 2>>"$T/err"; check_status "survey-form.xml parses" 0 $?

# ---- survey CSV header = fixed columns + the form's criteria + overall, comment
crit=$(xmllint --xpath "//*[local-name()='TieuChi']/@Ma" "$T/a/survey-form.xml" | sed 's/ Ma="\([^"]*\)"/\1\n/g' | grep . | paste -sd, -)
header=$(head -1 "$T/a/survey-responses.csv" | tr -d '\r')
check "survey header matches the form" "ma_phieu,ma_don_vi,ngay,kenh,ma_tthc,$crit,hai_long_chung,gop_y" "$header"
check "17 criteria in 5 elements" "17 5" "$(echo "$crit" | tr , '\n' | wc -l) $(grep -c '<YeuTo ' "$T/a/survey-form.xml")"
check "kiosk header" "thoi_gian,ma_don_vi,ma_quay,muc_do" "$(head -1 "$T/a/kiosk.csv" | tr -d '\r')"

# ---- determinism: same seed -> same bytes; other seed -> other data
"$GEN" -q --scale commune --province 15 --seed 42 --year 2025 --faults 0 --out "$T/b"
for f in portal.xml survey-form.xml survey-responses.csv kiosk.csv onestop-pg.sql job.lua; do
  cmp -s "$T/a/$f" "$T/b/$f"; check_status "same seed, same $f" 0 $?
done
sqlite3 "$T/a/onestop.db" .dump > "$T/a.dump"; sqlite3 "$T/b/onestop.db" .dump > "$T/b.dump"
cmp -s "$T/a.dump" "$T/b.dump"; check_status "same seed, same database dump" 0 $?
"$GEN" -q --scale commune --province 15 --seed 43 --year 2025 --faults 0 --out "$T/c"
cmp -s "$T/a/portal.xml" "$T/c/portal.xml"; check_status "other seed, other portal.xml" 1 $?
sqlite3 "$T/c/onestop.db" .dump > "$T/c.dump"
cmp -s "$T/a.dump" "$T/c.dump"; check_status "other seed, other database" 1 $?

# ---- faults: 5% of 1500 dossiers ~ 75 faulted, a quarter of each kind
"$GEN" -q --scale commune --province 15 --seed 42 --year 2025 --faults 0.05 --out "$T/f"
nbad=$(q "$T/f/onestop.db" "$BAD")
check "faults 0.05: some bad dates" yes "$( [ "$nbad" -gt 10 ] && echo yes || echo no)"
nunk=$(q "$T/f/onestop.db" "SELECT count(*) FROM dossiers WHERE unit_code <> '02647'")
check "faults 0.05: some unknown units" yes "$( [ "$nunk" -gt 3 ] && echo yes || echo no)"
xmllint --noout "$T/f/portal.xml"; check_status "faulty data still well-formed XML" 0 $?

# ---- province scale (small): every unit is a real commune of province 15
"$GEN" -q --scale province --province 15 --seed 5 --faults 0 --dossiers 4000 --formats sqlite,survey,kiosk --out "$T/p"
check_status "province run" 0 $?
check "only requested formats" "job.lua kiosk.csv onestop.db survey-form.xml survey-responses.csv" "$(ls "$T/p" | paste -sd' ' -)"
grep ',commune,15$' "$UNITS" | cut -d, -f1 | sort > "$T/commune15"
check "99 communes in Lào Cai" 99 "$(wc -l < "$T/commune15")"
q "$T/p/onestop.db" 'SELECT unit_code FROM dossiers UNION SELECT unit_code FROM feedback' | sort -u > "$T/used"
check "db units are communes of 15" "" "$(comm -23 "$T/used" "$T/commune15" | head -3 | paste -sd' ' -)"
check "most communes have dossiers" yes "$( [ "$(wc -l < "$T/used")" -ge 95 ] && echo yes || echo no)"
tail -n +2 "$T/p/survey-responses.csv" | grep '^PKS' | cut -d, -f2 | sort -u > "$T/sused"
tail -n +2 "$T/p/kiosk.csv" | cut -d, -f2 | sort -u >> "$T/sused"
check "survey/kiosk units are communes of 15" "" "$(sort -u "$T/sused" | comm -23 - "$T/commune15" | head -3 | paste -sd' ' -)"
# shape: Tết 2025 (27 Jan - 2 Feb off) leaves only online dossiers, about
# 6% of a working day's load over 7 days -> well under 1% of the year;
# on-time share 95-99% for most units; online share 30-90%.
P="$T/p/onestop.db"
check "Tết dip" yes "$(q "$P" "SELECT CASE WHEN 100*sum(substr(received_at,1,10) BETWEEN '2025-01-27' AND '2025-02-02') < count(*) THEN 'yes' ELSE 'no' END FROM dossiers")"
check "Tết: online only" 0 "$(q "$P" "SELECT count(*) FROM dossiers WHERE substr(received_at,1,10) BETWEEN '2025-01-27' AND '2025-02-02' AND channel <> 2")"
check "on time overall 90-99.9%" yes "$(q "$P" "SELECT CASE WHEN r BETWEEN 0.90 AND 0.999 THEN 'yes' ELSE r END FROM (SELECT 1.0*sum(substr(finished_at,1,10) <= substr(due_at,1,10)) / count(*) r FROM dossiers WHERE status IN (9,10) AND due_at IS NOT NULL)")"
check "online share 30-90%" yes "$(q "$P" "SELECT CASE WHEN r BETWEEN 0.30 AND 0.90 THEN 'yes' ELSE r END FROM (SELECT 1.0*sum(channel=2)/count(*) r FROM dossiers)")"
check "late with and without apology" yes "$(q "$P" "SELECT CASE WHEN sum(apology_at IS NULL) > 0 AND sum(apology_at IS NOT NULL) > 0 THEN 'yes' ELSE 'no' END FROM dossiers WHERE status IN (9,10) AND substr(finished_at,1,10) > substr(due_at,1,10)")"
check "province job uses the Lào Cai rules" yes "$(grep -q 'rules = "provinces/lao_cai"' "$T/p/job.lua" && echo yes || echo no)"

# ---- measures: the filled template for provinces/lao_cai_par (province 15)
"$GEN" -q --scale province --province 15 --seed 5 --dossiers 2000 --formats measures --out "$T/m"
check_status "measures run" 0 $?
M="$T/m/measures.csv"
check "measures files" "job.lua measures.csv measures.xlsx" "$(ls "$T/m" | paste -sd' ' -)"
check "measures header" "ma_don_vi,ten_don_vi,ma_chi_tieu,ten_chi_tieu,kieu,khoang_gia_tri,bat_buoc_minh_chung,tu_danh_gia,minh_chung_so,minh_chung_ngay,minh_chung_lien_ket,nguoi_danh_gia,tham_dinh,don_vi_tham_dinh,he_thong,ngay,ghi_chu" "$(head -1 "$M" | tr -d '\r')"
check "one row per unit and measure" 700 "$(( $(wc -l < "$M") - 1 ))"
"$GEN" -q --scale province --province 15 --seed 5 --dossiers 2000 --formats measures --out "$T/m2"
check "measures deterministic" "" "$(cmp "$M" "$T/m2/measures.csv")"
# realistic gaps: units never sending it back, missing evidence, appraisal
# lowering the self-assessment, system values in their own column
# (plain split on commas: the filled columns hold none)
awk -F, 'NR > 1 && $3 == "hoan_thanh_ke_hoach" {
  n++; if ($8 == "" && $13 == "" && $15 == "") blank++
  if ($8 != "" && $9 == "") noev++
  if ($8 != "" && $13 != "" && $13 + 0 < $8 + 0) lower++ }
  END { printf "%d %d %d", (blank > 0 && blank < n / 4), (noev > 0), (lower > 0) }' "$M" > "$T/mstats"
check "blank, unevidenced and lowered rows" "1 1 1" "$(cat "$T/mstats")"
check "system values only in he_thong" 0 "$(awk -F, 'NR > 1 && $3 == "van_ban_ky_so" && ($8 != "" || $13 != "")' "$M" | wc -l | tr -d ' ')"
check "a Khánh Hòa file has its own measures" yes "$("$GEN" -q --scale commune --province 56 --seed 5 --formats measures --out "$T/k" && grep -q ',kpi_ket_qua,' "$T/k/measures.csv" && ! grep -q ',ke_hoach_cchc,' "$T/k/measures.csv" && echo yes || echo no)"

# ---- the portal export follows the shipped XSD; national scale writes one
# export per province (MaTinh is required): 34 files
XSD="$PS_SOURCE/plugins/portal_xml/dvcqg-export.xsd"
if [ -f "$XSD" ]; then
  xmllint --noout --schema "$XSD" "$T/a/portal.xml" 2>"$T/err"; check_status "portal.xml valid against the XSD" 0 $?
  xmllint --noout --schema "$XSD" "$T/f/portal.xml" 2>"$T/err"; check_status "faulty portal.xml still valid" 0 $?
fi
"$GEN" -q --scale national --seed 3 --dossiers 3400 --formats xml --out "$T/n"
check "34 provincial exports" 34 "$(ls "$T/n"/portal-*.xml | wc -l)"
check "one portal source per export in job.lua" 34 "$(grep -c 'plugin = "portal_xml"' "$T/n/job.lua")"
check "MaTinh matches the file" 'MaTinh="15"' "$(grep -o 'MaTinh="[0-9]*"' "$T/n/portal-15.xml")"
if [ -f "$XSD" ]; then
  bad=0; for x in "$T/n"/portal-*.xml; do xmllint --noout --schema "$XSD" "$x" 2>/dev/null || bad=$((bad+1)); done
  check "all provincial exports valid" 0 "$bad"
fi

# ---- the engine reads what the generator wrote (once the plugins exist)
if [ -x "$PARSCORE" ] && "$PARSCORE" plugins 2>/dev/null | grep -q '^portal_xml' \
   && "$PARSCORE" plugins 2>/dev/null | grep -q '^onestop_sqlite'; then
  "$PARSCORE" aggregate "$T/a/job.lua" > "$T/agg.a" 2>"$T/agg.a.err"
  check_status "parscore aggregate on the commune job" 0 $?
  grep -o 'MaPAKN="[^"]*' "$T/a/portal.xml" | cut -c9- | sort > "$T/xml_fb"
  q "$DB" 'SELECT id FROM feedback' | sort > "$T/db_fb"
  fb_both=$(comm -12 "$T/xml_fb" "$T/db_fb" | wc -l)
  # a record in both sources is counted once: duplicates = overlaps
  check "engine: duplicates = dossiers + feedback in both sources" "$((both + fb_both))" \
    "$(awk -F'\t' '$1=="*" && $2=="duplicates" {print $3}' "$T/agg.a")"
  check "engine: records from both sources" "$(( $(wc -l < "$T/db_codes") + $(wc -l < "$T/xml_codes") ))" \
    "$(awk -F'\t' '$1=="*" && $2=="records.dossier" {print $3}' "$T/agg.a")"
  synced=$(xmllint --xpath "count(//*[local-name()='HoSo'][*[local-name()='DongBoDungHan']=1][not(*[local-name()='TrangThaiHoSo']=1 or *[local-name()='TrangThaiHoSo']=3)])" "$T/a/portal.xml")
  check "engine: synced = exported received dossiers with DongBoDungHan=1" "$synced" \
    "$(awk -F'\t' '$1=="15" && $2=="d.synced" {print $3}' "$T/agg.a")"
fi
# ---- the engine reads what the generator wrote (once the plugins exist)
if [ -x "$PARSCORE" ] && "$PARSCORE" plugins 2>/dev/null | grep -q '^onestop_sqlite' \
   && "$PARSCORE" plugins 2>/dev/null | grep -q '^survey' && "$PARSCORE" plugins 2>/dev/null | grep -q '^kiosk'; then
  "$PARSCORE" aggregate "$T/p/job.lua" > "$T/agg" 2>"$T/agg.err"
  check_status "parscore aggregate on the generated job" 0 $?
  val() { awk -F'\t' -v u="$1" -v k="$2" '$1==u && $2==k {print $3}' "$T/agg"; }
  check "engine reads every dossier" "$(q "$P" 'SELECT count(*) FROM dossiers')" "$(val '*' records.dossier)"
  # received = statuses other than 1 and 3 (clean data, all received in 2025)
  check "engine: received dossiers" "$(q "$P" 'SELECT count(*) FROM dossiers WHERE status NOT IN (1,3)')" "$(val 15 d.received)"
  # respondents in the period: responses dated 2025 (results of late December
  # may be dated January 2026)
  check "engine: respondents" "$(grep -c '^PKS-2025-[0-9]*,[0-9]*,2025-' "$T/p/survey-responses.csv")" "$(val 15 s.respondents)"
  check "engine: kiosk presses" "$(( $(wc -l < "$T/p/kiosk.csv") - 1 ))" "$(val 15 k.total)"
  check "engine: no unknown units" "" "$(grep -c '^\*.unknown_unit' "$T/agg" | grep -v '^0$')"
else
  echo "note: plugins not built, engine cross-check skipped" >&2
fi

# ---- bad usage
"$GEN" --scale bogus --seed 1 --out "$T/x" 2>/dev/null; check_status "bad scale: usage error" 2 $?
"$GEN" --scale province --province 77 --seed 1 --out "$T/x" 2>"$T/err"; check_status "unknown province: config error" 3 $?
check_contains "unknown province named" "--province 77" "$T/err"
check_absent "nothing written for a failed run" "$T/x/onestop.db"
finish
