#!/usr/bin/env python3
"""Soak test of `logscan watch` through a pipe (issue 8).

Feeds generated JSON lines stamped with the current time at a fixed rate for a
set time into `logscan watch --no-dashboard`, injects a burst of errors every
few minutes, and records:

- RSS of logscan over time (from /proc), and its growth after the first minute;
- for each burst, the time from writing the line that crossed the alert's
  threshold to reading the alert's "firing" line on logscan's output;
- whether logscan kept up (the lines it reports against the lines written).

    Benchmarks/soak.py --rate 50000 --minutes 30 [--logscan .build/release/logscan]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone

RULES = """
rules:
  - name: soak_burst
    severity: critical
    scope: overall
    expr: count(errors) > 1000
    window: 1m
    min_samples: 1
"""


def stamp(now):
    return datetime.fromtimestamp(now, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=50000, help="lines per second")
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--burst-every", type=float, default=180, help="seconds between error bursts")
    parser.add_argument("--logscan", default=".build/release/logscan")
    args = parser.parse_args()

    rules = tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False)
    rules.write(RULES)
    rules.close()
    process = subprocess.Popen([args.logscan, "watch", "--no-dashboard", "--rules", rules.name],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    firings, stats = [], []

    def read_output():
        for raw in process.stdout:
            if not raw.startswith(b"{\""):
                continue
            seen = time.monotonic()
            try:
                record = json.loads(raw)
            except ValueError:
                continue
            if record.get("rule") == "soak_burst" and record.get("state") == "firing":
                firings.append(seen)
            elif record.get("type") == "stats":
                stats.append((seen, record.get("lines", 0)))

    reader = threading.Thread(target=read_output, daemon=True)
    reader.start()

    services = ["api-gateway", "order-service", "payment-service", "user-service"]
    written, start = 0, time.monotonic()
    end = start + args.minutes * 60
    next_burst = start + 30
    crossings = []  # monotonic time the 1001st error of a burst was written
    rss = []  # (seconds since start, kB)
    next_rss = start
    batch_seconds = 0.01
    k = 0
    while True:
        now_mono = time.monotonic()
        if now_mono >= end:
            break
        if now_mono >= next_rss:
            with open(f"/proc/{process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        rss.append((now_mono - start, int(line.split()[1])))
            next_rss += 10
        due = int((now_mono - start) * args.rate) - written
        if due <= 0:
            time.sleep(batch_seconds)
            continue
        now = time.time()
        ts = stamp(now)
        lines = []
        burst = now_mono >= next_burst
        for _ in range(due):
            k += 1
            service = services[k % 4]
            if burst:
                lines.append('{"timestamp":"%s","level":"error","service":"%s","requestId":"r%d","status":503,'
                             '"duration_ms":%d,"message":"upstream failed"}' % (ts, service, k, 40 + k % 50))
            else:
                lines.append('{"timestamp":"%s","level":"info","service":"%s","requestId":"r%d","status":200,'
                             '"duration_ms":%d,"path":"/api/orders/%d","method":"GET","message":"ok"}'
                             % (ts, service, k, 5 + k % 90, k % 1000))
        if burst:
            # 2,000 errors; the 1,001st crosses the threshold.
            lines = lines[:2000] + ['{"timestamp":"%s","level":"error","service":"api-gateway","status":503}' % ts] * max(0, 2000 - len(lines))
            process.stdin.write(("\n".join(lines[:1001]) + "\n").encode())
            crossings.append(time.monotonic())
            process.stdin.write(("\n".join(lines[1001:]) + "\n").encode())
            next_burst += args.burst_every
        else:
            process.stdin.write(("\n".join(lines) + "\n").encode())
        written += len(lines)
    elapsed = time.monotonic() - start
    process.stdin.close()
    process.wait(timeout=120)
    reader.join(timeout=10)

    print(f"fed {written:,} lines in {elapsed:.0f} s ({written / elapsed:,.0f}/s) to {args.logscan} watch")
    if stats:
        print(f"logscan reported {stats[-1][1]:,} lines in its last stats line (all {written:,} are in its summary)")
    latencies = []
    for crossed in crossings:
        after = [seen - crossed for seen in firings if seen >= crossed]
        if after:
            latencies.append(min(after))
    if latencies:
        print(f"alert latency over {len(latencies)} bursts: max {max(latencies) * 1000:.0f} ms, "
              f"mean {sum(latencies) / len(latencies) * 1000:.0f} ms")
    else:
        print("alert latency: no burst was followed by a firing line")
    if rss:
        first_minute = max(kb for t, kb in rss if t <= 60)
        later = max(kb for t, kb in rss)
        print(f"RSS: {first_minute / 1024:.1f} MB after the first minute, {later / 1024:.1f} MB at most, "
              f"growth {(later - first_minute) / 1024:.1f} MB")
        print("RSS samples (s, MB): " + ", ".join(f"{t:.0f}:{kb / 1024:.1f}" for t, kb in rss))
    os.unlink(rules.name)


if __name__ == "__main__":
    sys.exit(main())
