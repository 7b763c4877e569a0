/// Caps on the tables that grow with the input, so memory stays bounded on
/// any input. What a full table turns away is counted under "(other)".
package struct SummaryLimits: Sendable {
  package var maxServices = 256
  package var maxRoutes = 512
  package var maxTemplates = 10_000
  /// Malformed lines kept as examples (file and line number).
  package var maxExamples = 10
  /// Per-minute counts kept per shard, over all scopes (about 40 bytes
  /// each): a month of one scope is 44,640 minutes.
  package var maxMinuteCells = 1_000_000
  /// Series per rule accumulator (services, routes, field values).
  package var maxRuleSeries = 1000
  /// Groups per business counter.
  package var maxCounterGroups = 1000
  /// (Series, step) cells of the rules per shard, over all accumulators:
  /// a month of minutes for 20 series is 864,000.
  package var maxRuleCells = 2_000_000

  package init() {}
}

/// A malformed line kept as an example: where it is and why it failed.
package struct MalformedExample: Sendable, Equatable {
  package var input: Int
  /// The work unit the line was read in; the pipeline turns (unit, line in
  /// unit) into a line number of the input.
  package var unit: Int
  package var line: Int
  package var reason: MalformedReason
}

/// Line accounting: read = parsed + malformed + skipped, always.
package struct LineCounts: Sendable, Equatable {
  package var read = 0
  package var parsed = 0
  package var malformed = [Int](repeating: 0, count: MalformedReason.allCases.count)
  package var skipped = [Int](repeating: 0, count: SkipReason.allCases.count)
  /// Parsed lines whose strings held invalid UTF-8 (shown repaired).
  package var repairedUTF8 = 0

  package init() {}

  package var malformedTotal: Int { malformed.reduce(0, +) }
  package var skippedTotal: Int { skipped.reduce(0, +) }

  package mutating func merge(_ other: LineCounts) {
    read += other.read
    parsed += other.parsed
    repairedUTF8 += other.repairedUTF8
    for k in malformed.indices { malformed[k] += other.malformed[k] }
    for k in skipped.indices { skipped[k] += other.skipped[k] }
  }
}

/// A table of scopes keyed by name (services, routes), capped.
package struct ScopeTable: Sendable {
  package static let otherKey = Interner.otherKey
  package private(set) var names = Interner()
  package var stats: [ScopeStats] = []
  package let limit: Int
  /// Events that went to "(other)" because the table was full.
  package private(set) var folded = 0

  /// The scopes of recent keys, by a cheap mix of a key's length and its
  /// first and last bytes (-1: none): a log has a few services and routes,
  /// each looked up on most of its lines, and checking one candidate's
  /// bytes costs a fraction of hashing the key and probing the table.
  private var recent = InlineArray<32, Int32>(repeating: -1)

  package init(limit: Int) { self.limit = limit }

  /// The index of `key`'s scope; a new key when the table is full goes to
  /// "(other)".
  @inline(__always)
  package mutating func index(of key: UnsafeRawBufferPointer) -> Int {
    let slot = Self.recentSlot(key)
    let candidate = Int(recent[slot])
    if candidate >= 0 && candidate < names.count && names.equals(candidate, key) { return candidate }
    let (id, added, wasFolded) = names.intern(key, limit: limit)
    if added { stats.append(ScopeStats()) }
    if wasFolded {
      // Never remembered: each key folded into "(other)" counts.
      folded += 1
    } else {
      recent[slot] = Int32(id)
    }
    return id
  }

  /// Where `key` is remembered in `recent`.
  @inline(__always)
  private static func recentSlot(_ key: UnsafeRawBufferPointer) -> Int {
    let n = key.count
    guard n > 0, let base = key.baseAddress else { return 0 }
    let first: UInt64
    let last: UInt64
    if n >= 8 {
      first = base.loadUnaligned(as: UInt64.self)
      last = base.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
    } else {
      first = UInt64(base.load(as: UInt8.self)) | UInt64(base.load(fromByteOffset: n >> 1, as: UInt8.self)) << 8
      last = UInt64(base.load(fromByteOffset: n &- 1, as: UInt8.self))
    }
    let mixed = (first ^ (last &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(n)) &* 0xBF58_476D_1CE4_E5B9
    return Int(truncatingIfNeeded: mixed >> 59)
  }

  package mutating func merge(_ other: ScopeTable) {
    for id in 0..<other.names.count {
      let index = Array(other.names.key(id)).withUnsafeBytes { self.index(of: $0) }
      stats[index].merge(other.stats[id])
    }
    folded += other.folded
  }

  package var count: Int { names.count }
  package func name(_ id: Int) -> String { names.string(id) }
}

/// Error messages by template, capped.
package struct TemplateTable: Sendable {
  package struct Entry: Sendable {
    package var count = 0
    package var firstSeen = Int64.max
    package var lastSeen = Int64.min
  }

  package private(set) var names = Interner()
  package var entries: [Entry] = []
  package let limit: Int
  /// Error events whose template did not fit in the table.
  package private(set) var folded = 0

  package init(limit: Int) { self.limit = limit }

  package mutating func add(_ template: UnsafeRawBufferPointer, timestamp: Int64?, count: Int = 1) {
    let id: Int
    if let existing = names.find(template) {
      id = existing
    } else if names.count < limit {
      id = names.intern(template)
      entries.append(Entry())
    } else {
      folded += count
      return
    }
    entries[id].count += count
    if let timestamp {
      entries[id].firstSeen = min(entries[id].firstSeen, timestamp)
      entries[id].lastSeen = max(entries[id].lastSeen, timestamp)
    }
  }

  package mutating func merge(_ other: TemplateTable) {
    for id in 0..<other.names.count {
      let entry = other.entries[id]
      Array(other.names.key(id)).withUnsafeBytes { key in
        add(key, timestamp: nil, count: entry.count)
        if let mine = names.find(key) {
          entries[mine].firstSeen = min(entries[mine].firstSeen, entry.firstSeen)
          entries[mine].lastSeen = max(entries[mine].lastSeen, entry.lastSeen)
        }
      }
    }
    folded += other.folded
  }
}

/// Everything the summary counts, for one part of the input. Shards of the
/// input are counted separately (one per core) and merged; merging is
/// associative and, below the table caps, gives the same figures whatever
/// the split.
package struct SummaryShard: Sendable {
  package var lines = LineCounts()
  package var examples: [MalformedExample] = []
  package var levels = [Int](repeating: 0, count: Level.allCases.count)
  /// The whole input's figures: the sum of the service scopes (every event
  /// is counted in exactly one service, "(none)" and "(other)" included), so
  /// nothing is counted twice per line.
  package var overall: ScopeStats {
    var total = ScopeStats()
    for stats in services.stats { total.merge(stats) }
    return total
  }
  package var services: ScopeTable
  package var routes: ScopeTable
  package var templates: TemplateTable
  package let limits: SummaryLimits
  /// Minute cells this shard may still add (see `SummaryLimits`).
  package var minuteBudget: Int
  /// Parsed lines by input and log format: `formatCounts[input][format]`,
  /// format indexes as in `FieldMap.classify`.
  package var formatCounts: [[Int]] = []
  /// Secrets and PII found, when the scan audits.
  package var audit = AuditTable()
  /// What alert rules and business counters are evaluated on, when the
  /// scan has any.
  package var rules: RuleShard?
  /// Completed requests, when the scan correlates.
  package var correlation: CorrelationStats?
  /// What the timeline adds, when the scan is a timeline's.
  package var timeline: TimelineShard?

  package mutating func countFormat(input: Int, format: Int, count: Int = 1) {
    if input >= formatCounts.count || format >= formatCounts[input].count { growFormatCounts(input, format) }
    formatCounts[input][format] &+= count
  }

  private mutating func growFormatCounts(_ input: Int, _ format: Int) {
    while formatCounts.count <= input { formatCounts.append([]) }
    if formatCounts[input].count <= format {
      formatCounts[input] += [Int](repeating: 0, count: format + 1 - formatCounts[input].count)
    }
  }

  package init(limits: SummaryLimits = SummaryLimits()) {
    self.limits = limits
    minuteBudget = limits.maxMinuteCells
    services = ScopeTable(limit: limits.maxServices)
    routes = ScopeTable(limit: limits.maxRoutes)
    templates = TemplateTable(limit: limits.maxTemplates)
  }

  package mutating func merge(_ other: SummaryShard) {
    lines.merge(other.lines)
    examples.append(contentsOf: other.examples)
    for k in levels.indices { levels[k] += other.levels[k] }
    services.merge(other.services)
    routes.merge(other.routes)
    templates.merge(other.templates)
    audit.merge(other.audit)
    if let theirs = other.rules {
      if rules == nil { rules = theirs } else { rules!.merge(theirs) }
    }
    if let theirs = other.correlation {
      if correlation == nil { correlation = theirs } else { correlation!.merge(theirs) }
    }
    if let theirs = other.timeline {
      if timeline == nil { timeline = theirs } else { timeline!.merge(theirs) }
    }
    for (input, counts) in other.formatCounts.enumerated() {
      for (format, count) in counts.enumerated() where count > 0 {
        growFormatCounts(input, format)
        formatCounts[input][format] += count
      }
    }
  }
}
