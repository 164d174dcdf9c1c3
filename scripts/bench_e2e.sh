#!/usr/bin/env bash
# End-to-end benchmark: stagebalans `run` against the DuckDB peer (scripts/duckdb_peer.py)
# computing the same capacity, coverage and audit figures from the same CSV files, checked
# equal first; then stagebalans on the XML form of the same rows; optionally the 10 M-row
# scale check. Runs alternate; each line shows wall and CPU seconds and peak memory from
# /usr/bin/time -v, then medians and ratios.
#
#   scripts/bench_e2e.sh               # 1 M rows, 1,000 sites, 5,000 agreements; 3 rounds
#   ROUNDS=5 scripts/bench_e2e.sh
#   SCALE=1 scripts/bench_e2e.sh       # also 10 M rows (generated once: ~1.3 GB CSV, 3.5 GB XML)
#   THREADS=1 scripts/bench_e2e.sh     # DuckDB on one thread (default: all cores, as it runs by default)
#   BASELINE_BIN=/path/to/old/stagebalans scripts/bench_e2e.sh
#                                      # also an earlier build, alternated with this one in every
#                                      # round (CSV and XML), with this build / baseline ratios
#   XLSX=0 scripts/bench_e2e.sh        # without the xlsx variant: by default every round also runs
#                                      # the CSV input with report.xlsx on (issue 19: at most 1.5 x
#                                      # the time of the CSV-only run, at most 50 MB more memory)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ROUNDS=${ROUNDS:-3}
DATA="$ROOT/bench-data"
VENV="$DATA/.venv"
need() { command -v "$1" >/dev/null 2>&1; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
mkdir -p "$DATA"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q duckdb
fi
"$VENV/bin/python" -c 'import duckdb' 2>/dev/null || "$VENV/bin/pip" install -q duckdb
swift build -c release --product stagebalans >/dev/null
BIN="$ROOT/.build/release/stagebalans"

generate() { # rows folder
  if [ ! -f "$2/faculty.yml" ]; then
    echo "generating $1 rows into $2 ..." >&2
    python3 scripts/generate_scaled.py --rows "$1" --sites 1000 --agreements 5000 --out "$2" >&2
  fi
}

# One timed command: prints "wall cpu peak_kb" and keeps its exit code.
timed() {
  local log
  log=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { tail -5 "$log" >&2; rm -f "$log"; return 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); wall = (n == 3 ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2]) }
              /User time/ { user = $2 } /System time/ { sys = $2 } /Maximum resident/ { kb = $2 }
              END { printf "%.2f %.2f %d\n", wall, user + sys, kb }' "$log"
  rm -f "$log"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

bench() { # rows folder
  local data=$2 peer_threads=${THREADS:-0}
  generate "$1" "$data"
  echo "== $1 rows: $(du -h "$data/evaluations.csv" | cut -f1) CSV, $(du -h "$data/evaluations.xml" | cut -f1) XML ==" >&2
  "$BIN" run "$data/faculty.yml" --force --quiet 2>/dev/null || true
  "$VENV/bin/python" scripts/duckdb_peer.py "$data" "$data/peer" --threads "$peer_threads" --compare "$data/out/latest" \
    || { echo "the figures differ: no comparison" >&2; exit 1; }
  : > "$data/times.txt"
  if [ "${XLSX:-1}" = 1 ]; then
    # The same run with the workbook on, into an output folder of its own.
    sed -e 's/^output: .*/output: out-xlsx/' -e 's/^  formats: \[\(.*\)\]/  formats: [\1, xlsx]/' "$data/faculty.yml" > "$data/faculty-xlsx.yml"
  fi
  if [ -n "${BASELINE_BIN:-}" ]; then
    # The baseline writes its own output folders: its history may be of an older schema.
    sed 's/^output: .*/output: out-baseline/' "$data/faculty.yml" > "$data/baseline.yml"
    sed 's/^output: .*/output: out-baseline-xml/' "$data/faculty-xml.yml" > "$data/baseline-xml.yml"
  fi
  for round in $(seq "$ROUNDS"); do
    echo "stagebalans-csv $(timed "$BIN" run "$data/faculty.yml" --force --quiet)" | tee -a "$data/times.txt"
    echo "duckdb          $(timed "$VENV/bin/python" scripts/duckdb_peer.py "$data" "$data/peer" --threads "$peer_threads")" | tee -a "$data/times.txt"
    echo "stagebalans-xml $(timed "$BIN" run "$data/faculty-xml.yml" --force --quiet)" | tee -a "$data/times.txt"
    if [ "${XLSX:-1}" = 1 ]; then
      echo "stagebalans-xlsx $(timed "$BIN" run "$data/faculty-xlsx.yml" --force --quiet)" | tee -a "$data/times.txt"
    fi
    if [ -n "${BASELINE_BIN:-}" ]; then
      echo "baseline-csv    $(timed "$BASELINE_BIN" run "$data/baseline.yml" --force --quiet)" | tee -a "$data/times.txt"
      echo "baseline-xml    $(timed "$BASELINE_BIN" run "$data/baseline-xml.yml" --force --quiet)" | tee -a "$data/times.txt"
    fi
  done
  local kinds="stagebalans-csv duckdb stagebalans-xml"
  [ "${XLSX:-1}" = 1 ] && kinds="$kinds stagebalans-xlsx"
  [ -n "${BASELINE_BIN:-}" ] && kinds="$kinds baseline-csv baseline-xml"
  for what in $kinds; do
    printf '%-16s median wall %6.2f s  cpu %6.2f s  peak %5d MB\n' "$what" \
      "$(awk -v w="$what" '$1 == w { print $2 }' "$data/times.txt" | median)" \
      "$(awk -v w="$what" '$1 == w { print $3 }' "$data/times.txt" | median)" \
      "$(( $(awk -v w="$what" '$1 == w { print $4 }' "$data/times.txt" | median | cut -d. -f1) / 1024 ))"
  done
  local csv duck xml
  csv=$(awk '$1 == "stagebalans-csv" { print $2 }' "$data/times.txt" | median)
  duck=$(awk '$1 == "duckdb" { print $2 }' "$data/times.txt" | median)
  xml=$(awk '$1 == "stagebalans-xml" { print $2 }' "$data/times.txt" | median)
  awk -v c="$csv" -v d="$duck" -v x="$xml" 'BEGIN { printf "stagebalans CSV / DuckDB = %.2f (goal <= 1.0); XML / CSV = %.2f (goal <= 1.5)\n", c / d, x / c }'
  if [ "${XLSX:-1}" = 1 ]; then
    awk -v x="$(awk '$1 == "stagebalans-xlsx" { print $2 }' "$data/times.txt" | median)" -v c="$csv" \
        -v xm="$(awk '$1 == "stagebalans-xlsx" { print $4 }' "$data/times.txt" | median)" \
        -v cm="$(awk '$1 == "stagebalans-csv" { print $4 }' "$data/times.txt" | median)" \
        -v size="$(du -m "$data/out-xlsx/latest/report.xlsx" | cut -f1)" \
        'BEGIN { printf "xlsx on / CSV only: time %.2f (goal <= 1.5), peak memory %+.0f MB (goal <= +50); report.xlsx %d MB\n", x / c, (xm - cm) / 1024, size }'
  fi
  if [ -n "${BASELINE_BIN:-}" ]; then
    for form in csv xml; do
      awk -v n="$(awk -v w="stagebalans-$form" '$1 == w { print $2 }' "$data/times.txt" | median)" \
          -v b="$(awk -v w="baseline-$form" '$1 == w { print $2 }' "$data/times.txt" | median)" \
          -v nm="$(awk -v w="stagebalans-$form" '$1 == w { print $4 }' "$data/times.txt" | median)" \
          -v bm="$(awk -v w="baseline-$form" '$1 == w { print $4 }' "$data/times.txt" | median)" -v f="$form" \
          'BEGIN { printf "this build / baseline (%s): time %.3f, peak memory %.3f (limit 1.05 each)\n", f, n / b, nm / bm }'
    done
  fi
}

bench 1000000 "$DATA/scale-1m"
if [ "${SCALE:-0}" = 1 ]; then
  bench 10000000 "$DATA/scale-10m"
  awk -v a="$(awk '$1 == "stagebalans-csv" { print $2 }' "$DATA/scale-1m/times.txt" | median)" \
      -v b="$(awk '$1 == "stagebalans-csv" { print $2 }' "$DATA/scale-10m/times.txt" | median)" \
      -v m="$(awk '$1 == "stagebalans-csv" { print $4 }' "$DATA/scale-1m/times.txt" | median)" \
      -v n="$(awk '$1 == "stagebalans-csv" { print $4 }' "$DATA/scale-10m/times.txt" | median)" \
      'BEGIN { printf "10 M / 1 M rows: time %.1fx (goal <= 11), peak memory %.1fx (goal <= 2)\n", b / a, n / m }'
fi
