import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a file (or stdin) through a file descriptor, optionally limited to a
/// byte range, which is how one file is split between cores.
package final class FileSource: ByteSource {
  private let descriptor: FileDescriptor
  private let ownsDescriptor: Bool
  private let name: String
  private var remaining: Int64
  private var offset: Int64
  private let startOffset: Int64

  /// Opens `path` for reading, positioned at `range.lowerBound`, stopping at
  /// `range.upperBound` (nil: to the end).
  package init(path: String, range: Range<Int64>? = nil) throws(ReaderError) {
    do {
      descriptor = try FileDescriptor.open(FilePath(path), .readOnly)
    } catch {
      throw ReaderError(input: path, kind: .cannotOpen(errno: errnoValue(error)))
    }
    ownsDescriptor = true
    name = path
    startOffset = range?.lowerBound ?? 0
    offset = startOffset
    remaining = range.map { $0.upperBound - $0.lowerBound } ?? Int64.max
    if startOffset > 0 {
      do {
        _ = try descriptor.seek(offset: startOffset, from: .start)
      } catch {
        try? descriptor.close()
        throw ReaderError(input: path, kind: .readFailed(errno: errnoValue(error)), offset: startOffset)
      }
    }
  }

  /// Reads standard input; it is never closed.
  package init(standardInputNamed name: String) {
    descriptor = .standardInput
    ownsDescriptor = false
    self.name = name
    startOffset = 0
    offset = 0
    remaining = Int64.max
  }

  deinit {
    if ownsDescriptor { try? descriptor.close() }
  }

  package var consumedBytes: Int64 { offset - startOffset }

  package func read(into buffer: UnsafeMutableRawBufferPointer) throws(ReaderError) -> Int {
    guard remaining > 0, buffer.count > 0 else { return 0 }
    let wanted = Int(min(Int64(buffer.count), remaining))
    let target = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted])
    let n: Int
    do {
      n = try descriptor.read(into: target, retryOnInterrupt: true)
    } catch {
      throw ReaderError(input: name, kind: .readFailed(errno: errnoValue(error)), offset: offset)
    }
    offset += Int64(n)
    remaining -= Int64(n)
    return n
  }

  /// Reads up to `count` bytes at `position` without moving the file offset.
  package func peek(at position: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(ReaderError)
    -> Int
  {
    do {
      return try descriptor.read(fromAbsoluteOffset: position, into: buffer, retryOnInterrupt: true)
    } catch {
      throw ReaderError(input: name, kind: .readFailed(errno: errnoValue(error)), offset: position)
    }
  }
}

private func errnoValue(_ error: any Error) -> Int32 {
  (error as? Errno)?.rawValue ?? EIO
}
