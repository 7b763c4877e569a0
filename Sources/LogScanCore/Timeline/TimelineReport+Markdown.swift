extension TimelineReport {
  /// GitHub-flavoured Markdown, to paste into a post-mortem as is.
  package var markdown: String {
    var out = "# Incident timeline\n\n"
    out += Self.inline(header) + "\n\n"
    if incidents.isEmpty {
      out += "No incident: no alert fired"
      if let first = firstTimestamp, let last = lastTimestamp {
        out += " between \(Self.clock(first, full: true)) and \(Self.clock(last, full: true))"
      }
      out += ". Name a window with `--from` and `--to` to see it anyway.\n"
    }
    for incident in incidents { out += incident.markdown(self) }
    if !notes.isEmpty {
      out += "## Notes\n\n" + notes.map { "- " + Self.inline($0) + "\n" }.joined()
    }
    return out
  }

  /// Inputs, time range and what was evaluated: one line.
  var header: String {
    var parts: [String] = []
    parts.append(inputs.count == 1 ? inputs[0] : "\(inputs.count) inputs")
    if let first = firstTimestamp, let last = lastTimestamp {
      parts.append("\(Self.clock(first, full: true)) to \(Self.clock(last, full: true))")
    }
    parts.append("\(Format.count(events)) events")
    parts.append("\(rules) rules evaluated every \(Rule.durationText(step))")
    parts.append(
      "availability objective \(Format.fixed(settings.objective * 100, 3).trimmingZeros)% over "
        + Rule.durationText(settings.period))
    return parts.joined(separator: " · ")
  }

  /// Text from the logs inside Markdown: what would be markup is escaped.
  static func inline(_ text: String) -> String {
    var out = ""
    let characters = Array(text)
    for (index, character) in characters.enumerated() {
      switch character {
      case "\\", "`", "*", "[", "]", "<", "|", "~": out += "\\" + String(character)
      case "_":
        // Inside a word (high_error_rate) an underscore is no emphasis.
        let before = index > 0 && (characters[index - 1].isLetter || characters[index - 1].isNumber)
        let after = index + 1 < characters.count && (characters[index + 1].isLetter || characters[index + 1].isNumber)
        out += before && after ? "_" : "\\_"
      case "\n", "\r": out += " "
      default: out.append(character)
      }
    }
    return out
  }

  /// Text from the logs as a code span: backticks cannot be escaped in
  /// one, so they are dropped (ids do not have them).
  static func code(_ text: String) -> String {
    "`" + text.filter { $0 != "`" && $0 != "\n" && $0 != "\r" } + "`"
  }

  /// A time for tables: the clock, with the date when it is not the
  /// incident's day.
  static func time(_ nanos: Int64, day start: Int64) -> String {
    let sameDay = floorDiv(nanos, 86_400_000_000_000) == floorDiv(start, 86_400_000_000_000)
    return sameDay ? clock(nanos) : clock(nanos, full: true)
  }
}

extension TimelineReport.Incident {
  /// Start, detection, peak and end, with the times between them.
  package var keyTimes: [(String, String)] {
    var rows: [(String, String)] = []
    let day = start
    func after(_ nanos: Int64) -> String { " (+" + Format.span(seconds: Double(nanos - start) / 1e9) + ")" }
    rows.append((isWindow ? "Window start" : "Start (first anomalous minute)", TimelineReport.clock(start, full: true)))
    if let detected {
      rows.append(("Detected (first firing)", TimelineReport.time(detected, day: day) + after(detected)))
    }
    if let peakAt, let peak {
      rows.append(("Peak", TimelineReport.time(peakAt, day: day) + after(peakAt) + ": " + peak))
    }
    if let end {
      rows.append((isWindow ? "Window end" : "End (last resolution)", TimelineReport.time(end, day: day) + after(end)))
    } else {
      rows.append(("End", "still firing at the end of the logs (" + TimelineReport.time(until, day: day) + ")"))
    }
    if let ttd = timeToDetect { rows.append(("Time to detect", Format.span(seconds: Double(ttd) / 1e9))) }
    if let ttr = timeToResolve, !isWindow { rows.append(("Time to resolve", Format.span(seconds: Double(ttr) / 1e9))) }
    return rows
  }

  /// The impact as lines.
  func impactLines(_ report: TimelineReport) -> [String] {
    var lines: [String] = []
    var failed = "Failed events: \(Format.count(impact.errors)) of \(Format.count(impact.events))"
    if let rate = impact.errorRate { failed += " (\(Format.percent(rate)))" }
    lines.append(failed)
    if let requests = impact.failedRequests {
      lines.append("Failed requests (followed by request id): \(Format.count(requests))")
    }
    if let consumed = impact.budgetConsumed, let allowance = impact.budgetAllowance {
      lines.append(
        "Error budget consumed: \(Format.percent(consumed)) of the \(Rule.durationText(report.settings.period)) budget"
          + " at \(Format.fixed(report.settings.objective * 100, 3).trimmingZeros)% availability"
          + " (an allowance of \(Format.count(Int(allowance.rounded()))) failed events at this log's request rate)")
    }
    lines.append(
      impact.users > 0
        ? "Users affected: \(Format.count(impact.users)) (distinct user ids of failed events, counted by hash)"
        : "Users affected: unknown (no failed event carries a user id)")
    if !services.isEmpty { lines.append("Services: " + services.joined(separator: ", ")) }
    return lines
  }

  func markdown(_ report: TimelineReport) -> String {
    typealias R = TimelineReport
    var out = "## Incident \(number): \(R.inline(title))"
    if let severity { out += " (\(severity.rawValue))" }
    out += "\n\n" + R.inline(summary) + "\n\n"
    var times = Table([("When", .left), ("", .left)])
    for (name, value) in keyTimes { times.add([name, value]) }
    out += times.markdown() + "\n"

    out += "### Impact\n\n" + impactLines(report).map { "- " + R.inline($0) + "\n" }.joined() + "\n"
    if !impact.routes.isEmpty {
      var table = Table([("Route", .left), ("Failed", .right), ("Events", .right), ("Error rate", .right)])
      for route in impact.routes.prefix(10) {
        table.add([
          R.inline(route.route), Format.count(route.errors), Format.count(route.events),
          route.events > 0 ? Format.percent(Double(route.errors) / Double(route.events)) : "-",
        ])
      }
      out += table.markdown() + "\n"
    }

    if !alerts.isEmpty {
      out += "### Alerts\n\n"
      var table = Table([
        ("Rule", .left), ("Severity", .left), ("Scope", .left), ("Pending", .left), ("Fired", .left),
        ("Resolved", .left), ("Peak", .right), ("Condition", .left),
      ])
      for alert in alerts {
        table.add([
          "`\(alert.rule)`", alert.severity.rawValue,
          R.inline(alert.scope.first.map { "\($0.0) \($0.1)" } ?? "overall"),
          R.time(alert.start, day: start), R.time(alert.fired, day: start),
          alert.resolved.map { R.time($0, day: start) } ?? "still firing", alert.peakText, R.inline(alert.condition),
        ])
      }
      out += table.markdown() + "\n"
    }

    out += "### Timeline\n\n"
    var timeline = Table([("Time (UTC)", .left), ("Event", .left), ("Service", .left), ("What", .left)])
    for entry in entries {
      timeline.add([
        R.time(entry.at, day: start), entry.kind.label, R.inline(entry.service ?? ""), R.inline(entry.text),
      ])
    }
    out += timeline.markdown() + "\n"

    if !templates.isEmpty {
      out += "### Top errors against the hour before\n\n"
      var table = Table([("Error", .left), ("During", .right), ("Hour before", .right), ("Change", .left)])
      for row in templates {
        table.add([R.inline(row.template), Format.count(row.during), Format.count(row.hourBefore), row.change])
      }
      out += table.markdown() + "\n"
    }

    if !samples.isEmpty {
      out += "### Sample failed requests\n\n"
      out += RequestsReport.requestTable(samples, markdown: true).markdown() + "\n"
      out += "Each one's full story: " + R.code("logscan trace " + samples[0].id) + " over the same logs.\n\n"
    }
    return out
  }
}

extension TimelineReport.TemplateRow {
  /// "new", or how many times more often (per minute) it happened during
  /// the incident than in the hour before: "x12.50".
  var change: String {
    guard hourBefore > 0 else { return "new" }
    return "x" + Format.fixed(ratio!, 2)
  }

  package var ratio: Double? {
    guard hourBefore > 0, minutesDuring > 0, minutesBefore > 0 else { return nil }
    return (Double(during) / Double(minutesDuring)) / (Double(hourBefore) / Double(minutesBefore))
  }
}

extension String {
  /// "99.500" -> "99.5", "99.000" -> "99".
  var trimmingZeros: String {
    guard contains(".") else { return self }
    var text = self
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
  }
}
