#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// What one read of a live input gave.
package enum LiveRead {
  /// Bytes in the buffer, from this source (each has its own partial line).
  case data(Int, source: Int)
  /// Nothing arrived within the wait.
  case nothing
  /// The input ended (standard input closed).
  case end
  case failed(String)
}

/// A live input: standard input, or files followed.
package protocol LiveReader {
  /// Reads what is there, waiting at most `waiting` seconds for something.
  mutating func read(into buffer: UnsafeMutableRawBufferPointer, waiting: Double) -> LiveRead
  var sourceCount: Int { get }
  /// What went wrong along the way that did not stop the reading.
  var warnings: [String] { get }
}

/// Standard input, as it arrives. A zstd or gzip stream (an archive piped
/// in) is decoded; plain text is read as soon as the pipe has some.
package struct StandardInputReader: LiveReader {
  private var source: (any ByteSource)?
  private var compressed = false
  /// What the stream turned out to be.
  package private(set) var format = InputFormat.plain
  package let sourceCount = 1
  package let warnings: [String] = []
  let name: String

  package init(name: String = "<stdin>") { self.name = name }

  package mutating func read(into buffer: UnsafeMutableRawBufferPointer, waiting: Double) -> LiveRead {
    if !compressed {
      var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
      let ready = poll(&descriptor, 1, Int32(waiting * 1000))
      if ready == 0 || (ready < 0 && errno == EINTR) { return .nothing }
    }
    do {
      if source == nil { try open() }
      let n = try source!.read(into: buffer)
      return n == 0 ? .end : .data(n, source: 0)
    } catch {
      return .failed(error.message)
    }
  }

  /// Tells the format from the first bytes, which are handed on.
  private mutating func open() throws(ReaderError) {
    let stream = FileSource(standardInputNamed: name)
    var prefix: [UInt8] = []
    let one = UnsafeMutableRawBufferPointer.allocate(byteCount: 4, alignment: 1)
    defer { one.deallocate() }
    // Whatever the first read gives: a plain line may be shorter than 4 bytes.
    let n = try stream.read(into: one)
    prefix = Array(one[0..<n])
    if n > 0 && n < 4 && (prefix[0] == 0x28 || prefix[0] == 0x1F) {
      // It may be a compressed stream's magic cut short: read the rest.
      while prefix.count < 4 {
        let more = try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: one[0..<(4 - prefix.count)]))
        if more == 0 { break }
        prefix += one[0..<more]
      }
    }
    format = prefix.withUnsafeBytes { InputFormat.detect($0) }
    var result: any ByteSource = PrefixedSource(prefix: prefix, base: stream)
    switch format {
    case .plain: break
    case .zstd:
      result = ZstdSource(base: result, name: name)
      compressed = true
    case .gzip:
      result = GzipSource(base: result, name: name)
      compressed = true
    }
    source = result
  }
}

/// Files followed like `tail -F`: by name, so a file renamed away (rotated)
/// is read to its end and the new one under the name read from its start;
/// a file truncated in place is read again from its start; a file that
/// does not exist yet is waited for. Existing files start at their end
/// unless `fromStart`.
package struct FollowReader: LiveReader {
  struct Followed {
    var path: String
    var descriptor: Int32 = -1
    var inode: ino_t = 0
    var offset: Int64 = 0
    /// Opened once already: later (re)opens read from the start.
    var seen = false
  }

  private var files: [Followed]
  private let fromStart: Bool
  private var next = 0
  private var lastCheck = 0.0
  package private(set) var warnings: [String] = []

  package init(paths: [String], fromStart: Bool) {
    files = paths.map { Followed(path: $0) }
    self.fromStart = fromStart
  }

  package var sourceCount: Int { files.count }

  package mutating func read(into buffer: UnsafeMutableRawBufferPointer, waiting: Double) -> LiveRead {
    for _ in 0..<files.count {
      let index = next
      next = (next + 1) % files.count
      if files[index].descriptor < 0 { open(index) }
      guard files[index].descriptor >= 0 else { continue }
      let n = Glibc.read(files[index].descriptor, buffer.baseAddress, buffer.count)
      if n > 0 {
        files[index].offset += Int64(n)
        return .data(n, source: index)
      }
    }
    // Nothing new anywhere: look for rotation and truncation, then wait.
    for index in files.indices { check(index) }
    if waiting > 0 { usleep(UInt32(waiting * 1_000_000)) }
    return .nothing
  }

  private mutating func open(_ index: Int) {
    let descriptor = Glibc.open(files[index].path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    var info = stat()
    fstat(descriptor, &info)
    files[index].descriptor = descriptor
    files[index].inode = info.st_ino
    files[index].offset = 0
    if !files[index].seen && !fromStart {
      files[index].offset = Int64(lseek(descriptor, 0, SEEK_END))
    }
    files[index].seen = true
  }

  /// A new file under the name (rotated): the old one was read to its end
  /// (this runs only when nothing was left), so switch. Shorter than what
  /// was read (truncated): from the start.
  private mutating func check(_ index: Int) {
    guard files[index].descriptor >= 0 else {
      files[index].seen = true  // appearing later: read it whole
      return
    }
    var named = stat()
    if stat(files[index].path, &named) != 0 || named.st_ino != files[index].inode {
      close(files[index].descriptor)
      files[index].descriptor = -1
      return
    }
    if Int64(named.st_size) < files[index].offset {
      lseek(files[index].descriptor, 0, SEEK_SET)
      files[index].offset = 0
    }
  }
}
