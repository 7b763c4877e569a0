/// Number and duration formatting for human-facing reports.
package enum Format {
  /// 1234567 -> "1,234,567".
  package static func count(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (index, character) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
      out.append(character)
    }
    return value < 0 ? "-" + out : out
  }

  /// A fixed-point decimal, e.g. fixed(1.2345, 2) -> "1.23".
  package static func fixed(_ value: Double, _ decimals: Int) -> String {
    guard value.isFinite else { return "-" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let whole = Int64(scaled / scale)
    var text = String(whole)
    if decimals > 0 {
      let fraction = String(Int64(scaled - Double(whole) * scale))
      text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
    return value < 0 && scaled != 0 ? "-" + text : text
  }

  /// An error rate as a percentage: 0.01234 -> "1.23%".
  package static func percent(_ fraction: Double) -> String {
    fixed(fraction * 100, 2) + "%"
  }

  /// Milliseconds in a readable unit: "850µs", "12.3ms", "1.23s", "2m05s";
  /// "0ms" for zero (nginx writes `request_time` 0.000 for fast answers).
  package static func duration(ms: Double) -> String {
    if ms == 0 { return "0ms" }
    if ms < 1 { return fixed(ms * 1000, ms < 0.01 ? 2 : 0) + "µs" }
    if ms < 10 { return fixed(ms, 2) + "ms" }
    if ms < 1000 { return fixed(ms, 1) + "ms" }
    if ms < 60_000 { return fixed(ms / 1000, 2) + "s" }
    let seconds = Int((ms / 1000).rounded())
    return "\(seconds / 60)m" + (seconds % 60 < 10 ? "0" : "") + "\(seconds % 60)s"
  }

  /// An offset from a start, in milliseconds: "+12.3ms", or "0" for none.
  package static func offset(ms: Double) -> String { ms == 0 ? "0" : "+" + duration(ms: ms) }

  /// A span of seconds: "3h 12m", "45s".
  package static func span(seconds: Double) -> String {
    let total = Int(seconds.rounded())
    let days = total / 86400
    let hours = total / 3600 % 24
    let minutes = total / 60 % 60
    let secs = total % 60
    if days > 0 { return "\(days)d \(hours)h" }
    if hours > 0 { return "\(hours)h \(minutes)m" }
    if minutes > 0 { return "\(minutes)m \(secs)s" }
    return seconds < 10 ? fixed(seconds, 3) + "s" : "\(secs)s"
  }

  /// Bytes in binary units: "1.5 MiB".
  package static func bytes(_ value: Int64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var amount = Double(value)
    var unit = 0
    while amount >= 1024 && unit < units.count - 1 {
      amount /= 1024
      unit += 1
    }
    return unit == 0 ? "\(value) B" : fixed(amount, 1) + " " + units[unit]
  }
}

/// A table rendered as aligned text columns or as a Markdown table.
package struct Table {
  package enum Alignment { case left, right }
  package var headers: [String]
  package var alignments: [Alignment]
  package var rows: [[String]] = []

  package init(_ columns: [(String, Alignment)]) {
    headers = columns.map(\.0)
    alignments = columns.map(\.1)
  }

  package mutating func add(_ row: [String]) { rows.append(row) }

  /// Aligned columns, two spaces apart, indented; `style` decorates a cell
  /// after padding (colour), given its row (-1 for the header) and column.
  package func text(indent: String = "  ", style: (String, Int, Int) -> String = { text, _, _ in text }) -> String {
    var widths = headers.map(\.count)
    for row in rows {
      for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
    }
    var out = ""
    for (rowIndex, row) in ([headers] + rows).enumerated() {
      var line = indent
      for (column, cell) in row.enumerated() {
        let padding = String(repeating: " ", count: widths[column] - cell.count)
        let last = column == row.count - 1
        let padded =
          alignments[column] == .right ? padding + cell : (last ? cell : cell + padding)
        line += style(padded, rowIndex - 1, column)
        if !last { line += "  " }
      }
      out += line + "\n"
    }
    return out
  }

  /// A GitHub-flavoured Markdown table.
  package func markdown() -> String {
    func escape(_ cell: String) -> String {
      var out = ""
      for character in cell {
        switch character {
        case "|": out += "\\|"
        case "\n", "\r": out += " "
        default: out.append(character)
        }
      }
      return out
    }
    var out = "| " + headers.map(escape).joined(separator: " | ") + " |\n"
    out += "|" + alignments.map { $0 == .right ? " ---: |" : " --- |" }.joined() + "\n"
    for row in rows { out += "| " + row.map(escape).joined(separator: " | ") + " |\n" }
    return out
  }
}
