import ArgumentParser
import LogScanCore

#if canImport(Glibc)
  import Glibc
#endif

struct Redact: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write the logs back with secrets and PII replaced: safe to share.",
    discussion: """
      Every line comes out with the same keys in the same order and the same
      bytes, except the redacted values. Lines that are not JSON are redacted
      as text and kept (or dropped with --drop-malformed). It never writes to
      its inputs. What it found is counted on standard error.

      Examples:
        logscan redact < raw.jsonl > safe.jsonl
        logscan redact logs/app.jsonl.zst -o safe.jsonl
        LOGSCAN_REDACT_KEY=... logscan redact --redact-mode hash app.log > safe.jsonl
      """
  )

  @OptionGroup var input: InputOptions
  @OptionGroup(title: "Redaction") var redaction: RedactionOptions

  @Option(name: [.customShort("o"), .long], help: "Write to this file instead of standard output.")
  var output: String?

  @Flag(name: .customLong("drop-malformed"), help: "Leave out lines that are not JSON.")
  var dropMalformed = false

  @Flag(name: [.customShort("q"), .long], help: "Do not print what was found on standard error.")
  var quiet = false

  func run() throws {
    Output.ignoreBrokenPipeSignal()
    let configuration = try input.configuration()
    let redactor = try redaction.redactor(configuration)
    var options = input.scanOptions(configuration)
    options.maxPieceSize = min(options.maxPieceSize, RedactScan.maxPieceSize)
    try input.refuseKeyboard()
    let plan = try input.plan(options)
    let descriptor: Int32
    if let output {
      // Never onto an input: that would destroy what is being read.
      for path in input.inputs where path != "-" && sameFile(path, output) {
        throw UsageError("'\(output)' is also an input: logscan redact never writes over its input")
      }
      descriptor = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
      guard descriptor >= 0 else {
        throw UsageError("cannot write '\(output)': \(describeErrno(errno))")
      }
    } else {
      descriptor = STDOUT_FILENO
    }
    let writer = ByteWriter(descriptor: descriptor) { Output.exitQuietlyOnBrokenPipe() }
    let (counts, inputs) = RedactScan.run(
      plan, options: options, redactor: redactor, writer: writer, dropMalformed: dropMalformed)
    if output != nil { close(descriptor) }
    if let failure = writer.failure {
      throw UsageError("cannot write '\(output ?? "standard output")': \(describeErrno(failure))")
    }
    if !quiet { Output.writeStandardError(Self.describe(counts, redacting: redactor.enabled)) }
    if counts.overlong > 0 {
      Output.warn(
        "\(counts.overlong) lines longer than --max-line-bytes were left out (they are never read whole)")
    }
    try input.finish(inputs.compactMap(\.error))
  }

  static func describe(_ counts: RedactCounts, redacting: Bool) -> String {
    var text = "logscan redact: \(counts.lines) lines"
    let total = counts.byKind.reduce(0, +)
    if total == 0 {
      text += ", nothing to redact"
    } else {
      let kinds = SecretKind.allCases.filter { counts.byKind[$0.index] > 0 }
        .sorted { counts.byKind[$0.index] > counts.byKind[$1.index] }
        .map { "\($0.name) \(counts.byKind[$0.index])" }
      text += ", \(total) \(redacting ? "redacted" : "found") in \(counts.linesWithFindings) lines"
      text += " (\(counts.json) JSON, \(counts.text) not JSON, redacted as text): " + kinds.joined(separator: ", ")
    }
    if counts.dropped > 0 { text += "; \(counts.dropped) lines that are not JSON dropped" }
    return text + "\n"
  }

  private func sameFile(_ a: String, _ b: String) -> Bool {
    var first = stat()
    var second = stat()
    guard stat(a, &first) == 0, stat(b, &second) == 0 else { return false }
    return first.st_dev == second.st_dev && first.st_ino == second.st_ino
  }
}

struct Audit: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Which services and fields leak secrets or PII, and the first line of each (never the value).",
    discussion: """
      Examples:
        logscan audit logs/
        logscan audit --format json app.jsonl.zst > leaks.json
      """
  )

  @OptionGroup var input: InputOptions
  @OptionGroup(title: "Redaction") var redaction: RedactionOptions

  @Option(help: "Report format: text, json or markdown.")
  var format: DocumentFormat = .text

  @Option(name: [.customShort("o"), .long], help: "Write the report to this file instead of standard output.")
  var output: String?

  @Flag(help: "Exit with status 1 when anything was found (for CI gates).")
  var strict = false

  func run() throws {
    Output.ignoreBrokenPipeSignal()
    let configuration = try input.configuration()
    // The audit finds with the same detectors whatever the mode; its report
    // never holds a value, and names pass through the redactor.
    var redactor = try redaction.redactor(configuration)
    if !redactor.enabled { redactor = .standard }
    var options = input.scanOptions(configuration)
    options.audit = redactor
    try input.refuseKeyboard()
    let result = try input.scan(options)
    let report = SummaryReport(result, topErrorCount: 0, filter: redactor, audited: true)
    let audit = report.audit!
    let target = OutputTarget(path: output)
    switch format {
    case .text: try target.write(audit.report(lines: report.lines.read, markdown: false))
    case .json: try target.write(audit.json.rendered() + "\n")
    case .markdown: try target.write(audit.report(lines: report.lines.read, markdown: true))
    }
    try input.finish(result.errors)
    if strict && audit.findings > 0 { throw ExitStatus.checkFailed }
  }
}
