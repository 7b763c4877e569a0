#!/usr/bin/env bash
# Throughput and peak memory of `logscan summary` on a generated corpus, next
# to cat, zstd -dc, DuckDB, and (on a smaller slice) jq and Miller, plus an
# accuracy check against an independent computation (verify.py).
#
#   Benchmarks/run.sh            # 1 GiB corpus
#   Benchmarks/run.sh 256M       # smaller
#   STREAM=10G Benchmarks/run.sh # also: peak RSS on a 10 GiB stream through a pipe
#
# Needs: zstd, python3 with duckdb (pip install duckdb), jq, miller; missing
# peers are skipped. Corpora go to Benchmarks/corpus/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1G}
corpus=Benchmarks/corpus/bench-$size.jsonl
slice=Benchmarks/corpus/slice-100M.jsonl
mkdir -p Benchmarks/corpus

swift build -c release --product logscan >/dev/null
swift build -c release --product loggen >/dev/null
logscan=.build/release/logscan
[ -f "$corpus" ] || .build/release/loggen --bytes "$size" --malformed 0.0005 > "$corpus"
[ -f "$corpus.zst" ] || zstd -q -T0 -3 "$corpus" -o "$corpus.zst"
[ -f "$slice" ] || .build/release/loggen --bytes 100M --seed 5 > "$slice"
bytes=$(stat -L -c %s "$corpus")
slice_bytes=$(stat -L -c %s "$slice")
timing=$(mktemp)
trap 'rm -f "$timing"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "corpus:  $corpus ($bytes bytes, $(wc -l < "$corpus") lines); .zst $(stat -L -c %s "$corpus.zst") bytes"
echo
printf '| %-46s | %9s | %10s | %12s |\n' "command" "seconds" "MB/s" "peak RSS MB"
printf '|%s|%s|%s|%s|\n' "------------------------------------------------" "-----------" "------------" "--------------"

source Benchmarks/measure.sh

measure "cat (plain)" "$bytes" cat "$corpus"
measure "zstd -dc (.zst)" "$bytes" zstd -dc "$corpus.zst"
measure "logscan summary (plain, 2 jobs)" "$bytes" $logscan summary --no-progress --format json "$corpus"
measure "logscan summary (plain, 1 job)" "$bytes" $logscan summary --no-progress --format json -j 1 "$corpus"
measure "logscan summary (.zst)" "$bytes" $logscan summary --no-progress --format json "$corpus.zst"
measure "logscan summary - (stdin pipe)" "$bytes" sh -c "cat '$corpus' | $logscan summary --no-progress --format json -"
measure "logscan watch (stdin pipe)" "$bytes" sh -c "cat '$corpus' | $logscan watch --no-dashboard"
if python3 -c 'import duckdb' 2>/dev/null; then
  measure "DuckDB read_ndjson + quantile_disc (plain)" "$bytes" python3 Benchmarks/duckdb_summary.py "$corpus"
  measure "DuckDB read_ndjson + quantile_disc (.zst)" "$bytes" python3 Benchmarks/duckdb_summary.py "$corpus.zst"
fi
measure "logscan summary (100 MB slice)" "$slice_bytes" $logscan summary --no-progress --format json "$slice"
if command -v jq >/dev/null; then
  # jq has no percentile: count and sum per service is the most it does in one pass.
  measure "jq count+sum by service (100 MB slice)" "$slice_bytes" jq -n \
    'reduce inputs as $e ({}; .[$e.service].n += 1 | .[$e.service].sum += $e.duration_ms)' "$slice"
fi
if command -v mlr >/dev/null; then
  measure "Miller stats1 p50,p99 by service (100 MB slice)" "$slice_bytes" mlr --ijson --ojson stats1 -a count,p50,p99 -f duration_ms -g service "$slice"
fi

if [ -n "${STREAM:-}" ]; then
  echo
  echo "stream: loggen --bytes $STREAM | logscan (peak RSS of logscan):"
  /usr/bin/time -f "%e s, peak RSS %M KB" -o "$timing" $logscan summary --format json - < <(.build/release/loggen --bytes "$STREAM") >/dev/null
  cat "$timing"
fi

if [ -z "${NO_VERIFY:-}" ]; then
  echo
  echo "accuracy (Benchmarks/verify.py, exact figures in Python, on the .zst):"
  python3 Benchmarks/verify.py --logscan $logscan "$corpus.zst"
fi
