import Foundation
import LogGenerator
import LogScanCore
import Testing

/// What Foundation makes of a line, adjusted where logscan deliberately
/// differs: invalid UTF-8 inside strings and lone surrogate escapes are
/// repaired rather than rejected (RFC 8259 section 8.2 leaves them open),
/// nesting deeper than 64 is rejected, and so is a trailing comma, which
/// Foundation accepts although RFC 8259's grammar has none.
enum Reference {
  case object([String: Any])
  case blank
  case invalid

  init(_ line: [UInt8]) {
    if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }) {
      self = .blank
      return
    }
    // Repairing invalid UTF-8 turns bytes outside strings into U+FFFD, which
    // JSON rejects anyway, so the verdict is the same as for raw bytes.
    let (adjusted, trailingComma) = Reference.adjust(line)
    let repaired = Data(String(decoding: adjusted, as: UTF8.self).utf8)
    guard !trailingComma, let value = try? JSONSerialization.jsonObject(with: repaired, options: []),
      let object = value as? [String: Any], Reference.depth(of: object) <= 64
    else {
      self = .invalid
      return
    }
    self = .object(object)
  }

  /// Replaces lone surrogate escapes with \ufffd and finds a comma that
  /// closes an object or array, outside strings.
  static func adjust(_ line: [UInt8]) -> ([UInt8], Bool) {
    var out: [UInt8] = []
    var inString = false
    var trailingComma = false
    var lastSignificant: UInt8 = 0
    var i = 0
    func hex4(_ at: Int) -> UInt16? {
      guard at + 4 <= line.count, let text = String(bytes: line[at..<at + 4], encoding: .ascii) else { return nil }
      return UInt16(text, radix: 16)
    }
    while i < line.count {
      let c = line[i]
      if inString {
        if c == UInt8(ascii: "\\") && i + 1 < line.count {
          if line[i + 1] == UInt8(ascii: "u"), let unit = hex4(i + 2) {
            if unit >= 0xD800 && unit < 0xDC00 {
              if i + 12 <= line.count && line[i + 6] == UInt8(ascii: "\\") && line[i + 7] == UInt8(ascii: "u"),
                let low = hex4(i + 8), low >= 0xDC00 && low < 0xE000
              {
                out += line[i..<i + 12]
                i += 12
              } else {
                out += Array("\\ufffd".utf8)
                i += 6
              }
              continue
            }
            if unit >= 0xDC00 && unit < 0xE000 {
              out += Array("\\ufffd".utf8)
              i += 6
              continue
            }
          }
          out += line[i..<i + 2]
          i += 2
          continue
        }
        if c == UInt8(ascii: "\"") { inString = false }
        out.append(c)
        i += 1
        continue
      }
      if c == UInt8(ascii: "\"") { inString = true }
      if (c == UInt8(ascii: "}") || c == UInt8(ascii: "]")) && lastSignificant == UInt8(ascii: ",") {
        trailingComma = true
      }
      if !(c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D) { lastSignificant = c }
      out.append(c)
      i += 1
    }
    return (out, trailingComma)
  }

  static func depth(of value: Any) -> Int {
    if let object = value as? [String: Any] { return 1 + (object.values.map(depth).max() ?? 0) }
    if let array = value as? [Any] { return 1 + (array.map(depth).max() ?? 0) }
    return 0
  }
}

/// Checks the scanner against Foundation on one line: same verdict, and for
/// objects the same string fields.
func checkAgainstReference(_ line: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
  var extractor = EventExtractor()
  let reference = Reference(line)
  let outcome = line.withUnsafeBytes { extractor.scanner.scan($0) }
  switch (reference, outcome) {
  case (.blank, .blank):
    return
  case (.invalid, .malformed):
    return
  case (.object(let object), .object):
    for field in [Field.service, .message, .path, .method, .requestId, .userId, .action] {
      let ours = line.withUnsafeBytes { extractor.text(field, in: $0) }.map { String(decoding: $0, as: UTF8.self) }
      let theirs = object[field.canonicalKey] as? String
      #expect(
        ours == theirs, "field \(field) of \(String(decoding: line, as: UTF8.self))", sourceLocation: sourceLocation)
    }
  default:
    Issue.record(
      "scanner says \(outcome), Foundation says \(reference) for: \(String(decoding: line, as: UTF8.self))",
      sourceLocation: sourceLocation)
  }
}

/// The event a line reads as; records an issue and returns nil otherwise.
func readEvent(
  _ line: [UInt8], _ extractor: inout EventExtractor, sourceLocation: SourceLocation = #_sourceLocation
) -> Event? {
  guard case .event(let event) = line.withUnsafeBytes({ extractor.extract($0) }) else {
    Issue.record("not an event: \(String(decoding: line, as: UTF8.self))", sourceLocation: sourceLocation)
    return nil
  }
  return event
}

@Suite struct JSONScannerTests {
  @Test(arguments: ["app.jsonl", "malformed.jsonl"])
  func agreesWithFoundationOnEveryFixtureLine(name: String) throws {
    let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixture(name))))
    for line in referenceLines(data) { checkAgainstReference(line) }
  }

  /// The format samples: same verdict as Foundation on every line (their
  /// fields are checked by name in FormatTests).
  @Test(arguments: [
    "pino", "bunyan", "caddy", "zap", "logrus", "structlog", "python-json-logger", "loguru", "ecs", "otel", "gcp",
    "nginx", "traefik", "envoy", "serilog", "lograge", "log4j2", "zerolog", "winston", "tracing", "gelf", "dotnet",
    "semantic_logger", "klog", "logback", "echo", "monolog", "journald", "mongodb", "k8s-audit", "grafana",
    "apigateway", "cloudflare", "hclog",
    "postgres",
    "fastify",
  ])
  func agreesWithFoundationOnEveryFormatSampleLine(format: String) throws {
    let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixture("formats/\(format).jsonl"))))
    for line in referenceLines(data) {
      var scanner = JSONScanner(table: FieldMap.standard.keyTable)
      let outcome = line.withUnsafeBytes { scanner.scan($0) }
      switch Reference(line) {
      case .object: #expect(outcome == .object, "\(String(decoding: line, as: UTF8.self))")
      case .invalid: #expect(outcome != .object)
      case .blank: #expect(outcome == .blank)
      }
    }
  }

  /// A UTF-8 byte order mark before the object (Windows tools start files
  /// with one) is ignored, as RFC 8259 allows and Foundation does; anywhere
  /// else it is not JSON.
  @Test func aByteOrderMarkBeforeTheObjectIsIgnored() {
    let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    let object = Array("{\"level\":\"info\",\"service\":\"a\",\"duration_ms\":5}".utf8)
    for line in [bom + object, bom + Array("  ".utf8) + object] {
      checkAgainstReference(line)
      var scanner = JSONScanner(table: FieldMap.standard.keyTable)
      #expect(line.withUnsafeBytes { scanner.scan($0) } == .object)
      #expect(scanner.has(.service) && scanner.has(.duration))
    }
    var scanner = JSONScanner(table: FieldMap.standard.keyTable)
    #expect(([0x20] + bom + object).withUnsafeBytes { scanner.scan($0) } == .malformed(.notAnObject))
    #expect((bom + bom + object).withUnsafeBytes { scanner.scan($0) } == .malformed(.notAnObject))
  }

  @Test func agreesWithFoundationOnRandomLines() {
    var random = SplitMix64(seed: 2026)
    for _ in 0..<20000 {
      var line = RandomJSON.object(depth: 0, using: &random)
      if random.next() % 3 == 0 { RandomJSON.corrupt(&line, using: &random) }
      checkAgainstReference(line)
    }
  }

  @Test(arguments: [
    ("{\"a\":1", MalformedReason.truncated),
    ("{\"a\":\"x", .truncated),
    ("{\"a\":tr", .truncated),
    ("{\"a\":1} x", .trailingData),
    ("{\"a\":\"\u{01}\"}", .controlCharacter),
    ("{\"a\":\"\\q\"}", .invalidEscape),
    ("{\"a\":\"\\u12G4\"}", .invalidEscape),
    ("{\"a\":1.}", .invalidNumber),
    ("{\"a\":-}", .invalidNumber),
    ("{\"a\":nul}", .invalidLiteral),
    ("{\"a\":01}", .unexpectedByte),
    ("{a:1}", .unexpectedByte),
    ("[1]", .notAnObject),
    ("42", .notAnObject),
    ("{\"a\":[1,]}", .unexpectedByte),
    ("{\"a\":1,}", .unexpectedByte),
    ("{\"a\":{\"b\":1]}", .unexpectedByte),
  ])
  func namesTheReason(line: String, reason: MalformedReason) {
    var scanner = JSONScanner(table: FieldMap.canonical.keyTable)
    let outcome = Array(line.utf8).withUnsafeBytes { scanner.scan($0) }
    #expect(outcome == .malformed(reason))
  }

  @Test func duplicateKeysLastNonNullWins() {
    var extractor = EventExtractor()
    let line = Array(#"{"service":"a","service":"b","service":null,"status":500,"status":200}"#.utf8)
    guard let event = readEvent(line, &extractor) else { return }
    #expect(event.status == 200)
    #expect(line.withUnsafeBytes { extractor.text(.service, in: $0) } == Array("b".utf8))
  }

  @Test func nestingDeeperThanTheLimitIsMalformed() {
    var scanner = JSONScanner(table: FieldMap.canonical.keyTable, maxDepth: 64)
    let ok = String(repeating: "{\"a\":", count: 63) + "1" + String(repeating: "}", count: 63)
    let deep = String(repeating: "{\"a\":[", count: 40) + "1" + String(repeating: "]}", count: 40)
    #expect(Array(ok.utf8).withUnsafeBytes { scanner.scan($0) } == .object)
    #expect(Array(deep.utf8).withUnsafeBytes { scanner.scan($0) } == .malformed(.tooDeep))
  }

  @Test func invalidUTF8InsideAStringIsFlaggedNotRejected() {
    var scanner = JSONScanner(table: FieldMap.canonical.keyTable)
    let line: [UInt8] = Array("{\"message\":\"caf".utf8) + [0xE9, 0xFF] + Array("\"}".utf8)
    #expect(line.withUnsafeBytes { scanner.scan($0) } == .object)
    let flagged = scanner.sawInvalidUTF8
    #expect(flagged)
    let outside: [UInt8] = Array("{\"message\":1".utf8) + [0xE9] + Array("}".utf8)
    #expect(outside.withUnsafeBytes { scanner.scan($0) } == .malformed(.unexpectedByte))
  }

  @Test func decodesEscapesAndSurrogatePairs() {
    var extractor = EventExtractor()
    let line = Array(#"{"message":"a\"b\\c\/d\n\u00e9\ud83d\ude00\ud800x","service":"s\u0041"}"#.utf8)
    _ = line.withUnsafeBytes { extractor.extract($0) }
    let message = line.withUnsafeBytes { extractor.text(.message, in: $0) }
    #expect(message.map { String(decoding: $0, as: UTF8.self) } == "a\"b\\c/d\né😀\u{FFFD}x")
    #expect(line.withUnsafeBytes { extractor.text(.service, in: $0) } == Array("sA".utf8))
  }

  @Test func escapedKeysAreMatched() {
    var extractor = EventExtractor()
    let line = Array(#"{"serv\u0069ce":"api","st\u0061tus":503}"#.utf8)
    guard let event = readEvent(line, &extractor) else { return }
    #expect(event.status == 503)
    #expect(line.withUnsafeBytes { extractor.text(.service, in: $0) } == Array("api".utf8))
  }

  @Test func nestedValuesAreSkippedAndTopLevelFieldsFound() {
    var extractor = EventExtractor()
    let line = Array(#"{"x":{"service":"inner","a":[{"status":1}]},"service":"outer","status":200}"#.utf8)
    guard let event = readEvent(line, &extractor) else { return }
    #expect(event.status == 200)
    #expect(line.withUnsafeBytes { extractor.text(.service, in: $0) } == Array("outer".utf8))
  }

  /// A status word is another vocabulary than HTTP's (Grafana's plugin
  /// requests, job runners): the event is read, without a status. A Go
  /// status line gives its code.
  @Test(arguments: [
    (#"{"status":"ok"}"#, Int?.none), (#"{"status":"Failure"}"#, nil), (#"{"status":""}"#, nil),
    (#"{"status":"503 Service Unavailable"}"#, 503), (#"{"status":"200 OK"}"#, 200), (#"{"status":"404"}"#, 404),
  ])
  func statusWordsAreNoStatus(line: String, status: Int?) {
    var extractor = EventExtractor()
    guard let event = readEvent(Array(line.utf8), &extractor) else { return }
    #expect(event.status == status)
  }

  @Test func nullMeansAbsent() {
    var extractor = EventExtractor()
    let line = Array(#"{"service":null,"status":null,"duration_ms":null,"timestamp":null}"#.utf8)
    guard let event = readEvent(line, &extractor) else { return }
    #expect(event.status == nil && event.duration == nil && event.timestamp == nil)
  }

  @Test(arguments: [
    (#"{"duration_ms":"fast"}"#, MalformedReason.wrongType),
    (#"{"duration_ms":"12  ms"}"#, .wrongType),
    (#"{"duration_ms":" ms"}"#, .wrongType),
    (#"{"duration_ms":{"v":1}}"#, .wrongType),
    (#"{"duration_ms":-5}"#, .wrongType),
    (#"{"duration_ms":"2m3.5"}"#, .wrongType),
    (#"{"duration_ms":"1m 30s"}"#, .wrongType),
    (#"{"duration_ms":"2m-3s"}"#, .wrongType),
    (#"{"duration_ms":"1x30s"}"#, .wrongType),
    (#"{"status":"2xx"}"#, .wrongType),
    (#"{"status":"-1"}"#, .wrongType),
    (#"{"status":true}"#, .wrongType),
    (#"{"status":200.5}"#, .wrongType),
    (#"{"timestamp":"yesterday"}"#, .badTimestamp),
    (#"{"timestamp":"2026-02-30T00:00:00Z"}"#, .badTimestamp),
    (#"{"timestamp":true}"#, .badTimestamp),
  ])
  func wrongTypesAreMalformed(line: String, reason: MalformedReason) {
    var extractor = EventExtractor()
    guard case .malformed(let found) = Array(line.utf8).withUnsafeBytes({ extractor.extract($0) }) else {
      Issue.record("\(line) was read as an event")
      return
    }
    #expect(found == reason)
  }

  @Test(arguments: [
    (#"{"duration_ms":145}"#, Int64(145_000_000)),
    (#"{"duration_ms":0.5}"#, 500_000),
    (#"{"duration_ms":1.5e3}"#, 1_500_000_000),
    (#"{"duration_ms":"250"}"#, 250_000_000),
    (#"{"duration_ms":"0.123s"}"#, 123_000_000),
    (#"{"duration_ms":"150us"}"#, 150_000),
    (#"{"duration_ms":0}"#, 0),
    // tower-http's Display of a latency: a space before the unit.
    (#"{"duration_ms":"12 ms"}"#, 12_000_000),
    (#"{"duration_ms":"3 s"}"#, 3_000_000_000),
    (#"{"duration_ms":"250 μs"}"#, 250_000),
    // Go's time.Duration.String() from a minute on.
    (#"{"duration_ms":"2m3.5s"}"#, 123_500_000_000),
    (#"{"duration_ms":"1h0m0s"}"#, 3_600_000_000_000),
    (#"{"duration_ms":"1h2m3.004005006s"}"#, 3_723_004_005_006),
  ])
  func durationsAreNanoseconds(line: String, nanos: Int64) {
    var extractor = EventExtractor()
    guard let event = readEvent(Array(line.utf8), &extractor) else { return }
    #expect(event.duration == nanos)
  }

  /// Go's `time.Duration.String()` as Go writes it (hours, minutes, then
  /// seconds with up to nine fraction digits; below a second one unit),
  /// for random durations: read back to the nanosecond.
  @Test func goDurationStringsAreReadToTheNanosecond() {
    var generator = SplitMix64(seed: 1729)
    for _ in 0..<5000 {
      let nanos =
        Int64.random(in: 0..<(100 * 3_600_000_000_000), using: &generator)
        >> Int64.random(in: 0..<40, using: &generator)
      let text = Self.goDuration(nanos)
      var extractor = EventExtractor()
      guard let event = readEvent(Array(#"{"duration_ms":"\#(text)"}"#.utf8), &extractor) else { return }
      let error = abs((event.duration ?? -1) - nanos)
      // Double sums of the parts: exact to a few nanoseconds of 100 hours.
      #expect(error <= 2, "\(text): \(String(describing: event.duration)) for \(nanos)")
    }
  }

  /// What Go's `Duration.String()` writes (time/time.go), written out plainly.
  static func goDuration(_ nanos: Int64) -> String {
    func fraction(_ value: Int64, _ digits: Int) -> String {
      var text = String(value)
      text = String(repeating: "0", count: digits - text.count) + text
      while text.hasSuffix("0") { text.removeLast() }
      return text.isEmpty ? "" : "." + text
    }
    if nanos == 0 { return "0s" }
    if nanos < 1000 { return "\(nanos)ns" }
    if nanos < 1_000_000 { return "\(nanos / 1000)\(fraction(nanos % 1000, 3))µs" }
    if nanos < 1_000_000_000 { return "\(nanos / 1_000_000)\(fraction(nanos % 1_000_000, 6))ms" }
    let seconds = nanos / 1_000_000_000
    let rest = "\(seconds % 60)\(fraction(nanos % 1_000_000_000, 9))s"
    if seconds < 60 { return rest }
    let minutes = seconds / 60
    if minutes < 60 { return "\(minutes)m" + rest }
    return "\(minutes / 60)h\(minutes % 60)m" + rest
  }

  /// GELF's level is a syslog severity (RFC 5424).
  @Test func syslogSeveritiesMapToOneScale() {
    let expected: [Level] = [.fatal, .fatal, .fatal, .error, .warn, .info, .info, .debug]
    #expect((0...7).map { Level.parse(number: Double($0), scale: .syslog) } == expected)
    #expect(Level.parse(number: 8, scale: .syslog) == .other)
  }

  @Test(arguments: [
    ("\"info\"", Level.info), ("\"INFO\"", .info), ("\"Warning\"", .warn), ("\"ERR\"", .error),
    ("\"critical\"", .fatal), ("\"information\"", .info), ("\"emergency\"", .fatal), ("30", .info),
    ("50", .error), ("60", .fatal), ("10", .trace), ("\"verbose\"", .trace), ("\"bogus\"", .other),
    ("\"40\"", .warn), ("\"ERRO\"", .error), ("\"DEBU\"", .debug), ("\"eror\"", .error), ("\"dbug\"", .debug),
    ("\"D1\"", .debug), ("\"D5\"", .debug), ("\"NOTICE\"", .info), ("\"EMERGENCY\"", .fatal),
    ("\"RequestResponse\"", .info), ("\"Metadata\"", .info), ("\"requestresponses\"", .other),
  ])
  func levelsMapToOneScale(value: String, level: Level) {
    var extractor = EventExtractor()
    let line = Array("{\"level\":\(value)}".utf8)
    guard let event = readEvent(line, &extractor) else { return }
    #expect(event.level == level)
  }
}

/// Random JSON lines for comparing against Foundation, valid by
/// construction, then optionally corrupted.
enum RandomJSON {
  static let keys = [
    "level", "timestamp", "service", "message", "path", "method", "status", "duration_ms", "requestId",
    "userId", "action", "x", "nested", "serv\\u0069ce", "",
  ]

  static func object(depth: Int, using random: inout SplitMix64) -> [UInt8] {
    var out: [UInt8] = Array("{".utf8)
    let count = Int(random.next() % (depth == 0 ? 9 : 4))
    // Distinct keys: JSON leaves duplicates' meaning open (see
    // `duplicateKeysLastNonNullWins` for logscan's).
    var used = Set<String>()
    for k in 0..<count {
      if k > 0 { out += Array(",".utf8) }
      out += space(&random)
      var key = keys[Int(random.next() % UInt64(keys.count))]
      while used.contains(key == "serv\\u0069ce" ? "service" : key) {
        key = keys[Int(random.next() % UInt64(keys.count))]
      }
      used.insert(key == "serv\\u0069ce" ? "service" : key)
      out += Array("\"\(key)\"".utf8)
      out += space(&random) + Array(":".utf8) + space(&random)
      out += value(depth: depth + 1, using: &random)
    }
    out += space(&random) + Array("}".utf8)
    return out
  }

  static func value(depth: Int, using random: inout SplitMix64) -> [UInt8] {
    switch random.next() % (depth > 4 ? 5 : 7) {
    case 0: return string(&random)
    case 1: return number(&random)
    case 2: return Array(["true", "false", "null"][Int(random.next() % 3)].utf8)
    case 3: return string(&random)
    case 4: return number(&random)
    case 5: return object(depth: depth, using: &random)
    default:
      var out: [UInt8] = Array("[".utf8)
      for k in 0..<Int(random.next() % 4) {
        if k > 0 { out += Array(",".utf8) }
        out += value(depth: depth + 1, using: &random)
      }
      return out + Array("]".utf8)
    }
  }

  static func string(_ random: inout SplitMix64) -> [UInt8] {
    let pieces = [
      "abc", "GET", "/api/v1/orders/42", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\u00e9", "\\ud83d\\ude00",
      "é", "日本", "😀", " ", "2026-02-07T10:30:00.000Z", "\\u0000", "\\b\\f\\r",
    ]
    var out: [UInt8] = Array("\"".utf8)
    for _ in 0..<Int(random.next() % 5) { out += Array(pieces[Int(random.next() % UInt64(pieces.count))].utf8) }
    return out + Array("\"".utf8)
  }

  static func number(_ random: inout SplitMix64) -> [UInt8] {
    let forms = ["0", "-0", "145", "-12.5", "1e3", "2.5E-3", "1234567890123", "0.000001", "3.14159", "200"]
    return Array(forms[Int(random.next() % UInt64(forms.count))].utf8)
  }

  static func space(_ random: inout SplitMix64) -> [UInt8] {
    random.next() % 4 == 0 ? Array([" ", "\t", "  "][Int(random.next() % 3)].utf8) : []
  }

  /// Truncates, drops, inserts or flips a byte.
  static func corrupt(_ line: inout [UInt8], using random: inout SplitMix64) {
    guard !line.isEmpty else { return }
    let at = Int(random.next() % UInt64(line.count))
    switch random.next() % 5 {
    case 0: line.removeSubrange(at...)
    case 1: line.remove(at: at)
    case 2: line.insert([0x00, 0x22, 0x7B, 0x7D, 0x5B, 0x2C, 0x3A, 0x5C, 0xFF, 0x01][Int(random.next() % 10)], at: at)
    case 3: line[at] = UInt8(truncatingIfNeeded: random.next())
    default: line += Array([" x", "}", "\"", ",", "]"][Int(random.next() % 5)].utf8)
    }
  }
}

/// The scanner remembers the keys recent lines had at each position of the
/// top-level object (`KeyShapes`). One scanner reused over many lines must
/// say exactly what a fresh scanner says of each line: outcome, fields found
/// and where, markers, invalid UTF-8, whatever the keys that came before.
@Suite struct KeyShapeTests {
  /// Keys chosen to collide: equal lengths ("status"/"method"/"userId"),
  /// prefixes ("stat"/"status"/"status_code"), the same key escaped, keys
  /// with invalid UTF-8, quotes and backslashes, an empty key, keys longer
  /// than what is remembered, and nested objects under bound keys.
  static let keys: [[UInt8]] =
    [
      "status", "method", "userId", "stat", "status_code", "st\\u0061tus", "service", "servic", "level", "msg",
      "time", "timestamp", "duration_ms", "path", "requestId", "", "a\\\"b", "x\\\\", "record", "req",
      "a_key_that_is_longer_than_thirty_two_bytes_for_sure", "caf\u{E9}",
    ].map { Array($0.utf8) } + [[0x6C, 0x65, 0x76, 0xFF], [0x6D, 0x73, 0xC3]]

  static let values: [[UInt8]] = [
    "200", "\"GET\"", "\"error\"", "\"2026-02-07T10:30:00Z\"", "12.5", "null", "true", "{\"method\":\"POST\"}",
    "[1,{\"status\":500}]", "{\"id\":\"r1\",\"method\":\"PUT\"}", "\"a\\\"b\"", "-0.5e3", "{}", "[]",
  ].map { Array($0.utf8) }

  struct Seen: Equatable {
    var outcome: JSONScanner.Outcome
    var found: UInt32
    var markers: MarkerBits
    var invalidUTF8: Bool
    var captures: [[Int32]]
  }

  static func seen(_ scanner: borrowing JSONScanner, _ outcome: JSONScanner.Outcome) -> Seen {
    var captures: [[Int32]] = []
    for field in 0..<32 where scanner.found & (1 << UInt32(field)) != 0 {
      let c = scanner.allCaptures[field]
      captures.append([
        Int32(field), c.start, c.end, Int32(c.kind.rawValue), c.escaped ? 1 : 0, Int32(c.priority),
      ])
    }
    return Seen(
      outcome: outcome, found: scanner.found, markers: scanner.markers, invalidUTF8: scanner.sawInvalidUTF8,
      captures: captures)
  }

  @Test func aReusedScannerSeesWhatAFreshOneSees() {
    let catalog = FormatCatalog.standard
    var random = SplitMix64(seed: 77)
    var reused = JSONScanner(frozen: catalog.tables[0])
    var lines = 0
    for round in 0..<30000 {
      // Now and then the stream changes format: the table is swapped.
      if round % 997 == 0 { reused.table = catalog.tables[Int(random.next() % UInt64(catalog.tables.count))] }
      var line: [UInt8] = [UInt8(ascii: "{")]
      // Mostly a few shapes in a row (as a logger writes), sometimes any.
      let shape = random.next() % 4
      let count = Int(random.next() % 12)
      for position in 0..<count {
        if position > 0 { line.append(UInt8(ascii: ",")) }
        let key =
          random.next() % 5 == 0
          ? Self.keys[Int(random.next() % UInt64(Self.keys.count))]
          : Self.keys[(position * 3 + Int(shape)) % Self.keys.count]
        line += [UInt8(ascii: "\"")] + key + Array("\":".utf8)
        line += Self.values[Int(random.next() % UInt64(Self.values.count))]
      }
      line.append(UInt8(ascii: "}"))
      if random.next() % 10 == 0 { line = Array(line.prefix(Int(random.next() % UInt64(line.count)))) }
      var fresh = JSONScanner(frozen: reused.table)
      let expected = line.withUnsafeBytes { fresh.scan($0) }
      let got = line.withUnsafeBytes { reused.scan($0) }
      #expect(
        Self.seen(reused, got) == Self.seen(fresh, expected), "\(String(decoding: line, as: UTF8.self))")
      lines += 1
    }
    #expect(lines == 30000)
  }
}

/// The string scan goes 16 bytes at a time (SIMD), then 8, then byte by
/// byte: every kind of byte that stops it, at every offset of each step and
/// at the end of the line, gets Foundation's verdict.
@Test func everyStopByteAtEveryOffsetOfTheStringScan() {
  let stops: [[UInt8]] = [
    [UInt8(ascii: "\"")], Array(#"\""#.utf8), Array(#"\\"#.utf8), Array(#"\n"#.utf8), Array(#"\u00e9"#.utf8),
    Array(#"\q"#.utf8), [0x01], [0x1F], [0x7F], [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80],
    [0xFF], [0xC3], [0xED, 0xA0, 0x80],
  ]
  for stop in stops {
    for offset in 0..<40 {
      for tail in 0..<20 {
        let before = Array(repeating: UInt8(ascii: "a"), count: offset)
        let after = Array(repeating: UInt8(ascii: "b"), count: tail)
        checkAgainstReference(Array(#"{"message":""#.utf8) + before + stop + after + Array(#"","n":1}"#.utf8))
        // Cut short: the line ends inside the string.
        checkAgainstReference(Array(#"{"message":""#.utf8) + before + stop + after)
      }
    }
  }
}

/// Numbers in every JSON form (signs, leading zeros, long fractions,
/// exponents, more digits than a Double holds) read as the standard
/// library's correctly rounded parse of the same text reads them, whether
/// they take the short path (18 bytes at most, no exponent) or not.
@Test func numbersReadAsTheStandardLibraryReadsThem() {
  var random = SplitMix64(seed: 41)
  func digits(_ count: Int) -> String {
    String((0..<count).map { _ in Character(String(random.next() % 10)) })
  }
  for round in 0..<30000 {
    var text = random.next() % 4 == 0 ? "-" : ""
    text += random.next() % 5 == 0 ? "0" : digits(1 + Int(random.next() % (round % 3 == 0 ? 22 : 8)))
    if random.next() % 2 == 0 { text += "." + digits(1 + Int(random.next() % (round % 3 == 1 ? 22 : 6))) }
    if random.next() % 6 == 0 {
      text += ["e", "E", "e+", "e-"][Int(random.next() % 4)] + digits(1 + Int(random.next() % 3))
    }
    let parsed = Array(text.utf8).withUnsafeBufferPointer { parseJSONNumber($0.baseAddress!, $0.count) }
    #expect(parsed == Double(text), "\(text)")
  }
}

/// The scanner keeps the fields a line had as bits of a 32-bit word (and
/// shifts into it unchecked).
@Test func everyFieldHasABitOfTheFoundWord() {
  #expect(Field.count <= UInt32.bitWidth)
}
