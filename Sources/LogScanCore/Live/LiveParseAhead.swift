/// Standard input for `logscan watch`, read, split into lines and scanned on
/// its own thread, a few batches ahead of the session that counts them (as
/// `ParseAheadReader` does for `summary -`): a fast pipe is then parsed on
/// one core and counted on the other. Lines are handed on as soon as the
/// input pauses, so a live view sees them at once; a partial line that
/// waits longer than the stall time for its newline is handed on as it is.
package final class LiveParseAhead {
  private final class Shared: @unchecked Sendable {
    let lock = ConditionLock()
    var free: [ParsedBatch]
    var filled: [ParsedBatch] = []
    /// The reader has handed on everything it will.
    var finished = false
    /// The session asked the reader to stop reading.
    var stop = false
    /// Nobody takes batches any more.
    var abandoned = false
    var failure: String?
    var format = InputFormat.plain

    init(batches: Int) { free = (0..<batches).map { _ in ParsedBatch() } }
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

  private let shared: Shared
  private let thread: WorkerThread
  private var joined = false
  private var current: ParsedBatch?

  /// Starts reading standard input; lines are scanned with `formats` (the
  /// session's, `LiveSession.parseAheadFormats`).
  package init(formats: FormatCatalog, maxLineBytes: Int, stall: Double, batches: Int = 4) {
    let shared = Shared(batches: max(2, batches))
    self.shared = shared
    thread = WorkerThread {
      Self.produce(formats: formats, maxLineBytes: maxLineBytes, stall: stall, shared: shared)
    }
  }

  deinit {
    shared.lock.withLock {
      shared.stop = true
      shared.abandoned = true
      shared.lock.broadcast()
    }
    // Not joined when the reader may be blocked in a read (see `stop`).
    if !joined && shared.lock.withLock({ shared.finished }) { thread.join() }
  }

  /// What standard input turned out to be (plain, zstd, gzip).
  package var format: InputFormat { shared.lock.withLock { shared.format } }
  /// Why the reading stopped early, if it did.
  package var failure: String? { shared.lock.withLock { shared.failure } }

  /// Waits at most `waiting` seconds for lines and counts them into `session`.
  package func next(waiting: Double, into session: LiveSession) -> Next {
    guard let batch = take(waiting: waiting) else {
      return shared.lock.withLock { shared.finished && shared.filled.isEmpty } ? .end : .nothing
    }
    session.deliver(batch)
    return .lines
  }

  /// Asks the reader to stop and counts what it hands on within `grace`
  /// seconds: the lines read so far and a partial last line. A reader
  /// blocked in a read of a compressed stream that sends nothing is left
  /// behind (the process is about to end).
  package func stop(grace: Double, into session: LiveSession) {
    shared.lock.withLock {
      shared.stop = true
      shared.lock.broadcast()
    }
    let deadline = monotonicSeconds() + grace
    while true {
      if let batch = take(waiting: max(0, min(0.05, deadline - monotonicSeconds()))) {
        session.deliver(batch)
        continue
      }
      if shared.lock.withLock({ shared.finished && shared.filled.isEmpty }) {
        thread.join()
        joined = true
        return
      }
      if monotonicSeconds() >= deadline {
        shared.lock.withLock {
          shared.abandoned = true
          shared.lock.broadcast()
        }
        return
      }
    }
  }

  /// The next filled batch (valid until the next call), nil when none came
  /// within `waiting` seconds.
  private func take(waiting: Double) -> ParsedBatch? {
    let shared = self.shared
    let released = current
    current = nil
    let next: ParsedBatch? = shared.lock.withLock {
      if let released {
        released.reset()
        shared.free.append(released)
        shared.lock.broadcast()
      }
      if shared.filled.isEmpty && !shared.finished && waiting > 0 { shared.lock.wait(seconds: waiting) }
      return shared.filled.isEmpty ? nil : shared.filled.removeFirst()
    }
    current = next
    return next
  }

  private static func produce(formats: FormatCatalog, maxLineBytes: Int, stall: Double, shared: Shared) {
    var reader = StandardInputReader()
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
    defer { buffer.deallocate() }
    let first = shared.lock.withLock { shared.free.removeLast() }
    var sink = BatchingSink(formats: formats, spare: first) { full in
      shared.lock.withLock {
        shared.filled.append(full)
        shared.lock.broadcast()
        while shared.free.isEmpty && !shared.abandoned { shared.lock.wait() }
        return shared.free.isEmpty ? nil : shared.free.removeLast()
      }
    }
    var splitter = LineSplitter(maxLineBytes: maxLineBytes)
    var failure: String?
    var lastData = monotonicSeconds()
    var partialPending = false
    reading: while !sink.cancelled && !shared.lock.withLock({ shared.stop }) {
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
    shared.lock.withLock {
      shared.format = reader.format
      shared.failure = failure
      shared.finished = true
      shared.lock.broadcast()
    }
  }
}
