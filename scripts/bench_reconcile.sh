#!/usr/bin/env bash
# What normalize and reconcile add to ingest, on the sample faculty's exports scaled to
# 20,000 students (558,157 records, 225,000 placements; the sample generator with more
# students and proportionally more agreement slots). Prints the median wall time per stage
# of `stagebalans run` over ROUNDS runs and the ratio (normalize + reconcile) / ingest, then
# `validate` (ingest alone) against `run` with hyperfine.
#
#   scripts/bench_reconcile.sh           # 5 rounds; data in bench-data/faculty (generated when missing)
#   ROUNDS=9 STUDENTS=40000 scripts/bench_reconcile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ROUNDS=${ROUNDS:-5}
STUDENTS=${STUDENTS:-20000}
DATA="$ROOT/bench-data/faculty-$STUDENTS"
if [ ! -f "$DATA/faculty.yml" ]; then
  echo "generating the sample faculty with $STUDENTS students into $DATA ..." >&2
  python3 scripts/generate_samples.py --students "$STUDENTS" --capacity-scale $((STUDENTS * 3 / 1000)) \
    --out "$DATA/samples" --reference-out "$DATA/ref" >/dev/null
  sed -e 's#^output: .*#output: out#' -e 's#\.\./samples/#samples/#' -e 's#sample/\([a-z]*\)\.yml#ref/\1.yml#' \
    pipelines/sample.yml > "$DATA/faculty.yml"
fi
swift build -c release --product stagebalans >/dev/null 2>&1
BIN="$ROOT/.build/release/stagebalans"

for _ in $(seq "$ROUNDS"); do
  "$BIN" run "$DATA/faculty.yml" --force 2>&1 >/dev/null | grep -o '(reference.*)' || true
done | python3 -c '
import re, statistics, sys
rows = [dict((k, float(v)) for k, v in re.findall(r"(\w+) ([0-9.]+)", line)) for line in sys.stdin]
med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
print("median of %d runs (s): " % len(rows) + ", ".join("%s %.2f" % kv for kv in med.items()))
print("(normalize + reconcile) / ingest = %.2f" % ((med["normalize"] + med["reconcile"]) / med["ingest"]))
'
if command -v hyperfine >/dev/null; then
  hyperfine -N -w 1 -r "$ROUNDS" "$BIN validate $DATA/faculty.yml" "$BIN run --force $DATA/faculty.yml" 2>/dev/null \
    | grep -E 'Time|±|faster|validate|run' || true
fi
