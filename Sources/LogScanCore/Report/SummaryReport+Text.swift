extension SummaryReport {
  /// How many routes the text and Markdown reports list (JSON has all).
  package static let routesShown = 25

  /// Terminal text: aligned tables; ANSI colour only when `color` is set.
  package func text(color: Bool) -> String {
    let style = TextStyle(enabled: color)
    var out = style.bold("logscan summary") + "\n"
    out += describeInputs(style)
    out += "\n" + style.bold("OVERALL") + "\n"
    out += "  " + scopeLine(overall, style) + "\n"
    if let throughput = overall.throughput {
      let average = throughput.averagePerMinute
      out += "  throughput  avg \(Format.fixed(average, average < 10 ? 2 : 1))/min"
      out += "  peak \(Format.count(throughput.peakPerMinute))/min"
      if let minute = throughput.peakMinute { out += " at \(minute)" }
      out += "\n"
    }
    if !levels.isEmpty {
      out += "  levels      " + levels.map { "\($0.0) \(Format.count($0.1))" }.joined(separator: "  ") + "\n"
    }
    if !services.isEmpty {
      out += "\n" + style.bold("SERVICES") + "\n"
      out += scopeTable("SERVICE", services).text(style: style.scopeCell)
    }
    if !routes.isEmpty {
      let shown = routes.prefix(Self.routesShown)
      let title =
        routes.count > shown.count
        ? "ROUTES (top \(shown.count) of \(routes.count) by events; all in --format json)" : "ROUTES"
      out += "\n" + style.bold(title) + "\n"
      out += scopeTable("ROUTE", Array(shown)).text(style: style.scopeCell)
    }
    if !topErrors.isEmpty {
      out += "\n" + style.bold("TOP ERRORS") + " (by message template)\n"
      out += errorTable().text()
    }
    if let requests, requests.hasRequests {
      out += "\n" + style.bold("REQUESTS") + " (followed by request id)\n" + requests.text(style)
    }
    if let alerts {
      out += "\n" + style.bold("ALERTS") + "\n" + alerts.text(style)
      if !alerts.counters.isEmpty {
        out += "\n" + style.bold("COUNTERS") + " (per minute and per hour in --format json)\n"
        out += alerts.counterTable().text()
      }
    }
    if let audit {
      out += "\n" + style.bold("SECRETS AND PII") + " (redacted in all output)\n"
      out += audit.text(style)
    }
    if !diagnostics.isEmpty {
      out += "\n" + style.bold("DIAGNOSTICS") + "\n"
      for diagnostic in diagnostics { out += "  " + style.yellow("! ") + diagnostic + "\n" }
    }
    return out
  }

  private func describeInputs(_ style: TextStyle) -> String {
    var out = ""
    for input in inputs {
      var detail = [input.format]
      if let bytes = input.bytes { detail.append(Format.bytes(bytes)) }
      detail.append("\(Format.count(input.lines)) lines")
      if !input.logFormats.isEmpty {
        detail.append(input.logFormats.prefix(3).map { $0.0 }.joined(separator: " + "))
      }
      out += "  input     \(input.name) (\(detail.joined(separator: ", ")))"
      if input.error != nil { out += " " + style.red("[failed]") }
      out += "\n"
    }
    if let start = timeRange.start, let end = timeRange.end, let seconds = timeRange.seconds {
      out += "  time      \(start) → \(end) (\(Format.span(seconds: seconds)))\n"
    }
    out += "  lines     \(Format.count(lines.read)) read = \(Format.count(lines.parsed)) parsed"
    out += " + \(Format.count(lines.malformed)) malformed + \(Format.count(lines.skipped)) skipped\n"
    if !lines.malformedByReason.isEmpty {
      out += "            malformed: "
      out += lines.malformedByReason.map { "\($0.0) \(Format.count($0.1))" }.joined(separator: ", ") + "\n"
    }
    if !lines.skippedByReason.isEmpty {
      out += "            skipped: "
      out += lines.skippedByReason.map { "\($0.0) \(Format.count($0.1))" }.joined(separator: ", ") + "\n"
    }
    if lines.repairedUTF8 > 0 {
      out +=
        "            invalid UTF-8 repaired in \(Format.count(lines.repairedUTF8)) parsed line\(lines.repairedUTF8 == 1 ? "" : "s")\n"
    }
    if !lines.examples.isEmpty {
      out += "            first malformed: "
      out += lines.examples.prefix(5).map { "\($0.input):\($0.line) (\($0.reason))" }.joined(separator: ", ")
      out += "\n"
    }
    return out
  }

  private func scopeLine(_ scope: Scope, _ style: TextStyle) -> String {
    var out = "events \(Format.count(scope.events))  errors \(Format.count(scope.errors))"
    out += " (" + style.rate(scope.errorRate) + ")"
    if let latency = scope.latency {
      out += "\n  latency     p50 \(Format.duration(ms: latency.p50))  p90 \(Format.duration(ms: latency.p90))"
      out += "  p95 \(Format.duration(ms: latency.p95))  p99 \(Format.duration(ms: latency.p99))"
      out += "  p99.9 \(Format.duration(ms: latency.p999))  max \(Format.duration(ms: latency.max))"
      out += "  (\(Format.count(latency.count)) timed)"
    }
    return out
  }

  /// Text tables shout their headers; Markdown ones do not.
  func scopeTable(_ title: String, _ scopes: [Scope], markdown: Bool = false) -> Table {
    let headers = ["EVENTS", "ERRORS", "ERR%", "P50", "P90", "P95", "P99", "P99.9", "MAX", "AVG/MIN", "PEAK/MIN"]
    var table = Table(
      [(title, .left)]
        + headers.map { header in
          (markdown ? header.prefix(1) + header.dropFirst().lowercased() : header, Table.Alignment.right)
        })
    for scope in scopes {
      var row = [scope.name, Format.count(scope.events), Format.count(scope.errors), Format.percent(scope.errorRate)]
      if let latency = scope.latency {
        row += [latency.p50, latency.p90, latency.p95, latency.p99, latency.p999, latency.max].map {
          Format.duration(ms: $0)
        }
      } else {
        row += Array(repeating: "-", count: 6)
      }
      if let throughput = scope.throughput {
        let average = throughput.averagePerMinute
        row += [Format.fixed(average, average < 10 ? 2 : 1), Format.count(throughput.peakPerMinute)]
      } else {
        row += ["-", "-"]
      }
      table.add(row)
    }
    return table
  }

  func errorTable() -> Table {
    var table = Table([("COUNT", .right), ("FIRST SEEN", .left), ("TEMPLATE", .left)])
    for entry in topErrors {
      table.add([Format.count(entry.count), entry.firstSeen ?? "-", entry.template])
    }
    return table
  }
}

extension SummaryReport.Audit {
  /// How many places the text and Markdown reports list (JSON has all).
  package static let placesShown = 20

  func text(_ style: TextStyle) -> String {
    guard findings > 0 else { return "  none found\n" }
    var out = "  " + style.red("\(Format.count(findings)) found") + " in \(Format.count(lines)) lines: "
    out += byKind.map { "\($0.0) \(Format.count($0.1))" }.joined(separator: ", ") + "\n"
    out += placeTable().text()
    if places.count > Self.placesShown {
      out += "  (top \(Self.placesShown) of \(places.count) places; all in --format json or `logscan audit`)\n"
    }
    return out
  }

  /// The report of `logscan audit`: every place, text or Markdown.
  package func report(lines read: Int, markdown: Bool) -> String {
    var out = markdown ? "# logscan audit\n\n" : "logscan audit\n"
    let head =
      findings == 0
      ? "No secrets or PII found in \(Format.count(read)) lines."
      : "\(Format.count(findings)) secrets and PII values in \(Format.count(lines)) of \(Format.count(read)) lines: "
        + byKind.map { "\($0.0) \(Format.count($0.1))" }.joined(separator: ", ") + "."
    out += (markdown ? "" : "  ") + head + "\n\n"
    if findings > 0 {
      let table = placeTable(limit: places.count)
      out += markdown ? table.markdown() : table.text()
      if unplaced > 0 {
        out += (markdown ? "\n" : "  ") + "\(Format.count(unplaced)) more in places beyond the table's limit.\n"
      }
    }
    return out
  }

  func placeTable(limit: Int = placesShown) -> Table {
    var table = Table([
      ("KIND", .left), ("SERVICE", .left), ("FIELD", .left), ("COUNT", .right), ("FIRST AT", .left),
    ])
    for place in places.prefix(limit) {
      table.add([place.kind, place.service, place.field, Format.count(place.count), "\(place.input):\(place.line)"])
    }
    return table
  }
}

/// ANSI styling, or none.
struct TextStyle {
  var enabled: Bool

  private func wrap(_ text: String, _ code: String) -> String {
    enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }

  func bold(_ text: String) -> String { wrap(text, "1") }
  func red(_ text: String) -> String { wrap(text, "31") }
  func yellow(_ text: String) -> String { wrap(text, "33") }

  /// An error rate, red above 1% (the playbooks' error-rate threshold).
  func rate(_ fraction: Double) -> String {
    let text = Format.percent(fraction)
    return fraction > 0.01 ? red(text) : fraction > 0 ? yellow(text) : text
  }

  /// Colours the error-rate column of scope tables.
  func scopeCell(_ text: String, _ row: Int, _ column: Int) -> String {
    guard enabled, row >= 0, column == 3 else { return text }
    let value = Double(text.trimmingSpaces.dropLast()) ?? 0
    return value > 1 ? red(text) : value > 0 ? yellow(text) : text
  }
}

extension String {
  fileprivate var trimmingSpaces: Substring {
    let start = firstIndex { $0 != " " } ?? endIndex
    return self[start...]
  }
}
