/// A rule's state, as alerting systems name them.
package enum AlertState: String, Sendable {
  case inactive, pending, firing, resolved
}

/// One state change of one series of one rule.
package struct AlertTransition: Sendable, Equatable {
  package var rule: Int
  /// The series' scope value ("payment-service"), nil for the overall scope.
  package var series: String?
  package var state: AlertState
  /// The evaluation time (the end of the window), UTC nanoseconds.
  package var at: Int64
  package var value: Double?
  package var threshold: Double
}

/// One time a series of a rule fired: from the first true evaluation to
/// the resolution (nil: still firing when the input ended).
package struct AlertEpisode: Sendable, Equatable {
  package var rule: Int
  package var series: String?
  /// The first evaluation whose condition was true (the start of pending).
  package var start: Int64
  package var fired: Int64
  package var resolved: Int64?
  /// The most extreme value while pending or firing, and when.
  package var peak: Double
  package var peakAt: Int64
  /// Evaluations while firing.
  package var firingEvaluations = 0
}

/// What evaluating every rule over the merged buckets gives.
package struct RuleEvaluation: Sendable {
  package var transitions: [AlertTransition] = []
  package var episodes: [AlertEpisode] = []
  /// Evaluations made, over every rule and series.
  package var evaluations = 0
}

/// Evaluates rules over a merged `RuleShard`, like a Prometheus rule
/// group on event time: at t = the end of every step bucket from a series'
/// first bucket to the input's last, the metric over [t - window, t).
/// docs/rules.md states the semantics; tests pin them.
package enum RuleEvaluator {
  package static func evaluate(_ plan: RulePlan, _ shard: RuleShard) -> RuleEvaluation {
    var result = RuleEvaluation()
    guard shard.firstTimestamp <= shard.lastTimestamp else { return result }
    let lastBucket = floorDiv(shard.lastTimestamp, plan.step)
    // Cells of each series, by bucket, per accumulator.
    var cellsByTable: [[[Int64: Int]]] = []
    for table in shard.tables {
      var perSeries = [[Int64: Int]](repeating: [:], count: table.seriesCount)
      for (cell, key) in table.keys.enumerated() { perSeries[Int(key.series)][key.bucket] = cell }
      cellsByTable.append(perSeries)
    }
    for (ruleIndex, rule) in plan.rules.enumerated() {
      let tableIndex = plan.ruleAccumulator[ruleIndex]
      let table = shard.tables[tableIndex]
      for series in 0..<table.seriesCount {
        let cells = cellsByTable[tableIndex][series]
        guard let firstBucket = cells.keys.min() else { continue }
        let name = rule.scope == .overall ? nil : table.seriesName(series)
        var run = SeriesRun(
          plan: plan, rule: rule, ruleIndex: ruleIndex, table: table, cells: cells, series: name,
          first: shard.firstTimestamp, last: shard.lastTimestamp)
        run.evaluate(from: firstBucket, to: lastBucket, into: &result)
      }
    }
    result.transitions.sort { a, b in
      if a.at != b.at { return a.at < b.at }
      if a.rule != b.rule { return a.rule < b.rule }
      return (a.series ?? "") < (b.series ?? "")
    }
    result.episodes.sort { a, b in
      if a.start != b.start { return a.start < b.start }
      if a.rule != b.rule { return a.rule < b.rule }
      return (a.series ?? "") < (b.series ?? "")
    }
    return result
  }
}

@inline(__always)
package func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
  a >= 0 ? a / b : -((-a + b - 1) / b)
}

/// Evaluates one rule over one series, step by step.
private struct SeriesRun {
  let plan: RulePlan
  let rule: Rule
  let ruleIndex: Int
  let table: SeriesTable
  let cells: [Int64: Int]
  let series: String?
  /// The input's first and last event time.
  let first: Int64
  let last: Int64
  let accumulator: RulePlan.Accumulator
  let windowBuckets: Int64
  let baselineBuckets: Int64
  /// A count or rate rule with `min_samples: 0` ("no traffic"): it can hold
  /// on an empty window, so no stretch of the series may be skipped.
  let holdsWhenEmpty: Bool

  init(
    plan: RulePlan, rule: Rule, ruleIndex: Int, table: SeriesTable, cells: [Int64: Int], series: String?,
    first: Int64, last: Int64
  ) {
    self.plan = plan
    self.rule = rule
    self.ruleIndex = ruleIndex
    self.table = table
    self.cells = cells
    self.series = series
    self.first = first
    self.last = last
    accumulator = table.accumulator
    windowBuckets = max(1, (rule.window + plan.step - 1) / plan.step)
    baselineBuckets = rule.baseline.map { max(1, ($0 + plan.step - 1) / plan.step) } ?? 0
    switch rule.metric {
    case .count, .rate: holdsWhenEmpty = rule.minSamples == 0 && rule.baseline == nil
    default: holdsWhenEmpty = false
    }
  }

  /// Sums of the additive slots over a run of buckets, slid one at a time.
  struct Window {
    var sums: [Double]
    var low: Int64
    var high: Int64  // exclusive

    init(slots: Int, low: Int64) {
      sums = [Double](repeating: 0, count: slots)
      self.low = low
      high = low
    }
  }

  func slide(_ window: inout Window, to low: Int64, _ high: Int64) {
    // Past a gap: start again (a gap of years costs nothing).
    if low >= window.high {
      for slot in window.sums.indices { window.sums[slot] = 0 }
      window.low = low
      window.high = low
    }
    while window.high < high {
      if let cell = cells[window.high] { add(&window, cell, 1) }
      window.high += 1
    }
    while window.low < low {
      if let cell = cells[window.low] { add(&window, cell, -1) }
      window.low += 1
    }
  }

  func add(_ window: inout Window, _ cell: Int, _ sign: Double) {
    for slot in 0..<accumulator.slotCount { window.sums[slot] += sign * table.value(cell: cell, slot: slot) }
  }

  mutating func evaluate(from firstBucket: Int64, to lastBucket: Int64, into result: inout RuleEvaluation) {
    var window = Window(slots: accumulator.slotCount, low: firstBucket - windowBuckets + 1)
    var base = Window(slots: accumulator.slotCount, low: firstBucket - windowBuckets - baselineBuckets + 1)
    var state = AlertState.inactive
    var activeAt: Int64 = 0
    var lastTrue: Int64 = 0
    var episode: AlertEpisode?
    let step = plan.step
    // The series' buckets in order, to skip stretches where nothing can
    // change: a quiet rule over an empty window (and baseline) stays quiet.
    let occupied = cells.keys.sorted()
    var nextOccupied = 0
    var bucket = firstBucket - 1
    while true {
      bucket += 1
      while nextOccupied < occupied.count && occupied[nextOccupied] < bucket - windowBuckets - baselineBuckets {
        nextOccupied += 1
      }
      if state != .firing && state != .pending && !holdsWhenEmpty {
        // No cell reaches this evaluation's window or baseline: jump to the
        // first evaluation one does.
        if nextOccupied == occupied.count { break }
        let reach = occupied[nextOccupied]
        if reach > bucket { bucket = reach }
      }
      guard bucket <= lastBucket else { break }
      let t = (bucket + 1) * step
      slide(&window, to: bucket - windowBuckets + 1, bucket + 1)
      var baselineValue: Double?
      if rule.baseline != nil {
        slide(&base, to: bucket - windowBuckets - baselineBuckets + 1, bucket - windowBuckets + 1)
        baselineValue = baseline(base, t: t)
      }
      result.evaluations += 1
      let condition =
        state == .firing
        ? rule.resolveThreshold.map { rule.condition.with(threshold: $0) } ?? rule.condition
        : rule.condition
      let holds = self.holds(condition, window, baselineValue, t: t, bucket: bucket)
      func emit(_ newState: AlertState) {
        result.transitions.append(
          AlertTransition(
            rule: ruleIndex, series: series, state: newState, at: t,
            value: value(window, baselineValue, t: t, bucket: bucket, given: holds ? condition : nil),
            threshold: rule.condition.threshold))
      }
      func notePeak() {
        guard let value = value(window, baselineValue, t: t, bucket: bucket, given: holds ? condition : nil)
        else { return }
        if episode == nil || isMoreExtreme(value, than: episode!.peak) {
          episode =
            episode ?? AlertEpisode(rule: ruleIndex, series: series, start: activeAt, fired: t, peak: value, peakAt: t)
          episode!.peak = value
          episode!.peakAt = t
        }
      }
      func fire() {
        state = .firing
        episode?.fired = t
        episode?.firingEvaluations = 1
        emit(.firing)
      }
      switch state {
      case .inactive, .resolved:
        guard holds else { continue }
        activeAt = t
        lastTrue = t
        episode = nil
        notePeak()
        if rule.forDuration <= 0 {
          fire()
        } else {
          state = .pending
          emit(.pending)
        }
      case .pending:
        if holds {
          lastTrue = t
          notePeak()
          if t - activeAt >= rule.forDuration { fire() }
        } else {
          state = .inactive
          episode = nil
          emit(.inactive)
        }
      case .firing:
        if holds {
          lastTrue = t
          notePeak()
          episode?.firingEvaluations += 1
        } else if t - lastTrue >= rule.keepFiringFor {
          state = .inactive
          emit(.resolved)
          if var done = episode {
            done.resolved = t
            result.episodes.append(done)
          }
          episode = nil
        } else {
          episode?.firingEvaluations += 1
        }
      }
    }
    if state == .firing, let open = episode { result.episodes.append(open) }
  }

  func isMoreExtreme(_ value: Double, than peak: Double) -> Bool {
    switch rule.condition {
    case .less, .lessOrEqual: return value < peak
    case .outside(let low, let high): return Swift.max(low - value, value - high) > Swift.max(low - peak, peak - high)
    default: return value > peak
    }
  }

  /// Seconds of [t - window, t) the input covers (rates are per covered second).
  func covered(from start: Int64, to end: Int64) -> Double {
    let low = Swift.max(start, first)
    let high = Swift.min(end, last + 1)
    return high > low ? Double(high - low) / 1e9 : 0
  }

  func samples(_ window: Window) -> Double {
    if let field = rule.metric.field { return window.sums[accumulator.fieldSlots(field)!.base] }
    return window.sums[0]
  }

  /// The count a count/rate metric counts.
  func counted(_ window: Window) -> Double {
    switch rule.metric.counter {
    case nil, "requests", "events": return window.sums[0]
    case "errors": return window.sums[1]
    case let name?:
      let counter = plan.counters.firstIndex { $0.name == name }!
      return window.sums[accumulator.counterSlot(counter)!]
    }
  }

  /// The baseline's value, or nil when it does not cover enough of the
  /// input (it must lie wholly after the input's first bucket) or has too
  /// few samples.
  func baseline(_ window: Window, t: Int64) -> Double? {
    let start = t - rule.window - rule.baseline!
    guard start >= floorDiv(first, plan.step) * plan.step, samples(window) >= Double(rule.minSamples) else {
      return nil
    }
    return plainValue(window, start: start, end: t - rule.window, bucket: nil)
  }

  func holds(_ condition: Condition, _ window: Window, _ baselineValue: Double?, t: Int64, bucket: Int64) -> Bool {
    if rule.baseline != nil {
      guard let baselineValue, let value = plainValue(window, start: t - rule.window, end: t, bucket: bucket) else {
        return false
      }
      return condition.holds(ratio(value, baselineValue))
    }
    guard holdsWhenEmpty || (samples(window) >= Double(rule.minSamples) && samples(window) > 0) else { return false }
    if case .quantile(let q, let field) = rule.metric {
      return quantileHolds(condition, q: q, window, accumulator.fieldSlots(field)!)
    }
    guard let value = plainValue(window, start: t - rule.window, end: t, bucket: bucket) else { return false }
    return condition.holds(value)
  }

  func ratio(_ value: Double, _ baseline: Double) -> Double {
    if baseline == 0 { return value == 0 ? 1 : .infinity }
    return value / baseline
  }

  /// Exact: the nearest-rank quantile of n values is above t exactly when
  /// fewer than rank(q, n) values are at most t.
  func quantileHolds(_ condition: Condition, q: Double, _ window: Window, _ slots: RulePlan.Accumulator.FieldSlots)
    -> Bool
  {
    let n = window.sums[slots.base]
    let rank = Self.rank(q, n)
    func atMost(_ t: Double) -> Double { window.sums[slots.thresholds.first { $0.value == t }!.slot] }
    func below(_ t: Double) -> Double { window.sums[slots.thresholds.first { $0.value == t }!.slot + 1] }
    switch condition {
    case .greater(let t): return atMost(t) < rank
    case .greaterOrEqual(let t): return below(t) < rank
    case .less(let t): return below(t) >= rank
    case .lessOrEqual(let t): return atMost(t) >= rank
    case .outside(let low, let high): return below(low) >= rank || atMost(high) < rank
    }
  }

  static func rank(_ q: Double, _ n: Double) -> Double { Swift.max(1, (q * n).rounded(.up)) }

  /// The metric over buckets of [start, end) (the window or the baseline),
  /// with quantiles estimated.
  func plainValue(_ window: Window, start: Int64, end: Int64, bucket: Int64?) -> Double? {
    let sums = window.sums
    switch rule.metric {
    case .errorRate: return sums[0] > 0 ? sums[1] / sums[0] : nil
    case .availability: return sums[0] > 0 ? 1 - sums[1] / sums[0] : nil
    case .count:
      if rule.baseline != nil {
        let seconds = covered(from: start, to: end)
        return seconds > 0 ? counted(window) / seconds : nil
      }
      return counted(window)
    case .rate:
      let seconds = covered(from: start, to: end)
      return seconds > 0 ? counted(window) / seconds : nil
    case .sum(let field): return sums[accumulator.fieldSlots(field)!.base + 1]
    case .average(let field):
      let slots = accumulator.fieldSlots(field)!
      return sums[slots.base] > 0 ? sums[slots.base + 1] / sums[slots.base] : nil
    case .maximum(let field):
      return extreme(window, accumulator.fieldSlots(field)!.base + 2, larger: true)
    case .minimum(let field):
      return extreme(window, accumulator.fieldSlots(field)!.base + 3, larger: false)
    case .quantile(let q, let field):
      return estimate(q: q, window, accumulator.fieldSlots(field)!, given: nil)
    case .consecutiveErrors:
      guard let bucket else { return nil }
      return Double(consecutiveErrors(endingAt: bucket))
    }
  }

  /// The value reported for an evaluation; for quantiles, the estimate is
  /// narrowed by what the exact decision showed.
  func value(_ window: Window, _ baselineValue: Double?, t: Int64, bucket: Int64, given condition: Condition?)
    -> Double?
  {
    if rule.baseline != nil {
      guard let baselineValue, let value = plainValue(window, start: t - rule.window, end: t, bucket: bucket) else {
        return nil
      }
      return ratio(value, baselineValue)
    }
    if case .quantile(let q, let field) = rule.metric {
      return estimate(q: q, window, accumulator.fieldSlots(field)!, given: condition)
    }
    return plainValue(window, start: t - rule.window, end: t, bucket: bucket)
  }

  func extreme(_ window: Window, _ slot: Int, larger: Bool) -> Double? {
    var result: Double?
    for bucket in window.low..<window.high {
      guard let cell = cells[bucket] else { continue }
      let value = table.value(cell: cell, slot: slot)
      guard value.isFinite else { continue }
      if result == nil || (larger ? value > result! : value < result!) { result = value }
    }
    return result
  }

  func estimate(q: Double, _ window: Window, _ slots: RulePlan.Accumulator.FieldSlots, given condition: Condition?)
    -> Double?
  {
    let n = window.sums[slots.base]
    guard n > 0 else { return nil }
    var merged = LogSketch()
    for bucket in window.low..<window.high {
      if let cell = cells[bucket] { merged.merge(table.sketch(cell: cell, slots.sketch!)) }
    }
    let rank = Self.rank(q, n)
    // The first and last ranks are the exact extremes.
    if rank >= n, let top = extreme(window, slots.base + 2, larger: true) { return top }
    if rank <= 1, let bottom = extreme(window, slots.base + 3, larger: false) { return bottom }
    guard var (low, high) = merged.bucket(ofRank: Int(rank)) else { return nil }
    // The exact extremes and the decided side of the threshold bound it too.
    if let top = extreme(window, slots.base + 2, larger: true) { high = Swift.min(high, top) }
    if let bottom = extreme(window, slots.base + 3, larger: false) { low = Swift.max(low, bottom) }
    switch condition {
    case .greater(let t)?, .greaterOrEqual(let t)?: low = Swift.max(low, t)
    case .less(let t)?, .lessOrEqual(let t)?: high = Swift.min(high, t)
    default: break
    }
    return high >= low ? (low + high) / 2 : low
  }

  /// Error events in a row ending at the end of `bucket`, within the window.
  func consecutiveErrors(endingAt bucket: Int64) -> Int {
    var count = 0
    var current = bucket
    while current > bucket - windowBuckets {
      if let cell = cells[current] {
        let trail = table.trail(cell: cell)
        let run = trail.run
        if run.stopped { return count + run.count }
        count += Int(table.value(cell: cell, slot: 1))
      }
      current -= 1
    }
    return count
  }
}
