import ArgumentParser
import Foundation
import LogScanCore

extension RedactionMode: ExpressibleByArgument {
  // `off` is for single kinds in the config file; --no-redact turns all off.
  public static var allValueStrings: [String] { ["mask", "hash", "partial"] }
}

/// Redaction settings every command shares. Redaction is on unless
/// `--no-redact` is given; the hash key never comes from the command line.
struct RedactionOptions: ParsableArguments {
  @Flag(name: .customLong("no-redact"), help: "Print secrets and PII as they are (a warning says so).")
  var noRedact = false

  @Option(
    name: .customLong("redact-mode"),
    help:
      "mask ([REDACTED:email]), hash (keyed HMAC: equal values, equal tokens) or partial (card last 4, email domain).")
  var mode: RedactionMode?

  @Option(
    name: .customLong("redact-key-file"),
    help: "File holding the key of hash mode (or set LOGSCAN_REDACT_KEY; never on the command line).")
  var keyFile: String?

  static let keyVariable = "LOGSCAN_REDACT_KEY"

  func validate() throws {
    if mode == .off { throw ValidationError("'--redact-mode off' does not exist: use --no-redact") }
  }

  /// The redactor in force: command line over config file over defaults.
  func redactor(_ configuration: Configuration) throws -> Redactor {
    if noRedact {
      Output.warn("redaction is off (--no-redact): secrets and PII in the input are printed as they are")
      Output.redactor = .disabled
      return .disabled
    }
    let settings = configuration.redaction
    let mode = mode ?? settings.mode ?? .mask
    let needsKey = mode == .hash || settings.kinds.values.contains(.hash)
    var key: [UInt8]?
    if needsKey {
      if let path = keyFile ?? settings.keyFile {
        guard let data = FileManager.default.contents(atPath: path) else {
          throw UsageError("cannot read the redaction key file '\(path)'")
        }
        // A trailing newline (echo ... > key) is not part of the key.
        var bytes = [UInt8](data)
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        key = bytes
      } else if let value = ProcessInfo.processInfo.environment[Self.keyVariable], !value.isEmpty {
        key = Array(value.utf8)
      }
    }
    do {
      let redactor = try Redactor(
        mode: mode, modes: settings.kinds, hashKey: key, extraKeys: settings.keys.map { ($0, .custom) },
        prefixes: settings.patterns)
      Output.redactor = redactor
      return redactor
    } catch .hashNeedsKey {
      throw UsageError(
        "hash mode needs a key: set \(Self.keyVariable), or name a key file with --redact-key-file or redaction.key_file"
      )
    } catch .keyTooShort {
      throw UsageError("the redaction key must be at least 16 bytes")
    }
  }
}
