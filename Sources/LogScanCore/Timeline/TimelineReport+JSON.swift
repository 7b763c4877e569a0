extension TimelineReport {
  /// The JSON form, documented in docs/timeline.md.
  package var json: JSONValue {
    .object([
      ("schemaVersion", .int(SummaryReport.schemaVersion)),
      ("kind", .string("timeline")),
      ("inputs", .array(inputs.map { .string($0) })),
      ("first", jsonTime(firstTimestamp)),
      ("last", jsonTime(lastTimestamp)),
      ("events", .int(events)),
      (
        "settings",
        .object([
          ("objective", .double(settings.objective)),
          ("periodSeconds", jsonSeconds(settings.period)),
          ("mergeGapSeconds", jsonSeconds(settings.mergeGap)),
          ("lookbackSeconds", jsonSeconds(settings.lookback)),
          ("stepSeconds", jsonSeconds(step)),
          ("rules", .int(rules)),
        ])
      ),
      (
        "incidents",
        .array(
          incidents.map { $0.json })
      ),
      ("notes", .array(notes.map { .string($0) })),
    ])
  }
}

private func jsonTime(_ nanos: Int64?) -> JSONValue { nanos.map { .string(Timestamp.format($0)) } ?? .null }
private func jsonSeconds(_ nanos: Int64?) -> JSONValue { nanos.map { .double(Double($0) / 1e9) } ?? .null }
private func jsonNumber(_ value: Double?) -> JSONValue { value.flatMap { $0.isFinite ? .double($0) : nil } ?? .null }

extension TimelineReport.Incident {
  package var json: JSONValue {
    var members: [(String, JSONValue)] = [
      ("number", .int(number)),
      ("title", .string(title)),
      ("severity", severity.map { .string($0.rawValue) } ?? .null),
      ("window", .bool(isWindow)),
      ("start", jsonTime(start)),
      ("detected", jsonTime(detected)),
      ("peak", jsonTime(peakAt)),
      ("peakValue", peak.map { .string($0) } ?? .null),
      ("end", jsonTime(end)),
      ("ongoing", .bool(end == nil)),
      ("timeToDetectSeconds", jsonSeconds(timeToDetect)),
      ("timeToResolveSeconds", jsonSeconds(timeToResolve)),
      ("summary", .string(summary)),
      ("services", .array(services.map { .string($0) })),
    ]
    members.append(("impact", impactJSON))
    members.append(("alerts", .array(alerts.map(Self.alertJSON))))
    members.append(("timeline", .array(entries.map(Self.entryJSON))))
    members.append(("errors", .array(templates.map(Self.templateJSON))))
    members.append(("sampleFailedRequests", .array(samples.map(\.json))))
    members.append(("chart", chartJSON))
    return .object(members)
  }

  var impactJSON: JSONValue {
    let routes: [JSONValue] = impact.routes.map {
      .object([("route", .string($0.route)), ("failed", .int($0.errors)), ("events", .int($0.events))])
    }
    return .object([
      ("events", .int(impact.events)),
      ("failedEvents", .int(impact.errors)),
      ("errorRate", jsonNumber(impact.errorRate)),
      ("failedRequests", impact.failedRequests.map { .int($0) } ?? .null),
      ("errorBudgetConsumed", jsonNumber(impact.budgetConsumed)),
      ("errorBudgetAllowance", jsonNumber(impact.budgetAllowance)),
      ("usersAffected", .int(impact.users)),
      ("routes", .array(routes)),
    ])
  }

  static func alertJSON(_ alert: AlertReport.Episode) -> JSONValue {
    .object([
      ("rule", .string(alert.rule)),
      ("severity", .string(alert.severity.rawValue)),
      ("scope", .object(alert.scope.map { ($0.0, .string($0.1)) })),
      ("pending", jsonTime(alert.start)),
      ("fired", jsonTime(alert.fired)),
      ("resolved", jsonTime(alert.resolved)),
      ("peak", jsonNumber(alert.peak * alert.scale)),
      ("peakText", .string(alert.peakText)),
      ("condition", .string(alert.condition)),
      ("reason", .string(alert.reason)),
    ])
  }

  static func entryJSON(_ entry: TimelineReport.Entry) -> JSONValue {
    .object([
      ("at", jsonTime(entry.at)),
      ("kind", .string(entry.kind.rawValue)),
      ("service", entry.service.map { .string($0) } ?? .null),
      ("text", .string(entry.text)),
    ])
  }

  static func templateJSON(_ row: TimelineReport.TemplateRow) -> JSONValue {
    .object([
      ("template", .string(row.template)),
      ("during", .int(row.during)),
      ("hourBefore", .int(row.hourBefore)),
      ("ratio", jsonNumber(row.ratio)),
    ])
  }

  var chartJSON: JSONValue {
    let points: [JSONValue] = points.map { point in
      .object([
        ("at", jsonTime(point.at)),
        ("minutes", .int(point.minutes)),
        ("events", .int(point.events)),
        ("errors", .int(point.errors)),
        ("p50Ms", jsonNumber(point.p50)),
        ("p95Ms", jsonNumber(point.p95)),
        ("p99Ms", jsonNumber(point.p99)),
      ])
    }
    let services: [JSONValue] = serviceLines.map { line in
      .object([
        ("service", .string(line.service)),
        ("events", .array(line.events.map { .int($0) })),
        ("errors", .array(line.errors.map { .int($0) })),
      ])
    }
    let thresholds: [JSONValue] = thresholds.map {
      .object([("chart", .string($0.chart.rawValue)), ("value", .double($0.value)), ("label", .string($0.label))])
    }
    return .object([("points", .array(points)), ("services", .array(services)), ("thresholds", .array(thresholds))])
  }
}
