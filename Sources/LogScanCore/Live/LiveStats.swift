/// The figures of a live view at one moment: lines, the last 1 and 5
/// minutes of event time (overall and per busiest service), the alerts
/// active, and counters.
///
/// A window of n minutes is the n complete minutes before *now* and the
/// minute under way up to *now*: the newest events are always in it, and it
/// never covers less than n minutes (less only at the start of the stream).
/// Rates are over the seconds it covers.
package struct LiveStats: Sendable {
  /// Minutes of per-minute figures a live session keeps.
  package static let keptMinutes: Int64 = 6

  package struct Window: Sendable {
    /// Seconds of event time covered (0: nothing yet).
    package var seconds = 0.0
    package var events = 0
    package var errors = 0
    /// Milliseconds; nil without durations.
    package var p50: Double?
    package var p95: Double?
    package var p99: Double?

    package var errorRate: Double? { events > 0 ? Double(errors) / Double(events) : nil }
    package var perSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }
  }

  package struct Service: Sendable {
    package var name: String
    package var last1: Window
    package var last5: Window
  }

  package struct Active: Sendable {
    package var rule: String
    package var severity: Severity
    package var state: AlertState
    package var scope: String?
    package var since: Int64
  }

  /// The event time the figures are of (nil before the first timed event).
  package var now: Int64?
  package var lines = 0
  package var linesPerSecond = 0.0
  package var parsed = 0
  package var malformed = 0
  package var skipped = 0
  package var last1 = Window()
  package var last5 = Window()
  package var services: [Service] = []
  package var active: [Active] = []
  /// Business counters so far (the built-in ones once they counted).
  package var counters: [(name: String, count: Int)] = []
  /// Tables that overflowed: services or routes beyond the caps.
  package var warnings: [String] = []

  package init() {}

  mutating func fill(
    now: Int64, shard: SummaryShard, timeline: TimelineShard?, filter: any TextFilter, lines: Int,
    linesPerSecond: Double
  ) {
    self.now = now == .min ? nil : now
    self.lines = lines
    self.linesPerSecond = linesPerSecond
    parsed = shard.lines.parsed
    malformed = shard.lines.malformedTotal
    skipped = shard.lines.skippedTotal
    if shard.services.folded > 0 {
      warnings.append(
        "more than \(shard.limits.maxServices) services: \(shard.services.folded) events under '(other)'")
    }
    if shard.routes.folded > 0 {
      warnings.append("more than \(shard.limits.maxRoutes) routes: \(shard.routes.folded) events under '(other)'")
    }
    guard now != .min, let timeline else { return }
    let current = Timestamp.minute(of: now)
    let first = shard.services.stats.reduce(Int64.max) { min($0, $1.firstTimestamp) }
    func window(_ count: Int64, service: [UInt8]? = nil) -> Window {
      let figures = timeline.figures((current - count)...current, service: service)
      let start = max((current - count) * 60_000_000_000, first)
      return Window(
        seconds: max(1, Double(now - start) / 1e9), events: figures.events, errors: figures.errors,
        p50: figures.p50, p95: figures.p95, p99: figures.p99)
    }
    last1 = window(1)
    last5 = window(5)
    // Services by events over the last 5 minutes.
    var perService: [(String, Window, Window)] = []
    for id in 0..<shard.services.names.count {
      let raw = Array(shard.services.names.key(id))
      let five = window(5, service: raw)
      guard five.events > 0 else { continue }
      perService.append((filter.filter(shard.services.name(id)), window(1, service: raw), five))
    }
    perService.sort { $0.2.events != $1.2.events ? $0.2.events > $1.2.events : $0.0 < $1.0 }
    services = perService.map { Service(name: $0.0, last1: $0.1, last5: $0.2) }
  }

  /// One NDJSON line for a pipe: `{"type":"stats", ...}`.
  package var json: JSONValue {
    func window(_ w: Window) -> JSONValue {
      .object([
        ("events", .int(w.events)),
        ("errors", .int(w.errors)),
        ("errorRate", w.errorRate.map { .double($0) } ?? .null),
        ("perSecond", .double(w.perSecond)),
        ("p50Ms", w.p50.map { .double($0) } ?? .null),
        ("p95Ms", w.p95.map { .double($0) } ?? .null),
        ("p99Ms", w.p99.map { .double($0) } ?? .null),
      ])
    }
    return .object([
      ("type", .string("stats")),
      ("at", now.map { .string(Timestamp.format($0)) } ?? .null),
      ("lines", .int(lines)),
      ("linesPerSecond", .double(linesPerSecond.rounded())),
      ("parsed", .int(parsed)),
      ("malformed", .int(malformed)),
      ("skipped", .int(skipped)),
      ("last1m", window(last1)),
      ("last5m", window(last5)),
      (
        "services",
        .object(
          services.prefix(10).map {
            ($0.name, .object([("last1m", window($0.last1)), ("last5m", window($0.last5))]))
          })
      ),
      ("counters", .object(counters.map { ($0.name, .int($0.count)) })),
      ("warnings", .array(warnings.map { .string($0) })),
      (
        "active",
        .array(
          active.map {
            .object([
              ("rule", .string($0.rule)), ("severity", .string($0.severity.rawValue)),
              ("state", .string($0.state.rawValue)), ("scope", $0.scope.map { .string($0) } ?? .null),
              ("since", .string(Timestamp.format($0.since))),
            ])
          })
      ),
    ])
  }
}
