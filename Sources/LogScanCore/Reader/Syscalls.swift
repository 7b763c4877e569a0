#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The text of an errno value, e.g. "No such file or directory".
package func describeErrno(_ code: Int32) -> String {
  guard let text = strerror(code) else { return "errno \(code)" }
  return String(cString: text)
}

/// Metadata of a path, from stat(2).
package struct PathInfo: Sendable {
  package var isDirectory: Bool
  package var isRegularFile: Bool
  package var size: Int64
}

/// stat(2) on a path; nil with errno when it fails.
package func statPath(_ path: String) -> Result<PathInfo, ReaderError> {
  var info = stat()
  guard stat(path, &info) == 0 else {
    return .failure(ReaderError(input: path, kind: .cannotOpen(errno: errno)))
  }
  let type = info.st_mode & S_IFMT
  return .success(
    PathInfo(
      isDirectory: type == S_IFDIR, isRegularFile: type == S_IFREG, size: Int64(info.st_size)))
}

/// The entries of a directory (names only, without "." and ".."), sorted.
package func listDirectory(_ path: String) -> Result<[String], ReaderError> {
  guard let dir = opendir(path) else {
    return .failure(ReaderError(input: path, kind: .cannotOpen(errno: errno)))
  }
  defer { closedir(dir) }
  var names: [String] = []
  while let entry = readdir(dir) {
    let name = withUnsafePointer(to: entry.pointee.d_name) {
      $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
    }
    if name != "." && name != ".." { names.append(name) }
  }
  return .success(names.sorted())
}

/// True when the file descriptor is a terminal.
package func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

/// Cores available to this process.
package func systemCoreCount() -> Int {
  max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
