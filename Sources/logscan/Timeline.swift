import ArgumentParser
import LogScanCore

enum TimelineFormat: String, ExpressibleByArgument, CaseIterable {
  case markdown, html, json
}

/// `logscan timeline`: incidents as a post-mortem would tell them.
struct Timeline: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Incident timelines for post-mortems: what happened, when, how bad, what changed before.",
    discussion: """
      Alerts that fired (the rules of 'logscan rules --list' and the
      configuration's) and overlap, or follow each other within
      timeline.merge_gap (10m) on related scopes, are one incident. For each:
      a summary, start (first anomalous minute), detection, peak, end, impact
      (failed requests, error budget, routes, users), a minute-by-minute
      timeline (changes before it, new errors, threshold crossings, alert
      states, peak, recovery), top errors against the hour before and sample
      failed requests. --from/--to names a window instead, alert or not.
      Everything is redacted. Details: docs/timeline.md.

      Examples:
        logscan timeline logs/*.jsonl.zst -o incident.md
        logscan timeline --format html -o incident.html app.log
        logscan timeline --from 2026-02-07T10:00 --to 2026-02-07T11:00 logs/
        logscan timeline --format json app.log | jq '.incidents[].title'
      """
  )

  @OptionGroup var input: InputOptions
  @OptionGroup(title: "Alerts") var alerts: AlertOptions
  @OptionGroup(title: "Redaction") var redaction: RedactionOptions

  @Option(help: "Report format: markdown, html (self-contained, with charts) or json.")
  var format: TimelineFormat = .markdown

  @Option(
    help: ArgumentHelp(
      "The start of a window to report on, alert or not (RFC 3339; no offset: UTC).", valueName: "time"))
  var from: String?

  @Option(help: ArgumentHelp("The end of that window.", valueName: "time"))
  var to: String?

  @Option(
    help: ArgumentHelp(
      "Alerts of this severity or more make incidents (default: timeline.severity, critical); others are shown with them.",
      valueName: "severity"))
  var severity: Severity?

  @Option(name: [.customShort("o"), .long], help: "Write the timeline to this file instead of standard output.")
  var output: String?

  func validate() throws {
    let window = try self.window()
    if let from = window?.from, let to = window?.to, to <= from {
      throw ValidationError("'--to' must be after '--from'")
    }
  }

  /// The window the user named, if any.
  func window() throws -> (from: Int64?, to: Int64?)? {
    guard from != nil || to != nil else { return nil }
    return (try from.map { try Self.time($0, "--from") }, try to.map { try Self.time($0, "--to") })
  }

  /// "2026-02-07T10:00", "2026-02-07 10:00:30Z", "2026-02-07T10:00:00+02:00", "2026-02-07".
  static func time(_ text: String, _ option: String) throws -> Int64 {
    var bytes = Array(text.utf8)
    if bytes.count == 10 { bytes += Array("T00:00:00".utf8) }
    // Minutes without seconds: add them.
    if bytes.count >= 16, bytes.count == 16 || !(bytes[16] == UInt8(ascii: ":")) {
      bytes.insert(contentsOf: Array(":00".utf8), at: 16)
    }
    guard let nanos = bytes.withUnsafeBufferPointer({ Timestamp.parseRFC3339($0.baseAddress!, $0.count) }) else {
      throw ValidationError("'\(option)' must be a date and time such as 2026-02-07T10:00:00Z, got '\(text)'")
    }
    return nanos
  }

  func run() throws {
    Output.ignoreBrokenPipeSignal()
    var (configuration, redactor, options) = try alerts.prepare(input, redaction)
    var correlation = configuration.correlation
    correlation?.failedPerMinute = configuration.timeline.samples
    options.correlation = correlation
    var settings = configuration.timeline
    if let severity { settings.severity = severity }
    options.timeline = settings
    try input.refuseKeyboard()
    let result = try input.scan(options)
    let report = TimelineReport(result, settings: settings, window: try window(), filter: redactor)
    let target = OutputTarget(path: output)
    switch format {
    case .markdown: try target.write(report.markdown)
    case .html: try target.write(report.html)
    case .json: try target.write(report.json.rendered() + "\n")
    }
    try alerts.writeEvents(
      result.rulePlan.flatMap { plan in
        result.evaluation.map { AlertReport(plan: plan, shard: result.shard.rules!, evaluation: $0, filter: redactor) }
      })
    try input.finish(result.errors)
  }
}
