/// The summary's REQUESTS section: requests followed across services by
/// their id, end-to-end latency, fan-out, and the slowest and latest failed
/// requests with their per-service breakdown. Every string is filtered.
package struct RequestsReport: Sendable {
  /// One request as reports show it.
  package struct Request: Sendable {
    package struct Span: Sendable {
      package var service: String
      /// Milliseconds from the request's start; nil without timestamps.
      package var offsetMs: Double?
      package var durationMs: Double?
      package var events: Int
      package var failed: Bool
    }

    package var id: String
    package var user: String?
    package var start: String?
    package var end: String?
    package var durationMs: Double?
    package var events: Int
    package var status: Int?
    package var failed: Bool
    package var entryRoute: String?
    /// In the order the services started.
    package var services: [Span]

    package init(_ track: RequestTrack, filter: any TextFilter) {
      // Its whole-second events placed (see `RequestBounds`).
      let track = track.resolved()
      id = filter.filter(track.idText)
      user = track.user.map { RequestsReport.user(makeString($0), filter: filter) }
      start = track.isTimed ? Timestamp.format(track.start) : nil
      end = track.isTimed ? Timestamp.format(track.end) : nil
      durationMs = track.duration.map { Double($0) / 1e6 }
      events = track.events
      status = track.status
      failed = track.failed
      entryRoute = track.entryRoute.map(filter.filter)
      let origin = track.start
      services = track.services.enumerated().sorted { a, b in
        // Timed spans by start, untimed ones after, each in order of appearance.
        let (sa, sb) = (a.element.isTimed ? a.element.start : .max, b.element.isTimed ? b.element.start : .max)
        return sa != sb ? sa < sb : a.offset < b.offset
      }.map { _, span in
        Span(
          service: filter.filter(span.service),
          offsetMs: span.isTimed ? Double(span.start - origin) / 1e6 : nil,
          durationMs: span.isTimed ? Double(span.end - span.start) / 1e6 : nil, events: span.events,
          failed: span.failed)
      }
    }
  }

  /// A count distribution: requests by events, or by services.
  package struct Distribution: Sendable {
    package var mean = 0.0
    package var p50 = 0
    package var p90 = 0
    package var p99 = 0
    package var max = 0
    /// The last value counts that many or more.
    package var atLeastLast = false
  }

  package var requests: Int
  package var failed: Int
  package var evicted: Int
  package var events: Int
  package var uncorrelated: Int
  package var idleSeconds: Double
  package var latency: SummaryReport.Latency?
  /// Requests by entry route, most first.
  package var entryRoutes: [SummaryReport.Scope]
  package var eventsPerRequest: Distribution
  package var servicesPerRequest: Distribution
  /// Requests by number of services: (services, requests).
  package var serviceCounts: [(Int, Int)]
  package var slowest: [Request]
  package var recentFailures: [Request]

  package init(_ stats: CorrelationStats, settings: CorrelationSettings, filter: any TextFilter) {
    requests = stats.requests
    failed = stats.failed
    evicted = stats.evicted
    events = stats.events
    uncorrelated = stats.uncorrelated
    idleSeconds = Double(settings.idle) / 1e9
    latency = SummaryReport.scope(name: "requests", stats.latency).latency
    entryRoutes = SummaryReport.scopes(stats.entryRoutes, filter: filter).sorted {
      $0.events != $1.events ? $0.events > $1.events : $0.name < $1.name
    }
    eventsPerRequest = Self.distribution(stats.eventsPerRequest, max: stats.maxEvents)
    servicesPerRequest = Self.distribution(stats.servicesPerRequest, max: nil)
    serviceCounts = stats.servicesPerRequest.enumerated().filter { $0.element > 0 }.map { ($0.offset, $0.element) }
    slowest = stats.slowest.items.map { Request($0, filter: filter) }
    recentFailures = stats.recentFailures.items.map { Request($0, filter: filter) }
  }

  /// A user id as shown: through the filter as the value of a `userId`
  /// key, so key rules (`redaction.keys`) apply as well as value detectors.
  static func user(_ raw: String, filter: any TextFilter) -> String {
    let prefix = "userId="
    let filtered = filter.filter(prefix + raw)
    return filtered.hasPrefix(prefix) ? String(filtered.dropFirst(prefix.count)) : filtered
  }

  /// Exact nearest-rank figures of a count array (`counts[n]` requests had
  /// n; the last slot is "that many or more", with `max` the true largest).
  static func distribution(_ counts: [Int], max: Int?) -> Distribution {
    let total = counts.reduce(0, +)
    guard total > 0 else { return Distribution() }
    var result = Distribution()
    var sum = 0.0
    for (value, count) in counts.enumerated() { sum += Double(value * count) }
    func rank(_ q: Double) -> Int {
      let target = Swift.max(1, Int((q * Double(total)).rounded(.up)))
      var seen = 0
      for (value, count) in counts.enumerated() {
        seen += count
        if seen >= target { return value }
      }
      return counts.count - 1
    }
    let last = counts.count - 1
    result.atLeastLast = counts[last] > 0
    result.mean = sum / Double(total)
    result.p50 = rank(0.5)
    result.p90 = rank(0.9)
    result.p99 = rank(0.99)
    result.max = max ?? (counts.lastIndex { $0 > 0 } ?? 0)
    if result.atLeastLast && max == nil { result.max = last }
    return result
  }
}

extension RequestsReport {
  /// How many entry routes the text and Markdown reports list.
  package static let routesShown = 10

  /// Whether the logs had request ids at all (text and Markdown leave the
  /// section out otherwise; JSON always has it).
  package var hasRequests: Bool { requests > 0 || evicted > 0 }

  var headline: String {
    var parts = ["\(Format.count(requests)) request\(requests == 1 ? "" : "s")", "\(Format.count(failed)) failed"]
    if evicted > 0 { parts.append("\(Format.count(evicted)) evicted before completion (table full)") }
    parts.append("\(Format.count(uncorrelated)) event\(uncorrelated == 1 ? "" : "s") without a request id")
    return parts.joined(separator: ", ")
  }

  func fanOut(markdown: Bool = false) -> String {
    let e = eventsPerRequest
    let s = servicesPerRequest
    let plus = s.atLeastLast ? "+" : ""
    return "events per request: mean \(Format.fixed(e.mean, 1)), p50 \(e.p50), p90 \(e.p90), p99 \(e.p99), "
      + "max \(e.max)\(e.atLeastLast && e.max < 64 ? "+" : ""); services per request: mean \(Format.fixed(s.mean, 1)), "
      + "p50 \(s.p50), max \(s.max)\(plus)"
  }

  func routeTable(markdown: Bool) -> Table {
    var table = Table([
      (markdown ? "Entry route" : "ENTRY ROUTE", .left), (markdown ? "Requests" : "REQUESTS", .right),
      (markdown ? "Failed" : "FAILED", .right), ("P50", .right), ("P95", .right), ("P99", .right),
      (markdown ? "Max" : "MAX", .right),
    ])
    for route in entryRoutes.prefix(Self.routesShown) {
      var row = [route.name, Format.count(route.events), Format.count(route.errors)]
      if let latency = route.latency {
        row += [latency.p50, latency.p95, latency.p99, latency.max].map { Format.duration(ms: $0) }
      } else {
        row += ["-", "-", "-", "-"]
      }
      table.add(row)
    }
    return table
  }

  static func requestTable(_ list: [Request], markdown: Bool) -> Table {
    var table = Table([
      (markdown ? "Request" : "REQUEST", .left), (markdown ? "Duration" : "DURATION", .right),
      (markdown ? "Status" : "STATUS", .right), (markdown ? "Entry route" : "ENTRY ROUTE", .left),
      (markdown ? "Ended" : "ENDED", .left),
      (markdown ? "Services (offset +duration)" : "SERVICES (OFFSET +DURATION)", .left),
    ])
    for request in list {
      let services = request.services.map { span in
        var text = span.service + (span.failed ? "!" : "")
        if let offset = span.offsetMs, let duration = span.durationMs {
          text += " @\(Format.offset(ms: offset).replacingPlus) +\(Format.duration(ms: duration))"
        }
        return text
      }.joined(separator: ", ")
      table.add([
        markdown ? "`\(request.id)`" : request.id, request.durationMs.map { Format.duration(ms: $0) } ?? "-",
        request.status.map(String.init) ?? "-", request.entryRoute ?? "-", request.end ?? "-", services,
      ])
    }
    return table
  }

  func text(_ style: TextStyle) -> String {
    var out = "  " + headline + "\n"
    if let latency {
      out += "  end-to-end  p50 \(Format.duration(ms: latency.p50))  p90 \(Format.duration(ms: latency.p90))"
      out += "  p95 \(Format.duration(ms: latency.p95))  p99 \(Format.duration(ms: latency.p99))"
      out += "  p99.9 \(Format.duration(ms: latency.p999))  max \(Format.duration(ms: latency.max))"
      out += "  (\(Format.count(latency.count)) timed)\n"
    }
    if requests > 0 { out += "  fan-out     " + fanOut() + "\n" }
    if !entryRoutes.isEmpty {
      out += "\n" + routeTable(markdown: false).text()
    }
    if !slowest.isEmpty {
      out += "\n  " + style.bold("Slowest requests") + " (failed services marked !)\n"
      out += Self.requestTable(slowest, markdown: false).text()
    }
    if !recentFailures.isEmpty {
      out += "\n  " + style.bold("Latest failed requests") + "\n"
      out += Self.requestTable(recentFailures, markdown: false).text()
    }
    return out
  }

  var markdown: String {
    var out = headline + ".\n\n"
    if let latency {
      var table = Table([
        ("Requests", .right), ("P50", .right), ("P90", .right), ("P95", .right), ("P99", .right), ("P99.9", .right),
        ("Max", .right),
      ])
      table.add(
        [Format.count(latency.count)]
          + [latency.p50, latency.p90, latency.p95, latency.p99, latency.p999, latency.max].map {
            Format.duration(ms: $0)
          })
      out += "End-to-end latency:\n\n" + table.markdown() + "\n"
    }
    if requests > 0 { out += "Fan-out: " + fanOut(markdown: true) + ".\n\n" }
    if !entryRoutes.isEmpty { out += routeTable(markdown: true).markdown() + "\n" }
    if !slowest.isEmpty {
      out += "### Slowest requests\n\n" + Self.requestTable(slowest, markdown: true).markdown() + "\n"
    }
    if !recentFailures.isEmpty {
      out += "### Latest failed requests\n\n" + Self.requestTable(recentFailures, markdown: true).markdown() + "\n"
    }
    return out
  }

  package var json: JSONValue {
    func distribution(_ d: Distribution) -> JSONValue {
      .object([
        ("mean", .double(d.mean)), ("p50", .int(d.p50)), ("p90", .int(d.p90)), ("p99", .int(d.p99)),
        ("max", .int(d.max)),
      ])
    }
    return .object([
      ("requests", .int(requests)),
      ("failed", .int(failed)),
      ("evicted", .int(evicted)),
      ("events", .int(events)),
      ("eventsWithoutRequestId", .int(uncorrelated)),
      ("idleSeconds", .double(idleSeconds)),
      ("latency", latency.map(\.json) ?? .null),
      ("entryRoutes", .object(entryRoutes.map { ($0.name, $0.json) })),
      ("eventsPerRequest", distribution(eventsPerRequest)),
      ("servicesPerRequest", distribution(servicesPerRequest)),
      ("requestsByServiceCount", .object(serviceCounts.map { (String($0.0), .int($0.1)) })),
      ("slowest", .array(slowest.map(\.json))),
      ("latestFailed", .array(recentFailures.map(\.json))),
    ])
  }
}

extension RequestsReport.Request {
  package var json: JSONValue {
    .object([
      ("requestId", .string(id)),
      ("durationMs", durationMs.map { .double($0) } ?? .null),
      ("start", start.map { .string($0) } ?? .null),
      ("end", end.map { .string($0) } ?? .null),
      ("status", status.map { .int($0) } ?? .null),
      ("failed", .bool(failed)),
      ("entryRoute", entryRoute.map { .string($0) } ?? .null),
      ("userId", user.map { .string($0) } ?? .null),
      ("events", .int(events)),
      ("services", .array(services.map(\.json))),
    ])
  }
}

extension RequestsReport.Request.Span {
  package var json: JSONValue {
    .object([
      ("service", .string(service)),
      ("offsetMs", offsetMs.map { .double($0) } ?? .null),
      ("durationMs", durationMs.map { .double($0) } ?? .null),
      ("events", .int(events)),
      ("failed", .bool(failed)),
    ])
  }
}

extension String {
  /// An offset shown after "@": no sign.
  fileprivate var replacingPlus: String { hasPrefix("+") ? String(dropFirst()) : self }
}
