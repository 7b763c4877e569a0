import Foundation
import LogGenerator
import LogScanCore
import Testing

/// A canonical event line at 10:00 + `seconds` (may be over an hour).
private func line(_ seconds: Int, service: String = "api", status: Int = 200, ms: Double = 20, extra: String = "")
  -> String
{
  let stamp = Timestamp.format(Int64(1_770_458_400 + seconds) * 1_000_000_000)
  return "{\"timestamp\":\"\(stamp)\",\"service\":\"\(service)\",\"status\":\(status),\"duration_ms\":\(ms)"
    + extra + ",\"message\":\"m\"}\n"
}

/// Evaluates `rules` (built-ins off unless named) over `text`, split into
/// as many files as `parts` says.
private func evaluate(
  _ text: String, rules: [Rule], counters: [Counter] = [], parts: Int = 1, lateness: Int64 = 60_000_000_000,
  pieceBytes: Int64? = nil
) -> (RuleEvaluation, RuleShard) {
  let directory = makeTemporaryDirectory()
  defer { try? FileManager.default.removeItem(at: directory) }
  let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
  var paths: [String] = []
  let size = (lines.count + parts - 1) / parts
  for part in 0..<parts {
    let slice = lines.dropFirst(part * size).prefix(size)
    paths.append(
      writeTemporaryFile(Array((slice.joined(separator: "\n") + "\n").utf8), name: "p\(part).jsonl", in: directory))
  }
  let plan = RulePlan(rules: rules, counters: counters, lateness: lateness)
  let result = summarize(paths) { options in
    options.rules = plan
    options.jobs = max(parts, pieceBytes == nil ? 1 : 2)
    if let pieceBytes {
      options.splitThreshold = pieceBytes
      options.maxPieceSize = pieceBytes
    }
  }
  return (result.evaluation!, result.shard.rules!)
}

private func transitions(_ evaluation: RuleEvaluation, _ rules: [Rule]) -> [String] {
  evaluation.transitions.map { t in
    let minutes = (t.at / 1_000_000_000 - 1_770_458_400) / 60
    return "\(rules[t.rule].name) \(t.series ?? "-") \(t.state.rawValue) +\(minutes)m"
  }
}

private func rule(_ name: String, _ expression: String, window: String = "5m", scope: RuleScope = .service) throws
  -> Rule
{
  var extras: [String] = []
  let (metric, baseline, condition) = try RuleSyntax.expression(expression) { name throws(RuleSyntaxError) in
    if let field = Configuration.fieldNames[name] { return FieldRef(field, name: name) }
    extras.append(name)
    return FieldRef(Field.extras[extras.count - 1], name: name)
  }
  var rule = Rule(
    name: name, severity: .warning, scope: scope, metric: metric, condition: condition,
    window: try RuleSyntax.duration(window))
  rule.baseline = baseline
  return rule
}

@Suite struct RuleTests {
  @Test func expressionsParse() throws {
    let resolve: RuleSyntax.FieldResolver = { name throws(RuleSyntaxError) in
      FieldRef(Configuration.fieldNames[name] ?? .extra0, name: name)
    }
    let p99 = try RuleSyntax.expression("p99(duration) > 1s", resolve: resolve)
    #expect(p99.metric == .quantile(0.99, FieldRef(.duration, name: "duration")) && p99.condition == .greater(1e9))
    #expect(try RuleSyntax.expression("p95 > 400", resolve: resolve).condition == .greater(400e6))
    #expect(try RuleSyntax.expression("error_rate>=1.5%", resolve: resolve).condition == .greaterOrEqual(0.015))
    #expect(try RuleSyntax.expression("availability < 99.5%", resolve: resolve).condition == .less(0.995))
    let gauge = try RuleSyntax.expression("avg(db_pool_usage) > 0.8", resolve: resolve)
    #expect(gauge.metric == .average(FieldRef(.extra0, name: "db_pool_usage")) && gauge.condition == .greater(0.8))
    let anomaly = try RuleSyntax.expression("rate(requests) / baseline(1h) outside 0.333..3x", resolve: resolve)
    #expect(anomaly.metric == .rate(nil) && anomaly.baseline == 3_600_000_000_000)
    #expect(anomaly.condition == .outside(0.333, 3))
    #expect(try RuleSyntax.expression("p99.9(duration) > 2s", resolve: resolve).metric.description == "p99.9(duration)")
    #expect(try RuleSyntax.expression("count(signups) < 10", resolve: resolve).metric == .count("signups"))
    for bad in ["p99(duration) 1s", "error_rate > lots", "rate(requests) / basline(1h) > 3", "max(queue) outside 5"] {
      #expect(throws: RuleSyntaxError.self, "\(bad)") { try RuleSyntax.expression(bad, resolve: resolve) }
    }
    #expect(try RuleSyntax.duration("90s") == 90_000_000_000)
    #expect(try RuleSyntax.duration("1d") == 86_400_000_000_000)
    #expect(throws: RuleSyntaxError.self) { try RuleSyntax.duration("5 minutes") }
  }

  /// Every built-in rule parses, and each has the threshold DESIGN.md gives.
  @Test func builtinsHaveTheDesignThresholds() throws {
    let rules = Configuration().rules
    func find(_ name: String) -> Rule { rules.first { $0.name == name }! }
    #expect(rules.count == BuiltinRules.names.count)
    #expect(find("high_error_rate").expression == "error_rate > 1%")
    #expect(find("rollback_error_rate").expression == "error_rate > 5%")
    #expect(find("rollback_error_rate").forDuration == 300_000_000_000)
    #expect(find("high_latency_p99").expression == "p99(duration) > 1s")
    #expect(find("rollback_latency_p99").expression == "p99(duration) > 2s")
    #expect(find("latency_budget_p50").expression == "p50(duration) > 100ms")
    #expect(find("latency_budget_p95").expression == "p95(duration) > 400ms")
    #expect(
      find("availability").expression == "availability < 99.5%" && find("availability").window == 86_400_000_000_000)
    #expect(find("throughput_anomaly").expression == "rate(requests) / baseline(1h) outside 0.333..3")
    #expect(find("queue_depth").expression == "max(queue_depth) > 1000")
    #expect(find("db_pool").expression == "avg(db_pool_usage) > 0.8")
    #expect(find("db_slow_query").expression == "max(duration) > 500ms")
    #expect(find("llm_failure_rate").expression == "error_rate > 5%")
    #expect(find("llm_slow_response").expression == "max(duration) > 30s")
    #expect(find("service_down").expression == "consecutive_errors >= 3")
    // Their predicates read action, service and path only: one cache lookup per event.
    #expect(RuleProgram(Configuration().rulePlan).cacheable)
  }

  /// 100 events a minute for 70 minutes, then 10 a minute. The window at t is
  /// [t-5m, t), the baseline the hour before it. At +74m the window has
  /// 100+40 = 140 events in 300 s against 6000 in 3600 s: 0.28x, below 1/3.
  /// (At +73m: 230, 0.46x.) Before +65m the baseline is not wholly inside the
  /// input: no evaluation is true.
  /// `count() < 1` with `min_samples: 0`: evaluated through a quiet stretch
  /// (other rules skip it), it fires when a service goes quiet and resolves
  /// when it is back.
  @Test func noTrafficRulesHoldOnEmptyWindows() throws {
    var text = ""
    for second in stride(from: 0, to: 300, by: 10) { text += line(second) }  // 10:00-10:05
    for second in stride(from: 1200, to: 1500, by: 10) { text += line(second) }  // 10:20-10:25
    var quiet = try rule("no_traffic", "count() < 1", window: "2m")
    quiet.minSamples = 0
    let (evaluation, _) = evaluate(text, rules: [quiet])
    // The last event is in 10:04; the window 10:05-10:07 is the first empty
    // one (evaluated at 10:07); 10:20's events end it at 10:21.
    #expect(transitions(evaluation, [quiet]) == ["no_traffic api firing +7m", "no_traffic api resolved +21m"])
    // With the default min_samples (1) an empty window never holds.
    let (never, _) = evaluate(text, rules: [try rule("no_traffic", "count() < 1", window: "2m")])
    #expect(never.transitions.isEmpty)
  }

  /// Two quantiles of different fields in one scope: both fields keep a
  /// sketch, and each peak is read from its own (the first field's value is
  /// carried past the slot loop, a second one takes another pass).
  @Test func twoQuantileFieldsInOneScopeEachKeepTheirValues() throws {
    var text = ""
    for second in 0..<600 {
      let slow = second >= 300
      text += line(second, status: second % 20 == 0 ? 503 : 200, ms: slow ? 1800 : 20)
    }
    let latency = try rule("slow", "p99(duration) > 1s")
    let status = try rule("status", "p99(status) > 499")
    let (evaluation, _) = evaluate(text, rules: [latency, status])
    let peaks = Dictionary(evaluation.episodes.map { ($0.rule, $0.peak) }, uniquingKeysWith: max)
    // Durations are nanoseconds inside; sketch buckets are at most 6.3% wide.
    let slowPeak = try #require(peaks[0])
    #expect(abs(slowPeak - 1.8e9) <= 1.8e9 * 0.07, "\(slowPeak)")
    let statusPeak = try #require(peaks[1])
    #expect(abs(statusPeak - 503) <= 503 * 0.07, "\(statusPeak)")
  }

  @Test func throughputAgainstTheTrailingBaseline() throws {
    var text = ""
    for minute in 0..<80 {
      let perMinute = minute < 70 ? 100 : 10
      for k in 0..<perMinute { text += line(minute * 60 + k * 60 / perMinute) }
    }
    let anomaly = Configuration().rules.first { $0.name == "throughput_anomaly" }!
    let (evaluation, _) = evaluate(text, rules: [anomaly])
    #expect(transitions(evaluation, [anomaly]) == ["throughput_anomaly - firing +74m"])
    let episode = try #require(evaluation.episodes.first)
    #expect(abs(episode.peak - 0.3 * 60 / 300 / (6000.0 / 3600)) < 0.05 || episode.peak < 0.333)
  }

  /// Events out of order inside the allowance land in their bucket; those
  /// beyond it are counted late (and still land in their bucket).
  @Test func lateEventsAreCountedNotDropped() throws {
    // Minute 0: 30 ok; minute 1: 30 ok; then 30 failed events of minute 0
    // arrive after minute 1 (up to 119 s late).
    var text = ""
    for k in 0..<30 { text += line(k * 2) }
    for k in 0..<30 { text += line(60 + k * 2) }
    for k in 0..<30 { text += line(k * 2, status: 503) }
    let errors = try rule("errors", "error_rate > 20%", window: "1m")
    let (evaluation, shard) = evaluate(text, rules: [errors])
    // Minute 0 holds 30 failed of 60: 50% at +1m; minute 1 is clean.
    #expect(transitions(evaluation, [errors]) == ["errors api firing +1m", "errors api resolved +2m"])
    // Late: older than the newest (minute 1's last, 118 s) minus 60 s, so
    // the events at 0...56 s (the one at 58 s is just inside).
    #expect(shard.late == 29)
    let relaxed = evaluate(text, rules: [errors], lateness: 120_000_000_000).1
    #expect(relaxed.late == 0)
    // Cut into pieces of a few lines (two cores): the same late events.
    for bytes: Int64 in [300, 1000, 2500] {
      let (pieces, split) = evaluate(text, rules: [errors], pieceBytes: bytes)
      #expect(split.late == 29, "pieces of \(bytes) bytes")
      #expect(transitions(pieces, [errors]) == transitions(evaluation, [errors]))
    }
  }

  /// A stray timestamp decades before the rest (1970) does not make the
  /// evaluation walk every minute in between: quiet stretches are skipped.
  @Test func gapsOfYearsAreSkipped() throws {
    var text = "{\"timestamp\":\"1970-01-01T00:00:00Z\",\"service\":\"api\",\"status\":500}\n"
    for k in 0..<600 { text += line(k, status: k < 300 && k % 2 == 0 ? 500 : 200) }
    let errors = try rule("errors", "error_rate > 20%", window: "5m")
    let anomaly = Configuration().rules.first { $0.name == "throughput_anomaly" }!
    let (evaluation, _) = evaluate(text, rules: [errors, anomaly])
    // 1970: one evaluation per minute of its window; 2026: the 10 minutes
    // and the windows after them.
    #expect(evaluation.evaluations < 200)
    #expect(transitions(evaluation, [errors, anomaly]).contains("errors api firing +1m"))
  }

  /// Health checks fail 3 times in a row across a file boundary: the run
  /// is counted over both files whichever order they are read in.
  @Test func consecutiveErrorsSpanFilesAndBuckets() throws {
    var text = ""
    for minute in 0..<10 {
      let failed = minute == 4 || minute == 5 || minute == 6
      text += line(minute * 60 + 30, service: "probe", status: failed ? 503 : 200, extra: ",\"path\":\"/health\"")
    }
    var down = try rule("down", "consecutive_errors >= 3", window: "15m")
    down.filter = .equals(FieldRef(.path, name: "path"), ["/health"])
    for parts in [1, 2, 3] {
      let (evaluation, _) = evaluate(text, rules: [down], parts: parts)
      #expect(
        transitions(evaluation, [down]) == ["down probe firing +7m", "down probe resolved +8m"], "\(parts) files")
    }
  }

  /// Counters: predicates, groups, sums; a counter in a rule.
  @Test func countersCountAndFeedRules() throws {
    var text = ""
    for k in 0..<120 {
      let action = k % 3 == 0 ? "order_completed" : "view"
      text += line(
        k, ms: 5, extra: ",\"action\":\"\(action)\",\"currency\":\"\(k % 2 == 0 ? "EUR" : "USD")\",\"amount\":\(k)")
    }
    let action = FieldRef(.action, name: "action")
    var revenue = Counter(name: "revenue", predicate: .equals(action, ["order_completed"]))
    revenue.groupBy = FieldRef(.extra0, name: "currency")
    revenue.sum = FieldRef(.extra1, name: "amount")
    // The extra fields must be bound: go through a configuration.
    var configuration = Configuration()
    configuration.extraFields = ["currency", "amount"]
    configuration.userCounters = [revenue]
    configuration.alerting.disabled = ["all"]
    var orders = try rule("orders", "count(revenue) >= 20", window: "1m", scope: .overall)
    orders.metric = .count("revenue")
    configuration.userRules = [orders]
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = writeTemporaryFile(Array(text.utf8), in: directory)
    let result = summarize([path]) { options in
      options.rules = configuration.rulePlan
      options.formats = configuration.formatCatalog
    }
    let shard = try #require(result.shard.rules)
    let index = configuration.counters.firstIndex { $0.name == "revenue" }!
    let table = shard.counters[index]
    #expect(table.total.count == 40)
    #expect(table.total.sum == Double(stride(from: 0, to: 120, by: 3).reduce(0, +)))
    let groups = Dictionary(
      uniqueKeysWithValues: (0..<table.groups.count).map { (table.groups.string($0), table.groupFigures[$0].count) })
    #expect(groups == ["EUR": 20, "USD": 20])
    #expect(table.allMinutes().values.map(\.count).sorted() == [20, 20])
    let evaluation = try #require(result.evaluation)
    #expect(transitions(evaluation, configuration.rules) == ["orders - firing +1m"])
  }
}

/// Counters against a slow, obvious reference: every line parsed by
/// JSONSerialization, every predicate evaluated on the parsed object.
@Suite struct CounterReferenceTests {
  /// The reference: a predicate on a parsed event.
  static func holds(_ predicate: LogScanCore.Predicate, _ object: [String: Any]) -> Bool {
    func text(_ field: FieldRef) -> String? {
      guard let value = object[field.name] else { return nil }
      if let string = value as? String { return string }
      if value is NSNull { return nil }
      // (No true/false among the values: NSNumber hides which a bool was.)
      if let number = value as? NSNumber { return number.stringValue }
      return nil
    }
    let status = object["status"] as? Int
    let level = (object["level"] as? String)?.lowercased()
    let isError = (status ?? 0) >= 500 || level == "error" || level == "fatal"
    switch predicate {
    case .equals(let field, let values) where field.field == Field.level: return values.contains(level ?? "")
    case .equals(let field, let values) where field.field == Field.status:
      return status.map { values.contains(String($0)) } ?? false
    case .equals(let field, let values): return text(field).map(values.contains) ?? false
    case .prefix(let field, let values): return text(field).map { t in values.contains { t.hasPrefix($0) } } ?? false
    case .exists(let field, let present): return (object[field.name].map { !($0 is NSNull) } ?? false) == present
    case .error(let flag): return isError == flag
    case .all(let list): return list.allSatisfy { holds($0, object) }
    case .any(let list): return list.contains { holds($0, object) }
    case .not(let inner): return !holds(inner, object)
    }
  }

  /// The overall rate's counts are not counted per event but filled from
  /// the service accumulator's cells: per minute they are the events and
  /// errors of a Foundation reading of the same lines (none late), on one
  /// worker and on two.
  @Test func overallCountsAreTheEventsOfEachMinute() throws {
    let plan = Configuration().rulePlan
    // The built-in throughput rule's accumulator.
    let overall = try #require(plan.totalsOf.firstIndex { $0 != nil })
    let path = fixture("app.jsonl")
    var expected: [Int64: (events: Double, errors: Double)] = [:]
    for line in try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: 0x0A) {
      guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
        let time = (object["timestamp"] as? String).flatMap(parse)
      else { continue }
      let isError =
        (object["status"] as? Int ?? 0) >= 500 || ["error", "fatal"].contains(object["level"] as? String ?? "")
      let minute = time / plan.step
      expected[minute, default: (0, 0)].events += 1
      if isError { expected[minute, default: (0, 0)].errors += 1 }
    }
    #expect(expected.count >= 3)
    for jobs in [1, 2] {
      let result = summarize([path]) {
        $0.rules = plan
        $0.jobs = jobs
      }
      let shard = try #require(result.shard.rules)
      #expect(shard.late == 0)
      let table = shard.tables[overall]
      #expect(table.seriesCount == 1)
      let cells = table.cells(of: 0)
      #expect(Set(cells.keys) == Set(expected.keys), "jobs \(jobs)")
      for (minute, cell) in cells {
        #expect(table.value(cell: cell, slot: 0) == expected[minute]?.events, "jobs \(jobs), minute \(minute)")
        #expect(table.value(cell: cell, slot: 1) == expected[minute]?.errors, "jobs \(jobs), minute \(minute)")
      }
    }
  }

  /// A live stream drops old buckets (`prune`), which renumbers the cells:
  /// what is counted afterwards lands in the same cells as without pruning
  /// (the per-scope cell cache is not left pointing at old numbers).
  @Test func countingAfterAPruneMatchesCountingWithout() throws {
    let plan = Configuration().rulePlan
    func line(_ minute: Int, _ k: Int) -> [UInt8] {
      let service = ["api", "db", "web"][k % 3]
      let status = k % 7 == 0 ? 500 : 200
      return Array(
        (#"{"timestamp":"2026-02-07T10:\#(String(format: "%02d", minute)):\#(String(format: "%02d", k % 60))Z","#
          + #""service":"\#(service)","status":\#(status),"duration_ms":\#(k % 50 + 1),"path":"/api/x/\#(k % 4)","#
          + #""method":"GET"}"#).utf8)
    }
    var pruned = SummarySink(formats: .standard, limits: SummaryLimits(), rules: plan)
    var whole = SummarySink(formats: .standard, limits: SummaryLimits(), rules: plan)
    var number = 0
    for minute in 0..<6 {
      for k in 0..<40 {
        if minute == 2 && k == 20 {
          // In the middle of 10:02, as a live stream does: buckets are
          // minutes, 10:00 goes and the cells of 10:01 and 10:02 are
          // renumbered while 10:02 is still being counted.
          pruned.prune(beforeBucket: parse("2026-02-07T10:01:00Z")! / plan.step, beforeMinute: .min)
        }
        number += 1
        let bytes = line(minute, k)
        bytes.withUnsafeBytes {
          pruned.line($0, number: number)
          whole.line($0, number: number)
        }
      }
    }
    let liveA = pruned.liveRuleShard
    let liveB = whole.liveRuleShard
    let a = try #require(liveA)
    let b = try #require(liveB)
    let firstKept = parse("2026-02-07T10:01:00Z")! / plan.step
    for (index, table) in a.tables.enumerated() {
      let other = b.tables[index]
      #expect(table.seriesCount == other.seriesCount)
      for series in 0..<table.seriesCount {
        let mine = table.cells(of: series)
        let theirs = other.cells(of: series).filter { $0.key >= firstKept }
        #expect(Set(mine.keys) == Set(theirs.keys))
        for (bucket, cell) in mine {
          let expected = (0..<table.slotCount).map { other.value(cell: theirs[bucket]!, slot: $0) }
          #expect((0..<table.slotCount).map { table.value(cell: cell, slot: $0) } == expected)
        }
      }
    }
  }

  /// Predicate results are kept as bits of one word: counters and
  /// filters past the 64th are evaluated one by one, and still count.
  @Test func moreThanSixtyFourCountersAllCount() throws {
    let action = FieldRef(.action, name: "action")
    let counters = (0..<70).map { Counter(name: "c\($0)", predicate: .equals(action, ["a\($0)"])) }
    var lines: [String] = []
    for index in 0..<70 {
      for _ in 0...(index % 3) {
        lines.append(#"{"timestamp":"2026-02-07T10:00:00Z","service":"api","action":"a\#(index)"}"#)
      }
    }
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = writeTemporaryFile(Array((lines.joined(separator: "\n") + "\n").utf8), in: directory)
    let result = summarize([file]) { $0.rules = RulePlan(rules: [], counters: counters) }
    let shard = try #require(result.shard.rules)
    #expect((0..<70).map { shard.counters[$0].total.count } == (0..<70).map { $0 % 3 + 1 })
  }

  @Test func countersMatchTheReference() throws {
    var random = SystemRandomNumberGenerator()
    let actions = [
      "\"signup\"", "\"sign\\u0075p\"", "\"login\"", "\"checkout\"", "\"payment_capture\"", "\"db_query\"", "\"\"",
      "null", "42", "\"llm_call\"", "\"signup_confirmation_mail\"", "\"payment_capture_retry_v2\"", "\"Signup\"",
      "\"signup \"", "\"s\"",
    ]
    let services = ["api", "db-main", "payments", "llm-gw", "ap\\\"i"]
    var lines: [String] = []
    for k in 0..<6000 {
      var members = ["\"timestamp\":\"2026-02-07T10:\(String(format: "%02d", k / 200)):00Z\""]
      switch Int.random(in: 0..<10, using: &random) {
      case 0: break
      // Many distinct values, short and long: the memo's tables overflow,
      // its direct-mapped entries are overwritten.
      case 1: members.append("\"action\":\"payment_\(Int.random(in: 0..<3000, using: &random))\"")
      case 2:
        members.append("\"action\":\"signup_confirmation_mail_\(Int.random(in: 0..<6000, using: &random))\"")
      default: members.append("\"action\":\(actions.randomElement(using: &random)!)")
      }
      members.append("\"service\":\"\(services.randomElement(using: &random)!)\"")
      members.append("\"status\":\([200, 201, 404, 500, 503].randomElement(using: &random)!)")
      members.append("\"level\":\"\(["info", "warn", "error", "ERROR"].randomElement(using: &random)!)\"")
      if Bool.random(using: &random) {
        members.append(
          "\"path\":\"\(["/health", "/api/x", "/healthz", "/h", "/healthz/ready", "/api/orders/12345678/items"].randomElement(using: &random)!)\""
        )
      }
      members.shuffle(using: &random)
      lines.append("{" + members.joined(separator: ",") + "}")
    }
    let action = FieldRef(.action, name: "action")
    let service = FieldRef(.service, name: "service")
    let path = FieldRef(.path, name: "path")
    let predicates: [LogScanCore.Predicate] = [
      .equals(action, ["signup"]),
      .equals(action, ["signup_confirmation_mail", "payment_7", "payment_capture_retry_v2"]),
      .prefix(action, ["signup_confirmation_mail_1", "payment_2"]),
      .all([.equals(action, ["signup", "login"]), .error(false)]),
      .any([.prefix(action, ["payment", "db_"]), .prefix(service, ["db", "llm"])]),
      .not(.equals(action, ["login"])),
      .exists(action, true),
      .exists(action, false),
      .equals(action, ["42", ""]),
      .equals(FieldRef(.status, name: "status"), ["500", "503"]),
      .equals(FieldRef(.level, name: "level"), ["error"]),
      .any([
        .equals(action, ["checkout"]), .equals(path, ["/health", "/healthz"]),
        .all([.error(true), .prefix(service, ["ap\"i"])]),
      ]),
      .all([.prefix(action, ["s"]), .not(.prefix(action, ["sign"])), .equals(service, ["api", "payments"])]),
      // Paths longer than every candidate are skipped unless a prefix test
      // reads the same field.
      .equals(path, ["/healthz", "/h"]),
      .any([.equals(path, ["/health"]), .prefix(path, ["/healthz/"])]),
    ]
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = writeTemporaryFile(Array((lines.joined(separator: "\n") + "\n").utf8), in: directory)
    let objects = try lines.map { line in
      try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }
    // All of them (level, status and exists tests: each predicate walked),
    // and those of text and error tests only (results cached per event class).
    let textOnly = predicates.filter { predicate in
      !predicate.description.contains("level") && !predicate.description.contains("status")
        && !predicate.description.contains("has ") && !predicate.description.contains("no action")
    }
    for (set, cached) in [(predicates, false), (textOnly, true)] {
      let counters = set.enumerated().map { Counter(name: "c\($0.offset)", predicate: $0.element) }
      let plan = RulePlan(rules: [], counters: counters)
      #expect(RuleProgram(plan).cacheable == cached)
      let result = summarize([file]) { $0.rules = plan }
      let shard = try #require(result.shard.rules)
      for (index, predicate) in set.enumerated() {
        let expected = objects.filter { Self.holds(predicate, $0) }.count
        #expect(shard.counters[index].total.count == expected, "\(predicate.description), cached: \(cached)")
      }
    }
  }
}

@Suite struct LogSketchTests {
  /// Sketches of parts, merged in any order, are the sketch of the whole:
  /// the same bucket for every rank.
  @Test func mergedPartsAreTheWhole() {
    var random = SplitMix64(seed: 11)
    for _ in 0..<50 {
      var whole = LogSketch()
      var parts = [LogSketch](repeating: LogSketch(), count: 1 + Int(random.next() % 4))
      var count = 0
      for _ in 0..<Int(random.next() % 300) {
        // Values over many powers of two, zero and below now and then.
        let value =
          random.next() % 10 == 0 ? -Double(random.next() % 3) : exp(Double(random.next() % 4000) / 100 - 10)
        whole.add(value)
        parts[Int(random.next() % UInt64(parts.count))].add(value)
        count += 1
      }
      var merged = LogSketch()
      for part in parts.shuffled(using: &random) { merged.merge(part) }
      #expect(merged.total == count && whole.total == count)
      for rank in stride(from: 1, through: count, by: 1) {
        #expect(merged.bucket(ofRank: rank)! == whole.bucket(ofRank: rank)!)
      }
    }
  }
}
