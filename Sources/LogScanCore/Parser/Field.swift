/// The canonical fields an event is made of. Every log format is read into
/// these, whatever its own key names (see `FieldMap`).
package enum Field: Int, CaseIterable, Sendable {
  case timestamp
  case level
  case service
  case requestId
  case userId
  case action
  case duration
  case status
  case method
  case path
  case message
  /// An HTTP request line ("GET /path HTTP/1.1", nginx's $request): read
  /// into method and path when those are not given on their own.
  case requestLine
  /// Slots for other keys that rules, counters and group-bys name
  /// (`queue_depth`, `region`): bound by the configuration, read raw.
  case extra0, extra1, extra2, extra3, extra4, extra5, extra6, extra7

  package static let count = Field.allCases.count
  /// The slots a configuration may bind to keys of its choosing.
  package static let extras: [Field] = [.extra0, .extra1, .extra2, .extra3, .extra4, .extra5, .extra6, .extra7]
  /// The fields of the canonical event (every field but the extra slots).
  package static let canonical: [Field] = allCases.filter { !extras.contains($0) }

  /// The key this field has in the canonical event shape (DESIGN.md).
  package var canonicalKey: String {
    switch self {
    case .timestamp: return "timestamp"
    case .level: return "level"
    case .service: return "service"
    case .requestId: return "requestId"
    case .userId: return "userId"
    case .action: return "action"
    case .duration: return "duration_ms"
    case .status: return "status"
    case .method: return "method"
    case .path: return "path"
    case .message: return "message"
    case .requestLine: return "request"
    case .extra0, .extra1, .extra2, .extra3, .extra4, .extra5, .extra6, .extra7:
      return "extra\(rawValue - Field.extra0.rawValue)"
    }
  }
}

/// How a numeric duration or timestamp value is to be read.
package enum ValueUnit: UInt8, Sendable {
  /// Chosen from the value: durations in milliseconds, timestamps by magnitude.
  case automatic
  case nanoseconds
  case microseconds
  case milliseconds
  case seconds
  /// A measured duration as Caddy's zap encoder writes it: seconds with a
  /// fraction by default, an integer of nanoseconds with `duration_format
  /// nano`. A request that took a whole number of seconds to the
  /// nanosecond is never seen (0 is 0 either way); a zap `duration` in
  /// general may be (`"timeout":30`), so only Caddy's is read this way.
  case secondsOrIntegerNanoseconds

  /// Nanoseconds in one unit (automatic durations are milliseconds).
  package var nanosecondsPerUnit: Double {
    switch self {
    case .nanoseconds: return 1
    case .microseconds: return 1e3
    case .automatic, .milliseconds: return 1e6
    case .seconds, .secondsOrIntegerNanoseconds: return 1e9
    }
  }
}

/// What a key found in a line means: which field it fills, how its value is
/// read, and how strongly it claims the field when several keys could.
package struct FieldBinding: Sendable, Equatable {
  package var field: Field
  package var unit: ValueUnit
  /// How a numeric level is read.
  package var levelScale: LevelScale
  /// Lower wins when two keys of one line map to the same field.
  package var priority: UInt8

  package init(field: Field, unit: ValueUnit = .automatic, levelScale: LevelScale = .pino, priority: UInt8 = 0) {
    self.field = field
    self.unit = unit
    self.levelScale = levelScale
    self.priority = priority
  }
}
