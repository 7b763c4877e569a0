#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A deterministic generator of realistic multi-service JSON logs, for
/// benchmarks and tests: requests enter through a gateway and fan out to
/// services, sharing a requestId; latencies are lognormal with a heavy tail;
/// a small share of requests fail (5xx with error messages) or are rejected
/// (4xx). The same seed always gives the same bytes.
public struct LogGenerator {
  public struct Configuration: Sendable {
    public var seed: UInt64 = 42
    /// Event time of the first line, in epoch milliseconds (2026-02-07T00:00:00Z).
    public var startMillis: Int64 = 1_770_422_400_000
    /// Requests per minute of event time.
    public var requestsPerMinute = 6000
    /// Share of requests that fail with a 5xx.
    public var errorRate = 0.01
    /// Share of lines written malformed (truncated, garbage).
    public var malformedRate = 0.0
    /// Minutes (from the start) during which the error rate and latency jump,
    /// to exercise alert rules: (startMinute, endMinute, errorRate).
    public var incidents: [(Int, Int, Double)] = []
    /// Adds fields that look like secrets but are not (trace ids, hashes,
    /// UUIDs, versions, user agents) to every event.
    public var noise = false
    /// Share of requests followed by a line holding one planted secret or
    /// PII value, the kinds in turn (see `planted`).
    public var plantRate = 0.0

    public init() {}
  }

  private var random: SplitMix64
  private let configuration: Configuration
  private var requestNumber: UInt64 = 0
  private var clockMicros: Int64
  private var planter: SecretPlanter
  /// Its own stream, so that planting leaves the rest of the corpus as it was.
  private var plantRandom: SplitMix64
  /// What was planted, in order: (kind, the value as it reads decoded).
  public private(set) var planted: [(kind: String, secret: String)] = []
  /// Change events still to write, in time order: a deploy two minutes
  /// before each incident and a rollback when it ends (what timelines
  /// find "just before").
  private var changes: [(micros: Int64, action: String, message: String)] = []

  public init(_ configuration: Configuration = Configuration()) {
    self.configuration = configuration
    random = SplitMix64(seed: configuration.seed)
    planter = SecretPlanter(seed: configuration.seed)
    plantRandom = SplitMix64(seed: configuration.seed ^ 0x9E37_79B9)
    clockMicros = configuration.startMillis * 1000
    for (number, incident) in configuration.incidents.enumerated() {
      let (start, end, _) = incident
      let minute: Int64 = 60_000_000
      let base = configuration.startMillis * 1000
      let version = "v2.\(number + 1).0"
      changes.append(
        (base + Int64(max(0, start - 2)) * minute + 15_000_000, "deploy", "Deployed api-gateway \(version)"))
      changes.append(
        (base + Int64(end) * minute + 5_000_000, "rollback", "Rolled back api-gateway from \(version)"))
    }
    changes.sort { $0.micros < $1.micros }
  }

  struct Route {
    let method: String
    let template: [String]  // "{id}" segments are filled with ids
    let action: String
    let services: [String]
    let medianMs: Double
  }

  static let routes: [Route] = [
    Route(
      method: "GET", template: ["api", "orders", "{id}"], action: "get_order", services: ["order-service"], medianMs: 35
    ),
    Route(
      method: "POST", template: ["api", "orders"], action: "create_order",
      services: ["order-service", "inventory-service", "payment-service"], medianMs: 120),
    Route(
      method: "GET", template: ["api", "users", "{uuid}"], action: "get_user", services: ["user-service"], medianMs: 20),
    Route(method: "POST", template: ["api", "login"], action: "login", services: ["user-service"], medianMs: 60),
    Route(
      method: "POST", template: ["api", "signup"], action: "signup",
      services: ["user-service", "notification-service"], medianMs: 90),
    Route(
      method: "GET", template: ["api", "products"], action: "list_products", services: ["inventory-service"],
      medianMs: 45),
    Route(
      method: "GET", template: ["api", "products", "{id}", "reviews"], action: "list_reviews",
      services: ["inventory-service"], medianMs: 55),
    Route(
      method: "POST", template: ["api", "payments", "{hex}", "refund"], action: "refund_payment",
      services: ["payment-service"], medianMs: 200),
    Route(method: "GET", template: ["health"], action: "health_check", services: [], medianMs: 1.5),
  ]
  static let routeWeights: [Double] = [30, 8, 20, 6, 2, 18, 8, 1, 7]

  static let failures: [String: [String]] = [
    "order-service": [
      "Order {ord} could not be saved: deadlock detected", "Timeout after {n} ms calling inventory-service",
    ],
    "payment-service": ["Payment failed for order {ord}: card declined", "Payment provider returned HTTP {n}"],
    "user-service": ["User {usr} lookup failed: connection refused", "Session store unavailable"],
    "inventory-service": ["Stock reservation failed for product {n}: insufficient quantity"],
    "notification-service": ["Email delivery failed: SMTP error {n}"],
    "api-gateway": ["Upstream timeout after {n} ms"],
  ]

  /// Appends the lines of the next request (2 or more events) to `out`.
  public mutating func appendRequest(to out: inout [UInt8]) {
    requestNumber += 1
    let meanGapMicros = 60_000_000.0 / Double(configuration.requestsPerMinute)
    clockMicros += Int64(exponential(mean: meanGapMicros))
    let minute = Int((clockMicros / 1000 - configuration.startMillis) / 60_000)
    var errorRate = configuration.errorRate
    var slowdown = 1.0
    for (start, end, rate) in configuration.incidents where minute >= start && minute < end {
      errorRate = rate
      slowdown = 4
    }

    while let change = changes.first, change.micros <= clockMicros {
      changes.removeFirst()
      out.append(#"{"level":"info","timestamp":""#)
      Self.appendRFC3339(micros: change.micros, to: &out)
      out.append(#"","service":"api-gateway","action":""#)
      out.append(change.action)
      out.append(#"","message":""#)
      out.append(change.message)
      out.append("\"}\n")
    }
    let route = Self.routes[weightedIndex(Self.routeWeights)]
    let requestId = "req_" + hex(random.next(), digits: 12)
    let userId = "usr_" + hex(random.next() & 0xFFFFF, digits: 5)
    var segments: [String] = []
    for segment in route.template { segments.append(fillSegment(segment)) }
    let path = "/" + segments.joined(separator: "/")
    let fails = uniform() < errorRate
    let rejected = !fails && uniform() < 0.03
    let failingService = fails ? (route.services.randomElement(using: &random) ?? "api-gateway") : ""

    // The gateway calls the services one after another; every event is
    // written when its work is done, with how long it took (as access logs
    // and request middleware do).
    var time = clockMicros
    for service in route.services {
      time += Int64(uniform() * 2000)
      var ms = latency(medianMs: route.medianMs * slowdown)
      let failed = fails && service == failingService
      if failed { ms *= 3 }
      time += Int64(ms * 1000)
      let level = failed ? "error" : "info"
      let message =
        failed
        ? failureMessage(service) : "\(route.action.replacingUnderscores) handled"
      appendEvent(
        to: &out, level: level, time: time, service: service, requestId: requestId, userId: userId,
        action: route.action, durationMs: ms, status: nil, method: nil, path: nil, message: message)
    }
    time += Int64(latency(medianMs: 2) * 1000)
    let total = Double(time - clockMicros) / 1000
    let status =
      fails
      ? [500, 502, 503][Int(random.next() % 3)]
      : rejected ? [400, 401, 404, 429][Int(random.next() % 4)] : (route.method == "POST" ? 201 : 200)
    let level = status >= 500 ? "error" : status >= 400 ? "warn" : "info"
    let message =
      status >= 500
      ? (failingService == "api-gateway" ? failureMessage("api-gateway") : "Request failed with status \(status)")
      : "Request completed"
    appendEvent(
      to: &out, level: level, time: time, service: "api-gateway", requestId: requestId,
      userId: userId, action: route.action, durationMs: total, status: status, method: route.method,
      path: path, message: message)
    if configuration.plantRate > 0 && Double(plantRandom.next() >> 11) / Double(1 << 53) < configuration.plantRate {
      let kind = SecretPlanter.kinds[planted.count % SecretPlanter.kinds.count]
      let (members, secret) = planter.plant(kind)
      planted.append((kind, secret))
      out.append(#"{"level":"warn","timestamp":""#)
      Self.appendRFC3339(micros: time, to: &out)
      out.append(#"","service":""#)
      out.append(route.services.first ?? "api-gateway")
      out.append(#"","requestId":""#)
      out.append(requestId)
      out.append("\",")
      out.append(members)
      out.append("}\n")
    }
  }

  private mutating func appendEvent(
    to out: inout [UInt8], level: String, time: Int64, service: String, requestId: String,
    userId: String, action: String, durationMs: Double, status: Int?, method: String?, path: String?,
    message: String
  ) {
    let start = out.count
    out.append(#"{"level":""#)
    out.append(level)
    out.append(#"","timestamp":""#)
    Self.appendRFC3339(micros: time, to: &out)
    out.append(#"","service":""#)
    out.append(service)
    out.append(#"","requestId":""#)
    out.append(requestId)
    out.append(#"","userId":""#)
    out.append(userId)
    out.append(#"","action":""#)
    out.append(action)
    out.append(#"","duration_ms":"#)
    Self.appendDecimal(durationMs, to: &out)
    if let status {
      out.append(#","status":"#)
      out.appendInteger(status)
    }
    if let method {
      out.append(#","method":""#)
      out.append(method)
      out.append("\"")
    }
    if let path {
      out.append(#","path":""#)
      out.append(path)
      out.append("\"")
    }
    out.append(#","message":""#)
    out.append(message)
    out.append("\"")
    switch random.next() % 4 {
    case 0:
      out.append(#","host":""#)
      out.append(service)
      out.append("-")
      out.appendInteger(Int(random.next() % 8))
      out.append(#"","pid":"#)
      out.appendInteger(1000 + Int(random.next() % 30000))
    case 1:
      out.append(#","http":{"userAgent":"Mozilla/5.0 (X11; Linux x86_64)","bytes":"#)
      out.appendInteger(Int(random.next() % 100_000))
      out.append(#","tags":["a",1,true,null]}"#)
    case 2:
      out.append(#","version":"2."#)
      out.appendInteger(Int(random.next() % 20))
      out.append(".")
      out.appendInteger(Int(random.next() % 10))
      out.append(#"","region":"eu-west-1""#)
    default: break
    }
    if configuration.noise {
      out.append(",")
      out.append(planter.noise())
    }
    out.append("}")
    if configuration.malformedRate > 0 && uniform() < configuration.malformedRate {
      switch random.next() % 3 {
      case 0: out.removeLast((out.count - start) - (out.count - start) / 2)  // truncated write
      case 1:
        out.removeLast(out.count - start)
        out.append("WARN: raw text line from a library that does not log JSON")
      default: out.append("}")  // trailing garbage
      }
    }
    out.append(0x0A)
  }

  private mutating func fillSegment(_ segment: String) -> String {
    switch segment {
    case "{id}": return String(random.next() % 1_000_000)
    case "{uuid}":
      let a = hex(random.next(), digits: 8)
      let b = hex(random.next(), digits: 4)
      let c = hex(random.next(), digits: 4)
      let d = hex(random.next(), digits: 4)
      let e = hex(random.next(), digits: 12)
      return "\(a)-\(b)-\(c)-\(d)-\(e)"
    case "{hex}": return hex(random.next(), digits: 16)
    default: return segment
    }
  }

  private mutating func failureMessage(_ service: String) -> String {
    let options = Self.failures[service] ?? ["Internal error"]
    var text = options[Int(random.next() % UInt64(options.count))]
    text = text.replacingPlaceholder("{ord}", with: "ord_" + hex(random.next() & 0xFFFFFF, digits: 6))
    text = text.replacingPlaceholder("{usr}", with: "usr_" + hex(random.next() & 0xFFFFF, digits: 5))
    text = text.replacingPlaceholder("{n}", with: String(100 + random.next() % 9900))
    return text
  }

  /// Lognormal around the median (sigma 0.6) with a 1% tail ten times slower.
  private mutating func latency(medianMs: Double) -> Double {
    var value = medianMs * exp(0.6 * normal())
    if uniform() < 0.01 { value *= 5 + 10 * uniform() }
    return value
  }

  private mutating func uniform() -> Double { Double(random.next() >> 11) / Double(1 << 53) }

  private mutating func exponential(mean: Double) -> Double { -mean * log(1 - uniform()) }

  private mutating func normal() -> Double {
    let u1 = max(uniform(), 1e-300)
    let u2 = uniform()
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
  }

  private mutating func weightedIndex(_ weights: [Double]) -> Int {
    var target = uniform() * weights.reduce(0, +)
    for (index, weight) in weights.enumerated() {
      target -= weight
      if target < 0 { return index }
    }
    return weights.count - 1
  }

  private func hex(_ value: UInt64, digits: Int) -> String {
    let text = String(value, radix: 16)
    if text.count >= digits { return String(text.suffix(digits)) }
    return String(repeating: "0", count: digits - text.count) + text
  }

  /// Milliseconds with three decimals, as loggers print them.
  static func appendDecimal(_ ms: Double, to out: inout [UInt8]) {
    let thousandths = Int64((ms * 1000).rounded())
    out.appendInteger(Int(thousandths / 1000))
    out.append(".")
    out.appendInteger(Int(thousandths % 1000), width: 3)
  }

  static func appendRFC3339(micros: Int64, to out: inout [UInt8]) {
    let millis = micros / 1000
    let seconds = millis / 1000
    let days = Int(seconds / 86400)
    let secondOfDay = Int(seconds % 86400)
    let (year, month, day) = civil(days)
    out.appendInteger(year, width: 4)
    out.append("-")
    out.appendInteger(month, width: 2)
    out.append("-")
    out.appendInteger(day, width: 2)
    out.append("T")
    out.appendInteger(secondOfDay / 3600, width: 2)
    out.append(":")
    out.appendInteger(secondOfDay / 60 % 60, width: 2)
    out.append(":")
    out.appendInteger(secondOfDay % 60, width: 2)
    out.append(".")
    out.appendInteger(Int(millis % 1000), width: 3)
    out.append("Z")
  }

  private static func civil(_ days: Int) -> (Int, Int, Int) {
    let z = days + 719468
    let era = z / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }
}

/// SplitMix64: a tiny, fast, seedable generator.
public struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64
  public init(seed: UInt64) { state = seed }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

extension [UInt8] {
  fileprivate mutating func append(_ text: String) {
    var text = text
    text.withUTF8 { append(contentsOf: $0) }
  }

  /// A non-negative integer in decimal, zero-padded to `width`.
  fileprivate mutating func appendInteger(_ value: Int, width: Int = 1) {
    var divisor = 1
    var digits = 1
    while divisor <= value / 10 {
      divisor *= 10
      digits += 1
    }
    for _ in digits..<Swift.max(width, digits) { append(48) }
    var rest = value
    while divisor > 0 {
      append(UInt8(rest / divisor) + 48)
      rest %= divisor
      divisor /= 10
    }
  }
}

extension String {
  fileprivate var replacingUnderscores: String {
    String(map { $0 == "_" ? " " : $0 })
  }

  fileprivate func replacingPlaceholder(_ placeholder: String, with value: String) -> String {
    var result = ""
    var rest = Substring(self)
    while let range = rest.firstRange(of: placeholder) {
      result += rest[..<range.lowerBound]
      result += value
      rest = rest[range.upperBound...]
    }
    return result + rest
  }
}
