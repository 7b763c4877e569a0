/// What the parse-ahead thread found in one line: the scanner's outcome and
/// captures, for the sink to take instead of scanning again, and the decoded
/// event when that thread had time to decode it too (else the sink decodes
/// the captured values itself: `EventExtractor.decode`).
package struct PrescannedLine {
  package var outcome: JSONScanner.Outcome
  /// The line's outcome with its values decoded, when the parse-ahead
  /// thread decoded them.
  package var decoded: EventExtractor.Outcome?
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
    var decoded: EventExtractor.Outcome?
    var format: Int
    var found: UInt32
    var invalidUTF8: Bool
    var firstCapture: Int
    /// Not a line: this many lines continued the one before
    /// (`LineSink.continuedLines`).
    var continued = 0
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

  /// The input lines the batch holds (an entry of `continued` lines
  /// stands for that many).
  var inputLines: Int { lines.reduce(0) { $0 + ($1.continued > 0 ? $1.continued : 1) } }

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
          if line.continued > 0 {
            sink.continuedLines(line.continued)
            continue
          }
          if line.overlong {
            sink.overlongLine(number: line.number)
            continue
          }
          let scan = PrescannedLine(
            outcome: line.outcome, decoded: line.decoded, format: line.format, found: line.found,
            invalidUTF8: line.invalidUTF8, captures: captures.baseAddress.map { $0 + line.firstCapture })
          sink.prescannedLine(
            UnsafeRawBufferPointer(rebasing: arena[line.start..<(line.start + line.length)]), number: line.number,
            scan)
        }
      }
    }
  }
}

/// Where the values of a parse-ahead thread's lines are decoded.
package enum ParseAheadDecoding: Sendable, CaseIterable {
  /// On the parse-ahead thread while it is the faster one (see
  /// `BatchingSink`), else on the counting thread.
  case adaptive
  /// Always on the parse-ahead thread.
  case ahead
  /// Always on the counting thread.
  case behind
}

/// The parse-ahead thread's line sink: scans each line with its own format
/// tracker and scanner (the sink's catalog) and files it. The values are
/// decoded by the sink, on the counting thread, unless that thread is the
/// slower one: when the last hand-off had to wait for an empty batch, the
/// lines of the next batch are decoded here as well. The batch being
/// filled is held in plain arrays here, moved into a `ParsedBatch` when
/// handed off (appending through a class's properties cost an exclusivity
/// check and a uniqueness check per line).
struct BatchingSink: LineSink, ~Copyable {
  var tracker: FormatTracker
  var extractor: EventExtractor
  let decoding: ParseAheadDecoding
  /// Decodes each line's values too (see above).
  var decodesAhead: Bool
  var bytes: [UInt8] = []
  var lines: [ParsedBatch.Line] = []
  var captures: [Capture] = []
  /// Gives a full batch to the consumer and returns an empty one, or nil
  /// when the consumer is gone.
  let handOff: (ParsedBatch) -> (batch: ParsedBatch, waited: Bool)?
  /// The empty batch the next hand-off fills.
  var spare: ParsedBatch
  private(set) var cancelled = false

  init(
    formats: FormatCatalog, spare: ParsedBatch, decoding: ParseAheadDecoding = .adaptive,
    handOff: @escaping (ParsedBatch) -> (batch: ParsedBatch, waited: Bool)?
  ) {
    self.decoding = decoding
    decodesAhead = decoding == .ahead
    tracker = FormatTracker(formats)
    extractor = EventExtractor(table: formats.tables[formats.fallbackIndex])
    self.spare = spare
    self.handOff = handOff
    swap(&bytes, &spare.bytes)
    swap(&lines, &spare.lines)
    swap(&captures, &spare.captures)
  }

  private var isFull: Bool { bytes.count >= ParsedBatch.maxBytes || lines.count >= ParsedBatch.maxLines }

  mutating func line(_ line: UnsafeRawBufferPointer, number: Int) {
    guard !cancelled else { return }
    let (outcome, format) = tracker.scan(line, with: &extractor.scanner)
    let first = captures.count
    var found: UInt32 = 0
    var decoded: EventExtractor.Outcome?
    if outcome == .object {
      if decodesAhead { decoded = extractor.decode(line) }
      found = extractor.scanner.found
      let all = extractor.scanner.allCaptures
      var bits = found
      while bits != 0 {
        captures.append(all[bits.trailingZeroBitCount])
        bits &= bits &- 1
      }
    }
    lines.append(
      ParsedBatch.Line(
        start: bytes.count, length: line.count, number: number, overlong: false, outcome: outcome,
        decoded: decoded, format: format, found: found,
        invalidUTF8: extractor.scanner.sawInvalidUTF8, firstCapture: first))
    bytes.append(contentsOf: line)
    if isFull { flush() }
  }

  mutating func overlongLine(number: Int) {
    guard !cancelled else { return }
    lines.append(
      ParsedBatch.Line(
        start: bytes.count, length: 0, number: number, overlong: true, outcome: .blank, decoded: nil, format: 0,
        found: 0,
        invalidUTF8: false, firstCapture: captures.count))
    if isFull { flush() }
  }

  mutating func continuedLines(_ count: Int) {
    guard !cancelled else { return }
    lines.append(
      ParsedBatch.Line(
        start: bytes.count, length: 0, number: 0, overlong: false, outcome: .blank, decoded: nil, format: 0, found: 0,
        invalidUTF8: false, firstCapture: captures.count, continued: count))
    if isFull { flush() }
  }

  /// Hands the lines so far on (nothing when there are none).
  mutating func flush() {
    guard !cancelled, !lines.isEmpty else { return }
    let full = spare
    swap(&bytes, &full.bytes)
    swap(&lines, &full.lines)
    swap(&captures, &full.captures)
    guard let (next, waited) = handOff(full) else {
      cancelled = true
      return
    }
    if decoding == .adaptive { decodesAhead = waited }
    spare = next
    swap(&bytes, &spare.bytes)
    swap(&lines, &spare.lines)
    swap(&captures, &spare.captures)
  }
}

/// The hand-off between a parse-ahead thread and the thread that counts:
/// `batches` batches go round, filled by the producer and handed back empty
/// by the consumer, so memory stays bounded and lines stay in order. What
/// the producer reports at the end (an error, a count) is set under the same
/// lock, with `finish`.
final class BatchQueue: @unchecked Sendable {
  private let lock = ConditionLock()
  private var free: [ParsedBatch]
  private var filled: [ParsedBatch] = []
  /// The producer has handed on everything it will.
  private var finished = false
  /// The consumer takes no more batches.
  private var abandoned = false
  /// The batch the consumer holds, handed back by its next `take`.
  private var current: ParsedBatch?

  init(batches: Int) { free = (0..<max(2, batches)).map { _ in ParsedBatch() } }

  /// Runs `body` under the queue's lock (for the owner's own shared state).
  func withLock<T>(_ body: () -> T) -> T { lock.withLock(body) }

  // The producer's side.

  /// The first batch to fill.
  func firstFree() -> ParsedBatch { lock.withLock { free.removeLast() } }

  /// Hands a full batch on and returns an empty one, waiting for the
  /// consumer to hand one back (`waited`: the consumer is the slower);
  /// nil when the consumer is gone.
  func handOff(_ full: ParsedBatch) -> (batch: ParsedBatch, waited: Bool)? {
    lock.withLock {
      filled.append(full)
      lock.broadcast()
      let waited = free.isEmpty
      while free.isEmpty && !abandoned { lock.wait() }
      return abandoned ? nil : (free.removeLast(), waited)
    }
  }

  /// Says that no more batches come; `report` runs under the lock first.
  func finish(_ report: () -> Void = {}) {
    lock.withLock {
      report()
      finished = true
      lock.broadcast()
    }
  }

  // The consumer's side.

  /// Hands back the batch taken last and takes the next one (valid until
  /// the next call): waiting for it, at most `waiting` seconds when given;
  /// nil when none came, or none will (`isDrained`).
  func take(waiting: Double? = nil) -> ParsedBatch? {
    let released = current
    current = nil
    released?.reset()
    let next: ParsedBatch? = lock.withLock {
      if let released {
        free.append(released)
        lock.broadcast()
      }
      if let waiting {
        if filled.isEmpty && !finished && waiting > 0 { lock.wait(seconds: waiting) }
      } else {
        while filled.isEmpty && !finished { lock.wait() }
      }
      return filled.isEmpty ? nil : filled.removeFirst()
    }
    current = next
    return next
  }

  /// Every batch the producer made was taken, and it made its last.
  var isDrained: Bool { lock.withLock { finished && filled.isEmpty } }

  /// The consumer takes no more: a producer waiting for an empty batch
  /// gets nil and stops.
  func abandon() {
    lock.withLock {
      abandoned = true
      lock.broadcast()
    }
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
  /// What the producer reports at the end (under the queue's lock).
  private final class Outcome: @unchecked Sendable {
    var failure: ReaderError?
    var lineCount = 0
  }

  private let queue: BatchQueue
  private let outcome = Outcome()
  private var thread: WorkerThread?

  init(
    source: any ByteSource, formats: FormatCatalog, maxLineBytes: Int, chunkSize: Int, progress: ProgressCounter?,
    decoding: ParseAheadDecoding = .adaptive, unwrapsContainerLines: Bool = false, batches: Int = 3
  ) {
    let queue = BatchQueue(batches: batches)
    let outcome = self.outcome
    self.queue = queue
    let transfer = UnsafeTransfer(source)
    thread = WorkerThread {
      Self.produce(
        source: transfer.value, formats: formats, maxLineBytes: maxLineBytes, chunkSize: chunkSize,
        progress: progress, decoding: decoding, unwrapsContainerLines: unwrapsContainerLines, queue: queue,
        outcome: outcome)
    }
  }

  deinit {
    queue.abandon()
    thread?.join()
  }

  /// Lines split, once `nextBatch` returned nil or threw.
  var lineCount: Int { queue.withLock { outcome.lineCount } }

  private static func produce(
    source: any ByteSource, formats: FormatCatalog, maxLineBytes: Int, chunkSize: Int, progress: ProgressCounter?,
    decoding: ParseAheadDecoding, unwrapsContainerLines: Bool, queue: BatchQueue, outcome: Outcome
  ) {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 64)
    defer { buffer.deallocate() }
    var sink = BatchingSink(formats: formats, spare: queue.firstFree(), decoding: decoding, handOff: queue.handOff)
    var splitter = LineSplitter(maxLineBytes: maxLineBytes, unwrapsContainerLines: unwrapsContainerLines)
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
    let lineCount = splitter.lineCount
    queue.finish {
      outcome.lineCount = lineCount
      outcome.failure = failure
    }
  }

  /// The next batch (valid until the next call), nil at the end; the
  /// source's error once every line read before it was handed out.
  func nextBatch() throws(ReaderError) -> ParsedBatch? {
    if let next = queue.take() { return next }
    if let failure = queue.withLock({ outcome.failure }) { throw failure }
    return nil
  }
}
