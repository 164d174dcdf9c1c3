#!/usr/bin/env bash
# The wrapper cron calls: a known environment and working folder, the release binary, one log
# file per night with old ones rotated away, and stagebalans's exit code passed on unchanged
# (0 ok, 1 findings at fail_on, 2 definition, 3 input, 4 output, 5 locked: see README.md), and 6
# when the run outlived STAGEBALANS_TIMEOUT and was stopped (runs that never end must not pile up).
#
#   scripts/nightly.sh [PIPELINE.yml]          # default: $STAGEBALANS_PIPELINE, else pipelines/sample.yml
#
# Environment (all optional):
#   STAGEBALANS_HOME      the checkout to run from (default: this script's repository)
#   STAGEBALANS_LOG_DIR   where the nightly logs go (default: $STAGEBALANS_HOME/logs)
#   STAGEBALANS_KEEP_LOGS how many nightly logs to keep (default: 30)
#   STAGEBALANS_BIN       the binary (default: $STAGEBALANS_HOME/.build/release/stagebalans, built when missing or stale)
#   STAGEBALANS_TIMEOUT   the longest a run may take, as coreutils' timeout reads it (default: 4h)
#   STAGEBALANS_TIMEOUT_GRACE  after the time limit's SIGTERM, how long until SIGKILL (default: 60s)
#   STAGEBALANS_PSEUDONYM_KEY  passed on, for definitions with report.for_auditors
set -uo pipefail
umask 022
export LC_ALL=C.UTF-8 TZ=${TZ:-Europe/Brussels}
export PATH=/usr/local/bin:/usr/bin:/bin:${PATH:-}
HOME_DIR=${STAGEBALANS_HOME:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$HOME_DIR" || exit 4
PIPELINE=${1:-${STAGEBALANS_PIPELINE:-pipelines/sample.yml}}
LOG_DIR=${STAGEBALANS_LOG_DIR:-$HOME_DIR/logs}
KEEP=${STAGEBALANS_KEEP_LOGS:-30}
TIME_LIMIT=${STAGEBALANS_TIMEOUT:-4h}
GRACE=${STAGEBALANS_TIMEOUT_GRACE:-60s}
BIN=${STAGEBALANS_BIN:-$HOME_DIR/.build/release/stagebalans}
mkdir -p "$LOG_DIR" || exit 4
LOG="$LOG_DIR/nightly-$(date +%Y-%m-%dT%H%M%S).log"

# Built when missing or older than the checkout's sources (after a `git pull`).
if [ ! -x "$BIN" ] || [ -n "$(find Sources Package.swift -newer "$BIN" -print -quit 2>/dev/null)" ]; then
  swift build -c release --product stagebalans >>"$LOG" 2>&1 || { echo "stagebalans: build failed, see $LOG" >&2; exit 4; }
fi

# JSON log lines for the collector; the summary line is the last line of the log. A run that
# outlives the time limit gets SIGTERM, and SIGKILL after the grace (timeout exits 124, or 137
# after the SIGKILL, which it logs: a run killed by something else, the OOM killer say, is 137
# without that line); the lock goes with the process, and latest and the history stay as they
# were (docs/history.md).
timeout --verbose --kill-after="$GRACE" "$TIME_LIMIT" "$BIN" run "$PIPELINE" --quiet --log-format json >>"$LOG" 2>&1
status=$?
if [ "$status" -eq 124 ] || { [ "$status" -eq 137 ] && grep -q "^timeout: sending signal" "$LOG"; }; then
  echo "{\"level\":\"error\",\"message\":\"stopped after STAGEBALANS_TIMEOUT=$TIME_LIMIT\"}" >>"$LOG"
  echo "stagebalans nightly run of $PIPELINE stopped after STAGEBALANS_TIMEOUT=$TIME_LIMIT; exit 6" >&2
  status=6
fi

# Rotation: keep the newest $KEEP logs.
ls -1t "$LOG_DIR"/nightly-*.log 2>/dev/null | tail -n +"$((KEEP + 1))" | while read -r old; do rm -f -- "$old"; done

# One line for cron's mail (cron mails whatever a job prints): only when something is wrong.
if [ "$status" -ne 0 ]; then
  echo "stagebalans nightly run of $PIPELINE ended with exit $status; log: $LOG" >&2
  tail -n 1 "$LOG" >&2
fi
exit "$status"
