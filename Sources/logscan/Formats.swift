import ArgumentParser
import LogScanCore

struct Formats: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List the log formats read without configuration, and the keys read for each field.",
    discussion: "Every input is read line by line with the keys of the format its lines show; see docs/formats.md."
  )

  @Flag(name: .long, help: "Also list the keys each format reads.")
  var keys = false

  func run() throws {
    var out = ""
    let width = LogFormat.known.map(\.name.count).max() ?? 10
    for format in LogFormat.known {
      out += format.name.padding(width) + "  " + format.summary + "\n"
      if keys {
        for key in format.keys {
          var line = "    " + key.field.canonicalKey.padding(12) + " <- " + key.path.joined(separator: " > ")
          if key.field == .duration || key.field == .timestamp, key.unit != .automatic {
            line += " (\(key.unit))"
          }
          out += line + "\n"
        }
        out += "    (source: \(format.source))\n"
      }
    }
    out +=
      LogFormat.unknownName.padding(width)
      + "  any other JSON object: every format's keys at once, then generic names\n"
    try OutputTarget(path: nil).write(out)
  }
}

extension String {
  fileprivate func padding(_ width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
}
