/// Recognises change events (deploys, configuration changes, restarts) by
/// keywords in their `action` or `message`, on bytes, ignoring ASCII case.
package struct ChangeMatcher: Sendable {
  private let actions: KeywordSet
  private let keywords: KeywordSet
  /// Actions repeat: the answer for recently seen ones, direct-mapped.
  private var actionCache: [(key: [UInt8], hit: Bool)?]

  package init(_ settings: TimelineSettings) {
    actions = KeywordSet(settings.changeActions)
    keywords = KeywordSet(settings.changeKeywords)
    actionCache = [(key: [UInt8], hit: Bool)?](repeating: nil, count: 256)
  }

  /// Whether an action names a change.
  @inline(__always)
  package mutating func matches(action: UnsafeRawBufferPointer) -> Bool {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in action { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    let slot = Int(hash & 255)
    if let entry = actionCache[slot], entry.key.elementsEqual(action) { return entry.hit }
    let hit = actions.occurs(in: action)
    actionCache[slot] = (Array(action), hit)
    return hit
  }

  /// Whether a message names a change.
  @inline(__always)
  package func matches(message: UnsafeRawBufferPointer) -> Bool { keywords.occurs(in: message) }
}

/// Lower-case keywords found anywhere in a text, ignoring ASCII case.
struct KeywordSet: Sendable {
  /// The keywords by their first byte.
  private let byFirst: [[[UInt8]]]
  private let isEmpty: Bool

  init(_ words: [String]) {
    var table = [[[UInt8]]](repeating: [], count: 256)
    for word in words where !word.isEmpty {
      let bytes = Array(word.lowercased().utf8)
      table[Int(bytes[0])].append(bytes)
    }
    byFirst = table
    isEmpty = words.allSatisfy(\.isEmpty)
  }

  @inline(__always)
  static func lower(_ byte: UInt8) -> UInt8 { asciiLowercased(byte) }

  func occurs(in text: UnsafeRawBufferPointer) -> Bool {
    guard !isEmpty else { return false }
    let count = text.count
    var i = 0
    while i < count {
      let candidates = byFirst[Int(Self.lower(text[i]))]
      if !candidates.isEmpty {
        for word in candidates where word.count <= count - i {
          var j = 1
          while j < word.count && Self.lower(text[i + j]) == word[j] { j += 1 }
          if j == word.count { return true }
        }
      }
      i += 1
    }
    return false
  }
}
