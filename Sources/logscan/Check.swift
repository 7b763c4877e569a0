import ArgumentParser
import LogScanCore

/// `logscan check`: a gate for deploys and rollback automation.
struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Exit 1 if any alert rule fired over the inputs, 0 if none did.",
    discussion: """
      Evaluates the built-in rules (see 'logscan rules --list') and those of the
      configuration or --rules file over the inputs, on event time, and prints
      every rule that fired. Exit status: 0 no rule fired; 1 a rule fired (of at
      least --severity); 2 usage error or unreadable input; 3 corrupt input.

      Examples:
        logscan check logs/                              after a deploy
        logscan check --rules rules.yml --severity critical logs/*.zst
        logscan check --alerts-out alerts.ndjson app.log
      """
  )

  @OptionGroup var input: InputOptions
  @OptionGroup(title: "Alerts") var alerts: AlertOptions
  @OptionGroup(title: "Redaction") var redaction: RedactionOptions

  @Option(help: "Only rules of this severity or worse count: info, warning or critical.")
  var severity: Severity = .info

  @Flag(name: [.customShort("q"), .long], help: "Print nothing; only the exit status tells.")
  var quiet = false

  func run() throws {
    Output.ignoreBrokenPipeSignal()
    let (_, redactor, options) = try alerts.prepare(input, redaction)
    try input.refuseKeyboard()
    let result = try input.scan(options)
    let report = SummaryReport(result, topErrorCount: 0, filter: redactor)
    try alerts.writeEvents(report.alerts)
    let fired = report.alerts?.episodes.filter { $0.severity >= severity } ?? []
    if !quiet {
      var text: String
      if fired.isEmpty {
        text = "ok: no rule of severity \(severity.rawValue) or worse fired"
        if let alerts = report.alerts { text += " (\(alerts.header))" }
        text += "\n"
      } else {
        text = "FAILED: \(fired.count) alert\(fired.count == 1 ? "" : "s") of severity \(severity.rawValue) or worse\n"
        text += report.alerts!.episodeTable(severityAtLeast: severity).text()
      }
      if report.lines.parsed == 0 { Output.warn("no events were read: nothing was checked") }
      try OutputTarget(path: nil).write(text)
    }
    // A rule that fired fails the gate even when part of the input was bad.
    if !fired.isEmpty {
      for error in result.errors { Output.warn(error.message) }
      throw ExitStatus.checkFailed
    }
    try input.finish(result.errors)
  }
}

extension Severity: ExpressibleByArgument {}

/// `logscan rules`: which rules are in force.
struct Rules: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List the alert rules and counters in force (built-in and configured).",
    discussion: """
      Examples:
        logscan rules --list
        logscan rules --list --rules rules.yml
      Turn a built-in rule off in the configuration: alerting: { disable: [name] }.
      Semantics: docs/rules.md.
      """
  )

  @Flag(help: "List them (the default).")
  var list = false

  @Option(help: "Configuration file (default: ./logscan.yml, then $XDG_CONFIG_HOME/logscan/config.yml).")
  var config: String?

  @Option(name: .customLong("rules"), help: ArgumentHelp("A configuration file holding rules.", valueName: "file"))
  var rulesFile: String?

  func run() throws {
    Output.ignoreBrokenPipeSignal()
    if config != nil && rulesFile != nil { throw ValidationError("give --rules or --config, not both") }
    let configuration = try ConfigFile.load(explicit: rulesFile ?? config)
    var table = Table([
      ("RULE", .left), ("SEVERITY", .left), ("SCOPE", .left), ("EXPR", .left), ("WINDOW", .right), ("FOR", .right),
      ("MIN", .right), ("STATE", .left),
    ])
    let inForce = Set(configuration.rules.map(\.name))
    let userNames = Set(configuration.userRules.map(\.name))
    for rule in configuration.builtinRules + configuration.userRules {
      let isBuiltin = configuration.builtinRules.contains(rule) && !userNames.contains(rule.name)
      let state: String
      if configuration.userRules.contains(rule) {
        state =
          configuration.builtinRules.contains { $0.name == rule.name } ? "configured (replaces built-in)" : "configured"
      } else if userNames.contains(rule.name) {
        continue
      } else {
        state = inForce.contains(rule.name) ? "built-in" : "built-in, disabled"
      }
      _ = isBuiltin
      var expression = rule.expression
      if let filter = rule.filter { expression += " where " + filter.description }
      table.add([
        rule.name, rule.severity.rawValue, rule.scope.label ?? "overall", expression, Rule.durationText(rule.window),
        rule.forDuration > 0 ? Rule.durationText(rule.forDuration) : "-", String(rule.minSamples), state,
      ])
    }
    var text =
      "Alert rules (evaluated every \(Rule.durationText(configuration.alerting.step)) of event time; docs/rules.md)\n"
    text += table.text()
    text += "\nCounters\n"
    var counters = Table([("COUNTER", .left), ("WHERE", .left), ("BY", .left), ("SUM", .left), ("STATE", .left)])
    for counter in configuration.counters {
      counters.add([
        counter.name, counter.predicate.description, counter.groupBy?.name ?? "-", counter.sum?.name ?? "-",
        counter.isDefault ? "built-in (shown when it counts something)" : "configured",
      ])
    }
    text += counters.text()
    // Predicates quote values from the configuration (a user name, an
    // address): they pass the same redactor as every other output.
    try OutputTarget(path: nil).write(Redactor.standard.filter(text))
  }
}
