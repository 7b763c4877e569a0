/// A failure to read one input: it could not be opened, a read failed, or an
/// archive turned out to be corrupt or truncated part-way.
///
/// What was decoded before a mid-stream failure has already been handed to the
/// pipeline and still counts; the error only ends that one input.
package struct ReaderError: Error, Sendable, Equatable {
  package enum Kind: Sendable, Equatable {
    /// The input could not be opened (missing, permission, a directory, ...).
    case cannotOpen(errno: Int32)
    /// A read(2) failed part-way.
    case readFailed(errno: Int32)
    /// The archive's bytes are not what the format allows.
    case corrupt(format: InputFormat, detail: String)
    /// The archive ended in the middle of a frame or member.
    case truncated(format: InputFormat)
  }

  package var input: String
  package var kind: Kind
  /// Byte offset in the input (compressed bytes for archives) where it failed.
  package var offset: Int64

  package init(input: String, kind: Kind, offset: Int64 = 0) {
    self.input = input
    self.kind = kind
    self.offset = offset
  }

  /// True when the input could not be read at all (exit status 2), false when
  /// it was read part-way (exit status 3).
  package var isUnreadable: Bool {
    if case .cannotOpen = kind { return true }
    return false
  }

  package var message: String {
    switch kind {
    case .cannotOpen(let code):
      return "cannot open '\(input)': \(describeErrno(code))"
    case .readFailed(let code):
      return "read failed in '\(input)' at byte \(offset): \(describeErrno(code))"
    case .corrupt(let format, let detail):
      return
        "'\(input)' is a corrupt \(format.displayName) archive at byte \(offset) (\(detail)); "
        + "lines decoded before that point were counted"
    case .truncated(let format):
      return
        "'\(input)' is a truncated \(format.displayName) archive: it ends at byte \(offset) "
        + "in the middle of a frame; lines decoded before that point were counted"
    }
  }
}

/// The encoding of an input, detected from its first bytes.
package enum InputFormat: String, Sendable, Equatable {
  case plain
  case zstd
  case gzip

  package var displayName: String {
    switch self {
    case .plain: return "plain"
    case .zstd: return "zstd"
    case .gzip: return "gzip"
    }
  }

  /// Detects the encoding from the first bytes of a stream (at most 4 needed).
  package static func detect(_ prefix: UnsafeRawBufferPointer) -> InputFormat {
    if prefix.count >= 4 {
      let magic =
        UInt32(prefix[0]) | UInt32(prefix[1]) << 8 | UInt32(prefix[2]) << 16
        | UInt32(prefix[3]) << 24
      // zstd frame magic, or a skippable frame (0x184D2A50 ... 0x184D2A5F).
      if magic == 0xFD2F_B528 || magic & 0xFFFF_FFF0 == 0x184D_2A50 { return .zstd }
    }
    if prefix.count >= 2 && prefix[0] == 0x1F && prefix[1] == 0x8B { return .gzip }
    return .plain
  }
}

extension InputFormat {
  /// `source`'s bytes decoded from this format (`name` for error messages).
  package func decoding(_ source: any ByteSource, name: String) -> any ByteSource {
    switch self {
    case .plain: return source
    case .zstd: return ZstdSource(base: source, name: name)
    case .gzip: return GzipSource(base: source, name: name)
    }
  }
}
