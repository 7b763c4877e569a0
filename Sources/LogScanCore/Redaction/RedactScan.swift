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
  /// Lines with nothing to redact (JSON or not), written as they were.
  package var unchanged = 0
  /// Valid JSON lines with something to redact, rewritten token by token.
  package var json = 0
  /// Lines that are not JSON with something to redact, redacted as text and kept.
  package var text = 0
  /// Lines that are not JSON, dropped (`--drop-malformed`).
  package var dropped = 0
  /// Lines over the length limit: never read whole, so never written.
  package var overlong = 0
  package var linesWithFindings = 0
  package var byKind = [Int](repeating: 0, count: SecretKind.allCases.count)

  package mutating func merge(_ other: RedactCounts) {
    lines += other.lines
    unchanged += other.unchanged
    json += other.json
    text += other.text
    dropped += other.dropped
    overlong += other.overlong
    linesWithFindings += other.linesWithFindings
    for i in byKind.indices { byKind[i] += other.byKind[i] }
  }
}

/// Puts the output of work units back in input order. Each worker hands in
/// what a unit produced; the unit at the head of the order writes straight
/// through as it goes, later ones wait in memory until their turn (with two
/// workers, about one piece of a split file).
package final class OrderedOutput: @unchecked Sendable {
  private let lock = ConditionLock()
  private let writer: ByteWriter
  /// The unit whose bytes are written next.
  private var head = 0
  private var pending: [Int: [UInt8]] = [:]
  private var done = Set<Int>()

  package init(writer: ByteWriter) {
    self.writer = writer
  }

  /// Writes `bytes` of `unit` now if it is the head unit; false otherwise.
  func writeIfHead(_ unit: Int, _ bytes: [UInt8]) -> Bool {
    lock.withLock {
      guard unit == head else { return false }
      bytes.withUnsafeBytes { writer.write($0) }
      return true
    }
  }

  /// How many units past the head a worker may finish before it waits:
  /// what waits in memory stays a few pieces, however fast the others run.
  private static let maxAhead = 2

  /// The last bytes of `unit`: it is complete. Blocks while `unit` is too
  /// far ahead of the head (the head's worker never waits, so this ends).
  func complete(_ unit: Int, _ bytes: [UInt8]) {
    lock.withLock {
      while unit - head > Self.maxAhead { lock.wait() }
      if unit == head {
        bytes.withUnsafeBytes { writer.write($0) }
      } else {
        pending[unit, default: []] += bytes
      }
      done.insert(unit)
      advance()
    }
  }

  /// Units that never started (their input failed to open) are passed over.
  package func skip(_ unit: Int) {
    lock.withLock {
      done.insert(unit)
      advance()
    }
  }

  private func advance() {
    let before = head
    while done.contains(head) {
      done.remove(head)
      head += 1
      if let bytes = pending.removeValue(forKey: head) {
        bytes.withUnsafeBytes { writer.write($0) }
      }
    }
    if head != before { lock.broadcast() }
  }
}

/// The sink of `logscan redact`: every line written back with its secrets
/// and PII replaced; `OrderedOutput` keeps input order across workers.
package struct RedactSink: ScanSink, ~Copyable {
  private var scanner: JSONScanner
  private var redactor: LineRedactor
  private let output: OrderedOutput
  private let dropMalformed: Bool
  private var counts = RedactCounts()
  private var unit: Int?
  /// The unit was not the head at its last flush: keep the rest in memory.
  private var buffered = false
  private static let flushSize = 1 << 20

  package init(redactor: Redactor, output: OrderedOutput, dropMalformed: Bool) {
    // No keys to capture: the scanner only validates.
    scanner = JSONScanner(table: KeyTable())
    self.redactor = LineRedactor(redactor: redactor)
    self.output = output
    self.dropMalformed = dropMalformed
  }

  package mutating func begin(input: Int, unit: Int) {
    completeUnit()
    self.unit = unit
    buffered = false
  }

  private mutating func completeUnit() {
    guard let unit else { return }
    output.complete(unit, redactor.output)
    redactor.output.removeAll(keepingCapacity: true)
    self.unit = nil
  }

  package mutating func line(_ bytes: UnsafeRawBufferPointer, number: Int) {
    counts.lines &+= 1
    let text = bytes.assumingMemoryBound(to: UInt8.self)
    // A line in which the detectors find nothing is written as it is, JSON
    // or not: only lines with something to replace need the JSON check.
    if !dropMalformed && redactor.isCertainlyClean(text) {
      counts.unchanged &+= 1
      redactor.output.append(contentsOf: text)
      redactor.output.append(UInt8(ascii: "\n"))
      flushIfNeeded()
      return
    }
    switch scanner.scan(bytes) {
    case .object:
      counts.json &+= 1
      redactor.redactJSON(text, emit: true, fastPath: dropMalformed)
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
    flushIfNeeded()
  }

  @inline(__always)
  private mutating func flushIfNeeded() {
    if !buffered && redactor.output.count >= Self.flushSize, let unit {
      if output.writeIfHead(unit, redactor.output) {
        redactor.output.removeAll(keepingCapacity: true)
      } else {
        buffered = true
      }
    }
  }

  package mutating func overlongLine(number: Int) {
    counts.lines += 1
    counts.overlong += 1
  }

  // Redaction writes lines back as they were: container lines are never
  // unwrapped, so never joined.
  package mutating func continuedLines(_ count: Int) { counts.lines += count }

  package consuming func finish() -> RedactCounts {
    completeUnit()
    return counts
  }
}

package enum RedactScan {
  /// Plan redaction with pieces this small (not the summary's 64 MiB): a
  /// piece that is not at the head of the order is held in memory until
  /// its turn.
  package static let maxPieceSize: Int64 = 4 << 20

  /// Redacts every input to `writer`, in input order, on `options.jobs` workers.
  package static func run(
    _ plan: InputPlan, options: ScanOptions, redactor: Redactor, writer: ByteWriter, dropMalformed: Bool
  ) -> (RedactCounts, [InputInfo]) {
    let output = OrderedOutput(writer: writer)
    for (index, unit) in plan.units.enumerated() where plan.inputs[unit.input].error != nil {
      output.skip(index)
    }
    // Lines are written back as they were read: a container runtime's line
    // is redacted whole (its escaped application line is a string in it).
    var options = options
    options.unwrapsContainerLines = false
    let outcome = ScanPipeline.run(plan, options: options) {
      RedactSink(redactor: redactor, output: output, dropMalformed: dropMalformed)
    }
    var counts = RedactCounts()
    for output in outcome.outputs { counts.merge(output) }
    return (counts, outcome.inputs)
  }
}
