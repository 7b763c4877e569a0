import Foundation
import LogScanCore
import Testing

/// What one line of a sample means, read with Foundation by the field names
/// each format documents: an independent reading to check logscan against.
struct ReferenceEvent {
  var durationMs: Double?
  var status: Int?
  var isErrorLevel = false
  var service: String?
}

func value(_ object: [String: Any], _ path: String...) -> Any? {
  var current: Any? = object
  for key in path { current = (current as? [String: Any])?[key] }
  return current
}

func number(_ any: Any?) -> Double? {
  if let n = any as? NSNumber { return n.doubleValue }
  if let s = any as? String { return Double(s) }
  return nil
}

/// Per format: how its documentation says to read a line.
let referenceReaders: [String: @Sendable ([String: Any]) -> ReferenceEvent] = [
  "pino": { o in
    ReferenceEvent(
      durationMs: number(o["responseTime"]), status: (number(value(o, "res", "statusCode"))).map { Int($0) },
      isErrorLevel: (number(o["level"]) ?? 0) >= 50, service: o["name"] as? String)
  },
  "bunyan": { o in
    ReferenceEvent(
      durationMs: number(o["latency"]), status: number(value(o, "res", "statusCode")).map { Int($0) },
      isErrorLevel: (number(o["level"]) ?? 0) >= 50, service: o["name"] as? String)
  },
  "caddy": { o in
    ReferenceEvent(
      durationMs: number(o["duration"]).map { $0 * 1000 }, status: number(o["status"]).map { Int($0) },
      isErrorLevel: ["error", "fatal", "panic", "dpanic"].contains(o["level"] as? String ?? ""),
      service: o["logger"] as? String)
  },
  // Caddy with `format json { duration_format nano }`: integer nanoseconds.
  "caddy-nano": { o in
    ReferenceEvent(
      durationMs: number(o["duration"]).map { $0 / 1e6 }, status: number(o["status"]).map { Int($0) },
      isErrorLevel: ["error", "fatal", "panic", "dpanic"].contains(o["level"] as? String ?? ""),
      service: o["logger"] as? String)
  },
  "zap": { o in
    ReferenceEvent(
      durationMs: number(o["duration"]).map { $0 * 1000 }, status: number(o["status"]).map { Int($0) },
      isErrorLevel: ["error", "fatal", "panic", "dpanic"].contains(o["level"] as? String ?? ""),
      service: o["logger"] as? String)
  },
  "logrus": { o in
    // A time.Duration field is integer nanoseconds (encoding/json).
    ReferenceEvent(
      durationMs: number(o["duration"]).map { $0 / 1e6 } ?? number(o["duration_ms"]),
      status: number(o["status"]).map { Int($0) },
      isErrorLevel: ["error", "fatal", "panic"].contains((o["level"] as? String ?? "").lowercased()),
      service: o["service"] as? String)
  },
  "structlog": { o in
    ReferenceEvent(
      durationMs: number(o["duration_ms"]), status: number(o["status"]).map { Int($0) },
      isErrorLevel: ["error", "critical"].contains(o["level"] as? String ?? ""), service: o["service"] as? String)
  },
  "python-json-logger": { o in
    // The last lines renamed levelname and asctime; their service is the
    // logger's name.
    ReferenceEvent(
      durationMs: number(o["duration_ms"]), status: number(o["status"]).map { Int($0) },
      isErrorLevel: ["ERROR", "CRITICAL"].contains((o["levelname"] ?? o["level"]) as? String ?? ""),
      service: (o["service"] ?? o["name"]) as? String)
  },
  "loguru": { o in
    ReferenceEvent(
      durationMs: number(value(o, "record", "extra", "duration_ms")),
      status: number(value(o, "record", "extra", "status")).map { Int($0) },
      isErrorLevel: ["ERROR", "CRITICAL"].contains(value(o, "record", "level", "name") as? String ?? ""),
      service: value(o, "record", "extra", "service") as? String)
  },
  "ecs": { o in
    ReferenceEvent(
      durationMs: number(value(o, "event", "duration")).map { $0 / 1e6 },
      status: number(value(o, "http", "response", "status_code")).map { Int($0) },
      isErrorLevel: ["error", "fatal", "critical"].contains(o["log.level"] as? String ?? ""),
      service: value(o, "service", "name") as? String)
  },
  "otel": { o in
    ReferenceEvent(
      durationMs: nil, status: number(value(o, "attributes", "http.response.status_code")).map { Int($0) },
      isErrorLevel: (number(o["severityNumber"]) ?? 0) >= 17, service: value(o, "resource", "service.name") as? String)
  },
  "gcp": { o in
    ReferenceEvent(
      durationMs: (value(o, "httpRequest", "latency") as? String).flatMap { Double($0.dropLast()) }.map { $0 * 1000 },
      status: number(value(o, "httpRequest", "status")).map { Int($0) },
      isErrorLevel: ["ERROR", "CRITICAL", "ALERT", "EMERGENCY"].contains(o["severity"] as? String ?? ""),
      service: value(o, "serviceContext", "service") as? String)
  },
  "traefik": { o in
    ReferenceEvent(
      durationMs: number(o["Duration"]).map { $0 / 1e6 }, status: number(o["DownstreamStatus"]).map { Int($0) },
      isErrorLevel: ["error", "fatal", "panic"].contains(o["level"] as? String ?? ""),
      service: o["ServiceName"] as? String)
  },
  "envoy": { o in
    ReferenceEvent(
      durationMs: number(o["duration"]), status: number(o["response_code"]).map { Int($0) }, isErrorLevel: false,
      service: o["upstream_cluster"] as? String)
  },
  "serilog": { o in
    ReferenceEvent(
      durationMs: number(o["Elapsed"]), status: number(o["StatusCode"]).map { Int($0) },
      isErrorLevel: ["Error", "Fatal"].contains(o["@l"] as? String ?? ""), service: o["Application"] as? String)
  },
  "zerolog": { o in
    // Dur fields are milliseconds; an error's text is under "error".
    ReferenceEvent(
      durationMs: number(o["duration"]), status: number(o["status"]).map { Int($0) },
      isErrorLevel: ["error", "fatal", "panic"].contains(o["level"] as? String ?? ""), service: o["service"] as? String)
  },
  "monolog": { o in
    // Monolog's numeric level is its own scale: the name says it.
    ReferenceEvent(
      durationMs: number(value(o, "context", "duration_ms")),
      status: number(value(o, "context", "status")).map { Int($0) },
      isErrorLevel: ["ERROR", "CRITICAL", "ALERT", "EMERGENCY"].contains(o["level_name"] as? String ?? ""),
      service: o["channel"] as? String)
  },
  "journald": { o in
    // Strings all: PRIORITY is a syslog severity (3 error, 0-2 worse).
    ReferenceEvent(
      durationMs: nil, status: nil, isErrorLevel: (number(o["PRIORITY"]) ?? 7) <= 3,
      service: (o["CONTAINER_NAME"] ?? o["_SYSTEMD_USER_UNIT"] ?? o["_SYSTEMD_UNIT"] ?? o["SYSLOG_IDENTIFIER"])
        as? String)
  },
  "mongodb": { o in
    // Severities F, E, W, I, D1-D5; the component as the service.
    ReferenceEvent(
      durationMs: number(value(o, "attr", "durationMillis")), status: nil,
      isErrorLevel: ["E", "F"].contains(o["s"] as? String ?? ""), service: o["c"] as? String)
  },
  "k8s-audit": { o in
    // The audit level is not a severity: errors are 5xx responses.
    ReferenceEvent(
      durationMs: nil, status: number(value(o, "responseStatus", "code")).map { Int($0) }, isErrorLevel: false,
      service: value(o, "objectRef", "resource") as? String)
  },
  "grafana": { o in
    // `duration` is Go's Duration.String() ("1.676344s", "2.004ms");
    // older lines have only `time_ms`. `status` is also a word ("ok").
    func milliseconds(_ text: String?) -> Double? {
      guard let text else { return nil }
      for (suffix, scale) in [("ms", 1.0), ("µs", 0.001), ("ns", 1e-6), ("s", 1000.0)] where text.hasSuffix(suffix) {
        return Double(text.dropLast(suffix.count)).map { $0 * scale }
      }
      return nil
    }
    return ReferenceEvent(
      durationMs: milliseconds(o["duration"] as? String) ?? number(o["time_ms"]),
      status: number(o["status"]).map { Int($0) },
      isErrorLevel: ["error", "crit"].contains((o["level"] ?? o["lvl"]) as? String ?? ""),
      service: o["logger"] as? String)
  },
  "apigateway": { o in
    // Strings all; latencies in ms (responseLatency for REST APIs).
    ReferenceEvent(
      durationMs: number(o["responseLatency"]) ?? number(o["integrationLatency"]),
      status: number(o["status"]).map { Int($0) }, isErrorLevel: false,
      service: (o["domainName"] ?? o["apiId"]) as? String)
  },
  "cloudflare": { o in
    ReferenceEvent(
      durationMs: number(o["OriginResponseDurationMs"]) ?? number(o["EdgeTimeToFirstByteMs"]),
      status: number(o["EdgeResponseStatus"]).map { Int($0) }, isErrorLevel: false,
      service: o["ClientRequestHost"] as? String)
  },
  "echo": { o in
    // Echo's Logger middleware: latency in nanoseconds, the host as the service.
    ReferenceEvent(
      durationMs: number(o["latency"]).map { $0 / 1e6 }, status: number(o["status"]).map { Int($0) },
      isErrorLevel: false, service: o["host"] as? String)
  },
  "hclog": { o in
    // time.Duration values are integer nanoseconds.
    ReferenceEvent(
      durationMs: number(o["latency"]).map { $0 / 1e6 }, status: nil,
      isErrorLevel: o["@level"] as? String == "error", service: o["@module"] as? String)
  },
  "postgres": { o in
    ReferenceEvent(
      durationMs: nil, status: nil,
      isErrorLevel: ["ERROR", "FATAL", "PANIC"].contains(o["error_severity"] as? String ?? ""),
      service: (o["application_name"] as? String) ?? (o["backend_type"] as? String))
  },
  "semantic_logger": { o in
    ReferenceEvent(
      durationMs: number(o["duration_ms"]), status: number(value(o, "payload", "status")).map { Int($0) },
      isErrorLevel: ["error", "fatal"].contains(o["level"] as? String ?? ""), service: o["application"] as? String)
  },
  "dotnet": { o in
    // Request details are in State (ASP.NET Core's hosting diagnostics).
    ReferenceEvent(
      durationMs: number(value(o, "State", "ElapsedMilliseconds")),
      status: number(value(o, "State", "StatusCode")).map { Int($0) },
      isErrorLevel: ["Error", "Critical"].contains(o["LogLevel"] as? String ?? ""), service: nil)
  },
  "gelf": { o in
    // Additional fields are prefixed with _; the level is a syslog severity
    // (3 error, 0-2 worse).
    ReferenceEvent(
      durationMs: number(o["_duration_ms"]), status: number(o["_status"]).map { Int($0) },
      isErrorLevel: (number(o["level"]) ?? 7) <= 3, service: o["_service"] as? String)
  },
  "tracing": { o in
    // tower-http's latency is Display text: "<n> ms".
    let latency = (value(o, "fields", "latency") as? String).flatMap { text in
      text.hasSuffix(" ms") ? Double(text.dropLast(3)) : nil
    }
    return ReferenceEvent(
      durationMs: latency, status: number(value(o, "fields", "status")).map { Int($0) },
      isErrorLevel: o["level"] as? String == "ERROR", service: nil)
  },
  "lograge": { o in
    ReferenceEvent(
      durationMs: number(o["duration"]), status: number(o["status"]).map { Int($0) }, isErrorLevel: false,
      service: nil)
  },
  "log4j2": { o in
    ReferenceEvent(
      durationMs: nil, status: nil, isErrorLevel: ["ERROR", "FATAL"].contains(o["level"] as? String ?? ""),
      service: nil)
  },
  // Winston's json() with timestamp() and a defaultMeta service: read as
  // the canonical shape, with responseTime (ms) and statusCode.
  "winston": { o in
    ReferenceEvent(
      durationMs: number(o["responseTime"]) ?? number(o["durationMs"]), status: number(o["statusCode"]).map { Int($0) },
      isErrorLevel: o["level"] as? String == "error", service: o["service"] as? String)
  },
  // Kubernetes components' JSON (zap without a level key): `err` only on
  // error lines, `v` (verbosity) on info lines.
  "klog": { o in
    ReferenceEvent(durationMs: nil, status: nil, isErrorLevel: o["err"] != nil, service: o["logger"] as? String)
  },
  // logback's LogstashEncoder: the MDC and structured arguments as
  // top-level fields.
  "logback": { o in
    ReferenceEvent(
      durationMs: number(o["duration_ms"]), status: number(o["status"]).map { Int($0) },
      isErrorLevel: o["level"] as? String == "ERROR", service: nil)
  },
  // The "json_analytics" log_format (every value a string; $msec beside
  // the dates).
  "nginx-analytics": { o in
    ReferenceEvent(
      durationMs: number(o["request_time"]).map { $0 * 1000 }, status: number(o["status"]).map { Int($0) },
      isErrorLevel: false, service: nil)
  },
  "nginx": { o in
    ReferenceEvent(
      durationMs: number(o["request_time"]).map { $0 * 1000 }, status: number(o["status"]).map { Int($0) },
      isErrorLevel: false, service: nil)
  },
]

@Suite struct FormatTests {
  static let samples = [
    "pino", "bunyan", "caddy", "caddy-nano", "zap", "logrus", "structlog", "python-json-logger", "loguru", "ecs",
    "otel", "gcp",
    "nginx", "nginx-analytics", "traefik", "envoy", "serilog", "lograge", "log4j2", "zerolog", "winston", "tracing",
    "gelf", "dotnet",
    "semantic_logger", "klog", "logback", "echo", "monolog", "journald", "mongodb", "k8s-audit", "grafana",
    "apigateway", "cloudflare",
  ]
  /// Samples detected as another format than their name.
  static let detectedAs = [
    "caddy-nano": "caddy", "nginx-analytics": "nginx", "winston": "canonical", "klog": "zap", "logback": "logstash",
  ]

  /// nginx's `$msec` (milliseconds) is the time when a line has it beside
  /// `$time_iso8601` and `$time_local` (whole seconds).
  @Test func nginxMillisecondsBeatItsWholeSecondDates() throws {
    let path = fixture("formats/nginx-analytics.jsonl")
    let report = SummaryReport(summarize([path]))
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let times = try data.split(separator: 0x0A).map { line -> Double in
      let object = try JSONSerialization.jsonObject(with: Data(line)) as! [String: Any]
      return Double(object["msec"] as! String)!
    }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let start = try #require(report.timeRange.start.flatMap { formatter.date(from: $0) })
    let end = try #require(report.timeRange.end.flatMap { formatter.date(from: $0) })
    #expect(abs(start.timeIntervalSince1970 - times.min()!) < 0.0005)
    #expect(abs(end.timeIntervalSince1970 - times.max()!) < 0.0005)
    #expect(times.contains { $0 != $0.rounded(.down) })
  }

  @Test(arguments: samples)
  func everySampleIsDetectedAndReadAsItsDocumentationSays(format: String) throws {
    let path = fixture("formats/\(format).jsonl")
    let result = summarize([path])
    let report = SummaryReport(result)

    // Detected, and no line misread as malformed.
    #expect(result.inputs[0].logFormats.first?.name == Self.detectedAs[format, default: format])
    #expect(report.lines.malformed == 0 && report.lines.skipped == 0)
    #expect(report.lines.repairedUTF8 == (format == "nginx" ? 1 : 0))

    // The same figures as a reading by the documented field names.
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    var events: [ReferenceEvent] = []
    for line in data.split(separator: 0x0A) {
      // nginx's escape=json passes invalid UTF-8 through: repair it as logscan does.
      let repaired = Data(String(decoding: line, as: UTF8.self).utf8)
      let object = try JSONSerialization.jsonObject(with: repaired) as! [String: Any]
      events.append(referenceReaders[format]!(object))
    }
    let durations = events.compactMap(\.durationMs).sorted()
    let errors = events.filter { ($0.status ?? 0) >= 500 || $0.isErrorLevel }.count
    #expect(report.overall.events == events.count)
    #expect(report.overall.errors == errors)
    #expect((report.overall.latency?.count ?? 0) == durations.count)
    if let latency = report.overall.latency, !durations.isEmpty {
      let p50 = durations[max(0, Int((0.5 * Double(durations.count)).rounded(.up)) - 1)]
      #expect(abs(latency.p50 - p50) <= p50 * 0.001 + 1e-6, "p50 \(latency.p50) vs exact \(p50)")
      #expect(abs(latency.max - durations.last!) <= 1e-6)
    }
    let statuses = events.compactMap(\.status)
    let serverErrors = statuses.filter { $0 >= 500 }.count
    #expect((report.overall.statusClasses.first { $0.0 == "5xx" }?.1 ?? 0) == serverErrors)
    let services = Set(events.map { $0.service.flatMap { $0.isEmpty ? nil : $0 } ?? "(none)" })
    #expect(Set(report.services.map(\.name)) == services)
  }

  /// ASP.NET Core and Rails write a line when a request starts and another
  /// when it ends, both with its path: a route counts the ends (those with
  /// a status or a duration), as a Foundation reading of the documented
  /// fields does, so that each request counts once and error rates are not
  /// halved.
  @Test(arguments: [("dotnet", ["State"]), ("semantic_logger", ["payload"])])
  func requestStartLinesAreNotRequestsOfTheirRoute(format: String, container: [String]) throws {
    let path = fixture("formats/\(format).jsonl")
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    var starts = 0
    var ends = 0
    var failedEnds = 0
    for line in data.split(separator: 0x0A) {
      let object = try JSONSerialization.jsonObject(with: line) as! [String: Any]
      let request = object[container[0]] as? [String: Any] ?? [:]
      guard (request["Path"] ?? request["path"]) is String else { continue }
      let status = number(request["StatusCode"] ?? request["status"])
      let duration = number(request["ElapsedMilliseconds"] ?? object["duration_ms"])
      if status == nil && duration == nil {
        starts += 1
      } else {
        ends += 1
        let level = (object["LogLevel"] ?? object["level"]) as? String ?? ""
        if (status ?? 0) >= 500 || ["Error", "Critical", "error", "fatal"].contains(level) { failedEnds += 1 }
      }
    }
    #expect(starts > 0 && ends > starts - 1 && failedEnds > 0)
    let report = SummaryReport(summarize([path]))
    #expect(report.routes.reduce(0) { $0 + $1.events } == ends)
    #expect(report.routes.reduce(0) { $0 + $1.errors } == failedEnds)
  }

  /// Fastify logs "incoming request" (req) and "request completed" (res,
  /// responseTime) as two lines with one reqId; pino-http's `req.log`
  /// puts req on every line an app writes during a request. A route counts
  /// the lines with a status or a duration; a correlated request still
  /// enters by the route of its first line with a path, and ends with its
  /// completion's status. Expected figures read with Foundation.
  @Test func fastifyRoutesCountCompletionsAndRequestsKeepTheirEntryRoute() throws {
    let path = fixture("formats/fastify.jsonl")
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    var routeEvents = 0
    var entry: [String: String] = [:]
    var status: [String: Int] = [:]
    for line in data.split(separator: 0x0A) {
      let object = try JSONSerialization.jsonObject(with: line) as! [String: Any]
      let request = object["req"] as? [String: Any]
      let code = (object["res"] as? [String: Any])?["statusCode"] as? Int
      guard let id = (object["reqId"] as? String) ?? (request?["id"] as? Int).map(String.init) else { continue }
      if let url = request?["url"] as? String, entry[id] == nil {
        entry[id] = "\(request!["method"] as! String) \(url)"
      }
      if let code { status[id] = code }
      if request != nil && (code != nil || object["responseTime"] != nil) { routeEvents += 1 }
    }
    #expect(entry.count == 3 && routeEvents == 1)
    let report = SummaryReport(summarize([path]), filter: Redactor.standard)
    #expect(report.routes.reduce(0) { $0 + $1.events } == routeEvents)
    #expect(report.routes.allSatisfy { $0.events > 0 })
    let requests = try #require(report.requests)
    #expect(requests.requests == entry.count)
    #expect(requests.failed == status.values.filter { $0 >= 500 }.count)
    let folded = Set(
      entry.values.map { $0.replacingOccurrences(of: #"/\d+$"#, with: "/:id", options: .regularExpression) })
    #expect(Set(requests.entryRoutes.map(\.name)) == folded)
  }

  /// Kubernetes components write no level: an info line has its verbosity
  /// (`v`: 0-3 info, 4 and up debug, as the Kubernetes logging conventions
  /// have it), an error line has `err`. Levels as Foundation reads them.
  @Test func klogLevelsComeFromVerbosityAndErr() throws {
    let path = fixture("formats/klog.jsonl")
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    var expected: [String: Int] = [:]
    for line in data.split(separator: 0x0A) {
      let object = try JSONSerialization.jsonObject(with: line) as! [String: Any]
      let level =
        object["err"] != nil ? "error" : (object["v"] as? Int).map { $0 < 4 ? "info" : "debug" } ?? "none"
      expected[level, default: 0] += 1
    }
    #expect(expected["error"] ?? 0 >= 1 && expected["debug"] ?? 0 >= 1 && expected["none"] == nil)
    let report = SummaryReport(summarize([path]))
    #expect(Dictionary(uniqueKeysWithValues: report.levels) == expected)
  }

  /// CLEF leaves `@l` out for Information events: those are info, not
  /// "none", read as Serilog's documentation says, with Foundation. Through
  /// the parse-ahead thread (zstd) as well.
  @Test func serilogEventsWithoutALevelAreInformation() throws {
    let path = fixture("formats/serilog.jsonl")
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let names = [
      "Verbose": "trace", "Debug": "debug", "Information": "info", "Warning": "warn", "Error": "error",
      "Fatal": "fatal",
    ]
    var expected: [String: Int] = [:]
    for line in data.split(separator: 0x0A) {
      let object = try JSONSerialization.jsonObject(with: line) as! [String: Any]
      expected[names[object["@l"] as? String ?? "Information"]!, default: 0] += 1
    }
    #expect(expected["info"] ?? 0 >= 2)
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let copy = writeTemporaryFile(Array(data), in: directory)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["zstd", "-q", "-f", copy, "-o", copy + ".zst"]
    try process.run()
    process.waitUntilExit()
    for input in [path, copy + ".zst"] {
      let report = SummaryReport(summarize([input]))
      #expect(Dictionary(uniqueKeysWithValues: report.levels) == expected, "\(input)")
    }
  }

  /// log4j2's JsonLayout has the time as `instant` {epochSecond,
  /// nanoOfSecond} (read to the second) or, with includeTimeMillis,
  /// `timeMillis`: the time range is that of Foundation's reading.
  @Test func log4j2TimesAreRead() throws {
    let path = fixture("formats/log4j2.jsonl")
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    var millis: [Double] = []
    for line in data.split(separator: 0x0A) {
      let object = try JSONSerialization.jsonObject(with: line) as! [String: Any]
      if let ms = number(object["timeMillis"]) {
        millis.append(ms)
      } else {
        millis.append(try #require(number(value(object, "instant", "epochSecond"))) * 1000)
      }
    }
    let report = SummaryReport(summarize([path]))
    let seconds = try #require(report.timeRange.seconds)
    #expect(abs(seconds - (millis.max()! - millis.min()!) / 1000) < 0.0005)
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    #expect(report.timeRange.start == formatter.string(from: Date(timeIntervalSince1970: millis.min()! / 1000)))
  }

  /// logback's `@timestamp` has the JVM zone's offset, and is read on
  /// every line: also on those whose MDC fields (requestId, duration_ms)
  /// are canonical names, and on lines that reach a format of their own
  /// (`@timestamp` is a generic timestamp key).
  @Test func logstashTimestampsAreReadOnEveryLine() throws {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let path = fixture("formats/logback.jsonl")
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    var times: [Date] = []
    var canonicalLines: [String] = []
    for line in data.split(separator: 0x0A) {
      let object = try JSONSerialization.jsonObject(with: line) as! [String: Any]
      let text = try #require(object["@timestamp"] as? String)
      times.append(try #require(formatter.date(from: text)))
      // The same line without the markers of its format: read as canonical.
      var stripped = object
      stripped["@version"] = nil
      stripped["logger_name"] = nil
      stripped["level_value"] = nil
      stripped["requestId"] = stripped["requestId"] ?? "r-1"
      let bytes = try JSONSerialization.data(withJSONObject: stripped)
      canonicalLines.append(String(decoding: bytes, as: UTF8.self))
    }
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let canonical = writeTemporaryFile(Array((canonicalLines.joined(separator: "\n") + "\n").utf8), in: directory)
    for input in [path, canonical] {
      let result = summarize([input])
      let report = SummaryReport(result)
      #expect(result.inputs[0].logFormats.first?.name == (input == path ? "logstash" : "canonical"))
      #expect(report.timeRange.start == formatter.string(from: times.min()!), "\(input)")
      #expect(report.timeRange.end == formatter.string(from: times.max()!), "\(input)")
      #expect(result.shard.services.stats.reduce(0) { $0 + $1.timedEvents } == times.count, "\(input)")
    }
  }

  @Test func mixedInputsKeepTheirOwnFormats() {
    let result = summarize([fixture("formats/pino.jsonl"), fixture("formats/nginx.jsonl"), fixture("app.jsonl")])
    #expect(result.inputs.map { $0.logFormats.first?.name } == ["pino", "nginx", "canonical"])
  }

  /// A stream whose logger changes part-way: every line is read with its
  /// own format's keys, including keys whose unit differs between formats
  /// (zap's `duration` is seconds; the canonical `duration_ms` is not).
  @Test func aStreamThatSwitchesFormatIsReadLineByLine() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var text = ""
    for name in ["formats/caddy.jsonl", "formats/pino.jsonl", "formats/caddy.jsonl", "formats/bunyan.jsonl"] {
      text += try String(contentsOf: URL(fileURLWithPath: fixture(name)), encoding: .utf8)
    }
    let path = writeTemporaryFile(Array(text.utf8), in: directory)
    let mixed = SummaryReport(summarize([path]))
    let parts = SummaryReport(
      summarize([
        fixture("formats/caddy.jsonl"), fixture("formats/pino.jsonl"), fixture("formats/caddy.jsonl"),
        fixture("formats/bunyan.jsonl"),
      ]))
    #expect(mixed.overall.json == parts.overall.json)
    #expect(mixed.lines.malformed == 0)
    let formats = Dictionary(uniqueKeysWithValues: summarize([path]).inputs[0].logFormats.map { ($0.name, $0.lines) })
    #expect(formats == ["caddy": 18, "pino": 7, "bunyan": 7])
  }

  @Test func unitsDifferBetweenFormatsForTheSameKey() {
    // `latency` is seconds in zap and milliseconds in restify's bunyan logs.
    let zap = #"{"level":"info","ts":1770460200.5,"caller":"h.go:1","msg":"done","latency":0.25}"#
    let bunyan =
      #"{"name":"a","hostname":"h","pid":1,"level":30,"msg":"done","time":"2026-02-07T10:30:00Z","v":0,"latency":250}"#
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    for line in [zap, bunyan] {
      let path = writeTemporaryFile(Array((line + "\n").utf8), in: directory)
      let latency = SummaryReport(summarize([path])).overall.latency
      #expect(latency.map { abs($0.max - 250) < 1e-6 } == true, "\(line)")
    }
  }

  /// A duration whose key names its unit is read in that unit, in lines of
  /// any format (here structlog, python-json-logger, and no known format).
  @Test(arguments: [
    ("duration_seconds", "0.25", 250.0), ("elapsed_s", "2", 2000), ("latency_sec", "0.001", 1),
    ("durationSeconds", "1.5", 1500), ("took_ms", "\"7\"", 7), ("response_time_ms", "12.5", 12.5),
    ("durationMillis", "40", 40), ("elapsed_us", "1500", 1.5), ("latencyMicros", "250", 0.25),
    ("duration_ns", "3000000", 3), ("request_duration_nanos", "1e6", 1),
  ])
  func durationsNamedWithTheirUnitAreRead(key: String, value: String, milliseconds: Double) throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let lines = [
      #"{"event":"done","level":"info","timestamp":"2026-11-23T10:00:00Z","\#(key)":\#(value)}"#,
      #"{"asctime":"2026-11-23 10:00:00,000","levelname":"INFO","name":"api","message":"done","\#(key)":\#(value)}"#,
      #"{"time":"2026-11-23T10:00:00Z","msg":"done","\#(key)":\#(value)}"#,
    ]
    for (line, format) in zip(lines, ["structlog", "python-json-logger", LogFormat.unknownName]) {
      let path = writeTemporaryFile(Array((line + "\n").utf8), in: directory)
      let result = summarize([path])
      #expect(result.inputs[0].logFormats.map(\.name) == [format])
      let latency = try #require(SummaryReport(result).overall.latency, "\(line)")
      #expect(abs(latency.max - milliseconds) <= milliseconds * 1e-9, "\(line)")
    }
  }

  @Test func embeddedJSONAndStackTracesStayInOneLine() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let lines = [
      #"{"level":"error","message":"{\"a\":1,\"nested\":{\"b\":[1,2]}}","service":"x","status":500}"#,
      #"{"level":"error","message":"Traceback (most recent call last):\n  File \"a.py\", line 1\nValueError: x","service":"x"}"#,
    ]
    let path = writeTemporaryFile(Array((lines.joined(separator: "\n") + "\n").utf8), in: directory)
    let report = SummaryReport(summarize([path]))
    #expect(report.lines.read == 2 && report.lines.parsed == 2)
    #expect(report.overall.errors == 2)
  }

  @Test(arguments: [
    ("22/Nov/2026:01:01:57 +0000", Int64(1_795_309_317_000_000_000)),
    ("07/Feb/2026:11:30:00 +0100", 1_770_460_200_000_000_000),
  ])
  func commonLogTimesAreRead(text: String, nanos: Int64) {
    let parsed = Array(text.utf8).withUnsafeBufferPointer { Timestamp.parseCommonLog($0.baseAddress!, $0.count) }
    #expect(parsed == nanos)
  }

  /// HTTP dates (JavaScript's `toUTCString()`) and slashed dates (Go's
  /// `log`), against Foundation's DateFormatter reading the same text.
  @Test(arguments: [
    ("Mon, 23 Nov 2026 10:00:00 GMT", "EEE, dd MMM yyyy HH:mm:ss zzz"),
    ("Sun, 29 Feb 2032 23:59:59 GMT", "EEE, dd MMM yyyy HH:mm:ss zzz"),
    ("Thu, 01 Jan 1970 00:00:01 UTC", "EEE, dd MMM yyyy HH:mm:ss zzz"),
    ("2026/11/23 10:00:00", "yyyy/MM/dd HH:mm:ss"),
    ("2026/11/23 10:00:00.123", "yyyy/MM/dd HH:mm:ss.SSS"),
    ("2026/02/07 11:30:00+01:00", "yyyy/MM/dd HH:mm:ssXXXXX"),
  ])
  func otherDateShapesAreRead(text: String, pattern: String) throws {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = pattern
    let date = try #require(formatter.date(from: text))
    var extractor = EventExtractor()
    let line = Array(#"{"timestamp":"\#(text)"}"#.utf8)
    guard let event = readEvent(line, &extractor) else { return }
    let expected = (date.timeIntervalSince1970 * 1e6).rounded() * 1000
    #expect(event.timestamp.map(Double.init) == expected, "\(text)")
  }

  @Test(arguments: [
    "Mon, 30 Feb 2026 10:00:00 GMT", "Mon, 23 Foo 2026 10:00:00 GMT", "2026/13/01 10:00:00", "Mon 23 Nov 2026",
    "Fri, 31 Dec 9999 23:59:59 GMT", "9999/12/31 23:59:59",
  ])
  func impossibleDatesAreBadTimestamps(text: String) {
    var extractor = EventExtractor()
    let line = Array(#"{"timestamp":"\#(text)"}"#.utf8)
    guard case .malformed(let reason) = line.withUnsafeBytes({ extractor.extract($0) }) else {
      Issue.record("\(text) was read")
      return
    }
    #expect(reason == .badTimestamp)
  }
}
