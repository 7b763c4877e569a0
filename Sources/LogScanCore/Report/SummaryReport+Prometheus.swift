extension SummaryReport {
  /// The Prometheus text exposition format (version 0.0.4), with the
  /// playbooks' metric names: every family has HELP and TYPE before its
  /// samples, histogram buckets are cumulative and end with +Inf.
  package var prometheus: String {
    var out = ""
    func family(_ name: String, _ type: String, _ help: String) {
      out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }
    func sample(_ name: String, _ labels: [(String, String)], _ value: String) {
      out += name
      if !labels.isEmpty {
        out += "{" + labels.map { "\($0.0)=\"\(Self.escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
      }
      out += " " + value + "\n"
    }
    func number(_ value: Double) -> String {
      if value.isNaN { return "NaN" }
      if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
      return Format.trimmed(value)
    }
    // Routes are "METHOD /path"; a route without a method has an empty one.
    func labels(_ route: Scope) -> [(String, String)] {
      let parts = route.name.split(separator: " ", maxSplits: 1)
      if parts.count == 2 { return [("method", String(parts[0])), ("path", String(parts[1]))] }
      return [("method", ""), ("path", route.name)]
    }

    family("http_requests_total", "counter", "HTTP requests by method, route (ids folded to :id) and status.")
    for route in routes {
      for (status, count) in route.statuses {
        sample("http_requests_total", labels(route) + [("status", String(status))], String(count))
      }
    }
    family(
      "http_request_duration_seconds", "histogram", "HTTP request duration by method and route (within 0.1%).")
    for route in routes where !route.durationBuckets.isEmpty {
      let count = route.latency?.count ?? 0
      for bucket in route.durationBuckets {
        sample(
          "http_request_duration_seconds_bucket", labels(route) + [("le", number(bucket.le))], String(bucket.count))
      }
      sample("http_request_duration_seconds_bucket", labels(route) + [("le", "+Inf")], String(count))
      sample("http_request_duration_seconds_sum", labels(route), number(route.durationSumSeconds))
      sample("http_request_duration_seconds_count", labels(route), String(count))
    }
    family("logscan_events_total", "counter", "Log events by service.")
    for service in services { sample("logscan_events_total", [("service", service.name)], String(service.events)) }
    family("logscan_errors_total", "counter", "Error events (5xx or level error/fatal) by service.")
    for service in services { sample("logscan_errors_total", [("service", service.name)], String(service.errors)) }
    family("logscan_lines_total", "counter", "Input lines by outcome; read = parsed + malformed + skipped.")
    sample("logscan_lines_total", [("outcome", "parsed")], String(lines.parsed))
    sample("logscan_lines_total", [("outcome", "malformed")], String(lines.malformed))
    sample("logscan_lines_total", [("outcome", "skipped")], String(lines.skipped))
    if let alerts {
      for counter in alerts.counters {
        let name = Self.metricName(counter.name) + "_total"
        family(name, "counter", "Business counter '\(counter.name)': matching events.")
        if let by = counter.groupedBy, !counter.groups.isEmpty {
          let label = Self.labelName(by)
          for group in counter.groups { sample(name, [(label, group.name)], String(group.count)) }
        } else {
          sample(name, [], String(counter.total))
        }
        if let sum = counter.sum {
          let sumName = Self.metricName(counter.name) + "_value_total"
          family(sumName, "counter", "Business counter '\(counter.name)': sum of its value field.")
          sample(sumName, [], number(sum))
        }
      }
      var firing: [String: Int] = [:]
      var fired: [String: Int] = [:]
      for episode in alerts.episodes {
        fired[episode.rule, default: 0] += 1
        if episode.resolved == nil { firing[episode.rule, default: 0] += 1 }
      }
      let ruleLabels = alerts.rules.map { [("rule", $0.name), ("severity", $0.severity.rawValue)] }
      family("logscan_alerts_firing", "gauge", "Series of each rule still firing at the end of the input.")
      for (rule, labels) in zip(alerts.rules, ruleLabels) {
        sample("logscan_alerts_firing", labels, String(firing[rule.name] ?? 0))
      }
      family("logscan_alerts_fired_total", "counter", "Times each rule fired over the input.")
      for (rule, labels) in zip(alerts.rules, ruleLabels) {
        sample("logscan_alerts_fired_total", labels, String(fired[rule.name] ?? 0))
      }
    }
    return out
  }

  /// A label value: backslash, double quote and line feed escaped.
  static func escapeLabel(_ text: String) -> String {
    var out = ""
    for character in text {
      switch character {
      case "\\": out += "\\\\"
      case "\"": out += "\\\""
      case "\n": out += "\\n"
      default: out.append(character)
      }
    }
    return out
  }

  /// A valid metric name: [a-zA-Z_:][a-zA-Z0-9_:]*, anything else as '_'.
  static func metricName(_ text: String) -> String {
    var out = ""
    for (index, scalar) in text.unicodeScalars.enumerated() {
      let ok =
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || scalar == "_" || scalar == ":"
        || (index > 0 && scalar >= "0" && scalar <= "9")
      out.unicodeScalars.append(ok ? scalar : "_")
    }
    return out.isEmpty ? "_" : out
  }

  /// A valid label name (no colons; not starting with "__").
  static func labelName(_ text: String) -> String {
    var name = metricName(text).replacing(":", with: "_")
    while name.hasPrefix("__") { name.removeFirst() }
    return name
  }
}
