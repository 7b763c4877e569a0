/// How requests are correlated (the `correlation` section of the config).
package struct CorrelationSettings: Sendable, Equatable {
  /// A request is complete once no event of it came for this long, in event
  /// time; an event of its id after a longer gap starts another request.
  package var idle: Int64 = 30_000_000_000
  /// Open requests kept at most (all workers together, about 250 bytes
  /// each with their index and queue entries); beyond, the least recently
  /// seen is evicted.
  package var maxOpen = 300_000
  /// Requests listed as the slowest and as the latest failed.
  package var top = 10
  /// Failed requests kept per minute of their start, for timelines (0: none).
  package var failedPerMinute = 0

  package init() {}
}

/// Follows the requests of one worker's events: opens a record per request
/// id, completes it when idle (counting it into `stats`), and at the end of
/// each work unit hands on what may continue in the next unit (see
/// `SeamJoiner`). Completed requests wait in `pending` until `flush`, which
/// has the names of the sink's services and routes: the hot path never
/// touches them.
struct Correlator {
  let settings: CorrelationSettings
  private let maxOpen: Int
  private var table = RequestTable()
  var stats: CorrelationStats
  /// Completed (unlinked) records not yet counted.
  private var pending: [Int32] = []
  /// What the unit hands to the joiner: the requests opened at its start
  /// and completed in it, then those still open at its end.
  private var batch = SeamBatch()
  /// The sink's route ids to `stats.entryRoutes` ids (-1: not yet looked up).
  private var routeMap: [Int32] = []
  /// The sink's service and route names as Strings, made once each: every
  /// request handed to the joiner names them.
  private var serviceNames = NameCache()
  private var routeNames = NameCache()
  private var noRoute = -1
  /// Requests opened before the unit's event time passed this may continue
  /// a request of the previous unit.
  private var fringeEnd = Int64.min
  private var hasFringe = false
  /// The unit is the plan's last: nothing after it can continue its requests.
  private var isLastUnit = false
  private var watermark = Int64.min
  /// The oldest event time of the unit's requests (the newest is `watermark`).
  private var oldest = Int64.max
  private var nextSweep = Int64.min

  /// Ids longer than this are not correlated (counted as without an id).
  static let maxIdBytes = 1024
  static let sweepEvery: Int64 = 1_000_000_000
  static let flushAt = 256
  /// How many records ahead the sweep and the flush prefetch.
  static let prefetchDistance = 8

  init(settings: CorrelationSettings, limits: SummaryLimits, workers: Int) {
    self.settings = settings
    maxOpen = max(1, settings.maxOpen / max(1, workers))
    stats = CorrelationStats(limits: limits, top: settings.top, failedPerMinute: settings.failedPerMinute)
    table.limitRecords(maxOpen + Self.flushAt + 1)
  }

  /// Starts a unit. The first unit of the plan has nothing before it.
  mutating func begin(unit: Int, of units: Int) {
    hasFringe = unit > 0
    isLastUnit = unit == units - 1
    fringeEnd = .min
    watermark = .min
    oldest = .max
    nextSweep = .min
  }

  /// Enough completed requests wait to be counted.
  var needsFlush: Bool { pending.count >= Self.flushAt }

  /// Ends the unit: the requests completed at its start and every request
  /// still open (with whether it was opened at the start), for the joiner.
  mutating func endUnit(services: borrowing Interner, routes: borrowing Interner) -> SeamBatch {
    for record in table.openRecords {
      if isLastUnit && !table.pointer(record).pointee.edge {
        // Nothing comes after the last unit, and the record did not start
        // at its beginning: it is complete, and counted here (no copy).
        complete(record)
      } else {
        batch.append(table.pointer(record).pointee, id: table.id(record), user: table.userBytes(record), head: false)
      }
    }
    flush(services: services, routes: routes)
    table.reset()
    (batch.oldest, batch.newest) = (oldest, watermark)
    batch.services = (0..<services.count).map { serviceNames.name($0, in: services) }
    batch.routes = (0..<routes.count).map { routeNames.name($0, in: routes) }
    defer { batch = SeamBatch(sizedLike: batch) }
    return batch
  }

  mutating func uncorrelated() { stats.uncorrelated &+= 1 }

  /// Counts one event of request `id`.
  @inline(__always)
  mutating func add(
    id: UnsafeRawBufferPointer, user: UnsafeRawBufferPointer?, event: Event, wholeSecond: Bool, isError: Bool,
    service: Int, route: Int?
  ) {
    // An id that stands for none (`-`, `0`, `null`: see
    // `EventExtractor.isPlaceholderId`) is no id: the event is counted as
    // without one, and its time moves nothing (as for events without an id).
    guard id.count <= Self.maxIdBytes, !EventExtractor.isPlaceholderId(id) else {
      stats.uncorrelated &+= 1
      return
    }
    stats.events &+= 1
    if let timestamp = event.timestamp {
      if timestamp > watermark {
        if watermark == .min { fringeEnd = timestamp &+ settings.idle }
        watermark = timestamp
        if timestamp >= nextSweep {
          sweep()
          nextSweep = timestamp &+ Self.sweepEvery
        }
      }
      if timestamp < oldest { oldest = timestamp }
    }
    let hash = Interner.hash(id)
    var found = table.find(id, hash: hash)
    if let record = found, let timestamp = event.timestamp, table.pointer(record).pointee.lastSeen != .min,
      timestamp > table.pointer(record).pointee.lastSeen &+ settings.idle
    {
      // The id again after a longer gap than `idle`: another request.
      complete(record)
      found = nil
    }
    let record: Int32
    if let found {
      record = found
    } else {
      if table.count >= maxOpen {
        sweep()
        if table.count >= maxOpen { evictOldest() }
      }
      record = table.insert(
        id, hash: hash, user: user.flatMap { Self.isUser($0) ? $0 : nil }, key: event.timestamp ?? watermark)
      table.pointer(record).pointee.edge = hasFringe && (fringeEnd == .min || watermark < fringeEnd)
    }
    if let user, table.pointer(record).pointee.userLength < 0, Self.isUser(user) {
      table.setUser(record, user)
    }
    update(record, event, wholeSecond: wholeSecond, isError: isError, service: service, route: route)
  }

  /// A user id kept with a request: not too long, not a placeholder (`-`).
  @inline(__always)
  private static func isUser(_ user: UnsafeRawBufferPointer) -> Bool {
    user.count <= maxIdBytes && !EventExtractor.isPlaceholderId(user)
  }

  // Mutating although it changes only the record: a non-mutating call from
  // `add` copied the whole correlator (368 bytes) onto the stack per event.
  @inline(__always)
  private mutating func update(
    _ record: Int32, _ event: Event, wholeSecond: Bool, isError: Bool, service: Int, route: Int?
  ) {
    // In place: the record is one block, read and written once.
    let r = table.pointer(record)
    let duration = max(0, event.duration ?? 0)
    var startOffset = Int32.max
    var endOffset = Int32.min
    var eventStart = Int64.max
    r.pointee.events &+= 1
    if let timestamp = event.timestamp {
      eventStart = timestamp &- duration
      if r.pointee.firstSeen == .max { r.pointee.firstSeen = timestamp }
      r.pointee.lastSeen = timestamp
      if _fastPath(!wholeSecond) {
        if eventStart < r.pointee.start { r.pointee.start = eventStart }
        if timestamp > r.pointee.end { r.pointee.end = timestamp }
      } else {
        // Apart: `RequestBounds` places these within their second.
        if eventStart < r.pointee.wholeSecondStart { r.pointee.wholeSecondStart = eventStart }
        if timestamp > r.pointee.wholeSecondEnd { r.pointee.wholeSecondEnd = timestamp }
      }
      let base = r.pointee.firstSeen
      startOffset = Self.offset(eventStart, from: base, roundingUp: false)
      endOffset = Self.offset(timestamp, from: base, roundingUp: true)
    }
    if let route, r.pointee.entryRoute < 0 || eventStart < r.pointee.entryStart {
      r.pointee.entryRoute = Int32(route)
      r.pointee.entryStart = eventStart
      r.pointee.entryStatus = event.status.map(Self.clampStatus) ?? -1
    }
    if let status = event.status { r.pointee.maxStatus = max(r.pointee.maxStatus, Self.clampStatus(status)) }
    if isError { r.pointee.failed = true }

    let id = UInt16(truncatingIfNeeded: service)
    let count = Int(r.pointee.spanCount)
    // The spans through a plain pointer: going through the InlineArray
    // property copied all of it on each access.
    let spans = RequestTable.spans(of: r)
    var index = count
    for k in 0..<count where spans[k].service == id {
      index = k
      break
    }
    if index == count {
      if count < RequestTable.maxSpans {
        spans[index] = RequestTable.Span(service: id)
        r.pointee.spanCount += 1
      } else {
        index = count - 1
        spans[index].service = RequestTable.otherService
      }
    }
    if spans[index].events < .max { spans[index].events += 1 }
    if isError { r.pointee.spanFailed |= 1 << UInt8(index) }
    // A span is whole-second while all its timed events are (most
    // requests have none: one test).
    if wholeSecond || r.pointee.spanWholeSecond != 0, startOffset <= endOffset {
      let bit: UInt8 = 1 << UInt8(index)
      if !wholeSecond {
        r.pointee.spanWholeSecond &= ~bit
      } else if spans[index].start > spans[index].end {
        r.pointee.spanWholeSecond |= bit
      }
    }
    if startOffset < spans[index].start { spans[index].start = startOffset }
    if endOffset > spans[index].end { spans[index].end = endOffset }
  }

  private static func clampStatus(_ status: Int) -> Int16 { Int16(clamping: status) }

  /// Microseconds from `base`, clamped to 32 bits (35 minutes): a span's
  /// start rounded down and its end up, so that the span holds its events
  /// (a track clamps it to the request's exact start and end).
  @inline(__always)
  private static func offset(_ time: Int64, from base: Int64, roundingUp: Bool) -> Int32 {
    let nanos = time &- base
    var micros = nanos / 1000
    let rest = nanos - micros &* 1000
    if roundingUp ? rest > 0 : rest < 0 { micros &+= roundingUp ? 1 : -1 }
    return Int32(clamping: micros)
  }

  /// Completes the requests idle for longer than `idle` at the watermark.
  private mutating func sweep() {
    guard watermark != .min else { return }
    let limit = watermark &- settings.idle
    while let entry = table.front(), entry.key < limit {
      table.prefetchQueued(ahead: Self.prefetchDistance)
      table.prefetchQueuedSlot(ahead: Self.prefetchDistance / 2)
      table.popFront()
      let newest = table.pointer(entry.record).pointee.newest
      if newest == .min {
        // No timed event yet (opened before the unit's first timestamp):
        // idle from now on.
        table.push(entry.record, key: watermark)
      } else if newest > entry.key && newest >= limit {
        table.push(entry.record, key: newest)
      } else {
        complete(entry.record)
      }
    }
  }

  /// Drops the least recently queued request: the table is full.
  private mutating func evictOldest() {
    guard let entry = table.front() else { return }
    table.popFront()
    table.remove(entry.record)
    stats.evicted += 1
  }

  private mutating func complete(_ record: Int32) {
    table.unlink(record)
    pending.append(record)
  }

  /// Counts the completed requests (a request opened at the start of the
  /// unit goes to the batch's heads instead: it may continue one of the
  /// previous unit).
  mutating func flush(services: borrowing Interner, routes: borrowing Interner) {
    for (k, record) in pending.enumerated() {
      if k &+ Self.prefetchDistance < pending.count { table.prefetch(pending[k &+ Self.prefetchDistance]) }
      let r = table.pointer(record)
      // Heads wait for the unit's end; past the cap (a very busy start of
      // a unit) they are counted here, as if nothing came before them.
      if r.pointee.edge && batch.heads.count < maxOpen {
        batch.append(r.pointee, id: table.id(record), user: table.userBytes(record), head: true)
      } else {
        let route = entryRouteIndex(r.pointee.entryRoute, routes: routes)
        let kept = stats.count(r.pointee, id: table.id(record), route: route)
        if kept { stats.keep(track(record, services: services, routes: routes)) }
      }
      table.release(record)
    }
    pending.removeAll(keepingCapacity: true)
  }

  private mutating func entryRouteIndex(_ route: Int32, routes: borrowing Interner) -> Int {
    guard route >= 0 else {
      if noRoute < 0 { noRoute = stats.routeIndex(nil) }
      return noRoute
    }
    let local = Int(route)
    if local >= routeMap.count { routeMap += [Int32](repeating: -1, count: local + 1 - routeMap.count) }
    if routeMap[local] < 0 {
      routeMap[local] = Int32(routes.key(local).withUnsafeBytes { stats.routeIndex($0) })
    }
    return Int(routeMap[local])
  }

  /// The record as a `RequestTrack` (names instead of the sink's ids).
  private mutating func track(
    _ record: Int32, services: borrowing Interner, routes: borrowing Interner
  ) -> RequestTrack {
    var serviceNames = self.serviceNames
    var routeNames = self.routeNames
    defer {
      self.serviceNames = serviceNames
      self.routeNames = routeNames
    }
    return RequestTrack(
      table[record], id: table.id(record), user: table.userBytes(record),
      service: { serviceNames.name($0, in: services) }, route: { routeNames.name($0, in: routes) })
  }
}

/// An interner's names as Strings, each made on first use.
private struct NameCache {
  private var names: [String?] = []

  mutating func name(_ id: Int, in interner: borrowing Interner) -> String {
    if id >= names.count { names += [String?](repeating: nil, count: id + 1 - names.count) }
    if let name = names[id] { return name }
    let name = interner.string(id)
    names[id] = name
    return name
  }
}
