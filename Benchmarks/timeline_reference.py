#!/usr/bin/env python3
"""Groups an independent evaluation's alert state changes into incidents, as
docs/timeline.md defines them, and compares them with `logscan timeline`.

    timeline_reference.py REFERENCE.tsv TIMELINE.json "START:END:RATE ..."

REFERENCE.tsv is rules_reference.py's output (rule, service, state, at).
Critical alerts make incidents (the default `timeline.severity`); an
incident's start is one step before its first alert's first true evaluation,
its end the last resolution of its alerts over windows of an hour or less.
Every incident must match logscan's within one evaluation step (60 s), and the
incident covering each injected one must list the deploy made before it.
Exits 1 on a mismatch.
"""
import json
import sys
from datetime import datetime

STEP = 60
GAP = 600
LONG = {"availability"}  # the reference's rules over windows longer than an hour
CRITICAL = {"high_error_rate", "rollback_error_rate", "rollback_latency_p99", "availability"}


def seconds(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def episodes(rows):
    """Alerts that fired: from the first true evaluation (pending, or firing
    at once) to the resolution. Pending that went back to inactive never fired."""
    open_, done = {}, []
    for rule, service, state, at in rows:
        key, t = (rule, service), seconds(at)
        if state in ("pending", "firing") and key not in open_:
            open_[key] = {"rule": rule, "service": service, "start": t, "end": None, "fired": False}
        if state == "firing":
            open_[key]["fired"] = True
        elif state == "resolved" and key in open_:
            episode = open_.pop(key)
            episode["end"] = t
            done.append(episode)
        elif state == "inactive":
            open_.pop(key, None)
    fired = [e for e in done + list(open_.values()) if e["fired"]]
    return sorted(fired, key=lambda e: e["start"])


def incidents(episodes):
    groups = []
    for e in episodes:
        end = e["start"] if e["rule"] in LONG else (e["end"] if e["end"] is not None else float("inf"))
        joins = [g for g in groups
                 if e["start"] <= g["end"] or (e["service"] in g["services"] and e["start"] - g["end"] <= GAP)]
        merged = {"episodes": [e], "end": end, "services": {e["service"]}}
        for g in joins:
            merged["episodes"] += g["episodes"]
            merged["end"] = max(merged["end"], g["end"])
            merged["services"] |= g["services"]
            groups.remove(g)
        groups.append(merged)
    result = []
    for g in groups:
        deciding = [e for e in g["episodes"] if e["rule"] not in LONG] or g["episodes"]
        ends = [e["end"] for e in deciding]
        result.append({"start": min(e["start"] for e in g["episodes"]) - STEP,
                       "end": None if None in ends else max(ends)})
    return sorted(result, key=lambda i: i["start"])


def main(reference, timeline, injected):
    rows = [line.rstrip("\n").split("\t") for line in open(reference) if line.strip()]
    expected = incidents([e for e in episodes(rows) if e["rule"] in CRITICAL])
    report = json.load(open(timeline))
    ours = [{"start": seconds(i["start"]), "end": seconds(i["end"]) if i["end"] else None, "raw": i}
            for i in report["incidents"]]
    ok = len(expected) == len(ours)
    print(f"incidents: reference {len(expected)}, logscan {len(ours)}")
    for e, o in zip(expected, ours):
        start_ok = abs(e["start"] - o["start"]) <= STEP
        end_ok = (e["end"] is None and o["end"] is None) or (
            e["end"] is not None and o["end"] is not None and abs(e["end"] - o["end"]) <= STEP)
        ok = ok and start_ok and end_ok
        def clock(t):
            return "still firing" if t is None else datetime.utcfromtimestamp(t).strftime("%H:%M")
        print(f"  {clock(o['start'])}-{clock(o['end'])} (reference {clock(e['start'])}-{clock(e['end'])})"
              f" {'ok' if start_ok and end_ok else 'DIFFERENT'}  {o['raw']['title']}")
    base = datetime.fromisoformat("2026-02-07T00:00:00+00:00").timestamp()
    for number, spec in enumerate(injected.split(), 1):
        first = int(spec.split(":")[0])
        at = base + (first + 1) * 60
        covering = [o for o in ours if o["start"] <= at and (o["end"] is None or at <= o["end"])]
        deploy = f"Deployed api-gateway v2.{number}.0"
        found = any(deploy in entry["text"] for o in covering for entry in o["raw"]["timeline"]
                    if entry["kind"] == "change")
        ok = ok and found
        print(f"injected incident at minute {first}: {'its deploy is in the timeline' if found else 'deploy MISSING'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main(*sys.argv[1:4])
