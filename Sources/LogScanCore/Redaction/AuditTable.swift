/// Where secrets and PII were found: counts per kind, and per kind, service
/// and field with the first line of each, so a team can find the logging
/// call that leaks. Never holds a value. Mergeable like every aggregate.
package struct AuditTable: Sendable {
  package struct Key: Hashable, Sendable {
    package var kind: SecretKind
    package var service: String
    package var field: String
  }

  /// A place in the plan: unit order, then line in the unit, is input order.
  package struct Place: Sendable, Comparable {
    package var input: Int
    package var unit: Int
    package var line: Int

    package static func < (a: Place, b: Place) -> Bool { (a.unit, a.line) < (b.unit, b.line) }
  }

  package struct Entry: Sendable {
    package var count = 0
    package var first: Place
  }

  package var byKind = [Int](repeating: 0, count: SecretKind.allCases.count)
  /// Lines with at least one finding.
  package var lines = 0
  package var entries: [Key: Entry] = [:]
  /// Findings counted by kind but not placed: the table was full.
  package var unplaced = 0
  package let maxEntries: Int

  package init(maxEntries: Int = 4096) {
    self.maxEntries = maxEntries
  }

  package var total: Int { byKind.reduce(0, +) }

  package mutating func add(_ kind: SecretKind, service: String, field: String, at place: Place) {
    byKind[kind.index] += 1
    let key = Key(kind: kind, service: service, field: field)
    if var entry = entries[key] {
      entry.count += 1
      if place < entry.first { entry.first = place }
      entries[key] = entry
    } else if entries.count < maxEntries {
      entries[key] = Entry(count: 1, first: place)
    } else {
      unplaced += 1
    }
  }

  package mutating func merge(_ other: AuditTable) {
    for i in byKind.indices { byKind[i] += other.byKind[i] }
    lines += other.lines
    unplaced += other.unplaced
    for (key, entry) in other.entries {
      if var mine = entries[key] {
        mine.count += entry.count
        if entry.first < mine.first { mine.first = entry.first }
        entries[key] = mine
      } else if entries.count < maxEntries {
        entries[key] = entry
      } else {
        unplaced += entry.count
      }
    }
  }
}
