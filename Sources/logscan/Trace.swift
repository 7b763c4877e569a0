import ArgumentParser
import LogScanCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// `logscan trace`: one request's whole story, across services and files.
struct Trace: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Every event of some requests, from all inputs, in time order, with a per-service waterfall.",
    discussion: """
      The first argument is the request id (several: comma-separated, or
      --id more than once); the others are the inputs. With --failed or
      --slowest, requests are chosen by outcome instead (a first pass over
      the inputs finds them; standard input is kept in a temporary file for
      the second). Request ids are read from requestId, request_id, req_id,
      trace_id, traceId, trace.id, X-Request-ID and the formats' own keys.
      Exit status 1 when an id asked for has no events.

      Examples:
        logscan trace req_8f2c logs/*.zst
        logscan trace req_8f2c,req_91aa app.log --format json
        logscan trace --slowest 3 logs/
        logscan trace --failed --limit 5 --format markdown app.log > failures.md
      """
  )

  @OptionGroup var input: InputOptions
  @OptionGroup(title: "Redaction") var redaction: RedactionOptions

  @Option(name: .customLong("id"), help: "A request id to trace (repeatable).")
  var ids: [String] = []

  @Flag(help: "Trace the latest failed requests (at most --limit).")
  var failed = false

  @Option(help: "Trace the N slowest requests.")
  var slowest: Int?

  @Option(help: "How many failed requests --failed traces.")
  var limit: Int = 10

  @Option(help: "Report format: text, json or markdown.")
  var format: DocumentFormat = .text

  @Option(name: [.customShort("o"), .long], help: "Write the report to this file instead of standard output.")
  var output: String?

  func validate() throws {
    if let slowest, slowest < 1 { throw ValidationError("'--slowest' must be at least 1, got '\(slowest)'") }
    guard limit >= 1 else { throw ValidationError("'--limit' must be at least 1, got '\(limit)'") }
  }

  func run() throws {
    Output.ignoreBrokenPipeSignal()
    let configuration = try input.configuration()
    let redactor = try redaction.redactor(configuration)
    var options = input.scanOptions(configuration)
    options.redactor = redactor
    var inputs = input
    var wanted = ids.flatMap { $0.split(separator: ",").map(String.init) }
    let byOutcome = failed || slowest != nil
    if wanted.isEmpty && !byOutcome {
      guard !inputs.inputs.isEmpty else {
        throw ValidationError("name a request id (logscan trace ID [inputs]), or use --failed or --slowest N")
      }
      wanted = inputs.inputs.removeFirst().split(separator: ",").map(String.init)
    }
    try inputs.refuseKeyboard()
    var spooled: String?
    defer { if let spooled { unlink(spooled) } }
    var chosen: [[UInt8]] = wanted.map { Array($0.utf8) }
    if byOutcome {
      if inputs.inputs.isEmpty || inputs.inputs.contains("-") {
        let path = try Self.spoolStandardInput()
        spooled = path
        inputs.inputs = inputs.inputs.isEmpty ? [path] : inputs.inputs.map { $0 == "-" ? path : $0 }
      }
      var first = options
      var settings = configuration.correlation ?? CorrelationSettings()
      settings.top = max(slowest ?? 0, failed ? limit : 0)
      first.correlation = settings
      let result = try inputs.scan(first)
      let stats = result.shard.correlation ?? CorrelationStats()
      var seen = Set(chosen)
      let picked =
        (slowest.map { stats.slowest.items.prefix($0).map(\.id) } ?? [])
        + (failed ? stats.recentFailures.items.prefix(limit).map(\.id) : [])
      for id in picked where seen.insert(id).inserted { chosen.append(id) }
      if chosen.isEmpty {
        Output.warn(failed && slowest == nil ? "no failed requests in the inputs" : "no requests in the inputs")
      }
    }
    let plan = try inputs.plan(options)
    let result = TraceScan.run(plan, options: options, ids: chosen)
    var report = TraceReport(result, ids: chosen, filter: redactor)
    if let spooled {
      // The temporary file stands for standard input.
      let name = redactor.filter(spooled)
      for k in report.requests.indices {
        for e in report.requests[k].events.indices where report.requests[k].events[e].input == name {
          report.requests[k].events[e].input = options.standardInputName
        }
      }
    }
    let target = OutputTarget(path: output)
    switch format {
    case .text: try target.write(report.text(color: target.wantsColor))
    case .json: try target.write(report.json.rendered() + "\n")
    case .markdown: try target.write(report.markdown)
    }
    if !report.notFound.isEmpty {
      for id in report.notFound { Output.warn("request '\(id)': no events with this id in the inputs") }
      for error in result.errors { Output.warn(error.message) }
      throw ExitStatus.checkFailed
    }
    try inputs.finish(result.errors)
  }

  /// Copies standard input to a temporary file (read twice by --failed and --slowest).
  static func spoolStandardInput() throws -> String {
    let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    var template = Array((directory + "/logscan-stdin-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { throw UsageError("cannot create a temporary file for standard input") }
    defer { close(fd) }
    let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      guard n >= 0 else {
        unlink(path)
        throw UsageError("cannot read standard input")
      }
      if n == 0 { break }
      var written = 0
      while written < n {
        let w = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + written, n - written) }
        if w < 0 && errno == EINTR { continue }
        guard w > 0 else {
          unlink(path)
          throw UsageError("cannot write the temporary copy of standard input to \(path)")
        }
        written += w
      }
    }
    return path
  }
}
