/// One log event, read from a line on demand: numeric fields are decoded,
/// text fields stay where they are in the line until someone needs them.
package struct Event {
  /// UTC nanoseconds since the epoch; nil when the line has no timestamp.
  package var timestamp: Int64?
  package var level: Level = .none
  /// Nanoseconds; nil when the line has no duration.
  package var duration: Int64?
  /// HTTP status; nil when the line has none.
  package var status: Int?

  /// An HTTP 5xx or a level of error or fatal.
  package var isError: Bool { (status ?? 0) >= 500 || level.isError }
}

/// Reads events out of lines: scans each line once with a `JSONScanner`
/// bound to the configured field names, then decodes the captured values.
package struct EventExtractor: ~Copyable {
  package var scanner: JSONScanner
  private var dateCache = Timestamp.DateCache()
  /// The last event's timestamp has whole seconds only (RFC 3339 without a
  /// fraction, as nginx's `$time_iso8601`; an integer of epoch seconds):
  /// it happened somewhere in the second that follows. Kept here rather
  /// than in `Event`: a larger event cost every line more than the test.
  package private(set) var wholeSecond = false
  private var levelCache = LevelCache()

  package init(fieldMap: FieldMap = .standard, maxDepth: Int = 64) {
    scanner = JSONScanner(table: fieldMap.keyTable, maxDepth: maxDepth)
  }

  package init(table: FrozenKeyTable, maxDepth: Int = 64) {
    scanner = JSONScanner(frozen: table, maxDepth: maxDepth)
  }

  package enum Outcome {
    case event(Event)
    case blank
    case malformed(MalformedReason)
  }

  /// The line's invalid UTF-8 (inside strings) was replaced when shown.
  package var lineNeedsRepair: Bool { scanner.sawInvalidUTF8 }

  package mutating func extract(_ line: UnsafeRawBufferPointer) -> Outcome {
    outcome(of: scanner.scan(line), line)
  }

  /// The outcome of a line the scanner has read (here, or on the
  /// parse-ahead thread and loaded): an object's values are decoded.
  @inline(__always)
  package mutating func outcome(of scan: JSONScanner.Outcome, _ line: UnsafeRawBufferPointer) -> Outcome {
    switch scan {
    case .blank: return .blank
    case .malformed(let reason): return .malformed(reason)
    case .object: return decode(line)
    }
  }

  /// The event of a line the scanner found to be an object (scanned here,
  /// or loaded from the parse-ahead thread): its captured timestamp, level,
  /// duration and status decoded.
  package mutating func decode(_ line: UnsafeRawBufferPointer) -> Outcome {
    let p = line.baseAddress!.assumingMemoryBound(to: UInt8.self)
    var event = Event()
    if scanner.has(.timestamp) {
      var whole = false
      guard let value = timestamp(scanner.capture(.timestamp), p, wholeSecond: &whole) else {
        return .malformed(.badTimestamp)
      }
      event.timestamp = value
      wholeSecond = whole
    } else {
      wholeSecond = false
    }
    if scanner.has(.level) {
      event.level = level(scanner.capture(.level), p)
    }
    if scanner.has(.duration) {
      guard let value = duration(scanner.capture(.duration), p) else { return .malformed(.wrongType) }
      event.duration = value
    }
    if scanner.has(.status) {
      switch status(scanner.capture(.status), p) {
      case .code(let value): event.status = value
      case .word: break
      case .invalid: return .malformed(.wrongType)
      }
    }
    return .event(event)
  }

  /// The decoded text of a string field of the current line, or nil when
  /// the line has no such field or it is not a string.
  package func text(_ field: Field, in line: UnsafeRawBufferPointer) -> [UInt8]? {
    guard scanner.has(field) else { return nil }
    let capture = scanner.capture(field)
    guard capture.kind == .string else { return nil }
    return decodeJSONString(
      UnsafeRawBufferPointer(rebasing: line[Int(capture.start)..<Int(capture.end)]),
      escaped: capture.escaped)
  }

  /// The raw bytes of a string field (escapes not decoded) and whether it
  /// has escapes; nil when absent or not a string.
  @inline(__always)
  package func rawText(_ field: Field, in line: UnsafeRawBufferPointer) -> (
    bytes: UnsafeRawBufferPointer, escaped: Bool
  )? {
    raw(field, in: line, numbers: false)
  }

  /// Like `rawText`, but a number is taken as its text too (ids such as
  /// `"req_id": 4711`), and an array as its first string (HTTP headers as
  /// Caddy and Go's net/http log them: `"X-Request-Id": ["req-1"]`).
  @inline(__always)
  package func rawIdentifier(_ field: Field, in line: UnsafeRawBufferPointer) -> (
    bytes: UnsafeRawBufferPointer, escaped: Bool
  )? {
    raw(field, in: line, numbers: true)
  }

  /// The request id's bytes (a string decoded into `storage` when it has
  /// escapes, or a number's text). Valid until `storage` or the line changes.
  @inline(__always)
  package func requestId(in line: UnsafeRawBufferPointer, storage: inout [UInt8]) -> UnsafeRawBufferPointer? {
    guard let (bytes, escaped) = rawIdentifier(.requestId, in: line) else { return nil }
    guard escaped else { return bytes }
    storage.removeAll(keepingCapacity: true)
    appendDecodedJSONString(bytes, to: &storage)
    // Safe: `storage` is not touched again until the id has been used.
    return storage.withUnsafeBytes { UnsafeRawBufferPointer($0) }
  }

  /// An id that stands for none: empty, only zeros and dashes (nginx's and
  /// Apache's `-` for an empty variable, OpenTelemetry's invalid all-zero
  /// trace id, and the `0` its Python logging instrumentation writes outside
  /// a span), or a null spelt out (`null`, `None`, `nil`, `<nil>`,
  /// `undefined`, `n/a`). Taken as an id, it would join every event without
  /// one into a single request.
  @inline(__always)
  package static func isPlaceholderId(_ id: UnsafeRawBufferPointer) -> Bool {
    guard let first = id.first else { return true }
    // One test for most ids: a placeholder starts with 0, -, <, n or u.
    switch first | 0x20 {
    case UInt8(ascii: "0"), UInt8(ascii: "-"), UInt8(ascii: "<"), UInt8(ascii: "n"), UInt8(ascii: "u"):
      return isPlaceholderIdSlow(id)
    default:
      return false
    }
  }

  @inline(never)
  private static func isPlaceholderIdSlow(_ id: UnsafeRawBufferPointer) -> Bool {
    if id[0] == UInt8(ascii: "0") || id[0] == UInt8(ascii: "-") {
      return id.allSatisfy { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "-") }
    }
    // The null words' second letters: u, o, i, n and / (user ids such as
    // `usr_5b945` stop here).
    guard id.count >= 3, id.count <= 9 else { return false }
    switch id[1] | 0x20 {
    case UInt8(ascii: "u"), UInt8(ascii: "o"), UInt8(ascii: "i"), UInt8(ascii: "n"), UInt8(ascii: "/"):
      return isOneOf(id, ignoringCase: nullNames)
    default:
      return false
    }
  }

  private static let nullNames: [[UInt8]] = ["null", "none", "nil", "<nil>", "undefined", "n/a"].map { Array($0.utf8) }

  @inline(__always)
  private func raw(_ field: Field, in line: UnsafeRawBufferPointer, numbers: Bool) -> (
    bytes: UnsafeRawBufferPointer, escaped: Bool
  )? {
    guard scanner.has(field) else { return nil }
    let capture = scanner.capture(field)
    if numbers && capture.kind == .container { return Self.firstString(in: line, from: Int(capture.start)) }
    guard capture.kind == .string || (numbers && capture.kind == .number) else { return nil }
    // A capture lies inside its line (the scanner recorded it there): no
    // slice and range checks.
    let bytes = UnsafeRawBufferPointer(
      start: line.baseAddress! + Int(capture.start), count: Int(capture.end &- capture.start))
    return (bytes, capture.escaped)
  }

  /// The first element of the array that opens at `start` of a valid JSON
  /// line, when it is a string (its raw bytes, and whether it has escapes).
  static func firstString(in line: UnsafeRawBufferPointer, from start: Int) -> (
    bytes: UnsafeRawBufferPointer, escaped: Bool
  )? {
    guard line[start] == UInt8(ascii: "[") else { return nil }
    var i = start + 1
    while i < line.count, line[i] == 0x20 || line[i] == 0x09 || line[i] == 0x0A || line[i] == 0x0D { i += 1 }
    guard i < line.count, line[i] == UInt8(ascii: "\"") else { return nil }
    let first = i + 1
    var escaped = false
    i = first
    while i < line.count {
      switch line[i] {
      case UInt8(ascii: "\\"):
        escaped = true
        i += 2
      case UInt8(ascii: "\""):
        return (UnsafeRawBufferPointer(rebasing: line[first..<i]), escaped)
      default:
        i += 1
      }
    }
    return nil
  }

  /// The method and target of an HTTP request line ("GET /a?b HTTP/1.1"),
  /// as slices of `line`; nil when the line has none or it is not one.
  package func requestLineParts(in line: UnsafeRawBufferPointer) -> (
    method: UnsafeRawBufferPointer, path: UnsafeRawBufferPointer
  )? {
    guard let (bytes, escaped) = rawText(.requestLine, in: line), !escaped,
      let firstSpace = bytes.firstIndex(of: 0x20)
    else { return nil }
    let rest = bytes[(firstSpace + 1)...]
    let pathEnd = rest.firstIndex(of: 0x20) ?? rest.endIndex
    guard firstSpace > 0, pathEnd > rest.startIndex else { return nil }
    return (
      UnsafeRawBufferPointer(rebasing: bytes[..<firstSpace]),
      UnsafeRawBufferPointer(rebasing: bytes[rest.startIndex..<pathEnd])
    )
  }

  /// The timestamp of `capture`; `wholeSecond` tells whether it has whole
  /// seconds only (see `wholeSecond`).
  private mutating func timestamp(_ capture: Capture, _ p: UnsafePointer<UInt8>, wholeSecond: inout Bool) -> Int64? {
    let start = p + Int(capture.start)
    let length = Int(capture.end - capture.start)
    switch capture.kind {
    case .string:
      // RFC 3339 and the slashed form: a fraction starts right after the seconds.
      @inline(__always) func hasFraction() -> Bool {
        length > 19 && (start[19] == UInt8(ascii: ".") || start[19] == UInt8(ascii: ","))
      }
      if let value = Timestamp.parseRFC3339(start, length, cache: &dateCache) {
        wholeSecond = !hasFraction()
        return value
      }
      if let value = Timestamp.parseCommonLog(start, length) {
        wholeSecond = true
        return value
      }
      if let value = Timestamp.parseSlashed(start, length) {
        wholeSecond = !hasFraction()
        return value
      }
      if let value = Timestamp.parseHTTPDate(start, length) {
        wholeSecond = true
        return value
      }
      return epoch(start, length, unit: capture.unit, wholeSecond: &wholeSecond)
    case .number:
      return epoch(start, length, unit: capture.unit, wholeSecond: &wholeSecond)
    default:
      return nil
    }
  }

  /// An epoch number; an integer read as seconds has whole seconds only.
  @inline(__always)
  private func epoch(_ start: UnsafePointer<UInt8>, _ length: Int, unit: ValueUnit, wholeSecond: inout Bool) -> Int64? {
    if let integer = parseDecimalInteger(start, length) {
      wholeSecond = Timestamp.nanosecondsPerEpochUnit(unit, magnitude: integer.magnitude) == 1_000_000_000
      return Timestamp.fromEpoch(integer: integer, unit: unit)
    }
    if let exact = Timestamp.fromEpoch(decimal: start, length, unit: unit) { return exact }
    guard let number = parseJSONNumber(start, length) else { return nil }
    return Timestamp.fromEpoch(number, unit: unit)
  }

  private mutating func level(_ capture: Capture, _ p: UnsafePointer<UInt8>) -> Level {
    let start = p + Int(capture.start)
    let length = Int(capture.end - capture.start)
    // klog's `err`: whatever it holds, the line is an error.
    if capture.levelScale == .errorWhenPresent { return .error }
    switch capture.kind {
    case .string:
      if length > 0 && isDigit(start[0]), let number = parseJSONNumber(start, length) {
        return Level.parse(number: number, scale: capture.levelScale)
      }
      return levelCache.level(start, length)
    case .number:
      guard let number = parseJSONNumber(start, length) else { return .other }
      return Level.parse(number: number, scale: capture.levelScale)
    default:
      return .other
    }
  }

  private func duration(_ capture: Capture, _ p: UnsafePointer<UInt8>) -> Int64? {
    let start = p + Int(capture.start)
    let length = Int(capture.end - capture.start)
    let nanos: Double?
    switch capture.kind {
    case .number:
      var scale = capture.unit.nanosecondsPerUnit
      if capture.unit == .secondsOrIntegerNanoseconds && parseDecimalInteger(start, length) != nil { scale = 1 }
      nanos = parseJSONNumber(start, length).map { $0 * scale }
    case .string:
      nanos = parseDurationText(start, length, unit: capture.unit)
    default:
      nanos = nil
    }
    guard let nanos, nanos >= 0, nanos < 1e18 else { return nil }
    return Int64(nanos.rounded())
  }

  private enum StatusValue {
    case code(Int)
    /// A word (`"ok"`, `"error"`, `"success"`): another vocabulary than
    /// HTTP's, as Grafana and job runners write it; or empty. The event
    /// has no status.
    case word
    case invalid
  }

  /// An HTTP status: an integer 0-999, as a number or a string, or a
  /// status line's start as Go's `Response.Status` has it (`"503 Service
  /// Unavailable"`).
  private func status(_ capture: Capture, _ p: UnsafePointer<UInt8>) -> StatusValue {
    let start = p + Int(capture.start)
    let length = Int(capture.end - capture.start)
    guard capture.kind == .number || capture.kind == .string else { return .invalid }
    if let integer = parseDecimalInteger(start, length), integer <= 999 { return .code(Int(integer)) }
    if capture.kind == .string {
      if length > 4 && start[3] == UInt8(ascii: " "), let code = parseDecimalInteger(start, 3) {
        return .code(Int(code))
      }
      guard length > 0 else { return .word }
      let first = start[0] | 0x20
      return first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z") ? .word : .invalid
    }
    guard let number = parseJSONNumber(start, length), number >= 0, number <= 999, number.rounded() == number
    else { return .invalid }
    return .code(Int(number))
  }
}

/// The level of the last level name read: a stream has a handful of names,
/// so most lines skip the name table.
struct LevelCache {
  private var word: UInt64 = 0
  private var length = -1
  private var level = Level.other

  @inline(__always)
  mutating func level(_ p: UnsafePointer<UInt8>, _ n: Int) -> Level {
    guard n <= 8 else { return Level.parse(name: p, n) }
    // With its length, the whole name.
    let word = shortBytesAsWords(UnsafeRawPointer(p), n).0
    if n == length && word == self.word { return level }
    let parsed = Level.parse(name: p, n)
    self.word = word
    length = n
    level = parsed
    return parsed
  }
}
