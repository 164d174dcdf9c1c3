#!/usr/bin/env bash
# Runs the whole test suite under AddressSanitizer and under ThreadSanitizer (both supported
# by Swift on Linux), each in its own build folder, and fails on any report.
#
#   scripts/sanitizers.sh            # address, then thread
#   SANITIZERS=thread scripts/sanitizers.sh
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
for sanitizer in ${SANITIZERS:-address thread}; do
  log=".build-$sanitizer/test.log"
  mkdir -p ".build-$sanitizer"
  echo "sanitizers: swift test --sanitize=$sanitizer" >&2
  # halt_on_error: the first report fails the run; the suite's own timing-free tests apply.
  ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    swift test --sanitize="$sanitizer" --scratch-path ".build-$sanitizer" > "$log" 2>&1
  code=$?
  if [ $code -ne 0 ] || grep -qE "ERROR: (AddressSanitizer|ThreadSanitizer)|WARNING: ThreadSanitizer" "$log"; then
    echo "sanitizers: $sanitizer FAILED (exit $code); log: $log" >&2
    grep -E -A8 "ERROR: |WARNING: ThreadSanitizer" "$log" | head -30 >&2
    status=1
  else
    echo "sanitizers: $sanitizer clean: $(grep -E 'Test run with' "$log" | tail -1)" >&2
  fi
done
exit $status
