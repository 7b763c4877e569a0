#!/bin/bash
# Instructions a line of `logscan summary` (or the flags given) costs, as
# cachegrind counts them: the difference between a 3 MB and a 30 MB slice
# of the benchmark corpus, one job, over the lines between them, so that
# start-up and the report do not count. Stable to a few instructions where
# wall-clock times here vary by 15%: run it before and after a change to the
# scanner, the formats or the per-event stages.
#
#   Benchmarks/instructions.sh                  # the default summary
#   Benchmarks/instructions.sh --no-correlation # any summary flags
#
# Needs valgrind (apt-get install -y valgrind) and takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/measure.sh
command -v valgrind >/dev/null || { echo "instructions.sh: valgrind is not installed" >&2; exit 2; }
prepare_corpus >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -c 3000000 "$corpus" | sed '$d' > "$work/small.jsonl"
head -c 30000000 "$corpus" | sed '$d' > "$work/large.jsonl"
# Without debug information cachegrind starts in seconds, not minutes.
objcopy --strip-debug "$logscan" "$work/logscan"
count() {
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$work/out" \
    "$work/logscan" summary --no-progress --format json -j 1 "${@:2}" "$1" >/dev/null 2>&1
  cg_annotate "$work/out" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
}
small=$(count "$work/small.jsonl" "$@")
large=$(count "$work/large.jsonl" "$@")
lines=$(( $(wc -l < "$work/large.jsonl") - $(wc -l < "$work/small.jsonl") ))
echo "summary $* : $(( (large - small) / lines )) instructions a line ($lines lines between the slices)"
