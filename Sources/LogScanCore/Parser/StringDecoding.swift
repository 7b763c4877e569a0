/// Decodes the body of a JSON string (without quotes) into UTF-8 bytes:
/// escapes resolved, surrogate pairs joined, lone surrogates turned into
/// U+FFFD. Invalid UTF-8 bytes are kept as they are; `makeString` repairs them.
package func decodeJSONString(_ body: UnsafeRawBufferPointer, escaped: Bool) -> [UInt8] {
  guard escaped else { return Array(body) }
  var out: [UInt8] = []
  out.reserveCapacity(body.count)
  appendDecodedJSONString(body, to: &out)
  return out
}

/// Appends the decoded body of a JSON string to `out`.
package func appendDecodedJSONString(_ body: UnsafeRawBufferPointer, to out: inout [UInt8]) {
  let n = body.count
  var i = 0
  while i < n {
    let c = body[i]
    guard c == UInt8(ascii: "\\"), i + 1 < n else {
      out.append(c)
      i += 1
      continue
    }
    let e = body[i + 1]
    i += 2
    switch e {
    case UInt8(ascii: "u"):
      guard let unit = hex4(body, i) else {
        out.append(contentsOf: [0xEF, 0xBF, 0xBD])
        continue
      }
      i += 4
      var scalar = UInt32(unit)
      if unit >= 0xD800 && unit < 0xDC00 {
        // A high surrogate must be followed by an escaped low surrogate.
        if i + 6 <= n && body[i] == UInt8(ascii: "\\") && body[i + 1] == UInt8(ascii: "u"),
          let low = hex4(body, i + 2), low >= 0xDC00 && low < 0xE000
        {
          scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
          i += 6
        } else {
          scalar = 0xFFFD
        }
      } else if unit >= 0xDC00 && unit < 0xE000 {
        scalar = 0xFFFD
      }
      appendUTF8(scalar, to: &out)
    default:
      out.append(simpleEscape(e))
    }
  }
}

/// The byte a one-letter JSON escape stands for: `\n` is a newline; `\"`,
/// `\\` and `\/` stand for themselves.
@inline(__always)
package func simpleEscape(_ e: UInt8) -> UInt8 {
  switch e {
  case UInt8(ascii: "b"): 0x08
  case UInt8(ascii: "f"): 0x0C
  case UInt8(ascii: "n"): 0x0A
  case UInt8(ascii: "r"): 0x0D
  case UInt8(ascii: "t"): 0x09
  default: e
  }
}

private func hex4(_ body: UnsafeRawBufferPointer, _ i: Int) -> UInt16? {
  guard i + 4 <= body.count else { return nil }
  var value: UInt16 = 0
  for k in 0..<4 {
    let c = body[i + k]
    let digit: UInt8
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
    default: return nil
    }
    value = value << 4 | UInt16(digit)
  }
  return value
}

package func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
  switch scalar {
  case 0..<0x80:
    out.append(UInt8(scalar))
  case 0x80..<0x800:
    out.append(UInt8(0xC0 | scalar >> 6))
    out.append(UInt8(0x80 | scalar & 0x3F))
  case 0x800..<0x10000:
    out.append(UInt8(0xE0 | scalar >> 12))
    out.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
    out.append(UInt8(0x80 | scalar & 0x3F))
  default:
    out.append(UInt8(0xF0 | scalar >> 18))
    out.append(UInt8(0x80 | (scalar >> 12) & 0x3F))
    out.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
    out.append(UInt8(0x80 | scalar & 0x3F))
  }
}

/// Text for reports: invalid UTF-8 becomes U+FFFD.
package func makeString<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
  String(decoding: bytes, as: UTF8.self)
}
