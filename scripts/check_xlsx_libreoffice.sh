#!/usr/bin/env bash
# Opens a run's report.xlsx in LibreOffice Calc (headless), exports every sheet as CSV, and
# checks that every cell comes back equal to the run's RFC 4180 CSV of the same table: numbers
# as the same numbers, dates as the same days, text as the same text. Needs Debian's
# libreoffice-calc (installed when missing); not part of `swift test` or CI.
#
#   scripts/check_xlsx_libreoffice.sh              # runs the samples (pipelines/sample.yml writes xlsx)
#   scripts/check_xlsx_libreoffice.sh RUN_FOLDER   # a run's folder (e.g. OUTPUT/latest) with report.xlsx and *.csv
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-}
if ! command -v soffice >/dev/null; then
  apt-get update -qq && apt-get install -y -qq libreoffice-calc-nogui >/dev/null
fi
WORK=$(mktemp -d)
TMPDEF=""
trap 'rm -rf "$WORK"; rm -f "$TMPDEF"' EXIT
if [ -z "$OUT" ]; then
  OUT="$WORK/run"
  TMPDEF=$(mktemp --suffix=.yml -p pipelines)
  sed "s#^output: .*#output: $OUT#" pipelines/sample.yml > "$TMPDEF"
  swift run -q stagebalans run "$TMPDEF" >/dev/null 2>&1 || true
  OUT="$OUT/latest"
fi
[ -f "$OUT/report.xlsx" ] || { echo "no report.xlsx in $OUT" >&2; exit 1; }
cp "$OUT/report.xlsx" "$WORK/report.xlsx"
# Export: ',' '"' UTF-8 (76), from line 1, en-US (1033), quoted text, detect special numbers,
# cell contents NOT as shown (raw values), ..., sheet -1: every sheet to report-NAME.csv.
(cd "$WORK" && soffice --headless \
   --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,true,true,false,false,false,-1' \
   --outdir "$WORK/back" "$WORK/report.xlsx" >/dev/null 2>&1)
python3 - "$OUT" "$WORK/back" <<'PY'
import csv, datetime, os, sys
run, back = sys.argv[1:3]
status = 0
total = 0
FORMULA = ("=", "+", "-", "@", "\t", "\r")
def unguarded(text):
    return text[1:] if text.startswith("'") and text[1:].lstrip("'").startswith(FORMULA) else text
def same(a, b):
    a = unguarded(a)
    if a == b:
        return True
    try:
        # A percentage cell comes back in its format even when not "as shown": 0.857 as 85.7%.
        number = float(b[:-1]) / 100 if b.endswith("%") else float(b)
        return abs(float(a) - number) < 1e-9
    except ValueError:
        pass
    try:  # a date LibreOffice writes in its own form
        return datetime.date.fromisoformat(a) == datetime.datetime.strptime(b, "%m/%d/%Y").date()
    except ValueError:
        return False
sheets = sorted(f for f in os.listdir(back) if f.endswith(".csv"))
if not sheets:
    print("LibreOffice exported no sheet"); sys.exit(1)
for table in ["capacity", "coverage", "progress", "audit", "findings", "placements", "quarantine", "changes"]:
    plain = list(csv.reader(open(f"{run}/{table}.csv", encoding="utf-8", newline="")))
    parts = [f for f in sheets if f == f"report-{table}.csv" or f.startswith(f"report-{table} (")]
    got = []
    for index, part in enumerate(sorted(parts, key=lambda f: (len(f), f))):
        rows = list(csv.reader(open(f"{back}/{part}", encoding="utf-8-sig", newline="")))
        got += rows if index == 0 else rows[1:]
    width = len(plain[0])
    got = [row + [""] * (width - len(row)) for row in got]
    bad = [(r, c, a, b) for r, (pr, gr) in enumerate(zip(plain, got)) for c, (a, b) in enumerate(zip(pr, gr)) if not same(a, b)]
    if len(plain) != len(got):
        print(f"{table}: {len(plain)} rows in the CSV, {len(got)} from LibreOffice"); status = 1; continue
    if bad:
        for r, c, a, b in bad[:5]:
            print(f"{table}: row {r + 1} column {plain[0][c]}: CSV '{a}', LibreOffice read '{b}'")
        status = 1; continue
    cells = sum(len(r) for r in plain)
    total += cells
    print(f"{table}: LibreOffice reads the workbook's sheet as the CSV: {len(plain) - 1} rows, {cells} cells equal")
print(f"check_xlsx_libreoffice: {total} cells, {'all equal' if status == 0 else 'DIFFERENCES'}")
sys.exit(status)
PY
