#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes bytes to a file descriptor with write(2), whole.
package final class ByteWriter: @unchecked Sendable {
  package let descriptor: Int32
  /// errno of the first failed write; nothing more is written after it.
  package private(set) var failure: Int32?

  /// Called when the reader went away (EPIPE), e.g. to end the process quietly.
  private let onBrokenPipe: @Sendable () -> Void

  package init(descriptor: Int32, onBrokenPipe: @escaping @Sendable () -> Void = {}) {
    self.descriptor = descriptor
    self.onBrokenPipe = onBrokenPipe
  }

  package func write(_ bytes: UnsafeRawBufferPointer) {
    guard failure == nil, var base = bytes.baseAddress else { return }
    var left = bytes.count
    while left > 0 {
      let n = Glibc.write(descriptor, base, left)
      if n < 0 {
        if errno == EINTR { continue }
        failure = errno
        if errno == EPIPE { onBrokenPipe() }
        return
      }
      base += n
      left -= n
    }
  }
}

/// What `logscan redact` did.
package struct RedactCounts: Sendable {
  package var lines = 0
  /// Valid JSON lines, rewritten token by token.
  package var json = 0
  /// Lines that are not JSON, redacted as text and kept.
  package var text = 0
  /// Lines that are not JSON, dropped (`--drop-malformed`).
  package var dropped = 0
  /// Lines over the length limit: never read whole, so never written.
  package var overlong = 0
  package var linesWithFindings = 0
  package var byKind = [Int](repeating: 0, count: SecretKind.allCases.count)

  package mutating func merge(_ other: RedactCounts) {
    lines += other.lines
    json += other.json
    text += other.text
    dropped += other.dropped
    overlong += other.overlong
    linesWithFindings += other.linesWithFindings
    for i in byKind.indices { byKind[i] += other.byKind[i] }
  }
}

/// The sink of `logscan redact`: every line written back with its secrets
/// and PII replaced, in input order (it runs on one worker).
package struct RedactSink: ScanSink, ~Copyable {
  private var scanner: JSONScanner
  private var redactor: LineRedactor
  private let writer: ByteWriter
  private let dropMalformed: Bool
  private var counts = RedactCounts()
  private static let flushSize = 1 << 20

  package init(redactor: Redactor, writer: ByteWriter, dropMalformed: Bool) {
    // No keys to capture: the scanner only validates.
    scanner = JSONScanner(table: KeyTable())
    self.redactor = LineRedactor(redactor: redactor)
    self.writer = writer
    self.dropMalformed = dropMalformed
  }

  package mutating func begin(input: Int, unit: Int) {}

  package mutating func line(_ bytes: UnsafeRawBufferPointer, number: Int) {
    counts.lines &+= 1
    let text = bytes.assumingMemoryBound(to: UInt8.self)
    switch scanner.scan(bytes) {
    case .object:
      counts.json &+= 1
      redactor.redactJSON(text, emit: true)
    case .blank:
      redactor.output.append(contentsOf: text)
      redactor.output.append(UInt8(ascii: "\n"))
    case .malformed:
      if dropMalformed {
        counts.dropped += 1
        return
      }
      counts.text += 1
      redactor.redactText(text, emit: true)
    }
    if !redactor.found.isEmpty {
      counts.linesWithFindings += 1
      for (kind, _) in redactor.found { counts.byKind[kind.index] += 1 }
    }
    if redactor.output.count >= Self.flushSize { flush() }
  }

  package mutating func overlongLine(number: Int) {
    counts.lines += 1
    counts.overlong += 1
  }

  private mutating func flush() {
    redactor.output.withUnsafeBytes { writer.write($0) }
    redactor.output.removeAll(keepingCapacity: true)
  }

  package consuming func finish() -> RedactCounts {
    flush()
    return counts
  }
}

package enum RedactScan {
  /// Redacts every input in order to `writer`.
  package static func run(
    _ plan: InputPlan, options: ScanOptions, redactor: Redactor, writer: ByteWriter, dropMalformed: Bool
  ) -> (RedactCounts, [InputInfo]) {
    var options = options
    options.jobs = 1  // output in input order
    let outcome = ScanPipeline.run(plan, options: options) {
      RedactSink(redactor: redactor, writer: writer, dropMalformed: dropMalformed)
    }
    var counts = RedactCounts()
    for output in outcome.outputs { counts.merge(output) }
    return (counts, outcome.inputs)
  }
}
