import Foundation
import Testing

@Suite struct SummaryCommandTests {
  // The golden files were checked against Benchmarks/verify.py, an
  // independent computation in Python (see `independentComputationAgrees`);
  // their alerts against Benchmarks/rules_reference.py (RulesCommandTests).
  @Test func jsonReportMatchesGolden() throws {
    let result = try run(["summary", "--format", "json", "fixtures/app.jsonl"])
    #expect(result.status == 0)
    try expectGolden(result.stdout, "app.summary.json")
  }

  @Test func textReportMatchesGolden() throws {
    let result = try run(["summary", "fixtures/malformed.jsonl"])
    #expect(result.status == 0)
    #expect(!result.stdout.contains("\u{1B}["), "no colour without a terminal")
    try expectGolden(result.stdout, "malformed.summary.txt")
  }

  @Test func markdownReportMatchesGolden() throws {
    let result = try run(["summary", "--format", "markdown", "fixtures/app.jsonl"])
    #expect(result.status == 0)
    try expectGolden(result.stdout, "app.summary.md")
  }

  @Test(arguments: ["fixtures/app.jsonl.zst", "fixtures/app.jsonl.gz", "fixtures/multiframe.jsonl.zst"])
  func compressedInputsReportTheSameFigures(path: String) throws {
    let plain = try report(["summary", "--format", "json", "fixtures/app.jsonl"])
    let other = try report(["summary", "--format", "json", path])
    for key in ["overall", "services", "routes", "levels", "topErrors", "timeRange"] {
      #expect(
        plain[key] as? NSDictionary == other[key] as? NSDictionary || plain[key] as? NSArray == other[key] as? NSArray,
        "\(key)")
    }
  }

  /// Names that differ only in what redaction hides (two hosts' IPs in a
  /// service name, two JWTs or dotted email addresses in a path) are shown
  /// once, with the events of both: before, the JSON had the same key twice
  /// and the Prometheus output the same series twice.
  @Test func namesThatDifferOnlyInRedactedPartsAreOneScope() throws {
    func line(_ service: String, _ path: String) -> String {
      #"{"timestamp":"2026-01-01T00:00:00Z","level":"info","service":"\#(service)","method":"GET","path":"\#(path)","status":200,"duration_ms":5}"#
    }
    let lines = [
      line(
        "worker@10.0.0.1",
        "/reset/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THs"),
      line(
        "worker@10.0.0.2",
        "/reset/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI5ODc2NTQzMjEwIn0.abcdefNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP"),
      line("api", "/api/users/first.last@example.com/orders"),
      line("api", "/api/users/jane.doe@example.com/orders"),
    ]
    let input = Data((lines.joined(separator: "\n") + "\n").utf8)
    let json = try run(["summary", "--format", "json", "-"], stdin: input)
    #expect(json.status == 0)
    let services = #/"worker@[^"]*": \{/#
    #expect(json.stdout.matches(of: services).count == 1)
    #expect(json.stdout.matches(of: #/"GET /reset/[^"]*": \{/#).count == 1)
    #expect(json.stdout.matches(of: #/"GET /api/users/[^"]*": \{/#).count == 1)
    #expect(json.stdout.contains(#""GET /api/users/:id/orders""#))
    let parsed = try #require(JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])
    let byService = try #require(parsed["services"] as? [String: [String: Any]])
    #expect(byService.values.map { $0["events"] as? Int ?? 0 }.reduce(0, +) == 4)
    let byRoute = try #require(parsed["routes"] as? [String: [String: Any]])
    #expect(byRoute.values.map { $0["events"] as? Int ?? 0 }.sorted() == [2, 2])
    let prometheus = try run(["summary", "--format", "prometheus", "-"], stdin: input)
    #expect(PrometheusTests.problems(prometheus.stdout) == [])
  }

  /// Bare `logscan` reading a pipe is `logscan watch`: NDJSON lines as it
  /// goes, then the summary; `logscan summary -` is the summary alone.
  @Test func standardInputIsTheDefaultAndMayBeCompressed() throws {
    let zst = try Data(contentsOf: packageRoot.appendingPathComponent("fixtures/app.jsonl.zst"))
    let bare = try run(["--format", "json"], stdin: zst)
    let dash = try run(["summary", "--format", "json", "-"], stdin: zst)
    #expect(bare.status == 0 && dash.status == 0)
    let file = try report(["summary", "--format", "json", "fixtures/app.jsonl"])
    let live = bare.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    let documentStart = try #require(live.firstIndex(of: "{"))
    #expect(live[..<documentStart].allSatisfy { $0.hasPrefix("{\"") })
    #expect(live[..<documentStart].contains { $0.hasPrefix("{\"type\":\"stats\"") })
    var liveSummary = bare
    liveSummary.stdoutData = Data(live[documentStart...].joined(separator: "\n").utf8)
    for output in [liveSummary, dash] {
      let parsed = try JSONSerialization.jsonObject(with: output.stdoutData) as! [String: Any]
      #expect(parsed["overall"] as? NSDictionary == file["overall"] as? NSDictionary)
      let inputs = parsed["inputs"] as! [[String: Any]]
      #expect(inputs.first?["name"] as? String == "<stdin>")
      #expect(inputs.first?["format"] as? String == "zstd")
    }
  }

  @Test func aNamedPipeIsReadAndItsFormatDetected() throws {
    let binary = productsDirectory.appendingPathComponent("logscan").path
    let result = try runTool(["bash", "-c", "'\(binary)' summary --format json <(cat fixtures/app.jsonl.zst)"])
    #expect(result.status == 0)
    let parsed = try JSONSerialization.jsonObject(with: result.stdoutData) as! [String: Any]
    let input = (parsed["inputs"] as! [[String: Any]])[0]
    #expect(input["format"] as? String == "zstd")
    #expect(input["lines"] as? Int == 1501)
    #expect(input["bytes"] is NSNull)
  }

  @Test func missingFileExitsTwoNamingIt() throws {
    let result = try run(["summary", "fixtures/no-such-file.jsonl"])
    #expect(result.status == 2)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains("cannot open 'fixtures/no-such-file.jsonl': No such file or directory"))
  }

  @Test func missingFileAmongOthersStillReportsTheRest() throws {
    let result = try run(["summary", "--format", "json", "fixtures/app.jsonl", "fixtures/nope.jsonl"])
    #expect(result.status == 2)
    let parsed = try JSONSerialization.jsonObject(with: result.stdoutData) as! [String: Any]
    #expect((parsed["lines"] as! [String: Any])["read"] as? Int == 1501)
    #expect(result.stderr.contains("nope.jsonl"))
  }

  @Test func truncatedArchiveExitsThreeAndKeepsWhatWasRead() throws {
    let result = try run(["summary", "--format", "json", "fixtures/truncated.jsonl.zst"])
    #expect(result.status == 3)
    #expect(result.stderr.contains("'fixtures/truncated.jsonl.zst' is a truncated zstd archive: it ends at byte 20000"))
    let parsed = try JSONSerialization.jsonObject(with: result.stdoutData) as! [String: Any]
    #expect((parsed["lines"] as! [String: Any])["read"] as? Int == 473)
  }

  @Test func corruptArchiveExitsThreeAndTheOtherFilesGoOn() throws {
    let result = try run(["summary", "--format", "json", "fixtures/corrupt.jsonl.zst", "fixtures/app.jsonl"])
    #expect(result.status == 3)
    #expect(result.stderr.contains("'fixtures/corrupt.jsonl.zst' is a corrupt zstd archive at byte"))
    let parsed = try JSONSerialization.jsonObject(with: result.stdoutData) as! [String: Any]
    #expect((parsed["lines"] as! [String: Any])["read"] as? Int == 473 + 1501)
  }

  @Test(arguments: [
    ["summary", "--jobs", "0"], ["summary", "--format", "xml"], ["summary", "--bogus"],
    ["summary", "--top-errors", "-1"], ["summary", "--max-line-bytes", "0"],
    ["summary", "--max-line-bytes", "2147483648"], ["watch", "--max-line-bytes", "4"],
  ])
  func usageErrorsExitTwo(arguments: [String]) throws {
    let result = try run(arguments)
    #expect(result.status == 2)
    #expect(result.stderr.contains("Error:"))
  }

  @Test func outputFileGetsTheReport() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-\(UUID().uuidString).json").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = try run(["summary", "--format", "json", "-o", path, "fixtures/app.jsonl"])
    #expect(result.status == 0)
    #expect(result.stdout.isEmpty)
    let written = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(try JSONSerialization.jsonObject(with: written) is [String: Any])
  }

  @Test func aClosedPipeEndsQuietly() throws {
    // Enough routes that the report is far larger than a pipe's buffer.
    var lines = ""
    for k in 0..<4000 { lines += "{\"service\":\"s\",\"method\":\"GET\",\"path\":\"/r\(k)/x\",\"duration_ms\":\(k)}\n" }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-pipe-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let input = directory.appendingPathComponent("routes.jsonl")
    try lines.write(to: input, atomically: true, encoding: .utf8)
    let binary = productsDirectory.appendingPathComponent("logscan").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [
      "-c", "'\(binary)' summary --format json '\(input.path)' | head -c 100 >/dev/null; echo \"${PIPESTATUS[0]}\"",
    ]
    let err = Pipe()
    let out = Pipe()
    process.standardError = err
    process.standardOutput = out
    try process.run()
    let status = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(status == "0\n", "logscan's exit status on a closed pipe")
    #expect(stderr.isEmpty, "logscan wrote to stderr on a closed pipe: \(stderr)")
  }

  @Test func configFileMistakesExitTwoNamingFileAndLine() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("logscan.yml").path
    try "units:\n  duration: ms\nfeilds:\n  status: code\n".write(toFile: path, atomically: true, encoding: .utf8)
    let result = try run(["summary", "--config", path, "fixtures/app.jsonl"])
    #expect(result.status == 2)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains("\(path):3: unknown key 'feilds'. Did you mean 'fields'?"))
  }

  @Test func configFileMapsFieldsAndPrintsBack() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let config = directory.appendingPathComponent("c.yml").path
    try "fields:\n  duration: {path: timing.total, unit: s}\n  service: app.name\n".write(
      toFile: config, atomically: true, encoding: .utf8)
    let input = directory.appendingPathComponent("in.jsonl").path
    try #"{"app":{"name":"shop"},"timing":{"total":0.25}}"#.write(toFile: input, atomically: true, encoding: .utf8)
    let summary = try run(["summary", "--format", "json", "--config", config, input])
    let parsed = try JSONSerialization.jsonObject(with: summary.stdoutData) as! [String: Any]
    let services = parsed["services"] as! [String: Any]
    let shop = services["shop"] as! [String: Any]
    #expect((shop["latencyMs"] as! [String: Any])["max"] as? Double == 250)
    let printed = try run(["config", "--print", "--config", config])
    #expect(printed.stdout.contains("duration_ms: {path: timing.total, unit: s}"))
    #expect(printed.stdout.contains("service: app.name"))
  }

  /// Every format sample through the binary: each input is named with its
  /// format and no line is misread as malformed (the figures themselves are
  /// checked against a Foundation reading in FormatTests).
  @Test func everyFormatSampleIsDetectedEndToEnd() throws {
    let names = [
      "pino", "bunyan", "caddy", "zap", "logrus", "structlog", "python-json-logger", "loguru", "ecs", "otel", "gcp",
      "nginx", "traefik", "envoy", "serilog", "lograge", "log4j2", "zerolog", "echo", "monolog", "journald", "mongodb",
      "k8s-audit", "grafana", "apigateway", "cloudflare",
    ]
    let result = try run(["summary", "--format", "json"] + names.map { "fixtures/formats/\($0).jsonl" })
    #expect(result.status == 0)
    let parsed = try JSONSerialization.jsonObject(with: result.stdoutData) as! [String: Any]
    let inputs = parsed["inputs"] as! [[String: Any]]
    #expect(inputs.map { $0["logFormat"] as? String } == names)
    #expect((parsed["lines"] as! [String: Any])["malformed"] as? Int == 0)
    let text = try run(["summary", "fixtures/formats/caddy.jsonl"])
    #expect(text.stdout.contains("lines, caddy)"))
  }

  @Test func formatsAreListed() throws {
    let result = try run(["formats"])
    for name in [
      "pino", "bunyan", "zap", "caddy", "logrus", "structlog", "python-json-logger", "loguru", "ecs", "otel", "gcp",
      "nginx", "traefik", "envoy", "serilog", "lograge", "log4j2", "zerolog", "echo", "monolog", "journald",
      "mongodb", "k8s-audit", "grafana", "apigateway", "cloudflare", "canonical",
    ] {
      #expect(result.stdout.contains(name + " "), "\(name)")
    }
  }

  /// Every name the JSON report writes is in docs/json-schema.md (outside
  /// the maps keyed by the input's own names: services, routes, counters):
  /// the interface other tools read stays written down.
  @Test func everyNameOfTheJSONReportIsDocumented() throws {
    let result = try run([
      "summary", "--format", "json", "fixtures/app.jsonl", "fixtures/correlation/requests.jsonl",
      "fixtures/malformed.jsonl", "fixtures/formats/caddy.jsonl",
    ])
    #expect(result.status == 0)
    let report = try JSONSerialization.jsonObject(with: result.stdoutData)
    let schema = try String(
      contentsOf: packageRoot.appendingPathComponent("docs/json-schema.md"), encoding: .utf8)
    let keyedByInput: Set<String> = ["services", "routes", "entryRoutes", "counters", "logFormats"]
    // Fixed vocabularies the schema lists in comments.
    let listed: Set<String> = ["levels", "malformedByReason", "skippedByReason"]
    var missing: [String] = []
    func walk(_ value: Any, _ path: String, parent: String) {
      if let object = value as? [String: Any] {
        for (key, child) in object {
          let documented =
            keyedByInput.contains(parent) || schema.contains("\"\(key)\"")
            || (listed.contains(parent) && schema.contains(key))
          if !documented { missing.append(path + "." + key) }
          walk(child, path + "." + key, parent: key)
        }
      } else if let array = value as? [Any] {
        for element in array { walk(element, path + "[]", parent: parent) }
      }
    }
    walk(report, "", parent: "")
    #expect(missing.isEmpty, "not in docs/json-schema.md: \(missing.sorted())")
  }

  @Test func helpHasExamples() throws {
    let result = try run(["summary", "--help"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("logscan summary --format markdown logs/ > report.md"))
  }

  @Test func independentComputationAgrees() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else {
      print("skipped: python3 is not installed, Benchmarks/verify.py cannot run")
      return
    }
    for path in [
      "fixtures/app.jsonl", "fixtures/malformed.jsonl", "fixtures/app.jsonl.gz", "fixtures/app.jsonl.zst",
      "fixtures/multiframe.jsonl.zst", "fixtures/correlation/requests.jsonl",
      "fixtures/correlation/whole-seconds.jsonl",
    ] {
      let reportPath = FileManager.default.temporaryDirectory.appendingPathComponent("verify-\(UUID().uuidString).json")
        .path
      defer { try? FileManager.default.removeItem(atPath: reportPath) }
      _ = try run(["summary", "--format", "json", "-o", reportPath, path])
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
      process.arguments = ["Benchmarks/verify.py", "--report", reportPath, path]
      process.currentDirectoryURL = packageRoot
      let out = Pipe()
      process.standardOutput = out
      try process.run()
      let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      #expect(process.terminationStatus == 0, "\(path): \(text)")
    }
  }

  private func report(_ arguments: [String]) throws -> [String: Any] {
    let result = try run(arguments)
    return try JSONSerialization.jsonObject(with: result.stdoutData) as! [String: Any]
  }
}
