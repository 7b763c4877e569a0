import Foundation
import LogGenerator
import LogScanCore
import Testing

@Suite struct SummaryTests {
  /// Every figure here was worked out by hand from fixtures/malformed.jsonl
  /// (its 23 lines are listed, with what each should count as, in
  /// fixtures/README.md).
  /// Access logs have no message, or one written on every request
  /// (`handled request`): a failed request counts under its status
  /// and route (folded: an email in a path is an id, and is redacted like a
  /// message besides); an error without a status or message is "(no message)".
  @Test func failedRequestsWithoutAMessageAreNamedByStatusAndRoute() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let lines = [
      #"{"time_iso8601":"2026-11-22T10:00:00+00:00","remote_addr":"10.0.0.1","request":"POST /api/orders/17 HTTP/1.1","status":"502","request_time":"0.004"}"#,
      #"{"time_iso8601":"2026-11-22T10:00:01+00:00","remote_addr":"10.0.0.1","request":"POST /api/orders/18 HTTP/1.1","status":"502","request_time":"0.004"}"#,
      #"{"time_iso8601":"2026-11-22T10:00:02+00:00","remote_addr":"10.0.0.1","request":"GET /u/bob@example.com HTTP/1.1","status":"503","request_time":"0.004"}"#,
      #"{"time_iso8601":"2026-11-22T10:00:03+00:00","remote_addr":"10.0.0.1","status":"500","request_time":"0.004"}"#,
      #"{"timestamp":"2026-11-22T10:00:04Z","level":"error","service":"a"}"#,
      // Caddy logs a 404 at level error, with the message of every request.
      #"{"level":"error","ts":1795309331.436,"logger":"http.log.access.log0","msg":"handled request","request":{"method":"GET","uri":"/missing/123"},"duration":0.0001,"status":404}"#,
      #"{"timestamp":"2026-11-22T10:00:05Z","service":"a","message":"Request Completed","status":500,"method":"GET","path":"/x"}"#,
      #"{"timestamp":"2026-11-22T10:00:06Z","service":"a","message":"db timeout","status":500,"method":"GET","path":"/x"}"#,
    ]
    let path = writeTemporaryFile(Array((lines.joined(separator: "\n") + "\n").utf8), in: directory)
    let report = SummaryReport(summarize([path]), filter: Redactor.standard)
    let counts = Dictionary(uniqueKeysWithValues: report.topErrors.map { ($0.template, $0.count) })
    #expect(
      counts == [
        "HTTP 502 POST /api/orders/:id": 2, "HTTP 503 GET /u/:id": 1, "HTTP 500": 1, "(no message)": 1,
        "HTTP 404 GET /missing/:id": 1, "HTTP 500 GET /x": 1, "db timeout": 1,
      ])
  }

  @Test func malformedFixtureIsAccountedLineByLine() {
    let result = summarize([fixture("malformed.jsonl")])
    let lines = result.shard.lines
    #expect(lines.read == 23)
    #expect(lines.parsed == 7)
    #expect(lines.malformedTotal == 14)
    #expect(lines.skippedTotal == 2)
    #expect(lines.repairedUTF8 == 1)
    let report = SummaryReport(result)
    #expect(report.lines.addsUp)
    let reasons = Dictionary(uniqueKeysWithValues: report.lines.malformedByReason)
    #expect(
      reasons == [
        "not_an_object": 3, "truncated": 1, "trailing_data": 1, "control_character": 1, "invalid_escape": 1,
        "invalid_number": 1, "invalid_literal": 1, "unexpected_byte": 2, "too_deep": 1, "wrong_type": 1,
        "bad_timestamp": 1,
      ])
    #expect(report.lines.examples.map(\.line) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    #expect(report.overall.events == 7)
    #expect(report.overall.errors == 3)
    #expect(report.timeRange.start == "2026-02-07T09:30:03.250Z")
    #expect(report.timeRange.end == "2026-02-07T10:30:08.500Z")
    let services = Dictionary(uniqueKeysWithValues: report.services.map { ($0.name, $0) })
    #expect(services["api-server"]?.events == 5)
    #expect(services["api-server"]?.errors == 1)
    #expect(services["api-server"]?.latency?.count == 3)
    #expect(services["api-gateway"]?.errors == 1)
    #expect(services["caf\u{FFFD}-service"]?.events == 1)
    let routes = report.routes.map(\.name)
    #expect(Set(routes) == ["POST /api/orders", "GET /api/menu/:id", "GET /api/orders/:id", "GET /api/users/:id"])
    let levels = Dictionary(uniqueKeysWithValues: report.levels)
    #expect(levels == ["info": 4, "warn": 1, "error": 1, "fatal": 1])
    // p50 of {80, 145, 3000} ms is 145 (nearest rank), within 0.1%.
    let p50 = services["api-server"]!.latency!.p50
    #expect(abs(p50 - 145) <= 0.145)
    #expect(services["api-server"]!.latency!.max == 3000)
  }

  @Test func overlongLinesAreSkippedWithTheirReason() {
    let result = summarize([fixture("malformed.jsonl")]) { $0.maxLineBytes = 1024 }
    #expect(result.shard.lines.read == 23)
    #expect(result.shard.lines.skipped == [2, 1, 0])  // blank, too_long, continuation
    #expect(result.shard.lines.parsed == 6)
  }

  @Test func aFiftyMegabyteLineIsSkippedWithoutBeingBuffered() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var data = Array("{\"service\":\"a\",\"duration_ms\":5}\n{\"message\":\"".utf8)
    data += [UInt8](repeating: UInt8(ascii: "x"), count: 50 << 20)
    data += Array("\"}\n{\"service\":\"b\",\"duration_ms\":7}".utf8)
    let path = writeTemporaryFile(data, in: directory)
    for jobs in [1, 2] {
      let result = summarize([path]) {
        $0.jobs = jobs
        $0.splitThreshold = 1 << 20
        $0.maxPieceSize = 8 << 20
      }
      #expect(result.shard.lines.read == 3)
      #expect(result.shard.lines.parsed == 2)
      #expect(result.shard.lines.skipped == [0, 1, 0])
    }
  }

  /// The report must not depend on how the input was split: one thread or
  /// two, whole file or many pieces, small chunks or large.
  @Test func reportIsIdenticalHoweverTheInputIsSplit() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var configuration = LogGenerator.Configuration()
    configuration.malformedRate = 0.002
    configuration.seed = 11
    var generator = LogGenerator(configuration)
    var data: [UInt8] = []
    while data.count < 3_000_000 { generator.appendRequest(to: &data) }
    let path = writeTemporaryFile(data, in: directory)

    let single = summaryJSON(summarize([path]) { $0.jobs = 1 })
    let variants: [(String, (inout ScanOptions) -> Void)] = [
      (
        "two jobs, many pieces",
        {
          $0.jobs = 2; $0.splitThreshold = 1; $0.maxPieceSize = 100_000
        }
      ),
      (
        "two jobs, small chunks",
        {
          $0.jobs = 2; $0.splitThreshold = 1; $0.maxPieceSize = 250_000; $0.chunkSize = 4096
        }
      ),
      (
        "one job, tiny chunks",
        {
          $0.jobs = 1; $0.chunkSize = 1000
        }
      ),
      ("two jobs, whole file", { $0.jobs = 2 }),
    ]
    for (name, configure) in variants {
      #expect(summaryJSON(summarize([path], configure: configure)) == single, "\(name)")
    }
  }

  /// With two jobs, a compressed input is decoded, split and scanned on one
  /// thread and counted on another (`ParseAheadReader`); the report must be
  /// the one a single thread makes, for every kind of line (malformed,
  /// blank, CRLF, invalid UTF-8, escapes, too long, other log formats
  /// switching in and out, a last line without newline) and across batches
  /// (about 3.5 MB: several of them), whichever thread decodes the values.
  /// Rules, counters and correlation on.
  @Test func parseAheadGivesTheReportOfOneThread() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var configuration = LogGenerator.Configuration()
    configuration.malformedRate = 0.002
    configuration.seed = 23
    var generator = LogGenerator(configuration)
    let odd: [[UInt8]] = [
      Array("\n   \n".utf8),
      Array("{\"level\":\"info\",\"service\":\"crlf\",\"duration_ms\":3}\r\n".utf8),
      Array("{\"level\":\"error\",\"service\":\"bytes\",\"message\":\"bad ".utf8) + [0xFF, 0xFE]
        + Array(" byte\",\"status\":503}\n".utf8),
      Array(
        ("{\"level\":50,\"time\":1770422400000,\"pid\":1,\"hostname\":\"h\",\"msg\":\"boom\","
          + "\"req\":{\"id\":7,\"method\":\"GET\",\"url\":\"/a/1\"},\"res\":{\"statusCode\":500},"
          + "\"responseTime\":12}\n").utf8),
      Array("{\"level\":\"error\",\"msg\":\"logrus says\",\"time\":\"2026-02-07T00:00:01Z\"}\n".utf8),
      Array("{\"service\":\"a\\u00e9\\\"b\",\"message\":\"q\\\\\",\"level\":\"warn\"}\n".utf8),
      Array("{\"service\":\"long\",\"message\":\"".utf8) + [UInt8](repeating: 0x78, count: 10_000)
        + Array("\"}\n".utf8),
      // Objects whose values do not decode: malformed only once decoded.
      Array("{\"timestamp\":\"yesterday\",\"service\":\"when\"}\n".utf8),
      Array("{\"service\":\"what\",\"status\":\"teapot\",\"duration_ms\":\"slow\"}\n".utf8),
    ]
    var data: [UInt8] = []
    var requests = 0
    while data.count < 3_500_000 {
      generator.appendRequest(to: &data)
      requests += 1
      if requests % 97 == 0 { data += odd[requests / 97 % odd.count] }
    }
    data += Array("{\"service\":\"last\",\"duration_ms\":1}".utf8)
    let plain = writeTemporaryFile(data, in: directory)
    for (tool, arguments) in [("gzip", ["-k", "-f", plain]), ("zstd", ["-q", "-f", plain, "-o", plain + ".zst"])] {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = [tool] + arguments
      try process.run()
      process.waitUntilExit()
      #expect(process.terminationStatus == 0, "\(tool)")
    }
    let configure: (Int, ParseAheadDecoding) -> (inout ScanOptions) -> Void = { jobs, decoding in
      {
        $0.jobs = jobs
        $0.parseAheadDecoding = decoding
        $0.maxLineBytes = 4096
        $0.rules = Configuration().rulePlan
      }
    }
    let single = summarize([plain], configure: configure(1, .adaptive))
    #expect(single.shard.lines.skipped[SkipReason.allCases.firstIndex(of: .tooLong)!] > 0)
    #expect(single.shard.lines.repairedUTF8 > 0)
    #expect(single.shard.lines.malformed.reduce(0, +) > 0)
    let expected = summaryJSON(single)
    for path in [plain + ".gz", plain + ".zst"] {
      // With two jobs, the values are decoded on either thread.
      for (jobs, decoding) in [(1, .adaptive), (2, .adaptive), (2, .ahead), (2, .behind)] as [(Int, ParseAheadDecoding)]
      {
        let result = summarize([path], configure: configure(jobs, decoding))
        // Only the input's name, format and size differ.
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let json = summaryJSON(result).replacingOccurrences(of: path, with: plain)
          .replacingOccurrences(of: "\"bytes\": \(size),", with: "\"bytes\": \(data.count),")
          .replacingOccurrences(of: "\"gzip\"", with: "\"plain\"").replacingOccurrences(
            of: "\"zstd\"", with: "\"plain\"")
        #expect(json == expected, "\(path), \(jobs) jobs, decoded \(decoding)")
      }
    }
  }

  @Test func concatenatedFilesGiveTheFiguresOfTheirConcatenation() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var generator = LogGenerator()
    var data: [UInt8] = []
    while data.count < 500_000 { generator.appendRequest(to: &data) }
    let cut = data[250_000...].firstIndex(of: 0x0A)! + 1
    let whole = writeTemporaryFile(data, name: "whole.jsonl", in: directory)
    let first = writeTemporaryFile(Array(data[..<cut]), name: "a.jsonl", in: directory)
    let second = writeTemporaryFile(Array(data[cut...]), name: "b.jsonl", in: directory)
    let one = SummaryReport(summarize([whole]))
    let two = SummaryReport(summarize([first, second]) { $0.jobs = 2 })
    #expect(one.overall.json == two.overall.json)
    #expect(one.services.map(\.json) == two.services.map(\.json))
    #expect(one.routes.map(\.json) == two.routes.map(\.json))
    #expect(one.lines.read == two.lines.read)
  }

  @Test func compressedAndPlainInputsGiveTheSameFigures() {
    let plain = SummaryReport(summarize([fixture("app.jsonl")]))
    for name in ["app.jsonl.zst", "app.jsonl.gz", "multiframe.jsonl.zst"] {
      let other = SummaryReport(summarize([fixture(name)]))
      #expect(other.overall.json == plain.overall.json, "\(name)")
      #expect(other.services.map(\.json) == plain.services.map(\.json), "\(name)")
      #expect(other.inputs[0].format == "zstd" || other.inputs[0].format == "gzip")
    }
  }

  @Test func aDirectoryStandsForItsFilesInOrder() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    _ = writeTemporaryFile(Array("{\"service\":\"b\"}\n".utf8), name: "b.jsonl", in: directory)
    _ = writeTemporaryFile(Array("{\"service\":\"a\"}\n".utf8), name: "a.log", in: directory)
    _ = writeTemporaryFile(Array("{\"service\":\"hidden\"}\n".utf8), name: ".hidden", in: directory)
    let result = summarize([directory.path])
    #expect(result.inputs.map { URL(fileURLWithPath: $0.name).lastPathComponent } == ["a.log", "b.jsonl"])
    #expect(result.shard.lines.parsed == 2)
  }

  @Test func perMinuteCountsAreCappedAndSaySo() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var text = ""
    for minute in 0..<100 {
      text +=
        "{\"service\":\"a\",\"timestamp\":\"2026-02-07T\(minute / 60 + 10):\(minute % 60 < 10 ? "0" : "")\(minute % 60):00Z\"}\n"
    }
    let path = writeTemporaryFile(Array(text.utf8), in: directory)
    let capped = SummaryReport(summarize([path]) { $0.limits.maxMinuteCells = 10 })
    let full = SummaryReport(summarize([path]))
    // The average and the time range stay exact; the peak is marked partial.
    #expect(capped.overall.throughput?.averagePerMinute == full.overall.throughput?.averagePerMinute)
    #expect(capped.overall.throughput?.partial == true)
    #expect(full.overall.throughput?.partial == false)
    #expect(capped.diagnostics.contains { $0.contains("per-minute counts") })
  }

  @Test func tablesAreCappedAndCountWhatTheyTurnedAway() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var text = ""
    for k in 0..<50 {
      text += "{\"service\":\"svc-\(k)\",\"path\":\"/r\(k)/x\",\"level\":\"error\",\"message\":\"m\(k) a\"}\n"
    }
    let path = writeTemporaryFile(Array(text.utf8), in: directory)
    let result = summarize([path]) {
      $0.limits.maxServices = 10
      $0.limits.maxRoutes = 5
      $0.limits.maxTemplates = 3
    }
    let report = SummaryReport(result)
    #expect(report.services.count == 11)
    #expect(report.services.first { $0.name == "(other)" }?.events == 40)
    #expect(report.truncation.servicesFolded == 40)
    #expect(report.truncation.routesFolded == 45)
    #expect(report.truncation.templatesFolded == 47)
    #expect(report.diagnostics.count == 3)
    #expect(report.overall.events == 50)
  }
}

@Suite struct FormattingTests {
  @Test func durationsInReadableUnits() {
    let cases: [(Double, String)] = [
      (0, "0ms"), (0.004, "4.00µs"), (0.85, "850µs"), (4.2, "4.20ms"), (12.34, "12.3ms"), (1234, "1.23s"),
      (125_000, "2m05s"),
    ]
    for (ms, text) in cases { #expect(Format.duration(ms: ms) == text, "\(ms)") }
  }
}

@Suite struct JSONWriterTests {
  /// Every string written reads back the same with Foundation, pretty and
  /// compact, whatever it holds: quotes, backslashes, control characters,
  /// U+2028 and U+2029 (escaped), any other text as it is.
  @Test func stringsReadBackAsWritten() throws {
    var random = SplitMix64(seed: 7)
    let alphabet: [Unicode.Scalar] = [
      "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{1F}", "\u{7F}", "é", "€", "😀",
      "\u{2028}", "\u{2029}", "\u{2027}", "\u{E2}",
    ]
    for _ in 0..<500 {
      let length = Int(random.next() % 24)
      var text = ""
      for _ in 0..<length { text.unicodeScalars.append(alphabet[Int(random.next() % UInt64(alphabet.count))]) }
      let value = JSONValue.object([(text, .array([.string(text), .int(-3), .double(0.5), .null]))])
      for pretty in [true, false] {
        let rendered = value.rendered(pretty: pretty)
        #expect(
          !rendered.unicodeScalars.contains { $0 == "\u{2028}" || $0 == "\u{2029}" || $0.value < 0x20 && $0 != "\n" })
        let object = try JSONSerialization.jsonObject(with: Data(rendered.utf8)) as! [String: Any]
        #expect(object.keys.first == text)
        let items = object[text] as! [Any]
        #expect(items[0] as? String == text)
      }
    }
    #expect(JSONValue.string("a\"b\u{2028}").rendered() == #""a\"b\u2028""#)
  }
}

@Suite struct ScopeTableTests {
  /// Looked up in any order, keys get the ids a dictionary gives them (in
  /// order of first sight, up to the cap, then "(other)", each such lookup
  /// counted), whatever the table remembers of recent keys: many keys
  /// share its slots.
  @Test func indexesAgreeWithADictionary() {
    var random = SplitMix64(seed: 3)
    let keys = (0..<120).map { k -> [UInt8] in
      let length = Int(random.next() % 40)
      return (0..<length).map { _ in UInt8(65 + random.next() % 3) } + Array("\(k % 60)".utf8)
    }
    for limit in [5, 50, 1000] {
      var table = ScopeTable(limit: limit)
      var reference: [[UInt8]: Int] = [:]
      var order: [[UInt8]] = []
      var folded = 0
      for _ in 0..<20000 {
        let key = keys[Int(random.next() % UInt64(keys.count))]
        let id = key.withUnsafeBytes { table.index(of: $0) }
        let expected: Int
        if let known = reference[key] {
          expected = known
        } else if order.count < limit {
          expected = order.count
          reference[key] = expected
          order.append(key)
        } else {
          let other = Array(ScopeTable.otherKey.utf8)
          if reference[other] == nil {
            reference[other] = order.count
            order.append(other)
          }
          expected = reference[other]!
          folded += 1
        }
        #expect(id == expected)
      }
      #expect(table.folded == folded)
      #expect((0..<table.count).map { table.name($0) } == order.map { String(decoding: $0, as: UTF8.self) })
    }
  }
}
