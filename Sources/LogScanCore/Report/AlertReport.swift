/// The alerts and business counters of a scan, as report values: what the
/// summary's ALERTS and COUNTERS sections, `logscan check`, `--alerts-out`
/// and the Prometheus exposition are written from.
package struct AlertReport: Sendable {
  package struct Episode: Sendable {
    package var rule: String
    package var severity: Severity
    /// (label, value) pairs: `[("service", "payment-service")]`, empty overall.
    package var scope: [(String, String)]
    package var start: Int64
    package var fired: Int64
    package var resolved: Int64?
    package var peak: Double
    package var peakText: String
    package var threshold: String
    /// One line: what crossed what, where.
    package var reason: String
    /// The condition, window and `for:` ("p99(duration) > 1s over 5m").
    package var condition: String
    /// What `peak` is multiplied by in JSON (durations: to milliseconds).
    package var scale = 1.0
  }

  /// One line of `--alerts-out`: a state change.
  package struct Event: Sendable {
    package var rule: String
    package var severity: Severity
    package var state: AlertState
    package var at: Int64
    package var scope: [(String, String)]
    package var value: Double?
    package var threshold: Double
    package var expression: String
    /// Values of duration metrics are nanoseconds inside, milliseconds in
    /// JSON (as everywhere in logscan's JSON).
    package var isDuration = false

    package var json: JSONValue {
      let scale = isDuration ? 1e-6 : 1
      return .object([
        ("rule", .string(rule)),
        ("severity", .string(severity.rawValue)),
        ("state", .string(state.rawValue)),
        ("at", .string(Timestamp.format(at))),
        ("scope", .object(scope.map { ($0.0, .string($0.1)) })),
        ("value", value.map { $0.isFinite ? .double($0 * scale) : .null } ?? .null),
        ("threshold", .double(threshold * scale)),
        ("unit", isDuration ? .string("ms") : .null),
        ("expr", .string(expression)),
      ])
    }
  }

  package struct CounterSummary: Sendable {
    package var name: String
    package var total: Int
    /// Sum of the value field, when the counter sums one.
    package var sum: Double?
    package var perMinute: [(minute: Int64, count: Int)]
    package var perHour: [(hour: Int64, count: Int)]
    package var groupedBy: String?
    /// Most first.
    package var groups: [(name: String, count: Int, sum: Double?)]
  }

  package var rules: [Rule]
  package var step: Int64
  package var evaluations = 0
  package var late = 0
  package var untimed = 0
  package var episodes: [Episode] = []
  package var events: [Event] = []
  package var counters: [CounterSummary] = []
  /// Series turned into "(other)" because a scope had too many values.
  package var seriesFolded = 0
  /// Events in no rule's window because the rules' cells ran out.
  package var cellsDropped = 0
  /// Counter matches in no per-minute figure (the minute table was full).
  package var counterMinutesDropped = 0

  package init(plan: RulePlan, shard: RuleShard, evaluation: RuleEvaluation, filter: any TextFilter) {
    rules = plan.rules
    step = plan.step
    evaluations = evaluation.evaluations
    late = shard.late
    untimed = shard.untimed
    seriesFolded = shard.tables.reduce(0) { $0 + $1.folded }
    counterMinutesDropped = shard.counters.reduce(0) { $0 + $1.minutesDropped }
    cellsDropped = shard.tables.map(\.dropped).max() ?? 0
    func scope(_ rule: Rule, _ series: String?) -> [(String, String)] {
      guard let label = rule.scope.label, let series else { return [] }
      return [(label, filter.filter(series))]
    }
    for transition in evaluation.transitions {
      let rule = plan.rules[transition.rule]
      events.append(
        Event(
          rule: rule.name, severity: rule.severity, state: transition.state, at: transition.at,
          scope: scope(rule, transition.series), value: transition.value, threshold: transition.threshold,
          expression: rule.expression, isDuration: rule.baseline == nil && rule.metric.field?.isDuration == true))
    }
    for episode in evaluation.episodes {
      let rule = plan.rules[episode.rule]
      let where_ = scope(rule, episode.series).map { "\($0.0) \($0.1)" }.first.map { " in " + $0 } ?? ""
      let ratio = rule.baseline != nil
      let peakText = rule.metric.format(episode.peak, ratio: ratio)
      let threshold = rule.condition.description(metric: ratio ? nil : rule.metric)
      var reason = "\(rule.metric.description)"
      if let baseline = rule.baseline { reason += " vs the \(Rule.durationText(baseline)) before" }
      reason += " peaked at \(peakText) (\(threshold)) over \(Rule.durationText(rule.window))\(where_)"
      if rule.forDuration > 0 { reason += ", for \(Rule.durationText(rule.forDuration))" }
      var condition = rule.expression + " over " + Rule.durationText(rule.window)
      if rule.forDuration > 0 { condition += " for " + Rule.durationText(rule.forDuration) }
      episodes.append(
        Episode(
          rule: rule.name, severity: rule.severity, scope: scope(rule, episode.series), start: episode.start,
          fired: episode.fired, resolved: episode.resolved, peak: episode.peak, peakText: peakText,
          threshold: threshold, reason: reason, condition: condition,
          scale: rule.baseline == nil && rule.metric.field?.isDuration == true ? 1e-6 : 1))
    }
    for (index, counter) in plan.counters.enumerated() {
      let table = shard.counters[index]
      if counter.isDefault && table.total.count == 0 { continue }
      let minutes = table.allMinutes().sorted { $0.key < $1.key }
      var hours: [Int64: Int] = [:]
      for (minute, figures) in minutes { hours[floorDiv(minute, 60), default: 0] += figures.count }
      // Groups are merged under their shown names (values that differ only
      // in what is redacted are one group, as scopes are).
      var names: [String] = []
      var figuresByName: [String: (count: Int, sum: Double)] = [:]
      for id in 0..<table.groups.count {
        let name = filter.filter(table.groups.string(id))
        let figures = table.groupFigures[id]
        if let seen = figuresByName[name] {
          figuresByName[name] = (seen.count + figures.count, seen.sum + figures.sum)
        } else {
          names.append(name)
          figuresByName[name] = (figures.count, figures.sum)
        }
      }
      var groups: [(String, Int, Double?)] = names.map { name in
        let figures = figuresByName[name]!
        return (name, figures.count, counter.sum == nil ? nil : figures.sum)
      }
      groups.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
      counters.append(
        CounterSummary(
          name: counter.name, total: table.total.count, sum: counter.sum == nil ? nil : table.total.sum,
          perMinute: minutes.map { ($0.key, $0.value.count) },
          perHour: hours.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
          groupedBy: counter.groupBy?.name, groups: groups))
    }
  }

  static func time(_ nanos: Int64?) -> String {
    guard let nanos else { return "-" }
    return Timestamp.format(nanos, fractionDigits: 0)
  }

  /// Alerts the text and Markdown summaries list (JSON and --alerts-out
  /// have all): a flapping rule can fire hundreds of times.
  package static let episodesShown = 50

  /// The episodes of at least a severity, the first `limit` by start.
  package func episodeTable(severityAtLeast: Severity = .info, limit: Int = .max) -> Table {
    var table = Table([
      ("SEVERITY", .left), ("RULE", .left), ("SCOPE", .left), ("STARTED", .left), ("FIRED", .left),
      ("RESOLVED", .left), ("PEAK", .right), ("CONDITION", .left),
    ])
    for episode in episodes.lazy.filter({ $0.severity >= severityAtLeast }).prefix(limit) {
      table.add([
        episode.severity.rawValue, episode.rule,
        episode.scope.map { "\($0.0)=\($0.1)" }.first ?? "overall",
        Self.time(episode.start), Self.time(episode.fired),
        episode.resolved == nil ? "still firing" : Self.time(episode.resolved), episode.peakText, episode.condition,
      ])
    }
    return table
  }

  /// "... and N more", when the table was cut.
  package var moreLine: String? {
    guard episodes.count > Self.episodesShown else { return nil }
    var byRule: [String: Int] = [:]
    for episode in episodes.dropFirst(Self.episodesShown) { byRule[episode.rule, default: 0] += 1 }
    let top = byRule.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(3)
    return "... and \(Format.count(episodes.count - Self.episodesShown)) more ("
      + top.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
      + (byRule.count > 3 ? ", ..." : "") + "; all in --format json and --alerts-out)"
  }

  package var header: String {
    "\(rules.count) rules, evaluated every \(Rule.durationText(step)) of event time"
  }

  package var notes: [String] {
    var notes: [String] = []
    if late > 0 {
      notes.append(
        "\(Format.count(late)) event\(late == 1 ? "" : "s") arrived later than the lateness allowance "
          + "(counted in \(late == 1 ? "its" : "their") window)")
    }
    if untimed > 0 {
      notes.append(
        "\(Format.count(untimed)) event\(untimed == 1 ? " had" : "s had") no timestamp and \(untimed == 1 ? "is" : "are") in no window"
      )
    }
    if seriesFolded > 0 {
      notes.append("\(Format.count(seriesFolded)) events of scopes beyond the cap went to (other)")
    }
    return notes
  }

  func text(_ style: TextStyle) -> String {
    var out = ""
    if episodes.isEmpty {
      out += "  no rule fired (\(header))\n"
    } else {
      out += "  \(episodes.count) alert\(episodes.count == 1 ? "" : "s") (\(header))\n"
      out += episodeTable(limit: Self.episodesShown).text { cell, row, column in
        guard row >= 0, column == 0 else { return cell }
        return cell.hasPrefix("critical") ? style.red(cell) : cell.hasPrefix("warning") ? style.yellow(cell) : cell
      }
      out += moreLine.map { "  \($0)\n" } ?? ""
    }
    for note in notes { out += "  " + style.yellow("! ") + note + "\n" }
    return out
  }

  package func counterTable() -> Table {
    let sums = counters.contains { $0.sum != nil }
    let groups = counters.contains { !$0.groups.isEmpty }
    var columns: [(String, Table.Alignment)] = [
      ("COUNTER", .left), ("TOTAL", .right), ("PER MINUTE", .right), ("BUSIEST MINUTE", .left),
    ]
    if sums { columns.append(("SUM", .right)) }
    if groups { columns.append(("TOP GROUPS", .left)) }
    var table = Table(columns)
    for counter in counters {
      let span = (counter.perMinute.last?.minute ?? 0) - (counter.perMinute.first?.minute ?? 0) + 1
      let busiest = counter.perMinute.max { $0.count < $1.count || ($0.count == $1.count && $0.minute > $1.minute) }
      var row = [
        counter.name, Format.count(counter.total), Format.fixed(Double(counter.total) / Double(max(1, span)), 1),
        busiest.map { "\(Format.count($0.count)) at \(Self.time($0.minute * 60_000_000_000))" } ?? "-",
      ]
      if sums { row.append(counter.sum.map { Format.trimmed(($0 * 100).rounded() / 100) } ?? "") }
      if groups {
        row.append(counter.groups.prefix(3).map { "\($0.name) \(Format.count($0.count))" }.joined(separator: ", "))
      }
      table.add(row)
    }
    return table
  }

  package var json: JSONValue {
    .object([
      ("step", .string(Rule.durationText(step))),
      (
        "rules",
        .array(
          rules.map { rule in
            .object([
              ("name", .string(rule.name)), ("severity", .string(rule.severity.rawValue)),
              ("expr", .string(rule.expression)), ("window", .string(Rule.durationText(rule.window))),
              ("for", .string(Rule.durationText(rule.forDuration))),
            ])
          })
      ),
      ("evaluations", .int(evaluations)),
      ("lateEvents", .int(late)),
      ("untimedEvents", .int(untimed)),
      (
        "fired",
        .array(
          episodes.map { episode in
            .object([
              ("rule", .string(episode.rule)), ("severity", .string(episode.severity.rawValue)),
              ("scope", .object(episode.scope.map { ($0.0, .string($0.1)) })),
              ("started", .string(Timestamp.format(episode.start))),
              ("fired", .string(Timestamp.format(episode.fired))),
              ("resolved", episode.resolved.map { .string(Timestamp.format($0)) } ?? .null),
              ("peak", episode.peak.isFinite ? .double(episode.peak * episode.scale) : .null),
              ("unit", episode.scale == 1 ? .null : .string("ms")),
              ("reason", .string(episode.reason)),
              ("condition", .string(episode.condition)),
            ])
          })
      ),
    ])
  }

  package var countersJSON: JSONValue {
    .object(
      counters.map { counter in
        (
          counter.name,
          .object([
            ("total", .int(counter.total)),
            ("sum", counter.sum.map { .double($0) } ?? .null),
            (
              "perHour",
              .array(
                counter.perHour.map {
                  .object([("hour", .string(Self.time($0.hour * 3_600_000_000_000))), ("count", .int($0.count))])
                })
            ),
            (
              "perMinute",
              .array(
                counter.perMinute.map {
                  .object([("minute", .string(Self.time($0.minute * 60_000_000_000))), ("count", .int($0.count))])
                })
            ),
            ("groupedBy", counter.groupedBy.map { .string($0) } ?? .null),
            (
              "groups",
              .array(
                counter.groups.map { group in
                  .object([
                    ("name", .string(group.name)), ("count", .int(group.count)),
                    ("sum", group.sum.map { .double($0) } ?? .null),
                  ])
                })
            ),
          ])
        )
      })
  }
}
