/// The numbers rules are evaluated on, for one part of the input: per
/// accumulator, per series (a service, a route, a field value), per step
/// bucket of event time, a row of slots. Mergeable: buckets of the same
/// series and time add up whatever shard, file or core counted them, so
/// evaluation after the merge does not depend on the split.
package struct RuleShard: Sendable {
  package var tables: [SeriesTable]
  /// Events with no timestamp: counted, never in a window.
  package var untimed = 0
  /// Events more than the lateness allowance older than the newest event
  /// read before them in the same input (see `LatenessTracker`).
  package var late = 0
  package var counters: [CounterTable]
  /// The earliest and latest event time seen.
  package var firstTimestamp = Int64.max
  package var lastTimestamp = Int64.min
  /// What lateness at the start of each work unit needs from the units
  /// before it (see `settleLateness`).
  package var edges: [UnitEdge] = []

  /// One work unit's newest event time and its oldest events that were not
  /// late within the unit: those are late if an earlier unit of the same
  /// input had an event more than the allowance newer.
  package struct UnitEdge: Sendable {
    package var input: Int
    package var unit: Int
    package var newest: Int64
    /// The oldest such times, at most `UnitEdge.kept`.
    package var oldest: [Int64]
    package static let kept = 1024
  }

  /// Counts the events that are late only against earlier units of their
  /// input, so the count does not depend on how inputs were split.
  package mutating func settleLateness(allowance: Int64) {
    var newest: [Int: Int64] = [:]
    for edge in edges.sorted(by: { $0.unit < $1.unit }) {
      if let before = newest[edge.input] {
        late += edge.oldest.filter { $0 < before &- allowance }.count
      }
      newest[edge.input] = max(newest[edge.input] ?? .min, edge.newest)
    }
    edges = []
  }

  /// An empty shard of no rules.
  package init() {
    tables = []
    counters = []
  }

  package init(plan: RulePlan, limits: SummaryLimits) {
    let cellsPerTable = limits.maxRuleCells / max(1, plan.accumulators.count)
    tables = plan.accumulators.map {
      SeriesTable(accumulator: $0, maxSeries: limits.maxRuleSeries, maxCells: cellsPerTable)
    }
    counters = plan.counters.map { _ in CounterTable(maxGroups: limits.maxCounterGroups) }
  }

  /// Fills the tables that hold the totals of another (see
  /// `RulePlan.totalsOf`): their counts, per bucket, are the sums of its
  /// series'.
  package mutating func fillTotals(_ plan: RulePlan) {
    for (index, source) in plan.totalsOf.enumerated() {
      guard let source, index < tables.count else { continue }
      tables[index].fillTotals(of: tables[source])
    }
  }

  /// Drops every table's buckets before `bucket` (see `SeriesTable.prune`).
  package mutating func prune(before bucket: Int64) {
    for index in tables.indices { tables[index].prune(before: bucket) }
  }

  package mutating func merge(_ other: RuleShard) {
    for index in tables.indices { tables[index].merge(other.tables[index]) }
    for index in counters.indices { counters[index].merge(other.counters[index]) }
    untimed += other.untimed
    late += other.late
    edges += other.edges
    firstTimestamp = min(firstTimestamp, other.firstTimestamp)
    lastTimestamp = max(lastTimestamp, other.lastTimestamp)
  }
}

/// Cells of one accumulator: (series, bucket) -> a row of slots.
package struct SeriesTable: Sendable {
  let accumulator: RulePlan.Accumulator
  let maxSeries: Int
  /// Series names: "" for the overall scope.
  package private(set) var names = Interner()
  /// The series of each summary scope index (services, routes), -1 unknown.
  private var seriesOfScope: [Int32] = []
  /// Per summary scope index, the bucket of its last event and that
  /// bucket's cell: most events need neither the series nor the cell looked
  /// up.
  private var scopeBucket: [Int64] = []
  private var scopeCell: [Int32] = []
  /// Per series, the bucket last written and its cell (logs are mostly in
  /// time order, so most events skip the dictionary).
  private var currentBucket: [Int64] = []
  private var currentCell: [Int32] = []
  private var cellOf: [CellKey: Int32] = [:]
  package private(set) var keys: [CellKey] = []
  /// Slots of every cell, `accumulator.slotCount` per cell.
  package private(set) var values: [Double] = []
  /// Quantile sketches, `accumulator.sketchCount` per cell.
  package private(set) var sketches: [LogSketch] = []
  /// Most recent error times, per cell when the accumulator keeps trails.
  package private(set) var trails: [ErrorTrail] = []
  /// Events of series beyond the cap, counted into "(other)".
  package private(set) var folded = 0
  /// Cells this table may still make, and events turned away once none
  /// were left (they are in the summary, not in any rule's window).
  private var cellBudget: Int
  package private(set) var dropped = 0

  /// An event turned away: the table had no cell left for it.
  mutating func drop() { dropped &+= 1 }

  package struct CellKey: Hashable, Sendable {
    package var series: Int32
    package var bucket: Int64
  }

  init(accumulator: RulePlan.Accumulator, maxSeries: Int, maxCells: Int) {
    self.accumulator = accumulator
    self.maxSeries = maxSeries
    cellBudget = maxCells
  }

  package var seriesCount: Int { names.count }
  package func seriesName(_ id: Int) -> String { names.string(id) }
  package var slotCount: Int { accumulator.slotCount }

  /// The series of a name (a service, a route, a field value).
  @inline(__always)
  mutating func series(named key: UnsafeRawBufferPointer) -> Int32 {
    let (id, added, wasFolded) = names.intern(key, limit: maxSeries)
    if added {
      currentBucket.append(.min)
      currentCell.append(-1)
    }
    if wasFolded { folded &+= 1 }
    return Int32(id)
  }

  /// The series of a summary scope index, named `name` when first seen.
  @inline(__always)
  mutating func series(scopeIndex: Int, name: () -> [UInt8]) -> Int32 {
    if scopeIndex < seriesOfScope.count, seriesOfScope[scopeIndex] >= 0 { return seriesOfScope[scopeIndex] }
    let id = name().withUnsafeBytes { series(named: $0) }
    while seriesOfScope.count <= scopeIndex { seriesOfScope.append(-1) }
    seriesOfScope[scopeIndex] = id
    return id
  }

  /// The cell of a summary scope's series for `bucket` (see `cell(series:bucket:)`).
  @inline(__always)
  mutating func cell(scopeIndex: Int, bucket: Int64, name: () -> [UInt8]) -> Int? {
    if scopeIndex < scopeBucket.count && scopeBucket[scopeIndex] == bucket { return Int(scopeCell[scopeIndex]) }
    let series = series(scopeIndex: scopeIndex, name: name)
    guard let cell = cell(series: series, bucket: bucket) else { return nil }
    while scopeBucket.count <= scopeIndex {
      scopeBucket.append(.min)
      scopeCell.append(-1)
    }
    scopeBucket[scopeIndex] = bucket
    scopeCell[scopeIndex] = Int32(cell)
    return cell
  }

  /// The cell of (series, bucket), made on first use; nil when the table
  /// has no cells left (unless `force`: merging never drops).
  @inline(__always)
  mutating func cell(series: Int32, bucket: Int64, force: Bool = false) -> Int? {
    let s = Int(series)
    if currentBucket[s] == bucket { return Int(currentCell[s]) }
    let key = CellKey(series: series, bucket: bucket)
    let cell: Int32
    if let existing = cellOf[key] {
      cell = existing
    } else {
      guard cellBudget > 0 || force else { return nil }
      cellBudget -= 1
      cell = addCell(key)
    }
    currentBucket[s] = bucket
    currentCell[s] = cell
    return Int(cell)
  }

  private mutating func addCell(_ key: CellKey) -> Int32 {
    let cell = Int32(keys.count)
    keys.append(key)
    cellOf[key] = cell
    for slot in 0..<accumulator.slotCount { values.append(Self.initial(slot, accumulator)) }
    for _ in 0..<accumulator.sketchCount { sketches.append(LogSketch()) }
    if accumulator.trail { trails.append(ErrorTrail()) }
    return cell
  }

  /// Slots start at 0, except each field's max (-inf) and min (+inf).
  static func initial(_ slot: Int, _ accumulator: RulePlan.Accumulator) -> Double {
    for field in accumulator.fields {
      if slot == field.base + 2 { return -.infinity }
      if slot == field.base + 3 { return .infinity }
    }
    return 0
  }

  /// Counts one event into its cell when the accumulator keeps only the
  /// event and error counts (a rate over all events).
  @inline(__always)
  mutating func count(cell: Int, isError: Bool, slotCount: Int) {
    values.withUnsafeMutableBufferPointer { slots in
      let row = slots.baseAddress! + cell &* slotCount
      row[0] += 1
      if isError { row[1] += 1 }
    }
  }

  /// Counts one event into its cell (`code` is this table's accumulator
  /// in `program`).
  @inline(__always)
  mutating func add(
    _ view: EventView, cell: Int, counterMatches: UInt64, code: RuleProgram.AccumulatorCode, program: RuleProgram
  ) {
    let base = cell &* Int(code.slotCount)
    let isError = view.isError
    // One borrow of `values` for the whole row: each
    // `withUnsafeMutableBufferPointer` checks that the array is unique.
    // The first sketched field's value is kept for after the closure; a
    // second sketched field (rare) sends the sketches through a second pass.
    var sketch: (index: Int32, value: Double) = (-1, 0)
    let moreSketches = values.withUnsafeMutableBufferPointer { slots -> Bool in
      let row = slots.baseAddress! + base
      row[0] += 1
      if isError { row[1] += 1 }
      var position = 0
      while position < Int(code.counterCount) {
        let counter = program.accumulatorCounters[Int(code.counterFirst) &+ position]
        if counterMatches & (1 << UInt64(counter)) != 0 { row[2 &+ position] += 1 }
        position &+= 1
      }
      var moreSketches = false
      var index = Int(code.fieldFirst)
      let end = Int(code.fieldFirst &+ code.fieldCount)
      while index < end {
        let field = program.fields[index]
        index &+= 1
        guard let value = view.number(field.field) else { continue }
        let at = row + Int(field.base)
        at[0] += 1
        at[1] += value
        if value > at[2] { at[2] = value }
        if value < at[3] { at[3] = value }
        var t = Int(field.thresholdFirst)
        let last = Int(field.thresholdFirst &+ field.thresholdCount)
        // Counted without a branch: whether a latency is under a
        // threshold is a coin toss for the thresholds near its typical
        // value, and a branch on it was mispredicted as often.
        while t < last {
          let threshold = program.thresholds[t]
          row[Int(threshold.slot)] += value <= threshold.value ? 1 : 0
          row[Int(threshold.slot) &+ 1] += value < threshold.value ? 1 : 0
          t &+= 1
        }
        if field.sketch >= 0 {
          if sketch.index < 0 { sketch = (field.sketch, value) } else { moreSketches = true }
        }
      }
      return moreSketches
    }
    // Outside the closure: mutating `sketches` inside it (while `values`
    // was borrowed) copied the whole sketch array on every event.
    if !moreSketches {
      if sketch.index >= 0 { sketches[cell &* Int(code.sketchCount) &+ Int(sketch.index)].add(sketch.value) }
    } else {
      var index = Int(code.fieldFirst)
      while index < Int(code.fieldFirst &+ code.fieldCount) {
        let field = program.fields[index]
        index &+= 1
        guard field.sketch >= 0, let value = view.number(field.field) else { continue }
        sketches[cell &* Int(code.sketchCount) &+ Int(field.sketch)].add(value)
      }
    }
    if code.trail, let timestamp = view.event.timestamp {
      trails[cell].add(timestamp, isError: view.isError)
    }
  }

  mutating func merge(_ other: SeriesTable) {
    var mapped: [Int32] = []
    for id in 0..<other.names.count {
      mapped.append(Array(other.names.key(id)).withUnsafeBytes { series(named: $0) })
    }
    for (cell, key) in other.keys.enumerated() {
      let mine = self.cell(series: mapped[Int(key.series)], bucket: key.bucket, force: true)!
      let (a, b) = (mine * slotCount, cell * slotCount)
      for slot in 0..<slotCount {
        values[a + slot] = Self.combine(slot, values[a + slot], other.values[b + slot], accumulator)
      }
      for sketch in 0..<accumulator.sketchCount {
        sketches[mine * accumulator.sketchCount + sketch].merge(other.sketches[cell * accumulator.sketchCount + sketch])
      }
      if accumulator.trail { trails[mine].merge(other.trails[cell]) }
    }
    folded += other.folded
    dropped += other.dropped
  }

  /// Becomes the overall table of `source`'s counts: one series, whose
  /// cell of each bucket has the sum of the events and errors of
  /// `source`'s cells of that bucket (this table keeps only those two).
  /// Events `source` turned away for want of cells are turned away here too.
  mutating func fillTotals(of source: SeriesTable) {
    var totals = SeriesTable(accumulator: accumulator, maxSeries: maxSeries, maxCells: 0)
    let series = [UInt8]().withUnsafeBytes { totals.series(named: $0) }
    for (cell, key) in source.keys.enumerated() {
      let mine = totals.cell(series: series, bucket: key.bucket, force: true)!
      totals.values[mine &* 2] += source.values[cell &* source.slotCount]
      totals.values[mine &* 2 &+ 1] += source.values[cell &* source.slotCount &+ 1]
    }
    totals.dropped = source.dropped
    self = totals
  }

  /// Drops the cells of buckets before `bucket` (a live stream keeps only
  /// what some rule's window can still reach), giving their budget back.
  mutating func prune(before bucket: Int64) {
    guard keys.contains(where: { $0.bucket < bucket }) else { return }
    var kept = SeriesTable(accumulator: accumulator, maxSeries: maxSeries, maxCells: 0)
    kept.names = names
    kept.seriesOfScope = seriesOfScope
    kept.currentBucket = [Int64](repeating: .min, count: currentBucket.count)
    kept.currentCell = [Int32](repeating: -1, count: currentCell.count)
    kept.folded = folded
    kept.dropped = dropped
    var removed = 0
    for (cell, key) in keys.enumerated() {
      guard key.bucket >= bucket else {
        removed += 1
        continue
      }
      let mine = kept.addCell(key)
      let (a, b) = (Int(mine) * slotCount, cell * slotCount)
      for slot in 0..<slotCount { kept.values[a + slot] = values[b + slot] }
      for sketch in 0..<accumulator.sketchCount {
        kept.sketches[Int(mine) * accumulator.sketchCount + sketch] = sketches[cell * accumulator.sketchCount + sketch]
      }
      if accumulator.trail { kept.trails[Int(mine)] = trails[cell] }
    }
    kept.cellBudget = cellBudget + removed
    self = kept
  }

  static func combine(_ slot: Int, _ a: Double, _ b: Double, _ accumulator: RulePlan.Accumulator) -> Double {
    for field in accumulator.fields {
      if slot == field.base + 2 { return max(a, b) }
      if slot == field.base + 3 { return min(a, b) }
    }
    return a + b
  }

  /// The cells of one series, by bucket.
  package func cells(of series: Int) -> [Int64: Int] {
    var result: [Int64: Int] = [:]
    for (cell, key) in keys.enumerated() where Int(key.series) == series { result[key.bucket] = cell }
    return result
  }

  package func value(cell: Int, slot: Int) -> Double { values[cell * slotCount + slot] }
  package func sketch(cell: Int, _ index: Int) -> LogSketch { sketches[cell * accumulator.sketchCount + index] }
  package func trail(cell: Int) -> ErrorTrail { trails[cell] }
}

/// A histogram of values in logarithmic buckets, 16 per power of two
/// (a bucket is at most 6.3% wide): what a windowed quantile's *value* is
/// read from. Whether a quantile is above a threshold is decided exactly,
/// from counts (see `RuleEvaluator`).
package struct LogSketch: Sendable {
  private var first: Int32 = 0
  private var counts: [UInt32] = []
  /// Values of zero or below.
  private var nonPositive: UInt32 = 0

  package init() {}

  /// Values counted.
  package var total: Int { counts.reduce(Int(nonPositive)) { $0 + Int($1) } }

  @inline(__always)
  static func index(_ value: Double) -> Int32 { Int32(truncatingIfNeeded: value.bitPattern >> 48) }
  static func lowerBound(_ index: Int32) -> Double { Double(bitPattern: UInt64(index) << 48) }

  @inline(__always)
  package mutating func add(_ value: Double, count: UInt32 = 1) {
    guard value > 0, value.isFinite else {
      nonPositive &+= count
      return
    }
    let index = Self.index(value)
    if counts.isEmpty {
      first = index
      counts = [count]
      return
    }
    if index < first {
      counts.insert(contentsOf: [UInt32](repeating: 0, count: Int(first - index)), at: 0)
      first = index
    } else if Int(index - first) >= counts.count {
      counts.append(contentsOf: [UInt32](repeating: 0, count: Int(index - first) - counts.count + 1))
    }
    counts[Int(index - first)] &+= count
  }

  /// Adds the counts of `other`, bucket by bucket, growing the buckets at
  /// most once (merging is what reading a windowed quantile does, for
  /// every evaluation).
  package mutating func merge(_ other: LogSketch) {
    nonPositive &+= other.nonPositive
    guard !other.counts.isEmpty else { return }
    guard !counts.isEmpty else {
      (first, counts) = (other.first, other.counts)
      return
    }
    let low = min(first, other.first)
    let high = max(first + Int32(counts.count), other.first + Int32(other.counts.count))
    if low < first || high > first + Int32(counts.count) {
      var grown = [UInt32](repeating: 0, count: Int(high - low))
      let shift = Int(first - low)
      for (offset, count) in counts.enumerated() { grown[shift + offset] = count }
      (first, counts) = (low, grown)
    }
    let shift = Int(other.first - first)
    counts.withUnsafeMutableBufferPointer { counts in
      for (offset, count) in other.counts.enumerated() { counts[shift + offset] &+= count }
    }
  }

  /// The bucket holding the value of rank `rank` (1-based): its bounds, or
  /// (0, 0) when that value is zero or below.
  package func bucket(ofRank rank: Int) -> (low: Double, high: Double)? {
    var seen = Int(nonPositive)
    if rank <= seen { return (0, 0) }
    for (offset, count) in counts.enumerated() {
      seen += Int(count)
      if rank <= seen {
        let index = first + Int32(offset)
        return (Self.lowerBound(index), Self.lowerBound(index + 1))
      }
    }
    return nil
  }
}

/// The most recent error events of a cell after its last non-error event:
/// enough to count errors in a row across cells and shards.
package struct ErrorTrail: Sendable {
  package static let cap = 64
  /// The latest non-error event's time.
  package private(set) var lastOK = Int64.min
  /// Times of error events after `lastOK`, the latest `cap` of them.
  package private(set) var errors: [Int64] = []
  /// Errors after `lastOK` (the list keeps at most `cap`).
  package private(set) var errorCount = 0

  mutating func add(_ timestamp: Int64, isError: Bool) {
    if isError {
      guard timestamp > lastOK else { return }
      errors.append(timestamp)
      errorCount += 1
      if errors.count > 2 * Self.cap { trim() }
    } else if timestamp > lastOK {
      lastOK = timestamp
      errors.removeAll { $0 <= timestamp }
      errorCount = errors.count
    }
  }

  private mutating func trim() {
    errors.sort(by: >)
    errors.removeLast(errors.count - Self.cap)
  }

  mutating func merge(_ other: ErrorTrail) {
    let wasCapped = errorCount > errors.count || other.errorCount > other.errors.count
    lastOK = max(lastOK, other.lastOK)
    errors = (errors + other.errors).filter { $0 > lastOK }
    errorCount = errors.count
    if errors.count > Self.cap { trim() }
    // A capped trail lost older errors: the count stays at least the cap.
    if wasCapped { errorCount = max(errorCount, Self.cap) }
  }

  /// Errors in a row at the end of the cell, and whether the cell had a
  /// non-error event (the run stops there).
  package var run: (count: Int, stopped: Bool) { (min(errorCount, Self.cap), lastOK != .min) }
}
