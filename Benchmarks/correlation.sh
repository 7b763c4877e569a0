#!/usr/bin/env bash
# Request correlation: its cost on the 1 GiB corpus (summary with and without
# it), `logscan trace` against the summary on the .zst, and peak RSS on an
# endless-like stream with a million requests in flight (a pipe, 10 GB by
# default: SOAK_BYTES=2G for a shorter run).
#
#   Benchmarks/correlation.sh      # builds release binaries
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/measure.sh
prepare_corpus
export RUNS=${RUNS:-5}
measure "summary --no-correlation (plain)" "$bytes" $logscan summary --no-progress --no-correlation --format json "$corpus"
measure "summary, correlation on (plain)" "$bytes" $logscan summary --no-progress --format json "$corpus"
measure "summary --no-correlation (.zst)" "$bytes" $logscan summary --no-progress --no-correlation --format json "$corpus.zst"
measure "summary, correlation on (.zst)" "$bytes" $logscan summary --no-progress --format json "$corpus.zst"
id=$(head -1 "$corpus" | sed 's/.*"requestId":"\([^"]*\)".*/\1/')
measure "trace ID (.zst)" "$bytes" $logscan trace --no-progress "$id" "$corpus.zst"

# A million requests in flight (their lines interleaved at random), 2 million
# new requests a minute: far more open requests than the cap (300,000), so
# the table stays full and evicts. Peak RSS of logscan alone.
echo
soak=${SOAK_BYTES:-10G}
echo "stream: loggen --bytes $soak --rate 2000000 --concurrency 1000000 | logscan summary -"
.build/release/loggen --bytes "$soak" --rate 2000000 --concurrency 1000000 --seed 3 \
  | /usr/bin/time -f "logscan: %e s, peak RSS %M KB" $logscan summary --no-progress --no-rules - \
  | sed -n '/^REQUESTS/,/fan-out/p'
