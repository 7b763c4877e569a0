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

  @Test func reservedSectionsAreAcceptedForLaterFeatures() throws {
    let configuration = try Configuration(mapping([("rules", mapping([])), ("counters", mapping([]))]), file: "c.yml")
    #expect(configuration.reservedSections == ["rules", "counters"])
    #expect(configuration.yaml.contains("'rules' is present"))
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
  }
}
