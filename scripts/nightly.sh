#!/usr/bin/env bash
# stagebalans-nightly: the wrapper that cron or systemd runs every night (docs/operations.md).
# It runs the installed binary and never builds: a server needs no Swift toolchain.
#
#   stagebalans-nightly [PIPELINE.yml]     # default: $STAGEBALANS_PIPELINE
#
# scripts/install.sh installs this file as PREFIX/bin/stagebalans-nightly and fills in the two
# paths below. Run from a checkout (both empty), it uses the checkout's
# .build/release/stagebalans, the checkout as its folder and pipelines/sample.yml by default.
#
# Settings come from the environment, then from the settings file (the environment wins):
# STAGEBALANS_ENV_FILE, by default the installed path below (skipped when it does not exist;
# STAGEBALANS_ENV_FILE= with nothing reads none). The file holds NAME=value lines, never run as
# shell code; an unknown name is an error. The settings:
#   STAGEBALANS_PIPELINE       the definition, when no argument names one
#   STAGEBALANS_HOME           the folder to run in: a relative pipeline and the logs are read
#                              from there (default: the current folder)
#   STAGEBALANS_LOG_DIR        the nightly logs (default: $STAGEBALANS_HOME/logs)
#   STAGEBALANS_KEEP_LOGS      how many nightly logs to keep (default: 30)
#   STAGEBALANS_BIN            the binary (default: the installed one)
#   STAGEBALANS_TIMEOUT        the longest a run may take, as coreutils' timeout reads it (4h)
#   STAGEBALANS_TIMEOUT_GRACE  after the time limit's SIGTERM, how long until SIGKILL (60s)
#   STAGEBALANS_PSEUDONYM_KEY  passed on, for definitions with report.for_auditors
#   TZ                         the time zone of the as-of date (default: Europe/Brussels)
#
# Exit codes: stagebalans's own, passed on unchanged (0 ok, 1 findings at fail_on, 2 definition,
# 3 input, 4 output, 5 locked: `stagebalans --help`), and the wrapper's:
#   6  the run outlived STAGEBALANS_TIMEOUT and was stopped (latest and the history unchanged)
#   8  no run was started: no binary at STAGEBALANS_BIN, or a setting that cannot be used
#   4  also when the log folder or log file cannot be written
#   64 the wrapper's own command line is wrong (an option, or more than one pipeline)
# It prints nothing when the run exits 0 (cron mails only what a job prints), else one line
# and the run's last log line.
set -uo pipefail
umask 022

# Filled in by scripts/install.sh.
INSTALLED_BIN=""
INSTALLED_ENV_FILE=""

readonly EXIT_OUTPUT=4 EXIT_TIMED_OUT=6 EXIT_NOT_STARTED=8 EXIT_USAGE=64
case ${1:-} in
  -h | --help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;;
  -*) echo "stagebalans-nightly: error: unknown option '$1'; usage: stagebalans-nightly [PIPELINE.yml]" >&2; exit "$EXIT_USAGE" ;;
esac
if [ $# -gt 1 ]; then
  echo "stagebalans-nightly: error: one pipeline a night, not $#; usage: stagebalans-nightly [PIPELINE.yml]" >&2
  exit "$EXIT_USAGE"
fi
readonly SETTINGS=(STAGEBALANS_PIPELINE STAGEBALANS_HOME STAGEBALANS_LOG_DIR STAGEBALANS_KEEP_LOGS STAGEBALANS_BIN
                   STAGEBALANS_TIMEOUT STAGEBALANS_TIMEOUT_GRACE STAGEBALANS_PSEUDONYM_KEY TZ)
LOG=""

# A JSON string: quotes, backslashes and control characters escaped (a pipeline's path may hold any).
json_string() {
  local text=$1 out="" char code i
  text=${text//\\/\\\\}; text=${text//\"/\\\"}
  text=${text//$'\n'/\\n}; text=${text//$'\r'/\\r}; text=${text//$'\t'/\\t}
  if [[ $text == *[$'\x01'-$'\x1f\x7f']* ]]; then
    for ((i = 0; i < ${#text}; i++)); do
      char=${text:i:1}
      if [[ $char == [$'\x01'-$'\x1f\x7f'] ]]; then printf -v code '\\u%04x' "'$char"; out+=$code; else out+=$char; fi
    done
    text=$out
  fi
  printf '"%s"' "$text"
}

# One JSON line of the wrapper's own in the night's log: level, message, then NAME VALUE pairs
# (exit_code and seconds are numbers, every other value a string).
log_line() {
  [ -n "$LOG" ] || return 0
  local level=$1 message=$2 line
  shift 2
  line="{\"time\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"level\":\"$level\",\"logger\":\"stagebalans.nightly\""
  line+=",\"message\":$(json_string "$message")"
  while [ $# -ge 2 ]; do
    case $1 in
      exit_code | seconds) line+=",\"$1\":$2" ;;
      *) line+=",\"$1\":$(json_string "$2")" ;;
    esac
    shift 2
  done
  printf '%s}\n' "$line" >>"$LOG"
}

# The night cannot start: say why on stderr (cron mails it) and in the log when there is one.
not_started() {
  echo "stagebalans-nightly: error: $1; no run was started (exit $EXIT_NOT_STARTED)" >&2
  log_line error "$1" exit_code "$EXIT_NOT_STARTED"
  exit "$EXIT_NOT_STARTED"
}

is_setting() {
  local name
  for name in "${SETTINGS[@]}"; do [ "$name" = "$1" ] && return 0; done
  return 1
}

# The settings file: NAME=value lines, # comments and blank lines; one pair of quotes around a
# value is removed (as systemd's EnvironmentFile does). Nothing in it is run; a name the wrapper
# does not know, a name set twice or a line without '=' stops the night with file:line:column.
read_settings_file() {
  local file=$1 line name value number=0 seen=" "
  [ -f "$file" ] || not_started "$file: the settings file (STAGEBALANS_ENV_FILE) is not a regular file"
  [ -r "$file" ] || not_started "$file: cannot read the settings file; make it readable by $(id -un) (mode 0640, group of that user)"
  if [ -n "$(find "$file" -maxdepth 0 -perm -o+w -print 2>/dev/null)" ]; then
    not_started "$file: the settings file is writable by every user, who could name any binary as STAGEBALANS_BIN; chmod o-w it"
  fi
  while IFS= read -r line || [ -n "$line" ]; do
    number=$((number + 1))
    line=${line%$'\r'}
    line=${line#"${line%%[![:space:]]*}"}
    case $line in '' | '#'* | ';'*) continue ;; esac
    # The line itself is not quoted: it may hold the pseudonym key.
    [[ $line == *=* ]] || not_started "$file:$number:1: expected NAME=value"
    name=${line%%=*}; name=${name%"${name##*[![:space:]]}"}
    value=${line#*=}; value=${value#"${value%%[![:space:]]*}"}
    is_setting "$name" || not_started "$file:$number:1: unknown setting '$name'; the settings are ${SETTINGS[*]}"
    [[ $seen == *" $name "* ]] && not_started "$file:$number:1: $name is set twice"
    seen+="$name "
    if [[ ${#value} -ge 2 && ( ( $value == \"*\" ) || ( $value == \'*\' ) ) ]]; then value=${value:1:${#value}-2}; fi
    [ -n "${!name+set}" ] || export "$name=$value"
  done <"$file"
}

# Where the settings file is: STAGEBALANS_ENV_FILE (set and empty: none), else the installed default.
if [ -n "${STAGEBALANS_ENV_FILE+set}" ]; then
  [ -z "$STAGEBALANS_ENV_FILE" ] || read_settings_file "$STAGEBALANS_ENV_FILE"
elif [ -n "$INSTALLED_ENV_FILE" ] && [ -e "$INSTALLED_ENV_FILE" ]; then
  read_settings_file "$INSTALLED_ENV_FILE"
fi

export LC_ALL=C.UTF-8 TZ=${TZ:-Europe/Brussels}
export PATH=/usr/local/bin:/usr/bin:/bin:${PATH:-}
if [ -n "$INSTALLED_BIN" ]; then
  HOME_DIR=${STAGEBALANS_HOME:-$PWD}
  BIN=${STAGEBALANS_BIN:-$INSTALLED_BIN}
  PIPELINE=${1:-${STAGEBALANS_PIPELINE:-}}
else
  CHECKOUT=$(cd "$(dirname "$0")/.." && pwd)
  HOME_DIR=${STAGEBALANS_HOME:-$CHECKOUT}
  BIN=${STAGEBALANS_BIN:-$CHECKOUT/.build/release/stagebalans}
  PIPELINE=${1:-${STAGEBALANS_PIPELINE:-pipelines/sample.yml}}
fi
KEEP=${STAGEBALANS_KEEP_LOGS:-30}
TIME_LIMIT=${STAGEBALANS_TIMEOUT:-4h}
GRACE=${STAGEBALANS_TIMEOUT_GRACE:-60s}

[ -n "$PIPELINE" ] || not_started "no pipeline definition: give PIPELINE.yml or set STAGEBALANS_PIPELINE"
[[ $KEEP =~ ^[1-9][0-9]{0,5}$ ]] || not_started "STAGEBALANS_KEEP_LOGS='$KEEP' is not a whole number from 1 to 999999"
for limit in "STAGEBALANS_TIMEOUT=$TIME_LIMIT" "STAGEBALANS_TIMEOUT_GRACE=$GRACE"; do
  value=${limit#*=}
  [[ $value =~ ^[0-9]+(\.[0-9]+)?[smhd]?$ ]] || not_started "$limit is not a duration such as 90s, 30m, 4h or 1d"
  [[ $value =~ ^0*(\.0*)?[smhd]?$ ]] && not_started "$limit would switch the time limit off; give a duration above 0"
done
cd -- "$HOME_DIR" 2>/dev/null || not_started "STAGEBALANS_HOME=$HOME_DIR is not a folder this user can enter"
LOG_DIR=${STAGEBALANS_LOG_DIR:-$HOME_DIR/logs}

# The log: a new file per night, created only if nothing has that name (noclobber), so a link
# planted under the name is not written through.
if ! mkdir -p -- "$LOG_DIR" 2>/dev/null || [ ! -w "$LOG_DIR" ]; then
  echo "stagebalans-nightly: error: cannot write the log folder $LOG_DIR (STAGEBALANS_LOG_DIR); no run was started (exit $EXIT_OUTPUT)" >&2
  exit "$EXIT_OUTPUT"
fi
candidate="$LOG_DIR/nightly-$(date +%Y-%m-%dT%H%M%S)-$$.log"
if ! (set -o noclobber; : >"$candidate") 2>/dev/null; then
  echo "stagebalans-nightly: error: cannot create the log file $candidate; no run was started (exit $EXIT_OUTPUT)" >&2
  exit "$EXIT_OUTPUT"
fi
LOG=$candidate
# Rotation, before anything can end the night: the names start with the time, so by name the
# oldest come first; the newest $KEEP stay, this night's included.
shopt -s nullglob
logs=("$LOG_DIR"/nightly-*.log)
for ((i = 0; i < ${#logs[@]} - KEEP; i++)); do
  [ "${logs[i]}" = "$LOG" ] || rm -f -- "${logs[i]}"
done
log_line info "nightly run started" pipeline "$PIPELINE" binary "$BIN" time_limit "$TIME_LIMIT" folder "$HOME_DIR"

if [ ! -f "$BIN" ] || [ ! -x "$BIN" ]; then
  hint="install it with scripts/install.sh"
  [ -n "$INSTALLED_BIN" ] || hint="build it with swift build -c release --static-swift-stdlib, or install it with scripts/install.sh"
  not_started "no stagebalans binary at $BIN (STAGEBALANS_BIN); $hint"
fi

# JSON log lines for the collector. A run that outlives the time limit gets SIGTERM, and
# SIGKILL after the grace (timeout exits 124, or 137 after the SIGKILL, which it logs: a run
# killed by something else, the OOM killer say, is 137 without that line); the lock goes with
# the process, and latest and the history stay as they were (docs/history.md).
started=$SECONDS
timeout --verbose --kill-after="$GRACE" "$TIME_LIMIT" "$BIN" run "$PIPELINE" --quiet --log-format json >>"$LOG" 2>&1
status=$?
last=$(tail -n 1 -- "$LOG")
if [ "$status" -eq 124 ] || { [ "$status" -eq 137 ] && grep -q "^timeout: sending signal KILL" -- "$LOG"; }; then
  status=$EXIT_TIMED_OUT
  last="stopped after STAGEBALANS_TIMEOUT=$TIME_LIMIT"
  log_line error "$last; latest and the history are as they were" exit_code "$status"
fi
log_line info "nightly run ended" exit_code "$status" seconds "$((SECONDS - started))"


if [ "$status" -ne 0 ]; then
  echo "stagebalans nightly run of $PIPELINE ended with exit $status; log: $LOG" >&2
  echo "$last" >&2
fi
exit "$status"
