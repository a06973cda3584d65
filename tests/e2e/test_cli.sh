# test_cli.sh -- the CLI's contract: usage errors, job errors, plugin ABI
# checks (wrong ABI, missing symbol, mid-stream failure), and a third-party
# plugin built out of tree with only the installed header + pkg-config.
. "$PS_SOURCE/tests/e2e/lib.sh"
mktmp
TP="$PS_BUILD/test-plugins"
cd "$T"

"$PARSCORE" --version >out.txt 2>&1; check_status version 0 $?
check_contains version "plugin ABI 2" out.txt
"$PARSCORE" --help >out.txt 2>&1; check_status help 0 $?
check_contains help "Exit codes" out.txt
"$PARSCORE" frobnicate >out.txt 2>&1; check_status "unknown command" 2 $?
check_contains "unknown command" 'unknown command "frobnicate"' out.txt
"$PARSCORE" run job.lua --bogus >out.txt 2>&1; check_status "unknown option" 2 $?
check_contains "unknown option" "unknown option --bogus" out.txt
"$PARSCORE" run >out.txt 2>&1; check_status "run without job" 2 $?

# help for one command, three ways; suggestions for typos; -- ends options
"$PARSCORE" help run >out.txt 2>&1; check_status "help run" 0 $?
check_contains "help run" "usage: parscore run [OPTIONS] JOB" out.txt
"$PARSCORE" run --help >out.txt 2>&1; check_status "run --help" 0 $?
check_contains "run --help is the command's" "usage: parscore run [OPTIONS] JOB" out.txt
check_not_contains "run --help is not the overview" "Commands:" out.txt
"$PARSCORE" help check >out.txt 2>&1; check_contains "help check" "usage: parscore check RULES" out.txt
"$PARSCORE" help >out.txt 2>&1; check_status "help" 0 $?
check_contains "help lists help" "help [COMMAND]" out.txt
check_contains "help: exit 4 explained" "the period or" out.txt
"$PARSCORE" help nope >out.txt 2>&1; check_status "help unknown" 2 $?
"$PARSCORE" rnu job.lua >out.txt 2>&1; check_status "typo command" 2 $?
check_contains "did you mean run" 'unknown command "rnu"; did you mean "run"?' out.txt
"$PARSCORE" chekc r.lua >out.txt 2>&1; check_contains "did you mean check" 'did you mean "check"?' out.txt
"$PARSCORE" run --strcit job.lua >out.txt 2>&1; check_status "typo option" 2 $?
check_contains "did you mean --strict" "unknown option --strcit; did you mean --strict?" out.txt
"$PARSCORE" run --verbsoe job.lua >out.txt 2>&1; check_contains "did you mean --verbose" "did you mean --verbose?" out.txt
"$PARSCORE" plugins extra >out.txt 2>&1; check_status "plugins takes no argument" 2 $?
"$PARSCORE" run -- -weird.lua >out.txt 2>&1; check_status "-- then a dash name" 3 $?
check_contains "-- passes the name on" "-weird.lua: cannot open job file" out.txt

# missing job file: a configuration error (3) naming the file
"$PARSCORE" run nope.lua >out.txt 2>&1; st=$?
check_status "missing job" 3 $st
check_contains "missing job" "nope.lua: cannot open job file" out.txt

cat > d.txt <<'D'
# code|unit|proc|channel|status|received|due|finished
D1|02647|P1|2|10|2025-03-03T08:00:00|2025-03-05T17:00:00|2025-03-05 16:00:00
D2|02647|P1|1|10|2025-03-03T08:00:00|2025-03-05T17:00:00|2025-03-06T09:00:00
D3|02671|P1|1|4|2025-12-20T08:00:00|2025-12-25T17:00:00|
D4|99999|P1|1|4|2025-12-20T08:00:00||
D
cat > typo.lua <<'J'
return { period = "2025", sorces = {}, rules = "national/index766" }
J
"$PARSCORE" aggregate typo.lua >out.txt 2>&1; check_status "job typo" 3 $?
check_contains "job typo" "sorces: unknown key" out.txt

cat > syntax.lua <<'J'
return { period = "2025",
J
"$PARSCORE" aggregate syntax.lua >out.txt 2>&1; check_status "job syntax" 3 $?
check_contains "job syntax" "syntax.lua:2:" out.txt

cat > loop.lua <<'J'
while true do end
J
"$PARSCORE" aggregate loop.lua >out.txt 2>&1; check_status "job loop" 3 $?
check_contains "job loop" "runs too long" out.txt

cat > noio.lua <<'J'
return { period = io.read("a") }
J
"$PARSCORE" aggregate noio.lua >out.txt 2>&1; check_status "job no io" 3 $?
check_contains "job no io" "attempt to index a nil value (global 'io')" out.txt

cat > period.lua <<'J'
return { period = "2025-Q7", sources = { { plugin = "example_dossiers", path = "d.txt" } }, rules = "x" }
J
"$PARSCORE" aggregate period.lua >out.txt 2>&1; check_status "bad period" 3 $?
check_contains "bad period" 'invalid period "2025-Q7"' out.txt

cat > unknown_plugin.lua <<'J'
return { period = "2025", sources = { { plugin = "no_such_source", path = "d.txt" } }, rules = "x" }
J
"$PARSCORE" aggregate unknown_plugin.lua >out.txt 2>&1; check_status "unknown plugin" 5 $?
check_contains "unknown plugin" 'unknown plugin "no_such_source"' out.txt

cat > badopt.lua <<'J'
return { period = "2025", sources = { { plugin = "example_dossiers", pth = "d.txt" } }, rules = "x" }
J
"$PARSCORE" aggregate badopt.lua >out.txt 2>&1; check_status "unknown source option" 3 $?
check_contains "unknown source option" 'has no option "pth" (its options: path, batch)' out.txt

cat > badtype.lua <<'J'
return { period = "2025", sources = { { plugin = "example_dossiers", path = "d.txt", batch = "many" } }, rules = "x" }
J
"$PARSCORE" aggregate badtype.lua >out.txt 2>&1; check_status "option type" 3 $?
check_contains "option type" 'option batch must be an integer, not "many"' out.txt

for p in bad_abi abi_v1 old_layout no_symbol; do
  cat > $p.lua <<J
return { period = "2025", sources = { { plugin = "$p" } }, rules = "x" }
J
  "$PARSCORE" aggregate --plugin-dir "$TP" $p.lua >out.txt 2>&1; check_status "$p" 5 $?
done
"$PARSCORE" aggregate --plugin-dir "$TP" bad_abi.lua >out.txt 2>&1
check_contains "wrong ABI names the file" "bad_abi.so: plugin built for parscore ABI 42, this parscore has ABI 2" out.txt
"$PARSCORE" aggregate --plugin-dir "$TP" abi_v1.lua >out.txt 2>&1
check_contains "ABI 1 is refused with the migration advice" "abi_v1.so: plugin built for parscore ABI 1, this parscore has ABI 2: ABI 1's emit() passes no record size" out.txt
check_contains "ABI 1 points to the migration guide" 'Migrating a v1 plugin' out.txt
"$PARSCORE" aggregate --plugin-dir "$TP" old_layout.lua >out.txt 2>&1
check_matches "an old record layout is refused by its size" "old_layout.so: plugin old_layout emitted ps_dossier records of [0-9]+ bytes, this parscore's ps_dossier has [0-9]+" out.txt
check_contains "an old record layout says what to rebuild" "rebuild it against this version's header" out.txt
"$PARSCORE" aggregate --plugin-dir "$TP" no_symbol.lua >out.txt 2>&1
check_contains "missing symbol names the file" "no_symbol.so: not a parscore plugin" out.txt

mkdir -p outdir
cat > midstream.lua <<'J'
return { period = "2025", scope = {"15"}, output = "outdir/run",
         sources = { { plugin = "fail_midstream" } }, rules = "national/index766" }
J
"$PARSCORE" run --plugin-dir "$TP" midstream.lua >out.txt 2>&1; check_status "mid-stream failure" 4 $?
check_contains "mid-stream failure" "fail_midstream.dat:7: simulated failure after one batch" out.txt
check_absent "no output after a failed source" outdir/run

# an output directory that cannot be created: exit 6, nothing written
touch blocker
cat > unwritable.lua <<'J'
return { period = "2025", scope = {"15"}, output = "blocker/out",
         sources = { { plugin = "example_dossiers", path = "d.txt" } }, rules = "national/index766" }
J
"$PARSCORE" run unwritable.lua >out.txt 2>&1; check_status "unwritable output" 6 $?
check_contains "unwritable output names it" "blocker/out: cannot create the output directory" out.txt

# the real unit list: a source naming an unknown unit is reported, not scored
cat > ok.lua <<'J'
return { period = "2025", scope = {"15"}, sources = { { plugin = "example_dossiers", path = "d.txt" } }, rules = "x" }
J
"$PARSCORE" aggregate ok.lua >agg.txt 2>err.txt; check_status aggregate 0 $?
check_contains "unknown unit reported" "99999 (1)" err.txt
check_contains "unknown unit line" "$(printf '*\tunknown_unit.99999\t1')" agg.txt
# D1 on time (finished on the due day), D2 late, D3 in progress overdue
check_contains "02647 received" "$(printf '02647\td.received\t2')" agg.txt
check_contains "02647 on time" "$(printf '02647\td.finished_on_time\t1')" agg.txt
check_contains "02647 late" "$(printf '02647\td.finished_late\t1')" agg.txt
check_contains "02671 overdue" "$(printf '02671\td.in_progress_over\t1')" agg.txt
check_contains "province roll-up" "$(printf '15\td.received\t3')" agg.txt
check_contains "province on-time indicator" "$(printf '15\ti.on_time\t1.0000/3')" agg.txt

# out of tree: install, then build the docs example with pkg-config only
cmake --install "$PS_BUILD" --prefix "$T/inst" >/dev/null 2>&1; check_status install 0 $?
PC=$(find "$T/inst" -name parscore.pc | head -1)
check "installed parscore.pc" yes "$([ -n "$PC" ] && echo yes || echo no)"
check "installed header" yes "$([ -f "$T/inst/include/parscore/plugin.h" ] && echo yes || echo no)"
check "--version matches pkg-config" "parscore $(PKG_CONFIG_PATH=$(dirname "$PC") pkg-config --modversion parscore) (plugin ABI 2)" \
  "$("$T/inst/bin/parscore" --version)"
check "version defined once" "$(sed -n 's/^project(parscore VERSION \([0-9.]*\).*/\1/p' "$PS_SOURCE/CMakeLists.txt")" \
  "$(PKG_CONFIG_PATH=$(dirname "$PC") pkg-config --modversion parscore)"
check "the plugin starter is not installed as a plugin" no \
  "$(find "$T/inst" -name example_dossiers.so | grep -q . && echo yes || echo no)"
"$T/inst/bin/parscore" plugins >plugins.txt 2>&1
check "installed plugins listed once" 1 "$(grep -c '^onestop_sqlite ' plugins.txt)"
mkdir -p plug
PKG_CONFIG_PATH=$(dirname "$PC") cc -std=c11 -Wall -Wextra -Werror \
  $(PKG_CONFIG_PATH=$(dirname "$PC") pkg-config --cflags parscore) -shared \
  -o plug/example_dossiers.so "$PS_SOURCE/examples/plugin/example_dossiers.c"
check_status "out-of-tree build" 0 $?
"$T/inst/bin/parscore" plugins --plugin-dir plug >out.txt 2>&1
check_contains "plugin listed" "example_dossiers" out.txt
"$T/inst/bin/parscore" aggregate --plugin-dir plug ok.lua >agg2.txt 2>/dev/null
check_status "installed aggregate" 0 $?
check "out-of-tree plugin gives the same counters" "$(cat agg.txt)" "$(cat agg2.txt)"
finish
