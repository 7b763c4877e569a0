/// Turns a request into its route: `GET /api/orders/8412?expand=1` becomes
/// `GET /api/orders/:id`. The query string and fragment are dropped and path
/// segments that are ids are folded to `:id`:
/// - all digits (`8412`);
/// - a UUID (`3f2a...-...`);
/// - hexadecimal of 8 or more characters with a digit (hashes, object ids);
/// - a prefixed id: letters, `_`, then 4 or more letters or digits with a
///   digit (`req_8f2c`, `usr_19ab`);
/// - a token of 20 or more letters, digits, `-` or `_` with a digit;
/// - anything with an `@` (an email address or user@host).
package enum RouteFolder {
  /// Routes are report keys: longer ones are cut to this many bytes.
  package static let maxLength = 200

  /// Writes the route for `method` (may be empty) and `path` into `out`.
  package static func fold(method: UnsafeRawBufferPointer?, path: UnsafeRawBufferPointer, into out: inout [UInt8]) {
    out.removeAll(keepingCapacity: true)
    withUnsafeTemporaryAllocation(byteCount: maxLength, alignment: 1) { buffer in
      let count = fold(method: method, path: path, into: buffer)
      out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
    }
  }

  /// Writes the route into `buffer` (at least `maxLength` bytes) and returns
  /// its length: the hot path's form, with no array to grow or check.
  @inline(__always)
  package static func fold(
    method: UnsafeRawBufferPointer?, path: UnsafeRawBufferPointer, into buffer: UnsafeMutableRawBufferPointer
  ) -> Int {
    precondition(buffer.count >= maxLength, "Invalid arguments: a route buffer holds at least maxLength bytes")
    var out = Output(base: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self))
    if let method, method.count > 0 {
      for byte in method.prefix(16) {
        out.put(byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte)
      }
      out.put(UInt8(ascii: " "))
    }
    let n = path.count
    guard n > 0, let base = path.baseAddress else {
      out.put(UInt8(ascii: "/"))
      return out.count
    }
    let p = base.assumingMemoryBound(to: UInt8.self)
    var start = 0
    if p[0] != UInt8(ascii: "/") {
      // A full URL: keep from the path on.
      var end = n
      for i in 0..<n where p[i] == UInt8(ascii: "?") || p[i] == UInt8(ascii: "#") {
        end = i
        break
      }
      if let schemeEnd = findSchemeEnd(path, end) {
        start = schemeEnd
        while start < end && p[start] != UInt8(ascii: "/") { start += 1 }
      }
    }
    if start == n || p[start] == UInt8(ascii: "?") || p[start] == UInt8(ascii: "#") {
      out.put(UInt8(ascii: "/"))
      return out.count
    }
    // One pass: each segment up to the next '/', or to the query or
    // fragment, where the path ends.
    var i = start
    while !out.isFull {
      let segmentStart = i
      // The segment's end and its classes of bytes, in the same pass (see
      // `isIdentifier`, which this agrees with).
      var shape = SegmentShape()
      while true {
        if i &+ 8 <= n {
          // Eight bytes at once while they are letters and digits, up to
          // the first that is not; that one goes byte by byte.
          let plain = shape.addPlain(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
          i &+= plain
          if plain == 8 { continue }
        }
        guard i < n && shape.add(p[i], at: i &- segmentStart) else { break }
        i &+= 1
      }
      let segment = UnsafeRawBufferPointer(start: p + segmentStart, count: i &- segmentStart)
      if shape.isIdentifier(segment) {
        out.put(UInt8(ascii: ":"))
        out.put(UInt8(ascii: "i"))
        out.put(UInt8(ascii: "d"))
      } else {
        out.put(segment)
      }
      guard i < n && p[i] == UInt8(ascii: "/") else { break }
      out.put(UInt8(ascii: "/"))
      i &+= 1
    }
    return out.count
  }

  /// The route being written: bytes past `maxLength` are dropped.
  private struct Output {
    let base: UnsafeMutablePointer<UInt8>
    var count = 0

    var isFull: Bool { count == RouteFolder.maxLength }

    @inline(__always)
    mutating func put(_ byte: UInt8) {
      guard count < RouteFolder.maxLength else { return }
      base[count] = byte
      count &+= 1
    }

    @inline(__always)
    mutating func put(_ bytes: UnsafeRawBufferPointer) {
      let n = min(bytes.count, RouteFolder.maxLength &- count)
      guard n > 0 else { return }
      let source = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
      if n <= 16 {
        // Most segments are short words: no call to memmove.
        for k in 0..<n { base[count &+ k] = source[k] }
      } else {
        (base + count).update(from: source, count: n)
      }
      count &+= n
    }
  }

  private static func findSchemeEnd(_ path: UnsafeRawBufferPointer, _ end: Int) -> Int? {
    guard end > 3, path[0] != UInt8(ascii: "/") else { return nil }
    var i = 0
    while i + 2 < end && i < 16 {
      if path[i] == UInt8(ascii: ":") && path[i + 1] == UInt8(ascii: "/") && path[i + 2] == UInt8(ascii: "/") {
        return i + 3
      }
      i += 1
    }
    return nil
  }

  /// True for a path segment that names one object rather than a resource.
  @inline(__always)
  package static func isIdentifier(_ segment: UnsafeRawBufferPointer) -> Bool {
    guard let base = segment.baseAddress else { return false }
    let p = base.assumingMemoryBound(to: UInt8.self)
    var shape = SegmentShape()
    // A byte that would end a segment in a path is just another byte here.
    for i in 0..<segment.count where !shape.add(p[i], at: i) { shape.other = true }
    return shape.isIdentifier(segment)
  }

  /// What an id test needs to know of a segment's bytes, gathered byte by
  /// byte.
  struct SegmentShape {
    var digits = 0
    var hex = 0
    var underscoreAt = -1
    var digitBeforeUnderscore = false
    /// An `@` anywhere: an email address or user@host.
    var email = false
    /// A byte that is not a letter, digit, `_`, `-` or `@`.
    var other = false

    /// Counts byte `c` at offset `i`; false, and not counted, for a byte
    /// that ends a path segment (`/`, `?`, `#`).
    @inline(__always)
    mutating func add(_ c: UInt8, at i: Int) -> Bool {
      // Letters and digits, nearly every byte of a path, without a branch
      // between the two: a path like `/api/orders/8412` alternates between
      // them, and a branch there was mispredicted at every change.
      // (x - n) >> 31 is 1 when x < n, as a number rather than a branch.
      let digit = (UInt32(c &- UInt8(ascii: "0")) &- 10) >> 31
      let letter = UInt32((c | 0x20) &- UInt8(ascii: "a"))
      guard digit | ((letter &- 26) >> 31) != 0 else { return addOther(c, at: i) }
      digits &+= Int(digit)
      hex &+= Int(digit | ((letter &- 6) >> 31))
      return true
    }

    /// Counts the letters and digits `word` (eight bytes of the path, in
    /// memory order) starts with, as `add` would, and returns how many
    /// there are.
    @inline(__always)
    mutating func addPlain(_ word: UInt64) -> Int {
      let word = UInt64(littleEndian: word)
      let high: UInt64 = 0x8080_8080_8080_8080
      let ascii = word & 0x7F7F_7F7F_7F7F_7F7F
      let lower = ascii | 0x2020_2020_2020_2020
      // Per byte, with no carry into the next (each sum stays below 0x100):
      // the high bit of x + (0x80 - lo) is set when x >= lo, that of
      // x + (0x7F - hi) when x > hi.
      let notASCII = word & high
      let digit = (ascii &+ 0x5050_5050_5050_5050) & ~(ascii &+ 0x4646_4646_4646_4646) & ~notASCII & high
      let atLeastA = lower &+ 0x1F1F_1F1F_1F1F_1F1F
      let letter = atLeastA & ~(lower &+ 0x0505_0505_0505_0505) & ~notASCII & high
      let hexLetter = atLeastA & ~(lower &+ 0x1919_1919_1919_1919) & ~notASCII & high
      let other = ~(digit | letter) & high
      // The bytes before the first other one.
      let kept = other == 0 ? UInt64.max : (UInt64(1) << UInt64(other.trailingZeroBitCount)) &- 1
      digits &+= Self.countFlags(digit & kept)
      hex &+= Self.countFlags((digit | hexLetter) & kept)
      return other == 0 ? 8 : other.trailingZeroBitCount &>> 3
    }

    /// How many bytes of `flags` have their high bit set (no other bit
    /// is): the sum of the bytes' top bits, made in the top byte by one
    /// multiplication (the baseline x86-64 has no population count).
    @inline(__always)
    static func countFlags(_ flags: UInt64) -> Int {
      Int(((flags &>> 7) &* 0x0101_0101_0101_0101) &>> 56)
    }

    /// `add` for a byte that is neither a letter nor a digit.
    private mutating func addOther(_ c: UInt8, at i: Int) -> Bool {
      if c == UInt8(ascii: "/") || c == UInt8(ascii: "?") || c == UInt8(ascii: "#") {
        return false
      } else if c == UInt8(ascii: "_") {
        if underscoreAt < 0 {
          underscoreAt = i
          digitBeforeUnderscore = digits > 0
        }
      } else if c == UInt8(ascii: "@") {
        // An email address (or user@host) in a path names one person:
        // folded, so that it never reaches a report.
        email = true
      } else if c != UInt8(ascii: "-") {
        other = true
      }
      return true
    }

    @inline(__always)
    func isIdentifier(_ segment: UnsafeRawBufferPointer) -> Bool {
      if email { return true }
      let n = segment.count
      if other || digits == 0 { return false }
      if digits == n { return true }
      // A UUID: dashes at 8, 13, 18 and 23, and (with no other byte that
      // is not a letter or digit) 32 hex digits around them.
      if n == 36 && hex == 32 {
        let s = segment.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let dash = UInt8(ascii: "-")
        if s[8] == dash && s[13] == dash && s[18] == dash && s[23] == dash { return true }
      }
      if hex == n && n >= 8 { return true }
      if underscoreAt > 0 && n &- underscoreAt &- 1 >= 4 && !digitBeforeUnderscore { return true }
      return n >= 20
    }
  }
}
