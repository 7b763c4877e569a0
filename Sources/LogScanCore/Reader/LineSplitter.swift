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
  /// `count` lines that were a container runtime's pieces of the line
  /// handed out just before (see `ContainerLine`): read, joined to it.
  mutating func continuedLines(_ count: Int)
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
  /// A container runtime's pieces of one long line, joined until the piece
  /// that ends it: their bytes (dropped once over the limit), how many, and
  /// the first one's line number, which the joined line takes.
  private var joined: [UInt8] = []
  private var joinedPieces = 0
  private var joinedNumber = 0
  private var joinedOverlong = false

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
        overlong(into: &sink)
      } else {
        appendToCarry(position, newline - position)
        let base = UnsafeRawPointer(carry.baseAddress!)
        if skipping || contentLength(base, carryCount) > maxLineBytes {
          skipping = false
          overlong(into: &sink)
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
        overlong(into: &sink)
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
      overlong(into: &sink)
    } else if carryCount > 0 {
      let base = UnsafeRawPointer(carry.baseAddress!)
      if contentLength(base, carryCount) > maxLineBytes {
        overlong(into: &sink)
      } else {
        emit(base, carryCount, into: &sink)
      }
    }
    carryCount = 0
    if joinedPieces > 0 { endJoin(into: &sink) }
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
    guard unwrapsContainerLines, let inner = ContainerLine.unwrap(line, storage: &unwrapped) else {
      // Pieces no piece ended (a line the runtime did not write) are a
      // line of their own, as they are.
      if joinedPieces > 0 { endJoin(into: &sink) }
      sink.line(line, number: lineCount)
      return
    }
    if inner.partial || joinedPieces > 0 {
      join(inner.bytes)
      if !inner.partial { endJoin(into: &sink) }
      return
    }
    sink.line(inner.bytes, number: lineCount)
  }

  /// A line over the limit, counted without its bytes.
  private mutating func overlong<Sink: LineSink & ~Copyable>(into sink: inout Sink) {
    if joinedPieces > 0 { endJoin(into: &sink) }
    lineCount += 1
    sink.overlongLine(number: lineCount)
  }

  /// Adds line `lineCount`, a piece of a container runtime's long line.
  private mutating func join(_ piece: UnsafeRawBufferPointer) {
    if joinedPieces == 0 {
      joinedNumber = lineCount
      joinedOverlong = false
      joined.removeAll(keepingCapacity: true)
    }
    joinedPieces += 1
    guard !joinedOverlong else { return }
    if joined.count + piece.count > maxLineBytes {
      // Over the limit, like any line: counted, never buffered whole.
      joinedOverlong = true
      joined = []
    } else {
      joined.append(contentsOf: piece)
    }
  }

  /// Hands out the joined pieces as one line (the first piece's number),
  /// then the others as lines that continued it.
  private mutating func endJoin<Sink: LineSink & ~Copyable>(into sink: inout Sink) {
    if joinedOverlong {
      sink.overlongLine(number: joinedNumber)
    } else {
      let number = joinedNumber
      joined.withUnsafeBytes { sink.line($0, number: number) }
    }
    if joinedPieces > 1 { sink.continuedLines(joinedPieces - 1) }
    joinedPieces = 0
    joinedOverlong = false
    joined.removeAll(keepingCapacity: joined.capacity <= 1 << 16)
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
