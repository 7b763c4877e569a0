/// Incidents and their timelines, as report values: what `logscan timeline`
/// writes in Markdown, HTML and JSON (docs/timeline.md). Every string that
/// came from the input has passed through the filter.
package struct TimelineReport: Sendable {
  /// One point of the charts: a minute (or several, for long incidents).
  package struct Point: Sendable {
    package var at: Int64
    package var minutes: Int
    package var events: Int
    package var errors: Int
    /// Latency percentiles in milliseconds, nil without durations.
    package var p50: Double?
    package var p95: Double?
    package var p99: Double?

    package var errorRate: Double? { events > 0 ? Double(errors) / Double(events) : nil }
    package var perMinute: Double { Double(events) / Double(minutes) }
  }

  /// The request and error counts of one service on the chart's points.
  package struct ServiceLine: Sendable {
    package var service: String
    package var events: [Int]
    package var errors: [Int]
  }

  package enum Chart: String, Sendable { case requests, errorRate, latency }

  /// A rule's threshold, drawn as a line: error rates as fractions,
  /// latency in milliseconds, requests per minute.
  package struct Threshold: Sendable {
    package var chart: Chart
    package var value: Double
    package var label: String
  }

  package enum Kind: String, Sendable {
    case change, start, threshold, pending, firing, resolved, firstError = "first_error", peak, recovery
    case windowStart = "window_start", windowEnd = "window_end"

    var order: Int {
      switch self {
      case .change: 0
      case .windowStart, .start: 1
      case .firstError: 2
      case .threshold: 3
      case .pending: 4
      case .firing: 5
      case .peak: 6
      case .resolved: 7
      case .recovery, .windowEnd: 8
      }
    }

    /// How the timeline table names it.
    package var label: String {
      switch self {
      case .change: "change"
      case .start: "start"
      case .threshold: "threshold crossed"
      case .pending: "alert pending"
      case .firing: "alert firing"
      case .resolved: "alert resolved"
      case .firstError: "new error"
      case .peak: "peak"
      case .recovery: "recovery"
      case .windowStart: "window start"
      case .windowEnd: "window end"
      }
    }
  }

  /// One row of an incident's timeline.
  package struct Entry: Sendable {
    package var at: Int64
    package var kind: Kind
    package var service: String?
    package var text: String
  }

  package struct TemplateRow: Sendable {
    package var template: String
    package var during: Int
    package var hourBefore: Int
    /// The minutes each count is over (the hour before is shorter when
    /// the logs start later).
    package var minutesDuring: Int
    package var minutesBefore: Int
  }

  package struct RouteImpact: Sendable {
    package var route: String
    package var errors: Int
    package var events: Int
  }

  package struct Impact: Sendable {
    package var events = 0
    package var errors = 0
    /// Failed requests (correlated by id) that started in the incident.
    package var failedRequests: Int?
    /// Failed events over the error budget of the objective's period, at
    /// the input's average request rate; nil when that rate is unknown.
    package var budgetConsumed: Double?
    package var budgetAllowance: Double?
    package var routes: [RouteImpact] = []
    /// Distinct users of failed events (counted by hash).
    package var users = 0

    package var errorRate: Double? { events > 0 ? Double(errors) / Double(events) : nil }
  }

  package struct Incident: Sendable {
    package var number: Int
    package var title: String
    /// nil for a window the user named in which no alert fired.
    package var severity: Severity?
    /// A window the user named (`--from/--to`) rather than alerts.
    package var isWindow: Bool
    /// The start of the first anomalous step (the bucket whose evaluation
    /// first found a rule's condition true), or the window's start.
    package var start: Int64
    /// The first firing.
    package var detected: Int64?
    package var peakAt: Int64?
    package var peak: String?
    /// The last resolution (the window's end); nil while still firing at
    /// the end of the input.
    package var end: Int64?
    /// Where the figures stop: the end, or the last event.
    package var until: Int64
    package var alerts: [AlertReport.Episode] = []
    package var services: [String] = []
    package var summary = ""
    package var impact = Impact()
    package var entries: [Entry] = []
    package var samples: [RequestsReport.Request] = []
    package var templates: [TemplateRow] = []
    package var points: [Point] = []
    package var serviceLines: [ServiceLine] = []
    package var thresholds: [Threshold] = []

    package var timeToDetect: Int64? { detected.map { $0 - start } }
    package var timeToResolve: Int64? { end.map { $0 - start } }
  }

  package var incidents: [Incident] = []
  package var firstTimestamp: Int64?
  package var lastTimestamp: Int64?
  package var inputs: [String]
  package var lines: LineCounts
  package var events = 0
  package var settings: TimelineSettings
  package var step: Int64
  /// Rules evaluated, and whether request ids were followed.
  package var rules: Int
  package var correlated: Bool
  package var notes: [String] = []
}

extension TimelineReport {
  /// Builds the report: the incidents of the alerts that fired, or the
  /// window the user named.
  package init(
    _ result: SummaryResult, settings: TimelineSettings, window: (from: Int64?, to: Int64?)? = nil,
    filter: any TextFilter
  ) {
    let shard = result.shard
    let timeline = shard.timeline ?? TimelineShard()
    self.settings = settings
    inputs = result.inputs.map { filter.filter($0.name) }
    lines = shard.lines
    let overall = shard.overall
    events = overall.events
    if overall.firstTimestamp <= overall.lastTimestamp {
      firstTimestamp = overall.firstTimestamp
      lastTimestamp = overall.lastTimestamp
    }
    step = result.rulePlan?.step ?? RulePlan.defaultStep
    rules = result.rulePlan?.rules.count ?? 0
    correlated = shard.correlation != nil
    for error in result.errors { notes.append(filter.filter(error.message)) }
    if timeline.dropped > 0 {
      notes.append(
        "\(Format.count(timeline.dropped)) event(s) are in no chart or count: the timeline's tables were full")
    }
    guard let first = firstTimestamp, let last = lastTimestamp else { return }

    var alerts: AlertReport?
    if let plan = result.rulePlan, let ruleShard = shard.rules, let evaluation = result.evaluation {
      alerts = AlertReport(plan: plan, shard: ruleShard, evaluation: evaluation, filter: filter)
    }
    let context = Context(
      result: result, timeline: timeline, alerts: alerts, settings: settings, step: step, first: first,
      last: last, filter: filter)

    if let window {
      let from = window.from ?? first
      let to = window.to ?? last
      incidents = [context.windowIncident(from: from, to: to)]
    } else {
      incidents = context.groups().enumerated().map { context.incident(number: $0.offset + 1, episodes: $0.element) }
      if let alerts {
        let below = alerts.episodes.filter { $0.severity < settings.severity }
        if incidents.isEmpty && !below.isEmpty {
          notes.append(
            "\(below.count) alert(s) below \(settings.severity.rawValue) fired (\(Set(below.map(\.rule)).sorted().joined(separator: ", "))): "
              + "--severity \(below.map(\.severity).max()!.rawValue) makes incidents of them")
        }
      }
    }
  }
}

/// What building the incidents needs at hand.
private struct Context {
  let result: SummaryResult
  let timeline: TimelineShard
  let alerts: AlertReport?
  let settings: TimelineSettings
  let step: Int64
  let first: Int64
  let last: Int64
  let filter: any TextFilter

  var evaluation: RuleEvaluation? { result.evaluation }
  var plan: RulePlan? { result.rulePlan }
  /// The end of the last evaluation: what an unresolved alert lasts until.
  var lastEvaluation: Int64 { (floorDiv(last, step) + 1) * step }

  static let minute: Int64 = 60_000_000_000

  /// The episodes (indexes into `evaluation.episodes`) of each incident:
  /// alerts that overlap in time, or follow within the merge gap on a
  /// related scope (the same scope value, or one of them overall).
  func groups() -> [[Int]] {
    guard let evaluation else { return [] }
    struct Group {
      var episodes: [Int]
      var end: Int64
      var overall: Bool
      var names: Set<String>
    }
    var groups: [Group] = []
    let order = evaluation.episodes.indices.sorted {
      let (a, b) = (evaluation.episodes[$0], evaluation.episodes[$1])
      return a.start != b.start ? a.start < b.start : $0 < $1
    }
    for index in order where plan!.rules[evaluation.episodes[index].rule].severity >= settings.severity {
      let episode = evaluation.episodes[index]
      // A long-window alert (availability over 24h) stays firing long
      // after the trouble: it joins the incident it starts in but keeps
      // no incident open.
      let end = isLong(episode) ? episode.start : episode.resolved ?? Int64.max
      let joins = groups.indices.filter { g in
        let group = groups[g]
        if episode.start <= group.end { return true }
        let related = episode.series == nil || group.overall || group.names.contains(episode.series!)
        return related && episode.start - group.end <= settings.mergeGap
      }
      var merged = Group(
        episodes: [index], end: end, overall: episode.series == nil,
        names: episode.series.map { [$0] } ?? [])
      for g in joins {
        merged.episodes += groups[g].episodes
        merged.end = max(merged.end, groups[g].end)
        merged.overall = merged.overall || groups[g].overall
        merged.names.formUnion(groups[g].names)
      }
      for g in joins.reversed() { groups.remove(at: g) }
      groups.append(merged)
    }
    return groups.map { $0.episodes.sorted() }.sorted {
      evaluation.episodes[$0[0]].start < evaluation.episodes[$1[0]].start
    }
  }

  /// Alerts over windows longer than this do not keep an incident open.
  static let longWindow: Int64 = 3_600_000_000_000

  func isLong(_ episode: AlertEpisode) -> Bool { plan!.rules[episode.rule].window > Self.longWindow }

  func incident(number: Int, episodes indexes: [Int]) -> TimelineReport.Incident {
    let evaluation = evaluation!
    let plan = plan!
    let raw = indexes.map { evaluation.episodes[$0] }
    let shown = indexes.map { alerts!.episodes[$0] }
    let start = raw.map(\.start).min()! - step
    let detected = raw.map(\.fired).min()!
    // The end: the last resolution of the alerts that decide it (not the
    // long-window ones, unless there are only those).
    let deciding = raw.contains { !isLong($0) } ? raw.filter { !isLong($0) } : raw
    let end: Int64? = deciding.contains { $0.resolved == nil } ? nil : deciding.compactMap(\.resolved).max()
    // The primary alert: the most severe, then the first to fire.
    let primary = indexes.indices.min { a, b in
      let (ra, rb) = (plan.rules[raw[a].rule], plan.rules[raw[b].rule])
      if ra.severity != rb.severity { return ra.severity > rb.severity }
      return raw[a].fired != raw[b].fired ? raw[a].fired < raw[b].fired : a < b
    }!
    let rule = plan.rules[raw[primary].rule]
    var incident = TimelineReport.Incident(
      number: number, title: "", severity: shown.map(\.severity).max(), isWindow: false, start: start,
      detected: detected, peakAt: raw[primary].peakAt, peak: shown[primary].peakText, end: end,
      until: end ?? max(last, start))
    // Alerts below the deciding severity that overlap the incident are
    // shown with it (context), without moving its times.
    let until = end ?? lastEvaluation
    let context = evaluation.episodes.indices.filter { index in
      let episode = evaluation.episodes[index]
      return plan.rules[episode.rule].severity < settings.severity && episode.start <= until
        && (episode.resolved ?? .max) > start
    }
    incident.alerts = (indexes + context).sorted().map { alerts!.episodes[$0] }
    var services: [String] = []
    for (episode, report) in zip(raw, shown) where episode.series != nil {
      let name = report.scope.first?.1 ?? filter.filter(episode.series!)
      if !services.contains(name) { services.append(name) }
    }
    incident.services = services
    var scopes: [String] = []
    for (episode, report) in zip(raw, shown) where episode.rule == raw[primary].rule {
      if let name = report.scope.first?.1, !scopes.contains(name) { scopes.append(name) }
    }
    incident.title = rule.name + (scopes.isEmpty ? " overall" : " on " + scopes.joined(separator: ", "))
    let lookbackStart = start - settings.lookback
    let windows = raw.filter { !isLong($0) }.map { plan.rules[$0.rule].window }
    let errorsFrom = start + step - (windows.max() ?? step)
    fill(&incident, alertsOf: Set(indexes + context), changesFrom: lookbackStart, errorsFrom: errorsFrom)
    incident.entries.append(
      .init(
        at: start, kind: .start, service: shown[primary].scope.first?.1,
        text: "first anomalous minute: \(shown[primary].condition) became true at \(clock(raw[primary].start))"))
    incident.entries.append(
      .init(
        at: raw[primary].peakAt, kind: .peak, service: shown[primary].scope.first?.1,
        text: "\(rule.metric.description) peaked at \(shown[primary].peakText) (\(rule.name))"))
    if let end {
      incident.entries.append(
        .init(
          at: end, kind: .recovery, service: nil,
          text: "every alert resolved, \(Format.span(seconds: Double(end - start) / 1e9)) after the start"))
    }
    sortEntries(&incident)
    incident.summary = summary(incident, primary: shown[primary], rule: rule, scopes: scopes)
    return incident
  }

  func windowIncident(from: Int64, to: Int64) -> TimelineReport.Incident {
    var incident = TimelineReport.Incident(
      number: 1, title: "\(clock(from, full: true)) to \(clock(to, full: true))", severity: nil, isWindow: true,
      start: from, detected: nil, peakAt: nil, peak: nil, end: to, until: to)
    var inside = Set<Int>()
    if let evaluation, let alerts {
      for (index, episode) in evaluation.episodes.enumerated()
      where episode.start <= to && (episode.resolved ?? .max) >= from {
        inside.insert(index)
        incident.alerts.append(alerts.episodes[index])
        if episode.fired >= from && episode.fired <= to {
          incident.detected = min(incident.detected ?? .max, episode.fired)
        }
      }
      incident.severity = incident.alerts.map(\.severity).max()
      for alert in incident.alerts {
        if let name = alert.scope.first?.1, !incident.services.contains(name) { incident.services.append(name) }
      }
    }
    fill(&incident, alertsOf: inside, changesFrom: from - settings.lookback, errorsFrom: from)
    incident.entries.append(.init(at: from, kind: .windowStart, service: nil, text: "the window starts"))
    incident.entries.append(.init(at: to, kind: .windowEnd, service: nil, text: "the window ends"))
    incident.entries.removeAll { $0.at > to && $0.kind != .windowEnd }
    sortEntries(&incident)
    let impact = incident.impact
    var text = "From \(clock(from, full: true)) to \(clock(to, full: true))"
    text += " (\(Format.span(seconds: Double(max(0, to - from)) / 1e9))): \(Format.count(impact.events)) events"
    text += ", \(Format.count(impact.errors)) failed"
    if let rate = impact.errorRate { text += " (\(Format.percent(rate)))" }
    text +=
      incident.alerts.isEmpty
      ? "; no alert fired." : "; \(incident.alerts.count) alert\(incident.alerts.count == 1 ? "" : "s") fired."
    incident.summary = text
    return incident
  }

  func sortEntries(_ incident: inout TimelineReport.Incident) {
    incident.entries = incident.entries.enumerated().sorted { a, b in
      if a.element.at != b.element.at { return a.element.at < b.element.at }
      if a.element.kind.order != b.element.kind.order { return a.element.kind.order < b.element.kind.order }
      return a.offset < b.offset
    }.map(\.element)
  }

  /// Impact, timeline entries, templates, samples and charts of [start, until).
  func fill(
    _ incident: inout TimelineReport.Incident, alertsOf episodes: Set<Int>, changesFrom: Int64, errorsFrom: Int64
  ) {
    let from = incident.start
    let to = max(incident.until, from + step)
    let fromMinute = Timestamp.minute(of: from)
    let toMinute = Timestamp.minute(of: to - 1)
    func inWindow(_ minute: Int64) -> Bool { minute >= fromMinute && minute <= toMinute }

    // Impact.
    var impact = TimelineReport.Impact()
    for (minute, row) in timeline.minutes where inWindow(minute) {
      impact.events += row.events
      impact.errors += row.errors
    }
    if let samples = result.shard.correlation?.failedSamples, samples.perMinute > 0 {
      impact.failedRequests = samples.failedByMinute.reduce(0) { inWindow($1.key) ? $0 + $1.value : $0 }
    }
    let span = Double(max(last - first, Self.minute)) / 1e9
    let allowance =
      (1 - settings.objective) * Double(result.shard.overall.timedEvents) / span
      * (Double(settings.period) / 1e9)
    if allowance > 0 {
      impact.budgetAllowance = allowance
      impact.budgetConsumed = Double(impact.errors) / allowance
    }
    var routeErrors: [[UInt8]: Int] = [:]
    for (key, count) in timeline.routeErrors where inWindow(key.minute) { routeErrors[key.name, default: 0] += count }
    let routes = result.shard.routes
    impact.routes = routeErrors.map { name, errors in
      var events = 0
      if let id = name.withUnsafeBytes({ routes.names.find($0) }) {
        for (minute, count) in routes.stats[id].perMinute.allCounts() where inWindow(minute) { events += count }
      }
      return TimelineReport.RouteImpact(route: filter.filter(makeString(name)), errors: errors, events: events)
    }.sorted { $0.errors != $1.errors ? $0.errors > $1.errors : $0.route < $1.route }
    var users = Set<UInt64>()
    for (minute, hashes) in timeline.failedUsers where inWindow(minute) { users.formUnion(hashes) }
    impact.users = users.count
    incident.impact = impact

    // Changes, new error templates, alert states.
    for change in timeline.changes where change.timestamp >= changesFrom && change.timestamp < to {
      var text = change.action.map { filter.filter($0) } ?? ""
      if let message = change.message {
        text += (text.isEmpty ? "" : ": ") + filter.filter(message)
      }
      incident.entries.append(
        .init(at: change.timestamp, kind: .change, service: filter.filter(change.service), text: text))
    }
    let templates = result.shard.templates
    for id in 0..<templates.names.count {
      let entry = templates.entries[id]
      guard entry.firstSeen >= errorsFrom && entry.firstSeen < to else { continue }
      incident.entries.append(
        .init(
          at: entry.firstSeen, kind: .firstError, service: nil,
          text: "first \"\(filter.filter(templates.names.string(id)))\" (\(Format.count(entry.count)) in all)"))
    }
    if let evaluation, let alerts, let plan {
      // One row per rule, state and time: the services it happened on
      // together ("high_error_rate firing on api-gateway (10%), payment-service (9.8%)").
      struct Row {
        var at: Int64
        var kind: TimelineReport.Kind
        var rule: Int
        var scopes: [(service: String?, value: String?)] = []
      }
      var rows: [Row] = []
      func add(_ at: Int64, _ kind: TimelineReport.Kind, _ rule: Int, _ service: String?, _ value: String?) {
        if let k = rows.firstIndex(where: { $0.at == at && $0.kind == kind && $0.rule == rule }) {
          rows[k].scopes.append((service, value))
        } else {
          rows.append(Row(at: at, kind: kind, rule: rule, scopes: [(service, value)]))
        }
      }
      for index in episodes.sorted() {
        let episode = evaluation.episodes[index]
        // Crossing and firing at once (no `for:`): the firing row says it.
        guard episode.fired > episode.start else { continue }
        let rule = plan.rules[episode.rule]
        let opening = evaluation.transitions.first {
          $0.rule == episode.rule && $0.series == episode.series && $0.at == episode.start
        }
        add(
          episode.start, .threshold, episode.rule, alerts.episodes[index].scope.first?.1,
          opening?.value.map { rule.metric.format($0, ratio: rule.baseline != nil) })
      }
      for transition in evaluation.transitions where transition.state == .firing || transition.state == .resolved {
        guard
          let index = evaluation.episodes.firstIndex(where: {
            $0.rule == transition.rule && $0.series == transition.series && $0.start <= transition.at
              && ($0.resolved ?? .max) >= transition.at
          }), episodes.contains(index)
        else { continue }
        let rule = plan.rules[transition.rule]
        add(
          transition.at, transition.state == .firing ? .firing : .resolved, transition.rule,
          alerts.episodes[index].scope.first?.1,
          transition.value.map { rule.metric.format($0, ratio: rule.baseline != nil) })
      }
      for row in rows {
        let rule = plan.rules[row.rule]
        let services = row.scopes.compactMap(\.service)
        let values = row.scopes.map { scope in
          (scope.value ?? "-") + (row.scopes.count > 1 ? scope.service.map { " (\($0))" } ?? "" : "")
        }.joined(separator: ", ")
        var text = "\(rule.name) (\(rule.severity.rawValue)): \(rule.metric.description) = \(values)"
        switch row.kind {
        case .threshold:
          text += ", \(rule.condition.description(metric: rule.baseline == nil ? rule.metric : nil)) over "
          text += "\(Rule.durationText(rule.window)); fires if it lasts \(Rule.durationText(rule.forDuration))"
        case .firing:
          text += ", \(rule.condition.description(metric: rule.baseline == nil ? rule.metric : nil)) over "
          text += Rule.durationText(rule.window)
        default: break
        }
        incident.entries.append(
          .init(
            at: row.at, kind: row.kind, service: services.isEmpty ? nil : services.joined(separator: ", "),
            text: text))
      }
    }

    // Error templates during the incident against the hour before.
    var during: [[UInt8]: Int] = [:]
    var before: [[UInt8]: Int] = [:]
    let beforeMinute = Timestamp.minute(of: from - 3_600_000_000_000)
    for (key, count) in timeline.templateErrors {
      if inWindow(key.minute) {
        during[key.name, default: 0] += count
      } else if key.minute >= beforeMinute && key.minute < fromMinute {
        before[key.name, default: 0] += count
      }
    }
    let minutesBefore = Int(max(0, fromMinute - max(beforeMinute, Timestamp.minute(of: first))))
    incident.templates = during.map { name, count in
      TimelineReport.TemplateRow(
        template: filter.filter(makeString(name)), during: count, hourBefore: before[name] ?? 0,
        minutesDuring: Int(toMinute - fromMinute + 1), minutesBefore: minutesBefore)
    }.sorted { $0.during != $1.during ? $0.during > $1.during : $0.template < $1.template }
    incident.templates = Array(incident.templates.prefix(10))

    // Sample failed requests.
    if let samples = result.shard.correlation?.failedSamples {
      incident.samples = samples.tracks(from: from, to: to).prefix(settings.samples).map {
        RequestsReport.Request($0, filter: filter)
      }
    }

    chart(&incident, from: from, to: to)
    if let plan {
      var seen = Set<String>()
      for alert in incident.alerts where seen.insert(alert.rule).inserted {
        guard let rule = plan.rules.first(where: { $0.name == alert.rule }), rule.baseline == nil else { continue }
        let label = rule.name + " " + rule.condition.description(metric: rule.metric)
        switch rule.metric {
        case .errorRate:
          incident.thresholds.append(.init(chart: .errorRate, value: rule.condition.threshold, label: label))
        case .availability:
          incident.thresholds.append(.init(chart: .errorRate, value: 1 - rule.condition.threshold, label: label))
        case .quantile(_, let field), .maximum(let field), .average(let field):
          if field.isDuration {
            incident.thresholds.append(.init(chart: .latency, value: rule.condition.threshold / 1e6, label: label))
          }
        case .rate(nil):
          incident.thresholds.append(.init(chart: .requests, value: rule.condition.threshold * 60, label: label))
        default: break
        }
      }
    }
  }

  /// Points from half an hour before to a quarter of an hour after, at
  /// most 720 of them (several minutes a point for long incidents).
  func chart(_ incident: inout TimelineReport.Incident, from: Int64, to: Int64) {
    let firstMinute = Timestamp.minute(of: first)
    let lastMinute = Timestamp.minute(of: last)
    let low = max(firstMinute, Timestamp.minute(of: from) - 30)
    let high = min(lastMinute, Timestamp.minute(of: to - 1) + 15)
    guard low <= high else { return }
    let width = Int((high - low + 1 + 719) / 720)
    var minute = low
    while minute <= high {
      let span = Int(min(Int64(width), high - minute + 1))
      let figures = timeline.figures(minute...(minute + Int64(span) - 1))
      incident.points.append(
        TimelineReport.Point(
          at: minute * Self.minute, minutes: span, events: figures.events, errors: figures.errors, p50: figures.p50,
          p95: figures.p95, p99: figures.p99))
      minute += Int64(span)
    }
    // The services of the incident's alerts, up to three.
    let services = result.shard.services
    for name in incident.services.prefix(3) {
      guard
        let id = (0..<services.names.count).first(where: { filter.filter(services.name($0)) == name })
      else { continue }
      let raw = Array(services.names.key(id))
      let perMinute = services.stats[id].perMinute.allCounts()
      var line = TimelineReport.ServiceLine(service: name, events: [], errors: [])
      for point in incident.points {
        let m0 = Timestamp.minute(of: point.at)
        var events = 0
        var errors = 0
        for m in m0..<(m0 + Int64(point.minutes)) {
          events += perMinute[m] ?? 0
          errors += timeline.serviceErrors[TimelineShard.Key(name: raw, minute: m)] ?? 0
        }
        line.events.append(events)
        line.errors.append(errors)
      }
      incident.serviceLines.append(line)
    }
  }

  func summary(
    _ incident: TimelineReport.Incident, primary: AlertReport.Episode, rule: Rule, scopes: [String]
  ) -> String {
    let impact = incident.impact
    var where_ = "the whole system"
    if scopes.count == 1 { where_ = scopes[0] }
    if scopes.count > 1 { where_ = scopes.dropLast().joined(separator: ", ") + " and " + scopes.last! }
    var text = "From \(clock(incident.start, full: true))"
    if let end = incident.end {
      text += " to \(clock(end)) (\(Format.span(seconds: Double(end - incident.start) / 1e9)))"
    } else {
      text += " until the end of the logs at \(clock(last)) (still firing)"
    }
    text += ", \(where_) had \(rule.metric.description) up to \(primary.peakText) (\(primary.threshold)"
    text += "; \(rule.name), \(rule.severity.rawValue))."
    if incident.alerts.count > 1 {
      let others = Set(incident.alerts.map(\.rule)).subtracting([rule.name]).sorted()
      if !others.isEmpty { text += " Also firing: \(others.joined(separator: ", "))." }
    }
    text += " \(Format.count(impact.errors)) of \(Format.count(impact.events)) events failed"
    if let rate = impact.errorRate { text += " (\(Format.percent(rate)))" }
    if let failed = impact.failedRequests { text += ", \(Format.count(failed)) requests" }
    // Logs without user ids (most access logs) say nothing of users.
    if impact.users > 0 { text += ", affecting \(Format.count(impact.users)) user\(impact.users == 1 ? "" : "s")" }
    text += " on \(impact.routes.count) route\(impact.routes.count == 1 ? "" : "s")."
    if let ttd = incident.timeToDetect {
      text += " Detected \(Format.span(seconds: Double(ttd) / 1e9)) after the start"
      text +=
        incident.end == nil
        ? "." : ", resolved \(Format.span(seconds: Double(incident.timeToResolve!) / 1e9)) after it."
    }
    if let change = incident.entries.last(where: { $0.kind == .change && $0.at <= incident.start + step }) {
      text += " It followed a change at \(clock(change.at))"
      text += change.service.map { " on \($0)" } ?? ""
      text += ": \(change.text)."
    }
    return text
  }

  func clock(_ nanos: Int64, full: Bool = false) -> String { TimelineReport.clock(nanos, full: full) }
}

extension TimelineReport {
  /// "10:14:00", or "2026-02-07 10:14:00 UTC" in full.
  package static func clock(_ nanos: Int64, full: Bool = false) -> String {
    let text = Timestamp.format(nanos, fractionDigits: 0)
    let time = String(text.dropFirst(11).prefix(8))
    return full ? String(text.prefix(10)) + " " + time + " UTC" : time
  }
}
