import Foundation
import LogGenerator
import LogScanCore
import Testing

/// Lines of container runtimes' log files: the application's line inside is
/// what is read (Docker's json-file driver, the CRI format of containerd
/// and CRI-O), checked against Foundation's decoding of the same lines.
@Suite struct ContainerLineTests {
  /// Application lines with what JSON escaping must survive.
  static let inner: [String] = [
    #"{"level":"info","msg":"caf\u00e9 \"quoted\" back\\slash","time":"2026-02-07T10:00:00Z"}"#,
    "{\"level\":\"error\",\"message\":\"naïve 🚀 <b>&\",\"status\":503}",
    "plain text, not JSON",
    "",
    "{\"service\":\"tab\\there\"}",
  ]

  /// Docker's json-file line for `line`, as Go's encoding/json writes it
  /// (HTML characters escaped, the newline kept in the value).
  static func docker(_ line: String, stream: String = "stdout") -> String {
    let data = try! JSONSerialization.data(withJSONObject: [line + "\n"], options: [.withoutEscapingSlashes])
    var value = String(decoding: data, as: UTF8.self).dropFirst().dropLast()
    value = Substring(
      value.replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: ">", with: "\\u003e")
        .replacingOccurrences(of: "&", with: "\\u0026"))
    return "{\"log\":\(value),\"stream\":\"\(stream)\",\"time\":\"2026-02-07T10:00:00.123456789Z\"}"
  }

  static func cri(_ line: String, stream: String = "stdout", tag: String = "F") -> String {
    "2026-02-07T10:00:00.123456789Z \(stream) \(tag) \(line)"
  }

  @Test(arguments: [1, 7, 64, 1 << 20])
  func theApplicationLineIsHandedOut(chunkSize: Int) {
    var text = ""
    for (k, line) in Self.inner.enumerated() {
      text += Self.docker(line, stream: k % 2 == 0 ? "stdout" : "stderr") + "\n"
      text += Self.cri(line, stream: k % 2 == 0 ? "stderr" : "stdout") + "\r\n"
    }
    let sink = split(Array(text.utf8), chunkSize: chunkSize, unwrapsContainerLines: true)
    let expected = Self.inner.flatMap { [Array($0.utf8), Array($0.utf8)] }
    #expect(sink.lines == expected)
    #expect(sink.numbers == Array(1...expected.count))
    // Off (as for `redact`), the runtime's lines are handed out as they are.
    let raw = split(Array(text.utf8), chunkSize: chunkSize)
    #expect(raw.lines == referenceLines(Array(text.utf8)))
  }

  @Test func otherLinesAreLeftAlone() {
    let lines = [
      #"{"log":"no stream key","time":"2026-02-07T10:00:00Z"}"#,
      #"{"log":"unterminated"#,
      #"{"logger":"x","stream":"stdout"}"#,
      #"{"log":"x","stream":"stdout","time":"t"} trailing"#,
      "2026-02-07T10:00:00Z stdin F {}",
      "2026-02-07T10:00:00Z stdout X {}",
      "2026-02-07 10:00:00 stdout F {}",
      "20260207T100000Z stdout F {}",
      "2026-02-07T10:00:00Zstdout F {}",
      "12345",
      #"{"level":"info"}"#,
    ]
    let text = lines.joined(separator: "\n") + "\n"
    let sink = split(Array(text.utf8), chunkSize: 1 << 20, unwrapsContainerLines: true)
    #expect(sink.lines == lines.map { Array($0.utf8) })
  }

  /// A generated log read plain, in Docker's json-file lines and in CRI
  /// lines gives the same report (but for the input's name and size).
  @Test func aWrappedLogGivesTheReportOfTheLog() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var configuration = LogGenerator.Configuration()
    configuration.malformedRate = 0.005
    configuration.seed = 41
    var generator = LogGenerator(configuration)
    var data: [UInt8] = []
    while data.count < 400_000 { generator.appendRequest(to: &data) }
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
      .dropLast()
    let plain = writeTemporaryFile(data, name: "plain.jsonl", in: directory)
    let docker = writeTemporaryFile(
      Array(lines.map { Self.docker(String($0)) + "\n" }.joined().utf8), name: "docker.log", in: directory)
    let cri = writeTemporaryFile(
      Array(lines.map { Self.cri(String($0)) + "\n" }.joined().utf8), name: "cri.log", in: directory)
    func report(_ path: String, jobs: Int) throws -> String {
      let result = summarize([path]) {
        $0.jobs = jobs
        $0.splitThreshold = 64 << 10
        $0.maxPieceSize = 64 << 10
      }
      // The input's name is in the malformed lines' places.
      let json = summaryJSON(result).replacingOccurrences(of: path, with: "input")
      var object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
      object["inputs"] = nil
      return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
    let expected = try report(plain, jobs: 1)
    #expect(!expected.contains("\"malformed\":0,"), "the log has malformed lines")
    for path in [docker, cri] {
      for jobs in [1, 2] { #expect(try report(path, jobs: jobs) == expected, "\(path), \(jobs) jobs") }
    }
  }
}
