# xlsx_lib.sh -- building XLSX workbooks part by part in shell tests
# (sourced, not run): the minimal parts a reader needs, zipped by the
# test helper $TP/mkzip (tests/plugins/mkzip.c).  Used by
# tests/sources/test_measures.sh and tests/hostile/test_hostile.sh.
# book DIR SHEET-XML [SHARED-STRINGS-XML] [STYLES-XML] [WORKBOOK-PR]: $DIR.xlsx
# (SHEET-XML is the content of <sheetData>, or the whole part when it
# starts with "<?xml"); its parts stay in DIR for book_zip.
NS='xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS='xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
book() {
  d=$1; mkdir -p "$d"
  printf '<?xml version="1.0" encoding="UTF-8"?>\n<workbook %s %s>%s<sheets><sheet name="Trang 1" sheetId="1" r:id="rId1"/></sheets></workbook>\n' "$NS" "$RNS" "${5:-}" > "$d/wb.xml"
  printf '<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>\n' > "$d/rels.xml"
  case $2 in
    '<?xml'*) printf '%s' "$2" > "$d/sheet.xml" ;;
    *) printf '<?xml version="1.0" encoding="UTF-8"?>\n<worksheet %s><sheetData>%s</sheetData></worksheet>\n' "$NS" "$2" > "$d/sheet.xml" ;;
  esac
  set -- "$d.xlsx" xl/workbook.xml "$d/wb.xml" xl/_rels/workbook.xml.rels "$d/rels.xml" xl/worksheets/sheet1.xml "$d/sheet.xml" "$3" "$4"
  if [ -n "$8" ]; then printf '<?xml version="1.0" encoding="UTF-8"?>\n<sst %s>%s</sst>\n' "$NS" "$8" > "$d/sst.xml"; fi
  if [ -n "$9" ]; then printf '<?xml version="1.0" encoding="UTF-8"?>\n<styleSheet %s>%s</styleSheet>\n' "$NS" "$9" > "$d/styles.xml"; fi
  a="$1 $2 $3 $4 $5 $6 $7"
  [ -f "$d/sst.xml" ] && a="$a xl/sharedStrings.xml $d/sst.xml"
  [ -f "$d/styles.xml" ] && a="$a xl/styles.xml $d/styles.xml"
  # shellcheck disable=SC2086
  "$TP/mkzip" $a
}
hdr() { printf '<row r="1"><c r="A1" t="inlineStr"><is><t>ma_don_vi</t></is></c><c r="B1" t="inlineStr"><is><t>ma_chi_tieu</t></is></c><c r="C1" t="inlineStr"><is><t>tu_danh_gia</t></is></c><c r="D1" t="inlineStr"><is><t>ngay</t></is></c></row>'; }
unit() { printf '<c r="A%s" t="inlineStr"><is><t>02647</t></is></c><c r="B%s" t="inlineStr"><is><t>%s</t></is></c>' "$1" "$1" "$2"; }

# book_zip DIR ENTRY [-store]: DIR.xlsx again from DIR's workbook parts plus
# ENTRY read from standard input (parts too big for printf)
book_zip() {
  if [ -n "${3:-}" ]; then
    "$TP/mkzip" "$1.xlsx" xl/workbook.xml "$1/wb.xml" xl/_rels/workbook.xml.rels "$1/rels.xml" "$3" "$2" -
  else
    "$TP/mkzip" "$1.xlsx" xl/workbook.xml "$1/wb.xml" xl/_rels/workbook.xml.rels "$1/rels.xml" "$2" -
  fi
}
