import LogScanCore
import Testing

func mapping(_ members: [(String, ConfigNode)], line: Int = 1) -> ConfigNode {
  .mapping(members.enumerated().map { (key: $0.element.0, line: line + $0.offset, value: $0.element.1) }, line: line)
}

func scalar(_ text: String, _ line: Int = 1) -> ConfigNode { .scalar(text, line: line) }
func sequence(_ items: [ConfigNode], line: Int = 1) -> ConfigNode { .sequence(items, line: line) }

@Suite struct ConfigurationTests {
  @Test func readsFieldsUnitsAndFormat() throws {
    let root = mapping([
      (
        "fields",
        mapping([
          ("timestamp", scalar("ts")),
          ("service", .sequence([scalar("app.name"), scalar("component")], line: 3)),
          ("duration", mapping([("path", scalar("timing.total")), ("unit", scalar("s"))])),
        ])
      ),
      ("units", mapping([("timestamp", scalar("ms"))])),
      ("format", scalar("auto")),
    ])
    let configuration = try Configuration(root, file: "logscan.yml")
    #expect(configuration.fields.map(\.field) == [.timestamp, .service, .duration])
    #expect(configuration.fields[2].sources == [Configuration.Source(path: "timing.total", unit: .seconds)])
    #expect(configuration.timestampUnit == .milliseconds)
    #expect(configuration.format == nil)
    // "app.name" is both the literal key and the nested path.
    let paths = configuration.overrideKeys.filter { $0.field == .service }.map(\.path)
    #expect(paths == [["app.name"], ["app", "name"], ["component"]])
  }

  @Test(arguments: [
    (mapping([("feilds", mapping([]))]), "logscan.yml:1: unknown key 'feilds'. Did you mean 'fields'?"),
    (
      mapping([("fields", mapping([("duraton", scalar("x", 2))], line: 2))]),
      "logscan.yml:2: unknown field 'duraton' in 'fields'. Did you mean 'duration'?"
    ),
    (
      mapping([("units", mapping([("duration", scalar("minutes", 2))], line: 2))]),
      "logscan.yml:2: unknown unit 'minutes' for 'units.duration'. Use one of: s, ms, us, ns"
    ),
    (mapping([("format", scalar("pinoo"))]), "logscan.yml:1: unknown format 'pinoo'. Did you mean 'pino'?"),
    (
      mapping([("fields", .sequence([], line: 1))]),
      "logscan.yml:1: 'fields' must be a mapping of field names to keys, found a list"
    ),
    (scalar("just text"), "logscan.yml:1: a configuration file must be a mapping of sections, found a value"),
    (
      mapping([("fields", mapping([("status", mapping([("unit", scalar("s"))], line: 4))], line: 4))]),
      "logscan.yml:4: a mapping for 'status' needs a 'path'"
    ),
  ])
  func mistakesNameTheFileLineAndKey(root: ConfigNode, message: String) {
    do {
      _ = try Configuration(root, file: "logscan.yml")
      Issue.record("accepted: \(message)")
    } catch {
      #expect(error.message == message)
    }
  }

  @Test func readsRulesCountersAndAlerting() throws {
    let root = mapping([
      ("alerting", mapping([("step", scalar("30s")), ("disable", sequence([scalar("availability")]))])),
      (
        "rules",
        sequence([
          mapping([
            ("name", scalar("checkout")), ("severity", scalar("critical")), ("expr", scalar("error_rate > 2%")),
            ("scope", scalar("region")), ("window", scalar("90s")), ("for", scalar("1m")),
            ("resolve", scalar("1%")), ("min_samples", scalar("50")),
            ("where", mapping([("path", mapping([("prefix", scalar("/api/checkout"))]))])),
          ])
        ])
      ),
      (
        "counters",
        sequence([
          mapping([
            ("name", scalar("revenue")), ("where", mapping([("action", scalar("order_completed"))])),
            ("by", scalar("currency")), ("sum", scalar("amount")),
          ])
        ])
      ),
    ])
    let configuration = try Configuration(root, file: "c.yml")
    #expect(configuration.alerting.step == 30_000_000_000)
    #expect(!configuration.rules.contains { $0.name == "availability" })
    let rule = try #require(configuration.rules.last)
    #expect(rule.name == "checkout" && rule.severity == .critical && rule.metric == .errorRate)
    #expect(rule.condition == .greater(0.02) && rule.resolveThreshold == 0.01)
    #expect(rule.window == 90_000_000_000 && rule.forDuration == 60_000_000_000 && rule.minSamples == 50)
    #expect(rule.filter?.description == "path starts with /api/checkout")
    guard case .field(let region) = rule.scope else {
      Issue.record("scope is \(rule.scope)")
      return
    }
    // Extra fields take slots after the built-ins' (queue_depth, db_pool_usage).
    #expect(configuration.extraFields == ["queue_depth", "db_pool_usage", "currency", "amount", "region"])
    #expect(region.field == .extra4)
    let counter = try #require(configuration.counters.last)
    #expect(counter.groupBy?.field == .extra2 && counter.sum?.field == .extra3)
    #expect(configuration.overrideKeys.contains { $0.path == ["region"] && $0.field == .extra4 })
  }

  @Test(arguments: [
    (
      mapping([
        ("rules", sequence([mapping([("name", scalar("x", 2)), ("expr", scalar("p99(duration) > 1s", 3))], line: 2)]))
      ]),
      "c.yml:2: rule 'x' needs a 'window' (e.g. 5m)"
    ),
    (
      mapping([
        (
          "rules",
          sequence([
            mapping(
              [("name", scalar("x", 2)), ("expr", scalar("eror_rate > 1%", 3)), ("window", scalar("5m", 4))], line: 2)
          ])
        )
      ]),
      "c.yml:3: rule 'x': unknown metric 'eror_rate'. Did you mean 'error_rate'?"
    ),
    (
      mapping([
        (
          "rules",
          sequence([
            mapping(
              [("name", scalar("x", 2)), ("expr", scalar("error_rate >> 1%", 3)), ("window", scalar("5m", 4))], line: 2)
          ])
        )
      ]),
      "c.yml:3: rule 'x': '> 1%' is not a number"
    ),
    (
      mapping([
        (
          "rules",
          sequence([
            mapping(
              [("name", scalar("x", 2)), ("expr", scalar("error_rate > 1%", 3)), ("window", scalar("90s", 4))], line: 2)
          ])
        )
      ]),
      "c.yml:4: the window of rule 'x' must be a whole number of steps (the step is 1m)"
    ),
    (
      mapping([
        (
          "rules",
          sequence([
            mapping(
              [
                ("name", scalar("x", 2)), ("expr", scalar("error_rate > 1%", 3)), ("window", scalar("5m", 4)),
                ("resolve", scalar("2%", 5)),
              ], line: 2)
          ])
        )
      ]),
      "c.yml:5: rule 'x': 'resolve' must be on the quiet side of the threshold (at or below it for '>', at or above it for '<')"
    ),
    (
      mapping([
        (
          "rules",
          sequence([
            mapping(
              [("name", scalar("x", 2)), ("expr", scalar("rate(sigups) > 1", 3)), ("window", scalar("5m", 4))], line: 2)
          ])
        )
      ]),
      "c.yml:3: rule 'x' counts 'sigups', which is not a counter. Did you mean 'signups'?"
    ),
    (
      mapping([
        (
          "rules",
          sequence([
            mapping(
              [
                ("name", scalar("x", 2)), ("expr", scalar("error_rate > 1%", 3)), ("window", scalar("5m", 4)),
                ("severity", scalar("page", 5)),
              ], line: 2)
          ])
        )
      ]),
      "c.yml:5: unknown severity 'page'. Use info, warning or critical."
    ),
    (
      mapping([
        (
          "rules",
          sequence([
            mapping(
              [
                ("name", scalar("x", 2)), ("expr", scalar("error_rate > 1%", 3)), ("window", scalar("5m", 4)),
                ("min_samples", scalar("0", 5)),
              ], line: 2)
          ])
        )
      ]),
      "c.yml:5: 'min_samples' must be a whole number of at least 1 (0 only for count() and rate() rules)"
    ),
    (
      mapping([("alerting", mapping([("disable", sequence([scalar("high_eror_rate", 2)], line: 2))], line: 2))]),
      "c.yml:2: 'high_eror_rate' is not a built-in rule. Did you mean 'high_error_rate'?"
    ),
    (
      mapping([
        (
          "counters",
          sequence([
            mapping(
              [
                ("name", scalar("x", 2)),
                ("where", mapping([("action", mapping([("prefx", scalar("a"))], line: 3))], line: 3)),
              ], line: 2)
          ])
        )
      ]),
      "c.yml:2: counter 'x': unknown test 'prefx' on 'action'; did you mean 'prefix'?"
    ),
  ])
  func ruleMistakesNameTheLine(root: ConfigNode, message: String) {
    do {
      _ = try Configuration(root, file: "c.yml")
      Issue.record("accepted: \(message)")
    } catch {
      #expect(error.message == message)
    }
  }

  @Test func correlationSection() throws {
    let root = mapping([
      ("correlation", mapping([("idle", scalar("2m")), ("max_open", scalar("5000")), ("top", scalar("3"))]))
    ])
    let settings = try #require(try Configuration(root, file: "c.yml").correlation)
    #expect(settings.idle == 120_000_000_000)
    #expect(settings.maxOpen == 5000)
    #expect(settings.top == 3)
    #expect(try Configuration(.null(line: 1), file: "c.yml").correlation == CorrelationSettings())
    let off = mapping([("correlation", mapping([("enabled", scalar("false"))]))])
    #expect(try Configuration(off, file: "c.yml").correlation == nil)
    for (node, message) in [
      (
        mapping([("idel", scalar("5s", 2))], line: 2),
        "c.yml:2: unknown key 'idel' in 'correlation'. Did you mean 'idle'?"
      ),
      (
        mapping([("max_open", scalar("0", 2))], line: 2),
        "c.yml:2: 'correlation.max_open' must be a whole number of at least 1"
      ),
      (mapping([("idle", scalar("soon", 2))], line: 2), "c.yml:2: 'correlation.idle': "),
    ] {
      do {
        _ = try Configuration(mapping([("correlation", node)]), file: "c.yml")
        Issue.record("accepted: \(message)")
      } catch {
        #expect(error.message.hasPrefix(message), "\(error.message)")
      }
    }
  }

  @Test func redactionSection() throws {
    let root = mapping([
      (
        "redaction",
        mapping([
          ("mode", scalar("hash")), ("key_file", scalar("/etc/k")),
          ("kinds", mapping([("email", scalar("partial")), ("ipv4", scalar("off"))])),
          ("keys", sequence([scalar("customer_ref")])),
          (
            "patterns",
            sequence([mapping([("name", scalar("acme")), ("prefix", scalar("acme_")), ("min_length", scalar("24"))])])
          ),
        ])
      )
    ])
    let settings = try Configuration(root, file: "c.yml").redaction
    #expect(settings.mode == .hash)
    #expect(settings.keyFile == "/etc/k")
    #expect(settings.kinds == [.email: .partial, .ipv4: .off])
    #expect(settings.keys == ["customer_ref"])
    #expect(settings.patterns == [PrefixPattern(prefix: "acme_", minLength: 24)])

    for (node, message) in [
      (
        mapping([("mode", scalar("mask2"))]), "c.yml:1: unknown mode 'mask2' for 'redaction.mode'. Did you mean 'mask'?"
      ),
      (
        mapping([("kinds", mapping([("emial", scalar("off"))]))]),
        "c.yml:1: unknown detector 'emial' in 'redaction.kinds'. Did you mean 'email'?"
      ),
      (mapping([("keyfile", scalar("x"))]), "c.yml:1: unknown key 'keyfile' in 'redaction'. Did you mean 'key_file'?"),
    ] {
      #expect(throws: ConfigError.self) { try Configuration(mapping([("redaction", node)]), file: "c.yml") }
      do {
        _ = try Configuration(mapping([("redaction", node)]), file: "c.yml")
      } catch {
        #expect(error.message == message)
      }
    }
  }

  @Test func mappedKeysWinOverEveryFormat() throws {
    let root = mapping([
      ("fields", mapping([("duration", mapping([("path", scalar("latency")), ("unit", scalar("ms"))]))]))
    ])
    let catalog = try Configuration(root, file: "c.yml").formatCatalog
    // zap reads `latency` as seconds; the configuration says milliseconds.
    let line = Array(#"{"level":"info","ts":1770460200.5,"caller":"h.go:1","msg":"done","latency":250}"#.utf8)
    var sink = SummarySink(formats: catalog, limits: SummaryLimits())
    line.withUnsafeBytes { sink.line($0, number: 1) }
    let result = SummaryResult(shard: sink.shard, inputs: [InputInfo(name: "x")], examples: [])
    #expect(SummaryReport(result).overall.latency?.max == 250)
  }

  @Test func forcedFormatReadsEveryLineThatWay() throws {
    let catalog = try Configuration(mapping([("format", scalar("zap"))]), file: "c.yml").formatCatalog
    #expect(catalog.names == ["json"])
    let line = Array(#"{"duration":2,"msg":"x"}"#.utf8)
    var sink = SummarySink(formats: catalog, limits: SummaryLimits())
    line.withUnsafeBytes { sink.line($0, number: 1) }
    let result = SummaryResult(shard: sink.shard, inputs: [InputInfo(name: "x")], examples: [])
    #expect(SummaryReport(result).overall.latency?.max == 2000)
  }

  @Test func suggestionsComeFromTheClosestNames() {
    #expect(closestNames(to: "servce", in: ["service", "status", "path"]) == ["service"])
    #expect(closestNames(to: "zzzzzz", in: ["service", "status"]).isEmpty)
    // Too far to be a typo, but a longer or shorter form of a key.
    let ruleKeys = ["name", "severity", "expr", "scope", "window", "for", "keep_firing_for", "resolve"]
    #expect(closestNames(to: "expression", in: ruleKeys) == ["expr"])
    #expect(closestNames(to: "expresion", in: ruleKeys) == ["expr"])
    #expect(closestNames(to: "keep_firing", in: ruleKeys) == ["keep_firing_for"])
    #expect(closestNames(to: "fo", in: ruleKeys) == ["for"])
    #expect(closestNames(to: "forever", in: ruleKeys).isEmpty)
  }
}
