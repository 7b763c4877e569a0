import LogScanCore
import Testing

/// The obvious reference: split on \n, drop a trailing empty piece, strip \r.
func referenceLines(_ data: [UInt8]) -> [[UInt8]] {
  var pieces = data.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
  if data.last == 0x0A || data.isEmpty { pieces.removeLast() }
  return pieces.map { $0.last == 0x0D ? Array($0.dropLast()) : $0 }
}

func split(
  _ data: [UInt8], chunkSize: Int, maxLineBytes: Int = 1 << 20, unwrapsContainerLines: Bool = false
) -> CollectingSink {
  var splitter = LineSplitter(maxLineBytes: maxLineBytes, unwrapsContainerLines: unwrapsContainerLines)
  var sink = CollectingSink()
  var offset = 0
  data.withUnsafeBytes { bytes in
    while offset < bytes.count {
      let end = min(offset + chunkSize, bytes.count)
      splitter.feed(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), into: &sink)
      offset = end
    }
  }
  splitter.finish(into: &sink)
  return sink
}

@Suite struct LineSplitterTests {
  static let sample: [UInt8] = {
    var text = "first line\nsecond\r\n\n\r\nfourth has \"quotes\" and {braces}\n"
    for k in 0..<200 { text += String(repeating: "x", count: k % 37) + "\n" }
    text += "last line without newline"
    return Array(text)
  }()

  @Test(arguments: [1, 2, 3, 7, 16, 64, 100, 4096, 1 << 20])
  func matchesReferenceAtEveryChunkSize(chunkSize: Int) {
    let sink = split(Self.sample, chunkSize: chunkSize)
    #expect(sink.lines == referenceLines(Self.sample))
    #expect(sink.numbers == Array(1...sink.numbers.count))
  }

  @Test(arguments: [1, 5, 13, 1000])
  func overlongLinesAreCountedAndSkipped(chunkSize: Int) {
    let long = String(repeating: "y", count: 300)
    let data = Array("short\n\(long)\nafter\n\(long)")
    let sink = split(data, chunkSize: chunkSize, maxLineBytes: 100)
    #expect(sink.lines == [Array("short"), Array("after")])
    #expect(sink.overlong == [2, 4])
    #expect(sink.numbers == [1, 2, 3, 4])
  }

  @Test func lineExactlyAtTheLimitIsKept() {
    let data = Array(String(repeating: "z", count: 100) + "\r\n" + String(repeating: "z", count: 101) + "\n")
    for chunkSize in [1, 7, 50, 1000] {
      let sink = split(data, chunkSize: chunkSize, maxLineBytes: 100)
      #expect(sink.lines == [Array(String(repeating: "z", count: 100))])
      #expect(sink.overlong == [2])
    }
  }

  @Test func emptyInputHasNoLines() {
    #expect(split([], chunkSize: 10).numbers.isEmpty)
    #expect(split(Array("\n"), chunkSize: 10).lines == [[]])
  }
}
