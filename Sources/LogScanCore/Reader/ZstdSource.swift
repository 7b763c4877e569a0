import CZstd

/// Streams the decompressed bytes of a zstd input: any number of frames,
/// skippable frames ignored. Owns its decompression context and frees it in
/// `deinit`; all libzstd calls of the project live in this file.
package final class ZstdSource: ByteSource {
  private let base: any ByteSource
  private let name: String
  private let context: OpaquePointer
  private let inputBuffer: UnsafeMutableRawBufferPointer
  private var input = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
  private var baseExhausted = false
  /// The last return value of ZSTD_decompressStream: 0 when a frame has just
  /// ended and everything was flushed.
  private var frameHint = 0
  private var sawAnyInput = false
  /// A fault found while decoding bytes that were still handed out.
  private var pendingError: ReaderError?

  package init(base: any ByteSource, name: String) {
    self.base = base
    self.name = name
    guard let context = ZSTD_createDCtx() else {
      preconditionFailure("ZSTD_createDCtx failed: out of memory")
    }
    self.context = context
    inputBuffer = .allocate(byteCount: ZSTD_DStreamInSize(), alignment: 16)
    input.src = UnsafeRawPointer(inputBuffer.baseAddress!)
  }

  deinit {
    ZSTD_freeDCtx(context)
    inputBuffer.deallocate()
  }

  /// Compressed bytes consumed so far.
  package var consumedBytes: Int64 { base.consumedBytes - Int64(input.size - input.pos) }

  package func read(into buffer: UnsafeMutableRawBufferPointer) throws(ReaderError) -> Int {
    if let pendingError {
      self.pendingError = nil
      throw pendingError
    }
    // At most one block's worth per call: given room for a whole frame,
    // libzstd decodes it in one pass and a fault late in the frame would
    // lose everything before it.
    var output = ZSTD_outBuffer(
      dst: buffer.baseAddress, size: min(buffer.count, ZSTD_DStreamOutSize()), pos: 0)
    while output.pos == 0 {
      if input.pos == input.size {
        if baseExhausted { return try finish() }
        let n = try base.read(into: inputBuffer)
        if n == 0 {
          baseExhausted = true
          return try finish()
        }
        input.size = n
        input.pos = 0
        sawAnyInput = true
      }
      let result = ZSTD_decompressStream(context, &output, &input)
      do throws(ReaderError) {
        try check(result)
      } catch {
        // Hand out what this call decoded before the fault; fail next time.
        guard output.pos > 0 else { throw error }
        pendingError = error
        return output.pos
      }
      frameHint = result
    }
    return output.pos
  }

  private func finish() throws(ReaderError) -> Int {
    if frameHint != 0 || !sawAnyInput {
      throw ReaderError(input: name, kind: .truncated(format: .zstd), offset: consumedBytes)
    }
    return 0
  }

  /// Maps a libzstd return code to an error naming the input and offset.
  private func check(_ code: Int) throws(ReaderError) {
    guard ZSTD_isError(code) != 0 else { return }
    let detail = String(cString: ZSTD_getErrorName(code))
    throw ReaderError(
      input: name, kind: .corrupt(format: .zstd, detail: detail), offset: consumedBytes)
  }
}
