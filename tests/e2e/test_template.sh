# test_template.sh -- `parscore template`: the measures workbook a job's
# officials fill in (columns, one row per unit and measure, data
# validation, explanation sheet, CSV form), and the round trip: the
# template filled in (tests/plugins/fill_template.c writes it through the
# same code), read back by the measures plugin (plugins/measures), scored with
# provinces/lao_cai_par -- the same points as the hand computation of
# test_measures_pipeline.sh, from XLSX and from CSV.
. "$PS_SOURCE/tests/e2e/lib.sh"
mktmp
cd "$T"
sqlite3 onestop.db < "$PS_SOURCE/tests/fixtures/onestop/small.sql" || exit 1
cat > job.lua <<'J'
return { period = "2025", scope = {"15"},
  sources = { { plugin = "onestop_sqlite", path = "onestop.db" },
              { plugin = "measures", path = "filled.xlsx" } },
  rules = "provinces/lao_cai_par", output = "out", outputs = { "pdf", "json" } }
J
HEADER='ma_don_vi,ten_don_vi,ma_chi_tieu,ten_chi_tieu,kieu,khoang_gia_tri,bat_buoc_minh_chung,tu_danh_gia,minh_chung_so,minh_chung_ngay,minh_chung_lien_ket,nguoi_danh_gia,tham_dinh,don_vi_tham_dinh,he_thong,ngay,ghi_chu'

# the blank template: Lào Cai (1 province + 99 communes) x 7 measures
"$PARSCORE" template job.lua -o blank.xlsx > t.out; check_status "template xlsx" 0 $?
check_contains "summary line" "blank.xlsx: 100 units x 7 measures of provinces/lao_cai_par" t.out
unzip -p blank.xlsx xl/worksheets/sheet1.xml > sheet1.xml
unzip -p blank.xlsx xl/sharedStrings.xml > strings.xml
check "rows" '<dimension ref="A1:Q701"/>' "$(grep -o '<dimension ref="[^"]*"/>' sheet1.xml)"
check_contains "frozen header" 'ySplit="1"' sheet1.xml
check_contains "percent validation 0..100%" '<formula1>0</formula1><formula2>1</formula2>' sheet1.xml
check_contains "count validation 0..4" 'type="whole"' sheet1.xml
check_contains "yes/no list" '<formula1>"Có,Không"</formula1>' sheet1.xml
check_contains "header names" '<t>tu_danh_gia</t>' strings.xml
check_contains "label" 'Tỷ lệ nhiệm vụ của kế hoạch CCHC hoàn thành' strings.xml
check "explanation sheet" "Hướng dẫn" "$(unzip -p blank.xlsx xl/workbook.xml | grep -o 'name="Hướng dẫn"' | sed 's/name="//; s/"//')"

"$PARSCORE" template -q job.lua -o blank.csv; check_status "template csv" 0 $?
check "csv header" "$HEADER" "$(head -1 blank.csv | tr -d '\r')"
check "csv rows" 701 "$(wc -l < blank.csv | tr -d ' ')"
check_contains "csv row" '02647,Phường Lào Cai,bao_cao_dung_han,Số báo cáo CCHC định kỳ (quý) gửi đúng hạn,số lượng,0–4,Có,,,,,,,,,,' blank.csv
# default path, and a rule set without measures is refused with a message
"$PARSCORE" template -q job.lua; check_status "default path" 0 $?
check "default file" yes "$([ -f out/measures-template.xlsx ] && echo yes || echo no)"
sed 's#provinces/lao_cai_par#provinces/lao_cai#' job.lua > nomeasures.lua
"$PARSCORE" template nomeasures.lua -o x.xlsx 2> nm.err; check_status "no measures" 3 $?
check_contains "no measures message" "declares no measures" nm.err
check_absent "nothing written" x.xlsx

# the worked example's values for Phường Lào Cai (column: 7 tu_danh_gia,
# 8 minh_chung_so, 12 tham_dinh, 14 he_thong)
printf '%s\t%s\t%s\t%s\n' \
  02647 ke_hoach_cchc 7 Có      02647 ke_hoach_cchc 8 25/KH-UBND   02647 ke_hoach_cchc 12 Có \
  02647 hoan_thanh_ke_hoach 7 95%  02647 hoan_thanh_ke_hoach 8 120/BC-UBND \
  02647 hoan_thanh_ke_hoach 12 90%  02647 bao_cao_dung_han 7 3  02647 tuyen_truyen 7 5 \
  02647 van_ban_ky_so 14 85%  02647 sang_kien 7 2  02647 sang_kien 8 88/QĐ-UBND \
  02647 sang_kien 12 1  02647 phe_binh 12 1 > values.tsv
FILL="$PS_BUILD/test-plugins/fill_template"
"$FILL" job.lua filled.xlsx values.tsv; check_status "fill xlsx" 0 $?
"$FILL" job.lua filled.csv values.tsv; check_status "fill csv" 0 $?
check_contains "filled csv row" '02647,Phường Lào Cai,hoan_thanh_ke_hoach,Tỷ lệ nhiệm vụ của kế hoạch CCHC hoàn thành,tỷ lệ %,0%–100%,Có,95%,120/BC-UBND,,,,90%,,,,' filled.csv
for form in xlsx csv; do
  sed "s/filled.xlsx/filled.$form/; s/\"out\"/\"out-$form\"/" job.lua > run-$form.lua
  "$PARSCORE" run -q --timestamp 1767225600 run-$form.lua; check_status "run $form" 0 $?
  pdftotext -layout out-$form/02647.pdf a-$form.txt 2>/dev/null
  # 55.443 (groups) + 1 (bonus) - 2 (deduction), as in test_measures_pipeline.sh
  check_contains "$form total" "54,44/100" a-$form.txt
  check_contains "$form self and appraised" "Tự đánh giá: 95% · Thẩm định: 90%" a-$form.txt
  check_contains "$form evidence" "Minh chứng: 120/BC-UBND" a-$form.txt
  check_contains "$form final line" "TỔNG ĐIỂM: 55,44 + 1,00 − 2,00 = 54,44" a-$form.txt
  check_contains "$form json" '"total": 54.4432629' out-$form/results.json
done
# every other unit was sent the template and left it blank: not reported
pdftotext -layout out-xlsx/02671.pdf b.txt 2>/dev/null
check_contains "blank unit" "Chỉ tiêu chưa báo cáo (chấm theo mặc định)" b.txt
finish
