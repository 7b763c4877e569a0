/// Log levels on one scale, whatever names or numbers a library uses.
package enum Level: UInt8, CaseIterable, Sendable, Comparable {
  case trace, debug, info, warn, error, fatal
  /// A level field the scale does not know.
  case other
  /// No level field.
  case none

  package var name: String {
    switch self {
    case .trace: return "trace"
    case .debug: return "debug"
    case .info: return "info"
    case .warn: return "warn"
    case .error: return "error"
    case .fatal: return "fatal"
    case .other: return "other"
    case .none: return "none"
    }
  }

  package var isError: Bool { self == .error || self == .fatal }

  package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

  /// Reads a level name, case-insensitively: the names of syslog, log4j,
  /// Python, Go, Node and Rust loggers, and their common abbreviations.
  package static func parse(name p: UnsafePointer<UInt8>, _ n: Int) -> Level {
    guard n > 0 && n <= 15 else { return .other }
    var word: UInt64 = 0
    for i in 0..<min(n, 8) { word |= UInt64(p[i] | 0x20) << (8 * UInt64(i)) }
    if n > 8 {
      // Only these are longer than eight letters.
      var rest: [UInt8] = []
      for i in 8..<n { rest.append(p[i] | 0x20) }
      if word == littleEndianWord("informat") && rest == Array("ion".utf8) { return .info }
      if word == littleEndianWord("emergenc") && rest == Array("y".utf8) { return .fatal }
      if word == littleEndianWord("requestr") && rest == Array("esponse".utf8) { return .info }
      return .other
    }
    return names[word] ?? .other
  }

  /// Reads a numeric level on a scale: pino/bunyan (10 trace ... 60 fatal;
  /// a level of 35 is between info and warn: info), OpenTelemetry's
  /// severityNumber (1-24, four per level), or a syslog severity (0-7).
  package static func parse(number: Double, scale: LevelScale = .pino) -> Level {
    if scale == .errorWhenPresent { return .error }
    if scale == .klogVerbosity { return number < 0 ? .other : number < 4 ? .info : .debug }
    if scale == .syslog {
      switch number {
      case ..<0: return .other
      case ..<3: return .fatal
      case ..<4: return .error
      case ..<5: return .warn
      case ..<7: return .info
      case ..<8: return .debug
      default: return .other
      }
    }
    if scale == .openTelemetry {
      switch number {
      case ..<1: return .other
      case ..<5: return .trace
      case ..<9: return .debug
      case ..<13: return .info
      case ..<17: return .warn
      case ..<21: return .error
      default: return .fatal
      }
    }
    switch number {
    case ..<20: return .trace
    case ..<30: return .debug
    case ..<40: return .info
    case ..<50: return .warn
    case ..<60: return .error
    default: return .fatal
    }
  }

  private static let names: [UInt64: Level] = {
    let table: [(String, Level)] = [
      ("trace", .trace), ("trc", .trace), ("verbose", .trace), ("silly", .trace), ("finest", .trace),
      ("finer", .trace), ("debug", .debug), ("dbg", .debug), ("fine", .debug), ("info", .info),
      ("inf", .info), ("notice", .info), ("http", .info), ("config", .info), ("success", .info), ("warn", .warn),
      ("warning", .warn), ("wrn", .warn), ("error", .error), ("err", .error), ("severe", .error),
      ("fatal", .fatal), ("critical", .fatal), ("crit", .fatal), ("alert", .fatal),
      ("emerg", .fatal), ("panic", .fatal), ("dpanic", .fatal), ("ftl", .fatal),
      // PostgreSQL's severities (LOG is its informational level).
      ("log", .info), ("debug1", .debug), ("debug2", .debug), ("debug3", .debug), ("debug4", .debug),
      ("debug5", .debug),
      ("t", .trace), ("d", .debug), ("i", .info), ("w", .warn), ("e", .error), ("f", .fatal),
      // logrus's and log15's four-letter forms.
      ("trac", .trace), ("debu", .debug), ("erro", .error), ("fata", .fatal), ("pani", .fatal), ("eror", .error),
      ("dbug", .debug), ("crt", .fatal),
      // Kubernetes audit levels (how much of a request was recorded).
      ("metadata", .info), ("request", .info),
      // MongoDB's debug severities, by verbosity.
      ("d1", .debug), ("d2", .debug), ("d3", .debug), ("d4", .debug), ("d5", .debug),
    ]
    var result: [UInt64: Level] = [:]
    for (name, level) in table { result[littleEndianWord(name)] = level }
    return result
  }()
}
