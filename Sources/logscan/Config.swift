import ArgumentParser
import LogScanCore

struct Config: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show the configuration in force (fields mapped, units, format).",
    discussion: """
      The file is --config FILE, else ./logscan.yml, else
      $XDG_CONFIG_HOME/logscan/config.yml. See docs/formats.md.
      """
  )

  @Option(help: "The configuration file to read.")
  var config: String?

  @Flag(name: .customLong("print"), help: "Print the effective configuration as YAML.")
  var printConfiguration = false

  func run() throws {
    let configuration = try ConfigFile.load(explicit: config)
    try OutputTarget(path: nil).write(configuration.yaml)
  }
}
