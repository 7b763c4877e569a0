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

  /// The runtime's lines for `line` as a runtime writes a line over 16 KiB:
  /// pieces of at most 16 KiB, only the last ending the line (Docker: the
  /// newline in the last value; CRI: tag `F`, the others `P`).
  static func pieces(_ line: String, docker: Bool) -> [String] {
    let bytes = Array((line + (docker ? "\n" : "")).utf8)
    let cuts = Array(stride(from: 0, to: bytes.count, by: 16_384))
    return cuts.enumerated().map { k, start in
      let piece = String(decoding: bytes[start..<min(start + 16_384, bytes.count)], as: UTF8.self)
      let last = k == cuts.count - 1
      if docker {
        let data = try! JSONSerialization.data(withJSONObject: [piece], options: [.withoutEscapingSlashes])
        let value = String(decoding: data, as: UTF8.self).dropFirst().dropLast()
        return "{\"log\":\(value),\"stream\":\"stdout\",\"time\":\"2026-02-07T10:00:00.123456789Z\"}"
      }
      return cri(piece, tag: last ? "F" : "P")
    }
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

  /// The lines of a generated log with 0.5% malformed lines.
  static func generatedLines(seed: UInt64, bytes: Int) -> [String] {
    var configuration = LogGenerator.Configuration()
    configuration.malformedRate = 0.005
    configuration.seed = seed
    var generator = LogGenerator(configuration)
    var data: [UInt8] = []
    while data.count < bytes { generator.appendRequest(to: &data) }
    return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
      .dropLast().map(String.init)
  }

  /// The JSON report of `path` read by `jobs` workers (a file over
  /// `pieceBytes` cut into pieces that long), without its inputs and with
  /// the input's name (in the malformed lines' places) as "input".
  static func report(_ path: String, jobs: Int, pieceBytes: Int64) throws -> [String: Any] {
    let result = summarize([path]) {
      $0.jobs = jobs
      $0.splitThreshold = pieceBytes
      $0.maxPieceSize = pieceBytes
    }
    let json = summaryJSON(result).replacingOccurrences(of: path, with: "input")
    var object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    object["inputs"] = nil
    return object
  }

  static func text(_ object: [String: Any]) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
  }

  /// A generated log read plain, in Docker's json-file lines and in CRI
  /// lines gives the same report (but for the input's name and size).
  @Test func aWrappedLogGivesTheReportOfTheLog() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let lines = Self.generatedLines(seed: 41, bytes: 400_000)
    let plain = writeTemporaryFile(Array(lines.map { $0 + "\n" }.joined().utf8), name: "plain.jsonl", in: directory)
    let docker = writeTemporaryFile(
      Array(lines.map { Self.docker($0) + "\n" }.joined().utf8), name: "docker.log", in: directory)
    let cri = writeTemporaryFile(
      Array(lines.map { Self.cri($0) + "\n" }.joined().utf8), name: "cri.log", in: directory)
    func report(_ path: String, jobs: Int) throws -> String {
      try Self.text(Self.report(path, jobs: jobs, pieceBytes: 64 << 10))
    }
    let expected = try report(plain, jobs: 1)
    #expect(!expected.contains("\"malformed\":0,"), "the log has malformed lines")
    for path in [docker, cri] {
      for jobs in [1, 2] { #expect(try report(path, jobs: jobs) == expected, "\(path), \(jobs) jobs") }
    }
  }

  /// Lines over 16 KiB, which runtimes cut into pieces, are read joined:
  /// the report is the plain log's, but for the pieces after each line's
  /// first, counted as skipped (`continuation`), whether the file is read
  /// by one worker or cut into pieces for two (never inside a long line).
  @Test func longLinesCutIntoPiecesAreReadJoined() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    // Every 20th line gets a field of 20-60 KB in front (malformed lines
    // stay malformed).
    let lines = Self.generatedLines(seed: 43, bytes: 300_000).enumerated().map { k, line in
      k % 20 == 7
        ? "{\"blob\":\"" + String(repeating: "ab", count: 10_000 + 1_000 * (k % 21)) + "\"," + line.dropFirst()
        : String(line)
    }
    let long = lines.filter { $0.utf8.count >= 16_384 }
    #expect(long.count > 20)
    let plain = writeTemporaryFile(Array(lines.map { $0 + "\n" }.joined().utf8), name: "plain.jsonl", in: directory)
    let docker = writeTemporaryFile(
      Array(lines.flatMap { Self.pieces($0, docker: true) }.map { $0 + "\n" }.joined().utf8), name: "docker.log",
      in: directory)
    let cri = writeTemporaryFile(
      Array(lines.flatMap { Self.pieces($0, docker: false) }.map { $0 + "\n" }.joined().utf8), name: "cri.log",
      in: directory)
    let continuations = long.map { ($0.utf8.count + 1 + 16_383) / 16_384 - 1 }.reduce(0, +)
    func report(_ path: String, jobs: Int) throws -> (lines: [String: Any], rest: String) {
      var object = try Self.report(path, jobs: jobs, pieceBytes: 32 << 10)
      let lines = try #require(object.removeValue(forKey: "lines") as? [String: Any])
      return (lines, try Self.text(object))
    }
    let expected = try report(plain, jobs: 1)
    let read = try #require(expected.lines["read"] as? Int)
    for path in [docker, cri] {
      for jobs in [1, 2] {
        let (lines, rest) = try report(path, jobs: jobs)
        #expect(rest == expected.rest, "\(path), \(jobs) jobs")
        #expect(lines["read"] as? Int == read + continuations, "\(path), \(jobs) jobs")
        #expect(lines["parsed"] as? Int == expected.lines["parsed"] as? Int, "\(path), \(jobs) jobs")
        #expect(lines["malformed"] as? Int == expected.lines["malformed"] as? Int, "\(path), \(jobs) jobs")
        #expect(
          (lines["skippedByReason"] as? [String: Int])?["continuation"] == continuations, "\(path), \(jobs) jobs")
      }
    }
  }

  /// A Docker value without its newline is a piece only when it is as
  /// long as Docker's pieces: a short one is a last line written without
  /// a newline, read on its own.
  @Test func aShortDockerValueWithoutItsNewlineIsALine() {
    let text =
      #"{"log":"{\"a\":1}","stream":"stdout","time":"2026-02-07T10:00:00Z"}"# + "\n"
      + Self.docker(#"{"b":2}"#) + "\n"
    let sink = split(Array(text.utf8), chunkSize: 1 << 20, unwrapsContainerLines: true)
    #expect(sink.lines == [Array(#"{"a":1}"#.utf8), Array(#"{"b":2}"#.utf8)])
    #expect(sink.continued == 0)
  }

  /// Pieces no piece ends are not lost: they are a line of their own
  /// before the next line, or at the end of the input.
  @Test func piecesNoPieceEndsAreALineOfTheirOwn() {
    let text =
      Self.cri("{\"a\":", tag: "P") + "\n" + Self.cri("1", tag: "P") + "\n" + "{\"b\":2}\n"
      + Self.cri("{\"c\":", tag: "P") + "\n"
    for chunkSize in [3, 1 << 20] {
      let sink = split(Array(text.utf8), chunkSize: chunkSize, unwrapsContainerLines: true)
      #expect(sink.lines == [Array("{\"a\":1".utf8), Array("{\"b\":2}".utf8), Array("{\"c\":".utf8)])
      #expect(sink.numbers == [1, 3, 4])
      #expect(sink.continued == 1)
    }
  }
}
