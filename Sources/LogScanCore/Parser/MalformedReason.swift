/// Why a line was not read as an event. The raw values are the stable names
/// used in reports (`lines.malformedByReason` in the JSON schema).
package enum MalformedReason: String, CaseIterable, Sendable, Comparable {
  case notAnObject = "not_an_object"
  case truncated = "truncated"
  case trailingData = "trailing_data"
  case controlCharacter = "control_character"
  case invalidEscape = "invalid_escape"
  case invalidNumber = "invalid_number"
  case invalidLiteral = "invalid_literal"
  case unexpectedByte = "unexpected_byte"
  case tooDeep = "too_deep"
  case wrongType = "wrong_type"
  case badTimestamp = "bad_timestamp"

  package var explanation: String {
    switch self {
    case .notAnObject: return "not a JSON object"
    case .truncated: return "line ends inside the JSON value"
    case .trailingData: return "bytes after the end of the object"
    case .controlCharacter: return "raw control character inside a string"
    case .invalidEscape: return "invalid escape sequence in a string"
    case .invalidNumber: return "invalid number"
    case .invalidLiteral: return "invalid literal (true, false or null misspelt)"
    case .unexpectedByte: return "unexpected byte"
    case .tooDeep: return "nesting deeper than the limit"
    case .wrongType: return "a field has the wrong type (e.g. a non-numeric duration)"
    case .badTimestamp: return "a timestamp that cannot be read"
    }
  }

  package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Why a line was skipped rather than parsed.
package enum SkipReason: String, CaseIterable, Sendable, Comparable {
  case blank = "blank"
  case tooLong = "too_long"
  /// A container runtime's piece of a line over 16 KiB, read joined to
  /// the piece before it (the joined line counts once, as its first piece).
  case continuation = "continuation"

  package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
