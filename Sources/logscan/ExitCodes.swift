import ArgumentParser

/// logscan's exit statuses (docs/exit-codes.md).
enum ExitStatus {
  static let ok = ExitCode(0)
  /// A check failed (an alert rule fired): `logscan check`.
  static let checkFailed = ExitCode(1)
  /// A usage error, or an input that could not be opened or read at all.
  static let usageOrUnreadable = ExitCode(2)
  /// Input was read, but part of it was corrupt (e.g. a truncated archive).
  static let partlyCorrupt = ExitCode(3)
}
