#!/usr/bin/env bash
# Alert rules and counters: their cost on the 1 GiB corpus (summary with and
# without them), and their correctness on a generated corpus with injected
# incidents, against an independent evaluation (rules_reference.py).
#
#   Benchmarks/rules.sh          # needs python3; builds release binaries
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/measure.sh
prepare_corpus
export RUNS=5
measure "summary --no-rules (plain)" "$bytes" $logscan summary --no-progress --no-rules --format json "$corpus"
measure "summary, 14 rules + 4 counters (plain)" "$bytes" $logscan summary --no-progress --format json "$corpus"
measure "summary --no-rules (.zst)" "$bytes" $logscan summary --no-progress --no-rules --format json "$corpus.zst"
measure "summary, 14 rules + 4 counters (.zst)" "$bytes" $logscan summary --no-progress --format json "$corpus.zst"
measure "check (.zst)" "$bytes" $logscan check -q "$corpus.zst"

# Injected incidents: 4 h of traffic at 2,000 requests a minute, a 0.2% base
# error rate, five incidents (error rate and 4x latency).
echo
incidents="30:42:0.08 75:80:0.3 120:150:0.03 170:176:0.15 200:203:0.5"
generated=Benchmarks/corpus/incidents.jsonl
args=(--lines 1200000 --seed 3 --rate 2000 --error-rate 0.002)
for incident in $incidents; do args+=(--incident "$incident"); done
.build/release/loggen "${args[@]}" > "$generated"
python3 Benchmarks/rules_reference.py "$generated" > Benchmarks/corpus/incidents.reference.tsv
$logscan summary --no-progress --format json --alerts-out - "$generated" | grep '^{"rule"' | python3 -c '
import json, sys
names = {"high_error_rate", "rollback_error_rate", "high_latency_p99", "rollback_latency_p99",
         "latency_budget_p50", "latency_budget_p95", "availability"}
for line in sys.stdin:
    e = json.loads(line)
    if e["rule"] in names:
        print("\t".join([e["rule"], e["scope"].get("service", ""), e["state"], e["at"][:19] + "Z"]))
' > Benchmarks/corpus/incidents.logscan.tsv
if cmp -s Benchmarks/corpus/incidents.reference.tsv Benchmarks/corpus/incidents.logscan.tsv; then
  echo "state changes: logscan and rules_reference.py agree on all $(wc -l < Benchmarks/corpus/incidents.logscan.tsv)"
else
  echo "state changes DIFFER:"; diff Benchmarks/corpus/incidents.reference.tsv Benchmarks/corpus/incidents.logscan.tsv | head -20
  exit 1
fi
# Each incident: the first firing of high_error_rate (api-gateway) at or after its start.
python3 - "$incidents" <<'PY'
import sys
from datetime import datetime, timezone
start = datetime(2026, 2, 7, tzinfo=timezone.utc).timestamp()
rows = [line.rstrip("\n").split("\t") for line in open("Benchmarks/corpus/incidents.logscan.tsv")]
for spec in sys.argv[1].split():
    first, end, rate = spec.split(":")
    low, high = start + int(first) * 60, start + int(end) * 60
    fired = [r for r in rows if r[0] in ("high_error_rate", "rollback_error_rate") and r[1] == "api-gateway"
             and r[2] == "firing" and low < datetime.fromisoformat(r[3].replace("Z", "+00:00")).timestamp() <= high + 300]
    when = ", ".join(f"{r[0]} at +{(datetime.fromisoformat(r[3].replace('Z', '+00:00')).timestamp() - start) / 60:.0f}m" for r in fired)
    print(f"incident minutes {first}-{end} at {float(rate):.0%} errors: {'detected: ' + when if fired else 'MISSED'}")
PY
