#!/usr/bin/env bash
# YAML alias bombs against the executable: every file under 1 MB must be refused (or read) in
# under a second. Definitions go through `validate`, reference data through `run` (which loads
# it before reading any export). Prints seconds, exit code and the first line of stderr per
# file; fails when one takes a second or more, or a bomb is not refused with exit 2. The two
# `plain` files have no alias and are read (then rejected for their a.csv, exit 3): a definition
# of 900 KB, and a register of 1,000 sites (the register's near-duplicate check compares every
# pair of sites, so a far larger register takes longer: 1.8 s at 2,000 sites).
#
#   scripts/yaml_bombs.sh
#   BIN=.build/debug/stagebalans scripts/yaml_bombs.sh   # another build (default: release)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
if [ -z "${BIN:-}" ]; then
  swift build -c release --product stagebalans >/dev/null
  BIN="$ROOT/.build/release/stagebalans"
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

python3 - "$WORK" <<'PY'
import os, sys
folder = sys.argv[1]
head = "output: out\nsources:\n  - name: a\n    kind: agreements\n    format: csv\n    path: a.csv\n"

def alias_key_bomb(levels, form):
    # Issue 17's shape: each level uses the one before as a key; 997 bytes never finished.
    text = "a0: &a0 [lol, lol]\n"
    for level in range(1, levels + 1):
        p = f"a{level - 1}"
        entry = {"explicit": f"? *{p} : 1, ? [*{p}] : 2", "flow": f"*{p}: 1, [*{p}]: 2"}[form]
        text += f"a{level}: &a{level} {{{entry}}}\n"
    return text

def block_alias_key_bomb(levels):
    text = "b0: &b0 [lol, lol]\n"
    for level in range(1, levels + 1):
        text += f"b{level}: &b{level}\n  *b{level - 1} : 1\n  ? [*b{level - 1}]\n  : 2\n"
    return text

def laughs(levels, width):
    text = "l0: &l0 lol\n"
    for level in range(1, levels + 1):
        text += f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]\n"
    return text

def quadratic(count):
    # One anchor of a long list, repeated as a value many times: a quadratic blow-up.
    return "q: &q [" + ", ".join(["lol"] * count) + "]\nr: [" + ", ".join(["*q"] * count) + "]\n"

definitions = {
    "alias-key-explicit-500b": head + alias_key_bomb(11, "explicit"),
    "alias-key-explicit-1kb": head + alias_key_bomb(23, "explicit"),
    "alias-key-flow": head + alias_key_bomb(40, "flow"),
    "alias-key-block": head + block_alias_key_bomb(40),
    "billion-laughs-values": head + laughs(10, 10),
    "billion-laughs-wide-900k": head + laughs(3, 60000),
    "quadratic-values-900k": head + quadratic(100000),
    # No alias at all, 900 KB: 100,000 extra words for a coded value; read, not refused.
    "plain-values-900k": head + "    values:\n      kind:\n        framework: [" + ", ".join(f"w{i:06d}" for i in range(100000)) + "]\n",
}
for name, text in definitions.items():
    with open(os.path.join(folder, name + ".yml"), "w") as out:
        out.write(text)

def word(seed):
    letters = "abcdefghijklmnopqrstuvwxyz"
    return "".join(letters[(seed * 31 + k * 17 + seed // (k + 1)) % 26] for k in range(8)).capitalize()

# Reference data: a definition per bombed sites.yml, with real disciplines and curriculum.
root = os.getcwd()
for name, text in {"sites-alias-key": alias_key_bomb(40, "explicit"), "sites-billion-laughs": laughs(10, 10),
                   "sites-plain-1000": "sites:\n" + "".join(
                       f"  - {{code: S{i:05d}, name: {word(i)} {word(i * 7919)}, kind: hospital, region: central, city: Gent}}\n"
                       for i in range(1000))}.items():
    with open(os.path.join(folder, name + ".data.yml"), "w") as out:
        out.write(text)
    with open(os.path.join(folder, name + ".yml"), "w") as out:
        out.write(head + f"reference:\n  sites: {name}.data.yml\n"
                  f"  disciplines: {root}/pipelines/sample/disciplines.yml\n"
                  f"  curriculum: {root}/pipelines/sample/curriculum.yml\n")
PY
printf 'a;b\n' > "$WORK/a.csv"

failed=0
printf '%-28s %9s %8s %5s  %s\n' file bytes seconds exit "first line of stderr"
for file in "$WORK"/*.yml; do
  case "$file" in *.data.yml) continue ;; esac
  name=$(basename "$file" .yml)
  command=validate
  data="$file"
  if [ -f "$WORK/$name.data.yml" ]; then command=run; data="$WORK/$name.data.yml"; fi
  bytes=$(wc -c <"$data")
  started=$(date +%s.%N)
  set +e
  timeout 60 "$BIN" "$command" "$file" >/dev/null 2>"$WORK/stderr"
  status=$?
  set -e
  ended=$(date +%s.%N)
  seconds=$(echo "$started $ended" | awk '{ printf "%.2f", $2 - $1 }')
  first=$(head -1 "$WORK/stderr" | sed "s|$WORK/||g" | cut -c1-110)
  printf '%-28s %9d %8s %5d  %s\n' "$name" "$bytes" "$seconds" "$status" "$first"
  if awk -v s="$seconds" 'BEGIN { exit !(s >= 1) }' || [ "$bytes" -ge 1048576 ]; then failed=1; fi
  case "$name" in *plain*) ;; *) [ "$status" -eq 2 ] || failed=1 ;; esac
done
[ "$failed" -eq 0 ] || { echo "FAILED: a file took a second or more, was 1 MB or larger, or was not refused" >&2; exit 1; }
echo "all refused or read in under a second"
