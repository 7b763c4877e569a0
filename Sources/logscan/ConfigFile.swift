import Foundation
import LogScanCore
import Yams

/// Finds and reads the configuration file: `--config FILE`, else
/// `./logscan.yml`, else `$XDG_CONFIG_HOME/logscan/config.yml` (by default
/// `~/.config/logscan/config.yml`). No file means the built-in defaults.
enum ConfigFile {
  static func candidates(explicit: String?) -> [String] {
    if let explicit { return [explicit] }
    let environment = ProcessInfo.processInfo.environment
    let configHome =
      environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
      ?? (environment["HOME"].map { $0 + "/.config" } ?? "")
    return ["logscan.yml", configHome + "/logscan/config.yml"]
  }

  /// The configuration in force. A file named with `--config` must exist;
  /// an error in any file found is a usage error naming file and line.
  static func load(explicit: String?) throws -> Configuration {
    for path in candidates(explicit: explicit) {
      guard FileManager.default.fileExists(atPath: path) else {
        if explicit != nil { throw UsageError("the configuration file '\(path)' does not exist") }
        continue
      }
      let text: String
      do {
        text = try String(contentsOfFile: path, encoding: .utf8)
      } catch {
        throw UsageError("cannot read the configuration file '\(path)': \(error.localizedDescription)")
      }
      let node: ConfigNode
      do {
        node = try convert(Yams.compose(yaml: text))
      } catch let error as YamlError {
        throw UsageError("\(path): not valid YAML: \(error)")
      }
      do {
        return try Configuration(node, file: path)
      } catch {
        throw UsageError(error.message)
      }
    }
    return Configuration()
  }

  private static func convert(_ node: Yams.Node?) -> ConfigNode {
    guard let node else { return .null(line: 1) }
    let line = node.mark?.line ?? 1
    switch node {
    case .scalar(let scalar):
      if scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
        return .null(line: line)
      }
      return .scalar(scalar.string, line: line)
    case .mapping(let mapping):
      return .mapping(
        mapping.map { pair in (pair.key.string ?? "\(pair.key)", pair.key.mark?.line ?? line, convert(pair.value)) },
        line: line)
    case .sequence(let sequence):
      return .sequence(sequence.map { convert($0) }, line: line)
    case .alias:
      return .null(line: line)
    }
  }
}

/// A usage error with logscan's message (exit status 2).
struct UsageError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
