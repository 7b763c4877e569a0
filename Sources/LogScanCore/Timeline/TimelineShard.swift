/// What the timeline needs beyond the summary, for one part of the input:
/// per minute of event time the events, errors and a latency sketch of the
/// whole input; errors per minute by template, service and route; the
/// distinct users of failed events per minute (as hashes, never the ids);
/// and the change events (deploys, config changes, restarts). Mergeable by
/// addition and union, like every shard.
package struct TimelineShard: Sendable {
  package struct Minute: Sendable {
    package var events = 0
    package var errors = 0
    /// Durations in nanoseconds.
    package var durations = LogSketch()

    mutating func merge(_ other: Minute) {
      events += other.events
      errors += other.errors
      durations.merge(other.durations)
    }
  }

  /// A change event, as read (the report redacts every text).
  package struct Change: Sendable {
    package var timestamp: Int64
    package var service: String
    package var action: String?
    package var message: String?
    package var level: Level
  }

  /// A name (template, service, route) in one minute.
  package struct Key: Hashable, Sendable {
    package var name: [UInt8]
    package var minute: Int64
  }

  package private(set) var minutes: [Int64: Minute] = [:]
  /// The minute being counted, kept out of the dictionary while events
  /// stay in it (logs are mostly in time order).
  private var currentMinute = Int64.min
  private var current = Minute()
  package private(set) var changes: [Change] = []
  package private(set) var templateErrors: [Key: Int] = [:]
  package private(set) var serviceErrors: [Key: Int] = [:]
  package private(set) var routeErrors: [Key: Int] = [:]
  /// Hashes of the user ids of failed events, per minute.
  package private(set) var failedUsers: [Int64: Set<UInt64>] = [:]
  /// Per service and minute the same rows as `minutes`, when kept (the
  /// live dashboard's per-service latency); the minute being counted of
  /// each service (by the sink's index) waits in a register.
  package private(set) var serviceMinutes: [Key: Minute] = [:]
  package var keepsServiceMinutes = false
  private var serviceNames: [[UInt8]] = []
  private var serviceMinute: [Int64] = []
  private var serviceRow: [Minute] = []

  /// Cells (minutes, keyed counts, user hashes, changes) this shard may
  /// still add, and what was not counted once none were left.
  private var budget: Int
  package private(set) var dropped = 0

  package static let maxChanges = 10_000
  /// Longer messages of change events are not kept (cutting one could cut
  /// a secret in two, past what the redactor recognises).
  static let maxMessageBytes = 65_536

  package init(cells: Int = 2_000_000) { budget = cells }

  /// Counts one timed event.
  @inline(__always)
  package mutating func add(minute: Int64, isError: Bool, duration: Int64?) {
    if minute != currentMinute { switchMinute(to: minute) }
    current.events &+= 1
    if isError { current.errors &+= 1 }
    if let duration { current.durations.add(Double(duration)) }
  }

  private mutating func switchMinute(to minute: Int64) {
    spill()
    currentMinute = minute
    current = minutes.removeValue(forKey: minute) ?? Minute()
  }

  private mutating func spill() {
    guard currentMinute != .min else { return }
    if minutes[currentMinute] == nil {
      guard budget > 0 else {
        dropped += current.events
        current = Minute()
        return
      }
      budget -= 1
    }
    minutes[currentMinute] = current
    current = Minute()
  }

  /// Counts a timed event into its service's minute row.
  @inline(__always)
  package mutating func add(
    service: Int, named name: () -> [UInt8], minute: Int64, isError: Bool, duration: Int64?
  ) {
    if service >= serviceNames.count {
      while serviceNames.count <= service {
        serviceNames.append([])
        serviceMinute.append(.min)
        serviceRow.append(Minute())
      }
      serviceNames[service] = name()
    }
    if serviceMinute[service] != minute {
      spillService(service)
      serviceMinute[service] = minute
      serviceRow[service] =
        serviceMinutes.removeValue(forKey: Key(name: serviceNames[service], minute: minute)) ?? Minute()
    }
    serviceRow[service].events &+= 1
    if isError { serviceRow[service].errors &+= 1 }
    if let duration { serviceRow[service].durations.add(Double(duration)) }
  }

  private mutating func spillService(_ service: Int) {
    guard serviceMinute[service] != .min else { return }
    let key = Key(name: serviceNames[service], minute: serviceMinute[service])
    if serviceMinutes[key] == nil {
      guard budget > 0 else {
        dropped += serviceRow[service].events
        serviceMinute[service] = .min
        return
      }
      budget -= 1
    }
    serviceMinutes[key] = serviceRow[service]
    serviceMinute[service] = .min
  }

  private mutating func spillServices() {
    for service in serviceMinute.indices { spillService(service) }
  }

  /// Counts a failed event's template, service, route and user.
  package mutating func addError(
    minute: Int64, template: UnsafeRawBufferPointer, service: UnsafeRawBufferPointer,
    route: UnsafeRawBufferPointer?, user: UnsafeRawBufferPointer?
  ) {
    Self.count(&templateErrors, Key(name: Array(template), minute: minute), &budget, &dropped)
    Self.count(&serviceErrors, Key(name: Array(service), minute: minute), &budget, &dropped)
    if let route { Self.count(&routeErrors, Key(name: Array(route), minute: minute), &budget, &dropped) }
    if let user, !user.isEmpty {
      let hash = Self.hash(user)
      if failedUsers[minute]?.contains(hash) != true {
        guard budget > 0 else {
          dropped += 1
          return
        }
        budget -= 1
        failedUsers[minute, default: []].insert(hash)
      }
    }
  }

  private static func count(_ table: inout [Key: Int], _ key: Key, _ budget: inout Int, _ dropped: inout Int) {
    let amount = 1
    if let existing = table[key] {
      table[key] = existing + amount
    } else if budget > 0 {
      budget -= 1
      table[key] = amount
    } else {
      dropped += amount
    }
  }

  package mutating func addChange(
    timestamp: Int64, service: UnsafeRawBufferPointer, action: UnsafeRawBufferPointer?,
    message: UnsafeRawBufferPointer?, level: Level
  ) {
    guard changes.count < Self.maxChanges else {
      dropped += 1
      return
    }
    changes.append(
      Change(
        timestamp: timestamp, service: makeString(service), action: action.map(makeString),
        message: message.flatMap { $0.count <= Self.maxMessageBytes ? makeString($0) : nil }, level: level))
  }

  /// Drops what is older than `minute` (a live stream keeps the last few
  /// minutes), giving the cells back.
  package mutating func prune(before minute: Int64) {
    spill()
    spillServices()
    let services = serviceMinutes.count
    serviceMinutes = serviceMinutes.filter { $0.key.minute >= minute }
    budget += services - serviceMinutes.count
    currentMinute = .min
    let before =
      minutes.count + templateErrors.count + serviceErrors.count + routeErrors.count
      + failedUsers.values.reduce(0) { $0 + $1.count }
    minutes = minutes.filter { $0.key >= minute }
    templateErrors = templateErrors.filter { $0.key.minute >= minute }
    serviceErrors = serviceErrors.filter { $0.key.minute >= minute }
    routeErrors = routeErrors.filter { $0.key.minute >= minute }
    failedUsers = failedUsers.filter { $0.key >= minute }
    let cutoff = minute * 60_000_000_000
    changes.removeAll { $0.timestamp < cutoff }
    budget +=
      before
      - (minutes.count + templateErrors.count + serviceErrors.count + routeErrors.count
        + failedUsers.values.reduce(0) { $0 + $1.count })
  }

  /// Events, errors and latency percentiles (milliseconds, from the
  /// merged sketches) of the minutes in `range`.
  package func figures(_ range: ClosedRange<Int64>, service: [UInt8]? = nil) -> (
    events: Int, errors: Int, p50: Double?, p95: Double?, p99: Double?
  ) {
    var events = 0
    var errors = 0
    var sketch = LogSketch()
    for minute in range {
      guard let row = service.map({ serviceMinutes[Key(name: $0, minute: minute)] }) ?? minutes[minute] else {
        continue
      }
      events += row.events
      errors += row.errors
      sketch.merge(row.durations)
    }
    let total = sketch.total
    func quantile(_ q: Double) -> Double? {
      guard total > 0, let bucket = sketch.bucket(ofRank: max(1, Int((q * Double(total)).rounded(.up)))) else {
        return nil
      }
      return (bucket.low + bucket.high) / 2 / 1e6
    }
    return (events, errors, quantile(0.5), quantile(0.95), quantile(0.99))
  }

  /// FNV-1a, 64 bits: users are counted by hash, never kept.
  static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
  }

  package mutating func merge(_ other: TimelineShard) {
    spill()
    spillServices()
    currentMinute = .min
    var theirs = other
    theirs.spill()
    theirs.spillServices()
    for (key, row) in theirs.serviceMinutes { serviceMinutes[key, default: Minute()].merge(row) }
    for (minute, row) in theirs.minutes { minutes[minute, default: Minute()].merge(row) }
    for (key, value) in theirs.templateErrors { templateErrors[key, default: 0] += value }
    for (key, value) in theirs.serviceErrors { serviceErrors[key, default: 0] += value }
    for (key, value) in theirs.routeErrors { routeErrors[key, default: 0] += value }
    for (minute, users) in theirs.failedUsers { failedUsers[minute, default: []].formUnion(users) }
    changes += theirs.changes
    changes.sort { ($0.timestamp, $0.service, $0.message ?? "") < ($1.timestamp, $1.service, $1.message ?? "") }
    if changes.count > Self.maxChanges {
      dropped += changes.count - Self.maxChanges
      changes.removeLast(changes.count - Self.maxChanges)
    }
    dropped += theirs.dropped
  }

  /// The shard with the current minute counted in.
  package func settled() -> TimelineShard {
    var result = self
    result.spill()
    result.spillServices()
    result.currentMinute = .min
    return result
  }
}
