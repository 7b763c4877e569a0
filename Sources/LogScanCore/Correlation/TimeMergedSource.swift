#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The lines of several inputs, merged by event time into one stream: what
/// follows requests across files of the same period (one per service), whose
/// parts the summary's per-input joining cannot meet (see
/// `SummaryScan.followAcrossInputs`).
///
/// Each input is read line by line; the next line out is the earliest among
/// the inputs' current lines (the first input's among equals). A line
/// without a timestamp (or not an event) takes its input's last time, so it
/// stays among its neighbours. Lines longer than `maxLineBytes` are left
/// out: the first pass counted them as skipped.
package final class TimeMergedSource: ByteSource {
  private final class Input {
    let source: any ByteSource
    /// Grows to `limit` bytes for a long line: many inputs each start small.
    var buffer: UnsafeMutableRawBufferPointer
    let limit: Int
    /// Unread bytes are `start..<end`; the current line is `start..<lineEnd`.
    var start = 0
    var end = 0
    var lineEnd = -1
    var exhausted = false
    /// Dropping an overlong line up to its newline.
    var skipping = false
    var time = Int64.min
    var lastTime = Int64.min
    var extractor: EventExtractor
    var formats: FormatTracker

    init(source: any ByteSource, limit: Int, formats catalog: FormatCatalog) {
      self.source = source
      self.limit = limit
      buffer = .allocate(byteCount: min(limit, 64 << 10), alignment: 64)
      extractor = EventExtractor(table: catalog.tables[catalog.fallbackIndex])
      formats = FormatTracker(catalog)
    }

    deinit { buffer.deallocate() }

    var hasLine: Bool { lineEnd >= 0 }

    /// Moves to the next line (none when the input is done).
    func advance() throws(ReaderError) {
      lineEnd = -1
      while true {
        let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        if start < end, let newline = memchr(base + start, 0x0A, end - start) {
          let at = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
          if skipping {
            skipping = false
            start = at + 1
            continue
          }
          lineEnd = at
          stamp()
          return
        }
        if exhausted {
          if start < end && !skipping {
            lineEnd = end
            stamp()
          }
          return
        }
        // Keep the partial line, then read more after it.
        if start > 0 {
          if end > start {
            (buffer.baseAddress! + 0).copyMemory(from: buffer.baseAddress! + start, byteCount: end - start)
          }
          end -= start
          start = 0
        }
        if end == buffer.count {
          if buffer.count < limit {
            let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: min(limit, buffer.count * 2), alignment: 64)
            grown.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end)
            buffer.deallocate()
            buffer = grown
          } else {
            // Longer than any line kept: dropped to its newline.
            skipping = true
            start = 0
            end = 0
          }
        }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
        if n == 0 { exhausted = true } else { end += n }
      }
    }

    private func stamp() {
      let line = UnsafeRawBufferPointer(rebasing: buffer[start..<lineEnd])
      if case (.event(let event), _) = formats.extract(line, with: &extractor), let timestamp = event.timestamp {
        lastTime = timestamp
      }
      time = lastTime
    }
  }

  private let inputs: [Input]

  /// `sources`: the inputs' decoded bytes, in the order given.
  package init(sources: [any ByteSource], formats: FormatCatalog, maxLineBytes: Int) throws(ReaderError) {
    inputs = sources.map { Input(source: $0, limit: maxLineBytes + 1, formats: formats) }
    for input in inputs { try input.advance() }
  }

  package var consumedBytes: Int64 { inputs.reduce(0) { $0 + $1.source.consumedBytes } }

  package func read(into out: UnsafeMutableRawBufferPointer) throws(ReaderError) -> Int {
    var written = 0
    while true {
      var next: Input?
      for input in inputs where input.hasLine && (next == nil || input.time < next!.time) { next = input }
      guard let input = next else { return written }
      let length = input.lineEnd - input.start
      if length + 1 > out.count - written {
        if written > 0 { return written }
        // A line the reader's chunk cannot hold: left out.
        input.start = min(input.lineEnd + 1, input.end)
        try input.advance()
        continue
      }
      (out.baseAddress! + written).copyMemory(from: input.buffer.baseAddress! + input.start, byteCount: length)
      out[written + length] = 0x0A
      written += length + 1
      input.start = min(input.lineEnd + 1, input.end)
      try input.advance()
    }
  }
}
