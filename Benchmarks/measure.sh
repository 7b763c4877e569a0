# Sourced by the benchmark scripts.
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
