/// Folds an error message into its template, so that messages that differ
/// only in numbers, ids or quoted values count together:
/// `Payment failed for order ord_8812: timeout after 3000 ms` becomes
/// `Payment failed for order <id>: timeout after <num> ms`.
///
/// Words are runs of letters, digits and `_ - . @ + %`. A word that is an
/// email address becomes `<email>`; one made of digits and `. : - + /` (numbers,
/// times, dates, IPs, versions) becomes `<num>`; one of 4 or more characters
/// with a digit (ids, hashes, UUIDs) becomes `<id>`. Text in single or double
/// quotes becomes `<str>`. Whitespace runs become one space.
package enum MessageTemplate {
  package static let maxLength = 240

  package static func fold(_ message: UnsafeRawBufferPointer, into out: inout [UInt8]) {
    out.removeAll(keepingCapacity: true)
    let n = message.count
    var i = 0
    var lastWasSpace = true
    while i < n && out.count < maxLength {
      let c = message[i]
      if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
        if !lastWasSpace { out.append(0x20) }
        lastWasSpace = true
        i += 1
        continue
      }
      lastWasSpace = false
      // A redaction placeholder folds to its kind: `[REDACTED:email:3fa2…]`
      // (hash mode) and `[REDACTED:email]` count together.
      if c == UInt8(ascii: "["), let close = placeholderEnd(message, i) {
        var k = i + redacted.count
        while k < close && message[k] != UInt8(ascii: ":") { k += 1 }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: message[i..<k]))
        out.append(UInt8(ascii: "]"))
        i = close + 1
        continue
      }
      if (c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "`"))
        && (i == 0 || !isWordByte(message[i - 1]))
      {
        var close = i + 1
        while close < n && message[close] != c { close += 1 }
        if close < n {
          out.append(c)
          out.append(contentsOf: "<str>".utf8)
          out.append(c)
          i = close + 1
          continue
        }
      }
      guard isWordByte(c) else {
        out.append(c)
        i += 1
        continue
      }
      var end = i
      while end < n && isWordByte(message[end]) { end += 1 }
      // A sentence's full stop is not part of the word.
      var wordEnd = end
      while wordEnd > i + 1 && message[wordEnd - 1] == UInt8(ascii: ".") { wordEnd -= 1 }
      appendWord(UnsafeRawBufferPointer(rebasing: message[i..<wordEnd]), to: &out)
      out.append(contentsOf: UnsafeRawBufferPointer(rebasing: message[wordEnd..<end]))
      i = end
    }
    while out.last == 0x20 { out.removeLast() }
    if out.count > maxLength { out.removeLast(out.count - maxLength) }
  }

  private static let redacted = Array("[REDACTED:".utf8)

  /// The index of the `]` of a placeholder starting at `i`, if one does.
  private static func placeholderEnd(_ message: UnsafeRawBufferPointer, _ i: Int) -> Int? {
    guard i + redacted.count < message.count else { return nil }
    for k in 0..<redacted.count where message[i + k] != redacted[k] { return nil }
    var close = i + redacted.count
    while close < message.count && close - i < 128 {
      if message[close] == UInt8(ascii: "]") { return close }
      close += 1
    }
    return nil
  }

  @inline(__always)
  private static func isWordByte(_ c: UInt8) -> Bool {
    isDigit(c) || ((c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z"))
      || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
      || c == UInt8(ascii: "@") || c == UInt8(ascii: "+") || c == UInt8(ascii: "%") || c >= 0x80
  }

  private static func appendWord(_ word: UnsafeRawBufferPointer, to out: inout [UInt8]) {
    var digits = 0
    var numeric = true
    var at = -1
    for (k, c) in word.enumerated() {
      if isDigit(c) {
        digits += 1
      } else if c == UInt8(ascii: "@") {
        if at < 0 { at = k }
        numeric = false
      } else if !(c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
        || c == UInt8(ascii: "%"))
      {
        numeric = false
      }
    }
    if at > 0 && at < word.count - 1 && word[(at + 1)...].contains(UInt8(ascii: ".")) {
      out.append(contentsOf: "<email>".utf8)
    } else if digits > 0 && numeric {
      out.append(contentsOf: "<num>".utf8)
    } else if digits > 0 && word.count >= 4 {
      out.append(contentsOf: "<id>".utf8)
    } else {
      out.append(contentsOf: word)
    }
  }
}
