#!/usr/bin/env bash
# stagebalans-uninstall: removes what scripts/install.sh installed, as its manifest lists it
# (PREFIX/share/stagebalans/install-manifest), then the folders that install made and that are
# empty again. Installed as PREFIX/bin/stagebalans-uninstall; from a checkout:
#
#   scripts/uninstall.sh PREFIX          # or: scripts/install.sh --uninstall PREFIX
#
# A file is removed only when it is the file installed: the same sha256, a regular file, named
# like the files install.sh writes (stagebalans in its name, or in share/stagebalans or
# share/doc/stagebalans), under PREFIX. Anything else is kept and named, and the exit code is 1.
# The settings file (/etc/stagebalans/nightly.env), the faculty's folder, its output and logs
# are the administrator's: never touched. DESTDIR is honoured as install.sh honours it.
# install.sh also sources this file for the same checks when an upgrade drops a file.
set -uo pipefail

# Filled in by scripts/install.sh.
INSTALLED_PREFIX=""

MANIFEST_FILES=() MANIFEST_SUMS=() MANIFEST_DIRS=()

manifest_path() { printf '%s' "${DESTDIR:-}$1/share/stagebalans/install-manifest"; }

# Whether PATH (absolute) is one install.sh writes under PREFIX.
is_ours() {
  local prefix=$1 path=$2 relative
  [[ $path =~ ^[A-Za-z0-9._/+-]+$ && /$path/ != */../* && /$path/ != */./* && $path != *//* ]] || return 1
  [[ $path == "$prefix"/* ]] || return 1
  relative=${path#"$prefix"/}
  case $relative in
    share/stagebalans/* | share/doc/stagebalans/*) return 0 ;;
  esac
  case ${relative##*/} in
    stagebalans | stagebalans[.-]* | _stagebalans) return 0 ;;
  esac
  return 1
}

# Reads the manifest into MANIFEST_*; a line it does not expect refuses the whole manifest, so
# that a damaged or edited one removes nothing.
load_manifest() {
  local prefix=$1 file line number=0 kind sum path
  file=$(manifest_path "$prefix")
  MANIFEST_FILES=() MANIFEST_SUMS=() MANIFEST_DIRS=()
  [ -f "$file" ] || return 2
  while IFS= read -r line || [ -n "$line" ]; do
    number=$((number + 1))
    case $line in '' | '#'*) continue ;; esac
    read -r kind sum path <<<"$line"
    case $kind in
      prefix) [ "$sum" = "$prefix" ] && [ -z "$path" ] && continue
              echo "$file:$number:1: error: installed for prefix '$sum', not '$prefix'" >&2; return 1 ;;
      file) if [[ $sum =~ ^[0-9a-f]{64}$ ]] && is_ours "$prefix" "$path"; then
              MANIFEST_FILES+=("$path"); MANIFEST_SUMS+=("$sum"); continue
            fi ;;
      dir) if [ -z "$path" ] && [[ ( $sum == "$prefix" || $sum == "$prefix"/* ) && $sum =~ ^[A-Za-z0-9._/+-]+$ && /$sum/ != */../* ]]; then
             MANIFEST_DIRS+=("$sum"); continue
           fi ;;
    esac
    echo "$file:$number:1: error: expected 'file SHA256 PATH' or 'dir PATH' under $prefix naming a file of stagebalans; nothing was removed" >&2
    return 1
  done <"$file"
}

# Removes one installed file if it is still the file installed; else keeps it and says why.
remove_installed_file() {
  local path=$1 sum=$2 target=${DESTDIR:-}$1
  if [ -L "$target" ]; then echo "kept $path: a symbolic link now, not the file installed" >&2; return 1; fi
  [ -e "$target" ] || return 0
  if [ ! -f "$target" ]; then echo "kept $path: not a regular file now" >&2; return 1; fi
  if [ "$(sha256sum <"$target" | cut -d ' ' -f 1)" != "$sum" ]; then
    echo "kept $path: changed since it was installed (remove it by hand if the change is not needed)" >&2
    return 1
  fi
  rm -f -- "$target"
}

# The folders install made, deepest first, each only when empty.
remove_created_dirs() {
  local dir
  while IFS= read -r dir; do
    [ -n "$dir" ] && [ -d "${DESTDIR:-}$dir" ] && rmdir -- "${DESTDIR:-}$dir" 2>/dev/null
  done < <(printf '%s\n' "$@" | awk '{ print length($0) "\t" $0 }' | sort -rn | cut -f 2-)
  return 0
}

uninstall_main() {
  local prefix=${INSTALLED_PREFIX:-${1:-}} kept=0 i status
  prefix=${prefix%/}
  [ -n "$prefix" ] || { echo "usage: scripts/uninstall.sh PREFIX" >&2; return 64; }
  load_manifest "$prefix"
  status=$?
  if [ "$status" -eq 2 ]; then
    echo "stagebalans-uninstall: error: no stagebalans installed in ${DESTDIR:-}$prefix ($(manifest_path "$prefix") does not exist)" >&2
    return 1
  fi
  [ "$status" -eq 0 ] || return 1
  for i in "${!MANIFEST_FILES[@]}"; do
    remove_installed_file "${MANIFEST_FILES[i]}" "${MANIFEST_SUMS[i]}" || kept=$((kept + 1))
  done
  rm -f -- "$(manifest_path "$prefix")"
  remove_created_dirs "${MANIFEST_DIRS[@]}"
  echo "removed stagebalans from ${DESTDIR:-}$prefix: $((${#MANIFEST_FILES[@]} - kept)) files removed, $kept kept"
  [ "$kept" -eq 0 ]
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  uninstall_main "$@"
  exit $?
fi
