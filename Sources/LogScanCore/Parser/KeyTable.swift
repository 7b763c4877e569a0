/// Maps JSON key paths to fields, for the scanner to look keys up in place.
///
/// The table is a tree: node 0 is the top-level object; a key can bind a
/// field, lead to a child node (a nested object whose keys are looked up in
/// turn), or both. Lookups hash the key's length and first and last bytes
/// into a bucket and compare bytes only on a hash hit, so keys the analysis
/// does not need cost a few instructions each.
///
/// Built once, then read-only: `freeze()` lays it out in flat buffers the
/// scanner reads without bounds checks or reference counting.
package struct KeyTable: Sendable {
  package struct Entry: Sendable {
    var keyStart: Int32
    var keyLength: Int32
    var binding: FieldBinding?
    var child: Int32
    var next: Int32
    /// Bits of the format markers this key is part of, as two words (a
    /// `UInt128` field would align the entry to 16 bytes and grow it).
    var markersLow: UInt64 = 0
    var markersHigh: UInt64 = 0
  }

  static let bucketCount = 256
  private var keyBytes: [UInt8] = []
  private var entries: [Entry] = []
  /// `nodeCount * bucketCount` heads of entry chains, -1 when empty.
  private var buckets: [Int32] = []
  package private(set) var nodeCount = 0

  package init() {
    _ = addNode()
  }

  /// The root node: the line's top-level object.
  package static let root: Int32 = 0

  private mutating func addNode() -> Int32 {
    buckets.append(contentsOf: [Int32](repeating: -1, count: Self.bucketCount))
    nodeCount += 1
    return Int32(nodeCount - 1)
  }

  @inline(__always)
  static func bucket(_ start: UnsafePointer<UInt8>, _ length: Int) -> Int {
    guard length > 0 else { return 0 }
    let hash = length &* 31 &+ Int(start[0]) &* 7 &+ Int(start[length - 1])
    return hash & (bucketCount - 1)
  }

  /// Binds `path` (keys from the top-level object down) to `binding`.
  /// Binding the same path twice keeps the first.
  package mutating func bind(_ path: [String], to binding: FieldBinding) {
    precondition(!path.isEmpty, "Invalid arguments: a key path needs at least one key")
    var node = Self.root
    for (index, key) in path.enumerated() {
      let entry = findOrAdd(node: node, key: Array(key.utf8))
      if index == path.count - 1 {
        if entries[entry].binding == nil { entries[entry].binding = binding }
      } else {
        if entries[entry].child < 0 { entries[entry].child = addNode() }
        node = entries[entry].child
      }
    }
  }

  /// Marks `path` as a marker key with the given bit (see `LogFormat`).
  package mutating func mark(_ path: [String], bit: Int) {
    precondition(
      !path.isEmpty && bit < MarkerBits.bitWidth,
      "Invalid arguments: a marker needs a key path and a bit below \(MarkerBits.bitWidth)")
    var node = Self.root
    for (index, key) in path.enumerated() {
      let entry = findOrAdd(node: node, key: Array(key.utf8))
      if index == path.count - 1 {
        if bit < 64 {
          entries[entry].markersLow |= 1 << UInt64(bit)
        } else {
          entries[entry].markersHigh |= 1 << UInt64(bit - 64)
        }
      } else {
        if entries[entry].child < 0 { entries[entry].child = addNode() }
        node = entries[entry].child
      }
    }
  }

  private mutating func findOrAdd(node: Int32, key: [UInt8]) -> Int {
    var index = key.withUnsafeBufferPointer {
      buckets[Int(node) * Self.bucketCount + Self.bucket($0.baseAddress!, $0.count)]
    }
    while index >= 0 {
      let entry = entries[Int(index)]
      if Array(keyBytes[Int(entry.keyStart)..<Int(entry.keyStart + entry.keyLength)]) == key {
        return Int(index)
      }
      index = entry.next
    }
    let slot = key.withUnsafeBufferPointer { Int(node) * Self.bucketCount + Self.bucket($0.baseAddress!, $0.count) }
    entries.append(
      Entry(
        keyStart: Int32(keyBytes.count), keyLength: Int32(key.count), binding: nil, child: -1,
        next: buckets[slot]))
    keyBytes.append(contentsOf: key)
    buckets[slot] = Int32(entries.count - 1)
    return entries.count - 1
  }

  /// The table laid out for the scanner.
  package func freeze() -> FrozenKeyTable { FrozenKeyTable(keyBytes: keyBytes, entries: entries, buckets: buckets) }
}

/// A `KeyTable` in flat, immutable buffers.
package final class FrozenKeyTable: @unchecked Sendable {
  private let keyBytes: UnsafeMutablePointer<UInt8>
  private let entries: UnsafeMutablePointer<KeyTable.Entry>
  private let buckets: UnsafeMutablePointer<Int32>

  init(keyBytes: [UInt8], entries: [KeyTable.Entry], buckets: [Int32]) {
    self.keyBytes = .allocate(capacity: max(1, keyBytes.count))
    self.keyBytes.initialize(from: keyBytes, count: keyBytes.count)
    self.entries = .allocate(capacity: max(1, entries.count))
    self.entries.initialize(from: entries, count: entries.count)
    self.buckets = .allocate(capacity: buckets.count)
    self.buckets.initialize(from: buckets, count: buckets.count)
  }

  deinit {
    keyBytes.deallocate()
    entries.deallocate()
    buckets.deallocate()
  }

  /// The entry of `key` in `node`, or nil.
  @inline(__always)
  package func lookup(node: Int32, key: UnsafePointer<UInt8>, length: Int) -> UnsafePointer<KeyTable.Entry>? {
    var index = buckets[Int(node) &* KeyTable.bucketCount &+ KeyTable.bucket(key, length)]
    while index >= 0 {
      let entry = entries + Int(index)
      if Int(entry.pointee.keyLength) == length
        && memoryEquals(keyBytes + Int(entry.pointee.keyStart), key, length)
      {
        return UnsafePointer(entry)
      }
      index = entry.pointee.next
    }
    return nil
  }
}

extension KeyTable.Entry {
  package var fieldBinding: FieldBinding? { binding }
  package var childNode: Int32 { child }
  package var markerBits: MarkerBits { MarkerBits(markersHigh) << 64 | MarkerBits(markersLow) }
}

/// At most 16 bytes as two words, zero-padded: with their count, that is
/// all of them (the two loads overlap when there are fewer than their sum).
/// The memo of text tests and the level cache key values by it.
@inline(__always)
func shortBytesAsWords(_ value: UnsafeRawPointer, _ count: Int) -> (UInt64, UInt64) {
  if count >= 8 {
    return (value.loadUnaligned(as: UInt64.self), value.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self))
  }
  if count >= 4 {
    let low = UInt64(value.loadUnaligned(as: UInt32.self))
    return (low | UInt64(value.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)) << 32, 0)
  }
  var low: UInt64 = 0
  for i in 0..<count { low |= UInt64(value.load(fromByteOffset: i, as: UInt8.self)) << (8 &* UInt64(i)) }
  return (low, 0)
}

/// The first 8 bytes of `text` as `shortBytesAsWords` reads them: the
/// word to compare a value's with.
func littleEndianWord(_ text: String) -> UInt64 {
  var word: UInt64 = 0
  for (i, byte) in text.utf8.prefix(8).enumerated() { word |= UInt64(byte) << (8 * UInt64(i)) }
  return word
}

/// `byte` with an ASCII capital made small.
@inline(__always)
func asciiLowercased(_ byte: UInt8) -> UInt8 { byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte }

/// Whether `bytes` are one of `words` (lowercase ASCII), ignoring ASCII case.
func isOneOf(_ bytes: UnsafeRawBufferPointer, ignoringCase words: [[UInt8]]) -> Bool {
  words.contains { word in word.count == bytes.count && zip(word, bytes).allSatisfy { $0 == asciiLowercased($1) } }
}

@inline(__always)
func memoryEquals(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
  var i = 0
  while i &+ 8 <= count {
    if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self)
      != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self)
    {
      return false
    }
    i &+= 8
  }
  // The tail in at most three loads instead of a byte loop: most keys are
  // shorter than eight bytes.
  if count &- i >= 4 {
    if UnsafeRawPointer(a + i).loadUnaligned(as: UInt32.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt32.self)
    {
      return false
    }
    i &+= 4
  }
  if count &- i >= 2 {
    if UnsafeRawPointer(a + i).loadUnaligned(as: UInt16.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt16.self)
    {
      return false
    }
    i &+= 2
  }
  return count &- i == 0 || a[i] == b[i]
}
