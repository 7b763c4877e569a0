internal import Crypto
internal import FoundationEssentials

/// What to redact and how: the detectors, a mode per kind, and the key of
/// `hash` mode. Every text logscan prints from its input passes through one
/// of these (it is the reports' `TextFilter`).
package struct Redactor: TextFilter, Sendable {
  package let detector: ValueDetector
  /// Off only by `--no-redact`.
  package let enabled: Bool
  private let modes: [RedactionMode]
  private let key: [UInt8]?

  package enum KeyError: Error, Equatable {
    case hashNeedsKey
    case keyTooShort
  }

  /// `modes` overrides `mode` for some kinds. `hash` mode (for any kind) needs
  /// `hashKey`, 16 bytes or more.
  package init(
    mode: RedactionMode = .mask, modes: [SecretKind: RedactionMode] = [:], hashKey: [UInt8]? = nil,
    extraKeys: [(String, SecretKind)] = [], prefixes: [PrefixPattern] = [], enabled: Bool = true
  ) throws(KeyError) {
    var table = [RedactionMode](repeating: mode, count: SecretKind.allCases.count)
    for (kind, kindMode) in modes { table[kind.index] = kindMode }
    // Partial applies to the kinds that have a part worth showing; the others are masked.
    for kind in SecretKind.allCases where table[kind.index] == .partial && !kind.allowsPartial {
      table[kind.index] = .mask
    }
    if enabled && table.contains(.hash) {
      guard let hashKey else { throw .hashNeedsKey }
      guard hashKey.count >= 16 else { throw .keyTooShort }
    }
    self.modes = table
    key = hashKey
    detector = ValueDetector(keys: SensitiveKeys(extra: extraKeys), prefixes: prefixes)
    self.enabled = enabled
  }

  /// Nothing redacted (`--no-redact`).
  package static let disabled = try! Redactor(enabled: false)
  /// The defaults: everything detected, masked.
  package static let standard = try! Redactor()

  package func mode(of kind: SecretKind) -> RedactionMode { enabled ? modes[kind.index] : .off }

  /// Appends what replaces `value` (a `kind`): the mask, the keyed hash, or
  /// the mask and the part `partial` shows (`kept`, raw bytes safe to copy).
  package func appendReplacement(
    _ kind: SecretKind, value: UnsafeBufferPointer<UInt8>, kept: UnsafeBufferPointer<UInt8>?,
    to out: inout [UInt8]
  ) {
    out.append(contentsOf: Self.prefix)
    out.append(contentsOf: kind.rawValue.utf8)
    switch modes[kind.index] {
    case .hash:
      out.append(UInt8(ascii: ":"))
      appendHash(value, to: &out)
      out.append(UInt8(ascii: "]"))
    case .partial:
      if kind == .card, let kept {
        out.append(contentsOf: ":last4=".utf8)
        out.append(contentsOf: kept)
        out.append(UInt8(ascii: "]"))
      } else {
        out.append(UInt8(ascii: "]"))
        if let kept { out.append(contentsOf: kept) }
      }
    case .mask, .off:
      out.append(UInt8(ascii: "]"))
    }
  }

  private static let prefix = Array("[REDACTED:".utf8)
  private static let hexDigits = Array("0123456789abcdef".utf8)

  /// The first 8 bytes of HMAC-SHA256(key, value), in hex.
  private func appendHash(_ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
    guard let key else { return }
    let code = HMAC<SHA256>.authenticationCode(for: UnsafeRawBufferPointer(value), using: SymmetricKey(data: key))
    code.withUnsafeBytes { bytes in
      for byte in bytes.prefix(8) {
        out.append(Self.hexDigits[Int(byte >> 4)])
        out.append(Self.hexDigits[Int(byte & 15)])
      }
    }
  }

  /// `text` with every detected value replaced (as plain text: `key=value`
  /// and `"key": "value"` pairs count, so JSON fragments are covered too).
  package func filter(_ text: String) -> String {
    guard enabled else { return text }
    var copy = text
    return copy.withUTF8 { bytes in
      var findings: [Finding] = []
      var out: [UInt8] = []
      guard redactText(bytes, into: &out, findings: &findings) else { return text }
      return makeString(out)
    }
  }

  /// Writes `bytes` redacted as plain text to `out` (replacing its
  /// contents); false, with `out` untouched, when there is nothing to
  /// replace. `findings` is scratch space.
  @discardableResult
  package func redactText(
    _ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], findings: inout [Finding]
  ) -> Bool {
    guard enabled else { return false }
    findings.removeAll(keepingCapacity: true)
    detector.scan(bytes, into: &findings)
    guard findings.contains(where: { modes[$0.kind.index] != .off }) else { return false }
    out.removeAll(keepingCapacity: true)
    var copied = 0
    for finding in findings where modes[finding.kind.index] != .off {
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<finding.start]))
      appendReplacement(
        finding.kind, value: UnsafeBufferPointer(rebasing: bytes[finding.start..<finding.end]),
        kept: finding.keep < finding.end ? UnsafeBufferPointer(rebasing: bytes[finding.keep..<finding.end]) : nil,
        to: &out)
      copied = finding.end
    }
    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
    return true
  }
}
