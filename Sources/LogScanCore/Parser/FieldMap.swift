/// Which keys of a log line fill which canonical field.
package struct FieldMap: Sendable {
  package private(set) var keyTable = KeyTable()
  package private(set) var bindings: [(path: [String], binding: FieldBinding)] = []
  private var nextPriority = [UInt8](repeating: 0, count: Field.count)

  package init() {}

  /// Binds a key path (["request", "method"] for a nested key, or one key
  /// with dots in it as written) to a field. Earlier bindings of a field win
  /// over later ones when a line has both keys; the first binding of a path
  /// is the one kept.
  package mutating func bind(
    _ path: [String], _ field: Field, unit: ValueUnit = .automatic, levelScale: LevelScale = .pino
  ) {
    let priority = nextPriority[field.rawValue]
    nextPriority[field.rawValue] = priority == .max ? priority : priority + 1
    let binding = FieldBinding(field: field, unit: unit, levelScale: levelScale, priority: priority)
    keyTable.bind(path, to: binding)
    bindings.append((path, binding))
  }

  /// Binds every key of a list, in order.
  package mutating func bind(_ keys: [LogFormat.Key]) {
    for key in keys { bind(key.path, key.field, unit: key.unit, levelScale: key.levelScale) }
  }

  /// Marks a key path with a marker bit (see `FormatCatalog`).
  package mutating func mark(_ path: [String], bit: Int) { keyTable.mark(path, bit: bit) }

  /// Every known format at once (canonical keys first, then each format's
  /// in catalog order, then generic names): what lines of no known format
  /// are read with.
  package static let standard: FieldMap = {
    var map = FieldMap()
    map.bind(LogFormat.canonicalFormat.keys)
    for format in LogFormat.known { map.bind(format.keys) }
    map.bind(LogFormat.generic)
    return map
  }()

  /// One format's keys first, then the canonical and generic ones (custom
  /// fields of any logger often use those names).
  package static func preferring(_ format: LogFormat, overrides: [LogFormat.Key] = []) -> FieldMap {
    var map = FieldMap()
    map.bind(overrides)
    map.bind(format.keys)
    map.bind(LogFormat.canonicalFormat.keys)
    map.bind(LogFormat.generic)
    return map
  }

  /// Only the canonical event shape of DESIGN.md.
  package static let canonical: FieldMap = {
    var map = FieldMap()
    map.bind(LogFormat.canonicalFormat.keys)
    return map
  }()
}

/// The formats a scan knows, each with its own frozen key table, and how to
/// tell a line's format from the marker keys it has.
///
/// Each line is read with the table of the format the previous line had; if
/// the line turns out to be of another format (a stream that switched
/// logger, two interleaved sources), it is read again with that format's
/// table, which becomes current. So a key that means different things in
/// different formats (zap's `latency` in seconds, restify's in ms) is read
/// right for each line.
package struct FormatCatalog: Sendable {
  /// Format names in classification order, then "json" for lines of no
  /// known format (read with every format's keys at once).
  package let names: [String]
  package let tables: [FrozenKeyTable]
  /// For each format, marker masks of which one must be fully present.
  private let masks: [[MarkerBits]]
  /// For each format, the level of a line without a level field (see
  /// `LogFormat.levelWhenAbsent`).
  private let levelsWhenAbsent: [Level?]
  /// For each format, whether it writes request-start lines (see
  /// `LogFormat.logsRequestStarts`).
  private let logsRequestStarts: [Bool]

  package init(formats: [LogFormat], fallback: FieldMap, overrides: [LogFormat.Key] = []) {
    var bits: [[String]: Int] = [:]
    var masks: [[MarkerBits]] = []
    for format in formats {
      masks.append(
        format.markers.map { set in
          set.reduce(MarkerBits(0)) { mask, path in
            if bits[path] == nil {
              precondition(
                bits.count < MarkerBits.bitWidth,
                "Invalid arguments: more than \(MarkerBits.bitWidth) distinct marker keys")
              bits[path] = bits.count
            }
            return mask | 1 << MarkerBits(bits[path]!)
          }
        })
    }
    func marked(_ map: FieldMap) -> FrozenKeyTable {
      var map = map
      for (path, bit) in bits { map.mark(path, bit: bit) }
      return map.keyTable.freeze()
    }
    self.masks = masks
    levelsWhenAbsent = formats.map(\.levelWhenAbsent) + [nil]
    logsRequestStarts = formats.map(\.logsRequestStarts) + [false]
    names = formats.map(\.name) + [LogFormat.unknownName]
    tables = formats.map { marked(.preferring($0, overrides: overrides)) } + [marked(fallback)]
  }

  /// The outcome of a line of format `format`, with the level its format
  /// implies when the line has no level field.
  @inline(__always)
  package func completing(_ outcome: EventExtractor.Outcome, format: Int) -> EventExtractor.Outcome {
    guard case .event(var event) = outcome, event.level == .none, let level = levelsWhenAbsent[format] else {
      return outcome
    }
    event.level = level
    return .event(event)
  }

  /// True for the line a framework writes when a request starts (see
  /// `LogFormat.logsRequestStarts`): it is not a request of its route.
  @inline(__always)
  package func isRequestStart(_ event: Event, format: Int) -> Bool {
    logsRequestStarts[format] && event.status == nil && event.duration == nil
  }

  /// The index of "json": lines of no known format.
  package var fallbackIndex: Int { names.count - 1 }

  /// The format of a line with these marker bits (an index into `names`).
  @inline(__always)
  package func classify(_ markers: MarkerBits) -> Int {
    for (index, formatMasks) in masks.enumerated() {
      for mask in formatMasks where markers & mask == mask { return index }
    }
    return fallbackIndex
  }

  package static let standard = FormatCatalog(formats: LogFormat.known, fallback: .standard)
}
