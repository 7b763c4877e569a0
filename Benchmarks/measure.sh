# Sourced by the benchmark scripts.

# prepare_corpus: release binaries, the 1 GiB corpus and its .zst (made once);
# sets logscan, corpus and bytes, and prints the machine and a table header.
prepare_corpus() {
  mkdir -p Benchmarks/corpus
  swift build -c release --product logscan >/dev/null
  swift build -c release --product loggen >/dev/null
  logscan=.build/release/logscan
  corpus=Benchmarks/corpus/bench-1G.jsonl
  [ -f "$corpus" ] || .build/release/loggen --bytes 1G --malformed 0.0005 > "$corpus"
  [ -f "$corpus.zst" ] || zstd -q -T0 -3 "$corpus" -o "$corpus.zst"
  bytes=$(stat -L -c %s "$corpus")
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  printf '| %-46s | %9s | %10s | %12s |\n' "command" "seconds" "MB/s" "peak RSS MB"
  printf '|%s|%s|%s|%s|\n' "------------------------------------------------" "-----------" "------------" "--------------"
}

# measure NAME INPUT_BYTES COMMAND...: the best of $RUNS (default 3) wall-clock
# runs (page cache warm) and the largest peak RSS, as a Markdown table row.
measure() {
  local name=$1 input=$2
  shift 2
  local best="" rss=0 timing
  timing=$(mktemp)
  for _ in $(seq "${RUNS:-3}"); do
    /usr/bin/time -f "%e %M" -o "$timing" "$@" >/dev/null 2>/dev/null || true
    local out seconds kb
    out=$(tail -1 "$timing")
    seconds=${out% *}
    kb=${out#* }
    if [ -z "$best" ] || awk "BEGIN {exit !($seconds < $best)}"; then best=$seconds; fi
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  rm -f "$timing"
  awk -v n="$name" -v s="$best" -v b="$input" -v r="$rss" \
    'BEGIN { printf "| %-46s | %9.2f | %10.0f | %12.0f |\n", n, s, (s > 0 ? b / s / 1e6 : 0), r / 1024 }'
}
