/// One business counter's figures: overall, per minute of event time, and
/// per group (capped; what does not fit goes to "(other)"). Mergeable.
package struct CounterTable: Sendable {
  package struct Figures: Sendable, Equatable {
    package var count = 0
    package var sum = 0.0
    /// Matching events that had a value to sum.
    package var summed = 0

    mutating func add(_ other: Figures) {
      count += other.count
      sum += other.sum
      summed += other.summed
    }
  }

  package var total = Figures()
  package private(set) var perMinute: [Int64: Figures] = [:]
  private var currentMinute = Int64.min
  private var current = Figures()
  package private(set) var groups = Interner()
  package private(set) var groupFigures: [Figures] = []
  let maxGroups: Int
  package private(set) var folded = 0
  /// Minutes kept per counter (about 70 days); matches in later new
  /// minutes are in the total and the groups, not per minute.
  static let maxMinutes = 100_000
  package private(set) var minutesDropped = 0

  init(maxGroups: Int) { self.maxGroups = maxGroups }

  @inline(__always)
  mutating func add(minute: Int64?, value: Double?, group: UnsafeRawBufferPointer?) {
    var figures = Figures(count: 1)
    if let value {
      figures.sum = value
      figures.summed = 1
    }
    total.add(figures)
    if let minute {
      if minute != currentMinute {
        spill()
        currentMinute = minute
      }
      current.add(figures)
    }
    if let group {
      let (id, added, wasFolded) = groups.intern(group, limit: maxGroups)
      if added { groupFigures.append(Figures()) }
      if wasFolded { folded += 1 }
      groupFigures[id].add(figures)
    }
  }

  private mutating func spill() {
    guard current.count > 0 else { return }
    if perMinute.count < Self.maxMinutes || perMinute[currentMinute] != nil {
      perMinute[currentMinute, default: Figures()].add(current)
    } else {
      minutesDropped += current.count
    }
    current = Figures()
  }

  mutating func merge(_ other: CounterTable) {
    spill()
    total.add(other.total)
    for (minute, figures) in other.allMinutes() { perMinute[minute, default: Figures()].add(figures) }
    minutesDropped += other.minutesDropped
    for id in 0..<other.groups.count {
      Array(other.groups.key(id)).withUnsafeBytes { key in
        let mine: Int
        if let existing = groups.find(key) {
          mine = existing
        } else {
          mine = groups.intern(key)
          groupFigures.append(Figures())
        }
        groupFigures[mine].add(other.groupFigures[id])
      }
    }
    folded += other.folded
  }

  /// Every minute with its figures.
  package func allMinutes() -> [Int64: Figures] {
    var result = perMinute
    if current.count > 0 { result[currentMinute, default: Figures()].add(current) }
    return result
  }
}
