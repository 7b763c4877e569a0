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
package struct JSONScanner: ~Copyable {
  package let table: KeyTable
  package let maxDepth: Int
  private let captures: UnsafeMutablePointer<Capture>
  /// Bit `f` set when field `f` was captured in the current line.
  package private(set) var found: UInt32 = 0
  /// The current line has invalid UTF-8 inside a string.
  package private(set) var sawInvalidUTF8 = false
  private let nodes: UnsafeMutablePointer<Int32>

  package init(table: KeyTable, maxDepth: Int = 64) {
    precondition(maxDepth >= 1 && maxDepth <= 64, "Invalid arguments: maxDepth must be 1...64")
    self.table = table
    self.maxDepth = maxDepth
    captures = .allocate(capacity: Field.count)
    captures.initialize(repeating: Capture(), count: Field.count)
    nodes = .allocate(capacity: 66)
    nodes.initialize(repeating: -1, count: 66)
  }

  deinit {
    captures.deallocate()
    nodes.deallocate()
  }

  @inline(__always)
  package func has(_ field: Field) -> Bool { found & (1 << UInt32(field.rawValue)) != 0 }

  @inline(__always)
  package func capture(_ field: Field) -> Capture { captures[field.rawValue] }

  /// The outcome of scanning one line.
  package enum Outcome: Equatable {
    case object
    case blank
    case malformed(MalformedReason)
  }

  private enum State {
    case objectFirst, key, value, arrayFirst, afterValue
  }

  /// Scans one line (without its newline).
  package mutating func scan(_ line: UnsafeRawBufferPointer) -> Outcome {
    found = 0
    sawInvalidUTF8 = false
    guard let raw = line.baseAddress, line.count > 0 else { return .blank }
    let p = raw.assumingMemoryBound(to: UInt8.self)
    let n = line.count
    var i = skipWhitespace(p, n, 0)
    guard i < n else { return .blank }
    guard p[i] == UInt8(ascii: "{") else { return .malformed(.notAnObject) }
    i += 1

    var depth = 1
    var arrayBits: UInt64 = 0  // bit d set: the container at depth d is an array
    nodes[1] = KeyTable.root
    var state = State.objectFirst
    var binding: FieldBinding? = nil
    var child: Int32 = -1

    while true {
      switch state {
      case .objectFirst:
        i = skipWhitespace(p, n, i)
        guard i < n else { return .malformed(.truncated) }
        if p[i] == UInt8(ascii: "}") {
          i += 1
          depth -= 1
          if depth == 0 { return finish(p, n, i) }
          state = .afterValue
        } else {
          state = .key
        }

      case .key:
        guard i < n else { return .malformed(.truncated) }
        guard p[i] == UInt8(ascii: "\"") else { return .malformed(.unexpectedByte) }
        var escaped = false
        let keyStart = i + 1
        let keyEnd = scanString(p, n, keyStart, &escaped)
        guard keyEnd >= 0 else { return .malformed(stringError(keyEnd)) }
        binding = nil
        child = -1
        let node = nodes[depth]
        if node >= 0 {
          let hit =
            escaped
            ? lookupEscapedKey(p + keyStart, keyEnd - keyStart, node: node)
            : table.lookup(node: node, key: p + keyStart, length: keyEnd - keyStart)
          if let hit {
            binding = hit.binding
            child = hit.child
          }
        }
        i = skipWhitespace(p, n, keyEnd + 1)
        guard i < n else { return .malformed(.truncated) }
        guard p[i] == UInt8(ascii: ":") else { return .malformed(.unexpectedByte) }
        i += 1
        state = .value

      case .arrayFirst:
        i = skipWhitespace(p, n, i)
        guard i < n else { return .malformed(.truncated) }
        if p[i] == UInt8(ascii: "]") {
          i += 1
          depth -= 1
          state = .afterValue
        } else {
          binding = nil
          child = -1
          state = .value
        }

      case .value:
        i = skipWhitespace(p, n, i)
        guard i < n else { return .malformed(.truncated) }
        let c = p[i]
        let start = i
        var kind = ValueKind.null
        var escaped = false
        switch c {
        case UInt8(ascii: "\""):
          let end = scanString(p, n, i + 1, &escaped)
          guard end >= 0 else { return .malformed(stringError(end)) }
          if let binding { record(binding, start: i + 1, end: end, kind: .string, escaped: escaped) }
          i = end + 1
          state = .afterValue
          continue
        case UInt8(ascii: "{"), UInt8(ascii: "["):
          guard depth < maxDepth else { return .malformed(.tooDeep) }
          depth += 1
          if let binding { record(binding, start: i, end: i + 1, kind: .container, escaped: false) }
          i += 1
          if c == UInt8(ascii: "{") {
            arrayBits &= ~(1 << UInt64(depth))
            nodes[depth] = child
            state = .objectFirst
          } else {
            arrayBits |= 1 << UInt64(depth)
            state = .arrayFirst
          }
          continue
        case UInt8(ascii: "t"):
          guard matchLiteral(p, n, i, "true") else { return .malformed(literalError(p, n, i, 4)) }
          i += 4
          kind = .bool
        case UInt8(ascii: "f"):
          guard matchLiteral(p, n, i, "false") else { return .malformed(literalError(p, n, i, 5)) }
          i += 5
          kind = .bool
        case UInt8(ascii: "n"):
          guard matchLiteral(p, n, i, "null") else { return .malformed(literalError(p, n, i, 4)) }
          i += 4
          kind = .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
          let end = scanNumber(p, n, i)
          guard end >= 0 else { return .malformed(end == -1 ? .truncated : .invalidNumber) }
          i = end
          kind = .number
        default:
          return .malformed(.unexpectedByte)
        }
        // A null is no value: it leaves the field unset.
        if let binding, kind != .null { record(binding, start: start, end: i, kind: kind, escaped: false) }
        state = .afterValue

      case .afterValue:
        i = skipWhitespace(p, n, i)
        guard i < n else { return .malformed(.truncated) }
        let c = p[i]
        let inArray = arrayBits & (1 << UInt64(depth)) != 0
        if c == UInt8(ascii: ",") {
          i = skipWhitespace(p, n, i + 1)
          if inArray {
            binding = nil
            child = -1
            state = .value
          } else {
            state = .key
          }
        } else if c == (inArray ? UInt8(ascii: "]") : UInt8(ascii: "}")) {
          i += 1
          depth -= 1
          if depth == 0 { return finish(p, n, i) }
        } else {
          return .malformed(.unexpectedByte)
        }
      }
    }
  }

  @inline(__always)
  private mutating func record(
    _ binding: FieldBinding, start: Int, end: Int, kind: ValueKind, escaped: Bool
  ) {
    let bit: UInt32 = 1 << UInt32(binding.field.rawValue)
    let slot = captures + binding.field.rawValue
    if found & bit != 0 && slot.pointee.priority <= binding.priority { return }
    found |= bit
    slot.pointee = Capture(
      start: Int32(start), end: Int32(end), kind: kind, escaped: escaped, unit: binding.unit,
      priority: binding.priority)
  }

  private func finish(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int) -> Outcome {
    skipWhitespace(p, n, i) == n ? .object : .malformed(.trailingData)
  }

  private func lookupEscapedKey(_ start: UnsafePointer<UInt8>, _ length: Int, node: Int32) -> (
    binding: FieldBinding?, child: Int32
  )? {
    let decoded = decodeJSONString(UnsafeRawBufferPointer(start: start, count: length), escaped: true)
    return decoded.withUnsafeBufferPointer { table.lookup(node: node, key: $0.baseAddress!, length: $0.count) }
  }

  private func stringError(_ code: Int) -> MalformedReason {
    switch code {
    case -1: return .truncated
    case -2: return .controlCharacter
    default: return .invalidEscape
    }
  }

  private func literalError(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int, _ length: Int) -> MalformedReason {
    n - i < length ? .truncated : .invalidLiteral
  }

  @inline(__always)
  private func matchLiteral(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int, _ literal: StaticString) -> Bool {
    let length = literal.utf8CodeUnitCount
    guard n - i >= length else { return false }
    return memoryEquals(p + i, literal.utf8Start, length)
  }

  /// Scans a string body starting after its opening quote. Returns the index
  /// of the closing quote, or -1 (truncated), -2 (control character), -3
  /// (invalid escape). Sets `escaped` when the string has a backslash, and
  /// `sawInvalidUTF8` when it has a byte sequence that is not UTF-8.
  @inline(__always)
  private mutating func scanString(
    _ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int, _ escaped: inout Bool
  ) -> Int {
    var i = start
    while true {
      // Eight bytes at a time until one of: quote, backslash, control, non-ASCII.
      while i + 8 <= n {
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
          i += 8
          continue
        }
        // The lowest flagged byte is always a real hit: borrows only move up.
        i += mask.trailingZeroBitCount >> 3
        break
      }
      guard i < n else { return -1 }
      let c = p[i]
      if c == UInt8(ascii: "\"") { return i }
      if c == UInt8(ascii: "\\") {
        escaped = true
        guard i + 1 < n else { return -1 }
        switch p[i + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
          UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
          i += 2
        case UInt8(ascii: "u"):
          guard i + 6 <= n else { return -1 }
          guard isHex(p[i + 2]) && isHex(p[i + 3]) && isHex(p[i + 4]) && isHex(p[i + 5]) else {
            return -3
          }
          i += 6
        default:
          return -3
        }
      } else if c < 0x20 {
        return -2
      } else if c >= 0x80 {
        let length = validUTF8SequenceLength(p, n, i)
        if length == 0 {
          sawInvalidUTF8 = true
          i += 1
        } else {
          i += length
        }
      } else {
        i += 1
      }
    }
  }

  /// Scans a number; returns the index after it, -1 when the line ends inside
  /// it, -2 when it breaks the JSON number grammar.
  @inline(__always)
  private func scanNumber(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int {
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
