/// Gives each distinct byte string a small integer id, storing the bytes
/// once. Lookups hash the bytes and compare in place: no String, no
/// allocation per lookup. The number of ids is capped by the caller.
package struct Interner: Sendable {
  private var bytes: [UInt8] = []
  private var starts: [Int32] = [0]
  private var hashes: [UInt64] = []
  /// Open addressing: id + 1, or 0 for an empty slot.
  private var slots: [Int32]

  package init(capacity: Int = 64) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    slots = Array(repeating: 0, count: size)
  }

  package var count: Int { hashes.count }

  /// The bytes of an id.
  package func key(_ id: Int) -> ArraySlice<UInt8> {
    bytes[Int(starts[id])..<Int(starts[id + 1])]
  }

  package func string(_ id: Int) -> String { makeString(key(id)) }

  /// The id of `key`, or nil when it has none yet.
  @inline(__always)
  package func find(_ key: UnsafeRawBufferPointer) -> Int? {
    find(key, hash: Self.hash(key))
  }

  @inline(__always)
  private func find(_ key: UnsafeRawBufferPointer, hash: UInt64) -> Int? {
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let entry = slots[slot]
      if entry == 0 { return nil }
      let id = Int(entry - 1)
      if hashes[id] == hash && equals(id, key) { return id }
      slot = (slot + 1) & mask
    }
  }

  /// Whether `id`'s bytes are `key`'s.
  @inline(__always)
  func equals(_ id: Int, _ key: UnsafeRawBufferPointer) -> Bool {
    let start = Int(starts[id])
    let length = Int(starts[id + 1]) - start
    guard length == key.count else { return false }
    guard length > 0 else { return true }
    return bytes.withUnsafeBufferPointer { stored in
      memoryEquals(stored.baseAddress! + start, key.baseAddress!.assumingMemoryBound(to: UInt8.self), length)
    }
  }

  /// The id of `key`, adding it when new.
  @inline(__always)
  package mutating func intern(_ key: UnsafeRawBufferPointer) -> Int {
    let hash = Self.hash(key)
    if let id = find(key, hash: hash) { return id }
    return insert(key, hash: hash)
  }

  /// The id of `key` in a table of at most `limit` keys: a new key of a full
  /// table gets the id of "(other)" (added past the limit if need be).
  /// `added`: the id is new (the caller grows its per-id arrays); `folded`:
  /// the key went to "(other)".
  @inline(__always)
  package mutating func intern(_ key: UnsafeRawBufferPointer, limit: Int) -> (id: Int, added: Bool, folded: Bool) {
    if let id = find(key) { return (id, false, false) }
    if count < limit { return (intern(key), true, false) }
    return Array(Self.otherKey.utf8).withUnsafeBytes { other in
      if let id = find(other) { return (id, false, true) }
      return (intern(other), true, true)
    }
  }

  /// What a capped table calls the keys it had no room for.
  package static let otherKey = "(other)"

  private mutating func insert(_ key: UnsafeRawBufferPointer, hash: UInt64) -> Int {
    let id = hashes.count
    bytes.append(contentsOf: key)
    starts.append(Int32(bytes.count))
    hashes.append(hash)
    if hashes.count * 2 > slots.count { rehash(slots.count * 2) } else { place(id, hash: hash) }
    return id
  }

  private mutating func place(_ id: Int, hash: UInt64) {
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while slots[slot] != 0 { slot = (slot + 1) & mask }
    slots[slot] = Int32(id + 1)
  }

  private mutating func rehash(_ size: Int) {
    slots = Array(repeating: 0, count: size)
    for id in 0..<hashes.count { place(id, hash: hashes[id]) }
  }

  /// A fast 64-bit hash of bytes (multiply-mix over 8-byte words).
  @inline(__always)
  package static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
    guard let base = key.baseAddress else { return h }
    var i = 0
    let n = key.count
    while i + 8 <= n {
      h = (h ^ base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
      h ^= h >> 31
      i += 8
    }
    if i < n {
      // The last n - i bytes as a little-endian word, in at most three
      // loads: one overlapping the previous word, or 4 + 2 + 1 bytes.
      var tail: UInt64
      if n >= 8 {
        tail =
          UInt64(littleEndian: base.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self))
          >> (8 &* UInt64(8 &- (n &- i)))
      } else {
        tail = 0
        var k = 0
        if n & 4 != 0 {
          tail = UInt64(UInt32(littleEndian: base.loadUnaligned(as: UInt32.self)))
          k = 4
        }
        if n & 2 != 0 {
          tail |=
            UInt64(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: k, as: UInt16.self))) << (8 &* UInt64(k))
          k &+= 2
        }
        if n & 1 != 0 { tail |= UInt64(base.load(fromByteOffset: k, as: UInt8.self)) << (8 &* UInt64(k)) }
      }
      h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
      h ^= h >> 29
    }
    return h &* 0xBF58_476D_1CE4_E5B9 ^ (h >> 32)
  }
}
