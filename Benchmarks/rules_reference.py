#!/usr/bin/env python3
"""An independent evaluation of logscan's built-in error-rate and latency rules.

Written from docs/rules.md, not from logscan's code: parses every line with the
json module, keeps every duration (exact percentiles by sorting, nearest rank),
and runs the documented state machine. Prints one line per state change:

    rule<TAB>service<TAB>state<TAB>at (RFC 3339, seconds)

Usage: rules_reference.py LOG.jsonl [more.jsonl ...]
Compared with `logscan summary --alerts-out -` by Tests/LogScanCLITests/RulesCommandTests.swift
and Benchmarks/rules.sh.
"""
import json
import math
import sys
from collections import defaultdict
from datetime import datetime, timezone

STEP = 60 * 10**9
MINUTE = 60 * 10**9
# name, metric, comparison, threshold, window, for, min_samples (DESIGN.md's defaults)
RULES = [
    ("high_error_rate", "error_rate", ">", 0.01, 5 * MINUTE, 0, 20),
    ("rollback_error_rate", "error_rate", ">", 0.05, 5 * MINUTE, 5 * MINUTE, 20),
    ("high_latency_p99", 0.99, ">", 1e9, 5 * MINUTE, 0, 20),
    ("rollback_latency_p99", 0.99, ">", 2e9, 5 * MINUTE, 5 * MINUTE, 20),
    ("latency_budget_p50", 0.50, ">", 100e6, 5 * MINUTE, 0, 20),
    ("latency_budget_p95", 0.95, ">", 400e6, 5 * MINUTE, 0, 20),
    ("availability", "availability", "<", 0.995, 1440 * MINUTE, 0, 100),
]


def parse_time(text):
    # RFC 3339 with a Z or an offset, any fraction: to integer nanoseconds.
    main, _, rest = text.partition(".")
    fraction, zone = "", ""
    if rest:
        digits = 0
        while digits < len(rest) and rest[digits].isdigit():
            digits += 1
        fraction, zone = rest[:digits], rest[digits:]
    else:
        for marker in ("Z", "+", "-"):
            index = main.rfind(marker)
            if index > 10:
                main, zone = main[:index], main[index:]
                break
    moment = datetime.fromisoformat(main + ("+00:00" if zone in ("Z", "") else zone))
    seconds = int(moment.timestamp())
    return seconds * 10**9 + int((fraction + "000000000")[:9] or 0)


def main(paths):
    events = defaultdict(lambda: defaultdict(list))  # service -> bucket -> [(is_error, duration_ns or None)]
    first, last = None, None
    for path in paths:
        with open(path, "rb") as handle:
            for raw in handle:
                try:
                    record = json.loads(raw)
                except ValueError:
                    continue
                if not isinstance(record, dict) or "timestamp" not in record:
                    continue
                ts = parse_time(record["timestamp"])
                status = record.get("status")
                level = str(record.get("level", "")).lower()
                is_error = (isinstance(status, int) and status >= 500) or level in ("error", "fatal")
                duration = record.get("duration_ms")
                duration = round(duration * 1e6) if isinstance(duration, (int, float)) else None
                service = record.get("service") or "(none)"
                events[service][ts // STEP].append((is_error, duration))
                first = ts if first is None else min(first, ts)
                last = ts if last is None else max(last, ts)
    if first is None:
        return
    last_bucket = last // STEP
    out = []
    for name, metric, op, threshold, window, hold, min_samples in RULES:
        width = window // STEP
        for service, buckets in events.items():
            state, active_at = "inactive", 0
            for bucket in range(min(buckets), last_bucket + 1):
                t = (bucket + 1) * STEP
                chosen = [e for b in range(bucket - width + 1, bucket + 1) for e in buckets.get(b, ())]
                holds = False
                if metric in ("error_rate", "availability"):
                    n = len(chosen)
                    if n >= min_samples and n > 0:
                        rate = sum(1 for e in chosen if e[0]) / n
                        value = rate if metric == "error_rate" else 1 - rate
                        holds = value > threshold if op == ">" else value < threshold
                else:
                    values = sorted(d for _, d in chosen if d is not None)
                    n = len(values)
                    if n >= min_samples and n > 0:
                        value = values[max(1, math.ceil(metric * n)) - 1]
                        holds = value > threshold
                if state == "inactive":
                    if holds:
                        active_at = t
                        state = "firing" if hold == 0 else "pending"
                        out.append((t, name, service, state))
                elif state == "pending":
                    if not holds:
                        state = "inactive"
                        out.append((t, name, service, "inactive"))
                    elif t - active_at >= hold:
                        state = "firing"
                        out.append((t, name, service, "firing"))
                elif not holds:
                    state = "inactive"
                    out.append((t, name, service, "resolved"))
    order = {rule[0]: index for index, rule in enumerate(RULES)}
    out.sort(key=lambda item: (item[0], order[item[1]], item[2]))
    for t, name, service, state in out:
        stamp = datetime.fromtimestamp(t // 10**9, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        print(f"{name}\t{service}\t{state}\t{stamp}")


if __name__ == "__main__":
    main(sys.argv[1:])
