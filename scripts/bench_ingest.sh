#!/usr/bin/env bash
# Ingest benchmark: stagebalans's ingest (`validate`, which reads every record into a typed
# record or the quarantine) against DuckDB's read_csv (single-threaded) on the same CSV file
# and `xmllint --stream` on the same XML file. Runs alternate, medians are compared, so that
# a noisy shared machine shifts both sides alike. Then peak memory at 200 MB and 2 GB inputs.
#
#   scripts/bench_ingest.sh            # 3 rounds; data in bench-data/ (generated when missing)
#   ROUNDS=5 scripts/bench_ingest.sh
#   SKIP_2G=1 scripts/bench_ingest.sh  # without the 2 GB memory check
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DATA="$ROOT/bench-data"
ROUNDS=${ROUNDS:-3}
VENV="$DATA/.venv"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need xmllint || [ ! -x /usr/bin/time ]; then
  apt-get update -qq && apt-get install -y -qq libxml2-utils time >/dev/null
fi
mkdir -p "$DATA"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q duckdb
fi

if [ ! -f "$DATA/evaluations.csv" ] || [ ! -f "$DATA/evaluations.xml" ]; then
  echo "generating 2,000,000 CSV rows and 420,000 XML records into $DATA ..." >&2
  python3 scripts/generate_bench.py --rows 2000000 --xml-rows 420000 --out "$DATA"
fi
if [ -z "${SKIP_2G:-}" ] && { [ ! -f "$DATA/evaluations-2g.csv" ] || [ ! -f "$DATA/evaluations-2g.xml" ]; }; then
  echo "making the 2 GB inputs (the same records, repeated) ..." >&2
  { head -n 1 "$DATA/evaluations.csv"; for _ in $(seq 9); do tail -n +2 "$DATA/evaluations.csv"; done; } > "$DATA/evaluations-2g.csv"
  { head -n 2 "$DATA/evaluations.xml"
    for _ in $(seq 10); do sed -e '1,2d' -e '$d' "$DATA/evaluations.xml"; done
    tail -n 1 "$DATA/evaluations.xml"; } > "$DATA/evaluations-2g.xml"
fi

swift build -c release --product stagebalans >&2
BIN="$ROOT/.build/release/stagebalans"

# Pipeline definitions for the generated files (same reading options as the samples').
definition() { # $1 = file, $2 = csv|xml
  if [ "$2" = csv ]; then cat <<EOF
output: out
sources:
  - {name: evaluations, kind: evaluations, format: csv, path: "$1", encoding: utf-8, delimiter: ",", dates: ["yyyy-m-d"]}
EOF
  else cat <<EOF
output: out
sources:
  - name: evaluations
    kind: evaluations
    format: xml
    path: "$1"
    record: ev:evaluatie
    namespaces: {ev: "urn:example:evaluaties:2"}
    dates: ["yyyy-m-d"]
    fields:
      student: "@student"
      evaluator_role: "@rol"
      status: "@status"
      site: ev:stageplaats
      discipline: ev:discipline
      start_date: ev:periode/ev:start
      end_date: ev:periode/ev:einde
      weeks: ev:periode/ev:weken
      placement_kind: ev:soort
      score_knowledge: "ev:criterium[@naam='kennis']"
      score_patient: "ev:criterium[@naam='patient']"
      score_team: "ev:criterium[@naam='team']"
      final_score: ev:eindscore
      submitted: ev:ingediend
EOF
  fi
}
for size in "" "-2g"; do
  definition "evaluations$size.csv" csv > "$DATA/csv$size.yml"
  definition "evaluations$size.xml" xml > "$DATA/xml$size.yml"
done
cat > "$DATA/duckdb_read.py" <<'EOF'
import sys, time, duckdb
connection = duckdb.connect()
connection.execute("SET threads=1")
start = time.perf_counter()
connection.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{sys.argv[1]}')")
elapsed = time.perf_counter() - start
rows = connection.execute("SELECT count(*) FROM t").fetchone()[0]
print(f"{elapsed:.3f} {rows}")
EOF

RESULTS=$(mktemp)
timed() { # $1 = label, rest = command; appends "label wall user sys peakKB"
  local label=$1; shift
  /usr/bin/time -f "$label %e %U %S %M" -o "$RESULTS.one" "$@" >/dev/null 2>"$RESULTS.err" || {
    echo "failed: $*" >&2; cat "$RESULTS.err" >&2; exit 1; }
  cat "$RESULTS.one" >> "$RESULTS"
}
for round in $(seq "$ROUNDS"); do
  echo "round $round of $ROUNDS ..." >&2
  (cd "$DATA" && timed stagebalans-csv "$BIN" validate csv.yml --quarantine-dir "$DATA/out")
  (cd "$DATA" && "$VENV/bin/python" duckdb_read.py evaluations.csv | awk '{print "duckdb-query " $1 " 0 0 0"}' >> "$RESULTS")
  (cd "$DATA" && timed stagebalans-xml "$BIN" validate xml.yml --quarantine-dir "$DATA/out")
  (cd "$DATA" && timed xmllint xmllint --stream --noout evaluations.xml)
done
if [ -z "${SKIP_2G:-}" ]; then
  (cd "$DATA" && timed stagebalans-csv-2g "$BIN" validate csv-2g.yml --quarantine-dir "$DATA/out")
  (cd "$DATA" && timed stagebalans-xml-2g "$BIN" validate xml-2g.yml --quarantine-dir "$DATA/out")
fi

CSV_MB=$(stat -c %s "$DATA/evaluations.csv"); XML_MB=$(stat -c %s "$DATA/evaluations.xml")
python3 - "$RESULTS" "$CSV_MB" "$XML_MB" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, wall, user, system, peak = line.split()
    rows.setdefault(label, []).append((float(wall), float(user) + float(system), int(peak)))
csv_mb, xml_mb = int(sys.argv[2]) / 1e6, int(sys.argv[3]) / 1e6
def median(label, index):
    return statistics.median(r[index] for r in rows[label])
def line(label, size):
    wall = median(label, 0)
    peak = max(r[2] for r in rows[label]) / 1024
    cpu = median(label, 1)
    print(f"{label:20} {wall:7.2f} s wall {cpu:7.2f} s cpu {size / wall:7.1f} MB/s  peak {peak:6.1f} MB" if peak else
          f"{label:20} {wall:7.2f} s (query time, threads=1) {size / wall:7.1f} MB/s")
print(f"CSV {csv_mb:.0f} MB, XML {xml_mb:.0f} MB; medians of {len(rows['xmllint'])} alternating runs")
line("stagebalans-csv", csv_mb); line("duckdb-query", csv_mb)
line("stagebalans-xml", xml_mb); line("xmllint", xml_mb)
csv_ratio = median("duckdb-query", 0) / median("stagebalans-csv", 0)
xml_ratio = median("xmllint", 0) / median("stagebalans-xml", 0)
print(f"CSV ingest rate: {csv_ratio:.2f}x DuckDB read_csv single-threaded (goal >= 0.5)")
print(f"XML ingest rate: {xml_ratio:.2f}x xmllint --stream (goal >= 0.8)")
for label, size in (("stagebalans-csv-2g", csv_mb * 9), ("stagebalans-xml-2g", xml_mb * 10)):
    if label in rows:
        wall, _, peak = rows[label][0]
        print(f"{label:20} {size / 1000:.1f} GB {wall:7.1f} s {size / wall:7.1f} MB/s  peak {peak / 1024:6.1f} MB")
EOF
rm -f "$RESULTS" "$RESULTS.one" "$RESULTS.err"
