/// Key names whose values are secret whatever they look like.
///
/// A key is compared without case and without `_`, `-`, `.` and spaces, and
/// matches when it is one of the names or ends with one: `password`,
/// `db_password`, `X-Api-Key`, `clientSecret` and `aws_secret_access_key`
/// match; `token_type`, `session_id` and `prompt_tokens` do not.
///
/// The names are compiled into a trie over the reversed, normalized names,
/// walked from the key's last byte: most keys leave it at their first or
/// second byte.
package struct SensitiveKeys: Sendable {
  package static let builtIn: [(String, SecretKind)] = [
    ("password", .password), ("passwd", .password), ("pwd", .password), ("passphrase", .password),
    ("token", .token), ("access_token", .token), ("refresh_token", .token), ("id_token", .token),
    ("secret", .secret), ("client_secret", .secret), ("secret_key", .secret),
    ("aws_secret_access_key", .awsSecretKey), ("secret_access_key", .awsSecretKey),
    ("api_key", .apiKey), ("apikey", .apiKey), ("x-api-key", .apiKey),
    ("authorization", .authorization), ("proxy-authorization", .authorization),
    ("cookie", .cookie), ("set-cookie", .cookie),
    ("session", .session),
    ("private_key", .privateKey),
    ("credit_card", .card), ("card_number", .card), ("cc_number", .card),
    ("cvv", .cvv), ("cvc", .cvv), ("cvv2", .cvv),
    ("ssn", .ssn),
  ]

  /// Symbols: 0 skipped (`_ - .` space), 1...36 letters and digits, 255 any
  /// other byte (no name has it).
  static let symbolCount = 37
  package let symbols: [UInt8]
  /// `next[state * symbolCount + symbol]`, 0 = no such name. State 1 is the root.
  package let next: [UInt16]
  /// The kind index + 1 of the name that ends at a state, or 0.
  package let accepts: [UInt8]

  package init(extra: [(String, SecretKind)] = []) {
    var symbols = [UInt8](repeating: 255, count: 256)
    for (i, b) in "abcdefghijklmnopqrstuvwxyz0123456789".utf8.enumerated() { symbols[Int(b)] = UInt8(i + 1) }
    for (i, b) in "ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8.enumerated() { symbols[Int(b)] = UInt8(i + 1) }
    for b in "_-. ".utf8 { symbols[Int(b)] = 0 }
    var next = [UInt16](repeating: 0, count: 2 * Self.symbolCount)
    var accepts: [UInt8] = [0, 0]
    for (name, kind) in Self.builtIn + extra {
      var state = 1
      for byte in name.utf8.reversed() {
        let symbol = Int(symbols[Int(byte)])
        if symbol == 0 || symbol == 255 { continue }
        let slot = state * Self.symbolCount + symbol
        if next[slot] == 0 {
          next[slot] = UInt16(accepts.count)
          accepts.append(0)
          next += [UInt16](repeating: 0, count: Self.symbolCount)
        }
        state = Int(next[slot])
      }
      // The first name given for a spelling wins (built-ins before extras).
      if state != 1 && accepts[state] == 0 { accepts[state] = UInt8(kind.index + 1) }
    }
    self.symbols = symbols
    self.next = next
    self.accepts = accepts
  }

  /// The kind of secret a key holds, or nil. `key` is the raw key text.
  package func kind(of key: UnsafeBufferPointer<UInt8>) -> SecretKind? {
    symbols.withUnsafeBufferPointer { s in
      next.withUnsafeBufferPointer { n in
        accepts.withUnsafeBufferPointer { a in
          Self.kind(of: key, symbols: s.baseAddress!, next: n.baseAddress!, accepts: a.baseAddress!)
        }
      }
    }
  }

  /// The trie walk, on raw tables (the hot path holds them as pointers).
  @inline(__always)
  static func kind(
    of key: UnsafeBufferPointer<UInt8>, symbols: UnsafePointer<UInt8>, next: UnsafePointer<UInt16>,
    accepts: UnsafePointer<UInt8>
  ) -> SecretKind? {
    var state = 1
    var i = key.count - 1
    while i >= 0 {
      let symbol = Int(symbols[Int(key[i])])
      i -= 1
      if symbol == 0 { continue }
      if symbol == 255 { return nil }
      state = Int(next[state * symbolCount + symbol])
      if state == 0 { return nil }
      let accept = accepts[state]
      // The shortest name that ends the key: `client_secret` is a `secret`.
      if accept != 0 { return SecretKind.allCases[Int(accept) - 1] }
    }
    return nil
  }
}
