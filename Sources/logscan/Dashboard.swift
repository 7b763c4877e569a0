import LogScanCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The live dashboard of `logscan watch` on a terminal: redrawn in place on
/// the alternate screen, fitted to the terminal's size at every redraw (so
/// a resize is clean), the terminal put back as it was on exit.
final class Dashboard {
  private var active = false
  private let color = getenv("NO_COLOR") == nil

  func start() {
    guard !active else { return }
    active = true
    emit("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J")
  }

  func stop() {
    guard active else { return }
    active = false
    emit("\u{1B}[?25h\u{1B}[?1049l")
  }

  private func emit(_ text: String) {
    Array(text.utf8).withUnsafeBytes { Output.writeStandardOutput($0) }
  }

  static func size() -> (columns: Int, rows: Int) {
    var window = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 {
      return (Int(window.ws_col), Int(window.ws_row))
    }
    return (80, 24)
  }

  func draw(_ update: LiveSession.Update, lines: Int) {
    guard active else { return }
    let (columns, rows) = Self.size()
    let text = Self.render(update.stats, columns: columns, rows: rows, color: color)
    emit("\u{1B}[H" + text + "\u{1B}[J")
  }

  /// The screen, at most `rows` lines each cut to `columns` (colour codes
  /// are not counted).
  static func render(_ stats: LiveStats, columns: Int, rows: Int, color: Bool) -> String {
    var out: [(String, String?)] = []  // (text, colour code)
    let now = stats.now.map { Timestamp.format($0, fractionDigits: 0) } ?? "no timed event yet"
    out.append(
      ("logscan watch  \(now)  \(Format.count(stats.lines)) lines  \(Format.count(Int(stats.linesPerSecond)))/s", "1"))
    out.append(
      (
        "parsed \(Format.count(stats.parsed))  malformed \(Format.count(stats.malformed))  skipped \(Format.count(stats.skipped))",
        nil
      ))
    out.append(("", nil))
    func latency(_ value: Double?) -> String { pad(value.map { Format.duration(ms: $0) } ?? "-", 8) }
    func row(_ name: String, _ one: LiveStats.Window, _ five: LiveStats.Window) -> String {
      func rate(_ w: LiveStats.Window) -> String { pad(Format.fixed(w.perSecond, w.perSecond < 10 ? 2 : 0), 7) }
      func errors(_ w: LiveStats.Window) -> String { pad(w.errorRate.map { Format.percent($0) } ?? "-", 7) }
      let label = String(name.prefix(15))
      return label + String(repeating: " ", count: 15 - label.count) + rate(one) + errors(one) + latency(one.p99)
        + " " + rate(five) + errors(five) + latency(five.p50) + latency(five.p95) + latency(five.p99)
    }
    out.append(("               ---- last 1 min ------ ------------ last 5 min --------------", "2"))
    out.append(("                 REQ/S   ERR%     P99   REQ/S   ERR%     P50     P95     P99", "2"))
    out.append((row("all services", stats.last1, stats.last5), "1"))
    let alertRows = min(stats.active.count, max(2, rows / 3))
    let serviceRows = max(0, rows - out.count - 4 - alertRows - stats.warnings.count)
    for service in stats.services.prefix(serviceRows) {
      out.append((row(service.name, service.last1, service.last5), nil))
    }
    out.append(("", nil))
    out.append((stats.active.isEmpty ? "ALERTS  none firing" : "ALERTS", "2"))
    for alert in stats.active.prefix(alertRows) {
      let code = alert.state == .firing ? (alert.severity == .critical ? "1;31" : "31") : "33"
      let since = Timestamp.format(alert.since, fractionDigits: 0)
      let scope = alert.scope.map { " \($0)" } ?? ""
      out.append(
        ("  \(alert.state.rawValue.uppercased()) \(alert.severity.rawValue) \(alert.rule)\(scope) since \(since)", code)
      )
    }
    if !stats.counters.isEmpty {
      out.append(
        ("COUNTERS  " + stats.counters.map { "\($0.name) \(Format.count($0.count))" }.joined(separator: "  "), nil))
    }
    for warning in stats.warnings { out.append(("warning: " + warning, "33")) }
    var text = ""
    for (line, code) in out.prefix(rows) {
      let cut = String(line.prefix(columns))
      if color, let code { text += "\u{1B}[\(code)m" + cut + "\u{1B}[0m" } else { text += cut }
      text += "\u{1B}[K\r\n"
    }
    return text
  }

  private static func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
  }
}
