#!/usr/bin/env python3
"""An independent computation of `logscan summary --format json`.

Reads the same inputs with Python's json module, computes every figure the
summary reports the slow, obvious way (exact nearest-rank percentiles from
sorted lists), and compares with logscan's JSON report: counts must be equal,
percentiles within 0.1% (logscan uses HdrHistogram with 3 significant digits).

    python3 Benchmarks/verify.py --report report.json INPUT...
    python3 Benchmarks/verify.py --logscan .build/release/logscan INPUT...

Exit status 0 when everything agrees, 1 with a list of differences otherwise.
The rules it implements (what a line counts as, route and template folding)
are written from docs/summary.md, not from logscan's source.
"""
import argparse
import gzip
import json
import math
import os
import re
import subprocess
import sys
from collections import defaultdict

MAX_DEPTH = 64


def read_bytes(path):
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as f:
        head = f.read(4)
    if len(head) >= 4 and (head == b"\x28\xb5\x2f\xfd" or (head[0] & 0xF0) == 0x50 and head[1:] == b"\x2a\x4d\x18"):
        out = subprocess.run(["zstd", "-dc", path], capture_output=True)
        return out.stdout  # a corrupt archive still yields what decoded
    if head[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as f:
                return f.read()
        except Exception:
            return b""
    with open(path, "rb") as f:
        return f.read()


def split_lines(data):
    pieces = data.split(b"\n")
    if data.endswith(b"\n") or not data:
        pieces.pop()
    return [p[:-1] if p.endswith(b"\r") else p for p in pieces]


def depth(value):
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    return 0


def reject_constant(name):
    raise ValueError("not JSON: " + name)


def last_non_null(pairs):
    """Top-level members: the last non-null value of a repeated key wins."""
    result = {}
    for key, value in pairs:
        if value is None and key in result:
            continue
        result[key] = value
    return result


NUMBER = re.compile(rb"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|z|[+-]\d{2}(?::\d{2}|\d{2})?)?"
)
DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def days_from_civil(y, m, d):
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def leap(y):
    return (y % 4 == 0 and y % 100 != 0) or y % 400 == 0


def parse_rfc3339(text):
    m = RFC3339.fullmatch(text)
    if not m:
        return None
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    if not (1 <= mo <= 12 and 1 <= d <= (29 if mo == 2 and leap(y) else DAYS[mo - 1])):
        return None
    if h > 23 or mi > 59 or s > 60:
        return None
    frac = m.group(7) or ""
    nanos = int((frac + "000000000")[:9]) if frac else 0
    offset = 0
    zone = m.group(8)
    if zone and zone not in "Zz":
        oh = int(zone[1:3])
        om = int(zone[-2:]) if len(zone) > 3 else 0
        if oh > 23 or om > 59:
            return None
        offset = (oh * 3600 + om * 60) * (-1 if zone[0] == "-" else 1)
    seconds = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + min(s, 59) - offset
    return seconds * 1_000_000_000 + nanos


def json_number(text):
    if isinstance(text, str):
        raw = text.encode()
        if not NUMBER.fullmatch(raw):
            return None
        return float(text)
    return None


def epoch(value):
    """Epoch seconds, ms, µs or ns, chosen by magnitude."""
    if isinstance(value, int):
        mag = abs(value)
        mult = 1_000_000_000 if mag < 10**11 else 1_000_000 if mag < 10**14 else 1_000 if mag < 10**17 else 1
        return value * mult
    if not math.isfinite(value):
        return None
    mag = abs(value)
    scale = 1e9 if mag < 1e11 else 1e6 if mag < 1e14 else 1e3 if mag < 1e17 else 1
    whole = math.trunc(value)
    return whole * int(scale) + round((value - whole) * scale)


def whole_second(value, raw_text):
    """True when a timestamp has whole seconds only (docs/correlation.md):
    RFC 3339 without a fraction, or an integer of epoch seconds."""
    if isinstance(value, str):
        if parse_rfc3339(value) is not None:
            return not (len(value) > 19 and value[19] in ".,")
        if value.isascii() and value.isdigit() and len(value) <= 18:
            return int(value) < 10**11
        return False
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return bool(re.fullmatch(rb"-?[0-9]{1,18}", raw_text)) and abs(int(raw_text)) < 10**11


def timestamp(value, raw_text):
    if isinstance(value, str):
        t = parse_rfc3339(value)
        if t is not None:
            return t
        if value.isascii() and value.isdigit() and len(value) <= 18:
            return epoch(int(value))
        n = json_number(value)
        return None if n is None else epoch(n)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if re.fullmatch(rb"[0-9]{1,18}", raw_text):
        return epoch(int(raw_text))
    return epoch(float(value))


LEVELS = {}
for names, level in [
    ("trace trc verbose silly finest finer t", "trace"),
    ("debug dbg fine d", "debug"),
    ("info inf notice http config information i", "info"),
    ("warn warning wrn w", "warn"),
    ("error err severe e", "error"),
    ("fatal critical crit alert emerg emergency panic dpanic ftl f", "fatal"),
]:
    for name in names.split():
        LEVELS[name] = level


def numeric_level(n):
    return "trace" if n < 20 else "debug" if n < 30 else "info" if n < 40 else "warn" if n < 50 else "error" if n < 60 else "fatal"


def level_of(value):
    if isinstance(value, str):
        if value[:1].isascii() and value[:1].isdigit():
            n = json_number(value)
            if n is not None:
                return numeric_level(n)
        return LEVELS.get(value.lower(), "other") if len(value.encode()) <= 11 else "other"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "other"
    return numeric_level(value)


UNITS = {"": None, "ns": 1, "us": 1e3, "µs": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9}


def duration_ns(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        nanos = value * 1e6
    elif isinstance(value, str):
        m = re.fullmatch(r"(.*?)([^0-9.]*)", value, re.S)
        number, suffix = m.group(1), m.group(2)
        if suffix not in UNITS:
            return None
        n = json_number(number)
        if n is None:
            return None
        nanos = n * (UNITS[suffix] or 1e6)
    else:
        return None
    if not (0 <= nanos < 1e18):
        return None
    return int(math.floor(nanos + 0.5))


NO_STATUS = "no status"  # a word ("ok") or empty: the event has no HTTP status


def status_of(value, raw_text):
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if value.isascii() and value.isdigit() and len(value) <= 18 and int(value) <= 999:
            return int(value)
        if re.fullmatch(r"[0-9]{3} .+", value, re.S):  # a status line: "503 Service Unavailable"
            return int(value[:3])
        if value == "" or ("a" <= value[0].lower() <= "z"):
            return NO_STATUS
        return None
    if isinstance(value, (int, float)):
        if re.fullmatch(rb"[0-9]{1,18}", raw_text) and int(raw_text) <= 999:
            return int(raw_text)
        if 0 <= value <= 999 and float(value) == round(value):
            return int(value)
    return None


def is_identifier(seg):
    n = len(seg)
    if n == 0:
        return False
    if b"@" in seg:
        return True  # an email address or user@host, whatever else it holds
    digits = hexes = 0
    underscore = -1
    for i, c in enumerate(seg):
        ch = chr(c)
        if ch.isascii() and ch.isdigit():
            digits += 1
            hexes += 1
        elif ch.isascii() and ch.isalpha():
            if ch.lower() in "abcdef":
                hexes += 1
        elif ch in "_-":
            if ch == "_" and underscore < 0:
                underscore = i
        else:
            return False
    if digits == n:
        return True
    if n == 36 and re.fullmatch(rb"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", seg):
        return True
    if hexes == n and n >= 8 and digits > 0:
        return True
    if underscore > 0 and n - underscore - 1 >= 4 and digits > 0 and not re.search(rb"[0-9]", seg[:underscore]):
        return True
    return n >= 20 and digits > 0


def fold_route(method, path):
    out = b""
    if method:
        out = method.encode()[:16].translate(bytes.maketrans(b"abcdefghijklmnopqrstuvwxyz", b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")) + b" "
    p = path.encode()
    end = len(p)
    for i, c in enumerate(p):
        if c in b"?#":
            end = i
            break
    start = 0
    if end > 3 and p[:1] != b"/":
        i = 0
        while i + 2 < end and i < 16:
            if p[i:i + 3] == b"://":
                start = i + 3
                while start < end and p[start:start + 1] != b"/":
                    start += 1
                break
            i += 1
    if start == end:
        return (out + b"/").decode("utf-8", "replace")
    segments = p[start:end].split(b"/")
    out += b"/".join(b":id" if is_identifier(s) else s for s in segments)
    return out[:200].decode("utf-8", "replace")


WORD = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.@+%")


def is_word(c):
    return c in WORD or c >= 0x80


def fold_word(word):
    digits = sum(1 for c in word if 48 <= c <= 57)
    at = word.find(b"@")
    numeric = all((48 <= c <= 57) or c in b".-+%" for c in word)
    if at > 0 and at < len(word) - 1 and b"." in word[at + 1:]:
        # Messages are redacted before they are folded: an email is masked.
        return b"[REDACTED:email]"
    if digits > 0 and numeric:
        return b"<num>"
    if digits > 0 and len(word) >= 4:
        return b"<id>"
    return word


def fold_template(message):
    m = message.encode()
    n = len(m)
    out = bytearray()
    i = 0
    last_space = True
    while i < n and len(out) < 240:
        c = m[i]
        if c in b" \t\n\r":
            if not last_space:
                out.append(32)
            last_space = True
            i += 1
            continue
        last_space = False
        if c in b"'\"`" and (i == 0 or not is_word(m[i - 1])):
            close = m.find(bytes([c]), i + 1)
            if close >= 0:
                out += bytes([c]) + b"<str>" + bytes([c])
                i = close + 1
                continue
        if not is_word(c):
            out.append(c)
            i += 1
            continue
        end = i
        while end < n and is_word(m[end]):
            end += 1
        word_end = end
        while word_end > i + 1 and m[word_end - 1] == ord("."):
            word_end -= 1
        out += fold_word(m[i:word_end]) + m[word_end:end]
        i = end
    while out.endswith(b" "):
        out = out[:-1]
    return bytes(out[:240]).decode("utf-8", "replace")


class Scope:
    def __init__(self):
        self.events = self.errors = 0
        self.status = defaultdict(int)
        self.durations = []
        self.minutes = defaultdict(int)
        self.first = self.last = None

    def add(self, ts, dur, status, error):
        self.events += 1
        self.errors += error
        if status is not None:
            cls = status // 100
            self.status["%dxx" % cls if 1 <= cls <= 5 else "other"] += 1
        if ts is not None:
            self.first = ts if self.first is None else min(self.first, ts)
            self.last = ts if self.last is None else max(self.last, ts)
            self.minutes[ts // 60_000_000_000] += 1
        if dur is not None:
            self.durations.append(dur)


REQUEST_ID_KEYS = ("requestId", "request_id", "req_id", "reqId", "trace_id", "traceId", "X-Request-ID")
IDLE_NS = 30_000_000_000  # correlation.idle, the default


class Request:
    """One request as docs/summary.md defines it: the events of an id with no
    gap over the idle time; each event covers [timestamp - duration, timestamp]."""

    def __init__(self, rid):
        self.id = rid
        self.events = 0
        self.services = []
        self.start = self.end = self.last = self.newest = None
        # Events of whole-second timestamps: apart, placed by `duration`.
        self.ws_start = self.ws_end = None
        self.entry = None  # (start or inf, order, route, status)
        self.max_status = None
        self.failed = False

    def add(self, order, ts, dur, status, error, service, route, ws=False):
        self.events += 1
        if service not in self.services:
            self.services.append(service)
        start = None
        if ts is not None:
            start = ts - max(0, dur or 0)
            if ws:
                self.ws_start = start if self.ws_start is None else min(self.ws_start, start)
                self.ws_end = ts if self.ws_end is None else max(self.ws_end, ts)
            else:
                self.start = start if self.start is None else min(self.start, start)
                self.end = ts if self.end is None else max(self.end, ts)
            self.newest = ts if self.newest is None else max(self.newest, ts)
            self.last = ts
        if route is not None:
            key = (start if start is not None else math.inf, order)
            if self.entry is None or key[0] < self.entry[0]:
                self.entry = (key[0], order, route, status)
        if status is not None:
            self.max_status = status if self.max_status is None else max(self.max_status, status)
        self.failed = self.failed or error

    @property
    def duration(self):
        # Whole-second events ended somewhere in their second: all are moved
        # by the same amount under a second, as near the end of the others
        # as that allows.
        if self.ws_start is None:
            return None if self.start is None else self.end - self.start
        if self.start is None:
            return self.ws_end - self.ws_start
        shift = min(max(self.end - self.ws_end, 0), 999_999_999)
        return max(self.end, self.ws_end + shift) - min(self.start, self.ws_start + shift)

    @property
    def status(self):
        if self.entry is not None and self.entry[3] is not None:
            return self.entry[3]
        return self.max_status


# What access loggers write on every request: a failed request with one of
# these is named by its status and route (docs/summary.md).
REQUEST_ONLY_MESSAGES = {"handled request", "request completed", "request errored", "request finished",
                         "request handled", "completed request", "finished request"}

NULL_IDS = {"null", "none", "nil", "<nil>", "undefined", "n/a"}


def request_id(obj):
    """The first id key present; None when its value stands for none
    (docs/correlation.md: empty, only zeros and dashes, a null spelt out)."""
    for key in REQUEST_ID_KEYS:
        value = obj.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = json.dumps(value)
        if isinstance(value, str):
            if value.strip("0-") == "" or value.lower() in NULL_IDS:
                return None
            return value
    return None


def raw_member(line_text, key):
    """The raw text of a top-level number member (for exact integers)."""
    m = re.search(rb'"' + re.escape(key.encode()) + rb'"\s*:\s*(-?[0-9][0-9.eE+-]*)', line_text)
    return m.group(1) if m else b""


def compute(paths, max_line_bytes):
    lines_read = parsed = repaired = 0
    malformed = 0
    wrong = defaultdict(int)
    skipped = defaultdict(int)
    levels = defaultdict(int)
    overall = Scope()
    services = defaultdict(Scope)
    routes = defaultdict(Scope)
    templates = defaultdict(int)
    requests = []
    open_requests = {}
    uncorrelated = 0
    order = 0
    for path in paths:
        for line in split_lines(read_bytes(path)):
            lines_read += 1
            if len(line) > max_line_bytes:
                skipped["too_long"] += 1
                continue
            if line.strip(b" \t\r\n") == b"":
                skipped["blank"] += 1
                continue
            text = line.decode("utf-8", "replace")
            try:
                obj = json.loads(text, parse_constant=reject_constant, object_pairs_hook=last_non_null)
            except (ValueError, RecursionError):
                malformed += 1
                continue
            if not isinstance(obj, dict) or depth(obj) > MAX_DEPTH:
                malformed += 1
                continue
            ts = dur = status = None
            ws = False
            if obj.get("timestamp") is not None:
                ts = timestamp(obj["timestamp"], raw_member(line, "timestamp"))
                ws = whole_second(obj["timestamp"], raw_member(line, "timestamp"))
                if ts is None:
                    malformed += 1
                    wrong["bad_timestamp"] += 1
                    continue
            level = level_of(obj["level"]) if obj.get("level") is not None else "none"
            if obj.get("duration_ms") is not None:
                dur = duration_ns(obj["duration_ms"])
                if dur is None:
                    malformed += 1
                    wrong["wrong_type"] += 1
                    continue
            if obj.get("status") is not None:
                status = status_of(obj["status"], raw_member(line, "status"))
                if status is None:
                    malformed += 1
                    wrong["wrong_type"] += 1
                    continue
                if status is NO_STATUS:
                    status = None
            parsed += 1
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                repaired += 1
            levels[level] += 1
            error = (status or 0) >= 500 or level in ("error", "fatal")
            overall.add(ts, dur, status, error)
            service = obj.get("service")
            service = service if isinstance(service, str) and service else "(none)"
            services[service].add(ts, dur, status, error)
            p = obj.get("path")
            route = None
            if isinstance(p, str) and p:
                method = obj.get("method")
                route = fold_route(method if isinstance(method, str) else None, p)
                routes[route].add(ts, dur, status, error)
            rid = request_id(obj)
            if rid is None:
                uncorrelated += 1
            else:
                request = open_requests.get(rid)
                if request is not None and ts is not None and request.last is not None and ts > request.last + IDLE_NS:
                    request = None
                if request is None:
                    request = Request(rid)
                    requests.append(request)
                    open_requests[rid] = request
                order += 1
                request.add(order, ts, dur, status, error, service, route, ws)
            if error:
                msg = obj.get("message")
                generic = isinstance(msg, str) and msg.lower() in REQUEST_ONLY_MESSAGES
                if isinstance(msg, str) and msg and not (generic and status is not None):
                    template = fold_template(msg)
                elif status is not None:
                    # An access log's failed request: its status and route.
                    template = f"HTTP {status}" + (f" {route}" if route else "")
                else:
                    template = "(no message)"
                templates[template] += 1
    return {
        "lines": {"read": lines_read, "parsed": parsed, "malformed": malformed, "repairedUtf8": repaired,
                  "skippedByReason": dict(skipped), "typeErrors": dict(wrong)},
        "levels": dict(levels), "overall": overall, "services": services, "routes": routes, "templates": templates,
        "requests": requests, "uncorrelated": uncorrelated,
    }


def compare_requests(expected, report, problems):
    """The REQUESTS section (docs/summary.md): counts, fan-out, end-to-end
    percentiles (within 0.1%), entry routes, the slowest and latest failed."""
    got = report.get("requests")
    if got is None:
        problems.append("requests: missing from the report")
        return
    requests = expected["requests"]

    def check(field, want, have):
        if want != have:
            problems.append("requests %s: expected %r, logscan %r" % (field, want, have))

    check("count", len(requests), got["requests"])
    check("failed", sum(r.failed for r in requests), got["failed"])
    check("events", sum(r.events for r in requests), got["events"])
    check("eventsWithoutRequestId", expected["uncorrelated"], got["eventsWithoutRequestId"])
    by_services = defaultdict(int)
    for r in requests:
        by_services[str(min(len(r.services), 6))] += 1
    check("requestsByServiceCount", dict(by_services), got["requestsByServiceCount"])
    check("eventsPerRequest.max", max((r.events for r in requests), default=0), got["eventsPerRequest"]["max"])
    durations = sorted(r.duration / 1e6 for r in requests if r.duration is not None)
    lat = got["latency"] or {}
    check("latency count", len(durations), lat.get("count", 0))
    if durations:
        for key, p in [("p50", 50), ("p90", 90), ("p99", 99)]:
            exact = nearest_rank(durations, p)
            if abs(lat[key] - exact) > exact * 0.001 + 1e-6:
                problems.append("requests %s: exact %.6f ms, logscan %.6f ms (over 0.1%%)" % (key, exact, lat[key]))
    entry = defaultdict(int)
    for r in requests:
        entry[r.entry[2] if r.entry else "(no route)"] += 1
    check("entryRoutes", dict(entry), {name: scope["events"] for name, scope in got["entryRoutes"].items()})
    slowest = sorted((r for r in requests if r.duration is not None), key=lambda r: (-r.duration, r.id.encode()))[:10]
    check("slowest", [(r.id, round(r.duration / 1e6, 6), r.status) for r in slowest],
          [(x["requestId"], round(x["durationMs"], 6), x["status"]) for x in got["slowest"]])
    failed = sorted((r for r in requests if r.failed), key=lambda r: (-(r.newest or -math.inf), r.id.encode()))[:10]
    check("latestFailed", [r.id for r in failed], [x["requestId"] for x in got["latestFailed"]])


def nearest_rank(sorted_values, p):
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def compare_scope(name, expected, actual, problems):
    def check(field, want, got):
        if want != got:
            problems.append("%s %s: expected %r, logscan %r" % (name, field, want, got))

    check("events", expected.events, actual["events"])
    check("errors", expected.errors, actual["errors"])
    check("status", dict(expected.status), actual["status"])
    lat = actual["latencyMs"]
    check("latency count", len(expected.durations), lat["count"])
    if expected.durations:
        values = sorted(d / 1e6 for d in expected.durations)
        for key, p in [("p50", 50), ("p90", 90), ("p95", 95), ("p99", 99), ("p999", 99.9)]:
            exact = nearest_rank(values, p)
            if abs(lat[key] - exact) > exact * 0.001 + 1e-6:
                problems.append("%s %s: exact %.6f ms, logscan %.6f ms (over 0.1%%)" % (name, key, exact, lat[key]))
        if abs(lat["max"] - values[-1]) > 1e-6 or abs(lat["min"] - values[0]) > 1e-6:
            problems.append("%s min/max: exact %r/%r, logscan %r/%r" % (name, values[0], values[-1], lat["min"], lat["max"]))
    if expected.minutes:
        first, last = min(expected.minutes), max(expected.minutes)
        avg = sum(expected.minutes.values()) / (last - first + 1)
        peak = max(expected.minutes.values())
        tp = actual.get("throughput", {})
        if abs(tp.get("averagePerMinute", -1) - avg) > 1e-6 * max(1, avg) or tp.get("peakPerMinute") != peak:
            problems.append("%s throughput: expected avg %.6f peak %d, logscan %r" % (name, avg, peak, tp))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--report", help="logscan's JSON report (default: run --logscan)")
    parser.add_argument("--logscan", default=".build/release/logscan")
    parser.add_argument("--max-line-bytes", type=int, default=1 << 20)
    args = parser.parse_args()
    if args.report:
        with open(args.report) as f:
            report = json.load(f)
    else:
        out = subprocess.run([args.logscan, "summary", "--format", "json", "--no-progress",
                              "--max-line-bytes", str(args.max_line_bytes)] + args.inputs,
                             capture_output=True, check=False)
        report = json.loads(out.stdout)
    expected = compute(args.inputs, args.max_line_bytes)
    problems = []
    lines = report["lines"]
    for key in ("read", "parsed", "malformed", "repairedUtf8"):
        if lines[key] != expected["lines"][key]:
            problems.append("lines.%s: expected %d, logscan %d" % (key, expected["lines"][key], lines[key]))
    if lines["skippedByReason"] != expected["lines"]["skippedByReason"]:
        problems.append("skippedByReason: expected %r, logscan %r" % (expected["lines"]["skippedByReason"], lines["skippedByReason"]))
    for reason, count in expected["lines"]["typeErrors"].items():
        if lines["malformedByReason"].get(reason) != count:
            problems.append("malformedByReason.%s: expected %d, logscan %r" % (reason, count, lines["malformedByReason"].get(reason)))
    if lines["read"] != lines["parsed"] + lines["malformed"] + lines["skipped"]:
        problems.append("lines do not add up: %r" % lines)
    if report["levels"] != expected["levels"]:
        problems.append("levels: expected %r, logscan %r" % (expected["levels"], report["levels"]))
    compare_scope("overall", expected["overall"], report["overall"], problems)
    for kind in ("services", "routes"):
        if set(report[kind]) != set(expected[kind]):
            problems.append("%s: expected %s, logscan %s" % (kind, sorted(expected[kind]), sorted(report[kind])))
        for name, scope in expected[kind].items():
            if name in report[kind]:
                compare_scope("%s[%s]" % (kind, name), scope, report[kind][name], problems)
    compare_requests(expected, report, problems)
    top = sorted(expected["templates"].items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    got = [(e["template"], e["count"]) for e in report["topErrors"]]
    if [t for t in top] != got:
        problems.append("topErrors: expected %r, logscan %r" % (top, got))
    if problems:
        print("verify: %d difference(s)" % len(problems))
        for problem in problems[:50]:
            print("  " + problem)
        return 1
    print("verify: logscan agrees with the independent computation: %d lines, %d services, %d routes"
          % (lines["read"], len(expected["services"]), len(expected["routes"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
