#!/usr/bin/env bash
# Fuzzes the CSV reader, the XML reader and the pipeline-definition loader with libFuzzer
# (-sanitize=fuzzer,address), each for FUZZ_SECONDS (default 60), starting from a seed corpus
# made of samples/ and the test fixtures. Fails on any crash, leak, timeout (10 s per input)
# or out-of-memory (2 GB); the input that did it is kept in .build-fuzz/artifacts/, and it
# belongs in the tests as a regression fixture.
#
#   scripts/fuzz.sh                       # 60 s per target
#   FUZZ_SECONDS=600 scripts/fuzz.sh      # longer, locally
#   FUZZ_TARGETS="FuzzXML" scripts/fuzz.sh
#   FUZZ_SEED=1 scripts/fuzz.sh           # a fixed seed (CI), for a repeatable run
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-60}
SEED=${FUZZ_SEED:-0}
TARGETS=${FUZZ_TARGETS:-"FuzzCSV FuzzXML FuzzDefinition"}
WORK=.build-fuzz
mkdir -p "$WORK/artifacts"

for target in $TARGETS; do
  STAGEBALANS_FUZZ=1 swift build --sanitize=fuzzer --sanitize=address --scratch-path "$WORK" --product "$target" 2>&1 \
    | grep -E "error|Compiling|Build" | grep -v "ld.gold: warning" || true
  [ -x "$WORK/debug/$target" ] || { echo "fuzz: $target did not build" >&2; exit 1; }
done

# Seeds: each sample and fixture, behind every selector byte its target understands.
seed() { # target selectors files...
  local target=$1 selectors=$2
  shift 2
  local dir="$WORK/corpus/$target"
  mkdir -p "$dir"
  for file in "$@"; do
    [ -f "$file" ] || continue
    for selector in $selectors; do
      { printf "\\x$(printf %02x "$selector")"; head -c 32768 "$file"; } > "$dir/seed-$selector-$(basename "$file")"
    done
  done
}
seed FuzzCSV "0 1 2 3 128" samples/*.csv samples/*.tsv Tests/IngestTests/Fixtures/csv/*
seed FuzzXML "0 1 128" samples/*.xml Tests/IngestTests/Fixtures/xml/*
mkdir -p "$WORK/corpus/FuzzDefinition"
cp pipelines/*.yml pipelines/sample/*.yml "$WORK/corpus/FuzzDefinition/" 2>/dev/null || true

status=0
for target in $TARGETS; do
  echo "fuzz: $target for $SECONDS_EACH s" >&2
  if ! "$WORK/debug/$target" "$WORK/corpus/$target" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -seed="$SEED" -artifact_prefix="$WORK/artifacts/$target-" -print_final_stats=1 > "$WORK/$target.log" 2>&1; then
    echo "fuzz: $target FAILED; the input is in $WORK/artifacts/; log: $WORK/$target.log" >&2
    grep -E "ERROR|SUMMARY|Fatal|fatal error" "$WORK/$target.log" | head -5 >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$WORK/$target.log" | tr '\n' ' ' >&2
    echo >&2
  fi
done
exit $status
