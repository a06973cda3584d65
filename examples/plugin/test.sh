#!/bin/sh
# test.sh -- builds the starter plugin with its Makefile (pkg-config only) and
# runs it in a job with the parscore on PATH (or $PARSCORE): the counters it
# prints must be the hand-counted ones below, and the job must write a
# scorecard.  Exit 0 when all is as expected.
set -eu
cd "$(dirname "$0")"
PARSCORE=${PARSCORE:-parscore}
make -s
"$PARSCORE" aggregate --plugin-dir . job.lua > counters.tsv
pass=0 fail=0
expect() {   # unit key value
  if grep -q "^$1	$2	$3\$" counters.tsv; then pass=$((pass + 1)); else
    echo "test.sh: expected $1 $2 = $3, got: $(grep "^$1	$2	" counters.tsv || echo nothing)" >&2
    fail=$((fail + 1))
  fi
}
# D1 finished before its due time, D2 the morning after; D3 still open past its due day
expect 02647 d.received 2
expect 02647 d.finished_on_time 1
expect 02647 d.finished_late 1
expect 02671 d.in_progress_over 1
expect 15 d.received 3
rm -rf out
if "$PARSCORE" run -q --plugin-dir . job.lua && [ -s out/02647.pdf ]; then pass=$((pass + 1)); else
  echo "test.sh: the job wrote no scorecard out/02647.pdf" >&2; fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
