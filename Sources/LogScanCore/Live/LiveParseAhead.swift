/// Standard input for `logscan watch`, read, split into lines and scanned on
/// its own thread, a few batches ahead of the session that counts them (as
/// `ParseAheadReader` does for `summary -`): a fast pipe is then parsed on
/// one core and counted on the other. Lines are handed on as soon as the
/// input pauses, so a live view sees them at once; a partial line that
/// waits longer than the stall time for its newline is handed on as it is.
package final class LiveParseAhead {
  /// The reader's state shared with the session (under the queue's lock).
  private final class Shared: @unchecked Sendable {
    /// The session asked the reader to stop reading.
    var stop = false
    var failure: String?
    var format = InputFormat.plain
  }

  /// What `next` found.
  package enum Next: Equatable {
    /// Lines were counted into the session.
    case lines
    /// Nothing arrived within the wait.
    case nothing
    /// The input ended and every line read was counted.
    case end
  }

  private let queue: BatchQueue
  private let shared = Shared()
  private let thread: WorkerThread
  private var joined = false

  /// Starts reading standard input; lines are scanned with `formats` (the
  /// session's, `LiveSession.parseAheadFormats`).
  package init(formats: FormatCatalog, maxLineBytes: Int, stall: Double, batches: Int = 4) {
    let queue = BatchQueue(batches: batches)
    let shared = self.shared
    self.queue = queue
    thread = WorkerThread {
      Self.produce(formats: formats, maxLineBytes: maxLineBytes, stall: stall, queue: queue, shared: shared)
    }
  }

  deinit {
    queue.withLock { shared.stop = true }
    queue.abandon()
    // Not joined when the reader may be blocked in a read (see `stop`).
    if !joined && queue.isDrained { thread.join() }
  }

  /// What standard input turned out to be (plain, zstd, gzip).
  package var format: InputFormat { queue.withLock { shared.format } }
  /// Why the reading stopped early, if it did.
  package var failure: String? { queue.withLock { shared.failure } }

  /// Waits at most `waiting` seconds for lines and counts them into `session`.
  package func next(waiting: Double, into session: LiveSession) -> Next {
    guard let batch = queue.take(waiting: waiting) else { return queue.isDrained ? .end : .nothing }
    session.deliver(batch)
    return .lines
  }

  /// Asks the reader to stop and counts what it hands on within `grace`
  /// seconds: the lines read so far and a partial last line. A reader
  /// blocked in a read of a compressed stream that sends nothing is left
  /// behind (the process is about to end).
  package func stop(grace: Double, into session: LiveSession) {
    queue.withLock { shared.stop = true }
    let deadline = monotonicSeconds() + grace
    while true {
      if let batch = queue.take(waiting: max(0, min(0.05, deadline - monotonicSeconds()))) {
        session.deliver(batch)
        continue
      }
      if queue.isDrained {
        thread.join()
        joined = true
        return
      }
      if monotonicSeconds() >= deadline {
        queue.abandon()
        return
      }
    }
  }

  private static func produce(
    formats: FormatCatalog, maxLineBytes: Int, stall: Double, queue: BatchQueue, shared: Shared
  ) {
    var reader = StandardInputReader()
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
    defer { buffer.deallocate() }
    var sink = BatchingSink(formats: formats, spare: queue.firstFree(), handOff: queue.handOff)
    var splitter = LineSplitter(maxLineBytes: maxLineBytes, unwrapsContainerLines: true)
    var failure: String?
    var lastData = monotonicSeconds()
    var partialPending = false
    reading: while !sink.cancelled && !queue.withLock({ shared.stop }) {
      switch reader.read(into: buffer, waiting: 0.1) {
      case .data(let count, _):
        splitter.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), into: &sink)
        lastData = monotonicSeconds()
        partialPending = true
        // The input paused: what came is shown now, not when a batch fills.
        if count < buffer.count { sink.flush() }
      case .nothing:
        if partialPending && monotonicSeconds() - lastData >= stall {
          splitter.finish(into: &sink)
          partialPending = false
        }
        sink.flush()
      case .end:
        break reading
      case .failed(let message):
        failure = message
        break reading
      }
    }
    // Everything read counts, a partial last line too.
    splitter.finish(into: &sink)
    sink.flush()
    let format = reader.format
    queue.finish {
      shared.format = format
      shared.failure = failure
    }
  }
}
