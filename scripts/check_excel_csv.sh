#!/usr/bin/env bash
# Opens the Excel-for-Belgium CSV reports in LibreOffice Calc (headless) as a Dutch (Belgium)
# spreadsheet would (';', decimal comma, UTF-8 with BOM), exports them again as plain CSV,
# and checks that every cell equals the RFC 4180 report: numbers as numbers, text as text.
# Needs Debian's libreoffice-calc (installed when missing); not part of `swift test`.
#
#   scripts/check_excel_csv.sh              # runs the samples with report.formats incl. excel
#   scripts/check_excel_csv.sh RUN_FOLDER   # a run's folder (e.g. OUTPUT/latest) with *.excel.csv and *.csv
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
  { sed "s#^output: .*#output: $OUT#" pipelines/sample.yml; printf '\nreport:\n  formats: [csv, excel]\n'; } > "$TMPDEF"
  swift run -q stagebalans run "$TMPDEF" >/dev/null 2>&1
  OUT="$OUT/latest"
fi
status=0
checked=0
for report in capacity coverage audit findings; do
  [ -f "$OUT/$report.excel.csv" ] || continue
  checked=$((checked + 1))
  cp "$OUT/$report.excel.csv" "$WORK/$report.csv"
  # Import: ';' (59), '"' (34), UTF-8 (76), from line 1, language nl-BE (2067): what Calc does
  # with the file on a Belgian machine. Export: ',' '"' UTF-8, en-US numbers, formatted as shown=false.
  (cd "$WORK" && soffice --headless --infilter="CSV:59,34,76,1,,2067" \
     --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,false,false' \
     --outdir "$WORK/back" "$WORK/$report.csv" >/dev/null 2>&1)
  python3 - "$OUT/$report.csv" "$WORK/back/$report.csv" "$report" <<'PY' || status=1
import csv, sys
plain_path, back_path, name = sys.argv[1:4]
plain = list(csv.reader(open(plain_path, encoding="utf-8", newline="")))
back = list(csv.reader(open(back_path, encoding="utf-8-sig", newline="")))
def same(a, b):
    if a == b:
        return True
    try:
        return abs(float(a) - float(b)) < 1e-9 and "," not in b
    except ValueError:
        return False
bad = [(r, c, a, b) for r, (pr, br) in enumerate(zip(plain, back)) for c, (a, b) in enumerate(zip(pr, br)) if not same(a, b)]
if len(plain) != len(back) or any(len(p) != len(b) for p, b in zip(plain, back)):
    print(f"{name}: shape differs: {len(plain)} vs {len(back)} rows"); sys.exit(1)
if bad:
    for r, c, a, b in bad[:5]:
        print(f"{name}: row {r + 1} column {plain[0][c]}: RFC 4180 '{a}', LibreOffice read '{b}'")
    sys.exit(1)
cells = sum(len(r) for r in plain)
print(f"{name}: LibreOffice (nl-BE) reads the Excel CSV as the RFC 4180 one: {len(plain) - 1} rows, {cells} cells equal")
PY
done
[ "$checked" -gt 0 ] || { echo "no *.excel.csv in $OUT" >&2; exit 1; }
exit $status
