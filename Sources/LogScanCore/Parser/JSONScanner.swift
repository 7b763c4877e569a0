internal import CShims

/// The kind of a JSON value captured for a field.
package enum ValueKind: UInt8, Sendable {
  case string, number, bool, null, container
}

/// Where a field's value sits in the current line. For strings, `start..<end`
/// excludes the quotes.
package struct Capture: Sendable {
  package var start: Int32 = 0
  package var end: Int32 = 0
  package var kind: ValueKind = .null
  /// The string contains escapes and must be decoded before use.
  package var escaped = false
  package var unit: ValueUnit = .automatic
  package var levelScale: LevelScale = .pino
  package var priority: UInt8 = 0
}

/// A validating, on-demand JSON object scanner working on raw bytes.
///
/// `scan` checks that a line is exactly one JSON object (RFC 8259: strings,
/// escapes, numbers, literals, nesting up to `maxDepth`) and records, for the
/// keys bound in its `KeyTable`, where their values sit. It builds no tree
/// and allocates nothing per line. Invalid UTF-8 inside strings is accepted
/// and flagged (it is repaired when the text is shown); anywhere else it is a
/// syntax error.
///
/// Objects that hold bound keys are walked member by member; every other
/// nested value is validated by `skipContainer` without key lookups.
package struct JSONScanner: ~Copyable {
  /// The keys looked up; swapped when a stream changes format.
  package var table: FrozenKeyTable {
    didSet { shapes.clear() }
  }
  package let maxDepth: Int
  private let captures: UnsafeMutablePointer<Capture>
  /// The keys recent lines had at each position of the top-level object.
  private let shapes = KeyShapes()
  /// Bit `f` set when field `f` was captured in the current line.
  package private(set) var found: UInt32 = 0
  /// The current line has invalid UTF-8 inside a string.
  package private(set) var sawInvalidUTF8 = false
  /// Marker bits of the keys seen in the current line (see `LogFormat`).
  package private(set) var markers: MarkerBits = 0

  package init(table: KeyTable, maxDepth: Int = 64) {
    self.init(frozen: table.freeze(), maxDepth: maxDepth)
  }

  package init(frozen table: FrozenKeyTable, maxDepth: Int = 64) {
    precondition(maxDepth >= 1 && maxDepth <= 64, "Invalid arguments: maxDepth must be 1...64")
    self.table = table
    self.maxDepth = maxDepth
    captures = .allocate(capacity: Field.count)
    captures.initialize(repeating: Capture(), count: Field.count)
  }

  deinit {
    captures.deallocate()
  }

  @inline(__always)
  package func has(_ field: Field) -> Bool { found & (1 << UInt32(field.rawValue)) != 0 }

  @inline(__always)
  package func capture(_ field: Field) -> Capture { captures[field.rawValue] }

  /// Takes the state another scanner was left in by a line (the parse-ahead
  /// thread's): `captures` holds the captures of the `found` fields, in
  /// field order. Markers are not carried: they only choose the line's
  /// format, which that thread did.
  package mutating func load(found: UInt32, invalidUTF8: Bool, captures: UnsafePointer<Capture>?) {
    self.found = found
    markers = 0
    sawInvalidUTF8 = invalidUTF8
    var bits = found
    var k = 0
    while bits != 0, let captures {
      self.captures[bits.trailingZeroBitCount] = captures[k]
      k &+= 1
      bits &= bits &- 1
    }
  }

  /// The captures of the current line, by field (valid while the scanner is).
  package var allCaptures: UnsafePointer<Capture> { UnsafePointer(captures) }

  /// The outcome of scanning one line.
  package enum Outcome: Equatable {
    case object
    case blank
    case malformed(MalformedReason)
  }

  // Error codes of the inner functions (0: fine).
  private static let truncated: UInt8 = 1
  private static let controlCharacter: UInt8 = 2
  private static let invalidEscape: UInt8 = 3
  private static let invalidNumber: UInt8 = 4
  private static let invalidLiteral: UInt8 = 5
  private static let unexpectedByte: UInt8 = 6
  private static let tooDeep: UInt8 = 7

  private static func reason(_ code: UInt8) -> MalformedReason {
    switch code {
    case truncated: return .truncated
    case controlCharacter: return .controlCharacter
    case invalidEscape: return .invalidEscape
    case invalidNumber: return .invalidNumber
    case invalidLiteral: return .invalidLiteral
    case tooDeep: return .tooDeep
    default: return .unexpectedByte
    }
  }

  /// Scans one line (without its newline).
  package mutating func scan(_ line: UnsafeRawBufferPointer) -> Outcome {
    found = 0
    sawInvalidUTF8 = false
    markers = 0
    guard let raw = line.baseAddress, line.count > 0 else { return .blank }
    // Offsets in the line are kept in 32 bits; `ScanOptions.lineLimits`
    // keeps lines far shorter.
    guard line.count < Int(Int32.max) else { return .malformed(.unexpectedByte) }
    let p = raw.assumingMemoryBound(to: UInt8.self)
    let n = line.count
    // A UTF-8 byte order mark (Windows tools write one at the start of a
    // file) is ignored, as RFC 8259 allows.
    let start = n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF ? 3 : 0
    var i = skipWhitespace(p, n, start)
    guard i < n else { return .blank }
    guard p[i] == UInt8(ascii: "{") else { return .malformed(.notAnObject) }
    i &+= 1
    let code = scanObject(p, n, &i, node: KeyTable.root, depth: 1)
    guard code == 0 else { return .malformed(Self.reason(code)) }
    return skipWhitespace(p, n, i) == n ? .object : .malformed(.trailingData)
  }

  /// Scans the members of an object whose `{` was consumed, looking keys up
  /// in `node`; leaves `i` after the closing `}`.
  private mutating func scanObject(
    _ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int, node: Int32, depth: Int
  ) -> UInt8 {
    i = skipWhitespace(p, n, i)
    guard i < n else { return Self.truncated }
    if p[i] == UInt8(ascii: "}") {
      i &+= 1
      return 0
    }
    // The top-level object's member position, for `shapes`.
    var member = depth == 1 ? 0 : KeyShapes.positions
    while true {
      guard i < n else { return Self.truncated }
      guard p[i] == UInt8(ascii: "\"") else { return Self.unexpectedByte }
      let keyStart = i &+ 1
      let keyEnd: Int
      let entry: UnsafePointer<KeyTable.Entry>?
      if member < KeyShapes.positions, let slot = shapes.match(member, p + keyStart, n &- keyStart) {
        // The same key as at this position in a recent line: its bytes
        // were validated then, and its entry looked up.
        keyEnd = keyStart &+ shapes.length(slot)
        entry = shapes.entry(slot)
      } else {
        var keyFlags: UInt8 = 0
        keyEnd = Self.scanString(p, n, keyStart, &keyFlags)
        guard keyEnd >= 0 else { return Self.stringError(keyEnd) }
        if keyFlags & 2 != 0 { sawInvalidUTF8 = true }
        let escaped = keyFlags & 1 != 0
        entry =
          escaped
          ? lookupEscapedKey(p + keyStart, keyEnd &- keyStart, node: node)
          : table.lookup(node: node, key: p + keyStart, length: keyEnd &- keyStart)
        if member < KeyShapes.positions && keyFlags == 0 {
          shapes.remember(member, p + keyStart, keyEnd &- keyStart, entry)
        }
      }
      member &+= 1
      let valueStart = Self.valueStart(p, n, afterKey: keyEnd)
      guard valueStart >= 0 else { return valueStart == -1 ? Self.truncated : Self.unexpectedByte }
      i = valueStart
      if let entry { markers |= entry.pointee.markerBits }
      let binding = entry?.pointee.fieldBinding
      let c = p[i]
      let start = i
      switch c {
      case UInt8(ascii: "\""):
        var valueFlags: UInt8 = 0
        let end = Self.scanString(p, n, i &+ 1, &valueFlags)
        guard end >= 0 else { return Self.stringError(end) }
        if valueFlags & 2 != 0 { sawInvalidUTF8 = true }
        if let binding { record(binding, start: i &+ 1, end: end, kind: .string, escaped: valueFlags & 1 != 0) }
        i = end &+ 1
      case UInt8(ascii: "{"):
        guard depth < maxDepth else { return Self.tooDeep }
        let child = entry?.pointee.childNode ?? -1
        // An object under a key with nested keys of its own is walked, not
        // taken as the field's value (GCP's {"timestamp":{"seconds":...}}).
        if let binding, child < 0 { record(binding, start: i, end: i &+ 1, kind: .container, escaped: false) }
        i &+= 1
        let code =
          child >= 0
          ? scanObject(p, n, &i, node: child, depth: depth &+ 1)
          : skipContainer(p, n, &i, depth: depth &+ 1, isArray: false)
        guard code == 0 else { return code }
      case UInt8(ascii: "["):
        guard depth < maxDepth else { return Self.tooDeep }
        if let binding { record(binding, start: i, end: i &+ 1, kind: .container, escaped: false) }
        i &+= 1
        let code = skipContainer(p, n, &i, depth: depth &+ 1, isArray: true)
        guard code == 0 else { return code }
      default:
        var kind = ValueKind.null
        let code = Self.scanScalar(p, n, &i, &kind)
        guard code == 0 else { return code }
        // A null is no value: it leaves the field unset.
        if let binding, kind != .null { record(binding, start: start, end: i, kind: kind, escaped: false) }
      }
      if Self.isCompactComma(p, n, i) {
        i &+= 1
        continue
      }
      i = skipWhitespace(p, n, i)
      guard i < n else { return Self.truncated }
      let next = p[i]
      i &+= 1
      if next == UInt8(ascii: ",") {
        i = skipWhitespace(p, n, i)
        continue
      }
      if next == UInt8(ascii: "}") { return 0 }
      return Self.unexpectedByte
    }
  }

  /// A comma at `i` with the next member right after it (compact JSON:
  /// no whitespace to skip).
  @inline(__always)
  private static func isCompactComma(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int) -> Bool {
    i &+ 1 < n && p[i] == UInt8(ascii: ",") && p[i &+ 1] > 0x20
  }

  /// Where the value after a key's closing quote (at `keyEnd`) starts: past
  /// the colon and any whitespace; -1 when the line ends first, -2 when
  /// no colon follows.
  @inline(__always)
  private static func valueStart(_ p: UnsafePointer<UInt8>, _ n: Int, afterKey keyEnd: Int) -> Int {
    if keyEnd &+ 2 < n && p[keyEnd &+ 1] == UInt8(ascii: ":") && p[keyEnd &+ 2] > 0x20 {
      // Compact JSON: the value right after the colon.
      return keyEnd &+ 2
    }
    var i = skipWhitespace(p, n, keyEnd &+ 1)
    guard i < n else { return -1 }
    guard p[i] == UInt8(ascii: ":") else { return -2 }
    i = skipWhitespace(p, n, i &+ 1)
    return i < n ? i : -1
  }

  /// A number or literal at `i`; leaves `i` after it.
  @inline(__always)
  private static func scanScalar(
    _ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int, _ kind: inout ValueKind
  ) -> UInt8 {
    switch p[i] {
    case UInt8(ascii: "t"):
      guard Self.matchLiteral(p, n, i, "true") else { return Self.literalError(p, n, i, 4) }
      i &+= 4
      kind = .bool
    case UInt8(ascii: "f"):
      guard Self.matchLiteral(p, n, i, "false") else { return Self.literalError(p, n, i, 5) }
      i &+= 5
      kind = .bool
    case UInt8(ascii: "n"):
      guard Self.matchLiteral(p, n, i, "null") else { return Self.literalError(p, n, i, 4) }
      i &+= 4
      kind = .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      let end = Self.scanNumber(p, n, i)
      guard end >= 0 else { return end == -1 ? Self.truncated : Self.invalidNumber }
      i = end
      kind = .number
    default:
      return Self.unexpectedByte
    }
    return 0
  }

  /// Validates the rest of a container whose opening bracket was consumed
  /// (`depth` is its depth), without looking keys up; leaves `i` after its
  /// closing bracket.
  private mutating func skipContainer(
    _ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int, depth startDepth: Int, isArray: Bool
  ) -> UInt8 {
    var depth = startDepth
    // Bit d set: the container at depth d is an array (depth <= 64).
    var arrayBits: UInt64 = isArray ? 1 << UInt64(depth &- 1) : 0
    // Expecting the first member of a container just opened.
    var opened = true
    while true {
      i = skipWhitespace(p, n, i)
      guard i < n else { return Self.truncated }
      let inArray = arrayBits & (1 << UInt64(depth &- 1)) != 0
      if opened {
        opened = false
        if p[i] == (inArray ? UInt8(ascii: "]") : UInt8(ascii: "}")) {
          i &+= 1
          depth &-= 1
          if depth < startDepth { return 0 }
          if let code = afterValue(p, n, &i, &depth, arrayBits, startDepth) {
            if code == 0 { return 0 }
            if code != 255 { return code }
          }
          continue
        }
      }
      if !inArray {
        // key
        guard p[i] == UInt8(ascii: "\"") else { return Self.unexpectedByte }
        var flags: UInt8 = 0
        let keyEnd = Self.scanString(p, n, i &+ 1, &flags)
        guard keyEnd >= 0 else { return Self.stringError(keyEnd) }
        if flags & 2 != 0 { sawInvalidUTF8 = true }
        let valueStart = Self.valueStart(p, n, afterKey: keyEnd)
        guard valueStart >= 0 else { return valueStart == -1 ? Self.truncated : Self.unexpectedByte }
        i = valueStart
      }
      // value
      let c = p[i]
      if c == UInt8(ascii: "\"") {
        var flags: UInt8 = 0
        let end = Self.scanString(p, n, i &+ 1, &flags)
        guard end >= 0 else { return Self.stringError(end) }
        if flags & 2 != 0 { sawInvalidUTF8 = true }
        i = end &+ 1
      } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
        guard depth < maxDepth else { return Self.tooDeep }
        depth &+= 1
        let bit: UInt64 = 1 << UInt64(depth &- 1)
        arrayBits = c == UInt8(ascii: "[") ? arrayBits | bit : arrayBits & ~bit
        i &+= 1
        opened = true
        continue
      } else {
        var kind = ValueKind.null
        let code = Self.scanScalar(p, n, &i, &kind)
        guard code == 0 else { return code }
      }
      if let code = afterValue(p, n, &i, &depth, arrayBits, startDepth) {
        if code == 0 { return 0 }
        if code != 255 { return code }
      }
    }
  }

  /// After a value inside `skipContainer`: consumes `,` (returns nil: next
  /// member) or closing brackets (returns 0 when the starting container
  /// closed, 255 when an inner one did and more follows), or an error code.
  @inline(__always)
  private func afterValue(
    _ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int, _ depth: inout Int, _ arrayBits: UInt64,
    _ startDepth: Int
  ) -> UInt8? {
    if Self.isCompactComma(p, n, i) {
      i &+= 1
      return nil
    }
    while true {
      i = skipWhitespace(p, n, i)
      guard i < n else { return Self.truncated }
      let c = p[i]
      let inArray = arrayBits & (1 << UInt64(depth &- 1)) != 0
      if c == UInt8(ascii: ",") {
        i &+= 1
        return nil
      }
      guard c == (inArray ? UInt8(ascii: "]") : UInt8(ascii: "}")) else { return Self.unexpectedByte }
      i &+= 1
      depth &-= 1
      if depth < startDepth { return 0 }
    }
  }

  @inline(__always)
  private mutating func record(
    _ binding: FieldBinding, start: Int, end: Int, kind: ValueKind, escaped: Bool
  ) {
    // A masking shift: fields are fewer than 32 (no check for more).
    let bit: UInt32 = 1 &<< UInt32(truncatingIfNeeded: binding.field.rawValue)
    let slot = captures + binding.field.rawValue
    // A key bound with a stronger (lower) priority keeps the field; among
    // equal ones the last wins, as in most JSON readers.
    if found & bit != 0 && slot.pointee.priority < binding.priority { return }
    found |= bit
    // Lines are shorter than 2 GiB (`scan`): offsets fit.
    slot.pointee = Capture(
      start: Int32(truncatingIfNeeded: start), end: Int32(truncatingIfNeeded: end), kind: kind, escaped: escaped,
      unit: binding.unit,
      levelScale: binding.levelScale, priority: binding.priority)
  }

  private func lookupEscapedKey(_ start: UnsafePointer<UInt8>, _ length: Int, node: Int32)
    -> UnsafePointer<KeyTable.Entry>?
  {
    let decoded = decodeJSONString(UnsafeRawBufferPointer(start: start, count: length), escaped: true)
    return decoded.withUnsafeBufferPointer { table.lookup(node: node, key: $0.baseAddress!, length: $0.count) }
  }

  @inline(__always)
  private static func stringError(_ code: Int) -> UInt8 {
    switch code {
    case -1: return Self.truncated
    case -2: return Self.controlCharacter
    default: return Self.invalidEscape
    }
  }

  private static func literalError(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int, _ length: Int) -> UInt8 {
    // A literal cut by the end of the line is truncation only when what is
    // there is a prefix of it.
    n &- i < length ? Self.truncated : Self.invalidLiteral
  }

  @inline(__always)
  private static func matchLiteral(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int, _ literal: StaticString) -> Bool {
    let length = literal.utf8CodeUnitCount
    guard n - i >= length else { return false }
    return memoryEquals(p + i, literal.utf8Start, length)
  }

  /// Scans a string body starting after its opening quote. Returns the index
  /// of the closing quote, or -1 (truncated), -2 (control character), -3
  /// (invalid escape). Sets bit 1 of `flags` when the string has a
  /// backslash, bit 2 when it has a byte sequence that is not UTF-8.
  ///
  /// The common case (plain ASCII up to the quote) is a few sixteen-byte
  /// steps (SIMD, `logscan_string_stops16`), then eight-byte ones near the
  /// end of the line, inlined; escapes and non-ASCII go to `scanStringRest`.
  @inline(__always)
  private static func scanString(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int, _ flags: inout UInt8) -> Int {
    var i = start
    while i &+ 16 <= n {
      let mask = logscan_string_stops16(p + i)
      if mask == 0 {
        i &+= 16
        continue
      }
      i &+= mask.trailingZeroBitCount
      if p[i] == UInt8(ascii: "\"") { return i }
      return Self.scanStringRest(p, n, i, &flags)
    }
    while i &+ 8 <= n {
      let word = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
      let quote = word ^ 0x2222_2222_2222_2222
      let backslash = word ^ 0x5C5C_5C5C_5C5C_5C5C
      let special =
        ((quote &- 0x0101_0101_0101_0101) & ~quote)
        | ((backslash &- 0x0101_0101_0101_0101) & ~backslash)
        | ((word &- 0x2020_2020_2020_2020) & ~word)
        | word
      let mask = special & 0x8080_8080_8080_8080
      if mask == 0 {
        i &+= 8
        continue
      }
      // The lowest flagged byte is always a real hit: borrows only move up.
      i &+= mask.trailingZeroBitCount &>> 3
      if p[i] == UInt8(ascii: "\"") { return i }
      return Self.scanStringRest(p, n, i, &flags)
    }
    return Self.scanStringRest(p, n, i, &flags)
  }

  /// The rest of `scanString`, byte by byte from `start` to the closing quote.
  private static func scanStringRest(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int, _ flags: inout UInt8) -> Int {
    var i = start
    while i < n {
      let c = p[i]
      if c == UInt8(ascii: "\"") { return i }
      if c == UInt8(ascii: "\\") {
        flags |= 1
        guard i &+ 1 < n else { return -1 }
        switch p[i &+ 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
          UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
          i &+= 2
        case UInt8(ascii: "u"):
          guard i &+ 6 <= n else { return -1 }
          guard isHex(p[i &+ 2]) && isHex(p[i &+ 3]) && isHex(p[i &+ 4]) && isHex(p[i &+ 5]) else {
            return -3
          }
          i &+= 6
        default:
          return -3
        }
      } else if c < 0x20 {
        return -2
      } else if c >= 0x80 {
        let length = validUTF8SequenceLength(p, n, i)
        if length == 0 {
          flags |= 2
          i &+= 1
        } else {
          i &+= length
        }
      } else {
        i &+= 1
      }
    }
    return -1
  }

  /// Scans a number; returns the index after it, -1 when the line ends inside
  /// it, -2 when it breaks the JSON number grammar.
  @inline(__always)
  private static func scanNumber(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int {
    var i = start
    if p[i] == UInt8(ascii: "-") {
      i += 1
      guard i < n else { return -1 }
    }
    guard isDigit(p[i]) else { return -2 }
    if p[i] == UInt8(ascii: "0") {
      i += 1
    } else {
      while i < n && isDigit(p[i]) { i += 1 }
    }
    if i < n && p[i] == UInt8(ascii: ".") {
      i += 1
      guard i < n else { return -1 }
      guard isDigit(p[i]) else { return -2 }
      while i < n && isDigit(p[i]) { i += 1 }
    }
    if i < n && (p[i] | 0x20) == UInt8(ascii: "e") {
      i += 1
      guard i < n else { return -1 }
      if p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") {
        i += 1
        guard i < n else { return -1 }
      }
      guard isDigit(p[i]) else { return -2 }
      while i < n && isDigit(p[i]) { i += 1 }
    }
    return i
  }
}

@inline(__always)
func skipWhitespace(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int {
  // Compact JSON has none: one comparison for the usual case.
  if start < n && p[start] > 0x20 { return start }
  var i = start
  while i < n {
    let c = p[i]
    guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { break }
    i += 1
  }
  return i
}

@inline(__always)
func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

@inline(__always)
func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20) &- UInt8(ascii: "a") < 6 }

/// The length of the well-formed UTF-8 sequence at `i` (RFC 3629: no
/// overlong forms, no surrogates, nothing above U+10FFFF), or 0.
@inline(__always)
func validUTF8SequenceLength(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int) -> Int {
  let c0 = p[i]
  @inline(__always) func continuation(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
    i + k < n && p[i + k] >= low && p[i + k] <= high
  }
  switch c0 {
  case 0xC2...0xDF:
    return continuation(1) ? 2 : 0
  case 0xE0:
    return continuation(1, 0xA0) && continuation(2) ? 3 : 0
  case 0xE1...0xEC, 0xEE...0xEF:
    return continuation(1) && continuation(2) ? 3 : 0
  case 0xED:
    return continuation(1, 0x80, 0x9F) && continuation(2) ? 3 : 0
  case 0xF0:
    return continuation(1, 0x90) && continuation(2) && continuation(3) ? 4 : 0
  case 0xF1...0xF3:
    return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
  case 0xF4:
    return continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : 0
  default:
    return 0
  }
}

/// The keys of the top-level object by position, as recent lines had them:
/// a line from the same logger has the same keys in the same order, so its
/// key at position `k` is checked against the remembered ones (its bytes and
/// the closing quote after them) instead of being scanned and looked up.
/// Only keys that were plain when remembered (no escape, no control byte,
/// valid UTF-8, no quote) are kept, so a match is the same key, already
/// validated, with the same entry. Four keys per position, the latest
/// first: logs mix shapes (a gateway's lines with the HTTP fields, a
/// service's with its own), and past the first key where two shapes
/// differ, every position sees the keys of each.
///
/// Each key is kept as a 32-byte pattern (its bytes, its closing quote,
/// zeros) with a mask over its length and quote: away from the end of the
/// line a match is two sixteen-byte compares (`logscan_equal_masked32`).
final class KeyShapes {
  static let positions = 32
  static let ways = 4
  /// Bytes per pattern: keys of up to `maxLength - 1` bytes are kept.
  static let maxLength = 32
  private let lengths: UnsafeMutablePointer<Int32>
  private let entries: UnsafeMutablePointer<UnsafePointer<KeyTable.Entry>?>
  private let bytes: UnsafeMutablePointer<UInt8>
  private let masks: UnsafeMutablePointer<UInt8>

  init() {
    let slots = Self.positions * Self.ways
    lengths = .allocate(capacity: slots)
    lengths.initialize(repeating: -1, count: slots)
    entries = .allocate(capacity: slots)
    entries.initialize(repeating: nil, count: slots)
    bytes = .allocate(capacity: slots * Self.maxLength)
    bytes.initialize(repeating: 0, count: slots * Self.maxLength)
    masks = .allocate(capacity: slots * Self.maxLength)
    masks.initialize(repeating: 0, count: slots * Self.maxLength)
  }

  deinit {
    lengths.deallocate()
    entries.deallocate()
    bytes.deallocate()
    masks.deallocate()
  }

  /// Forgets every key (the entries belong to the table that was swapped out).
  func clear() {
    lengths.update(repeating: -1, count: Self.positions * Self.ways)
    entries.update(repeating: nil, count: Self.positions * Self.ways)
  }

  /// The slot of the remembered key at `position` that `key` starts with,
  /// followed by its closing quote (`available` bytes can be read), or nil.
  @inline(__always)
  func match(_ position: Int, _ key: UnsafePointer<UInt8>, _ available: Int) -> Int? {
    var slot = position &* Self.ways
    let end = slot &+ Self.ways
    if available >= Self.maxLength {
      while slot < end {
        let offset = slot &* Self.maxLength
        if lengths[slot] >= 0 && logscan_equal_masked32(key, bytes + offset, masks + offset) != 0 { return slot }
        slot &+= 1
      }
      return nil
    }
    // Near the end of the line: no reading past it.
    while slot < end {
      let length = Int(lengths[slot])
      if length >= 0 && length < available && key[length] == UInt8(ascii: "\"")
        && memoryEquals(key, bytes + slot &* Self.maxLength, length)
      {
        return slot
      }
      slot &+= 1
    }
    return nil
  }

  /// The length of the key in `slot`.
  @inline(__always)
  func length(_ slot: Int) -> Int { Int(lengths[slot]) }

  /// The entry of the key in `slot` (nil: a key the table does not have).
  @inline(__always)
  func entry(_ slot: Int) -> UnsafePointer<KeyTable.Entry>? { entries[slot] }

  /// Remembers a plain key seen at `position`, the older one moving to the
  /// second way.
  func remember(_ position: Int, _ key: UnsafePointer<UInt8>, _ length: Int, _ entry: UnsafePointer<KeyTable.Entry>?) {
    guard length < Self.maxLength else { return }
    let slot = position &* Self.ways
    let first = bytes + slot &* Self.maxLength
    let firstMask = masks + slot &* Self.maxLength
    // The older keys move one way down, the oldest is forgotten.
    var way = Self.ways &- 1
    while way > 0 {
      lengths[slot &+ way] = lengths[slot &+ way &- 1]
      entries[slot &+ way] = entries[slot &+ way &- 1]
      (first + way &* Self.maxLength).update(from: first + (way &- 1) &* Self.maxLength, count: Self.maxLength)
      (firstMask + way &* Self.maxLength).update(
        from: firstMask + (way &- 1) &* Self.maxLength, count: Self.maxLength)
      way &-= 1
    }
    lengths[slot] = Int32(length)
    entries[slot] = entry
    let rest: Int = Self.maxLength &- length &- 1
    first.update(from: key, count: length)
    first[length] = UInt8(ascii: "\"")
    first.advanced(by: length &+ 1).update(repeating: 0, count: rest)
    firstMask.update(repeating: 0xFF, count: length &+ 1)
    firstMask.advanced(by: length &+ 1).update(repeating: 0, count: rest)
  }
}
