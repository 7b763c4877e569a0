#!/usr/bin/env bash
# Redaction: recall and precision per kind against planted truth, false
# positives on clean logs full of ids and hashes, and the speed of
# `logscan redact` and of the summary with redaction on and off, next to
# detect-secrets (PyPI) on the same data.
#
#   Benchmarks/redaction.sh          # 1 GiB corpus for speed
#   Benchmarks/redaction.sh 256M
#
# Needs python3; detect-secrets (pip install detect-secrets) is optional.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1G}
mkdir -p Benchmarks/corpus
swift build -c release --product logscan >/dev/null
swift build -c release --product loggen >/dev/null
logscan=.build/release/logscan
loggen=.build/release/loggen
corpus=Benchmarks/corpus/bench-$size.jsonl
planted=Benchmarks/corpus/planted-1M.jsonl
clean=Benchmarks/corpus/clean-1M.jsonl
[ -f "$corpus" ] || $loggen --bytes "$size" --malformed 0.0005 > "$corpus"
[ -f "$planted.truth" ] && head -1 "$planted.truth" | grep -q "^[0-9]" || $loggen --lines 1000000 --seed 11 --noise --plant 0.05 --truth "$planted.truth" > "$planted"
[ -f "$clean" ] || $loggen --lines 1000000 --seed 12 --noise > "$clean"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo
echo "## Recall and precision on planted values ($planted, $(wc -l < "$planted.truth") planted)"
$logscan redact --quiet "$planted" > "$work/redacted.jsonl"
$logscan audit --format json "$planted" > "$work/audit.json"
python3 Benchmarks/redaction_check.py "$planted.truth" "$work/redacted.jsonl" "$work/audit.json" || echo "CHECK FAILED"
echo
echo "## False positives on 1M clean lines (trace ids, UUIDs, hashes, versions, user agents, snowflake ids)"
$logscan audit "$clean" | head -3
echo

seconds() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
bytes=$(stat -L -c %s "$corpus")
report() {  # NAME SECONDS_AND_KB
  awk -v n="$1" -v s="${2% *}" -v k="${2#* }" -v b="$bytes" \
    'BEGIN { printf "| %-40s | %7.2f s | %7.0f MB/s | %5.0f MB |\n", n, s, b / s / 1e6, k / 1024 }'
}
best() {  # best of 3 runs of a command: "seconds kb"
  local b="" line
  for _ in 1 2 3; do
    line=$(seconds "$@")
    if [ -z "$b" ] || awk "BEGIN {exit !(${line% *} < ${b% *})}"; then b=$line; fi
  done
  echo "$b"
}
echo "## Speed on $corpus ($bytes bytes)"
echo "| command | time | throughput | peak RSS |"
echo "|---|---|---|---|"
report "logscan redact" "$(best $logscan redact --quiet "$corpus")"
report "logscan summary (redaction on, the default)" "$(best $logscan summary --no-progress "$corpus")"
report "logscan summary --no-redact" "$(best $logscan summary --no-progress --no-redact "$corpus")"
report "logscan summary -j 1" "$(best $logscan summary -j 1 --no-progress "$corpus")"
report "logscan summary -j 1 --no-redact" "$(best $logscan summary -j 1 --no-progress --no-redact "$corpus")"
report "logscan summary --audit" "$(best $logscan summary --audit --no-progress "$corpus")"

if command -v detect-secrets >/dev/null; then
  # detect-secrets runs about 0.1 MB/s here: a 2 MB slice of the planted
  # corpus. It is run from the slice's directory: inside a git work tree it
  # scans only tracked files.
  head -c 2000000 "$planted" > "$work/slice.jsonl"
  lines=$(wc -l < "$work/slice.jsonl")
  planted_in_slice=$(awk -F'\t' -v n="$lines" '$1 <= n' "$planted.truth" | wc -l)
  echo
  echo "## Against detect-secrets on a 2 MB slice of the planted corpus ($planted_in_slice values planted)"
  t=$(cd "$work" && seconds detect-secrets scan slice.jsonl)
  found=$(cd "$work" && detect-secrets scan slice.jsonl | python3 -c 'import json,sys; print(sum(len(v) for v in json.load(sys.stdin)["results"].values()))')
  awk -v s="${t% *}" -v f="$found" 'BEGIN { printf "| detect-secrets scan | %.2f s | %.2f MB/s | %s findings |\n", s, 2 / s, f }'
  t=$(seconds $logscan redact --quiet "$work/slice.jsonl")
  found=$($logscan audit --format json "$work/slice.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["findings"])')
  awk -v s="${t% *}" -v f="$found" 'BEGIN { printf "| logscan redact | %.2f s | %.0f MB/s | %s findings |\n", s, 2 / s, f }'
fi
