/// The open requests of one worker, keyed by id: fixed-size records in one
/// array (with a free list), ids and user ids in one byte arena (compacted
/// when half of it is dead), an open-addressing index, and a queue in the
/// order requests were last seen, which finds the idle and the oldest
/// without scanning the table.
struct RequestTable {
  struct Record {
    var hash: UInt64 = 0
    var idStart: Int32 = 0
    var idLength: Int32 = 0
    var userStart: Int32 = 0
    /// -1: no user id.
    var userLength: Int32 = -1
    /// Nanoseconds; span offsets are microseconds from here.
    var base: Int64 = 0
    var firstSeen = Int64.max
    var lastSeen = Int64.min
    var newest = Int64.min
    var start = Int64.max
    var end = Int64.min
    var entryStart = Int64.max
    /// The sink's route id, or -1.
    var entryRoute: Int32 = -1
    var events: Int32 = 0
    /// -1: none.
    var entryStatus: Int16 = -1
    var maxStatus: Int16 = -1
    var failed = false
    /// Opened at the start of a unit: it may continue a request of the
    /// previous unit, so it is handed on rather than completed here.
    var edge = false
    var spanCount: UInt8 = 0
    var generation: UInt32 = 0
    /// Holds data (until released).
    var live = false
    /// In the index (open, not yet completed).
    var linked = false
  }

  /// A service's part of a record: offsets in microseconds from the
  /// record's base (`start > end`: no timed event yet).
  struct Span {
    var service: UInt16 = 0
    var events: UInt16 = 0
    var failed = false
    var start = Int32.max
    var end = Int32.min
  }

  struct QueueEntry {
    var record: Int32
    var generation: UInt32
    /// The record's newest event time when queued.
    var key: Int64
  }

  static let spanStride = RequestTrack.maxServices
  static let otherService = UInt16.max

  private(set) var records: [Record] = []
  var spans: [Span] = []
  private var free: [Int32] = []
  private var slots = [Int32](repeating: 0, count: 1024)
  private(set) var count = 0
  private(set) var bytes: [UInt8] = []
  private var deadBytes = 0
  /// A ring buffer; its size is a power of two.
  private var queue = [QueueEntry](repeating: QueueEntry(record: 0, generation: 0, key: 0), count: 1024)
  private var queueHead = 0
  private var queueCount = 0

  subscript(record: Int32) -> Record {
    _read { yield records[Int(record)] }
    _modify { yield &records[Int(record)] }
  }

  /// The record of `id`, or nil.
  @inline(__always)
  func find(_ id: UnsafeRawBufferPointer, hash: UInt64) -> Int32? {
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let entry = slots[slot]
      if entry == 0 { return nil }
      let record = Int(entry - 1)
      if records[record].hash == hash && equals(record, id) { return entry - 1 }
      slot = (slot + 1) & mask
    }
  }

  @inline(__always)
  private func equals(_ record: Int, _ id: UnsafeRawBufferPointer) -> Bool {
    let length = Int(records[record].idLength)
    guard length == id.count else { return false }
    guard length > 0 else { return true }
    let start = Int(records[record].idStart)
    return bytes.withUnsafeBufferPointer { stored in
      memoryEquals(stored.baseAddress! + start, id.baseAddress!.assumingMemoryBound(to: UInt8.self), length)
    }
  }

  /// Opens a record for `id` (not present), queued under `key`.
  mutating func insert(_ id: UnsafeRawBufferPointer, hash: UInt64, user: UnsafeRawBufferPointer?, key: Int64) -> Int32 {
    if (count + 1) * 2 > slots.count { grow() }
    let record: Int32
    if let reused = free.popLast() {
      record = reused
    } else {
      record = Int32(records.count)
      records.append(Record())
      spans.append(contentsOf: repeatElement(Span(), count: Self.spanStride))
    }
    var fresh = Record()
    fresh.generation = records[Int(record)].generation
    fresh.live = true
    fresh.linked = true
    fresh.hash = hash
    fresh.idStart = Int32(bytes.count)
    fresh.idLength = Int32(id.count)
    Self.append(id, to: &bytes)
    if let user {
      fresh.userStart = Int32(bytes.count)
      fresh.userLength = Int32(user.count)
      Self.append(user, to: &bytes)
    }
    records[Int(record)] = fresh
    place(record, hash: hash)
    count += 1
    push(record, key: key)
    return record
  }

  /// Gives a record the user id it did not have.
  mutating func setUser(_ record: Int32, _ user: UnsafeRawBufferPointer) {
    records[Int(record)].userStart = Int32(bytes.count)
    records[Int(record)].userLength = Int32(user.count)
    Self.append(user, to: &bytes)
  }

  /// Appends raw bytes (the generic `append(contentsOf:)` goes element by element).
  @inline(__always)
  private static func append(_ source: UnsafeRawBufferPointer, to bytes: inout [UInt8]) {
    guard let base = source.baseAddress, source.count > 0 else { return }
    bytes.append(contentsOf: UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: source.count))
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
    var slot = Int(truncatingIfNeeded: records[Int(record)].hash) & mask
    while slots[slot] != record + 1 { slot = (slot + 1) & mask }
    // Backward-shift deletion: no tombstones.
    var hole = slot
    var next = slot
    while true {
      next = (next + 1) & mask
      let entry = slots[next]
      if entry == 0 { break }
      let home = Int(truncatingIfNeeded: records[Int(entry - 1)].hash) & mask
      let stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next)
      if stays { continue }
      slots[hole] = entry
      hole = next
    }
    slots[hole] = 0
    records[Int(record)].linked = false
    count -= 1
  }

  /// Frees an unlinked record's slot and bytes.
  mutating func release(_ record: Int32) {
    deadBytes += Int(records[Int(record)].idLength) + max(0, Int(records[Int(record)].userLength))
    records[Int(record)].live = false
    records[Int(record)].generation &+= 1
    free.append(record)
    if deadBytes > 1 << 20 && deadBytes * 2 > bytes.count { compact() }
  }

  /// The records still open (in the index).
  var openRecords: [Int32] { (0..<records.count).filter { records[$0].linked }.map(Int32.init) }

  /// Empties the table (keeping its storage).
  mutating func reset() {
    records.removeAll(keepingCapacity: true)
    spans.removeAll(keepingCapacity: true)
    free.removeAll(keepingCapacity: true)
    for k in slots.indices { slots[k] = 0 }
    bytes.removeAll(keepingCapacity: true)
    deadBytes = 0
    count = 0
    queueHead = 0
    queueCount = 0
  }

  func id(_ record: Int32) -> ArraySlice<UInt8> {
    let r = records[Int(record)]
    return bytes[Int(r.idStart)..<Int(r.idStart + r.idLength)]
  }

  func user(_ record: Int32) -> ArraySlice<UInt8>? {
    let r = records[Int(record)]
    guard r.userLength >= 0 else { return nil }
    return bytes[Int(r.userStart)..<Int(r.userStart + r.userLength)]
  }

  // MARK: The queue

  /// Queues a record under `key` (its newest event time, or the watermark).
  mutating func push(_ record: Int32, key: Int64) {
    if queueCount == queue.count {
      let old = queue
      queue = [QueueEntry](repeating: QueueEntry(record: 0, generation: 0, key: 0), count: old.count * 2)
      for k in 0..<queueCount { queue[k] = old[(queueHead + k) & (old.count - 1)] }
      queueHead = 0
    }
    queue[(queueHead + queueCount) & (queue.count - 1)] = QueueEntry(
      record: record, generation: records[Int(record)].generation, key: key)
    queueCount += 1
  }

  /// The oldest queue entry whose record is still the one queued.
  mutating func front() -> QueueEntry? {
    while queueCount > 0 {
      let entry = queue[queueHead]
      let record = records[Int(entry.record)]
      if record.linked && record.generation == entry.generation { return entry }
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
    while slots[slot] != 0 { slot = (slot + 1) & mask }
    slots[slot] = record + 1
  }

  private mutating func grow() {
    slots = [Int32](repeating: 0, count: slots.count * 2)
    for record in records.indices where records[record].linked {
      place(Int32(record), hash: records[record].hash)
    }
  }

  private mutating func compact() {
    var kept: [UInt8] = []
    kept.reserveCapacity(bytes.count - deadBytes)
    for k in records.indices where records[k].live {
      let r = records[k]
      records[k].idStart = Int32(kept.count)
      kept.append(contentsOf: bytes[Int(r.idStart)..<Int(r.idStart + r.idLength)])
      if r.userLength >= 0 {
        records[k].userStart = Int32(kept.count)
        kept.append(contentsOf: bytes[Int(r.userStart)..<Int(r.userStart + r.userLength)])
      }
    }
    bytes = kept
    deadBytes = 0
  }
}
