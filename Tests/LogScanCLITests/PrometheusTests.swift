import Foundation
import Testing

/// `--format prometheus` against the text exposition format's rules
/// (https://prometheus.io/docs/instrumenting/exposition_formats/), checked
/// here line by line, and by `promtool check metrics` when it is installed.
@Suite struct PrometheusTests {
  /// Checks the rules a scraper relies on; returns the problems found.
  static func problems(_ text: String) -> [String] {
    var problems: [String] = []
    let metricName = /[a-zA-Z_:][a-zA-Z0-9_:]*/
    let labelName = /[a-zA-Z_][a-zA-Z0-9_]*/
    var types: [String: String] = [:]
    var helped = Set<String>()
    var finished = Set<String>()  // families already left
    var current: String?
    var series = Set<String>()
    var buckets: [String: [(Double, Double)]] = [:]
    var counts: [String: Double] = [:]
    func family(of sample: String) -> String {
      for suffix in ["_bucket", "_sum", "_count"] where sample.hasSuffix(suffix) {
        let base = String(sample.dropLast(suffix.count))
        if types[base] == "histogram" { return base }
      }
      return sample
    }
    guard text.hasSuffix("\n") else { return ["no final line feed"] }
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
      if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
        let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
        guard parts.count >= 4 || (parts.count == 3 && line.hasPrefix("# HELP")) else {
          problems.append("bad comment: \(line)")
          continue
        }
        let name = parts[2]
        if (try? metricName.wholeMatch(in: name)) == nil { problems.append("bad metric name \(name)") }
        if current != name, let current { finished.insert(current) }
        if finished.contains(name) { problems.append("family \(name) is split") }
        current = name
        if line.hasPrefix("# TYPE ") {
          if types[name] != nil { problems.append("two TYPE lines for \(name)") }
          if !["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) {
            problems.append("bad type \(parts[3])")
          }
          types[name] = parts[3]
        } else {
          if !helped.insert(name).inserted { problems.append("two HELP lines for \(name)") }
        }
        continue
      }
      guard !line.hasPrefix("#"), !line.isEmpty else { continue }
      // name{labels} value
      guard let space = line.lastIndex(of: " ") else {
        problems.append("no value: \(line)")
        continue
      }
      let valueText = line[line.index(after: space)...]
      let value = valueText == "+Inf" ? Double.infinity : Double(valueText)
      if value == nil { problems.append("bad value: \(line)") }
      let head = line[..<space]
      let name = String(head.prefix { $0 != "{" })
      if (try? metricName.wholeMatch(in: name)) == nil { problems.append("bad sample name \(name)") }
      let base = family(of: name)
      guard types[base] != nil else {
        problems.append("sample before its TYPE: \(line)")
        continue
      }
      if base != current { problems.append("sample of \(base) outside its family: \(line)") }
      var labels: [(String, String)] = []
      if head.count > name.count {
        guard head.hasSuffix("}") else {
          problems.append("unclosed labels: \(line)")
          continue
        }
        var rest = Substring(head.dropFirst(name.count + 1).dropLast())
        while !rest.isEmpty {
          guard let equals = rest.firstIndex(of: "=") else {
            problems.append("bad labels: \(line)")
            break
          }
          let label = String(rest[..<equals])
          if (try? labelName.wholeMatch(in: label)) == nil || label.hasPrefix("__") {
            problems.append("bad label name \(label)")
          }
          rest = rest[rest.index(after: equals)...]
          guard rest.first == "\"" else {
            problems.append("unquoted label value: \(line)")
            break
          }
          rest = rest.dropFirst()
          var value = ""
          var closed = false
          while let character = rest.first {
            rest = rest.dropFirst()
            if character == "\\" {
              guard let escaped = rest.first, ["\\", "\"", "n"].contains(escaped) else {
                problems.append("bad escape: \(line)")
                break
              }
              value.append(escaped == "n" ? "\n" : escaped)
              rest = rest.dropFirst()
            } else if character == "\"" {
              closed = true
              break
            } else {
              value.append(character)
            }
          }
          if !closed { problems.append("unterminated label value: \(line)") }
          labels.append((label, value))
          if rest.first == "," { rest = rest.dropFirst() }
        }
      }
      let key = name + labels.map { "\($0.0)=\($0.1)" }.sorted().joined(separator: ",")
      if !series.insert(key).inserted { problems.append("duplicate series \(key)") }
      if types[base] == "histogram", let value {
        let others = labels.filter { $0.0 != "le" }.map { "\($0.0)=\($0.1)" }.sorted().joined(separator: ",")
        if name.hasSuffix("_bucket") {
          guard let le = labels.first(where: { $0.0 == "le" })?.1 else {
            problems.append("bucket without le: \(line)")
            continue
          }
          buckets[base + others, default: []].append((le == "+Inf" ? .infinity : Double(le) ?? .nan, value))
        } else if name.hasSuffix("_count") {
          counts[base + others] = value
        }
      }
    }
    for (key, list) in buckets {
      if list.map(\.0) != list.map(\.0).sorted() { problems.append("buckets out of order for \(key)") }
      if list.map(\.1) != list.map(\.1).sorted() { problems.append("buckets not cumulative for \(key)") }
      if list.last?.0 != .infinity { problems.append("no +Inf bucket for \(key)") }
      if list.last?.1 != counts[key] { problems.append("+Inf bucket differs from _count for \(key)") }
    }
    return problems
  }

  @Test func exposesValidText() throws {
    let result = try run([
      "summary", "--format", "prometheus", "--rules", "fixtures/rules/rules.yml", "fixtures/rules/alerts.jsonl",
    ])
    #expect(result.status == 0)
    let text = result.stdout
    #expect(Self.problems(text) == [])
    // The playbooks' names, with the fixture's numbers.
    #expect(text.contains("# TYPE http_requests_total counter\n"))
    #expect(text.contains("http_requests_total{method=\"GET\",path=\"/api/orders/:id\",status=\"500\"} 20\n"))
    #expect(text.contains("# TYPE http_request_duration_seconds histogram\n"))
    // api: 4 events of 3 s among 310; 309 at or below 1 s... the 3 s ones are above 2.5 s.
    #expect(
      text.contains("http_request_duration_seconds_bucket{method=\"GET\",path=\"/api/orders/:id\",le=\"2.5\"} 306\n"))
    #expect(text.contains("http_request_duration_seconds_count{method=\"GET\",path=\"/api/orders/:id\"} 310\n"))
    #expect(text.contains("created_orders_total{service=\"api\"} 31\n"))
    #expect(text.contains("logscan_alerts_fired_total{rule=\"errors_for_2m\",severity=\"critical\"} 1\n"))
    #expect(text.contains("logscan_alerts_firing{rule=\"slow_p99\",severity=\"warning\"} 0\n"))
  }

  @Test func validatorCatchesBrokenText() {
    #expect(!Self.problems("x 1\n").isEmpty)  // no TYPE
    #expect(!Self.problems("# TYPE x counter\nx{a=\"b} 1\n").isEmpty)
    #expect(!Self.problems("# TYPE x counter\nx 1\nx 2\n").isEmpty)
    #expect(
      !Self.problems("# TYPE h histogram\nh_bucket{le=\"1\"} 5\nh_bucket{le=\"+Inf\"} 4\nh_count 4\n").isEmpty)
    #expect(Self.problems("# HELP x a b\n# TYPE x counter\nx{a=\"q\\\"\"} 1\n") == [])
  }

  @Test func labelValuesAreEscaped() throws {
    let log =
      "{\"timestamp\":\"2026-02-07T10:00:00Z\",\"service\":\"a\\\"b\\\\c\",\"method\":\"GET\",\"path\":\"/x\",\"status\":200}\n"
    let result = try run(["summary", "--format", "prometheus", "-"], stdin: Data(log.utf8))
    #expect(result.stdout.contains("logscan_events_total{service=\"a\\\"b\\\\c\"} 1\n"))
    #expect(Self.problems(result.stdout) == [])
  }

  @Test func promtoolAcceptsIt() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") else {
      print("skipped: promtool is not installed (apt-get install prometheus)")
      return
    }
    let report = try run(["summary", "--format", "prometheus", "fixtures/app.jsonl"])
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
    process.arguments = ["check", "metrics"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = output
    try process.run()
    input.fileHandleForWriting.write(report.stdoutData)
    try input.fileHandleForWriting.close()
    let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(said)")
    #expect(said.isEmpty, "promtool: \(said)")
  }
}
