import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// `logscan timeline` on fixtures/timeline/incident.jsonl, whose incident
/// is worked out by hand in fixtures/timeline/README.md.
@Suite struct TimelineCommandTests {
  static let fixture = "fixtures/timeline/incident.jsonl"

  func json(_ arguments: [String]) throws -> [String: Any] {
    let result = try run(["timeline", "--format", "json"] + arguments)
    #expect(result.status == 0, "\(result.stderr)")
    return try JSONSerialization.jsonObject(with: result.stdoutData) as! [String: Any]
  }

  @Test func theIncidentItsTimesAndImpact() throws {
    let report = try json([Self.fixture])
    let incidents = report["incidents"] as! [[String: Any]]
    #expect(incidents.count == 1)
    let incident = incidents[0]
    #expect(incident["start"] as? String == "2026-02-07T10:22:00.000Z")
    #expect(incident["detected"] as? String == "2026-02-07T10:23:00.000Z")
    #expect(incident["end"] as? String == "2026-02-07T10:35:00.000Z")
    #expect(incident["ongoing"] as? Bool == false)
    #expect(incident["timeToDetectSeconds"] as? Double == 60)
    #expect(incident["timeToResolveSeconds"] as? Double == 780)
    #expect(incident["severity"] as? String == "critical")
    #expect(incident["services"] as? [String] == ["api-gateway", "payment-service"])
    let impact = incident["impact"] as! [String: Any]
    #expect(impact["events"] as? Int == 472)
    #expect(impact["failedEvents"] as? Int == 99)
    #expect(impact["failedRequests"] as? Int == 48)
    #expect(impact["usersAffected"] as? Int == 48)
    let routes = impact["routes"] as! [[String: Any]]
    #expect(routes.map { $0["route"] as? String } == ["POST /api/orders"])
    #expect(routes.first?["failed"] as? Int == 48)
    // 99 failed against a 30-day allowance at 99.5%: 0.5% of the events
    // (1,453 over 39m 55.048s, 10:00:00.012 to 10:39:55.060) per second, times 30 days.
    let allowance = 0.005 * 1453 / 2395.048 * 30 * 86400
    #expect(abs((impact["errorBudgetAllowance"] as! Double) - allowance) < 1e-6 * allowance)
    // JSON numbers have 6 decimals.
    #expect(abs((impact["errorBudgetConsumed"] as! Double) - 99 / allowance) < 1e-6)

    let alerts = incident["alerts"] as! [[String: Any]]
    let fired = Set(alerts.map { "\($0["rule"]!) \(($0["scope"] as! [String: String])["service"]!)" })
    for rule in ["high_error_rate", "rollback_error_rate", "high_latency_p99", "availability"] {
      #expect(fired.contains("\(rule) payment-service") && fired.contains("\(rule) api-gateway"), "\(rule)")
    }
    #expect(!fired.contains { $0.hasSuffix("order-service") || $0.hasSuffix("batch-worker") })
  }

  @Test func theTimelineHasTheChangesNewErrorsAndAlertStates() throws {
    let incident = (try json([Self.fixture])["incidents"] as! [[String: Any]])[0]
    let entries = (incident["timeline"] as! [[String: Any]]).map {
      ($0["at"] as! String, $0["kind"] as! String, $0["service"] as? String, $0["text"] as! String)
    }
    let changes = entries.filter { $0.1 == "change" }
    #expect(changes.map(\.0) == ["2026-02-07T10:05:00.000Z", "2026-02-07T10:20:30.000Z", "2026-02-07T10:29:50.000Z"])
    #expect(changes.map(\.2) == ["order-service", "payment-service", "payment-service"])
    // The deploy's token never appears; the rest of its message does.
    #expect(changes[1].3.hasPrefix("deploy: Deployed payment-service v2.4.1 by ci-bot"))
    #expect(!changes[1].3.contains("ghp_"))
    let newErrors = entries.filter { $0.1 == "first_error" }.map(\.3)
    #expect(newErrors.count == 2)
    #expect(newErrors.contains { $0.contains("Payment provider returned HTTP <num> for [REDACTED:email]") })
    // The batch worker's timeout was there long before: not new.
    #expect(!newErrors.contains { $0.contains("ledger") })
    let firing = entries.filter { $0.1 == "firing" }
    #expect(firing.first?.0 == "2026-02-07T10:23:00.000Z")
    #expect(firing.contains { $0.0 == "2026-02-07T10:28:00.000Z" && $0.3.hasPrefix("rollback_error_rate") })
    #expect(entries.filter { $0.1 == "resolved" }.allSatisfy { $0.0 == "2026-02-07T10:35:00.000Z" })
    #expect(entries.contains { $0.1 == "peak" })
    #expect(entries.last?.1 == "recovery")
    #expect(entries.map(\.0) == entries.map(\.0).sorted())

    let errors = incident["errors"] as! [[String: Any]]
    let ledger = errors.first { ($0["template"] as! String).contains("ledger") }!
    // 3 during the 13 minutes, 6 in the 22 minutes before (the log starts at 10:00).
    #expect(ledger["during"] as? Int == 3 && ledger["hourBefore"] as? Int == 6)
    #expect(abs((ledger["ratio"] as! Double) - (3.0 / 13) / (6.0 / 22)) < 1e-6)
    let samples = incident["sampleFailedRequests"] as! [[String: Any]]
    #expect(samples.map { $0["requestId"] as? String } == ["req_0264", "req_0266", "req_0268"])
    #expect(samples.allSatisfy { $0["status"] as? Int == 502 })
  }

  @Test func theChartsCoverTheIncidentWithThresholds() throws {
    let incident = (try json([Self.fixture])["incidents"] as! [[String: Any]])[0]
    let chart = incident["chart"] as! [String: Any]
    let points = chart["points"] as! [[String: Any]]
    // From 10:00 (half an hour before, clipped to the log) to 10:39.
    #expect(points.count == 40)
    #expect(points.first?["at"] as? String == "2026-02-07T10:00:00.000Z")
    let minute25 = points[25]
    #expect(minute25["events"] as? Int == 36 && minute25["errors"] as? Int == 12)
    // 6 of 36 durations are 2.5 s or more: p95 is slow, p50 is not.
    #expect((minute25["p95Ms"] as! Double) > 2400 && (minute25["p50Ms"] as! Double) < 100)
    let thresholds = (chart["thresholds"] as! [[String: Any]]).map { ($0["chart"] as! String, $0["value"] as! Double) }
    #expect(thresholds.contains { $0 == ("errorRate", 0.01) } && thresholds.contains { $0 == ("latency", 1000) })
  }

  @Test func markdownIsTheCheckedDocument() throws {
    let result = try run(["timeline", Self.fixture])
    #expect(result.status == 0, "\(result.stderr)")
    try expectGolden(result.stdout, "timeline.incident.md")
  }

  @Test func aWindowWithoutAlerts() throws {
    let report = try json(["--from", "2026-02-07T10:00", "--to", "2026-02-07T10:10:00Z", Self.fixture])
    let incidents = report["incidents"] as! [[String: Any]]
    #expect(incidents.count == 1)
    let window = incidents[0]
    #expect(window["window"] as? Bool == true)
    #expect((window["alerts"] as! [Any]).isEmpty)
    let impact = window["impact"] as! [String: Any]
    #expect(impact["events"] as? Int == 364 && impact["failedEvents"] as? Int == 3)
    let kinds = (window["timeline"] as! [[String: Any]]).map { $0["kind"] as! String }
    #expect(kinds.first == "first_error" || kinds.first == "window_start")
    #expect(kinds.contains("change") && kinds.last == "window_end")
  }

  /// An nginx `escape=json` access log (no service, no user, no message):
  /// 10 requests a second for 20 minutes; from 10:08:00 to 10:10:59 three of
  /// each ten (k = 0, 4, 8) are 502s. The error rate over 5m is 0 until 10:08,
  /// above 1% from the 10:09 evaluation (the 10:08 minute's 30% over 5m: 6%)
  /// to 10:15, peaks at 18% (540 of 3,000) at 10:11 and is 0 at 10:16, when
  /// 10:10 has left the window: the incident is 10:08 (detected 10:09) to 10:16.
  /// Requests last 4 ms, so the three failing at 10:08:00.000 began at
  /// 10:07:59.996: they count, because a request counts where it failed.
  @Test func anAccessLogWithoutUsersOrServices() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-tl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    var log = ""
    for second in 0..<1200 {
      for k in 0..<10 {
        let minute = second / 60
        let status = (8...10).contains(minute) && k % 4 == 0 ? 502 : 200
        let time = String(format: "2026-11-22T10:%02d:%02d+00:00", minute, second % 60)
        let path = "/api/orders/\(second * 10 + k)"
        log += """
          {"time_iso8601":"\(time)","remote_addr":"10.0.0.\(k)","request":"GET \(path) HTTP/1.1",\
          "request_method":"GET","request_uri":"\(path)","status":"\(status)","body_bytes_sent":"12",\
          "request_time":"0.004","request_id":"\(String(second * 10 + k, radix: 16))","http_user_agent":"curl/7.88.1"}

          """
      }
    }
    let file = directory.appendingPathComponent("access.log")
    try log.write(to: file, atomically: true, encoding: .utf8)
    let report = try json([file.path])
    let incidents = report["incidents"] as! [[String: Any]]
    #expect(incidents.count == 1)
    let incident = try #require(incidents.first)
    #expect(incident["start"] as? String == "2026-11-22T10:08:00.000Z")
    #expect(incident["detected"] as? String == "2026-11-22T10:09:00.000Z")
    #expect(incident["end"] as? String == "2026-11-22T10:16:00.000Z")
    let impact = incident["impact"] as! [String: Any]
    // 10:08:00 to 10:16:00: 4,800 requests, 3 minutes of 180 failures.
    #expect(impact["events"] as? Int == 4800 && impact["failedEvents"] as? Int == 540)
    #expect(impact["failedRequests"] as? Int == 540 && impact["usersAffected"] as? Int == 0)
    #expect(incident["peak"] as? String == "2026-11-22T10:11:00.000Z" && incident["peakValue"] as? String == "18.00%")
    #expect((impact["routes"] as! [[String: Any]]).map { $0["route"] as? String } == ["GET /api/orders/:id"])

    let markdown = try run(["timeline", file.path])
    #expect(markdown.status == 0, "\(markdown.stderr)")
    #expect(markdown.stdout.contains("Users affected: unknown (no failed event carries a user id)"))
    #expect(!markdown.stdout.contains("affecting 0 users"))
    #expect(markdown.stdout.contains("540 of 4,800 events failed (11.25%), 540 requests on 1 route."))
  }

  @Test func noAlertNoIncident() throws {
    let result = try run(["timeline", "fixtures/correlation/requests.jsonl"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("No incident: no alert fired"))
    let bad = try run(["timeline", "--from", "yesterday", Self.fixture])
    #expect(bad.status == 2 && bad.stderr.contains("'--from' must be a date and time"))
    let backwards = try run(["timeline", "--from", "2026-02-07T11:00", "--to", "2026-02-07T10:00", Self.fixture])
    #expect(backwards.status == 2 && backwards.stderr.contains("'--to' must be after '--from'"))
  }

  @Test func configurationChangesTheIncident() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-tl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let config = directory.appendingPathComponent("logscan.yml").path
    try """
    timeline:
      objective: 99.9%
      samples: 1
      changes:
        actions: [rollback]
        keywords: []
    """.write(toFile: config, atomically: true, encoding: .utf8)
    let incident = (try json(["--config", config, Self.fixture])["incidents"] as! [[String: Any]])[0]
    let changes = (incident["timeline"] as! [[String: Any]]).filter { $0["kind"] as? String == "change" }
    #expect(changes.map { $0["at"] as? String } == ["2026-02-07T10:29:50.000Z"])
    #expect((incident["sampleFailedRequests"] as! [Any]).count == 1)
    let impact = incident["impact"] as! [String: Any]
    let allowance = 0.001 * 1453 / 2395.048 * 30 * 86400
    #expect(abs((impact["errorBudgetAllowance"] as! Double) - allowance) < 1e-6 * allowance)

    try "timeline:\n  merge_gapp: 5m\n".write(toFile: config, atomically: true, encoding: .utf8)
    let typo = try run(["timeline", "--config", config, Self.fixture])
    #expect(typo.status == 2)
    #expect(
      typo.stderr.contains("logscan.yml:2") && typo.stderr.contains("Did you mean 'merge_gap'?"), "\(typo.stderr)")
  }

  @Test func htmlIsSelfContainedAndItsSVGIsValidXML() throws {
    let result = try run(["timeline", "--format", "html", Self.fixture])
    #expect(result.status == 0)
    let html = result.stdout
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    // No network and no script: nothing to fetch, nothing to run.
    for forbidden in ["<script", "http://", "https://", "src=", "<link", "@import", "url("] {
      let allowed = "http://www.w3.org/2000/svg"
      #expect(!html.replacingOccurrences(of: allowed, with: "").contains(forbidden), "\(forbidden)")
    }
    #expect(!html.contains("ghp_") && !html.contains("@example.com"))
    var svgs: [String] = []
    var rest = html[...]
    while let open = rest.range(of: "<svg"),
      let close = rest.range(of: "</svg>", range: open.upperBound..<rest.endIndex)
    {
      svgs.append(String(rest[open.lowerBound..<close.upperBound]))
      rest = rest[close.upperBound...]
    }
    #expect(svgs.count == 3)
    for svg in svgs {
      let parser = XMLParser(data: Data(svg.utf8))
      #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
      #expect(svg.contains("<polyline") && svg.contains("fill-opacity"))
    }
    #expect(svgs[1].contains("stroke-dasharray"))
  }

  /// Renders the HTML in a real browser: chromium headless to PNG, which
  /// must not be blank, with nothing on the console.
  @Test func htmlRendersInABrowser() throws {
    guard
      let browser = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
    else {
      print("SKIPPED htmlRendersInABrowser: no chromium (apt-get install chromium; .ci/run installs it)")
      return
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-html-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let page = directory.appendingPathComponent("timeline.html").path
    let png = directory.appendingPathComponent("timeline.png").path
    let result = try run(["timeline", "--format", "html", "-o", page, Self.fixture])
    #expect(result.status == 0, "\(result.stderr)")
    let chromium = Process()
    chromium.executableURL = URL(fileURLWithPath: browser)
    chromium.arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr",
      "--user-data-dir=\(directory.appendingPathComponent("profile").path)", "--window-size=1000,1400",
      "--screenshot=\(png)", "file://\(page)",
    ]
    let log = directory.appendingPathComponent("chromium.log")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    let handle = try FileHandle(forWritingTo: log)
    chromium.standardOutput = handle
    chromium.standardError = handle
    chromium.standardInput = FileHandle.nullDevice
    try chromium.run()
    chromium.waitUntilExit()
    try handle.close()
    let output = try String(contentsOf: log, encoding: .utf8)
    #expect(FileManager.default.fileExists(atPath: png), "\(output)")
    let console = output.split(separator: "\n").filter { $0.contains(":CONSOLE") || $0.contains("net::ERR") }
    #expect(console.isEmpty, "\(console)")
    // Non-blank: a good share of the pixels are not the background.
    let python = Process()
    python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    python.arguments = ["python3", "-c", Self.pngInk, png]
    let pipe = Pipe()
    python.standardOutput = pipe
    try python.run()
    let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    python.waitUntilExit()
    let ink = Double(printed.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    #expect(ink > 0.02, "ink \(printed)")
  }

  /// Prints the share of pixels of a PNG (8-bit RGB or RGBA) that are not white.
  static let pngInk = #"""
    import struct, sys, zlib
    data = open(sys.argv[1], "rb").read()
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    channels = {2: 3, 6: 4}[color]
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    ink = 0
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1: line[i] = (line[i] + a) & 255
            elif kind == 2: line[i] = (line[i] + b) & 255
            elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        ink += sum(1 for x in range(0, stride, channels) if min(line[x:x + 3]) < 200)
        previous = line
    print(ink / (width * height))
    """#
}
