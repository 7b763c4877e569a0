/// A stream of bytes: a file, a byte range of a file, stdin, or a decoder
/// stacked on one of those.
///
/// `read(into:)` fills as much of the buffer as it can and returns the number
/// of bytes written; 0 means the end of the stream. Sources are used by one
/// thread at a time.
package protocol ByteSource: AnyObject {
  func read(into buffer: UnsafeMutableRawBufferPointer) throws(ReaderError) -> Int
  /// Bytes consumed from the underlying file so far (compressed bytes for
  /// decoders); used for progress and error offsets.
  var consumedBytes: Int64 { get }
}

/// Returns a few bytes already read from `base` before handing over to it, so
/// that format detection can peek at a pipe without losing what it read.
package final class PrefixedSource: ByteSource {
  private var prefix: [UInt8]
  private var prefixOffset = 0
  private let base: any ByteSource

  package init(prefix: [UInt8], base: any ByteSource) {
    self.prefix = prefix
    self.base = base
  }

  package var consumedBytes: Int64 { base.consumedBytes - Int64(prefix.count - prefixOffset) }

  package func read(into buffer: UnsafeMutableRawBufferPointer) throws(ReaderError) -> Int {
    if prefixOffset < prefix.count {
      let n = min(buffer.count, prefix.count - prefixOffset)
      prefix.withUnsafeBytes { bytes in
        // Safe because n <= remaining prefix bytes and n <= buffer.count.
        buffer.baseAddress!.copyMemory(
          from: bytes.baseAddress! + prefixOffset, byteCount: n)
      }
      prefixOffset += n
      return n
    }
    return try base.read(into: buffer)
  }
}
