/// `logscan trace`: the requests asked for, each with every event in time
/// order and a per-service waterfall. Every string is filtered.
package struct TraceReport: Sendable {
  package struct Event: Sendable {
    package var timestamp: String?
    /// Milliseconds from the request's first event.
    package var offsetMs: Double?
    package var service: String
    package var level: String
    package var action: String?
    package var durationMs: Double?
    package var status: Int?
    package var method: String?
    package var path: String?
    package var message: String?
    package var failed: Bool
    package var input: String
    package var line: Int
    /// Not the entry service: indented under it.
    package var nested: Bool
  }

  package struct Request: Sendable {
    package var summary: RequestsReport.Request
    package var events: [Event]
  }

  package var requests: [Request] = []
  /// Ids asked for that no input had.
  package var notFound: [String] = []

  /// `ids` in the order asked for.
  package init(_ result: TraceResult, ids: [[UInt8]], filter: any TextFilter) {
    var byId: [[UInt8]: [TraceEvent]] = [:]
    for event in result.events { byId[event.requestId, default: []].append(event) }
    for id in ids {
      guard let events = byId[id], !events.isEmpty else {
        notFound.append(filter.filter(makeString(id)))
        continue
      }
      var track = events[0].track
      for event in events.dropFirst() { track.absorb(event.track) }
      let summary = RequestsReport.Request(track, filter: filter)
      let entryService = summary.services.first?.service
      // Offsets from the first event, whole-second ones where the request's
      // bounds placed them (see `RequestBounds`).
      let shift = track.bounds.shift
      func placed(_ event: TraceEvent) -> Int64? {
        event.timestamp.map { event.wholeSecond ? $0 &+ shift : $0 }
      }
      let origin = events.compactMap(placed).min()
      requests.append(
        Request(
          summary: summary,
          events: events.map { event in
            let service = filter.filter(event.service ?? makeString(SummarySink.noService))
            return Event(
              timestamp: event.timestamp.map { Timestamp.format($0) },
              offsetMs: placed(event).flatMap { time in origin.map { Double(time - $0) / 1e6 } },
              service: service, level: event.level.name, action: event.action.map(filter.filter),
              durationMs: event.duration.map { Double($0) / 1e6 }, status: event.status,
              method: event.method.map(filter.filter), path: event.path.map(filter.filter),
              message: event.message.map(filter.filter), failed: event.isError,
              input: filter.filter(result.inputs[event.input].name), line: event.line,
              nested: entryService != nil && service != entryService)
          }))
    }
  }

  // MARK: Text

  /// Width of the waterfall bars, in characters.
  static let barWidth = 40

  package func text(color: Bool) -> String {
    let style = TextStyle(enabled: color)
    var out = ""
    for request in requests {
      if !out.isEmpty { out += "\n" }
      out += style.bold("request " + request.summary.id) + "  " + headline(request.summary) + "\n"
      var table = Table([
        ("OFFSET", .right), ("SERVICE", .left), ("LEVEL", .left), ("DURATION", .right), ("STATUS", .right),
        ("ACTION", .left), ("MESSAGE", .left),
      ])
      for event in request.events {
        let level = event.failed ? style.red(event.level) : event.level
        table.add([
          event.offsetMs.map { Format.offset(ms: $0) } ?? "-", (event.nested ? "  " : "") + event.service,
          level, event.durationMs.map { Format.duration(ms: $0) } ?? "", event.status.map(String.init) ?? "",
          event.action ?? "", event.message ?? "",
        ])
      }
      out += table.text()
      out += "\n  waterfall\n" + waterfall(request.summary).map { "  " + $0 + "\n" }.joined()
    }
    for id in notFound { out += "\nrequest \(id): no events found\n" }
    return out
  }

  func headline(_ request: RequestsReport.Request) -> String {
    var parts: [String] = []
    if let route = request.entryRoute { parts.append(route) }
    if let status = request.status { parts.append("status \(status)") }
    if request.failed { parts.append("FAILED") }
    if let duration = request.durationMs { parts.append(Format.duration(ms: duration)) }
    parts.append("\(request.events) event\(request.events == 1 ? "" : "s")")
    parts.append("\(request.services.count) service\(request.services.count == 1 ? "" : "s")")
    if let start = request.start { parts.append("from \(start)") }
    if let user = request.user { parts.append("user \(user)") }
    return parts.joined(separator: "  ")
  }

  /// One bar per service over the request's time, with offset and duration.
  func waterfall(_ request: RequestsReport.Request) -> [String] {
    let width = Self.barWidth
    let total = request.durationMs ?? 0
    let nameWidth = request.services.map(\.service.count).max() ?? 0
    return request.services.map { span in
      let name = span.service + String(repeating: " ", count: max(0, nameWidth - span.service.count))
      guard let offset = span.offsetMs, let duration = span.durationMs else {
        return "\(name) |\(String(repeating: " ", count: width))| (no timestamps)"
      }
      // A request that took no time (its events share one timestamp and
      // carry no duration) is one mark at the start.
      let first = total > 0 ? min(width - 1, Int((offset / total * Double(width)).rounded(.down))) : 0
      let last =
        total > 0 ? max(first, min(width - 1, Int(((offset + duration) / total * Double(width)).rounded(.up)) - 1)) : 0
      var bar = ""
      for k in 0..<width { bar += k >= first && k <= last ? "█" : " " }
      return "\(name) |\(bar)| \(Format.offset(ms: offset)) \(Format.duration(ms: duration))"
        + (span.failed ? " (failed)" : "")
    }
  }

  // MARK: Markdown

  package var markdown: String {
    var out = "# logscan trace\n\n"
    for request in requests {
      out += "## Request `\(request.summary.id)`\n\n" + headline(request.summary) + "\n\n"
      var table = Table([
        ("Offset", .right), ("Time", .left), ("Service", .left), ("Level", .left), ("Duration", .right),
        ("Status", .right), ("Action", .left), ("Message", .left),
      ])
      for event in request.events {
        table.add([
          event.offsetMs.map { Format.offset(ms: $0) } ?? "-", event.timestamp ?? "-",
          (event.nested ? "↳ " : "") + event.service, event.failed ? "**\(event.level)**" : event.level,
          event.durationMs.map { Format.duration(ms: $0) } ?? "", event.status.map(String.init) ?? "",
          event.action ?? "", event.message ?? "",
        ])
      }
      out += table.markdown() + "\n```\n" + waterfall(request.summary).joined(separator: "\n") + "\n```\n\n"
    }
    for id in notFound { out += "Request `\(id)`: no events found.\n\n" }
    return out
  }

  // MARK: JSON

  package var json: JSONValue {
    .object([
      ("schemaVersion", .int(SummaryReport.schemaVersion)),
      ("tool", .string("logscan")),
      ("report", .string("trace")),
      (
        "requests",
        .array(
          requests.map { request in
            let summary = request.summary
            return .object([
              ("requestId", .string(summary.id)),
              ("durationMs", summary.durationMs.map { .double($0) } ?? .null),
              ("services", .array(summary.services.map { .string($0.service) })),
              ("start", summary.start.map { .string($0) } ?? .null),
              ("end", summary.end.map { .string($0) } ?? .null),
              ("status", summary.status.map { .int($0) } ?? .null),
              ("failed", .bool(summary.failed)),
              ("entryRoute", summary.entryRoute.map { .string($0) } ?? .null),
              ("userId", summary.user.map { .string($0) } ?? .null),
              ("serviceBreakdown", .array(summary.services.map(\.json))),
              ("events", .array(request.events.map(\.json))),
            ])
          })
      ),
      ("notFound", .array(notFound.map { .string($0) })),
    ])
  }
}

extension TraceReport.Event {
  var json: JSONValue {
    .object([
      ("timestamp", timestamp.map { .string($0) } ?? .null),
      ("offsetMs", offsetMs.map { .double($0) } ?? .null),
      ("service", .string(service)),
      ("level", .string(level)),
      ("action", action.map { .string($0) } ?? .null),
      ("durationMs", durationMs.map { .double($0) } ?? .null),
      ("status", status.map { .int($0) } ?? .null),
      ("method", method.map { .string($0) } ?? .null),
      ("path", path.map { .string($0) } ?? .null),
      ("message", message.map { .string($0) } ?? .null),
      ("failed", .bool(failed)),
      ("input", .string(input)),
      ("line", .int(line)),
    ])
  }
}
