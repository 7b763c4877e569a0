extension SummaryReport {
  /// The JSON form, documented in docs/json-schema.md.
  package var json: JSONValue {
    .object([
      ("schemaVersion", .int(Self.schemaVersion)),
      ("tool", .string("logscan")),
      ("report", .string("summary")),
      ("inputs", .array(inputs.map(\.json))),
      ("lines", lines.json),
      ("timeRange", timeRange.json),
      ("levels", .object(levels.map { ($0.0, .int($0.1)) })),
      ("overall", overall.json),
      ("services", .object(services.map { ($0.name, $0.json) })),
      ("routes", .object(routes.map { ($0.name, $0.json) })),
      ("topErrors", .array(topErrors.map(\.json))),
      (
        "limits",
        .object([
          ("servicesFolded", .int(truncation.servicesFolded)),
          ("routesFolded", .int(truncation.routesFolded)),
          ("templatesFolded", .int(truncation.templatesFolded)),
          ("distinctErrorTemplates", .int(truncation.distinctTemplates)),
        ])
      ),
      ("requests", requests.map(\.json) ?? .null),
      ("alerts", alerts.map(\.json) ?? .null),
      ("counters", alerts.map(\.countersJSON) ?? .null),
      ("audit", audit.map(\.json) ?? .null),
      ("diagnostics", .array(diagnostics.map { .string($0) })),
    ])
  }
}

extension SummaryReport.Audit {
  package var json: JSONValue {
    .object([
      ("linesWithFindings", .int(lines)),
      ("findings", .int(findings)),
      ("byKind", .object(byKind.map { ($0.0, .int($0.1)) })),
      (
        "places",
        .array(
          places.map { place in
            .object([
              ("kind", .string(place.kind)), ("service", .string(place.service)), ("field", .string(place.field)),
              ("count", .int(place.count)),
              ("first", .object([("input", .string(place.input)), ("line", .int(place.line))])),
            ])
          })
      ),
      ("unplaced", .int(unplaced)),
    ])
  }
}

extension SummaryReport.Input {
  package var json: JSONValue {
    .object([
      ("name", .string(name)),
      ("format", .string(format)),
      ("bytes", bytes.map { .int(Int($0)) } ?? .null),
      ("lines", .int(lines)),
      ("logFormat", logFormats.first.map { .string($0.0) } ?? .null),
      ("logFormats", .object(logFormats.map { ($0.0, .int($0.1)) })),
      ("error", error.map { .string($0) } ?? .null),
    ])
  }
}

extension SummaryReport.Lines {
  package var json: JSONValue {
    .object([
      ("read", .int(read)),
      ("parsed", .int(parsed)),
      ("malformed", .int(malformed)),
      ("skipped", .int(skipped)),
      ("repairedUtf8", .int(repairedUTF8)),
      ("malformedByReason", .object(malformedByReason.map { ($0.0, .int($0.1)) })),
      ("skippedByReason", .object(skippedByReason.map { ($0.0, .int($0.1)) })),
      (
        "malformedExamples",
        .array(
          examples.map {
            .object([("input", .string($0.input)), ("line", .int($0.line)), ("reason", .string($0.reason))])
          })
      ),
    ])
  }
}

extension SummaryReport.TimeRange {
  package var json: JSONValue {
    .object([
      ("start", start.map { .string($0) } ?? .null),
      ("end", end.map { .string($0) } ?? .null),
      ("seconds", seconds.map { .double($0) } ?? .null),
    ])
  }
}

extension SummaryReport.Scope {
  package var json: JSONValue {
    var members: [(String, JSONValue)] = [
      ("events", .int(events)),
      ("errors", .int(errors)),
      ("errorRate", .double(errorRate)),
      ("status", .object(statusClasses.map { ($0.0, .int($0.1)) })),
    ]
    members.append(("latencyMs", latency?.json ?? .object([("count", .int(0))])))
    if let throughput {
      members.append(
        (
          "throughput",
          .object([
            ("averagePerMinute", .double(throughput.averagePerMinute)),
            ("peakPerMinute", .int(throughput.peakPerMinute)),
            ("peakMinute", throughput.peakMinute.map { .string($0) } ?? .null),
            ("partial", .bool(throughput.partial)),
          ])
        ))
    }
    members.append(("firstSeen", firstSeen.map { .string($0) } ?? .null))
    members.append(("lastSeen", lastSeen.map { .string($0) } ?? .null))
    return .object(members)
  }
}

extension SummaryReport.Latency {
  /// Milliseconds.
  package var json: JSONValue {
    .object([
      ("count", .int(count)),
      ("p50", .double(p50)), ("p90", .double(p90)),
      ("p95", .double(p95)), ("p99", .double(p99)),
      ("p999", .double(p999)), ("max", .double(max)),
      ("min", .double(min)), ("mean", .double(mean)),
    ])
  }
}

extension SummaryReport.ErrorTemplate {
  package var json: JSONValue {
    .object([
      ("template", .string(template)),
      ("count", .int(count)),
      ("firstSeen", firstSeen.map { .string($0) } ?? .null),
      ("lastSeen", lastSeen.map { .string($0) } ?? .null),
    ])
  }
}
