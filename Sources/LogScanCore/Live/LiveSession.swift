/// A live stream counted as it arrives (`logscan watch`): the summary's
/// sink fed line by line, the alert rules evaluated on every tick over the
/// buckets so far, and only what a live view needs kept (old buckets are
/// dropped). When the stream ends, `finish` gives the summary of all of it.
package final class LiveSession {
  private var sink: SummarySink
  /// One splitter per source (each has its own partial line).
  private var splitters: [SplitterBox] = []
  private let options: ScanOptions
  private let plan: RulePlan?
  private let joiner: SeamJoiner?
  private let filter: any TextFilter
  /// The state last reported per (rule, series).
  private var reported: [SeriesKey: (state: AlertState, since: Int64)] = [:]
  /// Evaluations up to this time were reported as final.
  private var lastFinal = Int64.min
  /// The newest event time, and the wall-clock time it was first seen.
  private var newest = Int64.min
  private var wallAtNewest = 0.0
  private var linesAtLastTick = 0
  private var wallAtLastTick: Double?
  /// Buckets of rule history kept: the longest reach of any rule.
  private let keptBuckets: Int64
  private var finished = false

  struct SeriesKey: Hashable {
    var rule: Int
    var series: String?
  }

  package init(options: ScanOptions, filter: any TextFilter) {
    self.options = options
    self.filter = filter
    plan = options.rules
    joiner = options.correlation.map { SeamJoiner(settings: $0, limits: options.limits, units: 1) }
    var timeline = TimelineSettings()
    timeline.changeActions = []
    timeline.changeKeywords = []
    timeline.serviceMinutes = true
    sink = SummarySink(
      formats: options.formats, limits: options.limits, redactor: options.redactor, rules: options.rules,
      correlation: joiner.map { (options.correlation!, $0, 1) }, timeline: timeline)
    sink.begin(input: 0, unit: 0)
    if let plan {
      let reach = plan.rules.map { $0.window + ($0.baseline ?? 0) + $0.forDuration + $0.keepFiringFor }.max() ?? 0
      keptBuckets = (reach + plan.step - 1) / plan.step + 2
    } else {
      keptBuckets = 2
    }
  }

  /// Lines read so far.
  package var lines: Int { splitters.reduce(deliveredLines) { $0 + $1.splitter.lineCount } }
  /// Lines that came already split and scanned (`deliver`).
  private var deliveredLines = 0

  /// The formats a `LiveParseAhead` scans this session's lines with.
  package var parseAheadFormats: FormatCatalog { options.formats }

  /// Counts lines a `LiveParseAhead` split and scanned, in order.
  func deliver(_ batch: ParsedBatch) {
    batch.deliver(into: &sink)
    deliveredLines += batch.inputLines
  }

  private func splitter(_ source: Int) -> SplitterBox {
    while splitters.count <= source { splitters.append(SplitterBox(maxLineBytes: options.maxLineBytes)) }
    return splitters[source]
  }

  /// Counts the complete lines of `bytes` read from `source` (stdin, or
  /// one of the files followed); a partial last line waits for the rest
  /// (or for `flushPartialLine`).
  package func feed(_ bytes: UnsafeRawBufferPointer, source: Int = 0) {
    splitter(source).splitter.feed(bytes, into: &sink)
  }

  /// Counts a partial line that has waited too long for its newline.
  package func flushPartialLine(source: Int = 0) {
    splitter(source).splitter.finish(into: &sink)
  }

  /// What changed since the last tick, and the figures of now.
  package struct Update: Sendable {
    package var alerts: [AlertReport.Event] = []
    package var stats: LiveStats
  }

  /// Evaluates the rules at the current event time: the newest event's,
  /// moved on by the wall clock while the stream is quiet (so an alert
  /// resolves with no new lines).
  package func tick(wall: Double) -> Update {
    let shardNewest = sink.liveRuleShard?.lastTimestamp ?? sink.liveTimeline?.newestTimestamp ?? .min
    if shardNewest > newest {
      newest = shardNewest
      wallAtNewest = wall
    }
    let now = newest == .min ? Int64.min : newest + Int64(max(0, wall - wallAtNewest) * 1e9)
    var update = Update(stats: LiveStats())
    if let plan, var rules = sink.liveRuleShard, now != .min {
      let nowBucket = floorDiv(now, plan.step)
      sink.prune(
        beforeBucket: nowBucket - keptBuckets, beforeMinute: Timestamp.minute(of: now) - LiveStats.keptMinutes)
      rules = sink.liveRuleShard!
      rules.lastTimestamp = max(rules.lastTimestamp, now)
      let evaluation = RuleEvaluator.evaluate(plan, rules)
      // Evaluations of complete buckets are final: each state change is
      // reported once, in order. The evaluation of the bucket under way
      // is provisional: reported (at the current time) when it changes
      // what was reported, and put right when the bucket's final
      // evaluation disagrees.
      let complete = nowBucket * plan.step
      var latest: [SeriesKey: AlertState] = [:]
      func report(_ key: SeriesKey, _ state: AlertState, at: Int64, value: Double?, threshold: Double) {
        let shown = { (state: AlertState) in state == .resolved ? AlertState.inactive : state }
        guard shown(state) != shown(reported[key]?.state ?? .inactive) else { return }
        reported[key] = (state, at)
        let rule = plan.rules[key.rule]
        var scope: [(String, String)] = []
        if let label = rule.scope.label, let series = key.series { scope = [(label, filter.filter(series))] }
        update.alerts.append(
          AlertReport.Event(
            rule: rule.name, severity: rule.severity, state: state, at: at, scope: scope, value: value,
            threshold: threshold, expression: rule.expression,
            isDuration: rule.baseline == nil && rule.metric.field?.isDuration == true))
      }
      for transition in evaluation.transitions {
        let key = SeriesKey(rule: transition.rule, series: transition.series)
        latest[key] = transition.state
        guard transition.at > lastFinal else { continue }
        report(
          key, transition.state, at: min(transition.at, now), value: transition.value,
          threshold: transition.threshold)
      }
      for (key, entry) in reported where entry.state == .pending || entry.state == .firing {
        let state = latest[key] ?? .inactive
        if state != .pending && state != .firing {
          report(
            key, entry.state == .firing ? .resolved : .inactive, at: now, value: nil,
            threshold: plan.rules[key.rule].condition.threshold)
        }
      }
      lastFinal = max(lastFinal, complete)
      for (key, entry) in reported where entry.state == .firing || entry.state == .pending {
        let rule = plan.rules[key.rule]
        update.stats.active.append(
          .init(
            rule: rule.name, severity: rule.severity, state: entry.state,
            scope: key.series.map { filter.filter($0) }, since: entry.since))
      }
      for (index, counter) in plan.counters.enumerated() where index < rules.counters.count {
        let count = rules.counters[index].total.count
        if !counter.isDefault || count > 0 { update.stats.counters.append((counter.name, count)) }
      }
      update.stats.active.sort { ($0.severity, $1.since) > ($1.severity, $0.since) }
    } else if now != .min {
      sink.prune(beforeBucket: .min, beforeMinute: Timestamp.minute(of: now) - LiveStats.keptMinutes)
    }
    update.stats.fill(
      now: now, shard: sink.finishedShardForLive(), timeline: sink.liveTimeline, filter: filter,
      lines: lines, linesPerSecond: linesPerSecond(wall: wall))
    return update
  }

  private func linesPerSecond(wall: Double) -> Double {
    defer {
      wallAtLastTick = wall
      linesAtLastTick = lines
    }
    guard let last = wallAtLastTick, wall > last else { return 0 }
    return Double(lines - linesAtLastTick) / (wall - last)
  }

  /// The summary of everything read: a partial last line counts.
  package func finish(inputName: String, format: InputFormat = .plain, isStandardInput: Bool = true) -> SummaryResult {
    precondition(!finished, "finish called twice")
    finished = true
    for box in splitters { box.splitter.finish(into: &sink) }
    var info = InputInfo(name: inputName, format: format, lines: lines)
    info.isStandardInput = isStandardInput
    let shard = sink.finishForLive()
    var scanOptions = options
    scanOptions.timeline = nil
    var result = SummaryScan.finish(shard, joiner: joiner, inputs: [info], options: scanOptions) { $1 }
    result.shard.timeline = nil
    return result
  }
}

/// A splitter in a box: splitters cannot be copied, arrays copy.
private final class SplitterBox {
  var splitter: LineSplitter
  init(maxLineBytes: Int) { splitter = LineSplitter(maxLineBytes: maxLineBytes, unwrapsContainerLines: true) }
}

extension TimelineShard {
  /// The latest minute with events, as a time (its start).
  var newestTimestamp: Int64? { minutes.keys.max().map { $0 * 60_000_000_000 } }
}
