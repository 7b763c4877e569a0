import LogScanCore

/// libFuzzer entry point: every input is split into lines and counted by the
/// summary's sink, as `logscan summary` would. Checks that nothing crashes or
/// hangs and that the line accounting always adds up.
///
///     swift build --product FuzzParser --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address
///     .build/debug/FuzzParser -max_len=4096 fixtures/   (see docs/fuzzing.md)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = UnsafeRawBufferPointer(start: data, count: size)
  var sink = SummarySink(formats: .standard, limits: SummaryLimits())
  var splitter = LineSplitter(maxLineBytes: 512)
  // Two chunks, so lines straddling a chunk boundary are exercised too.
  let cut = size / 3
  splitter.feed(UnsafeRawBufferPointer(rebasing: bytes[0..<cut]), into: &sink)
  splitter.feed(UnsafeRawBufferPointer(rebasing: bytes[cut...]), into: &sink)
  splitter.finish(into: &sink)
  let lines = sink.shard.lines
  precondition(lines.read == lines.parsed + lines.malformedTotal + lines.skippedTotal, "lines do not add up")
  precondition(lines.read == splitter.lineCount, "a line was not counted")
  // The report must build from anything (it is slow to build: every few
  // inputs only).
  if size % 16 == 0 {
    let result = SummaryResult(shard: sink.shard, inputs: [InputInfo(name: "fuzz")], examples: [])
    _ = SummaryReport(result).json.rendered()
  }
  return 0
}
