import Foundation
import Testing

/// `logscan trace` on fixtures/correlation/requests.jsonl, whose requests
/// are worked out by hand in fixtures/correlation/README.md.
@Suite struct TraceCommandTests {
  static let fixture = "fixtures/correlation/requests.jsonl"

  @Test func oneRequestAsJSON() throws {
    let result = try run(["trace", "req-b", Self.fixture, "--format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try JSONSerialization.jsonObject(with: result.stdoutData) as! [String: Any]
    let requests = json["requests"] as! [[String: Any]]
    #expect(requests.count == 1)
    let request = requests[0]
    #expect(request["requestId"] as? String == "req-b")
    #expect(request["durationMs"] as? Double == 500)
    #expect(request["services"] as? [String] == ["gateway", "payments"])
    #expect(request["status"] as? Int == 502)
    let events = request["events"] as! [[String: Any]]
    #expect(events.map { $0["timestamp"] as? String } == ["2026-03-01T10:00:01.000Z", "2026-03-01T10:00:01.050Z"])
    #expect(events.map { $0["service"] as? String } == ["payments", "gateway"])
    #expect(events.map { $0["level"] as? String } == ["error", "none"])
    #expect(events.map { $0["durationMs"] as? Double } == [400, 500])
    #expect(events[1]["status"] as? Int == 502)
    #expect(events[0]["status"] is NSNull)
    #expect(events.map { $0["line"] as? Int } == [4, 5])
    // The email in the message is redacted, as everywhere.
    #expect(events[0]["message"] as? String == "card declined for [REDACTED:email]")
    #expect(!result.stdout.contains("bob@example.com"))
    for key in ["action", "message", "durationMs", "status", "level", "service", "timestamp"] {
      #expect(events.allSatisfy { $0.keys.contains(key) }, "\(key)")
    }
  }

  /// nginx's whole-second `$time_iso8601` beside Caddy's microseconds
  /// (fixtures/correlation/README.md): the request lasted nginx's 303 ms,
  /// not the 951.6 ms between the timestamps as written; nginx's event is
  /// placed at the end of its second's part that Caddy's shows, so both
  /// events, written as the request ended, are at offset 0.
  @Test func wholeSecondTimestampsArePlaced() throws {
    let result = try run([
      "trace", "1ec41b8b8aa52f015c492bb722c3f83b", "fixtures/correlation/nginx-caddy.jsonl", "--format", "json",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try JSONSerialization.jsonObject(with: result.stdoutData) as! [String: Any]
    let request = (json["requests"] as! [[String: Any]])[0]
    #expect(request["durationMs"] as? Double == 303)
    let events = request["events"] as! [[String: Any]]
    // As written, in timestamp order.
    #expect(events.map { $0["timestamp"] as? String } == ["2026-11-23T23:33:12.000Z", "2026-11-23T23:33:12.648Z"])
    #expect(events.map { $0["offsetMs"] as? Double } == [0, 0])
  }

  @Test func textTimelineAndWaterfall() throws {
    let result = try run(["trace", "req-b", Self.fixture])
    #expect(result.status == 0)
    try expectGolden(result.stdout, "trace.req-b.txt")
  }

  @Test func severalIdsAndOneMissing() throws {
    let result = try run(["trace", "--id", "req-d,nope", "--id", "c0ffee", Self.fixture, "--format", "json"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("request 'nope': no events"))
    let json = try JSONSerialization.jsonObject(with: result.stdoutData) as! [String: Any]
    let requests = json["requests"] as! [[String: Any]]
    #expect(requests.map { $0["requestId"] as? String } == ["req-d", "c0ffee"])
    #expect(json["notFound"] as? [String] == ["nope"])
    // req-d's untimed event comes after the timed one.
    let events = requests[0]["events"] as! [[String: Any]]
    #expect(events.map { $0["service"] as? String } == ["gateway", "cache"])
  }

  @Test func selectedByOutcomeFromFilesAndFromStandardInput() throws {
    let slowest = try run(["trace", "--slowest", "2", Self.fixture, "--format", "json"])
    let failed = try run(["trace", "--failed", "--format", "json", "-"], stdin: try fixtureData())
    #expect(slowest.status == 0 && failed.status == 0, "\(slowest.stderr) \(failed.stderr)")
    func ids(_ run: Run) throws -> [String] {
      let json = try JSONSerialization.jsonObject(with: run.stdoutData) as! [String: Any]
      return (json["requests"] as! [[String: Any]]).map { $0["requestId"] as! String }
    }
    #expect(try ids(slowest) == ["4711", "c0ffee"])
    #expect(try ids(failed) == ["4711", "req-b"])
    #expect(failed.stdout.contains("\"input\": \"<stdin>\""))
  }

  /// Inputs need not be sorted: events are merged by timestamp, and equal
  /// timestamps keep input order (first input first, then line order).
  @Test func unsortedInputsAreMergedInTimestampOrder() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-trace-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let a = directory.appendingPathComponent("a.jsonl").path
    let b = directory.appendingPathComponent("b.jsonl").path
    try """
    {"timestamp":"2026-03-01T10:00:03Z","service":"s1","requestId":"r","message":"third"}
    {"timestamp":"2026-03-01T10:00:01Z","service":"s1","requestId":"r","message":"first"}
    {"timestamp":"2026-03-01T10:00:02Z","service":"s1","requestId":"r","message":"second (a)"}

    """.write(toFile: a, atomically: true, encoding: .utf8)
    try """
    {"timestamp":"2026-03-01T10:00:02Z","service":"s2","requestId":"r","message":"second (b)"}
    {"timestamp":"2026-03-01T10:00:00.5Z","service":"s2","requestId":"other","message":"not this one"}

    """.write(toFile: b, atomically: true, encoding: .utf8)
    for jobs in ["1", "2"] {
      let result = try run(["trace", "r", a, b, "-j", jobs, "--format", "json"])
      let json = try JSONSerialization.jsonObject(with: result.stdoutData) as! [String: Any]
      let events = (json["requests"] as! [[String: Any]])[0]["events"] as! [[String: Any]]
      #expect(events.map { $0["message"] as? String } == ["first", "second (a)", "second (b)", "third"])
      #expect(events.map { $0["offsetMs"] as? Double } == [0, 1000, 1000, 2000])
    }
  }

  /// Caddy logs request headers as arrays: the id is the first value.
  @Test func caddyRequestIdHeader() throws {
    let result = try run(["trace", "req-18479", "fixtures/formats/caddy.jsonl", "--format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try JSONSerialization.jsonObject(with: result.stdoutData) as! [String: Any]
    let request = (json["requests"] as! [[String: Any]])[0]
    #expect(request["entryRoute"] as? String == "GET /")
    #expect(request["userId"] is NSNull, "an empty user_id is no user")
    let duration = try #require(request["durationMs"] as? Double)
    #expect(abs(duration - 12.248438) < 1e-6)
  }

  /// Logs without request ids get no REQUESTS section in text (JSON keeps it, with zeros).
  @Test func noSectionWithoutRequestIds() throws {
    let text = try run(["summary", "fixtures/formats/logrus.jsonl"])
    #expect(text.status == 0)
    #expect(!text.stdout.contains("REQUESTS"))
    let json = try run(["summary", "--format", "json", "fixtures/formats/logrus.jsonl"])
    let requests = try #require(
      (try JSONSerialization.jsonObject(with: json.stdoutData) as! [String: Any])["requests"] as? [String: Any])
    #expect(requests["requests"] as? Int == 0)
    #expect(requests["eventsWithoutRequestId"] as? Int == 10)
  }

  /// A request whose events share one timestamp and carry no duration (a
  /// Python service logging its outcome and then the exception) took no
  /// time: its waterfall is one mark at the start, not "no timestamps",
  /// which only a request without any timestamp gets.
  @Test func aRequestOfNoDurationHasAWaterfallMark() throws {
    let lines = [
      #"{"asctime":"2026-11-23 21:32:41,761","levelname":"INFO","name":"shop.api","message":"handled","request_id":"r1","status":503}"#,
      #"{"asctime":"2026-11-23 21:32:41,761","levelname":"ERROR","name":"shop.api","message":"order failed","request_id":"r1"}"#,
      #"{"levelname":"INFO","name":"shop.api","message":"untimed","request_id":"r2"}"#,
    ]
    let stdin = Data((lines.joined(separator: "\n") + "\n").utf8)
    let timed = try run(["trace", "r1", "-"], stdin: stdin)
    #expect(timed.status == 0, "\(timed.stderr)")
    let bar = try #require(timed.stdout.split(separator: "\n").first { $0.hasPrefix("  shop.api |") })
    #expect(bar == "  shop.api |█" + String(repeating: " ", count: 39) + "| 0 0ms (failed)")
    let untimed = try run(["trace", "r2", "-"], stdin: stdin)
    #expect(untimed.stdout.contains("| (no timestamps)"))
  }

  @Test func markdownHasATablePerRequest() throws {
    let result = try run(["trace", "req-a", Self.fixture, "--format", "markdown"])
    #expect(result.status == 0)
    #expect(result.stdout.hasPrefix("# logscan trace\n"))
    #expect(result.stdout.contains("## Request `req-a`"))
    #expect(result.stdout.contains("| Offset | Time | Service |"))
    #expect(!result.stdout.contains("alice@example.com"))
  }

  @Test func usageErrors() throws {
    let none = try run(["trace"])
    #expect(none.status == 2)
    #expect(none.stderr.contains("request id"))
    let zero = try run(["trace", "--slowest", "0", Self.fixture])
    #expect(zero.status == 2)
  }

  private func fixtureData() throws -> Data {
    try Data(contentsOf: packageRoot.appendingPathComponent(Self.fixture))
  }
}
