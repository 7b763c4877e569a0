/// A line sink the pipeline can run on several threads: one per worker,
/// told which unit its lines come from, and turned into a mergeable output
/// at the end.
package protocol ScanSink: LineSink, SendableMetatype, ~Copyable {
  associatedtype Output: Sendable
  mutating func begin(input: Int, unit: Int)
  consuming func finish() -> Output
  /// The formats a parse-ahead thread may read this sink's lines with
  /// (compressed files and streams: see `ParseAheadReader`); nil, the
  /// default, when the sink reads every line itself.
  var parseAheadFormats: FormatCatalog? { get }
  /// A line the parse-ahead thread already scanned.
  mutating func prescannedLine(_ bytes: UnsafeRawBufferPointer, number: Int, _ scan: PrescannedLine)
}

extension ScanSink where Self: ~Copyable {
  package var parseAheadFormats: FormatCatalog? { nil }

  package mutating func prescannedLine(_ bytes: UnsafeRawBufferPointer, number: Int, _ scan: PrescannedLine) {
    line(bytes, number: number)
  }
}

/// What a scan produced: one output per worker (merge them), and what each
/// input and unit turned out to be.
package struct ScanOutcome<Output: Sendable>: Sendable {
  package var outputs: [Output]
  package var inputs: [InputInfo]
  /// Lines read in each unit, in plan order.
  package var unitLines: [Int]
  package var units: [InputPlan.Unit]

  /// The line number in its input of line `line` of unit `unit`.
  package func lineInInput(unit: Int, line: Int) -> Int {
    var offset = 0
    for earlier in 0..<unit where units[earlier].input == units[unit].input {
      offset += unitLines[earlier]
    }
    return offset + line
  }

  /// Inputs that failed to open or to read to the end.
  package var errors: [ReaderError] { inputs.compactMap(\.error) }
}

/// Runs the bytes -> lines -> sink part of the pipeline over a plan's work
/// units, on `options.jobs` threads.
package enum ScanPipeline {
  private final class Shared: @unchecked Sendable {
    let lock = ConditionLock()
    var next = 0
    var unitLines: [Int]
    var unitErrors: [ReaderError?]
    var unitFormats: [InputFormat?]

    init(units: Int) {
      unitLines = Array(repeating: 0, count: units)
      unitErrors = Array(repeating: nil, count: units)
      unitFormats = Array(repeating: nil, count: units)
    }

    func take() -> Int? {
      lock.withLock {
        guard next < unitLines.count else { return nil }
        next += 1
        return next - 1
      }
    }
  }

  package static func run<Sink: ScanSink & ~Copyable>(
    _ plan: InputPlan, options: ScanOptions, makeSink: @escaping @Sendable () -> Sink
  ) -> ScanOutcome<Sink.Output> {
    let shared = Shared(units: plan.units.count)
    let workers = max(1, min(options.jobs, plan.units.count))
    let outputs = OutputSlots<Sink.Output>(count: workers)

    let work: @Sendable (Int) -> Void = { worker in
      var sink = makeSink()
      while let index = shared.take() {
        let unit = plan.units[index]
        guard plan.inputs[unit.input].error == nil else { continue }
        sink.begin(input: unit.input, unit: index)
        let (lines, format, error) = runUnit(unit, plan: plan, options: options, sink: &sink)
        shared.lock.withLock {
          shared.unitLines[index] = lines
          shared.unitErrors[index] = error
          shared.unitFormats[index] = format
        }
      }
      outputs.set(worker, sink.finish())
    }
    if workers == 1 {
      work(0)
    } else {
      let threads = (0..<workers).map { worker in WorkerThread { work(worker) } }
      for thread in threads { thread.join() }
    }

    var inputs = plan.inputs
    for (index, unit) in plan.units.enumerated() {
      inputs[unit.input].lines += shared.unitLines[index]
      if let format = shared.unitFormats[index] { inputs[unit.input].format = format }
      if inputs[unit.input].error == nil, let error = shared.unitErrors[index] {
        inputs[unit.input].error = error
      }
    }
    return ScanOutcome(
      outputs: outputs.values, inputs: inputs, unitLines: shared.unitLines, units: plan.units)
  }

  /// Reads one unit to its end (or its first read error) into the sink.
  private static func runUnit<Sink: ScanSink & ~Copyable>(
    _ unit: InputPlan.Unit, plan: InputPlan, options: ScanOptions, sink: inout Sink
  ) -> (lines: Int, format: InputFormat, error: ReaderError?) {
    var splitter = LineSplitter(
      maxLineBytes: options.maxLineBytes, unwrapsContainerLines: options.unwrapsContainerLines)
    var format = plan.inputs[unit.input].format
    var failure: ReaderError?
    do throws(ReaderError) {
      // Plain files are cut into pieces for the workers instead.
      let isPlainFile = plan.inputs[unit.input].size != nil && format == .plain
      if options.jobs > 1, !isPlainFile, let formats = sink.parseAheadFormats {
        // One thread decodes and scans, this one counts.
        let source = try openSource(unit, plan: plan, format: &format)
        let reader = ParseAheadReader(
          source: source, formats: formats, maxLineBytes: options.maxLineBytes, chunkSize: options.chunkSize,
          progress: plan.inputs[unit.input].size == nil ? nil : options.progress, decoding: options.parseAheadDecoding,
          unwrapsContainerLines: options.unwrapsContainerLines)
        do throws(ReaderError) {
          while let batch = try reader.nextBatch() { batch.deliver(into: &sink) }
        } catch {
          failure = error
        }
        return (reader.lineCount, format, failure)
      }
      let reader = try openReader(unit, plan: plan, options: options, format: &format)
      while let chunk = try reader.nextChunk() {
        splitter.feed(chunk, into: &sink)
      }
    } catch {
      failure = error
    }
    splitter.finish(into: &sink)
    return (splitter.lineCount, format, failure)
  }

  /// The unit's bytes, decoded: a file's byte range, or a stream whose
  /// first bytes tell its format (read, then handed on).
  private static func openSource(
    _ unit: InputPlan.Unit, plan: InputPlan, format: inout InputFormat
  ) throws(ReaderError) -> any ByteSource {
    let info = plan.inputs[unit.input]
    var source: any ByteSource
    if info.size == nil {
      let stream =
        info.isStandardInput ? FileSource(standardInputNamed: info.name) : try FileSource(path: info.name)
      let prefix = try readPrefix(stream, count: 4)
      format = prefix.withUnsafeBytes { InputFormat.detect($0) }
      source = PrefixedSource(prefix: prefix, base: stream)
    } else {
      source = try FileSource(path: info.name, range: unit.range)
    }
    return format.decoding(source, name: info.name)
  }

  private static func openReader(
    _ unit: InputPlan.Unit, plan: InputPlan, options: ScanOptions, format: inout InputFormat
  ) throws(ReaderError) -> any ChunkReader {
    // A stream's size is unknown: no progress bar.
    let progress = plan.inputs[unit.input].size == nil ? nil : options.progress
    let source = try openSource(unit, plan: plan, format: &format)
    if format != .plain && options.jobs > 1 {
      return ReadAheadChunkReader(source: source, chunkSize: options.chunkSize, progress: progress)
    }
    return DirectChunkReader(source: source, chunkSize: options.chunkSize, progress: progress)
  }

  private static func readPrefix(_ source: FileSource, count: Int) throws(ReaderError) -> [UInt8] {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
    defer { buffer.deallocate() }
    var filled = 0
    while filled < count {
      let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
      if n == 0 { break }
      filled += n
    }
    return Array(buffer[0..<filled])
  }
}

/// One result slot per worker, written once by that worker's thread and read
/// after all of them were joined.
private final class OutputSlots<Value: Sendable>: @unchecked Sendable {
  private var slots: [Value?]
  private let lock = ConditionLock()

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ value: Value) { lock.withLock { slots[index] = value } }

  var values: [Value] { lock.withLock { slots.compactMap { $0 } } }
}
