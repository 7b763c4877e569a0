#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Redacts one line at a time, writing the result or only noting what it found.
///
/// A JSON line (validated by the scanner first) is walked token by token:
/// the value of a sensitive key is replaced whole (strings keep their
/// quotes, anything else becomes a string), every other string, keys
/// included, is searched by the value detectors, and all other bytes are
/// copied as they are, so the output has the same keys in the same order.
/// Strings with escapes are decoded for detection (`\u0040`, `\/`, `\n` in a
/// PEM block) and the replacement covers the escaped bytes that produced the
/// value. A line that is not JSON is redacted as plain text.
package struct LineRedactor {
  package let redactor: Redactor
  /// The redacted line, when `emit` was asked for.
  package var output: [UInt8] = []
  /// What the last line held: the kind and the dotted path of the field
  /// (`(text)` for a line that is not JSON), when paths were asked for.
  package var found: [(kind: SecretKind, field: String)] = []
  package var collectFields: Bool

  /// The detector's tables, this redactor's own (see `makeTables`).
  private let tablesOwner: DetectorTables
  private let tables: RawDetectorTables
  private var findings: [Finding] = []
  private var decoded: [UInt8] = []
  private var offsets: [Int] = []
  private var path: [(start: Int, end: Int, isObject: Bool)] = []
  private var copied = 0
  private var emit = false

  package init(redactor: Redactor, collectFields: Bool = false) {
    self.redactor = redactor
    self.collectFields = collectFields
    tablesOwner = redactor.detector.makeTables()
    tables = tablesOwner.raw
    output.reserveCapacity(1 << 16)
    decoded.reserveCapacity(1024)
    offsets.reserveCapacity(1024)
  }

  // MARK: Plain text

  /// Redacts a line that is not JSON; appends it to `output` if `emit`.
  package mutating func redactText(_ line: UnsafeBufferPointer<UInt8>, emit: Bool) {
    found.removeAll(keepingCapacity: true)
    self.emit = emit
    copied = 0
    findings.removeAll(keepingCapacity: true)
    tables.scan(line, into: &findings)
    for finding in findings {
      note(finding.kind, field: nil)
      replace(
        line, rawStart: finding.start, rawEnd: finding.end, kind: finding.kind,
        value: UnsafeBufferPointer(rebasing: line[finding.start..<finding.end]),
        keptFrom: finding.keep)
    }
    finishLine(line)
  }

  // MARK: JSON

  /// Redacts a line the scanner found to be valid JSON. (`fastPath: false`
  /// always walks it: tests compare the two.)
  package mutating func redactJSON(_ line: UnsafeBufferPointer<UInt8>, emit: Bool, fastPath: Bool = true) {
    found.removeAll(keepingCapacity: true)
    if fastPath && isCertainlyClean(line) {
      if emit {
        output.append(contentsOf: line)
        output.append(UInt8(ascii: "\n"))
      }
      return
    }
    self.emit = emit
    copied = 0
    path.removeAll(keepingCapacity: true)
    let n = line.count
    var i = 0
    var expectKey = false
    while i < n {
      let b = line[i]
      switch b {
      case UInt8(ascii: "{"):
        path.append((0, 0, true))
        expectKey = true
        i += 1
      case UInt8(ascii: "["):
        path.append((0, 0, false))
        i += 1
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        if !path.isEmpty { path.removeLast() }
        i += 1
      case UInt8(ascii: ","):
        expectKey = path.last?.isObject ?? false
        i += 1
      case UInt8(ascii: "\""):
        let (end, escaped) = Self.stringEnd(line, i)
        if expectKey, !path.isEmpty {
          expectKey = false
          path[path.count - 1].start = i + 1
          path[path.count - 1].end = end - 1
          // A key can hold PII too (maps keyed by email).
          strings(line, i + 1, end - 1, escaped, isKey: true)
          let key = UnsafeBufferPointer(rebasing: line[(i + 1)..<(end - 1)])
          if let kind = tables.kind(of: key) {
            i = sensitiveValue(line, after: end, kind: kind)
          } else {
            i = end
          }
        } else {
          if !(Self.allDigits(line, i + 1, end - 1) && currentKeyIsIdentifier(line)) {
            strings(line, i + 1, end - 1, escaped, isKey: false)
          }
          i = end
        }
      default:
        i += 1
      }
    }
    finishLine(line)
  }

  /// The fast path: a line without escapes whose whole text holds nothing
  /// the detectors know holds nothing in any of its strings either. (Every
  /// string reads in the line as it reads alone, between non-word quotes;
  /// a sensitive key is seen by the `"key":` rule of text.) Most lines end
  /// here, read once; the others are walked token by token. Tests check
  /// the premise on every sample and planted line.
  package mutating func isCertainlyClean(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = line.baseAddress, memchr(base, Int32(UInt8(ascii: "\\")), line.count) == nil else {
      return line.isEmpty
    }
    findings.removeAll(keepingCapacity: true)
    tables.scan(line, into: &findings)
    return findings.isEmpty
  }

  /// Replaces the value after a sensitive key's closing quote whole; returns
  /// where to go on. `null` and `""` reveal nothing and stay.
  private mutating func sensitiveValue(_ line: UnsafeBufferPointer<UInt8>, after keyEnd: Int, kind: SecretKind)
    -> Int
  {
    let n = line.count
    var j = keyEnd
    while j < n && (line[j] == UInt8(ascii: ":") || Self.isSpace(line[j])) { j += 1 }
    guard j < n else { return j }
    let first = line[j]
    if first == UInt8(ascii: "n") { return j }  // null
    let end = Self.valueEnd(line, j)
    if first == UInt8(ascii: "\"") {
      guard end - j > 2 else { return end }
      note(kind, field: fieldPath(line))
      let (_, escaped) = Self.stringEnd(line, j)
      if escaped {
        decode(line, j + 1, end - 1)
        decoded.withUnsafeBufferPointer { value in
          replace(line, rawStart: j + 1, rawEnd: end - 1, kind: kind, value: value, keptFrom: end - 1)
        }
      } else {
        replace(
          line, rawStart: j + 1, rawEnd: end - 1, kind: kind,
          value: UnsafeBufferPointer(rebasing: line[(j + 1)..<(end - 1)]), keptFrom: end - 1)
      }
      return end
    }
    // A number, literal, object or array becomes a string.
    note(kind, field: fieldPath(line))
    replace(
      line, rawStart: j, rawEnd: end, kind: kind, value: UnsafeBufferPointer(rebasing: line[j..<end]),
      keptFrom: end, quote: true)
    return end
  }

  /// Searches the string `start..<end` (raw, between its quotes).
  private mutating func strings(
    _ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ escaped: Bool, isKey: Bool
  ) {
    guard end > start else { return }
    findings.removeAll(keepingCapacity: true)
    if !escaped {
      tables.scan(UnsafeBufferPointer(rebasing: line[start..<end]), into: &findings)
      if findings.isEmpty { return }
      let field = collectFields ? fieldPath(line, isKey: isKey) : ""
      for finding in findings {
        note(finding.kind, field: field)
        replace(
          line, rawStart: start + finding.start, rawEnd: start + finding.end, kind: finding.kind,
          value: UnsafeBufferPointer(rebasing: line[(start + finding.start)..<(start + finding.end)]),
          keptFrom: start + finding.keep)
      }
      return
    }
    decode(line, start, end)
    let tables = tables
    decoded.withUnsafeBufferPointer { tables.scan($0, into: &findings) }
    if findings.isEmpty { return }
    let field = collectFields ? fieldPath(line, isKey: isKey) : ""
    let localFindings = findings
    let localDecoded = decoded
    let localOffsets = offsets
    localDecoded.withUnsafeBufferPointer { text in
      for finding in localFindings {
        note(finding.kind, field: field)
        replace(
          line, rawStart: localOffsets[finding.start], rawEnd: localOffsets[finding.end], kind: finding.kind,
          value: UnsafeBufferPointer(rebasing: text[finding.start..<finding.end]),
          keptFrom: localOffsets[finding.keep])
      }
    }
  }

  // MARK: Output

  private mutating func replace(
    _ line: UnsafeBufferPointer<UInt8>, rawStart: Int, rawEnd: Int, kind: SecretKind,
    value: UnsafeBufferPointer<UInt8>, keptFrom: Int, quote: Bool = false
  ) {
    guard emit, redactor.mode(of: kind) != .off, rawStart >= copied else { return }
    output.append(contentsOf: UnsafeBufferPointer(rebasing: line[copied..<rawStart]))
    if quote { output.append(UInt8(ascii: "\"")) }
    let kept = keptFrom < rawEnd ? UnsafeBufferPointer(rebasing: line[keptFrom..<rawEnd]) : nil
    redactor.appendReplacement(kind, value: value, kept: kept, to: &output)
    if quote { output.append(UInt8(ascii: "\"")) }
    copied = rawEnd
  }

  private mutating func finishLine(_ line: UnsafeBufferPointer<UInt8>) {
    guard emit else { return }
    output.append(contentsOf: UnsafeBufferPointer(rebasing: line[copied...]))
    output.append(UInt8(ascii: "\n"))
  }

  private mutating func note(_ kind: SecretKind, field: String?) {
    found.append((kind, field ?? "(text)"))
  }

  /// The dotted path of the current value (keys only; array positions are
  /// not named). A finding inside a key is reported as that key's object.
  private func fieldPath(_ line: UnsafeBufferPointer<UInt8>, isKey: Bool = false) -> String {
    guard collectFields else { return "" }
    var bytes: [UInt8] = []
    let levels = isKey ? path.count - 1 : path.count
    for level in 0..<max(levels, 0) where path[level].isObject && path[level].end > path[level].start {
      if !bytes.isEmpty { bytes.append(UInt8(ascii: ".")) }
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: line[path[level].start..<path[level].end]))
    }
    if isKey {
      if !bytes.isEmpty { bytes.append(UInt8(ascii: ".")) }
      bytes.append(contentsOf: "(key)".utf8)
    }
    return bytes.isEmpty ? "(root)" : makeString(bytes)
  }

  // MARK: JSON helpers

  /// A string of digits only.
  static func allDigits(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
    guard end > start else { return false }
    for k in start..<end where line[k] < UInt8(ascii: "0") || line[k] > UInt8(ascii: "9") { return false }
    return true
  }

  /// Whether the value being read belongs to a key that names an identifier
  /// (`spanId`, `order_ref`, `sha`, `seq`): all digits there is an id that
  /// happens to pass Luhn, not a card number.
  private func currentKeyIsIdentifier(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let top = path.last, top.isObject, top.end > top.start else { return false }
    var key: [UInt8] = []
    for k in top.start..<top.end {
      let b = line[k]
      if b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") { continue }
      key.append(b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b | 0x20 : b)
    }
    for suffix in Self.identifierSuffixes
    where key.count >= suffix.count && key.suffix(suffix.count).elementsEqual(suffix) {
      return true
    }
    return false
  }

  private static let identifierSuffixes: [[UInt8]] = [
    "id", "ids", "ref", "hash", "digest", "sha", "seq", "sequence", "offset", "nonce", "ts", "timestamp", "time",
    "epoch", "span", "trace", "counter", "version",
  ].map { Array($0.utf8) }

  @inline(__always)
  static func isSpace(_ b: UInt8) -> Bool {
    b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\n")
  }

  /// The index after the string that opens at `i`, and whether it has escapes.
  @inline(__always)
  static func stringEnd(_ line: UnsafeBufferPointer<UInt8>, _ i: Int) -> (Int, Bool) {
    let n = line.count
    var k = i + 1
    var escaped = false
    while k < n {
      let b = line[k]
      if b == UInt8(ascii: "\"") { return (k + 1, escaped) }
      if b == UInt8(ascii: "\\") {
        escaped = true
        k += 2
        continue
      }
      k += 1
    }
    return (n, escaped)
  }

  /// The index after the value that starts at `i`.
  static func valueEnd(_ line: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
    let n = line.count
    switch line[i] {
    case UInt8(ascii: "\""):
      return stringEnd(line, i).0
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      var depth = 0
      var k = i
      while k < n {
        switch line[k] {
        case UInt8(ascii: "\""):
          k = stringEnd(line, k).0
          continue
        case UInt8(ascii: "{"), UInt8(ascii: "["):
          depth += 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
          depth -= 1
          if depth == 0 { return k + 1 }
        default:
          break
        }
        k += 1
      }
      return n
    default:
      var k = i
      while k < n {
        let b = line[k]
        if b == UInt8(ascii: ",") || b == UInt8(ascii: "}") || b == UInt8(ascii: "]") || isSpace(b) { break }
        k += 1
      }
      return k
    }
  }

  /// Decodes the raw string `start..<end` into `decoded`, with the raw index
  /// each decoded byte came from in `offsets` (and `end` after the last).
  private mutating func decode(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
    decoded.removeAll(keepingCapacity: true)
    offsets.removeAll(keepingCapacity: true)
    var i = start
    while i < end {
      let c = line[i]
      guard c == UInt8(ascii: "\\"), i + 1 < end else {
        decoded.append(c)
        offsets.append(i)
        i += 1
        continue
      }
      let escapeStart = i
      let e = line[i + 1]
      var length = 2
      switch e {
      case UInt8(ascii: "u"):
        // One \uXXXX (or a surrogate pair) decoded by the shared decoder.
        var escapeEnd = min(i + 6, end)
        if escapeEnd + 6 <= end, line[escapeEnd] == UInt8(ascii: "\\"), line[escapeEnd + 1] == UInt8(ascii: "u"),
          let high = Self.hex4(line, i + 2), high >= 0xD800 && high < 0xDC00
        {
          escapeEnd += 6
        }
        length = escapeEnd - i
        let before = decoded.count
        appendDecodedJSONString(
          UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[i..<escapeEnd])), to: &decoded)
        for _ in before..<(decoded.count - 1) { offsets.append(escapeStart) }
      default: decoded.append(simpleEscape(e))
      }
      offsets.append(escapeStart)
      i += length
    }
    offsets.append(end)
  }

  private static func hex4(_ line: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt16? {
    guard i + 4 <= line.count else { return nil }
    var value: UInt16 = 0
    for k in 0..<4 {
      let c = line[i + k] | 0x20
      let digit: UInt8
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
      default: return nil
      }
      value = value << 4 | UInt16(digit)
    }
    return value
  }
}
