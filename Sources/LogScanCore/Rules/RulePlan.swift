/// A business counter: events matching a predicate, optionally grouped by
/// a field and summing a numeric field (revenue).
package struct Counter: Sendable, Equatable {
  package var name: String
  package var predicate: Predicate
  package var groupBy: FieldRef?
  package var sum: FieldRef?
  /// A built-in counter, shown only when it counted something.
  package var isDefault = false

  package init(name: String, predicate: Predicate, groupBy: FieldRef? = nil, sum: FieldRef? = nil) {
    self.name = name
    self.predicate = predicate
    self.groupBy = groupBy
    self.sum = sum
  }
}

/// What the rules and counters of a configuration need from each event,
/// laid out for the hot path: events are counted into *accumulators* (one
/// per scope and filter that some rule uses), each holding per step bucket
/// a row of numbers (*slots*) that sum, or keep a max or min, when merged.
package struct RulePlan: Sendable {
  package let rules: [Rule]
  package let counters: [Counter]
  /// Nanoseconds between evaluations, and the width of a bucket.
  package let step: Int64
  /// Events older than the newest event seen minus this are counted late.
  package let lateness: Int64
  let accumulators: [Accumulator]
  /// The accumulator of each rule.
  let ruleAccumulator: [Int]
  /// Per accumulator, the one its counts are the totals of, when it is an
  /// overall one that keeps only event and error counts and an unfiltered
  /// service accumulator counts every event too: it is filled from that
  /// one's cells (`RuleShard.fillTotals`) instead of being counted per event.
  package let totalsOf: [Int?]

  /// Slot layout of one accumulator.
  struct Accumulator: Sendable {
    let scope: RuleScope
    let filter: Predicate?
    /// Slots: 0 events, 1 errors, then per counter one (count), then per
    /// field 4 (n, sum, max, min), then per field threshold 2 (<= t, < t).
    var counters: [Int] = []
    var fields: [FieldSlots] = []
    var slotCount = 2
    /// Keeps the most recent error timestamps (consecutive_errors).
    var trail = false

    struct FieldSlots: Sendable {
      let field: FieldRef
      let base: Int
      var thresholds: [(value: Double, slot: Int)] = []
      /// Index among the accumulator's sketches, when a quantile is read.
      var sketch: Int?
    }
    var sketchCount = 0

    func counterSlot(_ counter: Int) -> Int? {
      counters.firstIndex(of: counter).map { 2 + $0 }
    }

    func fieldSlots(_ field: FieldRef) -> FieldSlots? { fields.first { $0.field == field } }
  }

  package static let defaultStep: Int64 = 60_000_000_000

  package init(rules: [Rule], counters: [Counter], step: Int64 = defaultStep, lateness: Int64 = 60_000_000_000) {
    self.rules = rules
    self.counters = counters
    self.step = step
    self.lateness = lateness
    var accumulators: [Accumulator] = []
    var ruleAccumulator: [Int] = []
    for rule in rules {
      let index =
        accumulators.firstIndex { $0.scope == rule.scope && $0.filter == rule.filter }
        ?? {
          accumulators.append(
            Accumulator(scope: rule.scope, filter: rule.filter)
          )
          return accumulators.count - 1
        }()
      ruleAccumulator.append(index)
    }
    // Counters first (their slots follow the two fixed ones), then fields.
    for (rule, index) in zip(rules, ruleAccumulator) {
      if let name = rule.metric.counter, let counter = counters.firstIndex(where: { $0.name == name }),
        !accumulators[index].counters.contains(counter)
      {
        accumulators[index].counters.append(counter)
      }
    }
    for index in accumulators.indices { accumulators[index].slotCount = 2 + accumulators[index].counters.count }
    for (rule, index) in zip(rules, ruleAccumulator) {
      if case .consecutiveErrors = rule.metric { accumulators[index].trail = true }
      guard let field = rule.metric.field else { continue }
      var accumulator = accumulators[index]
      var position = accumulator.fields.firstIndex { $0.field == field }
      if position == nil {
        accumulator.fields.append(.init(field: field, base: accumulator.slotCount))
        accumulator.slotCount += 4
        position = accumulator.fields.count - 1
      }
      if case .quantile = rule.metric {
        if accumulator.fields[position!].sketch == nil {
          accumulator.fields[position!].sketch = accumulator.sketchCount
          accumulator.sketchCount += 1
        }
        var thresholds = rule.condition.thresholds
        if let resolve = rule.resolveThreshold { thresholds.append(resolve) }
        for value in thresholds where !accumulator.fields[position!].thresholds.contains(where: { $0.value == value }) {
          accumulator.fields[position!].thresholds.append((value, accumulator.slotCount))
          accumulator.slotCount += 2
        }
      }
      accumulators[index] = accumulator
    }
    self.accumulators = accumulators
    self.ruleAccumulator = ruleAccumulator
    let everyEventByService = accumulators.firstIndex { $0.scope == .service && $0.filter == nil }
    totalsOf = accumulators.map { accumulator in
      guard accumulator.scope == .overall, accumulator.filter == nil, accumulator.slotCount == 2,
        !accumulator.trail, accumulator.sketchCount == 0
      else { return nil }
      return everyEventByService
    }
  }
}
