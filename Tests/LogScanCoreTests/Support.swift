import Foundation
import LogScanCore

/// The repository's fixtures/ folder.
let fixturesDirectory: URL = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("fixtures")

func fixture(_ name: String) -> String { fixturesDirectory.appendingPathComponent(name).path }

/// A fresh temporary directory, removed by the caller with `removeTemporary`.
func makeTemporaryDirectory() -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent(
    "logscan-tests-\(UUID().uuidString)")
  try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Writes bytes to a temporary file and returns its path.
func writeTemporaryFile(_ bytes: [UInt8], name: String = "input.jsonl", in directory: URL) -> String {
  let url = directory.appendingPathComponent(name)
  try! Data(bytes).write(to: url)
  return url.path
}

/// Runs the summary over files with the given options.
func summarize(_ paths: [String], configure: (inout ScanOptions) -> Void = { _ in }) -> SummaryResult {
  var options = ScanOptions()
  options.correlation = CorrelationSettings()
  configure(&options)
  return SummaryScan.run(InputPlan.make(paths: paths, options: options), options: options)
}

/// The JSON report of a summary, as text.
func summaryJSON(_ result: SummaryResult) -> String {
  SummaryReport(result).json.rendered()
}

/// Collects the lines a splitter hands out.
struct CollectingSink: LineSink {
  var lines: [[UInt8]] = []
  var overlong: [Int] = []
  var numbers: [Int] = []

  mutating func line(_ bytes: UnsafeRawBufferPointer, number: Int) {
    lines.append(Array(bytes))
    numbers.append(number)
  }

  mutating func overlongLine(number: Int) {
    overlong.append(number)
    numbers.append(number)
  }

  var continued = 0
  mutating func continuedLines(_ count: Int) { continued += count }
}

extension Array where Element == UInt8 {
  init(_ text: String) { self = Array(text.utf8) }
}

/// Bytes in memory as a `ByteSource`, handed out in reads of at most 7
/// bytes (so that lines arrive in pieces).
final class MemorySource: ByteSource {
  private let bytes: [UInt8]
  private var offset = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  var consumedBytes: Int64 { Int64(offset) }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(ReaderError) -> Int {
    let n = min(7, buffer.count, bytes.count - offset)
    for k in 0..<n { buffer[k] = bytes[offset + k] }
    offset += n
    return n
  }
}
