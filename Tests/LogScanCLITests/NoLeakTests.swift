import Foundation
import LogGenerator
import Testing

/// The redaction invariant, end to end: a log seeded with a value of every
/// kind, in every place a value can sit (messages of errors that become top
/// error templates, service names, paths, ids, nested fields, keys, lines
/// that are not JSON, file names, configuration mistakes), run through every
/// command in every format; no output may hold any seeded value.
@Suite struct NoLeakTests {
  struct Seeded {
    var directory: URL
    var log: String
    var secrets: [String]
  }

  static func seed() throws -> Seeded {
    var planter = SecretPlanter(seed: 99)
    var lines: [String] = []
    var secrets: [String] = []
    for (index, kind) in SecretPlanter.kinds.enumerated() {
      let (members, secret) = planter.plant(kind)
      secrets.append(secret)
      let ts = "2026-11-21T10:00:\(String(format: "%02d", index % 60)).000Z"
      // As the planter places it, in an error line (top error templates).
      lines.append(
        #"{"ts":"\#(ts)","level":"error","service":"api","status":500,"duration_ms":5,"#
          + members.replacingOccurrences(of: "\"message\":", with: "\"msg\":") + "}")
      // Values known only by their key or prefix (a password, a bare token)
      // cannot be recognised alone: they go only where their context is.
      guard !secret.contains("\n"), !SecretPlanter.contextOnly.contains(kind) else { continue }
      let escaped = secret.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      // As a service, a path segment, ids, a message, a key, and in a line
      // that is not JSON. (All digits under an id key is read as an id, by
      // design: docs/redaction.md.)
      let id = secret.allSatisfy(\.isNumber) ? "req-1" : escaped
      lines.append(
        #"{"ts":"\#(ts)","level":"error","service":"\#(escaped)","path":"/api/x/\#(escaped)/y","method":"GET","requestId":"\#(id)","userId":"\#(id)","status":503,"duration_ms":7,"msg":"failed for \#(escaped) again","extra":{"\#(escaped)":1}}"#
      )
      lines.append(#"{"ts":"\#(ts)","level":"error","msg":"truncated \#(escaped) here"#)
      // A change event (timelines list them), by action and by message.
      lines.append(#"{"ts":"\#(ts)","level":"info","service":"ci","action":"deploy","msg":"deployed by \#(escaped)"}"#)
      lines.append(#"{"ts":"\#(ts)","level":"info","service":"\#(escaped)","msg":"Server started for \#(escaped)"}"#)
      lines.append("plain text line with \(secret) in it")
      // Where the other formats keep the same things: their own keys for
      // services, users, ids, paths and messages.
      let epoch = 1_795_428_000 + index
      lines.append(contentsOf: [
        #"{"time":"\#(ts)","id":"\#(id)","host":"\#(escaped)","method":"GET","uri":"/a/\#(escaped)","status":500,"error":"boom \#(escaped)","latency":1200,"latency_human":"1.2µs"}"#,
        #"{"message":"failed \#(escaped)","context":{"user_id":"\#(id)"},"level":400,"level_name":"ERROR","channel":"\#(escaped)","datetime":"\#(ts)","extra":{"url":"/b/\#(escaped)","http_method":"GET","unique_id":"\#(id)"}}"#,
        #"{"__REALTIME_TIMESTAMP":"\#(epoch)000000","PRIORITY":"3","MESSAGE":"failed \#(escaped)","CONTAINER_NAME":"\#(escaped)","_SYSTEMD_UNIT":"docker.service"}"#,
        #"{"t":{"$date":"\#(ts)"},"s":"E","c":"\#(escaped)","id":1,"ctx":"conn1","msg":"failed \#(escaped)","attr":{"durationMillis":5}}"#,
        #"{"auditID":"\#(id)","stage":"ResponseComplete","requestURI":"/api/v1/\#(escaped)","verb":"get","user":{"username":"\#(id)"},"objectRef":{"resource":"\#(escaped)"},"responseStatus":{"code":500,"message":"failed \#(escaped)"},"stageTimestamp":"\#(ts)"}"#,
        #"{"t":"\#(ts)","level":"error","logger":"\#(escaped)","msg":"Request Completed","method":"GET","path":"/c/\#(escaped)","status":500,"uname":"\#(id)","traceID":"\#(id)","error":"failed \#(escaped)","duration":"1.5ms"}"#,
      ])
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-noleak-\(UUID().uuidString)")
    defer {
      // To look at the seeded log: NOLEAK_COPY=/tmp/seeded.jsonl swift test --filter NoLeakTests
      if let copy = ProcessInfo.processInfo.environment["NOLEAK_COPY"] {
        try? FileManager.default.copyItem(atPath: directory.appendingPathComponent("seeded.jsonl").path, toPath: copy)
      }
    }
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let log = directory.appendingPathComponent("seeded.jsonl").path
    try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
    // What must never be printed: each value, and each line of a multi-line one.
    var needles: [String] = []
    for secret in secrets {
      needles.append(contentsOf: secret.split(separator: "\n").map(String.init).filter { $0.count >= 8 })
      if !secret.contains("\n") { needles.append(secret) }
    }
    return Seeded(directory: directory, log: log, secrets: needles)
  }

  static func leaks(_ text: String, _ secrets: [String]) -> [String] {
    secrets.filter { text.contains($0) }
  }

  @Test func noCommandOrFormatPrintsASeededValue() throws {
    let seeded = try Self.seed()
    defer { try? FileManager.default.removeItem(at: seeded.directory) }
    let key = ["LOGSCAN_REDACT_KEY": "a test key of more than 16 bytes"]
    let output = seeded.directory.appendingPathComponent("out").path
    var runs: [(String, [String], [String: String])] = []
    for format in ["text", "json", "markdown"] {
      for jobs in ["1", "2"] {
        runs.append(("summary", ["summary", "--top-errors", "1000", "-j", jobs, "--format", format, seeded.log], [:]))
        runs.append(("summary --audit", ["summary", "--audit", "-j", jobs, "--format", format, seeded.log], [:]))
      }
      runs.append(("audit", ["audit", "--format", format, seeded.log], [:]))
      runs.append(("trace --failed", ["trace", "--failed", "--limit", "100", "--format", format, seeded.log], [:]))
      runs.append(("trace --slowest", ["trace", "--slowest", "50", "-j", "1", "--format", format, seeded.log], key))
      runs.append(("summary hash", ["summary", "--redact-mode", "hash", "--format", format, seeded.log], key))
      runs.append(("summary partial", ["summary", "--redact-mode", "partial", "--format", format, seeded.log], [:]))
    }
    // Timelines: a window over everything, and incidents of a rule that
    // fires on every service (their names are seeded values too).
    let rules = seeded.directory.appendingPathComponent("rules.yml").path
    try """
    rules:
      - { name: any_error, severity: critical, expr: error_rate > 1%, scope: service, window: 1m, min_samples: 1 }
    """.write(toFile: rules, atomically: true, encoding: .utf8)
    for format in ["markdown", "html", "json"] {
      for jobs in ["1", "2"] {
        runs.append(
          (
            "timeline window",
            [
              "timeline", "--from", "2026-11-21T09:00", "--to", "2026-11-21T11:00", "-j", jobs, "--format", format,
              seeded.log,
            ],
            [:]
          ))
      }
      runs.append(("timeline rules", ["timeline", "--rules", rules, "--format", format, seeded.log], [:]))
      runs.append(
        ("timeline hash", ["timeline", "--rules", rules, "--redact-mode", "hash", "--format", format, seeded.log], key))
    }
    runs.append(("timeline -o", ["timeline", "--rules", rules, "--format", "html", "-o", output, seeded.log], [:]))
    runs.append(("timeline stdin", ["timeline", "--rules", rules, "--format", "json", "-"], [:]))
    runs.append(("redact", ["redact", seeded.log], [:]))
    runs.append(("redact hash", ["redact", "--redact-mode", "hash", seeded.log], key))
    runs.append(("redact partial", ["redact", "--redact-mode", "partial", seeded.log], [:]))
    runs.append(("redact -o", ["redact", "-o", output, seeded.log], [:]))
    // The same log in a container runtime's files: Docker's json-file
    // lines (the application's line is read from inside) and CRI lines.
    let lines = try String(contentsOfFile: seeded.log, encoding: .utf8).split(separator: "\n").map(String.init)
    let docker = seeded.directory.appendingPathComponent("container-json.log").path
    let cri = seeded.directory.appendingPathComponent("container-cri.log").path
    try lines.map { line in
      let value = String(decoding: try JSONSerialization.data(withJSONObject: [line + "\n"]), as: UTF8.self)
      return #"{"log":"# + value.dropFirst().dropLast() + #","stream":"stdout","time":"2026-11-21T10:00:00Z"}"#
    }.joined(separator: "\n").appending("\n").write(toFile: docker, atomically: true, encoding: .utf8)
    try lines.map { "2026-11-21T10:00:00.000000000Z stderr F " + $0 }.joined(separator: "\n").appending("\n")
      .write(toFile: cri, atomically: true, encoding: .utf8)
    for wrapped in [docker, cri] {
      runs.append(("summary, container lines", ["summary", "--top-errors", "1000", "--format", "json", wrapped], [:]))
      runs.append(("audit, container lines", ["audit", wrapped], [:]))
      runs.append(("trace, container lines", ["trace", "--failed", "--limit", "100", wrapped], [:]))
      runs.append(("timeline, container lines", ["timeline", "--rules", rules, "--format", "markdown", wrapped], [:]))
      runs.append(("redact, container lines", ["redact", wrapped], [:]))
    }
    runs.append(("summary stdin", ["summary", "-"], [:]))
    runs.append(("trace stdin", ["trace", "--failed", "--format", "json", "-"], [:]))
    for (name, arguments, environment) in runs {
      let stdin = arguments.last == "-" ? try Data(contentsOf: URL(fileURLWithPath: seeded.log)) : nil
      let result = try run(arguments, stdin: stdin, environment: environment)
      #expect(result.status == 0, "\(name): \(result.stderr)")
      var text = result.stdout + result.stderr
      if arguments.contains("-o") { text += (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }
      #expect(Self.leaks(text, seeded.secrets).isEmpty, "\(name) \(arguments): \(Self.leaks(text, seeded.secrets))")
    }

    // Error messages: a file named after a value, and a configuration mistake quoting one.
    let email = "jane.leak@example.com"
    let missing = try run(["summary", seeded.directory.appendingPathComponent("\(email).jsonl").path])
    #expect(missing.status == 2)
    #expect(!missing.stderr.contains(email), "\(missing.stderr)")
    let config = seeded.directory.appendingPathComponent("logscan.yml").path
    try "format: ghp_16C7e42F292c6912E7710c838347Ae178B4a\n".write(toFile: config, atomically: true, encoding: .utf8)
    let typo = try run(["summary", "--config", config, seeded.log])
    #expect(typo.status == 2)
    #expect(typo.stderr.contains("unknown format"))
    #expect(!typo.stderr.contains("ghp_16C7e42F292c6912E7710c838347Ae178B4a"), "\(typo.stderr)")
  }

  @Test func noRedactShowsValuesAndWarns() throws {
    // The same search finds the values when redaction is off: it can fail.
    let seeded = try Self.seed()
    defer { try? FileManager.default.removeItem(at: seeded.directory) }
    let result = try run(["redact", "--no-redact", seeded.log])
    #expect(result.stderr.contains("redaction is off"))
    #expect(Self.leaks(result.stdout, seeded.secrets).count == seeded.secrets.count)
  }

  @Test func redactOutputIsValidJSONWithTheSameKeys() throws {
    let seeded = try Self.seed()
    defer { try? FileManager.default.removeItem(at: seeded.directory) }
    let result = try run(["redact", seeded.log])
    let input = try String(contentsOfFile: seeded.log, encoding: .utf8).split(separator: "\n")
    let output = result.stdout.split(separator: "\n")
    #expect(input.count == output.count)
    for (before, after) in zip(input, output) {
      guard let original = try? JSONSerialization.jsonObject(with: Data(before.utf8)) as? [String: Any] else {
        continue  // not JSON: redacted as text
      }
      let redacted = try #require(try JSONSerialization.jsonObject(with: Data(after.utf8)) as? [String: Any])
      #expect(Set(original.keys).count == Set(redacted.keys).count)
      // Keys keep their order: compare the sequence of top-level key positions.
      #expect(original["ts"] as? String == redacted["ts"] as? String)
      #expect(original["level"] as? String == redacted["level"] as? String)
    }
    let dropped = try run(["redact", "--drop-malformed", seeded.log])
    #expect(dropped.stdout.split(separator: "\n").count < output.count)
    #expect(dropped.stderr.contains("not JSON dropped"))
    // Never over an input.
    let overwrite = try run(["redact", seeded.log, "-o", seeded.log])
    #expect(overwrite.status == 2)
    #expect(overwrite.stderr.contains("never writes over its input"))
  }

  @Test func twoWorkersWriteTheSameBytesInTheSameOrder() throws {
    // Large enough to be cut into pieces (8 MiB and up are split).
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-order-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let log = directory.appendingPathComponent("big.jsonl").path
    let generated = try run(
      ["--bytes", "20M", "--noise", "--plant", "0.05", "--malformed", "0.001"], product: "loggen")
    try generated.stdoutData.write(to: URL(fileURLWithPath: log))
    let one = try run(["redact", "-j", "1", log, seededSmall(directory)])
    let two = try run(["redact", "-j", "2", log, seededSmall(directory)])
    #expect(one.status == 0)
    #expect(one.stdoutData.count > 20_000_000)
    #expect(one.stdoutData == two.stdoutData)
    #expect(one.stderr == two.stderr)
  }

  private func seededSmall(_ directory: URL) throws -> String {
    let path = directory.appendingPathComponent("small.jsonl").path
    try #"{"msg":"second input, jo@example.com"}"#.appending("\n").write(
      toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func hashModeNeedsAKeyAndGivesStableTokens() throws {
    let seeded = try Self.seed()
    defer { try? FileManager.default.removeItem(at: seeded.directory) }
    let noKey = try run(["redact", "--redact-mode", "hash", seeded.log])
    #expect(noKey.status == 2)
    #expect(noKey.stderr.contains("LOGSCAN_REDACT_KEY"))
    let keyFile = seeded.directory.appendingPathComponent("key").path
    try "0123456789abcdef0123\n".write(toFile: keyFile, atomically: true, encoding: .utf8)
    let a = try run(["redact", "--redact-mode", "hash", "--redact-key-file", keyFile, seeded.log])
    let b = try run(
      ["redact", "--redact-mode", "hash", seeded.log], environment: ["LOGSCAN_REDACT_KEY": "0123456789abcdef0123"])
    #expect(a.status == 0)
    #expect(a.stdout == b.stdout, "the key file's trailing newline is not part of the key")
    #expect(a.stdout.contains("[REDACTED:email:"))
  }
}
