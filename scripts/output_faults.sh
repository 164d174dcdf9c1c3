#!/usr/bin/env bash
# Output faults that need a file system of their own: a full disk and a read-only output
# folder, on a small tmpfs (needs root and mount; skipped with a message where not allowed).
# Each step asserts the exit code (4), the message, and that the previous run's reports and
# the history database are intact.
#
#   scripts/output_faults.sh
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
swift build --product stagebalans >/dev/null 2>&1 || { echo "output faults: build failed" >&2; exit 1; }
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; }
BIN="$ROOT/.build/debug/stagebalans"
MNT=$(mktemp -d)
WORK=$(mktemp -d)
cleanup() { umount "$MNT" 2>/dev/null; rm -rf "$MNT" "$WORK"; }
trap cleanup EXIT
if ! mount -t tmpfs -o size=4m tmpfs "$MNT" 2>/dev/null; then
  echo "output faults: cannot mount a tmpfs here (not root, or no mount permission): skipped" >&2
  exit 0
fi
sed -e "s#^output: .*#output: $MNT/out#" -e "s#\.\./samples/#$ROOT/samples/#" -e "s#sample/\([a-z]*\)\.yml#$ROOT/pipelines/sample/\1.yml#" \
  pipelines/sample.yml > "$WORK/p.yml"
fail=0
check() { # description condition
  if eval "$2"; then echo "  ok: $1"; else echo "  FAILED: $1" >&2; fail=1; fi
}

echo "output faults: a first run on a 4 MB tmpfs"
"$BIN" run "$WORK/p.yml" --quiet 2>"$WORK/first.err"
check "the first run publishes" '[ $? -eq 0 ] && [ -f "$MNT/out/latest/report.html" ]'
latest=$(readlink "$MNT/out/latest")
# The history stays whole: the published run is still there and the file passes SQLite's
# integrity check (a failed run may add its own row, with its exit code).
history_ok() {
  [ "$(sqlite3 "$MNT/out/history.sqlite" "PRAGMA integrity_check;" 2>/dev/null)" = "ok" ] &&
  [ "$(sqlite3 "$MNT/out/history.sqlite" "SELECT COUNT(*) FROM run WHERE published = 1 AND id = '${latest#runs/}';")" = "1" ]
}
reports=$(cd "$MNT/out/latest" && sha256sum ./* | sha256sum)

echo "output faults: the disk full"
free=$(df --output=avail -k "$MNT" | tail -1)
dd if=/dev/zero of="$MNT/filler" bs=1k count=$((free - 64)) status=none 2>/dev/null
"$BIN" run "$WORK/p.yml" --force --quiet 2>"$WORK/full.err"
code=$?
check "exit 4 on a full disk (got $code)" '[ $code -eq 4 ]'
check "the message names the file and the cause" 'grep -q "No space left on device" "$WORK/full.err"'
check "latest unchanged" '[ "$(readlink "$MNT/out/latest")" = "$latest" ]'
check "history whole, the published run in it" 'history_ok'
check "the previous reports intact" '[ "$(cd "$MNT/out/latest" && sha256sum ./* | sha256sum)" = "$reports" ]'
check "no staging folder left behind" '! ls -a "$MNT/out" | grep -q "^\.staging-"'
rm -f "$MNT/filler"

echo "output faults: the disk full while a run in partitions spills its rows"
cp "$WORK/p.yml" "$WORK/partitioned.yml"
printf 'partitions:\n  above_mb: 0\n  rows: 40\n' >> "$WORK/partitioned.yml"
free=$(df --output=avail -k "$MNT" | tail -1)
dd if=/dev/zero of="$MNT/filler" bs=1k count=$((free - 160)) status=none 2>/dev/null
"$BIN" run "$WORK/partitioned.yml" --force --quiet 2>"$WORK/spill.err"
code=$?
check "exit 4 (got $code)" '[ $code -eq 4 ]'
check "the message names a spill file and the cause" 'grep -q "\.spill: error: .*No space left on device" "$WORK/spill.err"'
check "latest unchanged" '[ "$(readlink "$MNT/out/latest")" = "$latest" ]'
check "history whole, the published run in it" 'history_ok'
check "the previous reports intact" '[ "$(cd "$MNT/out/latest" && sha256sum ./* | sha256sum)" = "$reports" ]'
check "no spill or staging folder left behind" '! ls -a "$MNT/out" | grep -q "^\.spill-\|^\.staging-"'
rm -f "$MNT/filler"

echo "output faults: the output folder read-only"
mount -o remount,ro "$MNT"
"$BIN" run "$WORK/p.yml" --force --quiet 2>"$WORK/ro.err"
code=$?
check "exit 4 on a read-only output folder (got $code)" '[ $code -eq 4 ]'
check "the message says read-only" 'grep -q "Read-only file system" "$WORK/ro.err"'
check "latest unchanged" '[ "$(readlink "$MNT/out/latest")" = "$latest" ]'
check "history whole, the published run in it" 'history_ok'
mount -o remount,rw "$MNT"

echo "output faults: after the faults, the next run publishes"
"$BIN" run "$WORK/p.yml" --force --quiet 2>"$WORK/after.err"
check "exit 0 and a new latest" '[ $? -eq 0 ] && [ "$(readlink "$MNT/out/latest")" != "$latest" ]'
[ $fail -eq 0 ] && echo "output faults: all as expected" || { cat "$WORK"/*.err >&2; exit 1; }
