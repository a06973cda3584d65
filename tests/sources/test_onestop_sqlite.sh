# test_onestop_sqlite.sh -- the onestop_sqlite plugin end to end through
# `parscore aggregate`: the reference schema, a vendor schema read through
# `mapping` (same counts), and bad inputs (each a named error, non-zero exit).
# The expected counters are computed by hand from tests/fixtures/onestop/
# small.sql (dossiers A1..A16 in 02647, B1..B9 in 02671; see its comments).
. "$PS_SOURCE/tests/e2e/lib.sh"
command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 CLI not installed: skipped"; exit 77; }
mktmp
FIX="$PS_SOURCE/tests/fixtures/onestop"
sqlite3 "$T/small.db" < "$FIX/small.sql" || { echo "cannot build small.db"; exit 1; }

# write_job FILE 'SOURCE OPTIONS': one onestop_sqlite source, year 2025, Lào Cai
write_job() {
  cat > "$1" <<EOF
return {
  name = "onestop_sqlite test",
  period = "2025",
  scope = { "15" },
  rules = "national/index766",
  sources = { { plugin = "onestop_sqlite", $2 } },
}
EOF
}
# The counters of the two wards, the province and the run (indicator lines
# "i." are derived values, checked by the core's own tests).
# Sorted: the order of lines is the CLI's business, not this plugin's.
counters() { awk -F'\t' '($1=="15"||$1=="02647"||$1=="02671"||$1=="*") && $2 !~ /^i\./' "$1" | LC_ALL=C sort; }
aggregate() { "$PARSCORE" aggregate --plugin-dir "$PS_PLUGIN_DIR" "$1" > "$2" 2> "$3"; echo $?; }

# ---- expected, by hand -------------------------------------------------
# Received in 2025 (status not 1/3, valid date in the year): 02647 counts
# A1-A10, A15, A16 = 12 (A11 status 1, A12 status 3, A13 received 2024,
# A14 date 2025-13-45 are not); 02671 counts B1..B9 = 9.
# Working days are Mon-Fri (no holiday touches the fixture's dates), the
# reception day excluded: A1 Mar 3->5 = 2, A2 Mar 3->12 = 7, A3 Mar 4->7 = 3,
# A4 Jun 2->3 = 1, A5 same day = 0, A15 Mar 10->11 = 1, A16 Oct 13->20 = 5;
# B1 Nov 3->7 = 4, B2 Nov 4->13 = 7, B3 Nov 5->6 = 1, B6 Nov 10->11 = 1,
# B7 Nov 17->18 = 1, B9 Jun 9->11 = 2 (B8 has no finish date: no cut).
# cut = 1 - days/legal_days.
cat > "$T/expected.txt" <<'EOF'
* records.procedure 4
* records.dossier 25
* records.feedback 7
# --- 02647 ---
02647 d.received 12
# channel 1: A2 A5 A7 A10 A15; 2: A1 A3 A4 A8 A9 A16; 3: A6
02647 d.channel.1 5
02647 d.channel.2 6
02647 d.channel.3 1
# finished {7,9,10}: A1 A2 A3 A4 A5(7) A15 A16; late: A2 (Mar 12 > Mar 10),
# A15 (Mar 11 > due Mar 7); A3 finished on its due day at 17:00 is on time
02647 d.finished 7
02647 d.finished_on_time 5
02647 d.finished_late 2
# in progress {2,4}: A6 (due 2026-01-02 >= Dec 31: within), A7 (due Nov 10: over)
02647 d.in_progress 2
02647 d.in_progress_within 1
02647 d.in_progress_over 1
# paused A8 (5), A9 (6), A10 (8)
02647 d.paused 3
# level 4 (KS, KH): A1 A2 A3 A6 A7 A8 A9 A15 A16 = 9, online A1 A3 A8 A9 A16
02647 d.level4_received 9
02647 d.level4_online 5
# level 3 (CT): A4 A5 A10, online A4
02647 d.level3_received 3
02647 d.level3_online 1
# fee (KH, CT): A2 A4 A5 A7 A9 A10 A16 = 7, paid online A4 A9 A16
02647 d.fee_received 7
02647 d.fee_paid_online 3
# finished with a result document: all 7; digitised A1 A2 A4 A16
02647 d.result_doc_finished 7
02647 d.result_digitized 4
# digitised input among received: A1 A3 A4 A9 A16
02647 d.input_digitized 5
# late = finished late 2 + in progress over 1 (A7); apology only on A2
02647 d.late 3
02647 d.late_with_apology 1
02647 d.apology 1
# returned: A1 A2 A4 A16; after the due day: A2 (Mar 13), A16 (Oct 21)
02647 d.returned 4
02647 d.returned_late 2
# ratings: A1 1, A2 4, A4 2, A16 1
02647 d.rated 4
02647 d.rating.1 2
02647 d.rating.2 1
02647 d.rating.4 1
# finished on time and not rated 4: A1 A3 A4 A5 A16
02647 d.handled_ok 5
# cuts: A1 1/3, A2 -2/5, A3 0, A4 0, A5 1, A15 2/3, A16 0 -> sum 1.6;
# >= 30%: A1 A5 A15; days 2+7+3+1+0+1+5 = 19
02647 d.cut_n 7
02647 d.cut_ge30 3
02647 d.cut_sum 1.6000
02647 d.days_sum 19
# feedback 2025: 101 on time (sat 1), 102 late (sat 0), 103 unanswered due
# 2026-01-05 (within), 104 answered on its due day (not rated)
02647 f.received 4
02647 f.answered 3
02647 f.answered_on_time 2
02647 f.answered_late 1
02647 f.unanswered_within 1
02647 f.rated_satisfied 1
02647 f.rated_unsatisfied 1
# answered, not late, not unsatisfied: 101 104
02647 f.handled_ok 2
# examples: late A2 A15; overdue A7; not online A2 A6 A7 A15; not paid A2 A5
# A7 A10; result not digitised A3 A5 A15; input not digitised 12-5;
# unsatisfied A2; late without apology A7 A15; returned late A2 A16;
# cut < 30%: A2 A3 A4 A16; feedback late/unsatisfied: 102
02647 ex.late 2
02647 ex.overdue 1
02647 ex.not_online 4
02647 ex.not_paid_online 4
02647 ex.result_not_digitized 3
02647 ex.input_not_digitized 7
02647 ex.unsatisfied 1
02647 ex.late_no_apology 2
02647 ex.returned_late 2
02647 ex.slow 4
02647 ex.feedback_late 1
02647 ex.feedback_unsatisfied 1
# A15 due before received, A14 not a date
02647 dq.due_before_received 1
02647 dq.bad_date 1
# --- 02671 ---
02671 d.received 9
# channel 1: B2 B3 B5 B9; 2: B1 B4 B7 B8; 3: B6
02671 d.channel.1 4
02671 d.channel.2 4
02671 d.channel.3 1
# finished: B1 B2 B3 B6 B7 B8 B9; late: B2 (Nov 13 > Nov 11), B8 (status 10
# with a due date but no finish date); B7 has no due date: on time
02671 d.finished 7
02671 d.finished_on_time 5
02671 d.finished_late 2
# in progress: B4 (due Dec 4: over), B5 (no due date: within)
02671 d.in_progress 2
02671 d.in_progress_within 1
02671 d.in_progress_over 1
# level 4: B1 B2 B4 B5 B7 B8 B9, online B1 B4 B7 B8; level 3: B6 (postal)
02671 d.level4_received 7
02671 d.level4_online 4
02671 d.level3_received 1
# fee: B1 B2 B6 B8, paid online B1
02671 d.fee_received 4
02671 d.fee_paid_online 1
# result document (not LH): B1 B2 B6 B7 B8 B9; digitised B1 B6 B9
02671 d.result_doc_finished 6
02671 d.result_digitized 3
# digitised input: B1 B4 B6 B7
02671 d.input_digitized 4
# late: B2 B8 + B4 over; apology on B4
02671 d.late 3
02671 d.late_with_apology 1
02671 d.apology 1
# returned: B1 B3 B6 B7 B9; late: B1 (Nov 12 > Nov 10)
02671 d.returned 5
02671 d.returned_late 1
# ratings: B1 3, B3 2, B6 1, B7 4, B9 2
02671 d.rated 5
02671 d.rating.1 1
02671 d.rating.2 2
02671 d.rating.3 1
02671 d.rating.4 1
# on time, not rated 4: B1 B3 B6 B9
02671 d.handled_ok 4
# cuts: B1 1/5, B2 -2/5, B3 4/5, B6 0, B7 2/3, B9 1/3 -> sum 1.6;
# >= 30%: B3 B7 B9; days 4+7+1+1+1+2 = 16
02671 d.cut_n 6
02671 d.cut_ge30 3
02671 d.cut_sum 1.6000
02671 d.days_sum 16
# feedback 2025: 201 unanswered past due, 202 on time unsatisfied
# (2024-000203 was received in 2024: not counted)
02671 f.received 2
02671 f.answered 1
02671 f.answered_on_time 1
02671 f.unanswered_over 1
02671 f.rated_unsatisfied 1
# examples: late B2 B8; overdue B4; not online B2 B5 B9; not paid B2 B6 B8;
# result not digitised B2 B7 B8; input 9-4; unsatisfied B7; late without
# apology B2 B8; returned late B1; cut < 30%: B1 B2 B6; feedback 201, 202
02671 ex.late 2
02671 ex.overdue 1
02671 ex.not_online 3
02671 ex.not_paid_online 3
02671 ex.result_not_digitized 3
02671 ex.input_not_digitized 5
02671 ex.unsatisfied 1
02671 ex.late_no_apology 2
02671 ex.returned_late 1
02671 ex.slow 3
02671 ex.feedback_late 1
02671 ex.feedback_unsatisfied 1
EOF
# TSV of the expected lines; the province 15 is the sum of its two wards.
grep -v '^#' "$T/expected.txt" | tr ' ' '\t' > "$T/wards.tsv"
{
  grep '^\*' "$T/wards.tsv"
  awk -F'\t' '$1!="*" { if (!($2 in v)) k[n++]=$2; v[$2]+=$3 }
    END { for (i=0;i<n;i++) printf "15\t%s\t%s\n", k[i], (k[i]=="d.cut_sum" ? sprintf("%.4f", v[k[i]]) : v[k[i]]) }' "$T/wards.tsv"
  grep -v '^\*' "$T/wards.tsv"
} | LC_ALL=C sort > "$T/expected.tsv"

# ---- reference schema ----------------------------------------------------
write_job "$T/job.lua" 'path = "small.db"'
rc=$(aggregate "$T/job.lua" "$T/out.tsv" "$T/err.txt")
check "aggregate exit status" 0 "$rc"
counters "$T/out.tsv" > "$T/got.tsv"
if diff "$T/expected.tsv" "$T/got.tsv" > "$T/diff.txt"; then PASS=$((PASS+1)); else
  FAIL=$((FAIL+1)); echo "FAIL: counters of small.db differ (expected < > got):" >&2; cat "$T/diff.txt" >&2; fi

# ---- the same data in a vendor schema, read through `mapping` -------------
sqlite3 "$T/vendor.db" "ATTACH '$T/small.db' AS ref" ".read $FIX/vendor.sql" || { echo "cannot build vendor.db"; exit 1; }
MAP='procedures=thu_tuc,procedures.code=ma_tthc,procedures.name=ten_tthc,procedures.field=,'
MAP="${MAP}procedures.legal_days=so_ngay,procedures.online_level=muc_do,procedures.has_fee=co_phi,"
MAP="${MAP}procedures.has_result_document=co_ket_qua,dossiers=ho_so,dossiers.code=ma_ho_so,"
MAP="${MAP}dossiers.unit_code=MaDonVi,dossiers.procedure_code=ma_tthc,dossiers.channel=kenh,"
MAP="${MAP}dossiers.status=trang_thai,dossiers.received_at=ngay_tiep_nhan,dossiers.due_at=ngay_hen_tra,"
MAP="${MAP}dossiers.finished_at=ngay_ket_thuc,dossiers.returned_at=ngay_tra,"
MAP="${MAP}dossiers.paid_online=thanh_toan_truc_tuyen,dossiers.digitized_input=so_hoa_thanh_phan,"
MAP="${MAP}dossiers.digitized_result=so_hoa_ket_qua,dossiers.apology_at=ngay_xin_loi,dossiers.rating=danh_gia,"
MAP="${MAP} feedback = phan_anh, feedback.id=ma_pakn,feedback.unit_code=ma_don_vi,feedback.received_at=ngay_nhan,"
MAP="${MAP}feedback.due_at=han_xu_ly,feedback.answered_at=ngay_xu_ly,feedback.satisfied=hai_long"
write_job "$T/vendor.lua" "path = \"vendor.db\", batch = 3, mapping = \"$MAP\""
rc=$(aggregate "$T/vendor.lua" "$T/vout.tsv" "$T/verr.txt")
check "vendor schema: exit status" 0 "$rc"
counters "$T/vout.tsv" > "$T/vgot.tsv"
if diff "$T/expected.tsv" "$T/vgot.tsv" > "$T/vdiff.txt"; then PASS=$((PASS+1)); else
  FAIL=$((FAIL+1)); echo "FAIL: vendor schema counters differ:" >&2; cat "$T/vdiff.txt" >&2; fi

# feedback = false reads no feedback: the f. lines disappear, nothing else changes
write_job "$T/nofb.lua" 'path = "small.db", feedback = false'
rc=$(aggregate "$T/nofb.lua" "$T/nofb.tsv" "$T/nofb.err")
check "feedback=false: exit status" 0 "$rc"
check "feedback=false: no feedback counted" 0 "$(grep -c "$(printf '\tf\\.')" "$T/nofb.tsv")"
check "feedback=false: dossiers still counted" "$(grep -c "$(printf '\td\\.')" "$T/out.tsv")" \
  "$(grep -c "$(printf '\td\\.')" "$T/nofb.tsv")"

# ---- bad inputs: a named error and the input-data exit status (4) ---------
# bad NAME EXPECTED-STATUS 'SOURCE OPTIONS' NEEDLE...
bad() {
  name=$1; want=$2; opts=$3; shift 3
  write_job "$T/bad.lua" "$opts"
  rc=$(aggregate "$T/bad.lua" "$T/bad.out" "$T/bad.err")
  check_status "$name" "$want" "$rc"
  for needle in "$@"; do check_contains "$name: message" "$needle" "$T/bad.err"; done
  check "$name: no counters printed" 0 "$(grep -c "$(printf '\td\\.')" "$T/bad.out")"
}
bad "missing file" 4 'path = "nowhere.db"' "nowhere.db" "No such file"
printf 'code,unit\nG1,02647\n' > "$T/notdb.db"
bad "not a SQLite file" 4 'path = "notdb.db"' "notdb.db" "not a SQLite database"
# a real SQLite file whose dossiers b-tree root page is overwritten
cp "$T/small.db" "$T/damaged.db"
ROOT=$(sqlite3 "$T/small.db" "SELECT rootpage FROM sqlite_master WHERE name = 'dossiers'")
PSIZE=$(sqlite3 "$T/small.db" "PRAGMA page_size")
printf '\377\377\377\377\377\377\377\377' | dd of="$T/damaged.db" bs=1 seek=$(( (ROOT - 1) * PSIZE )) conv=notrunc 2>/dev/null
bad "damaged database" 4 'path = "damaged.db"' "damaged.db" "database is damaged" 'table "dossiers"'
sqlite3 "$T/nodossiers.db" "CREATE TABLE procedures (code, name, field, legal_days, online_level, has_fee, has_result_document); CREATE TABLE feedback (id, unit_code, received_at, due_at, answered_at, satisfied)"
bad "no dossiers table" 4 'path = "nodossiers.db"' "nodossiers.db" 'no table "dossiers"' '"dossiers=ho_so"'
bad "mapping names a missing column" 4 'path = "small.db", mapping = "dossiers.unit_code=ma_don_vi"' \
  'missing column "ma_don_vi" in table "dossiers"' 'mapping key dossiers.unit_code'
sqlite3 "$T/nounit.db" "ATTACH '$T/small.db' AS ref; CREATE TABLE procedures AS SELECT * FROM ref.procedures; CREATE TABLE feedback AS SELECT * FROM ref.feedback; CREATE TABLE dossiers AS SELECT code, unit_code AS ma_dv, procedure_code, channel, status, received_at, due_at, finished_at, returned_at, paid_online, digitized_input, digitized_result, apology_at, rating FROM ref.dossiers"
bad "vendor table lacks unit_code" 4 'path = "nounit.db"' \
  'missing column "unit_code" in table "dossiers"' 'set mapping key dossiers.unit_code'
sqlite3 "$T/nofeedback.db" "ATTACH '$T/small.db' AS ref; CREATE TABLE procedures AS SELECT * FROM ref.procedures; CREATE TABLE dossiers AS SELECT * FROM ref.dossiers"
bad "feedback table absent" 4 'path = "nofeedback.db"' 'no table "feedback"' 'set feedback = false'
cp "$T/small.db" "$T/text.db"
sqlite3 "$T/text.db" "UPDATE dossiers SET status = 'Đã trả kết quả' WHERE code = 'G15.02671-20251110-0001'"
bad "text in status" 4 'path = "text.db"' '"G15.02671-20251110-0001"' 'column "status" (mapping key dossiers.status)'
bad "mapping syntax" 3 'path = "small.db", mapping = "dossiers.unit=x"' 'mapping key "dossiers.unit"' 'unit_code'

# ---- locked database: a writer holds an exclusive lock -------------------
# The holder is a sqlite3 shell reading its commands from a fifo: it keeps the
# lock until we close the fifo.  We wait until a probe sees the lock before
# running parscore (a wait for a state, not a timing).
cp "$T/small.db" "$T/locked.db"
mkfifo "$T/fifo"
sqlite3 "$T/locked.db" < "$T/fifo" > /dev/null 2>&1 &
holder=$!
exec 3> "$T/fifo"
printf 'PRAGMA locking_mode=EXCLUSIVE;\nBEGIN EXCLUSIVE;\n' >&3
i=0
while [ $i -lt 100 ] && sqlite3 "$T/locked.db" "SELECT 1 FROM procedures LIMIT 1" >/dev/null 2>&1; do
  sleep 0.1; i=$((i+1))
done
bad "locked database" 4 'path = "locked.db"' "locked.db" "locked by another program"
exec 3>&-
wait "$holder"

finish
