import ArgumentParser
import LogScanCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where a report goes: standard output, or a file named with `-o`.
struct OutputTarget {
  let path: String?

  /// Colour only for a terminal on standard output, and only when NO_COLOR
  /// is unset (https://no-color.org).
  var wantsColor: Bool {
    path == nil && isatty(STDOUT_FILENO) == 1 && getenv("NO_COLOR") == nil
  }

  /// Writes the whole text. A reader that went away (`| head`) ends logscan
  /// quietly; any other failure is reported naming the file.
  func write(_ text: String) throws {
    let descriptor: Int32
    if let path {
      descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
      guard descriptor >= 0 else {
        throw ValidationError("cannot write '\(path)': \(String(cString: strerror(errno)))")
      }
    } else {
      descriptor = STDOUT_FILENO
    }
    defer { if path != nil { close(descriptor) } }
    var bytes = Array(text.utf8)
    if bytes.isEmpty { return }
    var offset = 0
    try bytes.withUnsafeMutableBytes { buffer in
      while offset < buffer.count {
        let n = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          if errno == EPIPE { Output.exitQuietlyOnBrokenPipe() }
          throw ValidationError(
            "cannot write '\(path ?? "standard output")': \(String(cString: strerror(errno)))")
        }
        offset += n
      }
    }
    bytes.removeAll()
  }
}

enum Output {
  /// Every message logscan writes to standard error passes through this
  /// (file names and error texts can hold what the input held).
  nonisolated(unsafe) static var redactor: Redactor = .standard

  /// Writes to a closed pipe fail with EPIPE instead of killing the process.
  static func ignoreBrokenPipeSignal() { signal(SIGPIPE, SIG_IGN) }

  /// The reader of our output is gone: nothing left to do.
  static func exitQuietlyOnBrokenPipe() -> Never { exit(0) }

  /// A message on standard error.
  static func warn(_ message: String) {
    writeStandardError("logscan: " + redactor.filter(message) + "\n")
  }

  /// Writes all of `bytes` to standard output at once; a reader that went
  /// away ends logscan quietly.
  static func writeStandardOutput(_ bytes: UnsafeRawBufferPointer) {
    var offset = 0
    while offset < bytes.count {
      let n = Glibc.write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        if errno == EPIPE { exitQuietlyOnBrokenPipe() }
        return
      }
      offset += n
    }
  }

  /// Writes text to standard error, unbuffered.
  static func writeStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let n = Glibc.write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return }
        offset += n
      }
    }
  }
}
