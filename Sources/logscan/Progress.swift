import LogScanCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A progress bar on standard error (bytes done / total, rate), redrawn a few
/// times a second by its own thread, erased when done.
final class ProgressBar: @unchecked Sendable {
  private let counter: ProgressCounter
  private let total: Int64
  private let stopped = Atomic<Bool>(false)
  /// Set and joined by the thread that owns the bar.
  private var thread: WorkerThread?

  init(counter: ProgressCounter, total: Int64) {
    self.counter = counter
    self.total = total
  }

  /// Draws only when standard error is a terminal.
  static func shouldShow() -> Bool { isatty(STDERR_FILENO) == 1 }

  func start() {
    let started = Self.now()
    let worker = WorkerThread { [self] in
      while !stopped.load(ordering: .relaxed) {
        usleep(200_000)
        if stopped.load(ordering: .relaxed) { break }
        draw(elapsed: Self.now() - started)
      }
    }
    thread = worker
  }

  func stop() {
    stopped.store(true, ordering: .relaxed)
    thread?.join()
    Output.writeStandardError("\r\u{1B}[K")
  }

  private func draw(elapsed: Double) {
    let done = min(counter.bytesDone, total)
    let fraction = total > 0 ? Double(done) / Double(total) : 0
    let width = 30
    let filled = Int(fraction * Double(width))
    let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
    let rate = elapsed > 0 ? Double(done) / elapsed : 0
    let line =
      "\r[\(bar)] \(Format.fixed(fraction * 100, 0))% \(Format.bytes(done)) / \(Format.bytes(total))"
      + "  \(Format.bytes(Int64(rate)))/s\u{1B}[K"
    Output.writeStandardError(line)
  }

  private static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}
