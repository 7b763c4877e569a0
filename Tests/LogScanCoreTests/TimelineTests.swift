import Foundation
import Testing

@testable import LogScanCore

/// The timeline's pieces: change recognition, incident grouping, and
/// figures that do not depend on how the input was split.
@Suite struct TimelineTests {
  func timeline(
    _ paths: [String], settings: TimelineSettings = TimelineSettings(), window: (from: Int64?, to: Int64?)? = nil,
    configure: (inout ScanOptions) -> Void = { _ in }
  ) -> TimelineReport {
    let result = summarize(paths) { options in
      options.rules = Configuration().rulePlan
      options.correlation?.failedPerMinute = settings.samples
      options.timeline = settings
      configure(&options)
    }
    return TimelineReport(result, settings: settings, window: window, filter: Redactor.standard)
  }

  @Test func changesAreRecognisedByActionOrMessageIgnoringCase() {
    var matcher = ChangeMatcher(TimelineSettings())
    func action(_ text: String) -> Bool { Array(text.utf8).withUnsafeBytes { matcher.matches(action: $0) } }
    func message(_ text: String) -> Bool { Array(text.utf8).withUnsafeBytes { matcher.matches(message: $0) } }
    #expect(action("deploy") && action("DEPLOY_FINISHED") && action("config_reload") && action("k8s.rollout"))
    #expect(!action("create_order") && !action("login") && !action(""))
    // Asked twice (the second answer comes from the cache).
    #expect(action("Deploy") && !action("create_order"))
    #expect(message("Deployed payment-service v2.4.1") && message("Server started on :8080"))
    #expect(message("SHUTTING DOWN after SIGTERM") && message("reloaded config from /etc/app.yml"))
    #expect(!message("order saved") && !message("payment captured") && !message("") && !message("deplo"))
    var custom = TimelineSettings()
    custom.changeActions = ["ship"]
    custom.changeKeywords = []
    var narrow = ChangeMatcher(custom)
    #expect(Array("SHIP_IT".utf8).withUnsafeBytes { narrow.matches(action: $0) })
    #expect(!Array("deploy".utf8).withUnsafeBytes { narrow.matches(action: $0) })
    #expect(!Array("Deployed".utf8).withUnsafeBytes { narrow.matches(message: $0) })
  }

  @Test func theReportDoesNotDependOnTheSplit() {
    let path = fixture("timeline/incident.jsonl")
    let whole = timeline([path]) { $0.jobs = 1 }.json.rendered()
    for piece in [20_000, 77_777] {
      let split = timeline([path]) {
        $0.jobs = 2
        $0.splitThreshold = 1
        $0.maxPieceSize = Int64(piece)
      }.json.rendered()
      #expect(split == whole, "pieces of \(piece) bytes")
    }
    #expect(whole.contains("\"start\": \"2026-02-07T10:22:00.000Z\""))
  }

  /// Two bursts of errors in one service, 20 minutes apart: two incidents,
  /// or one when the merge gap is longer than the quiet stretch.
  @Test func alertsCloseTogetherOnRelatedScopesAreOneIncident() throws {
    var lines: [String] = []
    for minute in 0..<60 {
      for k in 0..<10 {
        let failing = (10...12).contains(minute) || (30...32).contains(minute)
        let status = failing && k < 5 ? 500 : 200
        lines.append(
          #"{"timestamp":"2026-02-07T10:\#(String(format: "%02d", minute)):\#(String(format: "%02d", k * 6)).000Z","#
            + #""service":"api","status":\#(status),"duration_ms":20,"message":"\#(status == 500 ? "boom" : "ok")"}"#)
      }
      // Another service fails once, overlapping the first burst.
      if minute == 11 {
        for k in 0..<30 {
          lines.append(
            #"{"timestamp":"2026-02-07T10:11:\#(String(format: "%02d", k * 2)).000Z","service":"db","status":500,"#
              + #""duration_ms":1,"message":"down"}"#)
        }
      }
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-tl-\(UUID().uuidString).jsonl")
    try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }

    let apart = timeline([file.path])
    #expect(apart.incidents.count == 2)
    // The db alerts overlap the first api burst: the same incident.
    #expect(apart.incidents[0].services.sorted() == ["api", "db"])
    #expect(apart.incidents[1].services == ["api"])
    #expect(apart.incidents.map { TimelineReport.clock($0.start) } == ["10:10:00", "10:30:00"])
    #expect(apart.incidents.map { $0.end.map { TimelineReport.clock($0) } } == ["10:18:00", "10:38:00"])

    var wide = TimelineSettings()
    wide.mergeGap = 15 * 60_000_000_000
    let together = timeline([file.path], settings: wide)
    #expect(together.incidents.count == 1)
    #expect(together.incidents[0].end.map { TimelineReport.clock($0) } == "10:38:00")
    #expect(together.incidents[0].timeToResolve.map { $0 / 60_000_000_000 } == 28)

    // A window the user names, across both: figures of that window only.
    let nanos = { (minute: Int64) in Int64(1_770_458_400) * 1_000_000_000 + minute * 60_000_000_000 }
    let window = timeline([file.path], window: (nanos(10), nanos(13)))
    #expect(window.incidents.count == 1 && window.incidents[0].isWindow)
    #expect(window.incidents[0].impact.events == 60)
    #expect(window.incidents[0].impact.errors == 45)
  }

  /// Warnings alone make no incident by default (they are noted), and
  /// do with `severity: warning`; with a critical incident they are shown.
  @Test func theSeverityThatMakesIncidents() throws {
    var lines: [String] = []
    for minute in 0..<30 {
      for k in 0..<10 {
        // Three slow minutes: high_latency_p99 (warning) fires; the
        // critical rollback_latency_p99 needs five.
        let slow = (10...12).contains(minute) && k < 3
        lines.append(
          #"{"timestamp":"2026-02-07T10:\#(String(format: "%02d", minute)):\#(String(format: "%02d", k * 6)).000Z","#
            + #""service":"api","status":200,"duration_ms":\#(slow ? 1500 : 20),"message":"ok"}"#)
      }
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-tl-\(UUID().uuidString).jsonl")
    try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }

    let critical = timeline([file.path])
    #expect(critical.incidents.isEmpty)
    #expect(critical.notes.contains { $0.contains("high_latency_p99") && $0.contains("--severity warning") })
    var settings = TimelineSettings()
    settings.severity = .warning
    let warning = timeline([file.path], settings: settings)
    #expect(warning.incidents.count == 1)
    #expect(warning.incidents.first?.title == "high_latency_p99 on api")
    #expect(warning.incidents.first.map { TimelineReport.clock($0.start) } == "10:10:00")
  }
}
