/// The rules and counters logscan has without a configuration: the
/// operational thresholds of DESIGN.md ("Default thresholds").
package enum BuiltinRules {
  struct Definition: Sendable {
    let name: String
    let severity: Severity
    let scope: RuleScope
    let expression: String
    let window: String
    var forDuration = "0"
    var minSamples = 20
    var filter: Filter? = nil
    let summary: String
  }

  /// Which events a built-in rule looks at.
  enum Filter: Sendable {
    case healthChecks, llmCalls, databaseCalls

    func predicate(_ resolve: RuleSyntax.FieldResolver) throws(RuleSyntaxError) -> Predicate {
      let action = try resolve("action")
      switch self {
      case .healthChecks:
        return .any([
          .equals(action, ["health_check", "healthcheck", "health"]),
          .equals(try resolve("path"), ["/health", "/healthz", "/readyz", "/livez", "/ready", "/ping", "/status"]),
        ])
      case .llmCalls:
        return .any([
          .prefix(action, ["llm", "openai", "anthropic", "chat_completion", "completion"]),
          .prefix(try resolve("service"), ["llm"]),
        ])
      case .databaseCalls:
        return .any([
          .prefix(action, ["db_", "db.", "query", "sql"]),
          .prefix(try resolve("service"), ["db", "postgres", "mysql", "database"]),
        ])
      }
    }
  }

  static let definitions: [Definition] = [
    Definition(
      name: "high_error_rate", severity: .critical, scope: .service, expression: "error_rate > 1%", window: "5m",
      summary: "more than 1% of events failed over 5 minutes"),
    Definition(
      name: "rollback_error_rate", severity: .critical, scope: .service, expression: "error_rate > 5%", window: "5m",
      forDuration: "5m", summary: "more than 5% of events failed for 5 minutes: roll back"),
    Definition(
      name: "high_latency_p99", severity: .warning, scope: .service, expression: "p99(duration) > 1s", window: "5m",
      summary: "p99 latency above 1 s over 5 minutes"),
    Definition(
      name: "rollback_latency_p99", severity: .critical, scope: .service, expression: "p99(duration) > 2s",
      window: "5m", forDuration: "5m", summary: "p99 latency above 2 s for 5 minutes: roll back"),
    Definition(
      name: "latency_budget_p50", severity: .warning, scope: .service, expression: "p50(duration) > 100ms",
      window: "5m", summary: "median latency above its 100 ms budget over 5 minutes"),
    Definition(
      name: "latency_budget_p95", severity: .warning, scope: .service, expression: "p95(duration) > 400ms",
      window: "5m", summary: "p95 latency above its 400 ms budget over 5 minutes"),
    Definition(
      name: "availability", severity: .critical, scope: .service, expression: "availability < 99.5%", window: "24h",
      minSamples: 100, summary: "fewer than 99.5% of events succeeded over 24 hours"),
    Definition(
      name: "throughput_anomaly", severity: .warning, scope: .overall,
      expression: "rate(requests) / baseline(1h) outside 0.333..3", window: "5m", minSamples: 100,
      summary: "event rate over 5 minutes above 3x or below 1/3 of the hour before"),
    Definition(
      name: "queue_depth", severity: .warning, scope: .service, expression: "max(queue_depth) > 1000", window: "1m",
      forDuration: "5m", minSamples: 1, summary: "queue depth above 1000 for 5 minutes"),
    Definition(
      name: "db_pool", severity: .warning, scope: .service, expression: "avg(db_pool_usage) > 0.8", window: "1m",
      forDuration: "5m", minSamples: 1, summary: "database pool usage above 80% for 5 minutes"),
    Definition(
      name: "db_slow_query", severity: .warning, scope: .service, expression: "max(duration) > 500ms", window: "1m",
      minSamples: 1, filter: .databaseCalls, summary: "a database query took longer than 500 ms"),
    Definition(
      name: "llm_failure_rate", severity: .warning, scope: .service, expression: "error_rate > 5%", window: "5m",
      filter: .llmCalls, summary: "more than 5% of LLM calls failed over 5 minutes"),
    Definition(
      name: "llm_slow_response", severity: .warning, scope: .service, expression: "max(duration) > 30s",
      window: "5m", minSamples: 1, filter: .llmCalls, summary: "an LLM call took longer than 30 s"),
    Definition(
      name: "service_down", severity: .critical, scope: .service, expression: "consecutive_errors >= 3",
      window: "15m", minSamples: 1, filter: .healthChecks, summary: "3 health checks in a row failed"),
  ]

  package static var names: [String] { definitions.map(\.name) }

  /// The built-in rules, their fields resolved by `resolve`.
  package static func rules(resolve: RuleSyntax.FieldResolver) throws(RuleSyntaxError) -> [Rule] {
    var rules: [Rule] = []
    for definition in definitions {
      let (metric, baseline, condition) = try RuleSyntax.expression(definition.expression, resolve: resolve)
      var rule = Rule(
        name: definition.name, severity: definition.severity, scope: definition.scope, metric: metric,
        condition: condition, window: try RuleSyntax.duration(definition.window),
        forDuration: try RuleSyntax.duration(definition.forDuration), minSamples: definition.minSamples)
      rule.baseline = baseline
      rule.filter = try definition.filter?.predicate(resolve)
      rule.summary = definition.summary
      rules.append(rule)
    }
    return rules
  }

  /// Counters for the business events the playbooks name, kept when they
  /// counted something: actions as services commonly name them.
  package static func counters(resolve: RuleSyntax.FieldResolver) throws(RuleSyntaxError) -> [Counter] {
    let action = try resolve("action")
    var counters = [
      Counter(
        name: "signups",
        predicate: .all([
          .equals(action, ["signup", "sign_up", "register", "user_registered", "user_signup"]), .error(false),
        ])),
      Counter(
        name: "logins",
        predicate: .all([.equals(action, ["login", "log_in", "sign_in", "user_login"]), .error(false)])),
      Counter(
        name: "orders",
        predicate: .all([.equals(action, ["create_order", "order_created", "place_order", "checkout"]), .error(false)])),
      Counter(
        name: "payment_failures",
        predicate: .any([
          .equals(action, ["payment_failed", "payment_failure", "charge_failed"]),
          .all([.prefix(action, ["payment", "charge", "refund_payment"]), .error(true)]),
        ])),
    ]
    for index in counters.indices { counters[index].isDefault = true }
    return counters
  }
}
