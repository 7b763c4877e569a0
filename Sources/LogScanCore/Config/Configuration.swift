/// What a configuration file says. Sections:
///
///     fields:            # canonical field -> key, dotted path, or list of them
///       timestamp: ts
///       level: [severity, lvl]
///       duration: { path: timing.total, unit: s }
///     units:             # the unit of mapped durations and numeric timestamps
///       duration: ms     # ns | us | ms | s (default ms)
///       timestamp: auto  # auto | s | ms | us | ns (default auto: by magnitude)
///     format: auto       # or a name from `logscan formats`, to read every line that way
///     redaction:
///       mode: mask       # mask | hash | partial
///       key_file: /etc/logscan/redact.key   # the key of hash mode
///       kinds: { email: partial, ipv4: off } # a mode per detector
///       keys: [customer_ref]                 # more sensitive key names
///       patterns:                            # more tokens, by prefix
///         - { name: acme_token, prefix: "acme_", min_length: 24 }
///
/// `alerting`, `rules` and `counters`: see Configuration+Rules.swift.
/// Anything else is an error.
package struct Configuration: Sendable, Equatable {
  package struct Source: Sendable, Equatable {
    /// A dotted path as written: "a.b" matches the key "a.b" and the nested
    /// keys a > b.
    package var path: String
    package var unit: ValueUnit?

    package init(path: String, unit: ValueUnit?) {
      self.path = path
      self.unit = unit
    }
  }

  /// The file it came from, or nil for the built-in defaults.
  package var file: String?
  package var fields: [(field: Field, sources: [Source])] = []
  package var durationUnit = ValueUnit.milliseconds
  package var timestampUnit = ValueUnit.automatic
  /// A format to read every line with, or nil to detect.
  package var format: String?
  package var redaction = RedactionSettings()
  package var alerting = AlertingSettings()
  /// How requests are followed by id; nil: `correlation: {enabled: false}`.
  package var correlation: CorrelationSettings? = CorrelationSettings()
  /// Incidents and their timelines (`logscan timeline`).
  package var timeline = TimelineSettings()
  /// Rules and counters of the file; built-in ones.
  package var userRules: [Rule] = []
  package var userCounters: [Counter] = []
  package var builtinRules: [Rule] = []
  package var builtinCounters: [Counter] = []
  /// Key paths rules and counters read besides the canonical fields, bound
  /// to `Field.extras` in this order.
  package var extraFields: [String] = []

  package struct RedactionSettings: Sendable, Equatable {
    package var mode: RedactionMode?
    package var keyFile: String?
    package var kinds: [SecretKind: RedactionMode] = [:]
    package var keys: [String] = []
    package var patterns: [PrefixPattern] = []
    package init() {}
  }

  package init() { makeBuiltins() }

  package static func == (lhs: Configuration, rhs: Configuration) -> Bool {
    lhs.file == rhs.file && lhs.durationUnit == rhs.durationUnit && lhs.timestampUnit == rhs.timestampUnit
      && lhs.format == rhs.format && lhs.redaction == rhs.redaction && lhs.alerting == rhs.alerting
      && lhs.timeline == rhs.timeline && lhs.userRules == rhs.userRules && lhs.userCounters == rhs.userCounters
      && lhs.extraFields == rhs.extraFields
      && lhs.fields.count == rhs.fields.count
      && zip(lhs.fields, rhs.fields).allSatisfy { $0.field == $1.field && $0.sources == $1.sources }
  }

  package static let topLevelKeys = [
    "fields", "units", "format", "alerting", "rules", "counters", "redaction", "correlation",
    "timeline",
  ]
  /// Field names a mapping may use (the canonical keys, and a few aliases).
  package static let fieldNames: [String: Field] = {
    var names: [String: Field] = [:]
    for field in Field.canonical { names[field.canonicalKey] = field }
    names["duration"] = .duration
    names["request_id"] = .requestId
    names["user_id"] = .userId
    names["time"] = .timestamp
    return names
  }()
  static let unitNames: [String: ValueUnit] = [
    "ns": .nanoseconds, "us": .microseconds, "µs": .microseconds, "ms": .milliseconds, "s": .seconds,
    "auto": .automatic,
  ]

  /// Validates a parsed document strictly: unknown keys and wrong types are
  /// errors naming the file, line and key, with a suggestion.
  package init(_ root: ConfigNode, file: String) throws(ConfigError) {
    self.file = file
    makeBuiltins()
    func fail(_ line: Int, _ problem: String, _ suggestion: String? = nil) -> ConfigError {
      ConfigError(file: file, line: line, problem: problem, suggestion: suggestion)
    }
    func didYouMean(_ name: String, _ candidates: [String]) -> String? {
      let close = closestNames(to: name, in: candidates)
      return close.isEmpty ? nil : "Did you mean " + close.map { "'\($0)'" }.joined(separator: " or ") + "?"
    }
    func unit(_ node: ConfigNode, allowAutomatic: Bool, what: String) throws(ConfigError) -> ValueUnit {
      guard case .scalar(let text, let line) = node else {
        throw fail(node.line, "\(what) must be a unit, found \(node.typeName)")
      }
      let choices = allowAutomatic ? ["auto", "s", "ms", "us", "ns"] : ["s", "ms", "us", "ns"]
      guard let value = Self.unitNames[text], allowAutomatic || value != .automatic else {
        throw fail(
          line, "unknown unit '\(text)' for \(what)",
          didYouMean(text, choices) ?? "Use one of: " + choices.joined(separator: ", "))
      }
      return value
    }

    var alertingNode: ConfigNode?
    var rulesNode: ConfigNode?
    var countersNode: ConfigNode?
    var correlationNode: ConfigNode?
    var timelineNode: ConfigNode?
    switch root {
    case .null:
      return
    case .mapping(let members, _):
      var seen = Set<String>()
      for member in members {
        guard Self.topLevelKeys.contains(member.key) else {
          throw fail(
            member.line, "unknown key '\(member.key)'",
            didYouMean(member.key, Self.topLevelKeys) ?? "Known keys: " + Self.topLevelKeys.joined(separator: ", "))
        }
        guard seen.insert(member.key).inserted else { throw fail(member.line, "'\(member.key)' is given twice") }
        switch member.key {
        case "fields":
          guard case .mapping(let entries, _) = member.value else {
            if case .null = member.value { continue }
            throw fail(
              member.value.line, "'fields' must be a mapping of field names to keys, found \(member.value.typeName)")
          }
          for entry in entries {
            guard let field = Self.fieldNames[entry.key] else {
              throw fail(
                entry.line, "unknown field '\(entry.key)' in 'fields'",
                didYouMean(entry.key, Array(Self.fieldNames.keys).sorted())
                  ?? "Fields: " + Field.canonical.map(\.canonicalKey).joined(separator: ", "))
            }
            var sources: [Source] = []
            let items: [ConfigNode]
            if case .sequence(let list, _) = entry.value { items = list } else { items = [entry.value] }
            for item in items {
              switch item {
              case .scalar(let path, let line):
                guard !path.isEmpty else { throw fail(line, "an empty key for '\(entry.key)'") }
                sources.append(Source(path: path, unit: nil))
              case .mapping(let options, let line):
                var path: String?
                var itemUnit: ValueUnit?
                for option in options {
                  switch option.key {
                  case "path":
                    guard case .scalar(let text, _) = option.value, !text.isEmpty else {
                      throw fail(option.line, "'path' must be a key or dotted path")
                    }
                    path = text
                  case "unit":
                    itemUnit = try unit(option.value, allowAutomatic: field == .timestamp, what: "'\(entry.key)'")
                  default:
                    throw fail(
                      option.line, "unknown key '\(option.key)' in a field mapping",
                      didYouMean(option.key, ["path", "unit"]))
                  }
                }
                guard let path else { throw fail(line, "a mapping for '\(entry.key)' needs a 'path'") }
                sources.append(Source(path: path, unit: itemUnit))
              default:
                throw fail(
                  item.line, "'\(entry.key)' must be a key, a list of keys, or {path, unit}, found \(item.typeName)")
              }
            }
            fields.append((field, sources))
          }
        case "units":
          guard case .mapping(let entries, _) = member.value else {
            throw fail(member.value.line, "'units' must be a mapping, found \(member.value.typeName)")
          }
          for entry in entries {
            switch entry.key {
            case "duration": durationUnit = try unit(entry.value, allowAutomatic: false, what: "'units.duration'")
            case "timestamp": timestampUnit = try unit(entry.value, allowAutomatic: true, what: "'units.timestamp'")
            default:
              throw fail(
                entry.line, "unknown key '\(entry.key)' in 'units'", didYouMean(entry.key, ["duration", "timestamp"]))
            }
          }
        case "format":
          guard case .scalar(let name, let line) = member.value else {
            throw fail(member.value.line, "'format' must be a format name, found \(member.value.typeName)")
          }
          let names = LogFormat.known.map(\.name)
          if name == "auto" { continue }
          guard names.contains(name) else {
            throw fail(line, "unknown format '\(name)'", didYouMean(name, names + ["auto"]) ?? "See 'logscan formats'.")
          }
          format = name
        case "redaction":
          redaction = try Self.redactionSettings(member.value, fail: fail, didYouMean: didYouMean)
        case "alerting": alertingNode = member.value
        case "rules": rulesNode = member.value
        case "counters": countersNode = member.value
        case "correlation": correlationNode = member.value
        case "timeline": timelineNode = member.value
        default:
          preconditionFailure("Unhandled configuration section '\(member.key)'")
        }
      }
    default:
      throw fail(root.line, "a configuration file must be a mapping of sections, found \(root.typeName)")
    }
    // Counters before rules (rules count them), the step before both.
    let reader = SectionReader(fail: fail, didYouMean: didYouMean)
    if let correlationNode { try readCorrelation(correlationNode, reader) }
    if let timelineNode { try readTimeline(timelineNode, reader) }
    if let alertingNode { try readAlerting(alertingNode, reader) }
    if let countersNode { try readCounters(countersNode, reader) }
    if let rulesNode { try readRules(rulesNode, reader) }
  }

  private static func redactionSettings(
    _ node: ConfigNode, fail: (Int, String, String?) -> ConfigError, didYouMean: (String, [String]) -> String?
  ) throws(ConfigError) -> RedactionSettings {
    var settings = RedactionSettings()
    if case .null = node { return settings }
    guard case .mapping(let entries, _) = node else {
      throw fail(node.line, "'redaction' must be a mapping, found \(node.typeName)", nil)
    }
    let modeNames = RedactionMode.allCases.map(\.rawValue)
    func mode(_ node: ConfigNode, what: String, allowOff: Bool) throws(ConfigError) -> RedactionMode {
      let choices = allowOff ? modeNames : modeNames.filter { $0 != "off" }
      guard case .scalar(let text, let line) = node else {
        throw fail(node.line, "\(what) must be one of \(choices.joined(separator: ", ")), found \(node.typeName)", nil)
      }
      guard let mode = RedactionMode(rawValue: text), choices.contains(text) else {
        throw fail(
          line, "unknown mode '\(text)' for \(what)",
          didYouMean(text, choices) ?? "Use one of: " + choices.joined(separator: ", "))
      }
      return mode
    }
    func scalar(_ node: ConfigNode, _ what: String) throws(ConfigError) -> String {
      guard case .scalar(let text, _) = node, !text.isEmpty else {
        throw fail(node.line, "\(what) must be a non-empty value, found \(node.typeName)", nil)
      }
      return text
    }
    let known = ["mode", "key_file", "kinds", "keys", "patterns"]
    for entry in entries {
      switch entry.key {
      case "mode":
        settings.mode = try mode(entry.value, what: "'redaction.mode'", allowOff: false)
      case "key_file":
        settings.keyFile = try scalar(entry.value, "'redaction.key_file'")
      case "kinds":
        guard case .mapping(let kinds, _) = entry.value else {
          throw fail(entry.value.line, "'redaction.kinds' must map detector names to modes", nil)
        }
        let kindNames = SecretKind.allCases.map(\.name)
        for item in kinds {
          guard let kind = SecretKind(rawValue: item.key) else {
            throw fail(
              item.line, "unknown detector '\(item.key)' in 'redaction.kinds'",
              didYouMean(item.key, kindNames) ?? "See docs/redaction.md for the detectors.")
          }
          settings.kinds[kind] = try mode(item.value, what: "'redaction.kinds.\(item.key)'", allowOff: true)
        }
      case "keys":
        let items: [ConfigNode]
        if case .sequence(let list, _) = entry.value { items = list } else { items = [entry.value] }
        for item in items { settings.keys.append(try scalar(item, "a key in 'redaction.keys'")) }
      case "patterns":
        guard case .sequence(let list, _) = entry.value else {
          throw fail(entry.value.line, "'redaction.patterns' must be a list of {name, prefix, min_length}", nil)
        }
        for item in list {
          guard case .mapping(let options, let line) = item else {
            throw fail(item.line, "a pattern must be a mapping {name, prefix, min_length}", nil)
          }
          var prefix: String?
          var minLength = 0
          for option in options {
            switch option.key {
            case "name": _ = try scalar(option.value, "'name'")
            case "prefix": prefix = try scalar(option.value, "'prefix'")
            case "min_length":
              guard let value = Int(try scalar(option.value, "'min_length'")), value > 0 else {
                throw fail(option.value.line, "'min_length' must be a positive whole number", nil)
              }
              minLength = value
            default:
              throw fail(
                option.line, "unknown key '\(option.key)' in a pattern",
                didYouMean(option.key, ["name", "prefix", "min_length"]))
            }
          }
          guard let prefix else { throw fail(line, "a pattern needs a 'prefix'", nil) }
          settings.patterns.append(PrefixPattern(prefix: prefix, minLength: max(minLength, prefix.utf8.count + 8)))
        }
      default:
        throw fail(entry.line, "unknown key '\(entry.key)' in 'redaction'", didYouMean(entry.key, known))
      }
    }
    return settings
  }

  /// The keys the mapped fields add, strongest first, for every format.
  package var overrideKeys: [LogFormat.Key] {
    var keys: [LogFormat.Key] = extraKeys
    for (field, sources) in fields {
      for source in sources {
        let unit =
          source.unit ?? (field == .duration ? durationUnit : field == .timestamp ? timestampUnit : .automatic)
        // "a.b" is both the key "a.b" and the nested keys a > b.
        keys.append(LogFormat.Key([source.path], field, unit))
        let parts = source.path.split(separator: ".").map(String.init)
        if parts.count > 1 { keys.append(LogFormat.Key(parts, field, unit)) }
      }
    }
    return keys
  }

  /// The formats a scan with this configuration knows.
  package var formatCatalog: FormatCatalog {
    let overrides = overrideKeys
    if overrides.isEmpty && format == nil { return .standard }
    let formats = format.map { name in LogFormat.known.filter { $0.name == name } } ?? LogFormat.known
    var fallback = FieldMap()
    fallback.bind(overrides)
    if let forced = formats.first, format != nil {
      fallback.bind(forced.keys)
    } else {
      fallback.bind(LogFormat.canonicalFormat.keys)
      for known in LogFormat.known { fallback.bind(known.keys) }
    }
    fallback.bind(LogFormat.generic)
    // A forced format reads every line with its keys: no markers to switch on.
    return FormatCatalog(formats: format == nil ? formats : [], fallback: fallback, overrides: overrides)
  }

  /// The effective configuration as YAML, for `logscan config --print`.
  package var yaml: String {
    var out = "# logscan configuration" + (file.map { " (from \($0))" } ?? " (built-in defaults)") + "\n"
    out += "fields:"
    if fields.isEmpty {
      out += " {}   # none mapped: each format's own keys are read (see 'logscan formats --keys')\n"
    } else {
      out += "\n"
      for (field, sources) in fields {
        let items = sources.map { source -> String in
          source.unit.map { "{path: \(source.path), unit: \(Self.unitName($0))}" } ?? source.path
        }
        out +=
          "  \(field.canonicalKey): " + (items.count == 1 ? items[0] : "[" + items.joined(separator: ", ") + "]") + "\n"
      }
    }
    out += "units:\n  duration: \(Self.unitName(durationUnit))\n  timestamp: \(Self.unitName(timestampUnit))\n"
    out += "format: \(format ?? "auto")\n"
    out +=
      "alerting:\n  step: \(Rule.durationText(alerting.step))\n  lateness: \(Rule.durationText(alerting.lateness))\n"
    if !alerting.disabled.isEmpty { out += "  disable: [" + alerting.disabled.sorted().joined(separator: ", ") + "]\n" }
    out += "# rules in force (see 'logscan rules --list' for every detail):\n"
    for rule in rules { out += "#   \(rule.name): \(rule.expression)\n" }
    return out
  }

  static func unitName(_ unit: ValueUnit) -> String {
    switch unit {
    case .automatic: return "auto"
    case .nanoseconds: return "ns"
    case .microseconds: return "us"
    case .milliseconds: return "ms"
    case .seconds, .secondsOrIntegerNanoseconds: return "s"
    }
  }
}
