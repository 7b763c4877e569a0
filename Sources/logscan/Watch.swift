import ArgumentParser
import LogScanCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Ctrl-C and SIGTERM seen so far (a signal handler may only touch this).
nonisolated(unsafe) private var stopRequests: sig_atomic_t = 0

/// `logscan watch`: a live stream, alerts as they happen.
struct Watch: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Follow a live log: alerts as they happen, a dashboard on a terminal, the summary at the end.",
    discussion: """
      Reads standard input (a pipe: tail -f app.log | logscan watch) or, with
      --follow, files like 'tail -F' (rotation, truncation, files that do not
      exist yet), and counts each line as it arrives. On a terminal a
      dashboard is redrawn every --interval; otherwise every alert state
      change is one NDJSON line (as --alerts-out writes them) and every
      --interval one {"type":"stats",...} line, flushed at once. Alert rules
      are evaluated on event time; when the stream goes quiet the wall clock
      moves the windows on. When the input ends, or on Ctrl-C or SIGTERM, the
      full summary is printed and logscan exits 0 (a second Ctrl-C exits at
      once). `logscan` with no subcommand and a pipe on standard input is
      'logscan watch'.

      Examples:
        tail -f app.log | logscan
        logscan watch --follow /var/log/app/*.log
        kubectl logs -f deploy/api | logscan watch --interval 5 > alerts.ndjson
      """
  )

  @Argument(help: ArgumentHelp("Files to follow (with --follow), or '-' for standard input.", valueName: "file"))
  var files: [String] = []

  @Flag(help: "Follow the files named, like 'tail -F' (standard input otherwise).")
  var follow = false

  @Flag(name: .customLong("from-start"), help: "With --follow, read what the files already hold first.")
  var fromStart = false

  @Option(help: "Seconds between dashboard redraws and stats lines.")
  var interval: Double = 1

  @Option(help: "Seconds after which a partial line without its newline is counted as it is.")
  var stall: Double = 2

  @Flag(name: .customLong("no-dashboard"), help: "Write NDJSON even on a terminal.")
  var noDashboard = false

  @Option(help: "Format of the final summary: text, json or markdown.")
  var format: DocumentFormat = .text

  @Option(name: .customLong("max-line-bytes"), help: "Lines longer than this are counted as skipped.")
  var maxLineBytes: Int = 1 << 20

  @Option(help: "Configuration file (default: ./logscan.yml, then $XDG_CONFIG_HOME/logscan/config.yml).")
  var config: String?

  @OptionGroup(title: "Alerts") var alerts: AlertOptions
  @OptionGroup(title: "Redaction") var redaction: RedactionOptions

  func validate() throws {
    guard interval >= 0.05 && interval <= 3600 else {
      throw ValidationError("'--interval' must be between 0.05 and 3600 seconds, got '\(interval)'")
    }
    guard stall > 0 else { throw ValidationError("'--stall' must be more than 0 seconds, got '\(stall)'") }
    try InputOptions.validate(maxLineBytes: maxLineBytes)
    if follow && files.isEmpty { throw ValidationError("--follow needs the files to follow") }
    if !follow && files.contains(where: { $0 != "-" }) {
      throw ValidationError("watch reads standard input; use --follow to follow files")
    }
    if fromStart && !follow { throw ValidationError("--from-start goes with --follow") }
  }

  func run() throws {
    Output.ignoreBrokenPipeSignal()
    var input = try InputOptions.parse(config.map { ["--config", $0] } ?? [])
    input.maxLineBytes = maxLineBytes
    var (configuration, redactor, options) = try alerts.prepare(input, redaction)
    options.correlation = configuration.correlation
    options.jobs = 1
    if !follow && isTerminal(0) {
      throw UsageError(
        "no input: pipe logs in (tail -f app.log | logscan) or follow files (logscan watch --follow app.log)")
    }
    let session = LiveSession(options: options, filter: redactor)
    let dashboard = !noDashboard && isTerminal(1) ? Dashboard() : nil
    installStopHandlers()
    dashboard?.start()
    defer { dashboard?.stop() }

    // Standard input is read, split and scanned on a thread of its own and
    // counted on this one; files followed are read here.
    let ahead =
      follow
      ? nil : LiveParseAhead(formats: session.parseAheadFormats, maxLineBytes: maxLineBytes, stall: stall)
    var reader = FollowReader(paths: follow ? files : [], fromStart: fromStart)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    var nextTick = monotonicSeconds() + min(interval, 0.25)
    var lastData = monotonicSeconds()
    var partialPending = false
    var writer = NDJSONWriter()
    func tick() {
      let update = session.tick(wall: monotonicSeconds())
      if let dashboard {
        dashboard.draw(update, lines: session.lines)
      } else {
        for alert in update.alerts { writer.line(alert.json.rendered(pretty: false)) }
        writer.line(update.stats.json.rendered(pretty: false))
        writer.flush()
      }
      if let path = alerts.alertsOut, path != "-", !update.alerts.isEmpty {
        appendAlerts(update.alerts, to: path)
      }
    }
    loop: while stopRequests == 0 {
      let now = monotonicSeconds()
      let wait = max(0, min(nextTick - now, 0.1))
      if let ahead {
        if ahead.next(waiting: wait, into: session) == .end {
          if let message = ahead.failure { Output.warn(message) }
          break loop
        }
      } else {
        switch reader.read(into: buffer, waiting: wait) {
        case .data(let count, let source):
          session.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), source: source)
          lastData = monotonicSeconds()
          partialPending = true
        case .nothing:
          if partialPending && monotonicSeconds() - lastData >= stall {
            for source in 0..<reader.sourceCount { session.flushPartialLine(source: source) }
            partialPending = false
          }
        case .end:
          break loop
        case .failed(let message):
          Output.warn(message)
          break loop
        }
      }
      if monotonicSeconds() >= nextTick {
        tick()
        nextTick = monotonicSeconds() + interval
      }
    }
    for message in reader.warnings { Output.warn(message) }
    // Stopped by a signal: what the reader has, a partial last line too.
    ahead?.stop(grace: 0.5, into: session)
    tick()
    dashboard?.stop()
    let result = session.finish(
      inputName: follow ? files.joined(separator: ", ") : "<stdin>",
      format: ahead?.format ?? .plain, isStandardInput: !follow)
    let report = SummaryReport(result, filter: redactor)
    let target = OutputTarget(path: nil)
    switch format {
    case .text: try target.write(report.text(color: target.wantsColor))
    case .json: try target.write(report.json.rendered() + "\n")
    case .markdown: try target.write(report.markdown)
    }
  }

  private func appendAlerts(_ events: [AlertReport.Event], to path: String) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { return }
    defer { close(descriptor) }
    let text = events.map { $0.json.rendered(pretty: false) + "\n" }.joined()
    _ = text.withCString { write(descriptor, $0, strlen($0)) }
  }

  private func installStopHandlers() {
    let handler: @convention(c) (Int32) -> Void = { _ in
      stopRequests += 1
      if stopRequests > 1 {
        // The second Ctrl-C: at once, the terminal put back as it was.
        let reset = "\u{1B}[?25h\u{1B}[?1049l"
        _ = reset.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
        _exit(130)
      }
    }
    var action = sigaction()
    action.__sigaction_handler.sa_handler = handler
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGINT, &action, nil)
    sigaction(SIGTERM, &action, nil)
    // A parent may have started us with them blocked (the mask is
    // inherited): Ctrl-C must work whoever started logscan.
    var unblock = sigset_t()
    sigemptyset(&unblock)
    sigaddset(&unblock, SIGINT)
    sigaddset(&unblock, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
  }
}

/// Lines to standard output, written at once (a pipe sees each as it
/// happens); a reader that went away ends logscan quietly.
struct NDJSONWriter {
  private var pending: [UInt8] = []

  mutating func line(_ text: String) {
    pending.append(contentsOf: text.utf8)
    pending.append(0x0A)
  }

  mutating func flush() {
    guard !pending.isEmpty else { return }
    pending.withUnsafeBytes { Output.writeStandardOutput($0) }
    pending.removeAll(keepingCapacity: true)
  }
}
