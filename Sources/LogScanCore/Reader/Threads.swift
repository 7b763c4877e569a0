#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Moves a value that is used by one thread at a time across a thread start.
package struct UnsafeTransfer<Value>: @unchecked Sendable {
  package var value: Value
  package init(_ value: Value) { self.value = value }
}

/// A plain OS thread; `join()` waits for it. The pipeline owns its threads so
/// that a decoder blocked on a full queue never starves a shared pool.
package final class WorkerThread {
  private var handle: pthread_t

  private final class Box {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
  }

  package init(_ body: @escaping @Sendable () -> Void) {
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    #if canImport(Darwin)
      var created: pthread_t?
    #else
      var created = pthread_t()
    #endif
    let code = pthread_create(
      &created, nil,
      { raw in
        #if canImport(Darwin)
          let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
        #else
          let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
        #endif
        box.body()
        return nil
      }, box)
    precondition(code == 0, "pthread_create failed: \(code)")
    #if canImport(Darwin)
      handle = created!
    #else
      handle = created
    #endif
  }

  package func join() {
    pthread_join(handle, nil)
  }
}

/// A mutex with one condition variable.
package final class ConditionLock: @unchecked Sendable {
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

  package init() {
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(condition, nil)
  }

  deinit {
    pthread_cond_destroy(condition)
    pthread_mutex_destroy(mutex)
    condition.deallocate()
    mutex.deallocate()
  }

  package func withLock<T>(_ body: () throws -> T) rethrows -> T {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return try body()
  }

  /// Waits for a broadcast; call only inside `withLock`.
  package func wait() { pthread_cond_wait(condition, mutex) }

  /// Waits for a broadcast or until `seconds` have passed; call only
  /// inside `withLock`.
  package func wait(seconds: Double) {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    let whole = Int(seconds)
    var nanos = Int(now.tv_nsec) + Int((seconds - Double(whole)) * 1e9)
    var deadline = now
    deadline.tv_sec += whole + nanos / 1_000_000_000
    nanos %= 1_000_000_000
    deadline.tv_nsec = .init(nanos)
    pthread_cond_timedwait(condition, mutex, &deadline)
  }

  package func broadcast() { pthread_cond_broadcast(condition) }
}

/// Seconds on a clock that only moves forward (for waits and rates).
package func monotonicSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_MONOTONIC, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
