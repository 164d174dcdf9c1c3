#!/usr/bin/env bash
# Many small input files: a definition whose evaluations source is a glob over N CSV files,
# each a header and one row, read by `validate` and by `run`; prints the seconds of each.
# Every step must be linear in the number of files (docs/robustness.md): 100,000 files
# should take well under a minute each.
#
#   scripts/many_files.sh                    # N = 1000 2000 4000 8000 100000
#   COUNTS="1000 8000" scripts/many_files.sh
#   BIN=.build/debug/stagebalans scripts/many_files.sh   # another build (default: release)
#   MAX_GROWTH=3 COUNTS="2000 16000" scripts/many_files.sh
#                                            # CI: fails when a file costs more than 3 x as much
#                                            # at the last count as at the first (linear: about 1;
#                                            # quadratic over 8 x the files: about 8)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
COUNTS=${COUNTS:-"1000 2000 4000 8000 100000"}
if [ -z "${BIN:-}" ]; then
  swift build -c release --product stagebalans >/dev/null
  BIN="$ROOT/.build/release/stagebalans"
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

generate() { # count folder
  python3 - "$1" "$2" <<'PY'
import os, sys
count, folder = int(sys.argv[1]), sys.argv[2]
os.makedirs(os.path.join(folder, "in"), exist_ok=True)
header = "Student ID,Site,Discipline,Start Date,END DATE,Weeks,Placement kind,Evaluator Role,Status,Knowledge and skills,Contact with the patient,Working with the medical team,Final score,Submitted\n"
for index in range(count):
    row = f"r{index:07d},AZ Jan Portaels,urologie,2024-07-01,,4,hospital,supervisor,final,17,15,16,16,2024-08-13\n"
    with open(os.path.join(folder, "in", f"evaluations_{index:07d}.csv"), "w") as out:
        out.write(header + row)
PY
  cat > "$2/many.yml" <<YML
name: many files
output: out
as_of: 2025-06-30
reference:
  sites: $ROOT/pipelines/sample/sites.yml
  disciplines: $ROOT/pipelines/sample/disciplines.yml
  curriculum: $ROOT/pipelines/sample/curriculum.yml
sources:
  - name: evaluations
    kind: evaluations
    format: csv
    path: in/evaluations_*.csv
    dates: ["yyyy-m-d"]
YML
}

seconds() { # command...: prints the wall seconds, fails with the command's output when it fails
  local started ended log
  log=$(mktemp)
  started=$(date +%s.%N)
  if ! "$@" >"$log" 2>&1; then
    local status=$?
    tail -20 "$log" >&2; rm -f "$log"; return "$status"
  fi
  ended=$(date +%s.%N)
  rm -f "$log"
  echo "$started $ended" | awk '{ printf "%.2f", $2 - $1 }'
}

printf '%8s %10s %8s\n' files validate run
first="" last=""
for count in $COUNTS; do
  folder="$WORK/n$count"
  generate "$count" "$folder"
  validate=$(seconds "$BIN" validate "$folder/many.yml")
  run=$(seconds "$BIN" run "$folder/many.yml")
  printf '%8d %10s %8s\n' "$count" "$validate" "$run"
  [ -z "$first" ] && first="$count $validate $run"
  last="$count $validate $run"
  rm -rf "$folder"
done
if [ -n "${MAX_GROWTH:-}" ]; then
  # Seconds per file at the last count over those at the first, for validate and for run: a
  # ratio of timings in one command, not a time, so a slow or busy machine does not fail it.
  echo "$first $last" | awk -v max="$MAX_GROWTH" '{
    growth_validate = ($5 / $4) / ($2 / $1); growth_run = ($6 / $4) / ($3 / $1)
    printf "seconds per file, last count / first: validate %.2f, run %.2f (limit %s)\n", growth_validate, growth_run, max
    if (growth_validate > max || growth_run > max) { print "many files: a step grows faster than the number of files"; exit 1 }
  }'
fi
