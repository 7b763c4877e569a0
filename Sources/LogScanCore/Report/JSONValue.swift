/// A JSON document to write: reports are small, so they are built as a value
/// and written in one go, keys in the order given.
package indirect enum JSONValue: Sendable, Equatable {
  case object([(String, JSONValue)])
  case array([JSONValue])
  case string(String)
  case int(Int)
  case double(Double)
  case bool(Bool)
  case null

  package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.rendered() == rhs.rendered() }

  /// Pretty-printed with two-space indentation and a final newline at top level.
  package func rendered(pretty: Bool = true) -> String {
    var out = ""
    write(to: &out, indent: pretty ? 0 : -1)
    return out
  }

  private func write(to out: inout String, indent: Int) {
    let pretty = indent >= 0
    func newline(_ level: Int) {
      guard pretty else { return }
      out += "\n"
      out += String(repeating: "  ", count: level)
    }
    switch self {
    case .object(let members):
      guard !members.isEmpty else {
        out += "{}"
        return
      }
      out += "{"
      for (index, member) in members.enumerated() {
        if index > 0 { out += "," }
        newline(indent + 1)
        Self.writeString(member.0, to: &out)
        out += pretty ? ": " : ":"
        member.1.write(to: &out, indent: pretty ? indent + 1 : -1)
      }
      newline(indent)
      out += "}"
    case .array(let items):
      guard !items.isEmpty else {
        out += "[]"
        return
      }
      out += "["
      for (index, item) in items.enumerated() {
        if index > 0 { out += "," }
        newline(indent + 1)
        item.write(to: &out, indent: pretty ? indent + 1 : -1)
      }
      newline(indent)
      out += "]"
    case .string(let text):
      Self.writeString(text, to: &out)
    case .int(let value):
      out += String(value)
    case .double(let value):
      out += Self.number(value)
    case .bool(let value):
      out += value ? "true" : "false"
    case .null:
      out += "null"
    }
  }

  /// A finite double rounded to 6 decimals (nanoseconds for milliseconds);
  /// non-finite values have no JSON form and are written as null.
  package static func number(_ value: Double) -> String {
    guard value.isFinite else { return "null" }
    let rounded = (value * 1e6).rounded() / 1e6
    if rounded == rounded.rounded() && abs(rounded) < 1e15 { return String(Int64(rounded)) }
    return String(rounded)
  }

  package static func writeString(_ text: String, to out: inout String) {
    out += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{00}"..."\u{1F}", "\u{7F}", "\u{2028}", "\u{2029}":
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default:
        out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }
}
