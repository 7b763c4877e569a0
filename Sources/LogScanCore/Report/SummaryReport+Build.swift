extension SummaryReport {
  /// Builds the report from a finished scan. `topErrorCount` templates are
  /// listed; `filter` sees every string that came from the input.
  package init(
    _ result: SummaryResult, topErrorCount: Int = 10, filter: any TextFilter = IdentityTextFilter(),
    audited: Bool = false, durationBuckets: Bool = false
  ) {
    let shard = result.shard
    inputs = result.inputs.map { info in
      Input(
        name: filter.filter(info.name), format: info.format.rawValue, bytes: info.size,
        lines: info.lines, error: info.error.map { filter.filter($0.message) },
        logFormats: info.logFormats.map { ($0.name, $0.lines) })
    }

    lines.read = shard.lines.read
    lines.parsed = shard.lines.parsed
    lines.malformed = shard.lines.malformedTotal
    lines.skipped = shard.lines.skippedTotal
    lines.repairedUTF8 = shard.lines.repairedUTF8
    lines.malformedByReason = zip(MalformedReason.allCases, shard.lines.malformed)
      .filter { $0.1 > 0 }.map { ($0.0.rawValue, $0.1) }
    lines.skippedByReason = zip(SkipReason.allCases, shard.lines.skipped)
      .filter { $0.1 > 0 }.map { ($0.0.rawValue, $0.1) }
    lines.examples = result.examples.map { example in
      Example(
        input: filter.filter(result.inputs[example.input].name), line: example.line,
        reason: example.reason.rawValue)
    }

    let overallStats = shard.overall
    if overallStats.firstTimestamp <= overallStats.lastTimestamp {
      timeRange = TimeRange(
        start: Timestamp.format(overallStats.firstTimestamp),
        end: Timestamp.format(overallStats.lastTimestamp),
        seconds: Double(overallStats.lastTimestamp - overallStats.firstTimestamp) / 1e9)
    }
    levels = zip(Level.allCases, shard.levels).filter { $0.1 > 0 }.map { ($0.0.name, $0.1) }

    overall = Self.scope(name: "overall", overallStats)

    services = Self.scopes(shard.services, filter: filter).sorted(by: Self.byEventsThenName)
    routes = Self.scopes(shard.routes, filter: filter, buckets: durationBuckets).sorted(by: Self.byEventsThenName)

    let templates = shard.templates
    var ranked: [(name: String, entry: TemplateTable.Entry)] = []
    for id in 0..<templates.entries.count {
      ranked.append((templates.names.string(id), templates.entries[id]))
    }
    ranked.sort { a, b in
      a.entry.count != b.entry.count ? a.entry.count > b.entry.count : a.name < b.name
    }
    topErrors = ranked.prefix(topErrorCount).map { item in
      ErrorTemplate(
        template: filter.filter(item.name), count: item.entry.count,
        firstSeen: item.entry.firstSeen == Int64.max ? nil : Timestamp.format(item.entry.firstSeen),
        lastSeen: item.entry.lastSeen == Int64.min ? nil : Timestamp.format(item.entry.lastSeen))
    }
    truncation = Truncation(
      servicesFolded: shard.services.folded, routesFolded: shard.routes.folded,
      templatesFolded: templates.folded, distinctTemplates: templates.entries.count)

    if audited { audit = Self.audit(result, filter: filter) }
    if let plan = result.rulePlan, let evaluation = result.evaluation, let rules = shard.rules {
      alerts = AlertReport(plan: plan, shard: rules, evaluation: evaluation, filter: filter)
    }

    if let settings = result.correlation, let stats = shard.correlation {
      requests = RequestsReport(stats, settings: settings, filter: filter)
      if stats.evicted > 0 {
        diagnostics.append(
          "more than \(Format.count(settings.maxOpen)) requests open at once: \(Format.count(stats.evicted)) "
            + "evicted before they completed (raise correlation.max_open)")
      }
      if stats.samePeriodInputs.count > 1 {
        let names = stats.samePeriodInputs.compactMap { $0 < result.inputs.count ? result.inputs[$0].name : nil }
        let inputs = filter.filter(names.joined(separator: ", "))
        diagnostics.append(
          stats.followedAcrossInputs
            ? inputs + " cover the same period: the inputs were read a second time, their lines merged by event "
              + "time, to follow requests across them (docs/correlation.md)"
            : inputs + " cover the same period: requests are followed within each input (and across their ends "
              + "only), so a request with events in several of them is counted in each; 'logscan trace ID' "
              + "follows one across all inputs (docs/correlation.md)")
      }
    }
    for info in result.inputs {
      if let error = info.error { diagnostics.append(filter.filter(error.message)) }
    }
    if truncation.servicesFolded > 0 {
      diagnostics.append(
        "more than \(shard.limits.maxServices) services: \(truncation.servicesFolded) events counted under '(other)'")
    }
    if truncation.routesFolded > 0 {
      diagnostics.append(
        "more than \(shard.limits.maxRoutes) routes: \(truncation.routesFolded) events counted under '(other)'")
    }
    let partialScopes =
      services.filter { $0.throughput?.partial == true }.count
      + routes.filter { $0.throughput?.partial == true }.count
    if partialScopes > 0 {
      diagnostics.append(
        "more than \(shard.limits.maxMinuteCells) per-minute counts: the peak per minute of \(partialScopes) "
          + "services and routes covers only the minutes counted first")
    }
    if truncation.templatesFolded > 0 {
      diagnostics.append(
        "more than \(shard.limits.maxTemplates) error templates: \(truncation.templatesFolded) errors not grouped")
    }
  }

  static func audit(_ result: SummaryResult, filter: any TextFilter) -> Audit {
    let table = result.shard.audit
    var audit = Audit(lines: table.lines, findings: table.total, unplaced: table.unplaced)
    audit.byKind = SecretKind.allCases.map { ($0.name, table.byKind[$0.index]) }.filter { $0.1 > 0 }
      .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    audit.places = table.entries.map { key, entry in
      Audit.Place(
        kind: key.kind.name, service: filter.filter(key.service), field: filter.filter(key.field), count: entry.count,
        input: filter.filter(result.inputs[entry.first.input].name), line: entry.first.line)
    }.sorted { a, b in
      if a.count != b.count { return a.count > b.count }
      return (a.kind, a.service, a.field) < (b.kind, b.service, b.field)
    }
    return audit
  }

  private static func byEventsThenName(_ a: Scope, _ b: Scope) -> Bool {
    a.events != b.events ? a.events > b.events : a.name < b.name
  }

  /// Prometheus' default histogram buckets, in seconds.
  package static let durationBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

  /// `buckets`: also the cumulative duration buckets (for the Prometheus
  /// exposition; they take a pass over the histogram).
  /// The scopes of a table under the names the report shows: names that
  /// differ only in what `filter` redacts (two email addresses in a path,
  /// two IP addresses in a service name) are one scope, so that no report
  /// lists a name twice (in JSON, a key twice).
  static func scopes(_ table: ScopeTable, filter: any TextFilter, buckets: Bool = false) -> [Scope] {
    var names: [String] = []
    var merged: [String: ScopeStats] = [:]
    for id in 0..<table.count {
      let name = filter.filter(table.name(id))
      if merged[name] == nil {
        names.append(name)
        merged[name] = table.stats[id]
      } else {
        merged[name]!.merge(table.stats[id])
      }
    }
    // A route only request starts named (`LogFormat.logsRequestStarts`)
    // has no events: it is not a row.
    return names.filter { merged[$0]!.events > 0 }.map { scope(name: $0, merged[$0]!, buckets: buckets) }
  }

  static func scope(name: String, _ stats: ScopeStats, buckets: Bool = false) -> Scope {
    var latency: Latency?
    if let histogram = stats.latency, histogram.totalCount > 0 {
      // Percentiles are nearest-rank values from the histogram (within 0.1%);
      // min and max are exact.
      let values = histogram.values(atPercentiles: [50, 90, 95, 99, 99.9]).map { Double($0) / 1e6 }
      latency = Latency(
        count: Int(histogram.totalCount),
        p50: values[0], p90: values[1], p95: values[2], p99: values[3], p999: values[4],
        min: Double(stats.minDuration) / 1e6, max: Double(stats.maxDuration) / 1e6,
        mean: stats.durationSum / Double(histogram.totalCount) / 1e6)
    }
    var throughput: Throughput?
    if stats.timedEvents > 0, let peak = stats.perMinute.peak() {
      let firstMinute = Timestamp.minute(of: stats.firstTimestamp)
      let lastMinute = Timestamp.minute(of: stats.lastTimestamp)
      throughput = Throughput(
        averagePerMinute: Double(stats.timedEvents) / Double(lastMinute - firstMinute + 1),
        peakPerMinute: peak.count, peakMinute: Timestamp.format(peak.minute * 60_000_000_000, fractionDigits: 0),
        partial: stats.perMinute.dropped > 0)
    }
    let hasTime = stats.firstTimestamp <= stats.lastTimestamp
    var scope = Scope(
      name: name, events: stats.events, errors: stats.errors,
      errorRate: stats.events == 0 ? 0 : Double(stats.errors) / Double(stats.events),
      statusClasses: stats.statusClasses.named, latency: latency, throughput: throughput,
      firstSeen: hasTime ? Timestamp.format(stats.firstTimestamp) : nil,
      lastSeen: hasTime ? Timestamp.format(stats.lastTimestamp) : nil)
    scope.statuses = stats.statusCounts.enumerated().filter { $0.element > 0 }.map { ($0.offset, $0.element) }
    if buckets, let histogram = stats.latency, histogram.totalCount > 0 {
      var counts = [Int](repeating: 0, count: Self.durationBounds.count)
      histogram.forEachBucket { value, count in
        let seconds = Double(value) / 1e9
        for (index, bound) in Self.durationBounds.enumerated() where seconds <= bound {
          counts[index] += Int(count)
        }
      }
      scope.durationBuckets = zip(Self.durationBounds, counts).map { ($0, $1) }
      scope.durationSumSeconds = stats.durationSum / 1e9
    }
    return scope
  }
}
