import Foundation
import Testing

/// `logscan watch` through pipes, as `tail -f app.log | logscan` runs it:
/// output while the input is still open, alerts as the batch summary finds
/// them, windows moved by the wall clock, signals, files followed.
@Suite(.serialized) struct WatchCommandTests {
  /// A running `logscan watch` with its standard input and output as pipes.
  final class Live: @unchecked Sendable {
    let process = Process()
    let input = Pipe()
    private let lock = NSLock()
    private var output = Data()
    private var ended = false

    init(_ arguments: [String]) throws {
      process.executableURL = productsDirectory.appendingPathComponent("logscan")
      process.arguments = arguments
      process.currentDirectoryURL = packageRoot
      var environment = ProcessInfo.processInfo.environment
      environment["NO_COLOR"] = "1"
      environment["XDG_CONFIG_HOME"] = "/nonexistent-logscan-test-config"
      process.environment = environment
      let out = Pipe()
      process.standardOutput = out
      process.standardInput = input
      process.standardError = FileHandle.nullDevice
      try process.run()
      let reader = out.fileHandleForReading
      Thread.detachNewThread { [self] in
        while true {
          let chunk = reader.availableData
          lock.lock()
          if chunk.isEmpty { ended = true } else { output.append(chunk) }
          lock.unlock()
          if chunk.isEmpty { return }
        }
      }
    }

    var text: String {
      lock.lock()
      defer { lock.unlock() }
      return String(decoding: output, as: UTF8.self)
    }

    func write(_ text: String) { input.fileHandleForWriting.write(Data(text.utf8)) }
    func close() { try? input.fileHandleForWriting.close() }

    /// Waits until the output satisfies `condition`, at most `seconds`.
    @discardableResult
    func wait(seconds: Double = 10, until condition: (String) -> Bool) -> Bool {
      let deadline = Date().addingTimeInterval(seconds)
      while Date() < deadline {
        if condition(text) { return true }
        Thread.sleep(forTimeInterval: 0.05)
      }
      return condition(text)
    }

    /// Waits for the process to exit (killing it after `seconds`) and for
    /// its output to end.
    func finish(seconds: Double = 20) -> Int32 {
      let deadline = Date().addingTimeInterval(seconds)
      while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
      if process.isRunning { process.terminate() }
      process.waitUntilExit()
      while Date() < deadline {
        lock.lock()
        let done = ended
        lock.unlock()
        if done { break }
        Thread.sleep(forTimeInterval: 0.02)
      }
      return process.terminationStatus
    }

    /// The one-line JSON objects written so far.
    var records: [[String: Any]] {
      text.split(separator: "\n").compactMap { line in
        guard line.hasPrefix("{\"") else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      }
    }
  }

  static let fixture = "fixtures/timeline/incident.jsonl"

  func alertKeys(_ records: [[String: Any]]) -> [String] {
    records.filter { $0["rule"] != nil }.map {
      "\($0["rule"]!) \(($0["scope"] as? [String: String])?["service"] ?? "") \($0["state"]!) \($0["at"]!)"
    }
  }

  @Test func alertsAsTheBatchSummaryFindsThem() throws {
    let batch = try run(["summary", "--alerts-out", "-", "--format", "json", Self.fixture])
    let expected = alertKeys(
      batch.stdout.split(separator: "\n").filter { $0.hasPrefix("{\"rule\"") }.compactMap {
        try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
      })
    #expect(expected.count > 20)
    let live = try Live(["watch", "--format", "json"])
    live.write(try String(contentsOfFile: packageRoot.appendingPathComponent(Self.fixture).path, encoding: .utf8))
    live.close()
    #expect(live.finish() == 0)
    #expect(alertKeys(live.records) == expected)
    // Then the summary of everything.
    let text = live.text
    let start = try #require(text.range(of: "\n{\n"))
    let summary = try JSONSerialization.jsonObject(with: Data(text[start.lowerBound...].utf8)) as! [String: Any]
    #expect((summary["lines"] as? [String: Any])?["read"] as? Int == 1453)
  }

  @Test func statsLinesArriveWhileTheInputIsStillOpen() throws {
    let lines = try String(contentsOfFile: packageRoot.appendingPathComponent(Self.fixture).path, encoding: .utf8)
      .split(separator: "\n")
    let live = try Live(["watch", "--interval", "0.2"])
    live.write(lines.prefix(100).joined(separator: "\n") + "\n")
    #expect(live.wait { $0.contains("\"type\":\"stats\"") && $0.contains("\"lines\":100,") })
    // The 100 lines run from 10:00:00.012 to 10:02:40.060 (37, 36 and 27 in
    // those minutes). The last minute is 10:01 and 10:02 up to now, so the
    // newest events are in it: 63 events; the last 5 minutes have all 100.
    let stats = try #require(live.records.last { $0["type"] as? String == "stats" && $0["lines"] as? Int == 100 })
    let last1 = try #require(stats["last1m"] as? [String: Any])
    #expect(last1["events"] as? Int == 63)
    #expect((stats["last5m"] as? [String: Any])?["events"] as? Int == 100)
    // 63 events over 100.06 seconds and what the wall clock added since.
    let perSecond = try #require(last1["perSecond"] as? Double)
    #expect(perSecond <= 63 / 100.06 && perSecond > 63 / 115)
    live.write(lines.dropFirst(100).joined(separator: "\n") + "\n")
    #expect(live.wait { $0.contains("\"lines\":1453,") })
    live.close()
    #expect(live.finish() == 0)
    #expect(live.text.contains("logscan summary"))
    #expect(live.text.contains("1453 read") || live.text.contains("1,453 read"))
  }

  /// A burst of errors fires a 2-second rule; with no line after it, the
  /// wall clock moves the window on: the alert resolves and a "no traffic"
  /// rule fires.
  @Test func aQuietStreamResolvesByTheWallClock() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-watch-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let config = directory.appendingPathComponent("rules.yml").path
    try """
    alerting: { step: 1s, lateness: 1s, disable: [all] }
    rules:
      - { name: burst, severity: critical, scope: overall, expr: error_rate > 10%, window: 2s, min_samples: 1 }
      - { name: no_traffic, severity: warning, scope: overall, expr: count() < 1, window: 2s, min_samples: 0 }
    """.write(toFile: config, atomically: true, encoding: .utf8)
    let live = try Live(["watch", "--rules", config, "--interval", "0.2"])
    let now = Date().timeIntervalSince1970
    var burst = ""
    for k in 0..<5 {
      let stamp = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: now + Double(k) * 0.01))
      burst += #"{"timestamp":"\#(stamp)","service":"api","status":500,"message":"boom"}"# + "\n"
    }
    live.write(burst)
    #expect(live.wait { $0.contains("\"rule\":\"burst\"") && $0.contains("\"state\":\"firing\"") })
    #expect(live.wait(seconds: 8) { $0.contains("\"rule\":\"burst\"") && $0.contains("\"state\":\"resolved\"") })
    // And the "no traffic" rule fires: nothing came for 2 seconds.
    #expect(
      live.wait(seconds: 8) { $0.contains("\"rule\":\"no_traffic\",\"severity\":\"warning\",\"state\":\"firing\"") })
    // Not while the lines were coming: only after the burst had fired.
    let order = live.text.split(separator: "\n").filter { $0.contains("\"state\":\"firing\"") }
    #expect(order.first?.contains("\"rule\":\"burst\"") == true, "\(order)")
    // SIGTERM: the summary, and status 0.
    live.process.terminate()
    #expect(live.finish() == 0)
    #expect(live.text.contains("logscan summary"))
  }

  @Test func ctrlCPrintsTheSummaryAndExitsZero() throws {
    let live = try Live(["watch", "--interval", "0.2"])
    live.write(#"{"timestamp":"2026-02-07T10:00:00Z","service":"api","status":200,"duration_ms":5}"# + "\n")
    #expect(live.wait { $0.contains("\"lines\":1,") })
    live.process.interrupt()
    #expect(live.finish() == 0)
    #expect(live.text.contains("logscan summary"))
    #expect(live.text.contains("api"))
  }

  /// A service explosion (300 names, the table keeps 256) is folded into
  /// "(other)" and said in the stats line while the stream is still open.
  @Test func aServiceExplosionIsFoldedWithAWarning() throws {
    let live = try Live(["watch", "--interval", "0.2"])
    var text = ""
    for k in 0..<300 {
      text +=
        "{\"timestamp\":\"2026-02-07T10:00:\(String(format: "%02d", k % 60)).000Z\",\"service\":\"svc-\(k)\",\"level\":\"info\"}\n"
    }
    live.write(text)
    #expect(
      live.wait { $0.contains("\"lines\":300,") && $0.contains("more than 256 services: 44 events under '(other)'") })
    let stats = try #require(live.records.last { $0["type"] as? String == "stats" })
    #expect(stats["warnings"] as? [String] == ["more than 256 services: 44 events under '(other)'"])
    live.close()
    #expect(live.finish() == 0)
    #expect(live.text.contains("more than 256 services: 44 events counted under '(other)'"))
  }

  @Test func aStalledPartialLineIsCountedAfterTheTimeout() throws {
    let live = try Live(["watch", "--interval", "0.1", "--stall", "0.3"])
    live.write(#"{"timestamp":"2026-02-07T10:00:00Z","service":"api","status":200}"#)
    #expect(live.wait { $0.contains("\"lines\":1,") && $0.contains("\"parsed\":1,") })
    live.close()
    #expect(live.finish() == 0)
  }

  @Test func filesAreFollowedThroughRotationAndTruncation() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-follow-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let log = directory.appendingPathComponent("app.log").path
    let later = directory.appendingPathComponent("later.log").path
    func line(_ k: Int) -> String {
      #"{"timestamp":"2026-02-07T10:00:\#(String(format: "%02d", k))Z","service":"s\#(k)"}"# + "\n"
    }
    func append(_ path: String, _ text: String) throws {
      let handle = FileHandle(forWritingAtPath: path)!
      handle.seekToEndOfFile()
      handle.write(Data(text.utf8))
      try handle.close()
    }
    try (line(1) + line(2) + line(3)).write(toFile: log, atomically: false, encoding: .utf8)
    let live = try Live(["watch", "--follow", "--from-start", "--interval", "0.1", "--format", "json", log, later])
    #expect(live.wait { $0.contains("\"lines\":3,") })
    try append(log, line(4) + line(5))
    #expect(live.wait { $0.contains("\"lines\":5,") })
    // Rotation: renamed away, a new file under the name.
    try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
    try (line(6) + line(7)).write(toFile: log, atomically: false, encoding: .utf8)
    #expect(live.wait { $0.contains("\"lines\":7,") })
    // Truncation in place.
    try Data().write(to: URL(fileURLWithPath: log))
    Thread.sleep(forTimeInterval: 0.5)
    try append(log, line(8))
    #expect(live.wait { $0.contains("\"lines\":8,") })
    // A file that did not exist when watching began.
    try (line(9) + line(10)).write(toFile: later, atomically: false, encoding: .utf8)
    #expect(live.wait { $0.contains("\"lines\":10,") })
    live.process.terminate()
    #expect(live.finish() == 0)
    let text = live.text
    let start = try #require(text.range(of: "\n{\n"))
    let summary = try JSONSerialization.jsonObject(with: Data(text[start.lowerBound...].utf8)) as! [String: Any]
    let lines = summary["lines"] as! [String: Any]
    #expect(lines["read"] as? Int == 10 && lines["parsed"] as? Int == 10)
  }

  /// Standard input is split and scanned on a thread of its own and counted
  /// on the main one: the summary watch prints at the end is the batch
  /// summary of the same lines (malformed, too long, a last line without
  /// newline), plain or zstd through the pipe, down to the alerts.
  @Test func theFinalSummaryIsTheBatchSummary() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-watch-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let generated = try run(["--bytes", "4M", "--malformed", "0.01", "--seed", "9"], product: "loggen")
    var lines = String(decoding: generated.stdoutData, as: UTF8.self).split(separator: "\n").map(String.init)
    for k in 0..<5 {
      lines.insert(#"{"message":""# + String(repeating: "x", count: 3000) + #""}"#, at: 1000 + k * 2000)
    }
    let log = directory.appendingPathComponent("w.jsonl")
    let text = Data(lines.joined(separator: "\n").utf8)
    try text.write(to: log)
    let batch = try run(["summary", "--format", "json", "-j", "1", "--max-line-bytes", "2000", log.path])
    let expected = try JSONSerialization.jsonObject(with: batch.stdoutData) as! [String: Any]
    #expect((expected["lines"] as? [String: Any])?["skipped"] as? Int == 5)

    let zstd = try runTool(["zstd", "-q", "-c", log.path])
    #expect(zstd.status == 0)

    for (input, format) in [(text, "plain"), (zstd.stdoutData, "zstd")] {
      let live = try run(
        ["watch", "--format", "json", "--no-dashboard", "--max-line-bytes", "2000"], stdin: input)
      #expect(live.status == 0)
      let start = try #require(live.stdout.range(of: "\n{\n"))
      let summary =
        try JSONSerialization.jsonObject(with: Data(live.stdout[start.lowerBound...].utf8)) as! [String: Any]
      #expect(((summary["inputs"] as? [[String: Any]])?.first)?["format"] as? String == format)
      for key in expected.keys where key != "inputs" && key != "lines" {
        #expect(summary[key] as? NSObject == expected[key] as? NSObject, "\(format): \(key)")
      }
      var lines = try #require(summary["lines"] as? [String: Any])
      var expectedLines = try #require(expected["lines"] as? [String: Any])
      lines["malformedExamples"] = nil
      expectedLines["malformedExamples"] = nil
      #expect(lines as NSDictionary == expectedLines as NSDictionary, "\(format)")
    }
  }

  /// CRI log lines of a container whose long lines the runtime cut into
  /// pieces (tag `P`, then `F`): read live, the pieces are joined as in a
  /// batch summary of the same file, and the live line count has them all.
  @Test func containerPiecesAreJoinedLive() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-watch-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    var text = ""
    var pieces = 0
    for k in 0..<300 {
      let blob = k % 10 == 3 ? String(repeating: "z", count: 40_000) : "small"
      let line =
        #"{"level":"\#(k % 9 == 0 ? "error" : "info")","timestamp":"2026-02-07T10:00:\#(String(format: "%02d", k % 60)).000Z","#
        + #""service":"api","duration_ms":\#(k % 40),"blob":"\#(blob)"}"#
      let bytes = Array(line.utf8)
      let cuts = Array(stride(from: 0, to: bytes.count, by: 16_384))
      for (n, start) in cuts.enumerated() {
        let tag = n == cuts.count - 1 ? "F" : "P"
        text += "2026-02-07T10:00:00.000000000Z stdout \(tag) "
        text += String(decoding: bytes[start..<min(start + 16_384, bytes.count)], as: UTF8.self) + "\n"
      }
      pieces += cuts.count - 1
    }
    #expect(pieces == 60)
    let log = directory.appendingPathComponent("cri.log")
    try Data(text.utf8).write(to: log)
    let batch = try run(["summary", "--format", "json", log.path])
    let expected = try #require(try JSONSerialization.jsonObject(with: batch.stdoutData) as? [String: Any])
    let expectedLines = try #require(expected["lines"] as? [String: Any])
    #expect(expectedLines["parsed"] as? Int == 300)
    #expect((expectedLines["skippedByReason"] as? [String: Int])?["continuation"] == 60)

    let live = try run(["watch", "--format", "json", "--no-dashboard"], stdin: Data(text.utf8))
    #expect(live.status == 0)
    let start = try #require(live.stdout.range(of: "\n{\n"))
    let summary = try #require(
      try JSONSerialization.jsonObject(with: Data(live.stdout[start.lowerBound...].utf8)) as? [String: Any])
    #expect(summary["lines"] as? NSDictionary == expectedLines as NSDictionary)
    let stats = live.stdout.split(separator: "\n").filter { $0.hasPrefix(#"{"type":"stats""#) }
    let last = try #require(stats.last)
    let counted = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
    #expect(counted["lines"] as? Int == 360)
  }

  /// A reader that goes away (`| head -1`) ends logscan quietly, status 0.
  @Test func aClosedPipeEndsQuietly() throws {
    let binary = productsDirectory.appendingPathComponent("logscan").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [
      "-c",
      "(cat \(Self.fixture); sleep 2) | '\(binary)' watch --interval 0.1 | head -1 > /dev/null; echo ${PIPESTATUS[1]}",
    ]
    process.currentDirectoryURL = packageRoot
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let status = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let messages = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(status.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    #expect(messages.isEmpty, "\(messages)")
  }

  @Test func usageMistakes() throws {
    let noFiles = try run(["watch", "--follow"])
    #expect(noFiles.status == 2 && noFiles.stderr.contains("--follow needs the files"))
    let file = try run(["watch", "app.log"])
    #expect(file.status == 2 && file.stderr.contains("use --follow"))
  }

  /// On a terminal (a pseudo-terminal from `script`, 80x24 as over a bare
  /// ssh session): the dashboard on the alternate screen, every frame within
  /// 80 columns and 24 rows, the terminal put back, then the summary.
  @Test func aDashboardOnATerminal() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
      print("SKIPPED aDashboardOnATerminal: no /usr/bin/script (util-linux)")
      return
    }
    let binary = productsDirectory.appendingPathComponent("logscan").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    process.arguments = [
      "-qec", "stty cols 80 rows 24; '\(binary)' watch --interval 0.2 < \(Self.fixture)", "/dev/null",
    ]
    process.currentDirectoryURL = packageRoot
    var environment = ProcessInfo.processInfo.environment
    environment["XDG_CONFIG_HOME"] = "/nonexistent-logscan-test-config"
    environment.removeValue(forKey: "NO_COLOR")
    process.environment = environment
    let out = Pipe()
    process.standardOutput = out
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let text = String(decoding: data, as: UTF8.self)
    let enter = try #require(text.range(of: "\u{1B}[?1049h"))
    let leave = try #require(text.range(of: "\u{1B}[?1049l"))
    #expect(enter.upperBound < leave.lowerBound)
    let screen = String(text[enter.upperBound..<leave.lowerBound])
    #expect(screen.contains("logscan watch") && screen.contains("ALERTS") && screen.contains("FIRING"))
    #expect(screen.contains("\u{1B}[1;31m"), "critical alerts in bold red")
    // Every frame fits the terminal.
    for frame in screen.components(separatedBy: "\u{1B}[H").dropFirst() {
      let plain = frame.replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression)
      let lines = plain.replacingOccurrences(of: "\r", with: "").split(
        separator: "\n", omittingEmptySubsequences: false)
      #expect(lines.count <= 25)
      #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines.filter { $0.count > 80 })")
    }
    #expect(text[leave.upperBound...].contains("logscan summary"))
    #expect(text.contains("\u{1B}[?25h"), "the cursor is shown again")
  }
}
