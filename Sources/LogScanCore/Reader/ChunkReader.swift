import Synchronization

/// Counts bytes consumed across threads, for the progress bar.
package final class ProgressCounter: Sendable {
  private let done = Atomic<Int64>(0)
  package init() {}
  package func add(_ bytes: Int64) { done.add(bytes, ordering: .relaxed) }
  package var bytesDone: Int64 { done.load(ordering: .relaxed) }
}

/// Hands out the bytes of a source chunk by chunk. A chunk stays valid until
/// the next call.
package protocol ChunkReader: AnyObject {
  func nextChunk() throws(ReaderError) -> UnsafeRawBufferPointer?
}

/// Reads a source on the calling thread into one reused buffer.
package final class DirectChunkReader: ChunkReader {
  private let source: any ByteSource
  private let buffer: UnsafeMutableRawBufferPointer
  private let progress: ProgressCounter?
  private var reported: Int64 = 0

  package init(source: any ByteSource, chunkSize: Int, progress: ProgressCounter?) {
    self.source = source
    self.progress = progress
    buffer = .allocate(byteCount: chunkSize, alignment: 64)
  }

  deinit { buffer.deallocate() }

  package func nextChunk() throws(ReaderError) -> UnsafeRawBufferPointer? {
    let n = try source.read(into: buffer)
    if let progress {
      let now = source.consumedBytes
      progress.add(now - reported)
      reported = now
    }
    return n == 0 ? nil : UnsafeRawBufferPointer(rebasing: buffer[0..<n])
  }
}

/// Reads (and decompresses) a source on its own thread, a few chunks ahead of
/// the consumer, so decoding and parsing run on different cores. Memory is
/// bounded by `slots * chunkSize`.
package final class ReadAheadChunkReader: ChunkReader {
  private final class Shared: @unchecked Sendable {
    let lock = ConditionLock()
    var free: [Int]
    var filled: [(slot: Int, count: Int)] = []
    var finished = false
    var failure: ReaderError?
    var cancelled = false
    let buffers: [UnsafeMutableRawBufferPointer]

    init(slots: Int, chunkSize: Int) {
      buffers = (0..<slots).map { _ in .allocate(byteCount: chunkSize, alignment: 64) }
      free = Array(0..<slots)
    }

    deinit { for buffer in buffers { buffer.deallocate() } }
  }

  private let shared: Shared
  private var thread: WorkerThread?
  private var current: Int?

  package init(source: any ByteSource, chunkSize: Int, slots: Int = 4, progress: ProgressCounter?) {
    let shared = Shared(slots: slots, chunkSize: chunkSize)
    self.shared = shared
    let transfer = UnsafeTransfer(source)
    thread = WorkerThread {
      Self.produce(source: transfer.value, shared: shared, progress: progress)
    }
  }

  deinit {
    shared.lock.withLock {
      shared.cancelled = true
      shared.lock.broadcast()
    }
    thread?.join()
  }

  private static func produce(source: any ByteSource, shared: Shared, progress: ProgressCounter?) {
    var reported: Int64 = 0
    while true {
      let slot: Int? = shared.lock.withLock {
        while shared.free.isEmpty && !shared.cancelled { shared.lock.wait() }
        return shared.cancelled ? nil : shared.free.removeLast()
      }
      guard let slot else { return }
      let result: Result<Int, ReaderError>
      do throws(ReaderError) {
        result = .success(try source.read(into: shared.buffers[slot]))
      } catch {
        result = .failure(error)
      }
      if let progress {
        let now = source.consumedBytes
        progress.add(now - reported)
        reported = now
      }
      let done: Bool = shared.lock.withLock {
        switch result {
        case .success(let n) where n > 0:
          shared.filled.append((slot, n))
        case .success:
          shared.finished = true
        case .failure(let error):
          shared.failure = error
          shared.finished = true
        }
        shared.lock.broadcast()
        return shared.finished
      }
      if done { return }
    }
  }

  package func nextChunk() throws(ReaderError) -> UnsafeRawBufferPointer? {
    let shared = self.shared
    let released = current
    current = nil
    let next: (slot: Int, count: Int)? = shared.lock.withLock {
      if let released {
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
    current = next.slot
    return UnsafeRawBufferPointer(rebasing: shared.buffers[next.slot][0..<next.count])
  }
}
