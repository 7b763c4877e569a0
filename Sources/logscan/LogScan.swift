import ArgumentParser
import LogScanCore

@main
struct LogScan: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "logscan",
    abstract: "Read structured JSON logs and answer: how slow, how broken, since when.",
    discussion: """
      Reads NDJSON logs (one JSON object per line) from standard input, files,
      directories and zstd or gzip archives (detected by content, not name).

      Examples:
        tail -f app.log | logscan                  live: 'logscan watch' (alerts as they happen)
        logscan summary logs/*.jsonl logs/*.jsonl.zst logs/*.gz
        logscan summary --format json big.jsonl.zst > report.json
        logscan summary --format markdown logs/ > report.md
        logscan trace req_8f2c logs/*.zst            one request across services
        logscan timeline --format html -o incident.html logs/   incident timelines
        logscan redact < raw.jsonl > safe.jsonl     secrets and PII replaced
        logscan audit logs/                         which services leak what
        logscan check logs/                         exit 1 if an alert rule fired
        logscan rules --list                        the rules in force

      Secrets and PII are redacted in everything logscan prints; --no-redact
      turns that off (with a warning).

      Exit status: 0 ok; 1 'check' found a rule that fired; 2 usage error
      or an input that could not be read; 3 input read, but part of it was
      corrupt (e.g. a truncated archive). Details: docs/exit-codes.md.
      """,
    subcommands: [
      Summary.self, Watch.self, Trace.self, Timeline.self, Check.self, Rules.self, Redact.self, Audit.self,
      Formats.self,
      Config.self,
    ],
    defaultSubcommand: Summary.self
  )

  /// argument-parser reports usage errors with status 64 (EX_USAGE);
  /// logscan's documented status for them is 2.
  static func main() {
    MemoryPolicy.mapLargeBuffers()
    do {
      var command = try parseAsRoot(Self.routedArguments())
      try command.run()
    } catch let error as UsageError {
      Output.writeStandardError("Error: \(Output.redactor.filter(error.description))\n")
      ExitStatus.usageOrUnreadable.exitProcess()
    } catch {
      if exitCode(for: error) == .validationFailure {
        Output.writeStandardError(Output.redactor.filter(fullMessage(for: error)) + "\n")
        ExitStatus.usageOrUnreadable.exitProcess()
      }
      exit(withError: error)
    }
  }
}

extension LogScan {
  /// `logscan` with no subcommand reading a pipe is live: `logscan watch`
  /// (when its options are ones watch has; otherwise the summary, as before).
  static func routedArguments() -> [String] {
    let arguments = Array(CommandLine.arguments.dropFirst())
    let names = Set(configuration.subcommands.map { $0._commandName } + ["help"])
    if let first = arguments.first,
      names.contains(first) || first.hasPrefix("-h") || first == "--help"
        || first == "--version"
    {
      return arguments
    }
    guard !isTerminal(0), (try? Watch.parse(arguments)) != nil else { return arguments }
    return ["watch"] + arguments
  }
}

extension ExitCode {
  func exitProcess() -> Never {
    LogScan.exit(withError: self)
  }
}
