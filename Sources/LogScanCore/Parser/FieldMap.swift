/// Which keys of a log line fill which canonical field, and how a line's
/// keys tell its format.
package struct FieldMap: Sendable {
  package private(set) var keyTable = KeyTable()
  package private(set) var bindings: [(path: [String], binding: FieldBinding)] = []
  /// Format names, in classification order; index `formatNames.count` is
  /// "json" (no known format).
  package private(set) var formatNames: [String] = []
  /// For each format, the marker masks of which any one must be fully present.
  private var formatMasks: [[UInt64]] = []
  private var nextPriority = [UInt8](repeating: 0, count: Field.count)
  private var markerBits: [[String]: Int] = [:]

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

  /// Adds a format: its keys, and its markers for classification.
  package mutating func add(_ format: LogFormat) {
    for key in format.keys { bind(key.path, key.field, unit: key.unit, levelScale: key.levelScale) }
    var masks: [UInt64] = []
    for set in format.markers {
      var mask: UInt64 = 0
      for path in set {
        let bit: Int
        if let known = markerBits[path] {
          bit = known
        } else {
          bit = markerBits.count
          precondition(bit < 64, "Invalid arguments: more than 64 distinct marker keys")
          markerBits[path] = bit
          keyTable.mark(path, bit: bit)
        }
        mask |= 1 << UInt64(bit)
      }
      masks.append(mask)
    }
    formatNames.append(format.name)
    formatMasks.append(masks)
  }

  /// The format of a line with these marker bits: an index into
  /// `formatNames`, or `formatNames.count` when none matches.
  @inline(__always)
  package func classify(_ markers: UInt64) -> Int {
    for (index, masks) in formatMasks.enumerated() {
      for mask in masks where markers & mask == mask { return index }
    }
    return formatMasks.count
  }

  package func formatName(_ index: Int) -> String {
    index < formatNames.count ? formatNames[index] : LogFormat.unknownName
  }

  /// Every known format at once: a line of any of them is read right, so
  /// inputs that mix formats, or switch logger part-way, need nothing.
  /// The canonical shape's keys come first, then each format's in
  /// classification order, then generic names.
  package static let standard: FieldMap = {
    var map = FieldMap()
    let canonical = LogFormat.known.first { $0.name == "canonical" }!
    for key in canonical.keys { map.bind(key.path, key.field, unit: key.unit, levelScale: key.levelScale) }
    for format in LogFormat.known { map.add(format) }
    for key in LogFormat.generic { map.bind(key.path, key.field, unit: key.unit, levelScale: key.levelScale) }
    return map
  }()

  /// Only the canonical event shape of DESIGN.md.
  package static let canonical: FieldMap = {
    var map = FieldMap()
    map.add(LogFormat.known.first { $0.name == "canonical" }!)
    return map
  }()
}
