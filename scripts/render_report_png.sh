#!/usr/bin/env bash
# Renders a run's report.html to a PNG with headless Chromium (Debian's `chromium`), to look
# at the page as a coordinator's browser shows it, offline.
#
#   scripts/render_report_png.sh                      # out/sample/latest/report.html → docs/report.png
#   scripts/render_report_png.sh PAGE.html OUT.png [WIDTH] [HEIGHT]
set -euo pipefail
cd "$(dirname "$0")/.."
PAGE=${1:-out/sample/latest/report.html}
PNG=${2:-docs/report.png}
WIDTH=${3:-1200}
HEIGHT=${4:-2400}
if ! command -v chromium >/dev/null; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
[ -f "$PAGE" ] || swift run -q stagebalans run pipelines/sample.yml >/dev/null
mkdir -p "$(dirname "$PNG")"
# --no-sandbox: CI and this script run as root; the page is our own, offline, without network.
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --window-size="$WIDTH,$HEIGHT" --screenshot="$(realpath -m "$PNG")" "file://$(realpath "$PAGE")" 2>/dev/null
echo "wrote $PNG"
