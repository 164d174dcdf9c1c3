#!/usr/bin/env bash
# Installs stagebalans so that a server runs it without a Swift toolchain (docs/operations.md).
#
#   scripts/install.sh [--binary PATH] [--no-man] [--no-strip] [PREFIX]
#   scripts/install.sh --uninstall [PREFIX]
#
# PREFIX: /usr/local by default when run as root (on the search paths of systemd, man and the
# shells' completions), else $HOME/.local (no root needed; a user's crontab can run it).
# Without --binary it builds the release binary with the Swift standard library and Foundation
# linked in (--static-swift-stdlib); --binary installs one built before (CI reuses its build).
# Either way the binary must not need a library from the toolchain (checked with ldd).
# It installs, each listed with its sha256 in PREFIX/share/stagebalans/install-manifest:
#   bin/stagebalans                 the binary (debug info stripped, symbols kept; --no-strip)
#   bin/stagebalans-nightly         the nightly wrapper (scripts/nightly.sh): never builds
#   bin/stagebalans-uninstall       removes what the manifest lists
#   share/man/man1/stagebalans.1    from swift-argument-parser's generate-manual plugin (needs Swift)
#   share/bash-completion/completions/stagebalans, share/zsh/site-functions/_stagebalans,
#   share/fish/vendor_completions.d/stagebalans.fish
#   lib/systemd/system/stagebalans-nightly.service and .timer (not enabled)
#   share/stagebalans/nightly.env.example, share/stagebalans/crontab.example
#   share/doc/stagebalans/operations.md
# An upgrade is the same command: files are replaced by rename (a running night keeps its
# binary), and files of the previous manifest that are no longer installed are removed.
# DESTDIR=DIR stages everything under DIR$PREFIX, with PREFIX's paths inside the files (to
# pack a tarball on a build machine and unpack it on the server).
set -euo pipefail
umask 022
REPO=$(cd "$(dirname "$0")/.." && pwd)

fail() { echo "install.sh: error: $*" >&2; exit 1; }
usage() { sed -n '4,5p' "$0" | sed 's/^# *//' >&2; exit 64; }

BINARY="" MAN=yes STRIP=yes UNINSTALL=no PREFIX=""
while [ $# -gt 0 ]; do
  case $1 in
    --binary) [ $# -ge 2 ] || usage; BINARY=$2; shift 2 ;;
    --binary=*) BINARY=${1#--binary=}; shift ;;
    --no-man) MAN=no; shift ;;
    --no-strip) STRIP=no; shift ;;
    --uninstall) UNINSTALL=yes; shift ;;
    -h | --help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "install.sh: error: unknown option '$1'" >&2; usage ;;
    *) [ -z "$PREFIX" ] || usage; PREFIX=$1; shift ;;
  esac
done
if [ -z "$PREFIX" ]; then
  if [ "$(id -u)" -eq 0 ]; then PREFIX=/usr/local; else PREFIX=${HOME:?HOME is not set; name a PREFIX}/.local; fi
fi
PREFIX=${PREFIX%/}
# The paths go into systemd units, cron lines and a line-based manifest: none of them quotes.
[[ $PREFIX == /* ]] || fail "PREFIX '$PREFIX' is not an absolute path"
[[ $PREFIX =~ ^[A-Za-z0-9._/+-]+$ ]] || fail "PREFIX '$PREFIX' has a character that systemd units and cron lines would have to quote; use letters, digits and . _ / + -"
[[ /$PREFIX/ != */../* && /$PREFIX/ != */./* ]] || fail "PREFIX '$PREFIX' has a . or .. component"
DESTDIR=${DESTDIR:-}
DESTDIR=${DESTDIR%/}
[ -z "$DESTDIR" ] || [[ $DESTDIR == /* ]] || fail "DESTDIR '$DESTDIR' is not an absolute path"

if [ "$UNINSTALL" = yes ]; then
  exec bash "$REPO/scripts/uninstall.sh" "$PREFIX"
fi

SWIFT=${SWIFT:-$(command -v swift || true)}
if [ -z "$BINARY" ]; then
  [ -n "$SWIFT" ] || fail "no swift on PATH to build with: set SWIFT=/path/to/swift, or build elsewhere and give --binary"
  echo "install.sh: building the release binary (swift build -c release --static-swift-stdlib; minutes on 2 cores)" >&2
  (cd "$REPO" && "$SWIFT" build -c release --static-swift-stdlib --product stagebalans) >&2
  BINARY="$(cd "$REPO" && "$SWIFT" build -c release --static-swift-stdlib --show-bin-path)/stagebalans"
fi
[ -f "$BINARY" ] && [ -x "$BINARY" ] || fail "$BINARY is not an executable file"
VERSION=$("$BINARY" --version 2>&1) || fail "$BINARY --version failed: $VERSION"

# Runs where no Swift is installed: no library of the toolchain (the Swift runtime, Foundation,
# Dispatch), and every other library found. The system's own, from Debian's packages, stay:
# libxml2, libsqlite3-0, zlib1g, coinor-libcbc3 (CBC and the COIN-OR libraries it brings: Cgl, Osi,
# Clp, CoinUtils, with libblas3, liblapack3 and libbz2-1.0) and libc6, libstdc++6, libgcc-s1 and
# libxml2's libicu72, liblzma5.
LIBRARIES=$(ldd "$BINARY" 2>&1) || fail "ldd $BINARY failed: $LIBRARIES"
RUNTIME=$(grep -E 'lib(swift|Foundation|_Foundation|dispatch|BlocksRuntime)' <<<"$LIBRARIES" || true)
[ -z "$RUNTIME" ] || fail "$BINARY needs the Swift toolchain's libraries, so it would not run on a server without Swift:
$RUNTIME
build it with: swift build -c release --static-swift-stdlib --product stagebalans"
MISSING=$(grep 'not found' <<<"$LIBRARIES" || true)
[ -z "$MISSING" ] || fail "$BINARY needs libraries this machine lacks (Debian: apt-get install libxml2 libsqlite3-0 zlib1g coinor-libcbc3):
$MISSING"

STAGE=$(mktemp -d)
trap 'rm -rf -- "$STAGE"' EXIT
if [ "$STRIP" = yes ] && command -v strip >/dev/null; then
  # Debug info only: the symbols stay, so a crash's backtrace still names its functions.
  strip --strip-debug -o "$STAGE/stagebalans" "$BINARY"
else
  cp -- "$BINARY" "$STAGE/stagebalans"
fi
for shell in bash zsh fish; do
  "$STAGE/stagebalans" --generate-completion-script "$shell" >"$STAGE/completion.$shell"
  [ -s "$STAGE/completion.$shell" ] || fail "stagebalans --generate-completion-script $shell wrote nothing"
done

# The man page: swift-argument-parser's generate-manual plugin. `--help` makes the plugin build
# its tool without building the package; the tool then reads this very binary's
# --experimental-dump-help. Empty lines (paragraphs of the help texts) become .Pp for mdoc.
if [ "$MAN" = yes ]; then
  if [ -z "$SWIFT" ]; then
    MAN="no: swift-argument-parser's generate-manual plugin needs the Swift toolchain; install from a machine with Swift (DESTDIR) for the page"
  else
    (cd "$REPO" && "$SWIFT" package plugin generate-manual --help) >"$STAGE/plugin.log" 2>&1 \
      || { cat "$STAGE/plugin.log" >&2; fail "swift package plugin generate-manual --help failed (building the plugin's tool); --no-man installs without the page"; }
    TOOL="$(cd "$REPO" && "$SWIFT" build --show-bin-path)/generate-manual-tool"
    [ -x "$TOOL" ] || fail "the generate-manual plugin built no $TOOL; --no-man installs without the page"
    if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then DATE=$(date -u -d "@$SOURCE_DATE_EPOCH" +%F)
    else DATE=$(git -C "$REPO" log -1 --format=%cs 2>/dev/null || date -u +%F); fi
    mkdir "$STAGE/man"
    "$TOOL" "$STAGE/stagebalans" --date "$DATE" --output-directory "$STAGE/man" >&2
    sed -i 's/^$/.Pp/' "$STAGE/man/stagebalans.1"
  fi
fi

# The settings file the wrapper reads: /etc for the system's prefixes, else under PREFIX.
case $PREFIX in
  /usr | /usr/local) ENV_FILE=/etc/stagebalans/nightly.env ;;
  *) ENV_FILE=$PREFIX/etc/stagebalans/nightly.env ;;
esac
# The files are written with /usr/local's paths; other prefixes get theirs.
localize() {
  local text
  text=$(<"$1")
  text=${text//\/usr\/local\/bin\//$PREFIX/bin/}
  text=${text//\/usr\/local\/share\//$PREFIX/share/}
  text=${text//\/etc\/stagebalans\/nightly.env/$ENV_FILE}
  printf '%s\n' "$text" >"$2"
}
wrapper=$(<"$REPO/scripts/nightly.sh")
wrapper=${wrapper/$'\nINSTALLED_BIN=""\n'/$'\n'INSTALLED_BIN=\"$PREFIX/bin/stagebalans\"$'\n'}
wrapper=${wrapper/$'\nINSTALLED_ENV_FILE=""\n'/$'\n'INSTALLED_ENV_FILE=\"$ENV_FILE\"$'\n'}
grep -q "^INSTALLED_BIN=\"$PREFIX/bin/stagebalans\"$" <<<"$wrapper" && grep -q "^INSTALLED_ENV_FILE=\"$ENV_FILE\"$" <<<"$wrapper" \
  || fail "scripts/nightly.sh has no INSTALLED_BIN=\"\" or INSTALLED_ENV_FILE=\"\" line to fill in"
printf '%s\n' "$wrapper" >"$STAGE/stagebalans-nightly"
uninstaller=$(<"$REPO/scripts/uninstall.sh")
uninstaller=${uninstaller/$'\nINSTALLED_PREFIX=""\n'/$'\n'INSTALLED_PREFIX=\"$PREFIX\"$'\n'}
grep -q "^INSTALLED_PREFIX=\"$PREFIX\"$" <<<"$uninstaller" || fail "scripts/uninstall.sh has no INSTALLED_PREFIX=\"\" line to fill in"
printf '%s\n' "$uninstaller" >"$STAGE/stagebalans-uninstall"
for unit in stagebalans-nightly.service stagebalans-nightly.timer; do localize "$REPO/contrib/systemd/$unit" "$STAGE/$unit"; done
localize "$REPO/contrib/nightly.env.example" "$STAGE/nightly.env.example"
localize "$REPO/contrib/crontab.example" "$STAGE/crontab.example"

# The manifest's checks and removals are the uninstaller's own (an upgrade drops files as it does).
source "$REPO/scripts/uninstall.sh"
set -e
OLD_FILES=() OLD_SUMS=() OLD_DIRS=()
status=0
load_manifest "$PREFIX" || status=$?
case $status in
  0) OLD_FILES=("${MANIFEST_FILES[@]}") OLD_SUMS=("${MANIFEST_SUMS[@]}") OLD_DIRS=("${MANIFEST_DIRS[@]}") ;;
  2) ;;
  *) fail "the manifest of the installation in $DESTDIR$PREFIX is damaged (above); repair or remove it, then install again" ;;
esac
INSTALLED=() SUMS=() CREATED=()

# The folders above a file that do not exist yet, up to PREFIX: made, and listed for uninstall.
make_parents() {
  local dir=$1 missing=()
  while [ ! -d "$DESTDIR$dir" ]; do
    missing+=("$dir")
    [ "$dir" != "$PREFIX" ] || break
    dir=$(dirname "$dir")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  mkdir -p -- "$DESTDIR$1"
  CREATED+=("${missing[@]}")
}

# One file: copied beside its place and renamed over it (never written through a link, and a
# running night keeps the binary it started with), then listed with its sha256.
place() {
  local source=$1 target=$PREFIX/$2 mode=$3 staged
  staged=$DESTDIR$target
  make_parents "$(dirname "$target")"
  if [ -d "$staged" ] && [ ! -L "$staged" ]; then fail "$staged is a folder; move it away or choose another PREFIX"; fi
  cp -- "$source" "$staged.new-$$"
  chmod "$mode" "$staged.new-$$"
  mv -fT -- "$staged.new-$$" "$staged"
  INSTALLED+=("$target")
  SUMS+=("$(sha256sum <"$staged" | cut -d ' ' -f 1)")
}

# The previous installation's files that this one no longer has go (if unchanged); then the
# manifest, written whole and renamed into place.
finish_install() {
  local i j found manifest dirs
  for i in "${!OLD_FILES[@]}"; do
    found=no
    for j in "${INSTALLED[@]}"; do [ "$j" = "${OLD_FILES[i]}" ] && found=yes; done
    [ "$found" = yes ] || remove_installed_file "${OLD_FILES[i]}" "${OLD_SUMS[i]}" || true
  done
  manifest=$(manifest_path "$PREFIX")
  {
    echo "# stagebalans install manifest, written by scripts/install.sh ($VERSION); stagebalans-uninstall removes what it lists"
    echo "prefix $PREFIX"
    for i in "${!INSTALLED[@]}"; do echo "file ${SUMS[i]} ${INSTALLED[i]}"; done
    dirs=("${OLD_DIRS[@]}" "${CREATED[@]}")
    [ ${#dirs[@]} -eq 0 ] || printf 'dir %s\n' "${dirs[@]}" | sort -u
  } >"$manifest.new-$$"
  mv -fT -- "$manifest.new-$$" "$manifest"
}

place "$STAGE/stagebalans" bin/stagebalans 0755
place "$STAGE/stagebalans-nightly" bin/stagebalans-nightly 0755
place "$STAGE/stagebalans-uninstall" bin/stagebalans-uninstall 0755
place "$STAGE/completion.bash" share/bash-completion/completions/stagebalans 0644
place "$STAGE/completion.zsh" share/zsh/site-functions/_stagebalans 0644
place "$STAGE/completion.fish" share/fish/vendor_completions.d/stagebalans.fish 0644
[ ! -f "$STAGE/man/stagebalans.1" ] || place "$STAGE/man/stagebalans.1" share/man/man1/stagebalans.1 0644
place "$STAGE/stagebalans-nightly.service" lib/systemd/system/stagebalans-nightly.service 0644
place "$STAGE/stagebalans-nightly.timer" lib/systemd/system/stagebalans-nightly.timer 0644
place "$STAGE/nightly.env.example" share/stagebalans/nightly.env.example 0644
place "$STAGE/crontab.example" share/stagebalans/crontab.example 0644
place "$REPO/docs/operations.md" share/doc/stagebalans/operations.md 0644
finish_install

# An upgrade of installed units: systemd rereads them (only on a live system it runs).
if [ -z "$DESTDIR" ] && [ "$(id -u)" -eq 0 ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  systemctl daemon-reload || echo "install.sh: warning: systemctl daemon-reload failed; run it before the next night" >&2
fi

echo "installed $VERSION into $DESTDIR$PREFIX: ${#INSTALLED[@]} files, listed in $PREFIX/share/stagebalans/install-manifest"
[ "$MAN" != yes ] && [ "$MAN" != no ] && echo "man page ${MAN}"
[ "$MAN" = no ] && echo "man page: not installed (--no-man)"
cat <<EOF
next: the settings ($ENV_FILE, from $PREFIX/share/stagebalans/nightly.env.example), then either
  cron:    $(grep -v '^#' "$STAGE/crontab.example" | head -n 1)
  systemd: systemctl enable --now stagebalans-nightly.timer
see $PREFIX/share/doc/stagebalans/operations.md; remove with $PREFIX/bin/stagebalans-uninstall
EOF
