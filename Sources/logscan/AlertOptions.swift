import ArgumentParser
import LogScanCore

/// Options of the commands that evaluate alert rules.
struct AlertOptions: ParsableArguments {
  @Option(
    name: .customLong("alerts-out"),
    help: ArgumentHelp(
      "Write every alert state change as NDJSON to this file ('-': standard output).", valueName: "file"))
  var alertsOut: String?

  @Option(
    name: .customLong("rules"),
    help: ArgumentHelp(
      "A configuration file holding rules (the same format as --config; give one or the other).",
      valueName: "file"))
  var rulesFile: String?

  /// The configuration: the rules file if given, else the usual one.
  func configuration(_ input: InputOptions) throws -> Configuration {
    if let rulesFile {
      guard input.config == nil else {
        throw ValidationError("give --rules or --config, not both: a rules file is a configuration file")
      }
      return try ConfigFile.load(explicit: rulesFile)
    }
    return try input.configuration()
  }

  /// The configuration, its redactor, and scan options that evaluate its
  /// rules (the redactor also cleans error messages before they become
  /// templates).
  func prepare(_ input: InputOptions, _ redaction: RedactionOptions) throws -> (
    configuration: Configuration, redactor: Redactor, options: ScanOptions
  ) {
    let configuration = try self.configuration(input)
    let redactor = try redaction.redactor(configuration)
    var options = input.scanOptions(configuration)
    options.redactor = redactor
    options.rules = configuration.rulePlan
    return (configuration, redactor, options)
  }

  /// Writes the state changes as NDJSON, when asked to.
  func writeEvents(_ report: AlertReport?) throws {
    guard let alertsOut, let report else { return }
    var text = ""
    for event in report.events { text += event.json.rendered(pretty: false) + "\n" }
    try OutputTarget(path: alertsOut == "-" ? nil : alertsOut).write(text)
  }
}
