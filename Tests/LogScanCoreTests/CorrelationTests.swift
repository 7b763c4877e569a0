import Foundation
import LogGenerator
import LogScanCore
import Testing

@Suite struct CorrelationTests {
  /// Every figure was worked out by hand (fixtures/correlation/README.md).
  @Test func handCheckedFixture() throws {
    let result = summarize([fixture("correlation/requests.jsonl")]) { $0.jobs = 1 }
    let report = try #require(SummaryReport(result, filter: Redactor.standard).requests)
    #expect(report.requests == 6)
    #expect(report.failed == 2)
    #expect(report.events == 10)
    #expect(report.uncorrelated == 1)
    #expect(report.evicted == 0)
    #expect(report.slowest.map(\.id) == ["4711", "c0ffee", "req-b", "req-a", "req-a", "req-d"])
    #expect(report.slowest.map(\.durationMs) == [2000, 1000, 500, 300, 10, 5])
    #expect(report.recentFailures.map(\.id) == ["4711", "req-b"])

    let a = report.slowest[3]
    #expect(a.entryRoute == "POST /api/orders")
    #expect(a.status == 201)
    #expect(!a.failed)
    #expect(a.events == 3)
    #expect(a.start == "2026-03-01T10:00:00.050Z")
    #expect(a.end == "2026-03-01T10:00:00.350Z")
    #expect(a.services.map(\.service) == ["gateway", "auth", "orders"])
    #expect(a.services.map(\.offsetMs) == [0, 30, 100])
    #expect(a.services.map(\.durationMs) == [300, 20, 150])
    #expect(a.user == "[REDACTED:email]")

    let b = report.slowest[2]
    #expect(b.entryRoute == "POST /api/payments/:id")
    #expect(b.status == 502)
    #expect(b.failed)
    #expect(b.services.map(\.service) == ["gateway", "payments"])
    #expect(b.services.map(\.failed) == [true, true])

    let c = report.slowest[1]
    #expect(c.entryRoute == nil)
    #expect(c.status == nil)
    let d = report.slowest[5]
    #expect(d.services.map(\.service) == ["gateway", "cache"])
    #expect(d.services[1].offsetMs == nil)
    #expect(report.slowest[4].entryRoute == "GET /api/orders/:id")

    #expect(report.eventsPerRequest.max == 3)
    #expect(report.eventsPerRequest.p50 == 1)
    #expect(abs(report.eventsPerRequest.mean - 10.0 / 6) < 1e-9)
    #expect(report.serviceCounts.map { [$0.0, $0.1] } == [[1, 3], [2, 2], [3, 1]])
    #expect(
      Set(report.entryRoutes.map(\.name)) == [
        "POST /api/orders", "POST /api/payments/:id", "(no route)", "GET /health", "GET /api/orders/:id",
        "GET /api/slow",
      ])
    let latency = try #require(report.latency)
    #expect(latency.count == 6)
    #expect(latency.max == 2000)
    #expect(abs(latency.p50 - 300) <= 0.3)
  }

  /// The same requests whatever the split: one job, many small pieces on two
  /// jobs (requests cut by piece boundaries), and the lines as two files
  /// with a request across them.
  @Test func requestsCutByShardsAndFilesAreJoined() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let lines = try String(contentsOfFile: fixture("correlation/requests.jsonl"), encoding: .utf8)
      .split(separator: "\n").map { $0 + "\n" }
    // req-a's first two events in one file, its third in the next.
    let first = writeTemporaryFile(Array(lines[..<2].joined().utf8), name: "a.jsonl", in: directory)
    let second = writeTemporaryFile(Array(lines[2...].joined().utf8), name: "b.jsonl", in: directory)
    let single = requestsJSON(summarize([fixture("correlation/requests.jsonl")]) { $0.jobs = 1 })
    for pieceSize in [120, 200, 333] {
      let split = summarize([fixture("correlation/requests.jsonl")]) {
        $0.jobs = 2
        $0.splitThreshold = 1
        $0.maxPieceSize = Int64(pieceSize)
      }
      #expect(requestsJSON(split) == single, "pieces of \(pieceSize) bytes")
      // Pieces of one input are not inputs of the same period.
      #expect(!SummaryReport(split).diagnostics.contains { $0.contains("cover the same period") })
    }
    #expect(requestsJSON(summarize([first, second]) { $0.jobs = 1 }) == single)
    #expect(requestsJSON(summarize([first, second]) { $0.jobs = 2 }) == single)
  }

  /// A generated log (requests of 2 to 5 events, interleaved) against an
  /// independent computation with JSONSerialization: requests, failures,
  /// fan-out, the slowest requests exactly, percentiles within 0.1%; and
  /// identical on every split.
  @Test func generatedLogAgainstAReference() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var configuration = LogGenerator.Configuration()
    configuration.seed = 23
    configuration.errorRate = 0.05
    var generator = LogGenerator(configuration)
    var data: [UInt8] = []
    while data.count < 2_000_000 { generator.appendRequest(to: &data) }
    let path = writeTemporaryFile(data, in: directory)

    struct Reference {
      var events = 0
      var services: Set<String> = []
      var start = Int64.max
      var end = Int64.min
      var failed = false
    }
    var requests: [String: Reference] = [:]
    for line in data.split(separator: 0x0A) {
      let object = try JSONSerialization.jsonObject(with: Data(line)) as! [String: Any]
      let id = object["requestId"] as! String
      let time = try #require(parseRFC3339(object["timestamp"] as! String))
      let duration = Int64((((object["duration_ms"] as? Double) ?? 0) * 1e6).rounded())
      var entry = requests[id] ?? Reference()
      entry.events += 1
      entry.services.insert(object["service"] as! String)
      entry.start = min(entry.start, time - duration)
      entry.end = max(entry.end, time)
      if ((object["status"] as? Int) ?? 0) >= 500 || object["level"] as? String == "error" { entry.failed = true }
      requests[id] = entry
    }
    let ranked = requests.map { ($0.key, $0.value.end - $0.value.start) }
      .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }

    let result = summarize([path]) { $0.jobs = 1 }
    let report = try #require(SummaryReport(result).requests)
    #expect(report.requests == requests.count)
    #expect(report.failed == requests.values.filter(\.failed).count)
    #expect(report.events == requests.values.reduce(0) { $0 + $1.events })
    #expect(report.slowest.map(\.id) == ranked.prefix(10).map(\.0))
    for (shown, expected) in zip(report.slowest, ranked) {
      // Durations are read to the nanosecond on both sides, within rounding.
      #expect(abs(shown.durationMs! - Double(expected.1) / 1e6) < 1e-3)
    }
    var byServices = [Int: Int]()
    for entry in requests.values { byServices[entry.services.count, default: 0] += 1 }
    #expect(
      report.serviceCounts.map { [$0.0, $0.1] } == byServices.sorted { $0.key < $1.key }.map { [$0.key, $0.value] })
    let durations = ranked.map(\.1).sorted()
    let latency = try #require(report.latency)
    for (quantile, shown) in [(0.5, latency.p50), (0.9, latency.p90), (0.99, latency.p99)] {
      let exact = Double(durations[max(0, Int((quantile * Double(durations.count)).rounded(.up)) - 1)]) / 1e6
      #expect(abs(shown - exact) <= exact * 0.001 + 1e-6, "p\(quantile * 100)")
    }

    let single = requestsJSON(result)
    let split = summarize([path]) {
      $0.jobs = 2
      $0.splitThreshold = 1
      $0.maxPieceSize = 150_000
    }
    #expect(requestsJSON(split) == single)
  }

  /// Ids as strings with escapes, numbers, and header arrays (first value).
  @Test func idsInEveryShape() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let lines = [
      #"{"timestamp":"2026-03-01T10:00:00Z","service":"a","requestId":"q\"1","duration_ms":1}"#,
      #"{"timestamp":"2026-03-01T10:00:00.5Z","service":"b","X-Request-ID":[ "q\"1", "other"],"duration_ms":1}"#,
      #"{"timestamp":"2026-03-01T10:00:01Z","service":"a","req_id":17,"duration_ms":1}"#,
      #"{"timestamp":"2026-03-01T10:00:01.2Z","service":"b","request_id":"17","duration_ms":1}"#,
      #"{"timestamp":"2026-03-01T10:00:02Z","service":"a","X-Request-ID":[],"duration_ms":1}"#,
      #"{"timestamp":"2026-03-01T10:00:02Z","service":"a","X-Request-ID":[5],"duration_ms":1}"#,
    ]
    let path = writeTemporaryFile(Array((lines.joined(separator: "\n") + "\n").utf8), in: directory)
    let report = try #require(SummaryReport(summarize([path]) { $0.jobs = 1 }).requests)
    #expect(report.requests == 2)
    #expect(report.uncorrelated == 2)
    #expect(Set(report.slowest.map(\.id)) == ["q\"1", "17"])
    #expect(report.slowest.allSatisfy { $0.events == 2 && $0.services.map(\.service) == ["a", "b"] })
  }

  /// Ids and user ids live in a byte arena that is compacted (into a spare
  /// buffer, the two then swapping) whenever a megabyte of it is dead. With
  /// 800-byte ids it is compacted several times over 6,000 requests, each
  /// time with requests open: every request must keep its own id and user.
  @Test func longIdsSurviveTheArenaCompactions() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let count = 6_000
    let padding = String(repeating: "x", count: 800)
    // Request k: distinct durations (7919 is invertible modulo the prime 6007).
    func duration(_ k: Int) -> Int { (k * 7919) % 6007 }
    func id(_ k: Int) -> String { "req-\(k)-\(padding)" }
    var text = ""
    for k in 0..<count {
      let seconds = 1_000 + k
      let time = "2026-03-01T\(seconds / 3600 + 10):\(seconds / 60 % 60 < 10 ? "0" : "")\(seconds / 60 % 60):"
      let second = seconds % 60 < 10 ? "0\(seconds % 60)" : "\(seconds % 60)"
      text += #"{"timestamp":"\#(time)\#(second).000Z","service":"api","requestId":"\#(id(k))","#
      text += #""userId":"user-\#(k)","duration_ms":\#(duration(k))}"# + "\n"
      text += #"{"timestamp":"\#(time)\#(second).001Z","service":"gateway","requestId":"\#(id(k))","#
      text += #""duration_ms":\#(duration(k) + 1),"status":200}"# + "\n"
    }
    let path = writeTemporaryFile(Array(text.utf8), in: directory)
    let report = try #require(SummaryReport(summarize([path]) { $0.jobs = 1 }, filter: IdentityTextFilter()).requests)
    #expect(report.requests == count)
    let slowest = (0..<count).sorted { duration($0) > duration($1) }.prefix(10)
    #expect(report.slowest.map(\.id) == slowest.map(id))
    #expect(report.slowest.map(\.user) == slowest.map { "user-\($0)" })
    #expect(report.slowest.map(\.durationMs) == slowest.map { Double(duration($0) + 1) })
    #expect(report.slowest.allSatisfy { $0.events == 2 && $0.services.map(\.service) == ["api", "gateway"] })
  }

  /// Services' spans are kept in whole microseconds from the first event;
  /// rounded outwards and clamped to the request's exact bounds, a span
  /// that starts the request starts at offset 0 and one that ends it ends
  /// with it, to the nanosecond.
  @Test func spansKeepTheRequestsExactBounds() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let lines = [
      // a at 1.7 µs; b from 1.1 µs (5.3 µs less 4.2) to 5.3 µs.
      #"{"timestamp":"2026-03-01T10:00:00.000001700Z","service":"a","requestId":"r","duration_ms":0}"#,
      #"{"timestamp":"2026-03-01T10:00:00.000005300Z","service":"b","requestId":"r","duration_ms":0.0042}"#,
    ]
    let path = writeTemporaryFile(Array((lines.joined(separator: "\n") + "\n").utf8), in: directory)
    let report = try #require(SummaryReport(summarize([path]) { $0.jobs = 1 }).requests)
    let request = try #require(report.slowest.first)
    #expect(request.durationMs.map { abs($0 - 0.0042) < 1e-12 } == true)
    // By start: b first.
    #expect(request.services.map(\.service) == ["b", "a"])
    let offsets = request.services.map { $0.offsetMs ?? -1 }
    let durations = request.services.map { $0.durationMs ?? -1 }
    #expect(offsets[0] == 0 && abs(durations[0] - 0.0042) < 1e-12)
    #expect(abs(offsets[1] - 0.0006) < 1e-12 && durations[1] == 0)
  }

  /// Real nginx and Caddy logs of the same requests (nginx proxying to
  /// Caddy, `$request_id` passed on as `X-Request-ID`): nginx's
  /// `$time_iso8601` has whole seconds, Caddy's `ts` microseconds. Taken as
  /// written, the 303 ms request lasted 951.6 ms and the 1 ms ones 454 and
  /// 481 ms. Each nginx event is placed within its second, as close to the
  /// end of Caddy's as that allows (worked out in fixtures/correlation/README.md).
  @Test func wholeSecondTimestampsArePlacedInTheirSecond() throws {
    let inputs = [fixture("correlation/nginx-caddy.jsonl")]
    let result = summarize(inputs) { $0.jobs = 1 }
    let report = try #require(SummaryReport(result, filter: IdentityTextFilter()).requests)
    #expect(report.requests == 4)
    #expect(
      report.slowest.map { "\($0.id.prefix(6)) \($0.durationMs ?? -1)" } == [
        "1ec41b 303.0", "89d2ab 1.0", "e08f98 1.0", "e47222 0.0",
      ])
    let slow = try #require(report.slowest.first)
    #expect(slow.services.map(\.service) == ["(none)", "http.log.access.log0"])
    #expect(slow.services.map(\.durationMs) == [303, 302.827255])
    // Caddy's request started 0.172745 ms after nginx's (less the
    // microseconds its float epoch keeps).
    let caddyOffset = try #require(slow.services[1].offsetMs)
    #expect(abs(caddyOffset - 0.172745) < 0.001)
    #expect(slow.entryRoute == "GET /api/slow/:id")
    #expect(report.failed == 2)
    // The same on every split.
    let single = requestsJSON(result)
    for pieceSize in [300, 700] {
      let split = summarize(inputs) {
        $0.jobs = 2
        $0.splitThreshold = 1
        $0.maxPieceSize = Int64(pieceSize)
      }
      #expect(requestsJSON(split) == single, "pieces of \(pieceSize) bytes")
    }
  }

  /// One file per service, over the same ten minutes: the summary's
  /// per-input joining meets requests only where one input ends and the
  /// next begins, so it reads such inputs again, merged by event time, and
  /// follows requests across them: the same REQUESTS section as the lines
  /// merged into one file. A log cut into successive files is not read twice.
  @Test func requestsAreFollowedAcrossInputsOfTheSamePeriod() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    func lines(_ service: String, offsetMs: Int, durationMs: Int) -> [String] {
      (0..<200).map { k in
        let millis = k * 3000 + offsetMs
        let time = String(format: "2026-03-01T10:%02d:%02d.%03dZ", millis / 60000, millis / 1000 % 60, millis % 1000)
        return #"{"timestamp":"\#(time)","service":"\#(service)","requestId":"r\#(k)","duration_ms":\#(durationMs)}"#
      }
    }
    let gatewayLines = lines("gateway", offsetMs: 10, durationMs: 8)
    let apiLines = lines("api", offsetMs: 5, durationMs: 3)
    func file(_ lines: [String], _ name: String) -> String {
      writeTemporaryFile(Array((lines.joined(separator: "\n") + "\n").utf8), name: name, in: directory)
    }
    let gateway = file(gatewayLines, "gateway.jsonl")
    let api = file(apiLines, "api.jsonl")
    // The same lines as one log, in time order (api's first at each step).
    let together = file(zip(apiLines, gatewayLines).flatMap { [$0, $1] }, "together.jsonl")
    let expected = requestsJSON(summarize([together]) { $0.jobs = 1 })
    for jobs in [1, 2] {
      let result = summarize([gateway, api]) { $0.jobs = jobs }
      let report = SummaryReport(result)
      let requests = try #require(report.requests)
      #expect(requests.requests == 200)
      #expect(requests.slowest.first?.durationMs == 8)
      #expect(requestsJSON(result) == expected, "jobs \(jobs)")
      #expect(
        report.diagnostics.contains {
          $0.contains("gateway.jsonl") && $0.contains("api.jsonl") && $0.contains("read a second time")
        }, "\(report.diagnostics)")
    }
    // The same lines as one log in two successive files: no warning.
    let all = Array((gatewayLines.joined(separator: "\n") + "\n").utf8)
    let cut = all.count / 2
    let newline = all[cut...].firstIndex(of: 0x0A)! + 1
    let first = writeTemporaryFile(Array(all[..<newline]), name: "app.log.1", in: directory)
    let second = writeTemporaryFile(Array(all[newline...]), name: "app.log", in: directory)
    let rotated = SummaryReport(summarize([first, second]) { $0.jobs = 2 })
    #expect(!rotated.diagnostics.contains { $0.contains("cover the same period") }, "\(rotated.diagnostics)")
    #expect(rotated.requests?.requests == 200)
  }

  /// The merged reading: lines by event time, the first input's among
  /// equals, untimed lines beside their input's last timed one, the last
  /// line without a newline kept, an overlong line left out.
  @Test func inputsMergedByEventTime() throws {
    let a =
      #"{"timestamp":"2026-03-01T10:00:01Z","k":"a1"}"# + "\n" + #"{"k":"a-untimed"}"# + "\n"
      + #"{"timestamp":"2026-03-01T10:00:03Z","k":"a3"}"#
    let b =
      #"{"timestamp":"2026-03-01T10:00:01Z","k":"b1"}"# + "\n" + #"{"k":"\#(String(repeating: "x", count: 300))"}"#
      + "\n" + #"{"timestamp":"2026-03-01T10:00:02Z","k":"b2"}"# + "\n"
    let merged = try TimeMergedSource(
      sources: [MemorySource(Array(a.utf8)), MemorySource(Array(b.utf8))], formats: FormatCatalog.standard,
      maxLineBytes: 100)
    var out: [UInt8] = []
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
    defer { buffer.deallocate() }
    while case let n = try merged.read(into: buffer), n > 0 { out += buffer[0..<n] }
    let keys = String(decoding: out, as: UTF8.self).split(separator: "\n").map {
      ($0.split(separator: "\"k\":\"").last ?? "").dropLast(2)
    }
    #expect(keys == ["a1", "a-untimed", "b1", "b2", "a3"])

    // A line longer than an input's first buffer (64 KiB) but within the
    // limit is kept whole.
    let long = #"{"timestamp":"2026-03-01T10:00:01Z","k":"\#(String(repeating: "y", count: 100_000))"}"#
    let grown = try TimeMergedSource(
      sources: [MemorySource(Array((long + "\n").utf8))], formats: FormatCatalog.standard, maxLineBytes: 200_000)
    let big = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 1)
    defer { big.deallocate() }
    var all: [UInt8] = []
    while case let n = try grown.read(into: big), n > 0 { all += big[0..<n] }
    #expect(all == Array((long + "\n").utf8))
  }

  /// `RequestBounds` on hand-worked cases (seconds as nanoseconds).
  @Test func wholeSecondEventsMoveBySomethingUnderASecond() {
    let s: Int64 = 1_000_000_000
    let ms: Int64 = 1_000_000
    // nginx at 16 s (3 ms), the application's 16.9068-16.907: 3 ms, ending at 16.907.
    let mixed = RequestBounds(
      start: 16_906_800 * 1000, end: 16_907 * ms, wholeSecondStart: 16 * s - 3 * ms, wholeSecondEnd: 16 * s)
    #expect(mixed == RequestBounds(start: 16_904 * ms, end: 16_907 * ms, shift: 907 * ms))
    // The whole-second event in a later second than every finer one: not moved.
    let later = RequestBounds(
      start: 16_900 * ms, end: 16_950 * ms, wholeSecondStart: 17 * s - 200 * ms, wholeSecondEnd: 17 * s)
    #expect(later == RequestBounds(start: 16_800 * ms, end: 17 * s, shift: 0))
    // Moved by less than a second, at most.
    let far = RequestBounds(start: 20 * s, end: 20 * s + 10 * ms, wholeSecondStart: 16 * s, wholeSecondEnd: 16 * s)
    #expect(far == RequestBounds(start: 17 * s - 1, end: 20 * s + 10 * ms, shift: s - 1))
    // Only whole-second events, or none: as written.
    let only = RequestBounds(start: .max, end: .min, wholeSecondStart: 15 * s, wholeSecondEnd: 16 * s)
    #expect(only == RequestBounds(start: 15 * s, end: 16 * s, shift: 0))
    let none = RequestBounds(start: 5 * s, end: 6 * s, wholeSecondStart: .max, wholeSecondEnd: .min)
    #expect(none == RequestBounds(start: 5 * s, end: 6 * s, shift: 0))
  }

  @Test(arguments: [
    ("", true), ("-", true), ("0", true), ("00000000000000000000000000000000", true),
    ("00000000-0000-0000-0000-000000000000", true), ("null", true), ("None", true), ("<nil>", true),
    ("undefined", true), ("N/A", true), ("0af7651916cd43dd8448eb211c80319c", false), ("-1", false), ("007", false),
    ("nullable", false), ("n", false), ("user-1", false), ("req-0", false),
  ])
  func placeholderIds(id: String, isPlaceholder: Bool) {
    #expect(Array(id.utf8).withUnsafeBytes { EventExtractor.isPlaceholderId($0) } == isPlaceholder, "\(id)")
  }

  /// What servers write for a missing id (nginx's `-`, OpenTelemetry's
  /// Python instrumentation's `0` outside a span) is no id: such events are
  /// counted as without one, not joined into one request lasting the whole
  /// log. A user id of `-` is no user.
  @Test func placeholderIdsAreNotRequests() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var lines: [String] = []
    for k in 0..<120 {
      let time = "2026-11-23T10:\(k / 60 + 10):\(k % 60 < 10 ? "0" : "")\(k % 60)Z"
      lines.append(#"{"time":"\#(time)","msg":"GET /","request_id":"-","user_id":"-","status":200}"#)
      lines.append(
        #"{"asctime":"\#(time)","levelname":"INFO","name":"api","message":"x","otelTraceID":"0","otelServiceName":"shop"}"#
      )
    }
    lines.append(
      #"{"asctime":"2026-11-23T10:12:00Z","levelname":"ERROR","name":"api","message":"x","otelTraceID":"4bf92f3577b34da6a3ce929d0e0e4736","otelServiceName":"shop","user_id":"u1"}"#
    )
    let path = writeTemporaryFile(Array((lines.joined(separator: "\n") + "\n").utf8), in: directory)
    let result = summarize([path]) { $0.jobs = 1 }
    let report = try #require(SummaryReport(result, filter: IdentityTextFilter()).requests)
    #expect(report.requests == 1)
    #expect(report.uncorrelated == 240)
    #expect(report.slowest.map(\.id) == ["4bf92f3577b34da6a3ce929d0e0e4736"])
    #expect(report.slowest.first?.user == "u1")
    #expect(SummaryReport(result).services.map(\.name).contains("shop"))
  }

  /// A cap on open requests: the oldest are evicted, counted, and said.
  @Test func evictionIsCountedAndReported() throws {
    let report = SummaryReport(fixtureWith { $0.maxOpen = 2 })
    let requests = try #require(report.requests)
    #expect(requests.evicted > 0)
    // Every event is counted once: in a completed request or an evicted one.
    #expect(requests.events == 10)
    #expect(report.diagnostics.contains { $0.contains("evicted") })
  }

  @Test func idleTimeDecidesWhenAnIdStartsAnotherRequest() throws {
    let report = try #require(SummaryReport(fixtureWith { $0.idle = 120_000_000_000 }).requests)
    // With 2 minutes of idle time, line 10 continues the first req-a.
    #expect(report.requests == 5)
    let a = try #require(report.slowest.first { $0.id == "req-a" })
    #expect(a.events == 4)
    #expect(a.durationMs == 59_950)
  }

  /// The hand-checked fixture, one job, with other correlation settings.
  private func fixtureWith(_ configure: (inout CorrelationSettings) -> Void) -> SummaryResult {
    var settings = CorrelationSettings()
    configure(&settings)
    return summarize([fixture("correlation/requests.jsonl")]) {
      $0.jobs = 1
      $0.correlation = settings
    }
  }

  private func requestsJSON(_ result: SummaryResult) -> String {
    SummaryReport(result).requests?.json.rendered() ?? "none"
  }

  private func parseRFC3339(_ text: String) -> Int64? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    guard let date = formatter.date(from: text) else { return nil }
    // Milliseconds exactly (the fixture's fractions are 3 or 6 digits).
    let fraction = text.split(separator: ".").last.map { String($0.dropLast()) } ?? "0"
    let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
    let nanos = Int64(fraction.padding(toLength: 9, withPad: "0", startingAt: 0))!
    return seconds * 1_000_000_000 + nanos
  }
}
