import CZlib

/// Streams the decompressed bytes of a gzip input, including files made of
/// several concatenated members. All zlib calls of the project live here.
package final class GzipSource: ByteSource {
  private let base: any ByteSource
  private let name: String
  private let stream: UnsafeMutablePointer<z_stream>
  private let inputBuffer: UnsafeMutableRawBufferPointer
  private var baseExhausted = false
  /// True between the start of a member and its end.
  private var inMember = false
  /// A fault found while decoding bytes that were still handed out.
  private var pendingError: ReaderError?

  package init(base: any ByteSource, name: String) {
    self.base = base
    self.name = name
    stream = .allocate(capacity: 1)
    stream.initialize(to: z_stream())
    inputBuffer = .allocate(byteCount: 1 << 17, alignment: 16)
    // 15 + 16: a gzip header and trailer, the largest window.
    let code = czlib_inflate_init2(stream, 15 + 16)
    precondition(code == Z_OK, "inflateInit2 failed: \(code)")
  }

  deinit {
    inflateEnd(stream)
    stream.deinitialize(count: 1)
    stream.deallocate()
    inputBuffer.deallocate()
  }

  package var consumedBytes: Int64 { base.consumedBytes - Int64(stream.pointee.avail_in) }

  package func read(into buffer: UnsafeMutableRawBufferPointer) throws(ReaderError) -> Int {
    if let pendingError {
      self.pendingError = nil
      throw pendingError
    }
    stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
    stream.pointee.avail_out = UInt32(clamping: buffer.count)
    let capacity = Int(stream.pointee.avail_out)
    while Int(stream.pointee.avail_out) == capacity {
      if stream.pointee.avail_in == 0 {
        if baseExhausted { return try finish() }
        let n = try base.read(into: inputBuffer)
        if n == 0 {
          baseExhausted = true
          return try finish()
        }
        stream.pointee.next_in = inputBuffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = UInt32(n)
      }
      inMember = true
      let code = inflate(stream, Z_NO_FLUSH)
      do throws(ReaderError) {
        switch code {
        case Z_OK, Z_BUF_ERROR:
          break
        case Z_STREAM_END:
          // A member ended; another may follow in the same file.
          inMember = false
          try check(inflateReset(stream))
        default:
          try check(code)
        }
      } catch {
        // Hand out what this call decoded before the fault; fail next time.
        let produced = capacity - Int(stream.pointee.avail_out)
        guard produced > 0 else { throw error }
        pendingError = error
        return produced
      }
    }
    return capacity - Int(stream.pointee.avail_out)
  }

  private func finish() throws(ReaderError) -> Int {
    if inMember {
      throw ReaderError(input: name, kind: .truncated(format: .gzip), offset: consumedBytes)
    }
    return 0
  }

  /// Maps a zlib return code to an error naming the input and offset.
  private func check(_ code: Int32) throws(ReaderError) {
    guard code != Z_OK && code != Z_STREAM_END && code != Z_BUF_ERROR else { return }
    let detail: String
    if let message = stream.pointee.msg {
      detail = String(cString: message)
    } else {
      detail = "zlib error \(code)"
    }
    throw ReaderError(
      input: name, kind: .corrupt(format: .gzip, detail: detail), offset: consumedBytes)
  }
}
