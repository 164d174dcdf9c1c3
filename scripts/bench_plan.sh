#!/usr/bin/env bash
# Benchmark of `plan --schedule` at the size issue 22 names: 1,000 sites, 25 discipline groups,
# 13 blocks (the last in halves), 5,000 students (scripts/generate_plan_bench.py). Three
# questions: one cohort of 5,000 (max-flow and the smallest fix), the largest cohort in
# 1000..8000 (bisection), and --cohort progress (5,000 students in types: over 200 types the
# bound without the solver; in the -typed data set fewer types, and the integer programme).
# The peer, in the same rounds, is the yearly `plan` on the same agreements: reading the
# definition, the reference data and the agreements is common to both, so the ratio shows what
# the schedule adds. Each line: wall seconds and peak memory (/usr/bin/time); then medians.
#
#   scripts/bench_plan.sh                       # the release build in .build/release
#   BIN=/path/to/stagebalans ROUNDS=5 scripts/bench_plan.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ROUNDS=${ROUNDS:-3}
BIN=${BIN:-$ROOT/.build/release/stagebalans}
DATA="$ROOT/bench-data/plan"
BIN=$(realpath "$BIN" 2>/dev/null || echo "$BIN")
[ -x "$BIN" ] || { echo "no binary at $BIN: swift build -c release first, or BIN=…" >&2; exit 2; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
[ -f "$DATA/plan.yml" ] || python3 scripts/generate_plan_bench.py --out "$DATA"
# The same faculty whose students passed parts of 4 groups only: fewer than 200 types, so the
# integer programme runs (CBC, its 5-second limit) instead of the bound beyond 200 types.
[ -f "$DATA-typed/plan.yml" ] || python3 scripts/generate_plan_bench.py --out "$DATA-typed" --done-groups 4
cd "$DATA"
declare -A WALL MEM
measure() {
  local name=$1; shift
  local out
  /usr/bin/time -o /tmp/bench_plan.time -f "%e %M" "$BIN" plan --pipeline plan.yml --year 2026-2027 "$@" >/dev/null 2>/tmp/bench_plan.err
  out=$(tail -1 /tmp/bench_plan.time)
  WALL[$name]+="${out% *} "
  MEM[$name]+="${out#* } "
  printf '%-22s %6.2f s %6d MB  %s\n' "$name" "${out% *}" "$(( ${out#* } / 1024 ))" "$(grep '^plan:' /tmp/bench_plan.err | cut -c1-110)"
}
for round in $(seq "$ROUNDS"); do
  echo "round $round"
  measure yearly --students 5000
  measure schedule-5000 --students 5000 --schedule
  measure schedule-range --students 1000..8000 --schedule
  measure schedule-progress --cohort progress --schedule
  cd "$DATA-typed"; measure schedule-progress-cbc --cohort progress --schedule; cd "$DATA"
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
peer_wall=$(echo "${WALL[yearly]}" | median)
peer_mem=$(echo "${MEM[yearly]}" | median)
echo "medians (ratio to the yearly plan in the same rounds):"
for name in yearly schedule-5000 schedule-range schedule-progress schedule-progress-cbc; do
  wall=$(echo "${WALL[$name]}" | median)
  mem=$(echo "${MEM[$name]}" | median)
  printf '%-22s %6.2f s (%.2f)  %6.0f MB (%.2f)\n' "$name" "$wall" "$(echo "$wall / $peer_wall" | bc -l)" \
    "$(( mem / 1024 ))" "$(echo "$mem / $peer_mem" | bc -l)"
done
