/// What the completed requests add up to: end-to-end latency overall and by
/// entry route, fan-out, and the slowest and latest failed requests.
/// Mergeable: route tables merge by name, top lists by their order.
package struct CorrelationStats: Sendable {
  /// Requests completed (idle, or at the end of the input).
  package var requests = 0
  package var failed = 0
  /// Open requests pushed out by the cap on open requests, never completed.
  package var evicted = 0
  /// Events counted into requests, and events that had no request id.
  package var events = 0
  package var uncorrelated = 0
  /// Inputs that cover the same period as another (one file per service):
  /// a request with events in several of them is counted in each, as the
  /// summary joins requests across inputs only at their edges.
  package var samePeriodInputs: [Int] = []
  /// Those inputs were read a second time, merged by event time, and the
  /// requests followed across them (`SummaryScan.followAcrossInputs`).
  package var followedAcrossInputs = false
  /// End-to-end latency (as durations), statuses and failures of the
  /// requests by entry route ("(no route)" when no event had a path).
  package var entryRoutes: ScopeTable
  /// Requests by events (the last slot: that many or more) and by services
  /// (up to `RequestTrack.maxServices`).
  package var eventsPerRequest = [Int](repeating: 0, count: 65)
  package var maxEvents = 0
  package var servicesPerRequest = [Int](repeating: 0, count: RequestTrack.maxServices + 1)
  package var slowest: TopRequests
  package var recentFailures: TopRequests
  /// The first failed requests of every minute (by start), for timelines.
  package var failedSamples: FailedSamples

  package init(limits: SummaryLimits = SummaryLimits(), top: Int = 10, failedPerMinute: Int = 0) {
    entryRoutes = ScopeTable(limit: limits.maxRoutes)
    slowest = TopRequests(limit: top, order: .slowest)
    recentFailures = TopRequests(limit: top, order: .latest)
    failedSamples = FailedSamples(perMinute: failedPerMinute)
  }

  package static let noRoute: [UInt8] = Array("(no route)".utf8)

  /// The same over every request: the sum of the entry routes (each request
  /// is counted in exactly one).
  package var latency: ScopeStats {
    var total = ScopeStats()
    for stats in entryRoutes.stats { total.merge(stats) }
    return total
  }

  /// The index of an entry route (`nil`: none) in `entryRoutes`.
  package mutating func routeIndex(_ route: UnsafeRawBufferPointer?) -> Int {
    route.map { entryRoutes.index(of: $0) } ?? Self.noRoute.withUnsafeBytes { entryRoutes.index(of: $0) }
  }

  /// Counts one completed request. True when a top list would keep it:
  /// then hand it over in full with `keep`.
  @inline(__always)
  package mutating func count(
    start: Int64, duration: Int64?, newest: Int64, id: UnsafeRawBufferPointer, events: Int, services: Int, failed: Bool,
    status: Int?, route index: Int
  ) -> Bool {
    requests += 1
    if failed {
      self.failed += 1
      if failedSamples.perMinute > 0, let duration { failedSamples.count(end: start &+ duration) }
    }
    eventsPerRequest[min(events, eventsPerRequest.count - 1)] += 1
    if events > maxEvents { maxEvents = events }
    servicesPerRequest[min(services, servicesPerRequest.count - 1)] += 1
    var event = Event()
    event.duration = duration
    event.status = status
    // No minute counts for requests (the summary's scopes have them).
    var budget = 0
    entryRoutes.stats[index].add(event, isError: failed, minute: nil, minuteBudget: &budget)
    return (duration.map { slowest.accepts($0, id) } ?? false)
      || (failed && (recentFailures.accepts(newest, id) || (duration != nil && failedSamples.accepts(start, id))))
  }

  /// Puts a counted request in the top lists that keep it.
  package mutating func keep(_ track: RequestTrack) {
    let track = track.resolved()
    if track.duration != nil { slowest.insert(track) }
    if track.failed {
      recentFailures.insert(track)
      if track.isTimed { failedSamples.insert(track) }
    }
  }

  /// Counts a request joined from pieces.
  package mutating func add(_ track: RequestTrack) {
    var route = track.entryRoute
    let index = route?.withUTF8 { routeIndex(UnsafeRawBufferPointer($0)) } ?? routeIndex(nil)
    let bounds = track.bounds
    let kept = track.id.withUnsafeBytes { id in
      count(
        start: bounds.start, duration: bounds.duration, newest: track.newest, id: id, events: track.events,
        services: track.services.count, failed: track.failed, status: track.status, route: index)
    }
    if kept { keep(track) }
  }

  package mutating func merge(_ other: CorrelationStats) {
    requests += other.requests
    failed += other.failed
    evicted += other.evicted
    events += other.events
    uncorrelated += other.uncorrelated
    samePeriodInputs = Array(Set(samePeriodInputs + other.samePeriodInputs)).sorted()
    followedAcrossInputs = followedAcrossInputs || other.followedAcrossInputs
    entryRoutes.merge(other.entryRoutes)
    for k in eventsPerRequest.indices { eventsPerRequest[k] += other.eventsPerRequest[k] }
    maxEvents = max(maxEvents, other.maxEvents)
    for k in servicesPerRequest.indices { servicesPerRequest[k] += other.servicesPerRequest[k] }
    slowest.merge(other.slowest)
    recentFailures.merge(other.recentFailures)
    failedSamples.merge(other.failedSamples)
  }
}

/// The first `perMinute` failed requests to start in each minute (earliest
/// start first, then the smaller id), so that the samples do not depend
/// on the order requests completed in.
package struct FailedSamples: Sendable {
  package let perMinute: Int
  package private(set) var byMinute: [Int64: [RequestTrack]] = [:]
  /// Failed requests by the minute they ended in, when their failure was
  /// seen (all, not just the kept).
  package private(set) var failedByMinute: [Int64: Int] = [:]
  /// Minutes kept at most (a month is 44,640).
  static let maxMinutes = 100_000

  package init(perMinute: Int) { self.perMinute = perMinute }

  @inline(__always)
  func accepts(_ start: Int64, _ id: UnsafeRawBufferPointer) -> Bool {
    guard perMinute > 0 else { return false }
    guard let kept = byMinute[Timestamp.minute(of: start)] else { return byMinute.count < Self.maxMinutes }
    guard kept.count == perMinute, let last = kept.last else { return true }
    if start != last.start { return start < last.start }
    return last.id.withUnsafeBytes { id.lexicographicallyPrecedes($0) }
  }

  private static func before(_ a: RequestTrack, _ b: RequestTrack) -> Bool {
    a.start != b.start ? a.start < b.start : a.id.lexicographicallyPrecedes(b.id)
  }

  mutating func insert(_ track: RequestTrack) {
    guard perMinute > 0 else { return }
    let minute = Timestamp.minute(of: track.start)
    guard byMinute[minute] != nil || byMinute.count < Self.maxMinutes else { return }
    var kept = byMinute[minute] ?? []
    let at = kept.firstIndex { Self.before(track, $0) } ?? kept.count
    guard at < perMinute else { return }
    kept.insert(track, at: at)
    if kept.count > perMinute { kept.removeLast() }
    byMinute[minute] = kept
  }

  mutating func count(end: Int64) {
    let minute = Timestamp.minute(of: end)
    if let existing = failedByMinute[minute] {
      failedByMinute[minute] = existing + 1
    } else if failedByMinute.count < Self.maxMinutes {
      failedByMinute[minute] = 1
    }
  }

  mutating func merge(_ other: FailedSamples) {
    for (minute, count) in other.failedByMinute {
      if failedByMinute[minute] != nil || failedByMinute.count < Self.maxMinutes {
        failedByMinute[minute, default: 0] += count
      }
    }
    for tracks in other.byMinute.values { for track in tracks { insert(track) } }
  }

  /// The kept requests that started in [from, to), earliest first.
  package func tracks(from: Int64, to: Int64) -> [RequestTrack] {
    byMinute.filter { $0.key >= Timestamp.minute(of: from) && $0.key <= Timestamp.minute(of: to) }
      .flatMap(\.value).filter { $0.start >= from && $0.start < to }.sorted(by: Self.before)
  }
}

/// The first `limit` requests in an order: the slowest (longest first) or
/// the latest (newest event first); ties go to the smaller id, so the list
/// does not depend on the order requests completed in.
package struct TopRequests: Sendable {
  package enum Order: Sendable { case slowest, latest }
  package let limit: Int
  package let order: Order
  package private(set) var items: [RequestTrack] = []

  package init(limit: Int, order: Order) {
    self.limit = limit
    self.order = order
  }

  private func key(_ track: RequestTrack) -> Int64 {
    order == .slowest ? (track.duration ?? .min) : track.newest
  }

  /// Whether a request of this key and id would make the list.
  @inline(__always)
  package func accepts(_ key: Int64, _ id: UnsafeRawBufferPointer) -> Bool {
    guard limit > 0 else { return false }
    guard items.count == limit, let last = items.last else { return true }
    let lastKey = self.key(last)
    if key != lastKey { return key > lastKey }
    return last.id.withUnsafeBytes { Self.less(id, $0) }
  }

  private static func less(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    a.lexicographicallyPrecedes(b)
  }

  private func before(_ a: RequestTrack, _ b: RequestTrack) -> Bool {
    let (ka, kb) = (key(a), key(b))
    if ka != kb { return ka > kb }
    return a.id.lexicographicallyPrecedes(b.id)
  }

  package mutating func insert(_ track: RequestTrack) {
    let at = items.firstIndex { before(track, $0) } ?? items.count
    guard at < limit else { return }
    items.insert(track, at: at)
    if items.count > limit { items.removeLast() }
  }

  package mutating func merge(_ other: TopRequests) {
    for track in other.items { insert(track) }
  }
}

extension Optional where Wrapped: Collection<UInt8> {
  /// The bytes of a present value, or nil, for as long as `body` runs.
  func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
    guard let self else { return try body(nil) }
    return try self.withContiguousStorageIfAvailable { try body(UnsafeRawBufferPointer($0)) }
      ?? Array(self).withUnsafeBytes { try body($0) }
  }
}
