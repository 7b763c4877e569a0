/// The summary as a plain value, ready for any writer (text, JSON, Markdown).
/// Built once from the merged counts; every string in it went through the
/// report's text hook (`TextFilter`), which is where redaction plugs in.
package struct SummaryReport: Sendable {
  /// Bumped on any incompatible change to the JSON (docs/json-schema.md).
  package static let schemaVersion = 1

  package struct Input: Sendable {
    package var name: String
    package var format: String
    package var bytes: Int64?
    package var lines: Int
    package var error: String?
    /// Parsed lines by log format, most first.
    package var logFormats: [(String, Int)] = []
  }

  package struct Example: Sendable {
    package var input: String
    package var line: Int
    package var reason: String
  }

  package struct Lines: Sendable {
    package var read = 0
    package var parsed = 0
    package var malformed = 0
    package var skipped = 0
    package var repairedUTF8 = 0
    package var malformedByReason: [(String, Int)] = []
    package var skippedByReason: [(String, Int)] = []
    package var examples: [Example] = []

    package var addsUp: Bool { read == parsed + malformed + skipped }
  }

  package struct Latency: Sendable {
    /// Milliseconds.
    package var count: Int
    package var p50, p90, p95, p99, p999, min, max, mean: Double
  }

  package struct Throughput: Sendable {
    package var averagePerMinute: Double
    package var peakPerMinute: Int
    /// RFC 3339 start of the busiest minute.
    package var peakMinute: String?
    /// The per-minute table was full: the peak covers only part of the time.
    package var partial = false
  }

  package struct Scope: Sendable {
    package var name: String
    package var events: Int
    package var errors: Int
    package var errorRate: Double
    package var statusClasses: [(String, Int)]
    package var latency: Latency?
    package var throughput: Throughput?
    package var firstSeen: String?
    package var lastSeen: String?
    /// Events by exact HTTP status.
    package var statuses: [(Int, Int)] = []
    /// Durations at or below each bound (seconds), for histogram exposition;
    /// within the histogram's 0.1%.
    package var durationBuckets: [(le: Double, count: Int)] = []
    package var durationSumSeconds = 0.0
  }

  package struct ErrorTemplate: Sendable {
    package var template: String
    package var count: Int
    package var firstSeen: String?
    package var lastSeen: String?
  }

  package struct TimeRange: Sendable {
    package var start: String?
    package var end: String?
    package var seconds: Double?
  }

  package struct Truncation: Sendable {
    package var servicesFolded = 0
    package var routesFolded = 0
    package var templatesFolded = 0
    package var distinctTemplates = 0
  }

  /// Where secrets and PII were found (never what they were).
  package struct Audit: Sendable {
    package struct Place: Sendable {
      package var kind: String
      package var service: String
      package var field: String
      package var count: Int
      package var input: String
      package var line: Int
    }

    package var lines = 0
    package var findings = 0
    package var byKind: [(String, Int)] = []
    /// Most findings first.
    package var places: [Place] = []
    package var unplaced = 0
  }

  package var inputs: [Input] = []
  package var lines = Lines()
  package var timeRange = TimeRange()
  package var levels: [(String, Int)] = []
  package var overall: Scope
  package var services: [Scope] = []
  package var routes: [Scope] = []
  package var topErrors: [ErrorTemplate] = []
  package var truncation = Truncation()
  package var diagnostics: [String] = []
  /// Nil when the scan did not audit.
  package var audit: Audit?
  /// Alerts and counters; nil when the scan had no rules.
  package var alerts: AlertReport?
  /// Requests followed by id; nil when the scan did not correlate.
  package var requests: RequestsReport?
}

/// Every text that comes from the input passes through one of these before
/// it reaches a report. Redaction (and display repair) happens here.
package protocol TextFilter: Sendable {
  func filter(_ text: String) -> String
}

/// Leaves text as it is.
package struct IdentityTextFilter: TextFilter {
  package init() {}
  package func filter(_ text: String) -> String { text }
}
