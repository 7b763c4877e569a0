#!/usr/bin/env bash
# `logscan timeline`: its incidents on a generated corpus with injected
# incidents (each preceded by a deploy) against an independent evaluation
# (rules_reference.py's state changes, grouped into incidents by
# timeline_reference.py from docs/timeline.md), and its speed against the
# summary on the 1 GiB corpus.
#
#   Benchmarks/timeline.sh      # builds release binaries
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/measure.sh
prepare_corpus

# The rules the reference implements; the others off.
config=Benchmarks/corpus/timeline-rules.yml
cat > "$config" <<'YAML'
alerting:
  disable: [throughput_anomaly, queue_depth, db_pool, db_slow_query, llm_failure_rate, llm_slow_response, service_down]
YAML
incidents="30:42:0.08 75:80:0.3 120:150:0.03 170:176:0.15 200:203:0.5"
generated=Benchmarks/corpus/timeline-incidents.jsonl
args=(--lines 1200000 --seed 3 --rate 2000 --error-rate 0.002)
for incident in $incidents; do args+=(--incident "$incident"); done
.build/release/loggen "${args[@]}" > "$generated"
python3 Benchmarks/rules_reference.py "$generated" > Benchmarks/corpus/timeline.reference.tsv
$logscan timeline --no-progress --config "$config" --format json "$generated" > Benchmarks/corpus/timeline.json
python3 Benchmarks/timeline_reference.py Benchmarks/corpus/timeline.reference.tsv Benchmarks/corpus/timeline.json "$incidents"

echo
export RUNS=${RUNS:-5}
measure "summary (.zst)" "$bytes" $logscan summary --no-progress --format json "$corpus.zst"
measure "timeline (.zst)" "$bytes" $logscan timeline --no-progress --format json "$corpus.zst"
measure "summary (plain)" "$bytes" $logscan summary --no-progress --format json "$corpus"
measure "timeline (plain)" "$bytes" $logscan timeline --no-progress --format json "$corpus"
