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
    var out: [UInt8] = []
    out.reserveCapacity(4096)
    write(to: &out, indent: pretty ? 0 : -1)
    return String(decoding: out, as: UTF8.self)
  }

  /// Written as UTF-8 bytes: a report of a month of logs has tens of
  /// thousands of values, and appending to a String scalar by scalar was
  /// most of the time a summary spent after its scan.
  private func write(to out: inout [UInt8], indent: Int) {
    let pretty = indent >= 0
    func newline(_ level: Int) {
      guard pretty else { return }
      out.append(UInt8(ascii: "\n"))
      out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
    }
    switch self {
    case .object(let members):
      guard !members.isEmpty else {
        out.append(contentsOf: "{}".utf8)
        return
      }
      out.append(UInt8(ascii: "{"))
      for (index, member) in members.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        newline(indent + 1)
        Self.writeString(member.0, to: &out)
        out.append(UInt8(ascii: ":"))
        if pretty { out.append(UInt8(ascii: " ")) }
        member.1.write(to: &out, indent: pretty ? indent + 1 : -1)
      }
      newline(indent)
      out.append(UInt8(ascii: "}"))
    case .array(let items):
      guard !items.isEmpty else {
        out.append(contentsOf: "[]".utf8)
        return
      }
      out.append(UInt8(ascii: "["))
      for (index, item) in items.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        newline(indent + 1)
        item.write(to: &out, indent: pretty ? indent + 1 : -1)
      }
      newline(indent)
      out.append(UInt8(ascii: "]"))
    case .string(let text):
      Self.writeString(text, to: &out)
    case .int(let value):
      out.append(contentsOf: String(value).utf8)
    case .double(let value):
      out.append(contentsOf: Self.number(value).utf8)
    case .bool(let value):
      out.append(contentsOf: (value ? "true" : "false").utf8)
    case .null:
      out.append(contentsOf: "null".utf8)
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

  /// `text` as a JSON string: quotes, backslashes, control characters and
  /// the line and paragraph separators escaped, everything else as it is.
  private static func writeString(_ text: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var text = text
    text.withUTF8 { bytes in
      var run = 0
      var i = 0
      while i < bytes.count {
        let byte = bytes[i]
        var escape: (String, Int)? = nil
        switch byte {
        case UInt8(ascii: "\""): escape = ("\\\"", 1)
        case UInt8(ascii: "\\"): escape = ("\\\\", 1)
        case UInt8(ascii: "\n"): escape = ("\\n", 1)
        case UInt8(ascii: "\r"): escape = ("\\r", 1)
        case UInt8(ascii: "\t"): escape = ("\\t", 1)
        case 0x00...0x1F, 0x7F: escape = (unicodeEscape(UInt32(byte)), 1)
        case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
          // U+2028 and U+2029: valid in JSON, but not in JavaScript strings.
          escape = (unicodeEscape(bytes[i + 2] == 0xA8 ? 0x2028 : 0x2029), 3)
        default: break
        }
        guard let (replacement, length) = escape else {
          i += 1
          continue
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
        out.append(contentsOf: replacement.utf8)
        i += length
        run = i
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<bytes.count]))
    }
    out.append(UInt8(ascii: "\""))
  }

  private static func unicodeEscape(_ value: UInt32) -> String {
    let hex = String(value, radix: 16)
    return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
  }
}
