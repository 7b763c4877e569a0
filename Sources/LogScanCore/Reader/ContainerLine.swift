/// The application's line inside a container runtime's log line, for the
/// files runtimes write on the node:
///
/// - Docker's json-file driver (`/var/lib/docker/containers/*/*-json.log`):
///   `{"log":"<the line, JSON-escaped, with its \n>","stream":"stdout","time":"..."}`
///   (Go's encoding/json writes the keys in that order);
/// - the CRI format of containerd and CRI-O (`/var/log/pods/...`, the files
///   `/var/log/containers/*.log` link to):
///   `2026-02-07T10:00:00.123456789Z stdout F <the line>`.
///
/// A runtime cuts lines over 16 KiB into several entries (Docker: a 16 KiB
/// value without `\n` at its end; CRI: tag `P`): such an entry is `partial`, and the
/// line splitter joins it to the entries that follow, up to the one that
/// ends the line.
enum ContainerLine {
  /// The inner line of `line` and whether it is only a piece of the
  /// application's line (more pieces follow), or nil when it is not a
  /// container runtime's line. A Docker line's value is decoded into
  /// `storage` (valid until the next call); a CRI line's is a slice of `line`.
  @inline(__always)
  static func unwrap(_ line: UnsafeRawBufferPointer, storage: inout [UInt8]) -> (
    bytes: UnsafeRawBufferPointer, partial: Bool
  )? {
    guard line.count > 8, let base = line.baseAddress else { return nil }
    let first = base.load(as: UInt8.self)
    if first == UInt8(ascii: "{") {
      guard UInt64(littleEndian: line.loadUnaligned(as: UInt64.self)) == dockerPrefix else { return nil }
      return unwrapDocker(line, storage: &storage)
    }
    if first &- UInt8(ascii: "0") < 10 { return unwrapCRI(line) }
    return nil
  }

  /// `{"log":"` as a little-endian word (a literal: a computed static
  /// would cost a once-check per line).
  private static let dockerPrefix: UInt64 = 0x223A_2267_6F6C_227B
  private static let streamKey = Array(",\"stream\":\"".utf8)
  /// Docker cuts lines at 16 KiB; a value this long without its newline
  /// is a piece (a margin below: the cut may fall inside a character).
  static let dockerPieceBytes = 8 << 10

  private static func unwrapDocker(_ line: UnsafeRawBufferPointer, storage: inout [UInt8]) -> (
    bytes: UnsafeRawBufferPointer, partial: Bool
  )? {
    // The value's closing quote: the first quote not escaped.
    var i = 8
    let n = line.count
    while i < n {
      let c = line[i]
      if c == UInt8(ascii: "\"") { break }
      i += c == UInt8(ascii: "\\") ? 2 : 1
    }
    guard i < n, has(streamKey, in: line, at: i + 1), line[n - 1] == UInt8(ascii: "}") else { return nil }
    storage.removeAll(keepingCapacity: true)
    appendDecodedJSONString(UnsafeRawBufferPointer(rebasing: line[8..<i]), to: &storage)
    // The line's own newline ends it. A piece of a longer line has none,
    // and is as long as the runtime's buffer (16 KiB); a short value
    // without one is a last line written without its newline.
    let ended = storage.last == 0x0A
    if ended {
      storage.removeLast()
      if storage.last == 0x0D { storage.removeLast() }
    }
    let partial = !ended && storage.count >= Self.dockerPieceBytes
    return (storage.withUnsafeBytes { UnsafeRawBufferPointer($0) }, partial)
  }

  /// `<RFC 3339 time> <stdout|stderr> <F|P> ` then the line.
  private static func unwrapCRI(_ line: UnsafeRawBufferPointer) -> (bytes: UnsafeRawBufferPointer, partial: Bool)? {
    let n = line.count
    // The time: at least `YYYY-MM-DDTHH:MM:SSZ`, no spaces.
    guard n > 20, line[4] == UInt8(ascii: "-"), line[7] == UInt8(ascii: "-"), line[10] == UInt8(ascii: "T")
    else { return nil }
    var i = 11
    while i < n && i < 48 && line[i] != UInt8(ascii: " ") { i += 1 }
    guard i < n, line[i] == UInt8(ascii: " ") else { return nil }
    i += 1
    for stream in [Self.stdout, Self.stderr] where n - i >= stream.count + 2 {
      guard has(stream, in: line, at: i) else { continue }
      let tag = i + stream.count
      guard line[tag] == UInt8(ascii: "F") || line[tag] == UInt8(ascii: "P"), line[tag + 1] == UInt8(ascii: " ") else {
        return nil
      }
      return (UnsafeRawBufferPointer(rebasing: line[(tag + 2)...]), line[tag] == UInt8(ascii: "P"))
    }
    return nil
  }

  /// `line` holds `bytes` at `offset`.
  private static func has(_ bytes: [UInt8], in line: UnsafeRawBufferPointer, at offset: Int) -> Bool {
    guard offset >= 0, line.count - offset >= bytes.count else { return false }
    return memoryEquals(line.baseAddress!.assumingMemoryBound(to: UInt8.self) + offset, bytes, bytes.count)
  }

  private static let stdout = Array("stdout ".utf8)
  private static let stderr = Array("stderr ".utf8)
}
