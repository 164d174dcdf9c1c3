#!/usr/bin/env bash
# CI (issue 21, item 5): install into a temporary prefix and run the installed nightly wrapper
# the way cron runs it, with no Swift on PATH (docs/operations.md, docs/testing.md).
#
#   scripts/install_check.sh [BINARY]
#
# BINARY: a stagebalans linked with --static-swift-stdlib. By default the debug build that CI
# made is linked again so (seconds, where a release build takes about 7 minutes on 2 cores):
# its objects were compiled without -static-stdlib, so their autolink entries name Foundation
# alone, not the libraries the static Foundation needs; those five are named to the linker.
# The release build (scripts/install.sh without --binary) compiles with -static-stdlib and
# needs none of them. This leaves .build/debug/stagebalans linked statically.
# The debug build's manifest (.build/debug.yaml) goes first: after `swift package plugin` (the
# man page's tool, which install.sh builds) SwiftPM 6.3 kept that run's manifest for the next
# `swift build --static-swift-stdlib` and linked dynamically; the ldd checks below catch that.
#
# Each check prints ok or FAIL; the last line counts them and the exit status is 1 on a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
started=$SECONDS
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok    $1"; }
bad() { failed=$((failed + 1)); echo "FAIL  $1"; }
expect() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

SWIFT=$(command -v swift || true)
[ -n "$SWIFT" ] || { echo "install_check: no swift on PATH (the man page and the default binary need it)" >&2; exit 1; }
TOOLCHAIN=$(dirname "$(dirname "$(readlink -f "$SWIFT")")")
if [ $# -ge 1 ]; then
  BIN=$1
else
  libraries=()
  for library in CoreFoundation _FoundationCShims _FoundationCollections _FoundationICU swiftSynchronization; do
    libraries+=(-Xlinker "-l$library")
  done
  link_started=$SECONDS
  rm -f .build/debug.yaml
  "$SWIFT" build --static-swift-stdlib --product stagebalans "${libraries[@]}" >/tmp/install_check_link.log 2>&1 \
    || { tail -n 20 /tmp/install_check_link.log; echo "install_check: the static link failed" >&2; exit 1; }
  BIN="$("$SWIFT" build --show-bin-path)/stagebalans"
  echo "linked $BIN with --static-swift-stdlib in $((SECONDS - link_started)) s"
fi

T=$(mktemp -d)
trap 'rm -rf -- "$T"' EXIT
PREFIX=$T/prefix
F=$T/faculty
# What cron gives a job, and no Swift: the toolchain's folder is not on this PATH.
CRON_ENV=(env -i "PATH=/usr/bin:/bin:$PREFIX/bin" "HOME=$T" "LOGNAME=$(id -un)")

# The binary needs no library of the toolchain.
libs=$(ldd "$BIN" 2>&1)
expect "ldd: no library from the toolchain's folder $TOOLCHAIN" test -z "$(grep -F "$TOOLCHAIN" <<<"$libs")"
expect "ldd: no Swift runtime, Foundation or Dispatch library anywhere" \
  test -z "$(grep -E 'lib(swift|Foundation|_Foundation|dispatch|BlocksRuntime)' <<<"$libs")"
expect "ldd: every library found" test -z "$(grep 'not found' <<<"$libs")"
echo "      $(awk '{print $1}' <<<"$libs" | tr '\n' ' ')"

# Install.
install_started=$SECONDS
bash scripts/install.sh --binary "$BIN" "$PREFIX" >"$T/install.out" 2>&1
status=$?
expect "install.sh --binary into a temporary prefix exits 0 ($((SECONDS - install_started)) s)" test "$status" -eq 0
[ "$status" -eq 0 ] || sed 's/^/      /' "$T/install.out"
expect "no swift on the cron PATH" test -z "$("${CRON_ENV[@]}" bash -c 'command -v swift')"
expect "stagebalans --help runs from the prefix" bash -c '"$@" stagebalans --help | grep -q "^USAGE: stagebalans"' _ "${CRON_ENV[@]}"
expect "the installed binary is the one given" \
  test "$("${CRON_ENV[@]}" stagebalans --version)" = "$("$BIN" --version)" -a -x "$PREFIX/bin/stagebalans"
if command -v readelf >/dev/null; then
  expect "its debug info stripped, its symbols kept (for a crash's backtrace)" bash -c \
    '! readelf -S "$0" | grep -q "\.debug_info" && readelf -S "$0" | grep -q "\.symtab"' "$PREFIX/bin/stagebalans"
fi

# Completions.
expect "bash completion: sourced, registered, and completes 'stagebalans ru' to run" \
  bash -c '"$@" bash --norc --noprofile -c '\''source "$0" && complete -p stagebalans >/dev/null &&
    COMP_WORDS=(stagebalans ru) COMP_CWORD=1 COMP_LINE="stagebalans ru" COMP_POINT=14 && _stagebalans stagebalans ru stagebalans &&
    [ "${COMPREPLY[*]}" = run ]'\'' "'"$PREFIX"'/share/bash-completion/completions/stagebalans"' _ "${CRON_ENV[@]}"
for shell in zsh fish; do
  file=$PREFIX/share/zsh/site-functions/_stagebalans
  [ "$shell" = fish ] && file=$PREFIX/share/fish/vendor_completions.d/stagebalans.fish
  if command -v "$shell" >/dev/null; then
    expect "$shell completion parses ($shell -n)" "$shell" -n "$file"
  else
    expect "$shell completion written ($shell not installed here: not parsed)" grep -q stagebalans "$file"
  fi
done

# The man page: found through PATH (man-db maps PREFIX/bin to PREFIX/share/man), renders without warnings.
expect "man -w stagebalans finds the installed page" \
  bash -c '[ "$("$@" man -w stagebalans)" = "'"$PREFIX"'/share/man/man1/stagebalans.1" ]' _ "${CRON_ENV[@]}"
"${CRON_ENV[@]}" MANWIDTH=80 LANG=C.UTF-8 man -l "$PREFIX/share/man/man1/stagebalans.1" >"$T/man.txt" 2>"$T/man.err"
expect "the man page renders, without warnings" test -s "$T/man.txt" -a ! -s "$T/man.err"
expect "the man page has every subcommand and the exit status" \
  bash -c 'grep -q "^NAME" "$0" && grep -q "^EXIT STATUS" "$0" && grep -Eq "^ +run +Run the pipeline" "$0" && grep -Eq "^ +history" "$0"' "$T/man.txt"

# The systemd units (systemd-analyze checks the ExecStart path and the Documentation man page).
if command -v systemd-analyze >/dev/null; then
  expect "systemd-analyze verify: the service and the timer" "${CRON_ENV[@]}" systemd-analyze verify \
    "$PREFIX/lib/systemd/system/stagebalans-nightly.service" "$PREFIX/lib/systemd/system/stagebalans-nightly.timer"
else
  echo "      systemd-analyze not installed: units not verified"
fi
expect "the service runs the installed wrapper" grep -qx "ExecStart=$PREFIX/bin/stagebalans-nightly" \
  "$PREFIX/lib/systemd/system/stagebalans-nightly.service"

# A faculty's folder: the samples with the sample definition, output inside it.
mkdir -p "$F/pipelines"
cp -r samples "$F/"
cp -r pipelines/sample pipelines/sample.yml "$F/pipelines/"
latest() { readlink "$F/out/sample/latest" 2>/dev/null; }
runs() { ls "$F/out/sample/runs" 2>/dev/null; }

# 1. The first night, as a crontab line names it.
(cd "$T" && "${CRON_ENV[@]}" STAGEBALANS_HOME="$F" stagebalans-nightly pipelines/sample.yml >"$T/out1" 2>&1)
status=$?
expect "night 1: exit 0 or 1 (was $status)" test "$status" -eq 0 -o "$status" -eq 1
expect "night 1: published (latest names a run with report.html)" test -f "$F/out/sample/$(latest)/report.html"
[ "$status" -ne 0 ] || expect "night 1: nothing printed for cron to mail" test ! -s "$T/out1"
first=$(latest)

# 2. The settings file at the installed default (PREFIX/etc/...); the environment wins over it.
mkdir -p "$PREFIX/etc/stagebalans"
printf '# settings\nSTAGEBALANS_HOME=%s\nSTAGEBALANS_PIPELINE="pipelines/sample.yml"\n  STAGEBALANS_KEEP_LOGS = 3\n' "$F" \
  >"$PREFIX/etc/stagebalans/nightly.env"
"${CRON_ENV[@]}" stagebalans-nightly >"$T/out2" 2>&1
status=$?
expect "night 2 from the settings file: exit 0 (unchanged input)" test "$status" -eq 0
expect "night 2: latest unchanged, nothing printed" test "$(latest)" = "$first" -a ! -s "$T/out2"
expect "the logs are JSON lines, exit_code a number in the wrapper's last line" python3 -c '
import json, sys, glob
for path in glob.glob(sys.argv[1] + "/nightly-*.log"):
    lines = [json.loads(line) for line in open(path)]
    assert lines[-1]["logger"] == "stagebalans.nightly" and isinstance(lines[-1]["exit_code"], int), path
' "$F/logs"

# 3. A time limit too short for any run: exit 6, latest and the run folders as they were.
before=$(runs)
"${CRON_ENV[@]}" STAGEBALANS_TIMEOUT=0.01s STAGEBALANS_TIMEOUT_GRACE=1s stagebalans-nightly >"$T/out3" 2>&1
status=$?
expect "timeout: exit 6 (was $status)" test "$status" -eq 6
expect "timeout: says STAGEBALANS_TIMEOUT" grep -q "stopped after STAGEBALANS_TIMEOUT=0.01s" "$T/out3"
expect "timeout: latest and runs/ untouched" test "$(latest)" = "$first" -a "$(runs)" = "$before"

# 4. No binary: its own exit code, a message that says so, and no build.
mv "$PREFIX/bin/stagebalans" "$T/stagebalans.away"
"${CRON_ENV[@]}" stagebalans-nightly >"$T/out4" 2>&1
status=$?
mv "$T/stagebalans.away" "$PREFIX/bin/stagebalans"
expect "no binary: exit 8 (was $status)" test "$status" -eq 8
expect "no binary: names the path, never builds" \
  bash -c 'grep -q "no stagebalans binary at '"$PREFIX"'/bin/stagebalans" "$0" && ! grep -qi "swift\|build failed" "$0"' "$T/out4"

# The wrapper's own command line: --help, and one definition at most (64, as the binary's usage errors).
expect "stagebalans-nightly --help prints its usage" bash -c '"$@" stagebalans-nightly --help | grep -q "stagebalans-nightly \[PIPELINE.yml\]"' \
  _ "${CRON_ENV[@]}"
"${CRON_ENV[@]}" stagebalans-nightly a.yml b.yml >"$T/out64" 2>&1
expect "two definitions: exit 64, no night" test $? -eq 64

# 5. Settings the wrapper cannot use stop the night before it starts (exit 8, file:line).
printf 'STAGEBALANS_HOME=%s\nSTAGEBALANS_TIMOUT=1h\n' "$F" >"$T/typo.env"
"${CRON_ENV[@]}" STAGEBALANS_ENV_FILE="$T/typo.env" stagebalans-nightly pipelines/sample.yml >"$T/out5" 2>&1
status=$?
expect "a misspelt setting: exit 8 naming $T/typo.env:2:1" \
  bash -c '[ "$0" -eq 8 ] && grep -q "typo.env:2:1: unknown setting .STAGEBALANS_TIMOUT." "$1"' "$status" "$T/out5"
printf 'STAGEBALANS_HOME=%s\nSTAGEBALANS_KEEP_LOGS=$(touch %s/ran)\n' "$F" "$T" >"$T/code.env"
"${CRON_ENV[@]}" STAGEBALANS_ENV_FILE="$T/code.env" stagebalans-nightly pipelines/sample.yml >"$T/out6" 2>&1
status=$?
expect "shell code in the settings file is not run (exit 8, no file made)" test "$status" -eq 8 -a ! -e "$T/ran"
chmod o+w "$T/code.env"
"${CRON_ENV[@]}" STAGEBALANS_ENV_FILE="$T/code.env" stagebalans-nightly pipelines/sample.yml >"$T/out7" 2>&1
expect "a settings file every user can write is refused" grep -q "writable by every user" "$T/out7"

# Rotation: four nights made a log each; STAGEBALANS_KEEP_LOGS=3 keeps the newest three.
count=$(find "$F/logs" -name 'nightly-*.log' | wc -l)
expect "log rotation keeps STAGEBALANS_KEEP_LOGS=3 (found $count)" test "$count" -eq 3

# Uninstall: everything but the administrator's settings file goes.
"$PREFIX/bin/stagebalans-uninstall" >"$T/uninstall.out" 2>&1
status=$?
expect "stagebalans-uninstall exits 0" test "$status" -eq 0
left=$(cd "$T" && find prefix | sort | tr '\n' ' ')
expect "nothing left but the settings file (left: $left)" \
  test "$left" = "prefix prefix/etc prefix/etc/stagebalans prefix/etc/stagebalans/nightly.env "

# Staged install (DESTDIR), unpacked elsewhere as on a server, then install.sh --uninstall;
# a file changed since the install is kept and named.
P2=$T/server/usr/local
DESTDIR=$T/stage bash scripts/install.sh --binary "$BIN" --no-man "$P2" >"$T/stage.out" 2>&1
expect "DESTDIR: staged under DESTDIR, the wrapper names PREFIX's binary" \
  grep -qx "INSTALLED_BIN=\"$P2/bin/stagebalans\"" "$T/stage$P2/bin/stagebalans-nightly"
mkdir -p "$T/server/usr" && cp -a "$T/stage$P2" "$P2"
echo "# changed by hand" >>"$P2/lib/systemd/system/stagebalans-nightly.timer"
bash scripts/install.sh --uninstall "$P2" >"$T/uninstall2.out" 2>&1
status=$?
left=$(cd "$T/server" && find usr | sort | tr '\n' ' ')
expect "a changed file is kept (exit 1), the rest removed (left: $left)" bash -c '[ "$0" -eq 1 ] &&
  [ "$1" = "usr usr/local usr/local/lib usr/local/lib/systemd usr/local/lib/systemd/system usr/local/lib/systemd/system/stagebalans-nightly.timer " ]' \
  "$status" "$left"

# A manifest that names a file outside what install.sh writes removes nothing.
P3=$T/evil
mkdir -p "$P3/share/stagebalans" && echo keep >"$T/victim"
printf 'prefix %s\nfile %s %s/../victim\n' "$P3" "$(sha256sum <"$T/victim" | cut -d ' ' -f 1)" "$P3" \
  >"$P3/share/stagebalans/install-manifest"
bash scripts/uninstall.sh "$P3" >"$T/uninstall3.out" 2>&1
expect "a manifest naming ../victim is refused whole" test $? -eq 1 -a -f "$T/victim" -a -f "$P3/share/stagebalans/install-manifest"

echo "install_check took $((SECONDS - started)) s"
echo "install_check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
