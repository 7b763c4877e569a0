/// What the parse-ahead thread found in one line: the scanner's outcome and
/// captures, for the sink to take instead of scanning again (it decodes the
/// captured values itself: `EventExtractor.decode`).
package struct PrescannedLine {
  package var outcome: JSONScanner.Outcome
  /// The line's format, an index into the sink's catalog.
  package var format: Int
  /// The scanner's state after the line (see `JSONScanner.load`).
  package var found: UInt32
  package var invalidUTF8: Bool
  /// The captures of the `found` fields, in field order.
  package var captures: UnsafePointer<Capture>?
}

/// Lines split and scanned by the parse-ahead thread, waiting for the sink:
/// their bytes (copied out of the decoded chunks), outcomes and captures.
final class ParsedBatch: @unchecked Sendable {
  struct Line {
    var start: Int
    var length: Int
    var number: Int
    /// Longer than the limit: no bytes, no outcome.
    var overlong: Bool
    var outcome: JSONScanner.Outcome
    var format: Int
    var found: UInt32
    var invalidUTF8: Bool
    var firstCapture: Int
  }

  static let maxBytes = 1 << 20
  static let maxLines = 16_384

  var bytes: [UInt8] = []
  var lines: [Line] = []
  var captures: [Capture] = []

  init() {
    bytes.reserveCapacity(Self.maxBytes + 4096)
    lines.reserveCapacity(Self.maxLines)
  }

  func reset() {
    bytes.removeAll(keepingCapacity: true)
    lines.removeAll(keepingCapacity: true)
    captures.removeAll(keepingCapacity: true)
  }

  /// Hands each line to `sink`, in order.
  func deliver<Sink: ScanSink & ~Copyable>(into sink: inout Sink) {
    bytes.withUnsafeBytes { arena in
      captures.withUnsafeBufferPointer { captures in
        for line in lines {
          if line.overlong {
            sink.overlongLine(number: line.number)
            continue
          }
          let scan = PrescannedLine(
            outcome: line.outcome, format: line.format, found: line.found,
            invalidUTF8: line.invalidUTF8, captures: captures.baseAddress.map { $0 + line.firstCapture })
          sink.prescannedLine(
            UnsafeRawBufferPointer(rebasing: arena[line.start..<(line.start + line.length)]), number: line.number,
            scan)
        }
      }
    }
  }
}

/// The parse-ahead thread's line sink: scans each line with its own format
/// tracker and scanner (the sink's catalog) and files it; the values are
/// decoded by the sink, on the counting thread. The batch being
/// filled is held in plain arrays here, moved into a `ParsedBatch` when
/// handed off (appending through a class's properties cost an exclusivity
/// check and a uniqueness check per line).
struct BatchingSink: LineSink, ~Copyable {
  var tracker: FormatTracker
  var scanner: JSONScanner
  var bytes: [UInt8] = []
  var lines: [ParsedBatch.Line] = []
  var captures: [Capture] = []
  /// Gives a full batch to the consumer and returns an empty one, or nil
  /// when the consumer is gone.
  let handOff: (ParsedBatch) -> ParsedBatch?
  /// The empty batch the next hand-off fills.
  var spare: ParsedBatch
  private(set) var cancelled = false

  init(formats: FormatCatalog, spare: ParsedBatch, handOff: @escaping (ParsedBatch) -> ParsedBatch?) {
    tracker = FormatTracker(formats)
    scanner = JSONScanner(frozen: formats.tables[formats.fallbackIndex])
    self.spare = spare
    self.handOff = handOff
    swap(&bytes, &spare.bytes)
    swap(&lines, &spare.lines)
    swap(&captures, &spare.captures)
  }

  private var isFull: Bool { bytes.count >= ParsedBatch.maxBytes || lines.count >= ParsedBatch.maxLines }

  mutating func line(_ line: UnsafeRawBufferPointer, number: Int) {
    guard !cancelled else { return }
    let (outcome, format) = tracker.scan(line, with: &scanner)
    let first = captures.count
    var found: UInt32 = 0
    if outcome == .object {
      found = scanner.found
      let all = scanner.allCaptures
      var bits = found
      while bits != 0 {
        captures.append(all[bits.trailingZeroBitCount])
        bits &= bits &- 1
      }
    }
    lines.append(
      ParsedBatch.Line(
        start: bytes.count, length: line.count, number: number, overlong: false, outcome: outcome,
        format: format, found: found,
        invalidUTF8: scanner.sawInvalidUTF8, firstCapture: first))
    bytes.append(contentsOf: line)
    if isFull { flush() }
  }

  mutating func overlongLine(number: Int) {
    guard !cancelled else { return }
    lines.append(
      ParsedBatch.Line(
        start: bytes.count, length: 0, number: number, overlong: true, outcome: .blank, format: 0, found: 0,
        invalidUTF8: false, firstCapture: captures.count))
    if isFull { flush() }
  }

  /// Hands the lines so far on (nothing when there are none).
  mutating func flush() {
    guard !cancelled, !lines.isEmpty else { return }
    let full = spare
    swap(&bytes, &full.bytes)
    swap(&lines, &full.lines)
    swap(&captures, &full.captures)
    guard let next = handOff(full) else {
      cancelled = true
      return
    }
    spare = next
    swap(&bytes, &spare.bytes)
    swap(&lines, &spare.lines)
    swap(&captures, &spare.captures)
  }
}

/// Reads (and decompresses) a source, splits it into lines and scans them on
/// its own thread, a few batches ahead of the sink: a compressed file or a
/// stream is then parsed on one core and counted on the other, instead of
/// decoded on one and parsed and counted on the other (which left the
/// decoder's core mostly idle). Lines reach the sink in order, exactly as
/// the sink would have read them itself; memory is bounded by `batches`
/// batches of about 1 MiB of lines each.
final class ParseAheadReader {
  private final class Shared: @unchecked Sendable {
    let lock = ConditionLock()
    var free: [ParsedBatch]
    var filled: [ParsedBatch] = []
    var finished = false
    var failure: ReaderError?
    var cancelled = false
    var lineCount = 0

    init(batches: Int) { free = (0..<batches).map { _ in ParsedBatch() } }
  }

  private let shared: Shared
  private var thread: WorkerThread?
  private var current: ParsedBatch?

  init(
    source: any ByteSource, formats: FormatCatalog, maxLineBytes: Int, chunkSize: Int, progress: ProgressCounter?,
    batches: Int = 3
  ) {
    let shared = Shared(batches: max(2, batches))
    self.shared = shared
    let transfer = UnsafeTransfer(source)
    thread = WorkerThread {
      Self.produce(
        source: transfer.value, formats: formats, maxLineBytes: maxLineBytes, chunkSize: chunkSize,
        progress: progress, shared: shared)
    }
  }

  deinit {
    shared.lock.withLock {
      shared.cancelled = true
      shared.lock.broadcast()
    }
    thread?.join()
  }

  /// Lines split, once `nextBatch` returned nil or threw.
  var lineCount: Int { shared.lock.withLock { shared.lineCount } }

  private static func produce(
    source: any ByteSource, formats: FormatCatalog, maxLineBytes: Int, chunkSize: Int, progress: ProgressCounter?,
    shared: Shared
  ) {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 64)
    defer { buffer.deallocate() }
    let first = shared.lock.withLock { shared.free.removeLast() }
    var sink = BatchingSink(formats: formats, spare: first) { full in
      shared.lock.withLock {
        shared.filled.append(full)
        shared.lock.broadcast()
        while shared.free.isEmpty && !shared.cancelled { shared.lock.wait() }
        return shared.cancelled ? nil : shared.free.removeLast()
      }
    }
    var splitter = LineSplitter(maxLineBytes: maxLineBytes)
    var failure: ReaderError?
    var reported: Int64 = 0
    do throws(ReaderError) {
      while !sink.cancelled {
        let n = try source.read(into: buffer)
        if let progress {
          let now = source.consumedBytes
          progress.add(now - reported)
          reported = now
        }
        if n == 0 { break }
        splitter.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), into: &sink)
      }
    } catch {
      failure = error
    }
    // What was read before a fault still counts, the last partial line too.
    if !sink.cancelled {
      splitter.finish(into: &sink)
      sink.flush()
    }
    shared.lock.withLock {
      shared.lineCount = splitter.lineCount
      shared.failure = failure
      shared.finished = true
      shared.lock.broadcast()
    }
  }

  /// The next batch (valid until the next call), nil at the end; the
  /// source's error once every line read before it was handed out.
  func nextBatch() throws(ReaderError) -> ParsedBatch? {
    let shared = self.shared
    let released = current
    current = nil
    let next: ParsedBatch? = shared.lock.withLock {
      if let released {
        released.reset()
        shared.free.append(released)
        shared.lock.broadcast()
      }
      while shared.filled.isEmpty && !shared.finished { shared.lock.wait() }
      return shared.filled.isEmpty ? nil : shared.filled.removeFirst()
    }
    guard let next else {
      if let failure = shared.lock.withLock({ shared.failure }) { throw failure }
      return nil
    }
    current = next
    return next
  }
}
