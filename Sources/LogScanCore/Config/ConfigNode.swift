/// A parsed configuration document, independent of the YAML library: the CLI
/// turns YAML into this, and `Configuration` validates it. Lines count from 1.
package indirect enum ConfigNode: Sendable, Equatable {
  case scalar(String, line: Int)
  case mapping([(key: String, line: Int, value: ConfigNode)], line: Int)
  case sequence([ConfigNode], line: Int)
  case null(line: Int)

  package var line: Int {
    switch self {
    case .scalar(_, let line), .mapping(_, let line), .sequence(_, let line), .null(let line): return line
    }
  }

  package var typeName: String {
    switch self {
    case .scalar: return "a value"
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .null: return "nothing"
    }
  }

  package static func == (lhs: ConfigNode, rhs: ConfigNode) -> Bool {
    switch (lhs, rhs) {
    case (.scalar(let a, let la), .scalar(let b, let lb)): return a == b && la == lb
    case (.null(let la), .null(let lb)): return la == lb
    case (.sequence(let a, let la), .sequence(let b, let lb)): return a == b && la == lb
    case (.mapping(let a, let la), .mapping(let b, let lb)):
      return la == lb && a.count == b.count
        && zip(a, b).allSatisfy { $0.key == $1.key && $0.line == $1.line && $0.value == $1.value }
    default: return false
    }
  }
}

/// A mistake in a configuration file: where, what, and how to fix it.
package struct ConfigError: Error, Sendable, Equatable {
  package var file: String
  package var line: Int
  package var problem: String
  package var suggestion: String?

  package var message: String {
    var text = "\(file):\(line): \(problem)"
    if let suggestion { text += ". \(suggestion)" }
    return text
  }
}

/// The closest candidates to a misspelt name, for "Did you mean ...?".
package func closestNames(to name: String, in candidates: [String]) -> [String] {
  func distance(_ a: [Character], _ b: [Character]) -> Int {
    var previous = Array(0...b.count)
    for (i, x) in a.enumerated() {
      var current = [i + 1]
      for (j, y) in b.enumerated() {
        current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
      }
      previous = current
    }
    return previous[b.count]
  }
  let lowered = Array(name.lowercased())
  let scored = candidates.map { ($0, distance(lowered, Array($0.lowercased()))) }
  let best = scored.map(\.1).min() ?? .max
  if best <= max(2, name.count / 3) { return scored.filter { $0.1 == best }.map(\.0) }
  // A short name the key abbreviates or spells out ('expr' for
  // 'expression', 'keep_firing' for 'keep_firing_for').
  let lowerName = name.lowercased()
  return candidates.filter { candidate in
    let lower = candidate.lowercased()
    let (short, long) = lower.count <= lowerName.count ? (lower, lowerName) : (lowerName, lower)
    return short.count >= 4 && long.hasPrefix(short)
  }
}
