/// The requests a worker hands to the joiner at the end of a work unit, in
/// one block: the records as they were (plain values), their ids and user
/// ids in one byte array, and the names their service and route ids stand
/// for. Nothing is allocated per request: most are counted as they are, and
/// only the few that meet their other piece become `RequestTrack`s (a unit
/// boundary cuts a few dozen requests, but every unit hands on thousands).
struct SeamBatch: Sendable {
  /// Requests opened at the start of the unit and completed in it.
  private(set) var heads: [RequestTable.Record] = []
  /// Requests still open at its end (`edge`: opened at its start as well).
  private(set) var tails: [RequestTable.Record] = []
  /// The ids and user ids: the records' `idStart` and `userStart` are
  /// offsets here.
  private var bytes: [UInt8] = []
  /// The names of the worker's service and route ids.
  var services: [String] = []
  var routes: [String] = []
  /// The unit's input, and the oldest and newest times of its requests'
  /// events: what tells inputs of the same period apart from a log's
  /// successive files (see `CorrelationStats.samePeriodInputs`).
  var input = -1
  var oldest = Int64.max
  var newest = Int64.min

  /// An empty batch with room for as many requests and bytes as `sized`
  /// held: a unit hands on about as many as the one before, and growing
  /// from empty copied and faulted in twice the memory.
  init(sizedLike sized: borrowing SeamBatch) {
    heads.reserveCapacity(sized.heads.count)
    tails.reserveCapacity(sized.tails.count)
    bytes.reserveCapacity(sized.bytes.count)
  }

  init() {}

  mutating func append(
    _ record: RequestTable.Record, id: UnsafeRawBufferPointer, user: UnsafeRawBufferPointer?, head: Bool
  ) {
    var copy = record
    copy.idStart = Int32(bytes.count)
    bytes.append(contentsOf: id)
    if let user {
      copy.userStart = Int32(bytes.count)
      bytes.append(contentsOf: user)
    }
    if head { heads.append(copy) } else { tails.append(copy) }
  }

  /// `body` with the record's id.
  func withID<R>(_ r: RequestTable.Record, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    bytes.withUnsafeBytes {
      body(UnsafeRawBufferPointer(rebasing: $0[Int(r.idStart)..<Int(r.idStart) + Int(r.idLength)]))
    }
  }

  /// The record as a `RequestTrack`.
  func track(_ r: RequestTable.Record) -> RequestTrack {
    bytes.withUnsafeBytes { bytes in
      let id = UnsafeRawBufferPointer(rebasing: bytes[Int(r.idStart)..<Int(r.idStart) + Int(r.idLength)])
      let user =
        r.userLength < 0
        ? nil : UnsafeRawBufferPointer(rebasing: bytes[Int(r.userStart)..<Int(r.userStart) + Int(r.userLength)])
      return RequestTrack(r, id: id, user: user, service: { services[$0] }, route: { routes[$0] })
    }
  }
}

/// Joins the requests cut by work-unit boundaries, so that the result does
/// not depend on how the input was split. Units are joined in plan order:
/// the requests still open at the end of unit k (its tails) meet the
/// requests opened at the start of unit k+1 (its heads); a head with the id
/// of a tail, starting at most `idle` after it, is the same request. The
/// same holds across files, in the order given (rotated files oldest first).
package final class SeamJoiner: @unchecked Sendable {
  private let lock = ConditionLock()
  private let idle: Int64
  let unitCount: Int
  private let skipped: Set<Int>
  private var pending: [Int: SeamBatch] = [:]
  private var next = 0
  /// The tails of the last unit joined.
  private var carry = Carry(SeamBatch())
  private var stats: CorrelationStats
  /// Per input, the oldest and newest event times of its requests.
  private var inputTimes: [Int: (oldest: Int64, newest: Int64)] = [:]

  /// `skipped`: units never read (their input failed to open).
  package init(settings: CorrelationSettings, limits: SummaryLimits, units: Int, skipped: Set<Int> = []) {
    idle = settings.idle
    unitCount = units
    self.skipped = skipped
    stats = CorrelationStats(limits: limits, top: settings.top, failedPerMinute: settings.failedPerMinute)
  }

  func deliver(unit: Int, _ batch: SeamBatch) {
    lock.withLock {
      if batch.input >= 0 && batch.oldest <= batch.newest {
        let times = inputTimes[batch.input] ?? (.max, .min)
        inputTimes[batch.input] = (min(times.oldest, batch.oldest), max(times.newest, batch.newest))
      }
      pending[unit] = batch
      while next < unitCount {
        if skipped.contains(next) {
          next += 1
          continue
        }
        guard let batch = pending.removeValue(forKey: next) else { break }
        join(batch)
        next += 1
      }
    }
  }

  private func join(_ batch: SeamBatch) {
    var routeIndexes = RouteIndexes(batch)
    for head in batch.heads {
      guard let earlier = batch.withID(head, { carry.take($0, hash: head.hash) }) else {
        count(head, of: batch, &routeIndexes)
        continue
      }
      if Self.continues(lastSeen: carry.lastSeen(earlier), into: head.firstSeen, idle: idle) {
        var joined = carry.track(earlier)
        joined.absorb(batch.track(head))
        stats.add(joined)
      } else {
        countCarried(earlier)
        count(head, of: batch, &routeIndexes)
      }
    }
    var nextCarry = Carry(batch)
    for (index, tail) in batch.tails.enumerated() where tail.edge {
      guard let earlier = batch.withID(tail, { carry.take($0, hash: tail.hash) }) else { continue }
      if Self.continues(lastSeen: carry.lastSeen(earlier), into: tail.firstSeen, idle: idle) {
        var track = carry.track(earlier)
        track.absorb(batch.track(tail))
        nextCarry.joined[index] = track
      } else {
        countCarried(earlier)
      }
    }
    // What the previous unit left open and this one did not continue ended there.
    countRestOfCarry()
    carry = nextCarry
  }

  /// Whether a piece of a request first seen at `firstSeen` continues the
  /// piece of the same id last seen at `lastSeen`, read before it: it came
  /// at most `idle` later (or one of them had no timestamp).
  private static func continues(lastSeen: Int64, into firstSeen: Int64, idle: Int64) -> Bool {
    lastSeen == .min || firstSeen == .max || firstSeen <= lastSeen &+ idle
  }

  /// Counts a request of the batch as it is.
  private func count(_ r: RequestTable.Record, of batch: SeamBatch, _ routes: inout RouteIndexes) {
    let route = routes.index(r.entryRoute, in: &stats)
    let kept = batch.withID(r) { stats.count(r, id: $0, route: route) }
    if kept { stats.keep(batch.track(r)) }
  }

  private func countCarried(_ index: Int) {
    if let track = carry.joined[index] {
      stats.add(track)
    } else {
      let batch = carry.batch
      count(batch.tails[index], of: batch, &carry.routeIndexes)
    }
  }

  private func countRestOfCarry() {
    for index in carry.batch.tails.indices where !carry.taken[index] { countCarried(index) }
    carry = Carry(SeamBatch())
  }

  /// Joins what is left (units with nothing delivered count as empty) and
  /// completes every request still open.
  package func finish() -> CorrelationStats {
    lock.withLock {
      while next < unitCount {
        if let batch = pending.removeValue(forKey: next) { join(batch) }
        next += 1
      }
      countRestOfCarry()
      stats.samePeriodInputs = samePeriodInputs()
      return stats
    }
  }

  /// The inputs whose requests' times overlap another input's by more
  /// than `idle`: files of the same period (one per service), not a log's
  /// successive files. Their requests are joined only at their edges.
  private func samePeriodInputs() -> [Int] {
    let ranges = inputTimes.sorted {
      $0.value.oldest != $1.value.oldest ? $0.value.oldest < $1.value.oldest : $0.key < $1.key
    }
    var found = Set<Int>()
    var latest: (input: Int, newest: Int64)? = nil
    for (input, times) in ranges {
      if let latest, times.oldest < latest.newest &- idle {
        found.insert(latest.input)
        found.insert(input)
      }
      if latest == nil || times.newest > latest!.newest { latest = (input, times.newest) }
    }
    return found.sorted()
  }

  /// The batch's route ids to the stats' entry routes, looked up once each.
  private struct RouteIndexes {
    private var indexes: [Int32]
    private var noRoute: Int32 = -1
    private let names: [String]

    init(_ batch: SeamBatch) {
      names = batch.routes
      indexes = [Int32](repeating: -1, count: batch.routes.count)
    }

    mutating func index(_ route: Int32, in stats: inout CorrelationStats) -> Int {
      guard route >= 0 else {
        if noRoute < 0 { noRoute = Int32(stats.routeIndex(nil)) }
        return Int(noRoute)
      }
      if indexes[Int(route)] < 0 {
        var name = names[Int(route)]
        indexes[Int(route)] = Int32(name.withUTF8 { stats.routeIndex(UnsafeRawBufferPointer($0)) })
      }
      return Int(indexes[Int(route)])
    }
  }

  /// The tails of the last unit joined, found by id, each taken at most
  /// once (by the first head or tail of the next unit with its id).
  private struct Carry {
    let batch: SeamBatch
    var taken: [Bool]
    /// Tails that were joined with a piece of an earlier unit, whole.
    var joined: [Int: RequestTrack] = [:]
    var routeIndexes: RouteIndexes
    /// Open addressing: tail index + 1, or 0 for an empty slot.
    private var slots: [Int32]

    init(_ batch: SeamBatch) {
      self.batch = batch
      taken = [Bool](repeating: false, count: batch.tails.count)
      routeIndexes = RouteIndexes(batch)
      var size = 16
      while size < batch.tails.count * 2 { size <<= 1 }
      slots = [Int32](repeating: 0, count: size)
      for (index, tail) in batch.tails.enumerated() {
        var slot = Int(truncatingIfNeeded: tail.hash) & (size - 1)
        while slots[slot] != 0 { slot = (slot + 1) & (size - 1) }
        slots[slot] = Int32(index + 1)
      }
    }

    /// The index of the untaken tail with this id, now taken, or nil.
    mutating func take(_ id: UnsafeRawBufferPointer, hash: UInt64) -> Int? {
      let mask = slots.count - 1
      var slot = Int(truncatingIfNeeded: hash) & mask
      while slots[slot] != 0 {
        let index = Int(slots[slot] - 1)
        let tail = batch.tails[index]
        if tail.hash == hash && !taken[index] && batch.withID(tail, { $0.elementsEqual(id) }) {
          taken[index] = true
          return index
        }
        slot = (slot + 1) & mask
      }
      return nil
    }

    /// The last event time of tail `index` as joined so far.
    func lastSeen(_ index: Int) -> Int64 {
      joined[index]?.lastSeen ?? batch.tails[index].lastSeen
    }

    func track(_ index: Int) -> RequestTrack {
      joined[index] ?? batch.track(batch.tails[index])
    }
  }
}
