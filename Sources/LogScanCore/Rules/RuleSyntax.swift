/// Reads the small languages of a rules file: durations ("5m"), rule
/// expressions ("p99(duration) > 1s", "rate(requests) / baseline(1h)
/// outside 0.33..3"), thresholds with units. Errors are plain sentences;
/// the configuration adds the file and line.
package enum RuleSyntax {
  /// Names of a field: canonical fields by their key or alias, anything
  /// else is a key path of the log, bound to an extra slot.
  package typealias FieldResolver = (String) throws(RuleSyntaxError) -> FieldRef

  /// "90s", "5m", "1h", "1d", "500ms" -> nanoseconds.
  package static func duration(_ text: String) throws(RuleSyntaxError) -> Int64 {
    let units: [(String, Int64)] = [
      ("ms", 1_000_000), ("us", 1_000), ("ns", 1), ("s", 1_000_000_000), ("m", 60_000_000_000),
      ("h", 3_600_000_000_000), ("d", 86_400_000_000_000),
    ]
    let trimmed = text.trimmedOfSpaces
    for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
      let number = String(trimmed.dropLast(suffix.count))
      if let value = Double(number), value >= 0, value.isFinite, !number.isEmpty {
        return Int64((value * Double(scale)).rounded())
      }
    }
    if trimmed == "0" { return 0 }
    throw RuleSyntaxError("'\(text)' is not a duration (write e.g. 30s, 5m, 1h, 1d)")
  }

  /// A rule's metric, optional baseline and condition.
  package static func expression(_ text: String, resolve: FieldResolver) throws(RuleSyntaxError) -> (
    metric: Metric, baseline: Int64?, condition: Condition
  ) {
    var scanner = Scanner(text)
    let metric = try self.metric(&scanner, resolve: resolve)
    var baseline: Int64?
    if scanner.consume("/") {
      guard scanner.consumeWord("baseline"), scanner.consume("(") else {
        throw RuleSyntaxError("after '/' an expression takes 'baseline(DURATION)', in '\(text)'")
      }
      baseline = try duration(scanner.until(")"))
      guard scanner.consume(")") else { throw RuleSyntaxError("missing ')' after baseline, in '\(text)'") }
    }
    let ratio = baseline != nil
    let condition: Condition
    if scanner.consumeWord("outside") {
      let range = scanner.rest
      let parts = range.split(separator: "..", omittingEmptySubsequences: false).map(String.init)
      guard parts.count == 2 else { throw RuleSyntaxError("'outside' takes LOW..HIGH, in '\(text)'") }
      let low = try threshold(parts[0], metric: metric, ratio: ratio)
      let high = try threshold(parts[1], metric: metric, ratio: ratio)
      guard low <= high else { throw RuleSyntaxError("'outside \(range)': the low bound is above the high one") }
      condition = .outside(low, high)
      scanner.skipAll()
    } else {
      let ops: [(String, (Double) -> Condition)] = [
        (">=", Condition.greaterOrEqual), ("<=", Condition.lessOrEqual), (">", Condition.greater),
        ("<", Condition.less),
      ]
      guard let op = ops.first(where: { scanner.consume($0.0) }) else {
        throw RuleSyntaxError(
          "expected a comparison (>, >=, <, <=, outside) after '\(metric.description)', in '\(text)'")
      }
      condition = op.1(try threshold(scanner.rest, metric: metric, ratio: ratio))
      scanner.skipAll()
    }
    return (metric, baseline, condition)
  }

  package static let metricNames = [
    "error_rate", "availability", "count", "rate", "p50", "p90", "p95", "p99", "p99.9", "max", "min", "avg", "sum",
    "consecutive_errors",
  ]

  private static func metric(_ scanner: inout Scanner, resolve: FieldResolver) throws(RuleSyntaxError) -> Metric {
    let name = scanner.word()
    var argument: String?
    if scanner.consume("(") {
      argument = scanner.until(")").trimmedOfSpaces
      guard scanner.consume(")") else { throw RuleSyntaxError("missing ')' after '\(name)('") }
    }
    func field() throws(RuleSyntaxError) -> FieldRef {
      guard let argument, !argument.isEmpty else { return try resolve("duration") }
      return try resolve(argument)
    }
    switch name {
    case "error_rate": return .errorRate
    case "availability": return .availability
    case "consecutive_errors": return .consecutiveErrors
    case "count": return .count(argument.flatMap { $0.isEmpty || $0 == "events" || $0 == "requests" ? nil : $0 })
    case "rate": return .rate(argument.flatMap { $0.isEmpty || $0 == "events" || $0 == "requests" ? nil : $0 })
    case "max": return .maximum(try field())
    case "min": return .minimum(try field())
    case "avg": return .average(try field())
    case "sum": return .sum(try field())
    default:
      if name.hasPrefix("p"), let percent = Double(name.dropFirst()), percent > 0, percent < 100 {
        return .quantile(percent / 100, try field())
      }
      let suggestion = closestNames(to: name, in: metricNames)
      throw RuleSyntaxError(
        "unknown metric '\(name)'"
          + (suggestion.isEmpty
            ? " (metrics: \(metricNames.joined(separator: ", ")))"
            : ". Did you mean " + suggestion.map { "'\($0)'" }.joined(separator: " or ") + "?"))
    }
  }

  /// A threshold in the metric's terms: rates as fractions ("1%" or
  /// 0.01), durations in nanoseconds ("1s", "500ms", a bare number is ms).
  package static func threshold(_ text: String, metric: Metric, ratio: Bool = false) throws(RuleSyntaxError) -> Double {
    let trimmed = text.trimmedOfSpaces
    if ratio {
      let number = trimmed.hasSuffix("x") ? String(trimmed.dropLast()) : trimmed
      guard let value = Double(number), value.isFinite else {
        throw RuleSyntaxError("'\(text)' is not a ratio (write e.g. 3 or 0.33)")
      }
      return value
    }
    if trimmed.hasSuffix("%"), let value = Double(trimmed.dropLast().trimmedOfSpaces), value.isFinite {
      return value / 100
    }
    if let field = metric.field, field.isDuration {
      if let value = Double(trimmed), value.isFinite { return value * 1e6 }
      if let nanos = try? duration(trimmed) { return Double(nanos) }
      throw RuleSyntaxError("'\(text)' is not a duration threshold (write e.g. 500ms, 1s, or milliseconds)")
    }
    guard let value = Double(trimmed), value.isFinite else {
      throw RuleSyntaxError("'\(text)' is not a number")
    }
    return value
  }

  /// A tiny cursor over an expression.
  struct Scanner {
    let characters: [Character]
    var position = 0

    init(_ text: String) { characters = Array(text) }

    mutating func skipSpaces() {
      while position < characters.count && characters[position] == " " { position += 1 }
    }

    mutating func consume(_ token: String) -> Bool {
      skipSpaces()
      let token = Array(token)
      guard position + token.count <= characters.count, Array(characters[position..<position + token.count]) == token
      else { return false }
      position += token.count
      return true
    }

    mutating func consumeWord(_ word: String) -> Bool {
      let saved = position
      if self.word() == word { return true }
      position = saved
      return false
    }

    mutating func word() -> String {
      skipSpaces()
      let start = position
      while position < characters.count,
        characters[position].isLetter || characters[position].isNumber || characters[position] == "_"
          || characters[position] == "."
      {
        position += 1
      }
      return String(characters[start..<position])
    }

    mutating func until(_ terminator: Character) -> String {
      let start = position
      while position < characters.count && characters[position] != terminator { position += 1 }
      return String(characters[start..<position])
    }

    var rest: String { String(characters[position...]) }
    mutating func skipAll() { position = characters.count }
  }
}

package struct RuleSyntaxError: Error, Sendable {
  package var message: String
  package init(_ message: String) { self.message = message }
}

extension String {
  var trimmedOfSpaces: String {
    var text = Substring(self)
    while text.first == " " { text.removeFirst() }
    while text.last == " " { text.removeLast() }
    return String(text)
  }
}

extension Substring {
  var trimmedOfSpaces: String { String(self).trimmedOfSpaces }
}
