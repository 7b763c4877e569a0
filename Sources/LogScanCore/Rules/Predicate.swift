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

  /// Every field the predicate reads.
  package var fields: [FieldRef] {
    switch self {
    case .equals(let field, _), .prefix(let field, _), .exists(let field, _): return [field]
    case .error: return []
    case .all(let list), .any(let list): return list.flatMap(\.fields)
    case .not(let inner): return inner.fields
    }
  }

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

/// A predicate in the form the hot path tests: byte strings, level and
/// status sets, no `String`.
struct CompiledPredicate: Sendable {
  private indirect enum Node: Sendable {
    case text(Field, [[UInt8]], prefix: Bool)
    case level([Level])
    case status([Int])
    case exists(Field, Bool)
    case error(Bool)
    case all([Node])
    case any([Node])
    case not(Node)
  }

  private let root: Node

  init(_ predicate: Predicate) { root = Self.compile(predicate) }

  private static func compile(_ predicate: Predicate) -> Node {
    switch predicate {
    case .equals(let field, let values) where field.field == .level:
      return .level(
        values.map { name in Array(name.utf8).withUnsafeBufferPointer { Level.parse(name: $0.baseAddress!, $0.count) } }
      )
    case .equals(let field, let values) where field.field == .status && values.allSatisfy({ Int($0) != nil }):
      return .status(values.compactMap { Int($0) })
    case .equals(let field, let values): return .text(field.field, values.map { Array($0.utf8) }, prefix: false)
    case .prefix(let field, let values): return .text(field.field, values.map { Array($0.utf8) }, prefix: true)
    case .exists(let field, let present): return .exists(field.field, present)
    case .error(let error): return .error(error)
    case .all(let list): return .all(list.map(compile))
    case .any(let list): return .any(list.map(compile))
    case .not(let inner): return .not(compile(inner))
    }
  }

  func matches(_ view: EventView) -> Bool { Self.test(root, view) }

  private static func test(_ node: Node, _ view: EventView) -> Bool {
    switch node {
    case .text(let field, let candidates, let prefix):
      return view.withText(field) { value in
        guard let value else { return false }
        for candidate in candidates {
          if prefix ? value.starts(with: candidate) : value.elementsEqual(candidate) { return true }
        }
        return false
      }
    case .level(let levels): return levels.contains(view.event.level)
    case .status(let statuses): return view.event.status.map(statuses.contains) ?? false
    case .exists(let field, let present): return view.has(field) == present
    case .error(let error): return view.isError == error
    case .all(let list):
      for item in list where !test(item, view) { return false }
      return true
    case .any(let list):
      for item in list where test(item, view) { return true }
      return false
    case .not(let inner): return !test(inner, view)
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
