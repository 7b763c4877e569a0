/// The inputs of a scan, expanded (directories into their files) and cut into
/// work units: a whole input, or a line-aligned byte range of a large plain file.
package struct InputPlan: Sendable {
  package struct Unit: Sendable {
    package var input: Int
    /// nil: the whole input.
    package var range: Range<Int64>?
  }

  package var inputs: [InputInfo] = []
  package var units: [Unit] = []
  /// Paths that could not be opened or listed, in the order named.
  package var openErrors: [ReaderError] = []

  /// Total bytes of the file inputs (for progress).
  package var totalBytes: Int64 { inputs.reduce(0) { $0 + ($1.size ?? 0) } }
  package var readsStandardInput: Bool { inputs.contains { $0.isStandardInput } }
  /// Some input is a stream with no size (a pipe, a FIFO): no progress bar.
  package var hasStreams: Bool { inputs.contains { $0.size == nil && $0.error == nil } }

  /// Expands `paths` ("-" is standard input; a directory stands for its
  /// regular files, sorted, hidden ones left out) and cuts large plain files
  /// into pieces for `options.jobs` workers.
  package static func make(paths: [String], options: ScanOptions) -> InputPlan {
    var plan = InputPlan()
    for path in paths.isEmpty ? ["-"] : paths {
      if path == "-" {
        var info = InputInfo(name: options.standardInputName, size: nil)
        info.isStandardInput = true
        plan.inputs.append(info)
        plan.units.append(Unit(input: plan.inputs.count - 1, range: nil))
        continue
      }
      switch statPath(path) {
      case .failure(let error):
        plan.openErrors.append(error)
        plan.inputs.append(InputInfo(name: path, size: 0, error: error))
      case .success(let info) where info.isDirectory:
        switch listDirectory(path) {
        case .failure(let error):
          plan.openErrors.append(error)
          plan.inputs.append(InputInfo(name: path, size: 0, error: error))
        case .success(let names):
          let separator = path.hasSuffix("/") ? "" : "/"
          for name in names where !name.hasPrefix(".") {
            let child = path + separator + name
            if case .success(let childInfo) = statPath(child), childInfo.isRegularFile {
              plan.addFile(child, size: childInfo.size, options: options)
            }
          }
        }
      case .success(let info):
        plan.addFile(path, size: info.isRegularFile ? info.size : nil, options: options)
      }
    }
    return plan
  }

  private mutating func addFile(_ path: String, size: Int64?, options: ScanOptions) {
    var info = InputInfo(name: path, size: size)
    let source: FileSource
    do throws(ReaderError) {
      source = try FileSource(path: path)
    } catch {
      info.error = error
      openErrors.append(error)
      inputs.append(info)
      return
    }
    // A stream (pipe, FIFO, `<(...)`) cannot be peeked at: its format is
    // detected when it is read.
    guard size != nil else {
      inputs.append(info)
      units.append(Unit(input: inputs.count - 1, range: nil))
      return
    }
    var magic = [UInt8](repeating: 0, count: 4)
    let peeked = (try? magic.withUnsafeMutableBytes { try source.peek(at: 0, into: $0) }) ?? 0
    info.format = magic.withUnsafeBytes { InputFormat.detect(UnsafeRawBufferPointer(rebasing: $0[0..<peeked])) }
    inputs.append(info)
    let index = inputs.count - 1
    guard let size, info.format == .plain, options.jobs > 1, size >= options.splitThreshold else {
      units.append(Unit(input: index, range: nil))
      return
    }
    let pieces = Self.pieces(
      size: size, jobs: options.jobs, largest: options.maxPieceSize, joinsContainerLines: options.unwrapsContainerLines,
      in: source)
    for range in pieces {
      units.append(Unit(input: index, range: range))
    }
  }

  /// A file cut at line starts into pieces the workers take in turn. Each
  /// piece is a share of what is left (at most `largest`, at least an
  /// eighth of it), so pieces shrink towards the end of the file and the
  /// workers finish together: with equal pieces, one worker could still be
  /// reading the last of them, alone, for as long as a piece takes.
  ///
  /// When container runtimes' lines are read for the application's line
  /// (`joinsContainerLines`), no piece starts inside a long line a runtime
  /// cut into pieces: they are joined where they are read.
  private static func pieces(
    size: Int64, jobs: Int, largest: Int64, joinsContainerLines: Bool, in source: FileSource
  ) -> [Range<Int64>] {
    let share = Int64(2 * max(1, jobs))
    let largest = max(1, largest)
    let smallest = max(1, min(largest / 8, size / share))
    var pieces: [Range<Int64>] = []
    var start: Int64 = 0
    while start < size {
      let remaining = size - start
      var piece = min(largest, max(smallest, remaining / share))
      if remaining - piece < smallest { piece = remaining }
      var end = start + piece >= size ? size : lineBoundary(after: start + piece, in: source, size: size)
      // At most `maxPiecesStepped` lines on: a run of pieces that long is
      // over any line limit (and a file of nothing but pieces is not read
      // twice over here).
      var stepped = 0
      while joinsContainerLines && end < size && stepped < Self.maxPiecesStepped
        && endsWithContainerPiece(end, in: source)
      {
        end = lineBoundary(after: end + 1, in: source, size: size)
        stepped += 1
      }
      pieces.append(start..<end)
      start = end
    }
    return pieces
  }

  static let maxPiecesStepped = 128

  /// Whether the line that ends just before `boundary` (a line start) is a
  /// container runtime's piece of a longer line (see `ContainerLine`), whose
  /// next pieces follow it. Pieces are at most 16 KiB before escaping, so a
  /// line longer than 256 KiB is not one.
  private static func endsWithContainerPiece(_ boundary: Int64, in source: FileSource) -> Bool {
    let window = Int(min(boundary, 1 << 18))
    guard window > 1 else { return false }
    var block = [UInt8](repeating: 0, count: window)
    var filled = 0
    while filled < window {
      let n =
        (try? block.withUnsafeMutableBytes {
          try source.peek(
            at: boundary - Int64(window) + Int64(filled), into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]))
        }) ?? 0
      guard n > 0 else { return false }
      filled += n
    }
    // The line: after the newline before it (or from the file's start).
    var end = window - 1
    if end > 0 && block[end - 1] == 0x0D { end -= 1 }
    let start: Int
    if let newline = block[0..<(window - 1)].lastIndex(of: 0x0A) {
      start = newline + 1
    } else if Int64(window) == boundary {
      start = 0
    } else {
      return false
    }
    guard start <= end else { return false }
    var storage: [UInt8] = []
    return block.withUnsafeBytes {
      ContainerLine.unwrap(UnsafeRawBufferPointer(rebasing: $0[start..<end]), storage: &storage)?.partial ?? false
    }
  }

  /// The offset just after the first `\n` at or after `offset - 1`: a line
  /// start, so that no line is cut between two pieces.
  private static func lineBoundary(after offset: Int64, in source: FileSource, size: Int64) -> Int64 {
    var position = max(0, offset - 1)
    var block = [UInt8](repeating: 0, count: 1 << 16)
    while position < size {
      let n = (try? block.withUnsafeMutableBytes { try source.peek(at: position, into: $0) }) ?? 0
      guard n > 0 else { return size }
      if let newline = block[0..<n].firstIndex(of: 0x0A) { return position + Int64(newline) + 1 }
      position += Int64(n)
    }
    return size
  }
}
