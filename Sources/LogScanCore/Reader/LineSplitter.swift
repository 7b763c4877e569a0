#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Receives the lines found by a `LineSplitter`.
package protocol LineSink: ~Copyable {
  /// One complete line, without its `\n` (and without a trailing `\r`).
  /// `number` counts from 1 within the byte stream being split. The bytes are
  /// valid only during the call.
  mutating func line(_ bytes: UnsafeRawBufferPointer, number: Int)
  /// A line longer than the limit; its bytes were not kept.
  mutating func overlongLine(number: Int)
}

/// Splits a byte stream, fed in chunks of any size, into lines.
///
/// Lines inside a chunk are handed out in place, without copying. Only a line
/// that straddles two chunks is copied into a carry buffer, which never grows
/// past the line limit: a longer line is counted and skipped up to its `\n`
/// without being buffered.
package struct LineSplitter: ~Copyable {
  package let maxLineBytes: Int
  private var carry: UnsafeMutableRawBufferPointer
  private var carryCount = 0
  /// True while inside an overlong line, discarding up to the next `\n`.
  private var skipping = false
  package private(set) var lineCount = 0
  /// Hands out the application's line of a container runtime's log line
  /// (see `ContainerLine`) instead of the runtime's.
  private let unwrapsContainerLines: Bool
  private var unwrapped: [UInt8] = []

  package init(maxLineBytes: Int, unwrapsContainerLines: Bool = false) {
    precondition(maxLineBytes > 0, "Invalid arguments: maxLineBytes must be positive")
    self.maxLineBytes = maxLineBytes
    self.unwrapsContainerLines = unwrapsContainerLines
    carry = .allocate(byteCount: min(maxLineBytes, 1 << 16), alignment: 16)
  }

  deinit { carry.deallocate() }

  /// Splits `chunk`, continuing any line left open by the previous chunk.
  package mutating func feed<Sink: LineSink & ~Copyable>(_ chunk: UnsafeRawBufferPointer, into sink: inout Sink) {
    guard var position = chunk.baseAddress, chunk.count > 0 else { return }
    let end = position + chunk.count

    if skipping || carryCount > 0 {
      guard let newline = findNewline(position, end) else {
        appendToCarry(position, end - position)
        return
      }
      if skipping {
        skipping = false
        lineCount += 1
        sink.overlongLine(number: lineCount)
      } else {
        appendToCarry(position, newline - position)
        let base = UnsafeRawPointer(carry.baseAddress!)
        if skipping || contentLength(base, carryCount) > maxLineBytes {
          skipping = false
          lineCount += 1
          sink.overlongLine(number: lineCount)
        } else {
          emit(base, carryCount, into: &sink)
        }
      }
      carryCount = 0
      position = newline + 1
    }

    while let newline = findNewline(position, end) {
      let length = newline - position
      if length > maxLineBytes && contentLength(position, length) > maxLineBytes {
        lineCount += 1
        sink.overlongLine(number: lineCount)
      } else {
        emit(position, length, into: &sink)
      }
      position = newline + 1
    }
    if position < end { appendToCarry(position, end - position) }
  }

  /// Hands out the last line when the stream did not end with `\n`.
  package mutating func finish<Sink: LineSink & ~Copyable>(into sink: inout Sink) {
    if skipping {
      skipping = false
      lineCount += 1
      sink.overlongLine(number: lineCount)
    } else if carryCount > 0 {
      let base = UnsafeRawPointer(carry.baseAddress!)
      if contentLength(base, carryCount) > maxLineBytes {
        lineCount += 1
        sink.overlongLine(number: lineCount)
      } else {
        emit(base, carryCount, into: &sink)
      }
    }
    carryCount = 0
  }

  @inline(__always)
  private func findNewline(_ from: UnsafeRawPointer, _ end: UnsafeRawPointer) -> UnsafeRawPointer? {
    guard let found = memchr(from, 0x0A, end - from) else { return nil }
    return UnsafeRawPointer(found)
  }

  /// Length without a trailing `\r`.
  @inline(__always)
  private func contentLength(_ start: UnsafeRawPointer, _ length: Int) -> Int {
    length > 0 && start.load(fromByteOffset: length - 1, as: UInt8.self) == 0x0D ? length - 1 : length
  }

  @inline(__always)
  private mutating func emit<Sink: LineSink & ~Copyable>(
    _ start: UnsafeRawPointer, _ length: Int, into sink: inout Sink
  ) {
    lineCount += 1
    let line = UnsafeRawBufferPointer(start: start, count: contentLength(start, length))
    if unwrapsContainerLines, let inner = ContainerLine.unwrap(line, storage: &unwrapped) {
      sink.line(inner, number: lineCount)
    } else {
      sink.line(line, number: lineCount)
    }
  }

  private mutating func appendToCarry(_ start: UnsafeRawPointer, _ length: Int) {
    guard !skipping else { return }
    let needed = carryCount + length
    // One byte of slack for a `\r` that does not count against the limit.
    if needed > maxLineBytes + 1 {
      skipping = true
      carryCount = 0
      return
    }
    if needed > carry.count {
      let grown = UnsafeMutableRawBufferPointer.allocate(
        byteCount: min(max(needed, carry.count * 2), maxLineBytes + 1), alignment: 16)
      grown.baseAddress!.copyMemory(from: carry.baseAddress!, byteCount: carryCount)
      carry.deallocate()
      carry = grown
    }
    (carry.baseAddress! + carryCount).copyMemory(from: start, byteCount: length)
    carryCount = needed
  }
}
