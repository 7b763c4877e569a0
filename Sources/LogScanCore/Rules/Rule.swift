/// An alert rule: a condition over a windowed metric, evaluated every step
/// on event time, with Prometheus' states (docs/rules.md).
package struct Rule: Sendable, Equatable {
  package var name: String
  package var severity: Severity
  package var scope: RuleScope
  package var metric: Metric
  package var condition: Condition
  /// While firing, the rule stays firing as long as the value is beyond
  /// this threshold (hysteresis); nil: the condition's own threshold.
  package var resolveThreshold: Double?
  /// Nanoseconds of event time the metric is computed over.
  package var window: Int64
  /// Nanoseconds the condition must hold before the rule fires.
  package var forDuration: Int64 = 0
  /// Nanoseconds a firing rule keeps firing after its condition stopped.
  package var keepFiringFor: Int64 = 0
  /// Fewer samples than this in the window (or the baseline): not evaluated
  /// (the condition counts as false).
  package var minSamples = 1
  /// Only events that match take part.
  package var filter: Predicate?
  /// Compare the metric to its own value over this much time just before
  /// the window (the value becomes the ratio window / baseline).
  package var baseline: Int64?
  /// A one-line explanation shown with the alert.
  package var summary: String = ""

  package init(
    name: String, severity: Severity, scope: RuleScope = .service, metric: Metric, condition: Condition,
    window: Int64, forDuration: Int64 = 0, minSamples: Int = 1
  ) {
    self.name = name
    self.severity = severity
    self.scope = scope
    self.metric = metric
    self.condition = condition
    self.window = window
    self.forDuration = forDuration
    self.minSamples = minSamples
  }

  /// The expression as written in a rules file.
  package var expression: String {
    var text = metric.description
    if let baseline { text += " / baseline(\(Rule.durationText(baseline)))" }
    return text + " " + condition.description(metric: baseline == nil ? metric : nil)
  }

  package static func durationText(_ nanos: Int64) -> String {
    let seconds = nanos / 1_000_000_000
    if seconds > 0 && seconds % 86400 == 0 { return "\(seconds / 86400)d" }
    if seconds > 0 && seconds % 3600 == 0 { return "\(seconds / 3600)h" }
    if seconds > 0 && seconds % 60 == 0 { return "\(seconds / 60)m" }
    if nanos % 1_000_000_000 == 0 { return "\(seconds)s" }
    return "\(nanos / 1_000_000)ms"
  }
}

package enum Severity: String, Sendable, CaseIterable, Comparable {
  case info, warning, critical

  package static func < (lhs: Self, rhs: Self) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }
}

/// What one series of a rule is: the whole input, one service, one route,
/// or one value of a field.
package enum RuleScope: Sendable, Equatable, Hashable {
  case overall
  case service
  case route
  /// Grouped by the value of a field (a key path of the log).
  case field(FieldRef)

  /// The label the scope has in reports and alert events.
  package var label: String? {
    switch self {
    case .overall: return nil
    case .service: return "service"
    case .route: return "route"
    case .field(let field): return field.name
    }
  }
}

/// A field of the event a rule or counter reads: a canonical one, or a key
/// of the log bound to one of the extra slots.
package struct FieldRef: Sendable, Hashable, CustomStringConvertible {
  package var field: Field
  /// As the user wrote it.
  package var name: String

  package init(_ field: Field, name: String) {
    self.field = field
    self.name = name
  }

  package var description: String { name }
  /// Durations are read in nanoseconds; thresholds on them take time units.
  package var isDuration: Bool { field == .duration }
}

/// The value a rule watches in each window.
package enum Metric: Sendable, Equatable {
  /// Errors (5xx or level error/fatal) / events.
  case errorRate
  /// 1 - error rate.
  case availability
  /// Events (or a counter's matches) in the window; nil: events.
  case count(String?)
  /// Events (or a counter's matches) per second of the window.
  case rate(String?)
  /// The q-quantile (0 < q < 1) of a numeric field, by nearest rank.
  case quantile(Double, FieldRef)
  case maximum(FieldRef)
  case minimum(FieldRef)
  case average(FieldRef)
  case sum(FieldRef)
  /// Error events in a row, most recent first (by event time).
  case consecutiveErrors

  /// The numeric field the metric reads, if any.
  package var field: FieldRef? {
    switch self {
    case .quantile(_, let field), .maximum(let field), .minimum(let field), .average(let field), .sum(let field):
      return field
    default: return nil
    }
  }

  /// The counter the metric counts, if any.
  package var counter: String? {
    switch self {
    case .count(let name), .rate(let name): return name
    default: return nil
    }
  }

  package var description: String {
    switch self {
    case .errorRate: return "error_rate"
    case .availability: return "availability"
    case .count(let name): return "count(\(name ?? ""))"
    case .rate(let name): return "rate(\(name ?? "requests"))"
    case .quantile(let q, let field):
      let percent = q * 100
      let text = percent == percent.rounded() ? String(Int(percent)) : Format.fixed(percent, 1)
      return "p\(text)(\(field))"
    case .maximum(let field): return "max(\(field))"
    case .minimum(let field): return "min(\(field))"
    case .average(let field): return "avg(\(field))"
    case .sum(let field): return "sum(\(field))"
    case .consecutiveErrors: return "consecutive_errors"
    }
  }

  /// A value of this metric for people: "1.25%", "1.20s", "1,234".
  package func format(_ value: Double, ratio: Bool = false) -> String {
    if ratio { return Format.fixed(value, 2) + "x" }
    switch self {
    case .errorRate, .availability: return Format.percent(value)
    case .count, .consecutiveErrors: return Format.count(Int(value.rounded()))
    case .rate: return Format.fixed(value, value < 10 ? 2 : 0) + "/s"
    case .quantile(_, let field), .maximum(let field), .minimum(let field), .average(let field), .sum(let field):
      if field.isDuration { return Format.duration(ms: value / 1e6) }
      return value == value.rounded() && abs(value) < 1e15 ? Format.count(Int(value)) : Format.fixed(value, 3)
    }
  }
}

/// The comparison of a rule's value with its threshold(s).
package enum Condition: Sendable, Equatable {
  case greater(Double)
  case greaterOrEqual(Double)
  case less(Double)
  case lessOrEqual(Double)
  /// Below the first or above the second.
  case outside(Double, Double)

  package func holds(_ value: Double) -> Bool {
    switch self {
    case .greater(let t): return value > t
    case .greaterOrEqual(let t): return value >= t
    case .less(let t): return value < t
    case .lessOrEqual(let t): return value <= t
    case .outside(let low, let high): return value < low || value > high
    }
  }

  /// The same comparison with another threshold (for hysteresis).
  package func with(threshold: Double) -> Condition {
    switch self {
    case .greater: return .greater(threshold)
    case .greaterOrEqual: return .greaterOrEqual(threshold)
    case .less: return .less(threshold)
    case .lessOrEqual: return .lessOrEqual(threshold)
    case .outside: return self
    }
  }

  /// The threshold (the nearer bound of `outside`, for reports: the high one).
  package var threshold: Double {
    switch self {
    case .greater(let t), .greaterOrEqual(let t), .less(let t), .lessOrEqual(let t): return t
    case .outside(_, let high): return high
    }
  }

  package var thresholds: [Double] {
    if case .outside(let low, let high) = self { return [low, high] }
    return [threshold]
  }

  package var symbol: String {
    switch self {
    case .greater: return ">"
    case .greaterOrEqual: return ">="
    case .less: return "<"
    case .lessOrEqual: return "<="
    case .outside: return "outside"
    }
  }

  package func description(metric: Metric?) -> String {
    func value(_ t: Double) -> String {
      guard let metric else { return Format.trimmed(t) }
      switch metric {
      case .errorRate, .availability: return Format.trimmed(t * 100) + "%"
      default:
        if let field = metric.field, field.isDuration {
          return t >= 1e9 && t.truncatingRemainder(dividingBy: 1e8) == 0
            ? Format.trimmed(t / 1e9) + "s" : Format.trimmed(t / 1e6) + "ms"
        }
        return Format.trimmed(t)
      }
    }
    if case .outside(let low, let high) = self { return "outside \(value(low))..\(value(high))" }
    return symbol + " " + value(threshold)
  }
}

extension Format {
  /// A number with as few digits as it needs: 0.5, 1000, 99.5.
  package static func trimmed(_ value: Double) -> String {
    if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
    var text = fixed(value, 6)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
  }
}
