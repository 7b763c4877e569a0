#!/usr/bin/env python3
"""Recall and precision of logscan's redaction against planted truth.

    redaction_check.py TRUTH.tsv REDACTED.jsonl AUDIT.json

TRUTH.tsv is what `loggen --plant F --truth FILE` planted (line<TAB>kind<TAB>
value, newlines in values written as \\n, as they appear inside JSON strings).
Recall of a kind: the share of its planted values that no longer appear in
the redacted output. Precision: planted / found per kind, from the audit of
the same corpus (anything found beyond what was planted is a false
positive, since the rest of the corpus is clean by construction). Every
output line must still be valid JSON. Exit status 1 if recall is below 100%
or any false positive was found.
"""
import collections
import json
import sys

truth_path, redacted_path, audit_path = sys.argv[1:4]
planted = collections.defaultdict(list)
by_line = {}
with open(truth_path, encoding="utf-8") as f:
    for line in f:
        number, kind, value = line.rstrip("\n").split("\t", 2)
        planted[kind].append(value)
        by_line[int(number)] = (kind, value)

leaked_values = set()
bad_json = 0
with open(redacted_path, "rb") as f:
    for number, raw in enumerate(f, 1):
        if number in by_line and by_line[number][1].encode() in raw:
            leaked_values.add(by_line[number][1])
        if not raw.strip():
            continue
        try:
            json.loads(raw)
        except ValueError:
            bad_json += 1

audit = json.load(open(audit_path))
found = audit["byKind"]

failed = bad_json > 0
print(f"{'kind':<18} {'planted':>8} {'found':>8} {'recall':>8} {'precision':>9}")
for kind in sorted(set(planted) | set(found)):
    values = planted.get(kind, [])
    leaked = [v for v in values if v in leaked_values]
    recall = 1 - len(leaked) / len(values) if values else 1.0
    count = found.get(kind, 0)
    precision = min(len(values), count) / count if count else 1.0
    if leaked or count > len(values):
        failed = True
    print(f"{kind:<18} {len(values):>8} {count:>8} {recall:>8.2%} {precision:>9.2%}")
    for v in leaked[:3]:
        print(f"    leaked: {v[:60]}")
print(f"output lines that are not valid JSON: {bad_json}")
sys.exit(1 if failed else 0)
