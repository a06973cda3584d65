# test_outdir.sh -- the output directory as a security boundary (issue 12,
# findings 1, 4 and 11): links planted in out/ are never followed (a
# victim directory and file stay intact), a second smaller run replaces the
# first run's whole set (no stale scorecards; files parscore did not write
# stay), and SIGTERM, SIGHUP or SIGINT while rendering removes the staging
# directory and exits 128+n with nothing published.
. "$PS_SOURCE/tests/e2e/lib.sh"
mktmp
cd "$T"
cp "$PS_SOURCE/tests/fixtures/portal/export-laocai.xml" x.xml
# job DIR SCOPE [EXTRA]
job() {
  mkdir -p "$1"
  cat > "$1/job.lua" <<J
return { name = "outdir", period = "2025", scope = { $2 },
  sources = { { plugin = "portal_xml", path = "../x.xml" } },
  rules = "provinces/lao_cai", output = "out",
  outputs = { "pdf", "summary", "csv", "json" },$3 }
J
}
run() { (cd "$1" && "$PARSCORE" run --plugin-dir "$PS_PLUGIN_DIR" -q job.lua) > "$1/run.txt" 2>&1; }

# ---- 1: planted links ---------------------------------------------------------
mkdir victim; echo keep > victim/file; echo keep > victim/02647.pdf
job a '"02647"'
mkdir a/out
# the staging names of the pids the run may get (each `ln` takes one pid:
# the run's comes after the 2000 of this loop), and a link per output name
p=$(cat /proc/sys/kernel/ns_last_pid 2>/dev/null || echo $$); i=2000
while [ $i -lt 4000 ]; do ln -s ../../victim "a/out/.parscore-new.$((p + i))"; i=$((i + 1)); done
ln -s ../../victim/02647.pdf a/out/02647.pdf
ln -s ../../victim/file a/out/results.csv.tmp.1
ln -s ../../victim/file a/out/.parscore-manifest
run a
check_status "planted links: run succeeds" 0 $?
check "victim dir untouched" "02647.pdf file" "$(ls victim | tr '\n' ' ' | sed 's/ $//')"
check "victim file untouched" "keep" "$(cat victim/file)"
check "victim pdf untouched" "keep" "$(cat victim/02647.pdf)"
check "the link was replaced by a real PDF" "regular file" "$(stat -c %F a/out/02647.pdf | sed 's/regular empty file/empty/')"
check "the manifest is a file of ours" "regular file" "$(stat -c %F a/out/.parscore-manifest)"
check_absent "no staging dir left" "$(ls -d a/out/.parscore-new.??????* 2>/dev/null | grep -v '\.[0-9]*$' | head -1)"

# ---- 11: a second, smaller run replaces the whole set --------------------------
job b '"15"'
run b
check_status "large run" 0 $?
check "large run: 100 scorecards" 100 "$(ls b/out/*.pdf | grep -vc summary.pdf)"
echo mine > b/out/notes.txt
job b '"02647"'
run b
check_status "small run" 0 $?
check "small run: only its own files" "02647.pdf index.csv notes.txt results.csv results.json summary.pdf" \
  "$(ls b/out | tr '\n' ' ' | sed 's/ $//')"
check "a file parscore did not write stays" "mine" "$(cat b/out/notes.txt)"
check "the manifest lists the new set" "02647.pdf index.csv results.csv results.json summary.pdf" \
  "$(sort b/out/.parscore-manifest | tr '\n' ' ' | sed 's/ $//')"

# ---- 4: signals while rendering -------------------------------------------------
# The summary template is a FIFO: the run writes every scorecard into the
# staging dir, then blocks opening it, so the signal lands mid-render.
for sig in TERM HUP INT; do
  d="s$sig"
  mkfifo "$T/$d.xml"
  job "$d" '"15"' " summary_template = \"$T/$d.xml\","
  mkdir "$d/out"; echo old > "$d/out/keep.txt"
  (cd "$d" && exec env --default-signal=INT "$PARSCORE" run --plugin-dir "$PS_PLUGIN_DIR" -q job.lua) \
    > "$d/run.txt" 2>&1 &
  pid=$!
  n=0
  while [ $n -lt 600 ] && [ "$(ls "$d"/out/.parscore-new.*/ 2>/dev/null | grep -c '\.pdf$')" -lt 100 ]; do
    sleep 0.1; n=$((n + 1))
  done
  check "$sig: 100 scorecards staged before the signal" 100 "$(ls "$d"/out/.parscore-new.*/ 2>/dev/null | grep -c '\.pdf$')"
  kill -s "$sig" $pid
  wait $pid
  st=$?
  case $sig in TERM) want=143 ;; HUP) want=129 ;; INT) want=130 ;; esac
  check_status "$sig: exit 128+n" $want $st
  check "$sig: nothing staged or published" "keep.txt" "$(ls -A "$d/out" | tr '\n' ' ' | sed 's/ $//')"
  check_contains "$sig: says so" "interrupted by SIG$sig" "$d/run.txt"
  # unblock a reader that may still hold the FIFO (it should not)
  rm -f "$T/$d.xml"
done
finish
