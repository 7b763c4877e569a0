/// Which events a counter counts or a rule looks at: field tests combined
/// with and / or / not (docs/rules.md, "Predicates").
package indirect enum Predicate: Sendable, Equatable {
  /// The field's value is one of these (text as written, numbers as
  /// written, levels by name on logscan's scale).
  case equals(FieldRef, [String])
  /// The field's text starts with one of these.
  case prefix(FieldRef, [String])
  /// The field is present (true) or absent (false).
  case exists(FieldRef, Bool)
  /// The event is an error (5xx or level error/fatal), or is not.
  case error(Bool)
  case all([Predicate])
  case any([Predicate])
  case not(Predicate)

  package var description: String {
    switch self {
    case .equals(let field, let values):
      return values.count == 1 ? "\(field) == \(values[0])" : "\(field) in [\(values.joined(separator: ", "))]"
    case .prefix(let field, let values): return "\(field) starts with \(values.joined(separator: " or "))"
    case .exists(let field, let present): return present ? "has \(field)" : "no \(field)"
    case .error(let error): return error ? "error" : "not error"
    case .all(let list): return list.map(\.description).joined(separator: " and ")
    case .any(let list): return "(" + list.map(\.description).joined(separator: " or ") + ")"
    case .not(let inner): return "not (\(inner.description))"
    }
  }
}

/// One parsed event and its line, for predicates and rule inputs to read
/// fields from: text compared in place unless escaped, numbers parsed on
/// demand. Valid while the line and the scanner's captures are.
struct EventView {
  let event: Event
  let isError: Bool
  let line: UnsafeRawBufferPointer
  let captures: UnsafePointer<Capture>
  /// Bit f: field f was captured.
  let found: UInt32

  @inline(__always)
  func capture(_ field: Field) -> Capture? {
    found & (1 << UInt32(field.rawValue)) != 0 ? captures[field.rawValue] : nil
  }

  /// Calls `body` with the value's text: a string's contents (decoded when
  /// escaped), or a number or literal as written; nil when absent or null
  /// or a container.
  @inline(__always)
  func withText<R>(_ field: Field, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let capture = capture(field) else { return body(nil) }
    let bytes = UnsafeRawBufferPointer(rebasing: line[Int(capture.start)..<Int(capture.end)])
    switch capture.kind {
    case .string:
      guard capture.escaped else { return body(bytes) }
      return decodeJSONString(bytes, escaped: true).withUnsafeBytes { body($0) }
    case .number, .bool: return body(bytes)
    case .null, .container: return body(nil)
    }
  }

  func has(_ field: Field) -> Bool {
    guard let capture = capture(field) else { return false }
    return capture.kind != .null
  }

  /// A numeric value: durations in nanoseconds (as the event has them),
  /// other fields as written (a number, or a string holding one).
  @inline(__always)
  func number(_ field: Field) -> Double? {
    if field == .duration { return event.duration.map(Double.init) }
    if field == .status { return event.status.map(Double.init) }
    guard let capture = capture(field), capture.kind == .number || capture.kind == .string else { return nil }
    let length = Int(capture.end - capture.start)
    guard length > 0 else { return nil }
    return parseJSONNumber(line.baseAddress!.assumingMemoryBound(to: UInt8.self) + Int(capture.start), length)
  }
}
