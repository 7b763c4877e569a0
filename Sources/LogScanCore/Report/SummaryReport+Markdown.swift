extension SummaryReport {
  /// GitHub-flavoured Markdown, for pasting into tickets and post-mortems.
  package var markdown: String {
    var out = "# logscan summary\n\n"
    if let start = timeRange.start, let end = timeRange.end, let seconds = timeRange.seconds {
      out += "**Time range:** \(start) → \(end) (\(Format.span(seconds: seconds)))\n\n"
    }
    out += "**Lines:** \(Format.count(lines.read)) read = \(Format.count(lines.parsed)) parsed + "
    out += "\(Format.count(lines.malformed)) malformed + \(Format.count(lines.skipped)) skipped"
    if lines.repairedUTF8 > 0 { out += " (\(Format.count(lines.repairedUTF8)) with invalid UTF-8 repaired)" }
    out += "\n\n"
    var inputTable = Table([
      ("Input", .left), ("Encoding", .left), ("Log format", .left), ("Size", .right), ("Lines", .right),
      ("Error", .left),
    ])
    for input in inputs {
      inputTable.add([
        "`\(input.name)`", input.format,
        input.logFormats.map { "\($0.0) (\(Format.count($0.1)))" }.joined(separator: ", "),
        input.bytes.map { Format.bytes($0) } ?? "-", Format.count(input.lines), input.error ?? "",
      ])
    }
    out += inputTable.markdown() + "\n"
    if !lines.malformedByReason.isEmpty || !lines.skippedByReason.isEmpty {
      var reasons = Table([("Outcome", .left), ("Reason", .left), ("Lines", .right)])
      for (reason, count) in lines.malformedByReason { reasons.add(["malformed", reason, Format.count(count)]) }
      for (reason, count) in lines.skippedByReason { reasons.add(["skipped", reason, Format.count(count)]) }
      out += reasons.markdown() + "\n"
      if !lines.examples.isEmpty {
        out += "First malformed lines: "
        out += lines.examples.map { "`\($0.input):\($0.line)` (\($0.reason))" }.joined(separator: ", ") + "\n\n"
      }
    }
    out += "## Overall\n\n"
    out += scopeTable("Scope", [overall], markdown: true).markdown() + "\n"
    if !levels.isEmpty {
      out += "**Levels:** " + levels.map { "\($0.0) \(Format.count($0.1))" }.joined(separator: ", ") + "\n\n"
    }
    if !services.isEmpty {
      out += "## Services\n\n" + scopeTable("Service", services, markdown: true).markdown() + "\n"
    }
    if !routes.isEmpty {
      let shown = Array(routes.prefix(Self.routesShown))
      out += "## Routes\n\n"
      if shown.count < routes.count {
        out += "Top \(shown.count) of \(routes.count) routes by events.\n\n"
      }
      out += scopeTable("Route", shown, markdown: true).markdown() + "\n"
    }
    if !topErrors.isEmpty {
      out += "## Top errors\n\n" + errorTable().markdown() + "\n"
    }
    if let requests, requests.hasRequests {
      out += "## Requests\n\n" + requests.markdown
    }
    if let alerts {
      out += "## Alerts\n\n"
      if alerts.episodes.isEmpty {
        out += "No rule fired (\(alerts.header)).\n\n"
      } else {
        out += "\(alerts.episodes.count) alerts (\(alerts.header)).\n\n"
        out += alerts.episodeTable(limit: AlertReport.episodesShown).markdown() + "\n"
        if let more = alerts.moreLine { out += more + "\n\n" }
      }
      for note in alerts.notes { out += "- \(note)\n" }
      if !alerts.notes.isEmpty { out += "\n" }
      if !alerts.counters.isEmpty { out += "## Counters\n\n" + alerts.counterTable().markdown() + "\n" }
    }
    if let audit {
      out += "## Secrets and PII\n\n"
      if audit.findings == 0 {
        out += "None found.\n\n"
      } else {
        out += "\(Format.count(audit.findings)) found in \(Format.count(audit.lines)) lines (all redacted here): "
        out += audit.byKind.map { "\($0.0) \(Format.count($0.1))" }.joined(separator: ", ") + ".\n\n"
        out += audit.placeTable().markdown() + "\n"
      }
    }
    if !diagnostics.isEmpty {
      out += "## Diagnostics\n\n"
      for diagnostic in diagnostics { out += "- \(diagnostic)\n" }
      out += "\n"
    }
    return out
  }
}
