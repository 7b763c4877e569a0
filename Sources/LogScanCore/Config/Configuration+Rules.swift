/// The `alerting`, `rules` and `counters` sections (docs/rules.md):
///
///     alerting:
///       step: 1m              # how often rules are evaluated, in event time
///       lateness: 1m          # events older than the newest minus this are late
///       disable: [throughput_anomaly]   # built-in rules to turn off, or [all]
///     rules:
///       - name: checkout_errors
///         severity: critical            # info | warning | critical
///         expr: error_rate > 2%
///         scope: route                  # overall | service | route | any field
///         window: 5m
///         for: 2m
///         keep_firing_for: 1m
///         resolve: 1%                   # hysteresis: firing until at or below this
///         min_samples: 50
///         where: { path: { prefix: /api/checkout } }
///         summary: checkout is failing
///     counters:
///       - name: revenue
///         where: { action: order_completed }
///         by: currency
///         sum: amount
extension Configuration {
  package struct AlertingSettings: Sendable, Equatable {
    package var step = RulePlan.defaultStep
    package var lateness: Int64 = 60_000_000_000
    /// Built-in rules turned off by name.
    package var disabled: Set<String> = []
    package init() {}
  }

  /// Every rule in force: the built-ins (less the disabled ones and those a
  /// rule of the file replaces by name), then the file's.
  package var rules: [Rule] {
    let replaced = Set(userRules.map(\.name))
    let builtins = builtinRules.filter {
      !alerting.disabled.contains($0.name) && !alerting.disabled.contains("all") && !replaced.contains($0.name)
    }
    return builtins + userRules
  }

  /// Every counter: the defaults (less those the file replaces), then the file's.
  package var counters: [Counter] {
    let replaced = Set(userCounters.map(\.name))
    return builtinCounters.filter { !replaced.contains($0.name) } + userCounters
  }

  package var rulePlan: RulePlan {
    RulePlan(rules: rules, counters: counters, step: alerting.step, lateness: alerting.lateness)
  }

  static let maxCounters = 64

  /// Resolves a field name: a canonical field by its key or alias, or else a
  /// key path of the log, given one of the extra slots.
  static func resolveField(_ name: String, extras: inout [String]) throws(RuleSyntaxError) -> FieldRef {
    if let field = fieldNames[name] { return FieldRef(field, name: name) }
    guard !name.isEmpty else { throw RuleSyntaxError("a field name is empty") }
    if let index = extras.firstIndex(of: name) { return FieldRef(Field.extras[index], name: name) }
    guard extras.count < Field.extras.count else {
      throw RuleSyntaxError(
        "rules and counters may read at most \(Field.extras.count) fields besides the canonical ones "
          + "(\(extras.joined(separator: ", ")) and '\(name)')")
    }
    extras.append(name)
    return FieldRef(Field.extras[extras.count - 1], name: name)
  }

  /// Builds the built-in rules and counters (they claim their extra fields first).
  mutating func makeBuiltins() {
    var extras = extraFields
    do {
      builtinRules = try BuiltinRules.rules { name throws(RuleSyntaxError) in
        try Self.resolveField(name, extras: &extras)
      }
      builtinCounters = try BuiltinRules.counters { name throws(RuleSyntaxError) in
        try Self.resolveField(name, extras: &extras)
      }
    } catch {
      preconditionFailure("The built-in rules do not parse: \(error.message)")
    }
    extraFields = extras
  }

  /// The keys of the extra fields, bound in every format.
  var extraKeys: [LogFormat.Key] {
    var keys: [LogFormat.Key] = []
    for (index, path) in extraFields.enumerated() {
      let field = Field.extras[index]
      keys.append(LogFormat.Key([path], field, .automatic))
      let parts = path.split(separator: ".").map(String.init)
      if parts.count > 1 { keys.append(LogFormat.Key(parts, field, .automatic)) }
    }
    return keys
  }

  // MARK: Reading the sections

  struct SectionReader {
    let fail: (Int, String, String?) -> ConfigError
    let didYouMean: (String, [String]) -> String?

    func scalar(_ node: ConfigNode, _ what: String) throws(ConfigError) -> String {
      guard case .scalar(let text, _) = node, !text.isEmpty else {
        throw fail(node.line, "\(what) must be a value, found \(node.typeName)", nil)
      }
      return text
    }

    func list(_ node: ConfigNode, _ what: String) throws(ConfigError) -> [String] {
      if case .sequence(let items, _) = node {
        var result: [String] = []
        for item in items { result.append(try scalar(item, what)) }
        return result
      }
      return [try scalar(node, what)]
    }

    func duration(_ node: ConfigNode, _ what: String) throws(ConfigError) -> Int64 {
      let text = try scalar(node, what)
      do { return try RuleSyntax.duration(text) } catch { throw fail(node.line, "\(what): \(error.message)", nil) }
    }
  }

  /// The `correlation` section:
  ///
  ///     correlation:
  ///       idle: 30s          # a request is complete after this long without events
  ///       max_open: 300000   # open requests kept at most; the oldest beyond are evicted
  ///       top: 10            # slowest and latest failed requests listed
  ///       enabled: true
  mutating func readCorrelation(_ node: ConfigNode, _ reader: SectionReader) throws(ConfigError) {
    if case .null = node { return }
    guard case .mapping(let entries, _) = node else {
      throw reader.fail(node.line, "'correlation' must be a mapping, found \(node.typeName)", nil)
    }
    var settings = CorrelationSettings()
    var enabled = true
    func whole(_ node: ConfigNode, _ what: String, atLeast least: Int) throws(ConfigError) -> Int {
      guard let value = Int(try reader.scalar(node, what)), value >= least else {
        throw reader.fail(node.line, "\(what) must be a whole number of at least \(least)", nil)
      }
      return value
    }
    let known = ["idle", "max_open", "top", "enabled"]
    for entry in entries {
      switch entry.key {
      case "idle":
        settings.idle = try reader.duration(entry.value, "'correlation.idle'")
        guard settings.idle > 0 else { throw reader.fail(entry.line, "'correlation.idle' must be more than 0", nil) }
      case "max_open": settings.maxOpen = try whole(entry.value, "'correlation.max_open'", atLeast: 1)
      case "top": settings.top = try whole(entry.value, "'correlation.top'", atLeast: 0)
      case "enabled":
        let text = try reader.scalar(entry.value, "'correlation.enabled'")
        guard text == "true" || text == "false" else {
          throw reader.fail(entry.line, "'correlation.enabled' must be true or false, found '\(text)'", nil)
        }
        enabled = text == "true"
      default:
        throw reader.fail(
          entry.line, "unknown key '\(entry.key)' in 'correlation'", reader.didYouMean(entry.key, known))
      }
    }
    correlation = enabled ? settings : nil
  }

  /// The `timeline` section (see `TimelineSettings`).
  mutating func readTimeline(_ node: ConfigNode, _ reader: SectionReader) throws(ConfigError) {
    if case .null = node { return }
    guard case .mapping(let entries, _) = node else {
      throw reader.fail(node.line, "'timeline' must be a mapping, found \(node.typeName)", nil)
    }
    var settings = TimelineSettings()
    let known = ["merge_gap", "objective", "period", "lookback", "samples", "severity", "changes"]
    for entry in entries {
      switch entry.key {
      case "merge_gap": settings.mergeGap = try reader.duration(entry.value, "'timeline.merge_gap'")
      case "lookback": settings.lookback = try reader.duration(entry.value, "'timeline.lookback'")
      case "period":
        settings.period = try reader.duration(entry.value, "'timeline.period'")
        guard settings.period > 0 else { throw reader.fail(entry.line, "'timeline.period' must be more than 0", nil) }
      case "objective":
        let text = try reader.scalar(entry.value, "'timeline.objective'")
        let trimmed = text.hasSuffix("%") ? String(text.dropLast()) : text
        guard let number = Double(trimmed), number.isFinite else {
          throw reader.fail(entry.line, "'timeline.objective' must be a percentage such as 99.9%, found '\(text)'", nil)
        }
        let objective = text.hasSuffix("%") || number > 1 ? number / 100 : number
        guard objective > 0 && objective < 1 else {
          throw reader.fail(
            entry.line, "'timeline.objective' must be between 0% and 100% (exclusive), found '\(text)'", nil)
        }
        settings.objective = objective
      case "severity":
        let text = try reader.scalar(entry.value, "'timeline.severity'")
        guard let severity = Severity(rawValue: text) else {
          let names = Severity.allCases.map(\.rawValue)
          throw reader.fail(
            entry.line, "unknown severity '\(text)' for 'timeline.severity'",
            reader.didYouMean(text, names) ?? "Use one of: " + names.joined(separator: ", "))
        }
        settings.severity = severity
      case "samples":
        guard let value = Int(try reader.scalar(entry.value, "'timeline.samples'")), value >= 0, value <= 100 else {
          throw reader.fail(entry.line, "'timeline.samples' must be a whole number from 0 to 100", nil)
        }
        settings.samples = value
      case "changes":
        guard case .mapping(let members, _) = entry.value else {
          throw reader.fail(
            entry.value.line, "'timeline.changes' must be a mapping, found \(entry.value.typeName)", nil)
        }
        for member in members {
          switch member.key {
          case "actions":
            settings.changeActions = try reader.list(member.value, "'timeline.changes.actions'").map { $0.lowercased() }
          case "keywords":
            settings.changeKeywords = try reader.list(member.value, "'timeline.changes.keywords'").map {
              $0.lowercased()
            }
          default:
            throw reader.fail(
              member.line, "unknown key '\(member.key)' in 'timeline.changes'",
              reader.didYouMean(member.key, ["actions", "keywords"]))
          }
        }
      default:
        throw reader.fail(entry.line, "unknown key '\(entry.key)' in 'timeline'", reader.didYouMean(entry.key, known))
      }
    }
    timeline = settings
  }

  mutating func readAlerting(_ node: ConfigNode, _ reader: SectionReader) throws(ConfigError) {
    if case .null = node { return }
    guard case .mapping(let entries, _) = node else {
      throw reader.fail(node.line, "'alerting' must be a mapping, found \(node.typeName)", nil)
    }
    let known = ["step", "lateness", "disable"]
    for entry in entries {
      switch entry.key {
      case "step":
        alerting.step = try reader.duration(entry.value, "'alerting.step'")
        guard alerting.step >= 1_000_000_000 else {
          throw reader.fail(entry.line, "'alerting.step' must be at least 1s", nil)
        }
      case "lateness": alerting.lateness = try reader.duration(entry.value, "'alerting.lateness'")
      case "disable":
        for name in try reader.list(entry.value, "a rule name in 'alerting.disable'") {
          guard name == "all" || BuiltinRules.names.contains(name) else {
            throw reader.fail(
              entry.value.line, "'\(name)' is not a built-in rule",
              reader.didYouMean(name, BuiltinRules.names) ?? "See 'logscan rules --list'.")
          }
          alerting.disabled.insert(name)
        }
      default:
        throw reader.fail(entry.line, "unknown key '\(entry.key)' in 'alerting'", reader.didYouMean(entry.key, known))
      }
    }
  }

  /// Reads `rules` after `alerting` (windows must be whole steps).
  mutating func readRules(_ node: ConfigNode, _ reader: SectionReader) throws(ConfigError) {
    if case .null = node { return }
    guard case .sequence(let items, _) = node else {
      throw reader.fail(node.line, "'rules' must be a list of rules, found \(node.typeName)", nil)
    }
    let known = [
      "name", "severity", "expr", "scope", "window", "for", "keep_firing_for", "resolve", "min_samples", "where",
      "summary",
    ]
    var names = Set<String>()
    for item in items {
      guard case .mapping(let entries, let line) = item else {
        throw reader.fail(item.line, "a rule must be a mapping (name, expr, window, ...), found \(item.typeName)", nil)
      }
      var values: [String: (line: Int, node: ConfigNode)] = [:]
      for entry in entries {
        guard known.contains(entry.key) else {
          throw reader.fail(entry.line, "unknown key '\(entry.key)' in a rule", reader.didYouMean(entry.key, known))
        }
        values[entry.key] = (entry.line, entry.value)
      }
      guard let nameNode = values["name"] else { throw reader.fail(line, "a rule needs a 'name'", nil) }
      let name = try reader.scalar(nameNode.node, "'name'")
      guard names.insert(name).inserted else { throw reader.fail(nameNode.line, "two rules are named '\(name)'", nil) }
      guard let exprNode = values["expr"] else {
        throw reader.fail(line, "rule '\(name)' needs an 'expr' (e.g. error_rate > 1%)", nil)
      }
      var extras = extraFields
      func resolve(_ field: String) throws(RuleSyntaxError) -> FieldRef {
        try Self.resolveField(field, extras: &extras)
      }
      let parsed: (metric: Metric, baseline: Int64?, condition: Condition)
      let exprText = try reader.scalar(exprNode.node, "'expr'")
      do {
        parsed = try RuleSyntax.expression(exprText, resolve: resolve)
      } catch {
        throw reader.fail(exprNode.line, "rule '\(name)': \(error.message)", nil)
      }
      if let counter = parsed.metric.counter, counter != "errors",
        !counters.contains(where: { $0.name == counter })
      {
        throw reader.fail(
          exprNode.line, "rule '\(name)' counts '\(counter)', which is not a counter",
          reader.didYouMean(counter, counters.map(\.name) + ["errors", "requests"])
            ?? "Define it under 'counters'.")
      }
      let severityText =
        try values["severity"].map { node throws(ConfigError) in try reader.scalar(node.node, "'severity'") }
        ?? "warning"
      guard let severity = Severity(rawValue: severityText) else {
        throw reader.fail(
          values["severity"]!.line, "unknown severity '\(severityText)'",
          reader.didYouMean(severityText, Severity.allCases.map(\.rawValue)) ?? "Use info, warning or critical.")
      }
      var scope = RuleScope.service
      if let node = values["scope"] {
        switch try reader.scalar(node.node, "'scope'") {
        case "overall": scope = .overall
        case "service": scope = .service
        case "route": scope = .route
        case let field:
          do { scope = .field(try resolve(field)) } catch {
            throw reader.fail(node.line, "rule '\(name)': \(error.message)", nil)
          }
        }
      }
      func duration(_ key: String) throws(ConfigError) -> Int64? {
        guard let node = values[key] else { return nil }
        let value = try reader.duration(node.node, "'\(key)' of rule '\(name)'")
        return value
      }
      guard let window = try duration("window") ?? (parsed.metric == .consecutiveErrors ? 15 * 60_000_000_000 : nil)
      else {
        throw reader.fail(line, "rule '\(name)' needs a 'window' (e.g. 5m)", nil)
      }
      guard window >= alerting.step, window % alerting.step == 0 else {
        throw reader.fail(
          values["window"]?.line ?? line,
          "the window of rule '\(name)' must be a whole number of steps (the step is \(Rule.durationText(alerting.step)))",
          nil)
      }
      var rule = Rule(
        name: name, severity: severity, scope: scope, metric: parsed.metric, condition: parsed.condition,
        window: window, forDuration: try duration("for") ?? 0, minSamples: 1)
      rule.baseline = parsed.baseline
      rule.keepFiringFor = try duration("keep_firing_for") ?? 0
      if let node = values["min_samples"] {
        let counts: Bool
        switch parsed.metric {
        case .count, .rate: counts = parsed.baseline == nil
        default: counts = false
        }
        // 0 only for counts and rates: "no traffic" rules hold on an empty window.
        guard let value = Int(try reader.scalar(node.node, "'min_samples'")), value >= (counts ? 0 : 1) else {
          throw reader.fail(
            node.line,
            counts
              ? "'min_samples' must be a whole number of at least 0"
              : "'min_samples' must be a whole number of at least 1 (0 only for count() and rate() rules)", nil)
        }
        rule.minSamples = value
      }
      if let node = values["resolve"] {
        if case .outside = parsed.condition {
          throw reader.fail(node.line, "rule '\(name)': 'resolve' does not apply to 'outside'", nil)
        }
        let resolveText = try reader.scalar(node.node, "'resolve'")
        let resolveValue: Double
        do {
          resolveValue = try RuleSyntax.threshold(resolveText, metric: parsed.metric, ratio: parsed.baseline != nil)
        } catch {
          throw reader.fail(node.line, "rule '\(name)': \(error.message)", nil)
        }
        let threshold = parsed.condition.threshold
        let isUpper: Bool
        switch parsed.condition {
        case .greater, .greaterOrEqual: isUpper = true
        default: isUpper = false
        }
        guard isUpper ? resolveValue <= threshold : resolveValue >= threshold else {
          throw reader.fail(
            node.line,
            "rule '\(name)': 'resolve' must be on the quiet side of the threshold (at or below it for '>', at or above it for '<')",
            nil)
        }
        rule.resolveThreshold = resolveValue
      }
      if let node = values["where"] {
        do {
          rule.filter = try Self.predicate(node.node, reader, resolve)
        } catch {
          throw reader.fail(node.node.line, "rule '\(name)': \(error.message)", nil)
        }
      }
      if let node = values["summary"] { rule.summary = try reader.scalar(node.node, "'summary'") }
      userRules.append(rule)
      extraFields = extras
    }
  }

  mutating func readCounters(_ node: ConfigNode, _ reader: SectionReader) throws(ConfigError) {
    if case .null = node { return }
    guard case .sequence(let items, _) = node else {
      throw reader.fail(node.line, "'counters' must be a list of counters, found \(node.typeName)", nil)
    }
    let known = ["name", "where", "by", "sum"]
    for item in items {
      guard case .mapping(let entries, let line) = item else {
        throw reader.fail(item.line, "a counter must be a mapping (name, where, by, sum), found \(item.typeName)", nil)
      }
      var values: [String: (line: Int, node: ConfigNode)] = [:]
      for entry in entries {
        guard known.contains(entry.key) else {
          throw reader.fail(entry.line, "unknown key '\(entry.key)' in a counter", reader.didYouMean(entry.key, known))
        }
        values[entry.key] = (entry.line, entry.value)
      }
      guard let nameNode = values["name"] else { throw reader.fail(line, "a counter needs a 'name'", nil) }
      let name = try reader.scalar(nameNode.node, "'name'")
      guard !userCounters.contains(where: { $0.name == name }) else {
        throw reader.fail(nameNode.line, "two counters are named '\(name)'", nil)
      }
      guard !["errors", "requests", "events"].contains(name) else {
        throw reader.fail(nameNode.line, "'\(name)' is a built-in count; name the counter otherwise", nil)
      }
      guard let whereNode = values["where"] else {
        throw reader.fail(line, "counter '\(name)' needs a 'where' (e.g. { action: signup })", nil)
      }
      var extras = extraFields
      func resolve(_ field: String) throws(RuleSyntaxError) -> FieldRef {
        try Self.resolveField(field, extras: &extras)
      }
      let by = try values["by"].map { node throws(ConfigError) in try reader.scalar(node.node, "'by'") }
      let sum = try values["sum"].map { node throws(ConfigError) in try reader.scalar(node.node, "'sum'") }
      do {
        var counter = Counter(name: name, predicate: try Self.predicate(whereNode.node, reader, resolve))
        if let by { counter.groupBy = try resolve(by) }
        if let sum { counter.sum = try resolve(sum) }
        userCounters.append(counter)
      } catch {
        throw reader.fail(line, "counter '\(name)': \(error.message)", nil)
      }
      guard counters.count <= Self.maxCounters else {
        throw reader.fail(line, "at most \(Self.maxCounters) counters", nil)
      }
      extraFields = extras
    }
  }

  /// A predicate: a mapping of field tests, all of which must hold:
  ///
  ///     { action: signup }                   # equals
  ///     { action: [signup, register] }       # one of
  ///     { path: { prefix: /api/ } }          # also: { exists: true }, { not: value }
  ///     { error: true }                      # an error event (5xx, level error/fatal)
  ///     { any: [ {...}, {...} ] }            # one of several predicates; also all:, not:
  static func predicate(
    _ node: ConfigNode, _ reader: SectionReader, _ resolve: RuleSyntax.FieldResolver
  ) throws(RuleSyntaxError) -> Predicate {
    guard case .mapping(let entries, _) = node, !entries.isEmpty else {
      throw RuleSyntaxError("a 'where' must be a mapping of field tests, e.g. { action: signup }")
    }
    func values(_ node: ConfigNode) throws(RuleSyntaxError) -> [String] {
      switch node {
      case .scalar(let text, _): return [text]
      case .sequence(let items, _):
        var result: [String] = []
        for item in items {
          guard case .scalar(let text, _) = item else {
            throw RuleSyntaxError("a list of values holds \(item.typeName)")
          }
          result.append(text)
        }
        return result
      default: throw RuleSyntaxError("expected a value or a list of values, found \(node.typeName)")
      }
    }
    func list(_ node: ConfigNode) throws(RuleSyntaxError) -> [Predicate] {
      guard case .sequence(let items, _) = node else {
        throw RuleSyntaxError("'any' and 'all' take a list of predicates")
      }
      var result: [Predicate] = []
      for item in items { result.append(try predicate(item, reader, resolve)) }
      return result
    }
    var tests: [Predicate] = []
    for entry in entries {
      switch entry.key {
      case "any": tests.append(.any(try list(entry.value)))
      case "all": tests.append(.all(try list(entry.value)))
      case "not": tests.append(.not(try predicate(entry.value, reader, resolve)))
      case "error":
        guard case .scalar(let text, _) = entry.value, let flag = Bool(text) else {
          throw RuleSyntaxError("'error' takes true or false")
        }
        tests.append(.error(flag))
      default:
        let field = try resolve(entry.key)
        if case .mapping(let options, _) = entry.value {
          for option in options {
            switch option.key {
            case "equals", "in": tests.append(.equals(field, try values(option.value)))
            case "prefix": tests.append(.prefix(field, try values(option.value)))
            case "not": tests.append(.not(.equals(field, try values(option.value))))
            case "exists":
              guard case .scalar(let text, _) = option.value, let flag = Bool(text) else {
                throw RuleSyntaxError("'exists' takes true or false")
              }
              tests.append(.exists(field, flag))
            default:
              let close = closestNames(to: option.key, in: ["equals", "in", "prefix", "not", "exists"])
              throw RuleSyntaxError(
                "unknown test '\(option.key)' on '\(entry.key)'"
                  + (close.isEmpty ? " (tests: equals, in, prefix, not, exists)" : "; did you mean '\(close[0])'?"))
            }
          }
        } else {
          tests.append(.equals(field, try values(entry.value)))
        }
      }
    }
    return tests.count == 1 ? tests[0] : .all(tests)
  }
}
