/// The figures of one scope (the whole input, a service, a route): counts,
/// errors, a latency histogram and events per minute. Mergeable: two scopes
/// merged give the scope of the concatenated input.
package struct ScopeStats: Sendable {
  package var events = 0
  package var errors = 0
  /// Events by HTTP status class.
  package var statusClasses = StatusClassCounts()
  /// Events by exact status (100...599), allocated on the first status.
  package private(set) var statusCounts: [Int] = []
  /// Durations in nanoseconds, relative error at most 0.1%.
  private var durations = LatencyHistogram()
  /// Exact extremes of the durations (the histogram's are bucket bounds).
  package var minDuration = Int64.max
  package var maxDuration = Int64.min
  package var durationSum: Double = 0
  package var firstTimestamp = Int64.max
  package var lastTimestamp = Int64.min
  package var perMinute = MinuteCounter()
  /// Events with a timestamp (exact even when per-minute counts were capped).
  package var timedEvents = 0

  package init() {}

  @inline(__always)
  package mutating func add(_ event: Event, isError: Bool, minute: Int64?, minuteBudget: inout Int) {
    events &+= 1
    if isError { errors &+= 1 }
    if let status = event.status {
      statusClasses.add(status)
      if status >= 100 && status < 600 {
        if statusCounts.isEmpty { statusCounts = [Int](repeating: 0, count: 600) }
        statusCounts[status] &+= 1
      }
    }
    if let timestamp = event.timestamp {
      if timestamp < firstTimestamp { firstTimestamp = timestamp }
      if timestamp > lastTimestamp { lastTimestamp = timestamp }
      timedEvents &+= 1
      perMinute.add(minute!, budget: &minuteBudget)
    }
    if let duration = event.duration {
      if duration < minDuration { minDuration = duration }
      if duration > maxDuration { maxDuration = duration }
      durationSum += Double(duration)
      recordDuration(duration)
    }
  }

  @inline(__always)
  package mutating func recordDuration(_ nanos: Int64) {
    durations.record(UInt64(nanos))
  }

  /// The latency histogram, nil when no event of the scope had a duration.
  package var latency: LatencyHistogram? { durations.totalCount > 0 ? durations : nil }

  package mutating func merge(_ other: ScopeStats) {
    events += other.events
    errors += other.errors
    statusClasses.merge(other.statusClasses)
    if !other.statusCounts.isEmpty {
      if statusCounts.isEmpty {
        statusCounts = other.statusCounts
      } else {
        for index in statusCounts.indices { statusCounts[index] += other.statusCounts[index] }
      }
    }
    durations.merge(other.durations)
    minDuration = min(minDuration, other.minDuration)
    maxDuration = max(maxDuration, other.maxDuration)
    durationSum += other.durationSum
    firstTimestamp = min(firstTimestamp, other.firstTimestamp)
    lastTimestamp = max(lastTimestamp, other.lastTimestamp)
    perMinute.merge(other.perMinute)
    timedEvents += other.timedEvents
  }
}

/// Events per minute of event time. Logs are mostly in time order, so the
/// current minute is counted in a register and only spilled to the table
/// when the minute changes.
package struct MinuteCounter: Sendable {
  private var currentMinute = Int64.min
  private var currentCount = 0
  private var counts: [Int64: Int] = [:]

  package init() {}

  /// Events whose minute was not kept because the shard's budget of
  /// minute cells was spent.
  package private(set) var dropped = 0

  @inline(__always)
  package mutating func add(_ minute: Int64, budget: inout Int) {
    if minute == currentMinute {
      currentCount &+= 1
    } else {
      spill(budget: &budget)
      currentMinute = minute
      currentCount = 1
    }
  }

  private mutating func spill(budget: inout Int) {
    guard currentCount > 0 else { return }
    if let existing = counts[currentMinute] {
      counts[currentMinute] = existing + currentCount
    } else if budget > 0 {
      budget -= 1
      counts[currentMinute] = currentCount
    } else {
      dropped += currentCount
    }
    currentCount = 0
  }

  private mutating func spill() {
    var unlimited = Int.max
    spill(budget: &unlimited)
  }

  package mutating func merge(_ other: MinuteCounter) {
    spill()
    for (minute, count) in other.allCounts() { counts[minute, default: 0] += count }
    dropped += other.dropped
  }

  /// Every minute with its count.
  package func allCounts() -> [Int64: Int] {
    var result = counts
    if currentCount > 0 { result[currentMinute, default: 0] += currentCount }
    return result
  }

  /// The busiest minute and its count.
  package func peak() -> (minute: Int64, count: Int)? {
    allCounts().max { a, b in a.value < b.value || (a.value == b.value && a.key > b.key) }
      .map { ($0.key, $0.value) }
  }
}

/// Events by HTTP status class, in plain counters (no array to check for
/// uniqueness on the hot path).
package struct StatusClassCounts: Sendable, Equatable {
  package var other = 0
  package var informational = 0
  package var success = 0
  package var redirection = 0
  package var clientError = 0
  package var serverError = 0

  package init() {}

  @inline(__always)
  package mutating func add(_ status: Int) {
    switch status {
    case 200..<300: success &+= 1
    case 400..<500: clientError &+= 1
    case 500..<600: serverError &+= 1
    case 300..<400: redirection &+= 1
    case 100..<200: informational &+= 1
    default: other &+= 1
    }
  }

  package mutating func merge(_ other: StatusClassCounts) {
    self.other += other.other
    informational += other.informational
    success += other.success
    redirection += other.redirection
    clientError += other.clientError
    serverError += other.serverError
  }

  /// Non-zero classes by name ("1xx" ... "5xx", "other"), in that order.
  package var named: [(String, Int)] {
    [
      ("1xx", informational), ("2xx", success), ("3xx", redirection), ("4xx", clientError),
      ("5xx", serverError), ("other", other),
    ].filter { $0.1 > 0 }
  }
}
