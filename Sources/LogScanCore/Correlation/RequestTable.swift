internal import CShims

/// The open requests of one worker, keyed by id: fixed-size records in one
/// array (with a free list), ids and user ids in one byte arena (compacted
/// when half of it is dead), an open-addressing index, and a queue in the
/// order requests were last seen, which finds the idle and the oldest
/// without scanning the table.
struct RequestTable {
  /// One request, its services inline: one contiguous block of three
  /// cache lines, all an event of it touches.
  struct Record {
    // The first cache line: what the index, the queue and completion read.
    var hash: UInt64 = 0
    /// The latest whole-second timestamp (`end` is the latest other one;
    /// see `RequestBounds`); the newest event time is the later of the two.
    var wholeSecondEnd = Int64.min
    var start = Int64.max
    var end = Int64.min
    var generation: UInt32 = 0
    var idStart: Int32 = 0
    var events: Int32 = 0
    /// The sink's route id, or -1.
    var entryRoute: Int32 = -1
    var idLength: UInt16 = 0
    /// -1: none.
    var entryStatus: Int16 = -1
    var maxStatus: Int16 = -1
    /// In the index (open, not yet completed).
    var linked = false
    /// Holds data (until released).
    var live = false
    /// Opened at the start of a unit: it may continue a request of the
    /// previous unit, so it is handed on rather than completed here.
    var edge = false
    var failed = false
    var spanCount: UInt8 = 0
    /// Bit k: span k had an error.
    var spanFailed: UInt8 = 0
    /// Bit k: every timed event of span k had a whole-second timestamp.
    var spanWholeSecond: UInt8 = 0
    // Then what only events and full tracks need.
    var lastSeen = Int64.min
    /// Nanoseconds; span offsets are microseconds from here.
    var firstSeen = Int64.max
    var entryStart = Int64.max
    var userStart: Int32 = 0
    /// -1: no user id.
    var userLength: Int16 = -1
    /// The earliest start of an event with a whole-second timestamp.
    var wholeSecondStart = Int64.max
    var spans = InlineArray<6, Span>(repeating: Span())
  }

  /// A service's part of a record: offsets in microseconds from the
  /// record's base (`start > end`: no timed event yet).
  struct Span {
    var service: UInt16 = 0
    /// Saturating.
    var events: UInt16 = 0
    var start = Int32.max
    var end = Int32.min
  }

  struct QueueEntry {
    var record: Int32
    var generation: UInt32
    /// The record's newest event time when queued.
    var key: Int64
  }

  static let maxSpans = 6
  static let otherService = UInt16.max

  private let records = PodBuffer<Record>(capacity: 64)
  private let free = PodBuffer<Int32>()
  /// The index: record + 1 (0: empty) and the low 32 bits of its hash, so
  /// that probing and deleting never touch other records.
  private var slots = PodBuffer<Slot>(repeating: Slot(), count: 1024)

  struct Slot {
    var entry: Int32 = 0
    var tag: UInt32 = 0
  }
  private(set) var count = 0
  private var bytes = PodBuffer<UInt8>(capacity: 1024)
  /// Where `compact` copies the live bytes to; the two then swap. Both keep
  /// their storage: a fresh buffer per compaction was faulted in page by
  /// page (three quarters of a summary's page faults).
  private var spareBytes = PodBuffer<UInt8>(capacity: 1024)
  private var deadBytes = 0
  /// A ring buffer; its size is a power of two.
  private var queue = PodBuffer(repeating: QueueEntry(record: 0, generation: 0, key: 0), count: 1024)
  private var queueHead = 0
  private var queueCount = 0

  private static let spansOffset = MemoryLayout<Record>.offset(of: \Record.spans)!

  /// A record's spans in place (`maxSpans` of them).
  @inline(__always)
  static func spans(of record: UnsafeMutablePointer<Record>) -> UnsafeMutablePointer<Span> {
    (UnsafeMutableRawPointer(record) + spansOffset).assumingMemoryBound(to: Span.self)
  }

  /// Records are never more than this (open ones plus those waiting to be
  /// counted): their storage grows no further.
  func limitRecords(_ count: Int) { records.limit = count }

  /// The record in place, valid until the next `insert`.
  @inline(__always)
  func pointer(_ record: Int32) -> UnsafeMutablePointer<Record> { records.base + Int(record) }

  subscript(record: Int32) -> Record { records[Int(record)] }

  /// The record of `id`, or nil.
  @inline(__always)
  func find(_ id: UnsafeRawBufferPointer, hash: UInt64) -> Int32? {
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    let tag = UInt32(truncatingIfNeeded: hash)
    while true {
      let entry = slots[slot]
      if entry.entry == 0 { return nil }
      let record = Int(entry.entry - 1)
      if entry.tag == tag && records.base[record].hash == hash && equals(record, id) { return entry.entry - 1 }
      slot = (slot + 1) & mask
    }
  }

  @inline(__always)
  private func equals(_ record: Int, _ id: UnsafeRawBufferPointer) -> Bool {
    let length = Int(records.base[record].idLength)
    guard length == id.count else { return false }
    guard length > 0 else { return true }
    let start = Int(records.base[record].idStart)
    return memoryEquals(bytes.base + start, id.baseAddress!.assumingMemoryBound(to: UInt8.self), length)
  }

  /// Opens a record for `id` (not present), queued under `key`.
  mutating func insert(_ id: UnsafeRawBufferPointer, hash: UInt64, user: UnsafeRawBufferPointer?, key: Int64) -> Int32 {
    if (count + 1) * 2 > slots.count { grow() }
    let record: Int32
    var generation: UInt32 = 0
    if free.count > 0 {
      record = free.removeLast()
      generation = records.base[Int(record)].generation
    } else {
      record = Int32(records.count)
      records.append(Record())
    }
    // Written in place: building the record aside and copying it in cost
    // a second initialisation and a copy of its three cache lines.
    let fresh = records.base + Int(record)
    fresh.pointee = Record()
    fresh.pointee.generation = generation
    fresh.pointee.live = true
    fresh.pointee.linked = true
    fresh.pointee.hash = hash
    fresh.pointee.idStart = Int32(bytes.count)
    fresh.pointee.idLength = UInt16(id.count)
    bytes.append(id)
    if let user {
      fresh.pointee.userStart = Int32(bytes.count)
      fresh.pointee.userLength = Int16(user.count)
      bytes.append(user)
    }
    place(record, hash: hash)
    count += 1
    push(record, key: key)
    return record
  }

  /// Gives a record the user id it did not have.
  mutating func setUser(_ record: Int32, _ user: UnsafeRawBufferPointer) {
    records.base[Int(record)].userStart = Int32(bytes.count)
    records.base[Int(record)].userLength = Int16(user.count)
    bytes.append(user)
  }

  /// Closes a record: its slot, id bytes and queue entries are free.
  mutating func remove(_ record: Int32) {
    unlink(record)
    release(record)
  }

  /// Takes a record out of the index (its id may open another record) but
  /// keeps its data until `release`.
  mutating func unlink(_ record: Int32) {
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: records.base[Int(record)].hash) & mask
    while slots[slot].entry != record + 1 { slot = (slot + 1) & mask }
    // Backward-shift deletion: no tombstones.
    var hole = slot
    var next = slot
    while true {
      next = (next + 1) & mask
      let entry = slots[next]
      if entry.entry == 0 { break }
      let home = Int(entry.tag) & mask
      let stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next)
      if stays { continue }
      slots[hole] = entry
      hole = next
    }
    slots[hole] = Slot()
    records.base[Int(record)].linked = false
    count -= 1
  }

  /// Frees an unlinked record's slot and bytes.
  mutating func release(_ record: Int32) {
    deadBytes += Int(records.base[Int(record)].idLength) + max(0, Int(records.base[Int(record)].userLength))
    records.base[Int(record)].live = false
    records.base[Int(record)].generation &+= 1
    free.append(record)
    if deadBytes > 1 << 20 && deadBytes * 2 > bytes.count { compact() }
  }

  /// The records still open (in the index).
  var openRecords: [Int32] { (0..<records.count).filter { records[$0].linked }.map(Int32.init) }

  /// Empties the table (keeping its storage).
  mutating func reset() {
    records.removeAll()
    free.removeAll()
    slots.fill(Slot())
    bytes.removeAll()
    deadBytes = 0
    count = 0
    queueHead = 0
    queueCount = 0
  }

  /// The id's bytes, valid until the table changes.
  func id(_ record: Int32) -> UnsafeRawBufferPointer {
    let r = records.base + Int(record)
    return UnsafeRawBufferPointer(start: bytes.base + Int(r.pointee.idStart), count: Int(r.pointee.idLength))
  }

  /// The user id's bytes (nil: none), valid until the table changes.
  func userBytes(_ record: Int32) -> UnsafeRawBufferPointer? {
    let r = records.base + Int(record)
    guard r.pointee.userLength >= 0 else { return nil }
    return UnsafeRawBufferPointer(start: bytes.base + Int(r.pointee.userStart), count: Int(r.pointee.userLength))
  }

  // MARK: Prefetching

  /// Brings a record's first two cache lines closer (what completion and
  /// release read): completed and swept records were last touched `idle`
  /// ago and have left the caches; asking a few ahead overlaps their misses.
  /// (Not its id: only a request a top list keeps reads it, and finding it
  /// meant waiting for the record.)
  @inline(__always)
  func prefetch(_ record: Int32) {
    let r = UnsafeRawPointer(records.base + Int(record))
    logscan_prefetch(r)
    logscan_prefetch(r + 64)
  }

  /// Prefetches the record of the queue entry `ahead` places after the front.
  @inline(__always)
  func prefetchQueued(ahead: Int) {
    guard ahead < queueCount else { return }
    logscan_prefetch(records.base + Int(queue[(queueHead + ahead) & (queue.count - 1)].record))
  }

  /// Prefetches the index slot of the record of the queue entry `ahead`
  /// places after the front (completing it unlinks it there), once the
  /// record itself was prefetched further ahead.
  @inline(__always)
  func prefetchQueuedSlot(ahead: Int) {
    guard ahead < queueCount else { return }
    let hash = records.base[Int(queue[(queueHead + ahead) & (queue.count - 1)].record)].hash
    logscan_prefetch(slots.base + (Int(truncatingIfNeeded: hash) & (slots.count - 1)))
  }

  // MARK: The queue

  /// Queues a record under `key` (its newest event time, or the watermark).
  mutating func push(_ record: Int32, key: Int64) {
    if queueCount == queue.count {
      let old = queue
      queue = PodBuffer(repeating: QueueEntry(record: 0, generation: 0, key: 0), count: old.count * 2)
      for k in 0..<queueCount { queue[k] = old[(queueHead + k) & (old.count - 1)] }
      queueHead = 0
    }
    queue[(queueHead + queueCount) & (queue.count - 1)] = QueueEntry(
      record: record, generation: records.base[Int(record)].generation, key: key)
    queueCount += 1
  }

  /// The oldest queue entry whose record is still the one queued.
  mutating func front() -> QueueEntry? {
    while queueCount > 0 {
      let entry = queue[queueHead]
      let record = records.base + Int(entry.record)
      if record.pointee.linked && record.pointee.generation == entry.generation { return entry }
      popFront()
    }
    return nil
  }

  mutating func popFront() {
    queueHead = (queueHead + 1) & (queue.count - 1)
    queueCount -= 1
  }

  // MARK: Storage

  private mutating func place(_ record: Int32, hash: UInt64) {
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while slots[slot].entry != 0 { slot = (slot + 1) & mask }
    slots[slot] = Slot(entry: record + 1, tag: UInt32(truncatingIfNeeded: hash))
  }

  private mutating func grow() {
    slots = PodBuffer(repeating: Slot(), count: slots.count * 2)
    for record in 0..<records.count where records.base[record].linked {
      place(Int32(record), hash: records.base[record].hash)
    }
  }

  private mutating func compact() {
    let kept = spareBytes
    kept.removeAll()
    for k in 0..<records.count where records.base[k].live {
      let r = records[k]
      records.base[k].idStart = Int32(kept.count)
      kept.append(UnsafeRawBufferPointer(start: bytes.base + Int(r.idStart), count: Int(r.idLength)))
      if r.userLength >= 0 {
        records.base[k].userStart = Int32(kept.count)
        kept.append(UnsafeRawBufferPointer(start: bytes.base + Int(r.userStart), count: Int(r.userLength)))
      }
    }
    spareBytes = bytes
    bytes = kept
    deadBytes = 0
  }
}

extension RequestTable.Record {
  /// What the client saw: the entry event's status, else the highest.
  var status: Int? { entryStatus >= 0 ? Int(entryStatus) : maxStatus >= 0 ? Int(maxStatus) : nil }

  /// The newest event time (what the idle rule and the queue compare).
  @inline(__always)
  var newest: Int64 { max(end, wholeSecondEnd) }

  /// Where the request starts and ends, every event placed.
  var bounds: RequestBounds {
    RequestBounds(start: start, end: end, wholeSecondStart: wholeSecondStart, wholeSecondEnd: wholeSecondEnd)
  }
}

extension CorrelationStats {
  /// Counts a completed record whose entry route is `route` (an index of
  /// `entryRoutes`). True when a top list would keep it: then hand it
  /// over in full with `keep`.
  @inline(__always)
  mutating func count(_ r: RequestTable.Record, id: UnsafeRawBufferPointer, route: Int) -> Bool {
    let bounds = r.bounds
    return count(
      start: bounds.start, duration: bounds.duration, newest: r.newest, id: id, events: Int(r.events),
      services: Int(r.spanCount), failed: r.failed, status: r.status, route: route)
  }
}

extension RequestTrack {
  /// A record as the reports show it: `service` and `route` name the
  /// record's service and route ids.
  init(
    _ r: RequestTable.Record, id: UnsafeRawBufferPointer, user: UnsafeRawBufferPointer?,
    service: (Int) -> String, route: (Int) -> String
  ) {
    self.init(id: Array(id))
    self.user = user.map { Array($0) }
    firstSeen = r.firstSeen
    lastSeen = r.lastSeen
    newest = r.newest
    start = r.start
    end = r.end
    wholeSecondStart = r.wholeSecondStart
    wholeSecondEnd = r.wholeSecondEnd
    entryStart = r.entryStart
    entryRoute = r.entryRoute >= 0 ? route(Int(r.entryRoute)) : nil
    entryStatus = r.entryStatus >= 0 ? Int(r.entryStatus) : nil
    maxStatus = r.maxStatus >= 0 ? Int(r.maxStatus) : nil
    events = Int(r.events)
    failed = r.failed
    for k in 0..<Int(r.spanCount) {
      let span = r.spans[k]
      let timed = span.start <= span.end
      // Within the bounds of the events of its kind (whole-second or
      // finer); `resolved` places the whole-second ones.
      let wholeSecond = r.spanWholeSecond & (1 << UInt8(k)) != 0
      let (low, high) = wholeSecond ? (r.wholeSecondStart, r.wholeSecondEnd) : (r.start, r.end)
      services.append(
        ServiceSpan(
          service: span.service == RequestTable.otherService ? Self.otherServices : service(Int(span.service)),
          // Offsets are whole microseconds, rounded outwards: within the
          // request's exact bounds again.
          start: timed ? min(max(r.firstSeen + Int64(span.start) * 1000, low), high) : .max,
          end: timed ? max(min(r.firstSeen + Int64(span.end) * 1000, high), low) : .min,
          events: Int(span.events), failed: r.spanFailed & (1 << UInt8(k)) != 0, wholeSecond: wholeSecond))
    }
  }
}
