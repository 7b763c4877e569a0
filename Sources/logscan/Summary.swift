import ArgumentParser
import LogScanCore

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json, markdown, prometheus
}

/// The formats of reports that are documents only (no metrics exposition).
enum DocumentFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json, markdown
}

/// Options every scanning command shares.
struct InputOptions: ParsableArguments {
  @Argument(
    help: ArgumentHelp(
      "Log files, directories (their files) or '-' for standard input (the default).",
      valueName: "input"))
  var inputs: [String] = []

  @Option(name: .customLong("max-line-bytes"), help: "Lines longer than this are counted as skipped.")
  var maxLineBytes: Int = 1 << 20

  @Option(name: [.customShort("j"), .long], help: "Worker threads (default: the number of cores).")
  var jobs: Int?

  @Flag(name: .customLong("no-progress"), help: "Never draw the progress bar.")
  var noProgress = false

  @Option(help: "Configuration file (default: ./logscan.yml, then $XDG_CONFIG_HOME/logscan/config.yml).")
  var config: String?

  func validate() throws {
    try Self.validate(maxLineBytes: maxLineBytes)
    if let jobs, jobs < 1 || jobs > 256 {
      throw ValidationError("'--jobs' must be between 1 and 256, got '\(jobs)'")
    }
  }

  func configuration() throws -> Configuration { try ConfigFile.load(explicit: config) }

  func scanOptions(_ configuration: Configuration) -> ScanOptions {
    var options = ScanOptions()
    options.formats = configuration.formatCatalog
    options.maxLineBytes = maxLineBytes
    options.jobs = jobs ?? Int(systemCoreCount())
    return options
  }
}

struct Summary: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "One report over all inputs: latency percentiles, errors, routes, accounting.",
    discussion: """
      Examples:
        logscan summary app.jsonl
        logscan summary logs/2026-11-*.jsonl.zst --format json -o report.json
        logscan summary --format markdown logs/ > report.md
      """
  )

  @OptionGroup var input: InputOptions
  @OptionGroup(title: "Alerts") var alerts: AlertOptions
  @OptionGroup(title: "Redaction") var redaction: RedactionOptions

  @Option(help: "Report format: text, json, markdown or prometheus (the text exposition format).")
  var format: ReportFormat = .text

  @Flag(name: .customLong("no-rules"), help: "Evaluate no alert rules and count no business counters.")
  var noRules = false

  @Flag(name: .customLong("no-correlation"), help: "Do not follow requests by id (no REQUESTS section).")
  var noCorrelation = false

  @Option(name: [.customShort("o"), .long], help: "Write the report to this file instead of standard output.")
  var output: String?

  @Option(name: .customLong("top-errors"), help: "How many error templates to list.")
  var topErrors: Int = 10

  @Flag(
    help: ArgumentHelp(
      "Add the SECRETS AND PII section: which services and fields leak what (as 'logscan audit').",
      discussion: "It searches every string of every line, which makes the summary about 3 times slower."))
  var audit = false

  func validate() throws {
    guard topErrors >= 0 else {
      throw ValidationError("'--top-errors' must be 0 or more, got '\(topErrors)'")
    }
  }

  func run() throws {
    Output.ignoreBrokenPipeSignal()
    var (configuration, redactor, options) = try alerts.prepare(input, redaction)
    if noRules { options.rules = nil }
    options.correlation = noCorrelation ? nil : configuration.correlation
    if audit { options.audit = redactor.enabled ? redactor : .standard }
    try input.refuseKeyboard()
    let result = try input.scan(options)
    let report = SummaryReport(
      result, topErrorCount: topErrors, filter: redactor, audited: audit, durationBuckets: format == .prometheus)
    let target = OutputTarget(path: output)
    switch format {
    case .text: try target.write(report.text(color: target.wantsColor))
    case .json: try target.write(report.json.rendered() + "\n")
    case .markdown: try target.write(report.markdown)
    case .prometheus: try target.write(report.prometheus)
    }
    try alerts.writeEvents(report.alerts)
    try input.finish(result.errors)
  }
}

extension InputOptions {
  /// Checks a `--max-line-bytes` value (16 bytes to 1 GiB).
  static func validate(maxLineBytes: Int) throws {
    guard ScanOptions.lineLimits.contains(maxLineBytes) else {
      throw ValidationError(
        "'--max-line-bytes' must be between \(ScanOptions.lineLimits.lowerBound) and "
          + "\(ScanOptions.lineLimits.upperBound) (1 GiB), got '\(maxLineBytes)'")
    }
  }

  func refuseKeyboard() throws {
    if inputs.isEmpty && isTerminal(0) {
      // `logscan` typed alone at a prompt: waiting on the keyboard for logs
      // would look like a hang.
      throw UsageError("no input: pipe logs in (tail -f app.log | logscan) or name files (logscan summary app.log)")
    }
  }

  /// Plans the inputs, or fails when none can be opened.
  func plan(_ options: ScanOptions) throws -> InputPlan {
    let plan = InputPlan.make(paths: inputs, options: options)
    if plan.units.isEmpty && !plan.openErrors.isEmpty {
      // Nothing could be opened: a report of nothing would only hide the error.
      for error in plan.openErrors { Output.warn(error.message) }
      throw ExitStatus.usageOrUnreadable
    }
    return plan
  }

  /// The summary's scan, with a progress bar on a terminal.
  func scan(_ options: ScanOptions) throws -> SummaryResult {
    var options = options
    let plan = try plan(options)
    var bar: ProgressBar?
    if !noProgress && !plan.hasStreams && ProgressBar.shouldShow() {
      let counter = ProgressCounter()
      options.progress = counter
      bar = ProgressBar(counter: counter, total: plan.totalBytes)
      bar?.start()
    }
    let result = SummaryScan.run(plan, options: options)
    bar?.stop()
    return result
  }

  /// Reports input errors and sets the exit status they call for.
  func finish(_ errors: [ReaderError]) throws {
    for error in errors { Output.warn(error.message) }
    if errors.contains(where: \.isUnreadable) { throw ExitStatus.usageOrUnreadable }
    if !errors.isEmpty { throw ExitStatus.partlyCorrupt }
  }
}
