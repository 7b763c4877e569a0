/// Key names whose values are secret whatever they look like.
///
/// A key is compared without case and without `_`, `-`, `.` and spaces, and
/// matches when it is one of the names or ends with one: `password`,
/// `db_password`, `X-Api-Key`, `clientSecret` and `aws_secret_access_key`
/// match; `token_type`, `session_id` and `prompt_tokens` do not.
package struct SensitiveKeys: Sendable {
  /// Normalized names, reversed (matching walks the key from its end), with
  /// their kind, grouped by the last normalized byte for a quick reject.
  private var byLastByte: [[(reversed: [UInt8], kind: SecretKind)]]

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

  package init(extra: [(String, SecretKind)] = []) {
    byLastByte = Array(repeating: [], count: 256)
    var seen = Set<[UInt8]>()
    // Longer names first, so `aws_secret_access_key` wins over `access_key`.
    let all = (Self.builtIn + extra).map { (Self.normalize(Array($0.0.utf8)), $0.1) }
      .sorted { $0.0.count > $1.0.count }
    for (name, kind) in all where !name.isEmpty && seen.insert(name).inserted {
      byLastByte[Int(name.last!)].append((Array(name.reversed()), kind))
    }
  }

  static func normalize(_ bytes: [UInt8]) -> [UInt8] {
    bytes.compactMap { byte in
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte | 0x20
      case UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: " "): nil
      default: byte
      }
    }
  }

  /// The kind of secret a key holds, or nil. `key` is the raw key text.
  @inline(__always)
  package func kind(of key: UnsafeBufferPointer<UInt8>) -> SecretKind? {
    guard let lastIndex = Self.lastSignificant(key, before: key.count) else { return nil }
    let candidates = byLastByte[Int(key[lastIndex] | Self.lowerMask(key[lastIndex]))]
    if candidates.isEmpty { return nil }
    return match(key, from: lastIndex, candidates)
  }

  private func match(
    _ key: UnsafeBufferPointer<UInt8>, from lastIndex: Int,
    _ candidates: [(reversed: [UInt8], kind: SecretKind)]
  ) -> SecretKind? {
    outer: for candidate in candidates {
      var position: Int? = lastIndex
      for expected in candidate.reversed {
        guard let at = position else { continue outer }
        let byte = key[at]
        if byte | Self.lowerMask(byte) != expected { continue outer }
        position = Self.lastSignificant(key, before: at)
      }
      return candidate.kind
    }
    return nil
  }

  @inline(__always)
  private static func lowerMask(_ byte: UInt8) -> UInt8 {
    byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? 0x20 : 0
  }

  @inline(__always)
  private static func lastSignificant(_ key: UnsafeBufferPointer<UInt8>, before end: Int) -> Int? {
    var i = end - 1
    while i >= 0 {
      switch key[i] {
      case UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: " "): i -= 1
      default: return i
      }
    }
    return nil
  }
}
