#!/usr/bin/env bash
# The plan's solvers at the issue's size (docs/planning.md#solver): 25 groups, 13 blocks (the last
# split), 5,000 students. CBC on the integer programme over 50, 200 and 500 types: roomy (a tenth
# more slots than one timetable's load), tight (exactly that load, a spare slot in a tenth of the
# cells) and tight with an autumn shortage; the max-flow on one type; loading CBC's model in one call
# against a call per column and row; HiGHS (scripts/highs_peer.py, pip install highspy) on the same
# models written out as MPS. Outside CI; a release build of its own (a few minutes the first time).
#
#   scripts/bench_schedule.sh [SECONDS]      SECONDS: the solvers' time limit (10 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_LIMIT=${1:-10}
export STAGEBALANS_SCHEDULE_BENCH=1
swift build -c release --product ScheduleBench --scratch-path .build-bench >/dev/null 2>&1
BENCH=.build-bench/release/ScheduleBench
T=$(mktemp -d)
trap 'rm -rf -- "$T"' EXIT
peak() { grep 'Maximum resident' "$1" | awk '{printf "peak_mb=%d", $NF / 1024}'; }

"$BENCH" load 500
/usr/bin/time -v "$BENCH" flow 2>"$T/time" && peak "$T/time" && echo
for types in 50 200 500; do
  for kind in roomy tight infeasible; do
    /usr/bin/time -v "$BENCH" typed "$types" "$kind" "$SECONDS_LIMIT" "$T/typed-$types-$kind" 2>"$T/time"
    peak "$T/time"; echo
    python3 -c 'import highspy' 2>/dev/null && python3 scripts/highs_peer.py "$T/typed-$types-$kind.mps.gz" "$SECONDS_LIMIT" || true
  done
done
