import Foundation
import Testing

/// Alert rules end to end. The fixture (fixtures/rules/alerts.jsonl, written
/// by make-fixture.py) and its rules (rules.yml) were worked out by hand:
///
/// - api has 10 events a minute; minutes 10:10-10:13 have 5 errors each. The
///   window [t-5m, t) at t = 10:11 holds 5/50 = 10% (not > 10%), at 10:12
///   10/50 = 20%, 10:13 30%, 10:14 and 10:15 40%, 10:16 30%, 10:17 20%,
///   10:18 10%, 10:19 0%.
///   errors_for_2m (> 10%, for 2m): pending 10:12, firing 10:14 (2m after),
///   resolved 10:18. errors_hysteresis (> 25%, resolve at 15%): firing
///   10:13, still firing at 10:17 (20% > 15%), resolved 10:18.
///   errors_keep_firing (> 25%, keep 3m): last true 10:16, resolved 10:19.
/// - api minutes 10:20 and 10:21 each have 2 events of 3 s among 10 of 50 ms.
///   p99 of 50 values is the 50th (the max): slow_p99 fires at 10:21 and
///   resolves at 10:27 (the first window without 10:21). p95 is the 48th:
///   it needs 3 slow values, so slow_p95 fires at 10:22 (4 slow) and resolves
///   at 10:26 (2 slow left).
/// - edge has one event of exactly 1000 ms at 10:02: p99 >= 1s fires at 10:03
///   and resolves at 10:08; slow_p99 (> 1s) never fires for edge.
/// - probe's health checks at :30 fail at 10:05, 10:06, 10:07: three in a row
///   at 10:08 (firing), an ok check at 10:08:30 resolves it at 10:09.
/// - batch has 2 events, one failed: under min_samples, never evaluated true.
@Suite struct RulesCommandTests {
  static let expectedTransitions = [
    "edge_p99_at_least_1s edge firing 2026-02-07T10:03:00.000Z",
    "edge_p99_at_least_1s edge resolved 2026-02-07T10:08:00.000Z",
    "probe_down probe firing 2026-02-07T10:08:00.000Z",
    "probe_down probe resolved 2026-02-07T10:09:00.000Z",
    "errors_for_2m api pending 2026-02-07T10:12:00.000Z",
    "errors_hysteresis api firing 2026-02-07T10:13:00.000Z",
    "errors_keep_firing api firing 2026-02-07T10:13:00.000Z",
    "errors_for_2m api firing 2026-02-07T10:14:00.000Z",
    "errors_for_2m api resolved 2026-02-07T10:18:00.000Z",
    "errors_hysteresis api resolved 2026-02-07T10:18:00.000Z",
    "errors_keep_firing api resolved 2026-02-07T10:19:00.000Z",
    "slow_p99 api firing 2026-02-07T10:21:00.000Z",
    "slow_p95 api firing 2026-02-07T10:22:00.000Z",
    "slow_p95 api resolved 2026-02-07T10:26:00.000Z",
    "slow_p99 api resolved 2026-02-07T10:27:00.000Z",
  ]

  static func events(_ ndjson: String) throws -> [[String: Any]] {
    try ndjson.split(separator: "\n").map { line in
      try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }
  }

  static func brief(_ event: [String: Any]) -> String {
    let scope = (event["scope"] as? [String: String])?.values.first ?? "overall"
    return "\(event["rule"]!) \(scope) \(event["state"]!) \(event["at"]!)"
  }

  @Test func fixtureFiresAndResolvesAtTheHandCheckedMinutes() throws {
    let result = try run([
      "summary", "--rules", "fixtures/rules/rules.yml", "--alerts-out", "-", "--format", "json",
      "fixtures/rules/alerts.jsonl",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    // The JSON report and the NDJSON share standard output: split them.
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    let ndjson = lines.filter { $0.hasPrefix("{\"rule\"") }.joined(separator: "\n")
    let events = try Self.events(ndjson)
    #expect(events.map(Self.brief) == Self.expectedTransitions)
    // Every event has the documented members; durations are in milliseconds.
    for event in events {
      for key in ["rule", "severity", "state", "at", "scope", "value", "threshold"] {
        #expect(event[key] != nil, "\(key) missing in \(event)")
      }
    }
    let slow = try #require(events.first { Self.brief($0) == "slow_p99 api firing 2026-02-07T10:21:00.000Z" })
    #expect(
      slow["value"] as? Double == 3000 && slow["threshold"] as? Double == 1000 && slow["unit"] as? String == "ms")
    let pending = try #require(events.first { Self.brief($0).hasPrefix("errors_for_2m api pending") })
    #expect(pending["value"] as? Double == 0.2 && pending["threshold"] as? Double == 0.1)

    let report = lines.filter { !$0.hasPrefix("{\"rule\"") }.joined(separator: "\n")
    let json = try #require(JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any])
    let alerts = try #require(json["alerts"] as? [String: Any])
    let fired = try #require(alerts["fired"] as? [[String: Any]])
    #expect(fired.count == 7)
    #expect(!fired.contains { ($0["scope"] as? [String: String])?["service"] == "batch" })
    let counters = try #require(json["counters"] as? [String: Any])
    let created = try #require(counters["created_orders"] as? [String: Any])
    #expect(created["total"] as? Int == 31)
  }

  @Test func summaryTextHasTheAlertsSection() throws {
    let result = try run(["summary", "--rules", "fixtures/rules/rules.yml", "fixtures/rules/alerts.jsonl"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("ALERTS"))
    #expect(result.stdout.contains("7 alerts (8 rules, evaluated every 1m of event time"))
    #expect(
      result.stdout.contains(
        "critical  errors_for_2m         service=api    2026-02-07T10:12:00Z  2026-02-07T10:14:00Z  2026-02-07T10:18:00Z"
      ))
    let markdown = try run([
      "summary", "--rules", "fixtures/rules/rules.yml", "--format", "markdown", "fixtures/rules/alerts.jsonl",
    ])
    #expect(markdown.stdout.contains("## Alerts") && markdown.stdout.contains("| errors_for_2m |"))
    let none = try run(["summary", "--no-rules", "fixtures/rules/alerts.jsonl"])
    #expect(!none.stdout.contains("ALERTS"))
  }

  @Test func checkExitsOneWhenARuleFiredAndZeroWhenNone() throws {
    let fired = try run(["check", "--rules", "fixtures/rules/rules.yml", "fixtures/rules/alerts.jsonl"])
    #expect(fired.status == 1)
    #expect(fired.stdout.hasPrefix("FAILED: 7 alerts"))
    #expect(fired.stdout.contains("errors_for_2m") && fired.stdout.contains("slow_p99"))
    let critical = try run([
      "check", "--severity", "critical", "--rules", "fixtures/rules/rules.yml", "fixtures/rules/alerts.jsonl",
    ])
    #expect(critical.status == 1)
    #expect(critical.stdout.hasPrefix("FAILED: 2 alerts of severity critical"))
    #expect(!critical.stdout.contains("slow_p99"))

    let quiet = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-quiet-rules.yml")
    try "alerting: { disable: [all] }\nrules:\n  - { name: never, expr: error_rate > 90%, window: 5m }\n"
      .write(to: quiet, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: quiet) }
    let ok = try run(["check", "--rules", quiet.path, "fixtures/rules/alerts.jsonl"])
    #expect(ok.status == 0, "\(ok.stdout)")
    #expect(ok.stdout.hasPrefix("ok: no rule"))

    let typo = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-typo-rules.yml")
    try "rules:\n  - name: x\n    expr: p99(duration) > 1s\n    windw: 5m\n".write(
      to: typo, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: typo) }
    let usage = try run(["check", "--rules", typo.path, "fixtures/rules/alerts.jsonl"])
    #expect(usage.status == 2)
    #expect(usage.stderr.contains("\(typo.path):4: unknown key 'windw' in a rule. Did you mean 'window'?"))
    let missing = try run(["check", "--rules", "fixtures/rules/rules.yml", "does-not-exist.jsonl"])
    #expect(missing.status == 2)
  }

  @Test func rulesListShowsBuiltinsAndConfigured() throws {
    let result = try run(["rules", "--list", "--rules", "fixtures/rules/rules.yml"])
    #expect(result.status == 0)
    for name in ["high_error_rate", "rollback_latency_p99", "throughput_anomaly", "service_down", "errors_for_2m"] {
      #expect(result.stdout.contains(name))
    }
    #expect(result.stdout.contains("built-in, disabled"))
    #expect(result.stdout.contains("error_rate > 10%"))

    // A value quoted in a predicate is redacted like any output.
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-rules-list-\(getpid()).yml")
    try "counters:\n  - { name: vip, where: { user_email: ceo.private@example.com } }\n"
      .write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let listed = try run(["rules", "--list", "--rules", file.path])
    #expect(listed.status == 0)
    #expect(listed.stdout.contains("vip") && listed.stdout.contains("[REDACTED:email]"))
    #expect(!listed.stdout.contains("ceo.private"))
  }

  /// The alerts do not depend on how the input is split: one core or two
  /// (the file is cut into pieces), or the same lines in two files.
  @Test func alertsAreTheSameWhateverTheSplit() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-rules-split-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let generated = try run(
      ["--lines", "80000", "--seed", "5", "--rate", "800", "--incident", "20:26:0.2"], product: "loggen")
    let whole = directory.appendingPathComponent("whole.jsonl")
    try generated.stdoutData.write(to: whole)
    let lines = generated.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    let half = lines.count / 2
    try (lines[..<half].joined(separator: "\n") + "\n").write(
      to: directory.appendingPathComponent("a.jsonl"), atomically: true, encoding: .utf8)
    try lines[half...].joined(separator: "\n").write(
      to: directory.appendingPathComponent("b.jsonl"), atomically: true, encoding: .utf8)
    func alerts(_ arguments: [String]) throws -> String {
      let result = try run(["summary", "--format", "json", "--alerts-out", "-"] + arguments)
      #expect(result.status == 0, "\(result.stderr)")
      return result.stdout.split(separator: "\n").filter { $0.hasPrefix("{\"rule\"") }.joined(separator: "\n")
    }
    let single = try alerts(["-j", "1", whole.path])
    #expect(single.contains("\"high_error_rate\""))
    #expect(try alerts(["-j", "2", whole.path]) == single)
    #expect(
      try alerts([
        "-j", "2", directory.appendingPathComponent("b.jsonl").path, directory.appendingPathComponent("a.jsonl").path,
      ])
        == single)
  }

  /// The built-in rules against an independent evaluation in Python
  /// (Benchmarks/rules_reference.py: json module, exact sorted percentiles).
  @Test(arguments: ["generated", "fixtures/app.jsonl"])
  func builtinRulesMatchAnIndependentEvaluation(input: String) throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else {
      print("skipped: python3 is not installed (.ci/run installs it)")
      return
    }
    var path = input
    // (Each case its own file: the cases run in parallel.)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "logscan-rules-ref-\(getpid())-\(input.hashValue).jsonl")
    defer { if input == "generated" { try? FileManager.default.removeItem(at: file) } }
    if input == "generated" {
      let generated = try run(
        [
          "--lines", "150000", "--seed", "11", "--rate", "1000", "--error-rate", "0.002", "--incident",
          "20:30:0.12", "--incident", "45:49:0.3",
        ], product: "loggen")
      try generated.stdoutData.write(to: file)
      path = file.path
    }
    let reference = Process()
    reference.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    reference.arguments = [packageRoot.appendingPathComponent("Benchmarks/rules_reference.py").path, path]
    reference.currentDirectoryURL = packageRoot
    let pipe = Pipe()
    reference.standardOutput = pipe
    try reference.run()
    let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    reference.waitUntilExit()
    #expect(reference.terminationStatus == 0)

    let ours = try run(["summary", "--format", "json", "--alerts-out", "-", path])
    // The rules the reference implements.
    let names: Set = [
      "high_error_rate", "rollback_error_rate", "high_latency_p99", "rollback_latency_p99", "latency_budget_p50",
      "latency_budget_p95", "availability",
    ]
    var lines: [String] = []
    for line in ours.stdout.split(separator: "\n") where line.hasPrefix("{\"rule\"") {
      let event = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      let rule = event["rule"] as! String
      guard names.contains(rule) else { continue }
      let service = (event["scope"] as? [String: String])?["service"] ?? ""
      let at = String((event["at"] as! String).prefix(19)) + "Z"
      lines.append("\(rule)\t\(service)\t\(event["state"]!)\t\(at)")
    }
    let expectedLines = expected.split(separator: "\n").map(String.init)
    if input == "generated" {
      #expect(expectedLines.count > 100)
      #expect(expectedLines.contains { $0.hasPrefix("rollback_error_rate\tapi-gateway\tfiring") })
    } else {
      #expect(expectedLines.count >= 11)
    }
    #expect(lines == expectedLines)
  }

  /// Scope values (service names) that hold secrets are redacted in every
  /// alert output.
  @Test func alertOutputsAreRedacted() throws {
    var log = ""
    for second in 0..<600 {
      let minute = second / 60
      let failed = second % 2 == 0
      log +=
        "{\"timestamp\":\"2026-02-07T10:\(minute < 10 ? "0" : "")\(minute):\(second % 60 < 10 ? "0" : "")\(second % 60).000Z\","
        + "\"service\":\"ops.lead@example.com\",\"path\":\"/pay\",\"method\":\"POST\","
        + "\"status\":\(failed ? 503 : 200),\"duration_ms\":20,\"message\":\"x\"}\n"
    }
    for arguments in [
      ["summary", "--alerts-out", "-", "-"], ["summary", "--format", "prometheus", "-"],
      ["summary", "--format", "json", "-"], ["check", "--alerts-out", "-", "-"],
    ] {
      let result = try run(arguments, stdin: Data(log.utf8))
      #expect(result.stdout.contains("high_error_rate"), "\(arguments)")
      #expect(!result.stdout.contains("ops.lead") && !result.stderr.contains("ops.lead"), "\(arguments)")
    }
  }
}
