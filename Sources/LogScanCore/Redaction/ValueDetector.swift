/// One detected value: bytes `start..<end` of the scanned text.
package struct Finding: Sendable, Equatable {
  package var start: Int
  package var end: Int
  package var kind: SecretKind
  /// Where the part `partial` mode shows begins (an email's `@domain`, a
  /// card's last four digits); `end` when nothing may be shown.
  package var keep: Int

  package init(start: Int, end: Int, kind: SecretKind, keep: Int? = nil) {
    self.start = start
    self.end = end
    self.kind = kind
    self.keep = keep ?? end
  }
}

/// A prefix the user names in the config file: a token that starts with it
/// and has at least `minLength` token characters in all is a secret.
package struct PrefixPattern: Sendable, Equatable {
  package var prefix: [UInt8]
  package var minLength: Int

  package init(prefix: String, minLength: Int) {
    self.prefix = Array(prefix.utf8)
    self.minLength = max(minLength, self.prefix.count + 1)
  }
}

/// Finds secrets and PII in text, in one pass over its bytes.
///
/// The scan moves left to right a word at a time. Only a word's first byte
/// and a few punctuation bytes (`@ : = + ( -`) start a closer look, and each
/// look reads a bounded number of bytes ahead, so the scan is linear in the
/// text whatever it holds: there is no backtracking to exploit. A candidate
/// is reported only when its shape matches exactly and its validator passes
/// (Luhn and network prefix for cards, mod 97 for IBANs, octets for IPv4, a
/// digit and the group rules for IPv6), and only at word boundaries, so the
/// digits inside UUIDs, hashes, ids and timestamps are never candidates.
/// Findings come out sorted and never overlap.
package struct ValueDetector: Sendable {
  package let keys: SensitiveKeys
  package let prefixes: [PrefixPattern]
  private let tables: DetectorTables

  package init(keys: SensitiveKeys = SensitiveKeys(), prefixes: [PrefixPattern] = []) {
    self.keys = keys
    self.prefixes = prefixes
    tables = DetectorTables(keys: keys, prefixes: prefixes)
  }

  /// Appends what `text` holds to `findings`.
  package func scan(_ text: UnsafeBufferPointer<UInt8>, into findings: inout [Finding]) {
    withExtendedLifetime(tables) {
      var scan = Scan(t: text, tables: tables.raw)
      scan.run(&findings)
    }
  }

  package func scan(_ text: UnsafeRawBufferPointer, into findings: inout [Finding]) {
    scan(text.assumingMemoryBound(to: UInt8.self), into: &findings)
  }

  /// The findings in a string (tests, reports).
  package func findings(in text: String) -> [Finding] {
    var result: [Finding] = []
    var copy = text
    copy.withUTF8 { scan($0, into: &result) }
    return result
  }

  /// Tables of one's own: a thread's hot loop holds them as raw pointers,
  /// so scanning touches no reference count (shared counts are contended
  /// between cores).
  package func makeTables() -> DetectorTables { DetectorTables(keys: keys, prefixes: prefixes) }
}

/// The detector's lookup tables, in memory of their own.
package final class DetectorTables: @unchecked Sendable {
  package let raw: RawDetectorTables
  private let storage: [UnsafeMutableRawPointer]

  init(keys: SensitiveKeys, prefixes: [PrefixPattern]) {
    func copy<T>(_ array: [T]) -> UnsafeMutablePointer<T> {
      let pointer = UnsafeMutablePointer<T>.allocate(capacity: max(array.count, 1))
      _ = UnsafeMutableBufferPointer(start: pointer, count: array.count).initialize(from: array)
      return pointer
    }
    let classes = copy(C.table)
    let symbols = copy(keys.symbols)
    let next = copy(keys.next)
    let accepts = copy(keys.accepts)
    let patterns = copy(prefixes)
    storage = [
      UnsafeMutableRawPointer(classes), UnsafeMutableRawPointer(symbols), UnsafeMutableRawPointer(next),
      UnsafeMutableRawPointer(accepts),
    ]
    raw = RawDetectorTables(
      classes: classes, symbols: symbols, next: next, accepts: accepts,
      prefixes: UnsafeMutableBufferPointer(start: patterns, count: prefixes.count))
  }

  deinit {
    for pointer in storage { pointer.deallocate() }
    raw.prefixes.deinitialize()
    raw.prefixes.baseAddress?.deallocate()
  }
}

/// Raw pointers into `DetectorTables`, valid while it lives.
package struct RawDetectorTables: @unchecked Sendable {
  let classes: UnsafePointer<UInt8>
  let symbols: UnsafePointer<UInt8>
  let next: UnsafePointer<UInt16>
  let accepts: UnsafePointer<UInt8>
  let prefixes: UnsafeMutableBufferPointer<PrefixPattern>

  init(
    classes: UnsafeMutablePointer<UInt8>, symbols: UnsafeMutablePointer<UInt8>, next: UnsafeMutablePointer<UInt16>,
    accepts: UnsafeMutablePointer<UInt8>, prefixes: UnsafeMutableBufferPointer<PrefixPattern>
  ) {
    self.classes = UnsafePointer(classes)
    self.symbols = UnsafePointer(symbols)
    self.next = UnsafePointer(next)
    self.accepts = UnsafePointer(accepts)
    self.prefixes = prefixes
  }

  /// The kind of secret a key (raw text) holds, or nil.
  @inline(__always)
  package func kind(of key: UnsafeBufferPointer<UInt8>) -> SecretKind? {
    SensitiveKeys.kind(of: key, symbols: symbols, next: next, accepts: accepts)
  }

  /// Appends what `text` holds to `findings`.
  @inline(__always)
  package func scan(_ text: UnsafeBufferPointer<UInt8>, into findings: inout [Finding]) {
    var scan = Scan(t: text, tables: self)
    scan.run(&findings)
  }
}

// MARK: - Byte classes

private enum C {
  static let digit: UInt8 = 1
  static let upper: UInt8 = 2
  static let lower: UInt8 = 4
  static let under: UInt8 = 8
  static let hex: UInt8 = 16
  /// Bytes that start a look when they are not inside a word.
  static let special: UInt8 = 32
  static let word: UInt8 = digit | upper | lower | under
  static let alnum: UInt8 = digit | upper | lower

  static let table: [UInt8] = {
    var table = [UInt8](repeating: 0, count: 256)
    for b in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(b)] = digit | hex }
    for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(b)] = upper }
    for b in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(b)] = lower }
    for b in UInt8(ascii: "A")...UInt8(ascii: "F") { table[Int(b)] |= hex }
    for b in UInt8(ascii: "a")...UInt8(ascii: "f") { table[Int(b)] |= hex }
    table[Int(UInt8(ascii: "_"))] = under
    for b in "@:=+(-".utf8 { table[Int(b)] = special }
    return table
  }()
}

struct Scan {
  let t: UnsafeBufferPointer<UInt8>
  let n: Int
  let tables: RawDetectorTables
  let table: UnsafePointer<UInt8>
  /// Where the last finding ended: look-behinds stop here.
  var floor = 0

  @inline(__always)
  init(t: UnsafeBufferPointer<UInt8>, tables: RawDetectorTables) {
    self.t = t
    n = t.count
    self.tables = tables
    table = tables.classes
  }

  @inline(__always) func cls(_ i: Int) -> UInt8 { i >= 0 && i < n ? table[Int(t[i])] : 0 }
  @inline(__always) func byte(_ i: Int) -> UInt8 { i >= 0 && i < n ? t[i] : 0 }
  @inline(__always) func isDigit(_ i: Int) -> Bool { cls(i) & C.digit != 0 }
  @inline(__always) func isWord(_ i: Int) -> Bool { cls(i) & C.word != 0 }
  @inline(__always) func isAlnum(_ i: Int) -> Bool { cls(i) & C.alnum != 0 }
  @inline(__always) func isHex(_ i: Int) -> Bool { cls(i) & C.hex != 0 }
  @inline(__always) func isUpper(_ i: Int) -> Bool { cls(i) & C.upper != 0 }
  @inline(__always) func isTokenChar(_ i: Int) -> Bool { isWord(i) || byte(i) == UInt8(ascii: "-") }

  /// Numbers must stand alone: not glued to a word, nor to one through a
  /// `-` or `.` (`a456-4266...`, `v1.2.3.4`, `3.14159`).
  func numberStartsAt(_ s: Int) -> Bool {
    if s == 0 { return true }
    if isWord(s - 1) { return false }
    let before = byte(s - 1)
    if before == UInt8(ascii: "-") || before == UInt8(ascii: ".") || before == UInt8(ascii: "+") {
      return !isAlnum(s - 2)
    }
    return true
  }

  func numberEndsAt(_ e: Int) -> Bool {
    if e >= n { return true }
    if isWord(e) { return false }
    let after = byte(e)
    if after == UInt8(ascii: "-") || after == UInt8(ascii: ".") { return !isAlnum(e + 1) }
    return true
  }

  mutating func run(_ out: inout [Finding]) {
    var i = 0
    while i < n {
      let c = table[Int(t[i])]
      if c == 0 {
        i += 1
        continue
      }
      if c & C.word != 0 {
        var end = i + 1
        while end < n && table[Int(t[end])] & C.word != 0 { end += 1 }
        if let found = word(i, end: end) {
          out.append(found)
          floor = found.end
          i = found.end
          continue
        }
        i = end
        continue
      }
      if let found = punctuation(i) {
        out.append(found)
        floor = found.end
        i = found.end
        continue
      }
      i += 1
    }
  }

  // MARK: Words

  /// The word `s..<end` (letters, digits, `_`), and what follows it. Cheap
  /// tests of its first bytes, length and next byte come first: most words
  /// are none of the candidates.
  @inline(__always)
  func word(_ s: Int, end: Int) -> Finding? {
    let first = t[s]
    let next = byte(end)
    if first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") {
      // JSON numbers after a key (`"pid":4242`) hold nothing: a sensitive
      // key's value is taken by the key rule at the `:`.
      if byte(s - 1) == UInt8(ascii: ":") && end - s == digits(s, max: end - s) { return nil }
      if let found = number(s, end: end, next: next) { return found }
      return end - s <= 4 && (next == UInt8(ascii: ":") || next == UInt8(ascii: ".")) ? ipv6(s) : nil
    }
    if let found = knownPrefix(s) { return found }
    if first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z") && isUpper(s + 1) && isDigit(s + 2),
      let found = iban(s)
    {
      return found
    }
    if end - s <= 4 && next == UInt8(ascii: ":") && isHex(s) { return ipv6(s) }
    return nil
  }

  /// A word of digits: which candidates its first run and the byte after
  /// allow.
  @inline(__always)
  func number(_ s: Int, end: Int, next: UInt8) -> Finding? {
    let run = digits(s, max: 20)
    // Glued to letters (`12d3`, `7T00`): part of an id or a timestamp.
    if s + run < end { return nil }
    guard numberStartsAt(s) else { return nil }
    switch next {
    case UInt8(ascii: "."):
      if run <= 3, let found = ipv4(s) { return found }
      return run == 3 ? nationalPhone(s) : nil  // 415.555.2671
    case UInt8(ascii: "-"), UInt8(ascii: " "):
      if run == 3, next == UInt8(ascii: "-"), let found = ssn(s) { return found }
      if (run >= 3 && run <= 6) || run == 15 || run == 16, let found = card(s) { return found }
      if run == 3 || run == 1 || t[s] == UInt8(ascii: "0") { return nationalPhone(s) }
      return nil
    default:
      if run == 15 || run == 16 { return card(s) }
      return nil
    }
  }

  /// Reads up to `max` digits from `i`; returns the count.
  func digits(_ i: Int, max: Int = 32) -> Int {
    var k = 0
    while k < max && isDigit(i + k) { k += 1 }
    return k
  }

  func value(_ i: Int, _ count: Int) -> Int {
    var v = 0
    for k in 0..<count { v = v * 10 + Int(t[i + k] &- 48) }
    return v
  }

  func ipv4(_ s: Int) -> Finding? {
    // `Chrome/105.0.200.150`: a product token's version, not an address.
    // (`http://10.0.0.1` and `/hosts/10.0.0.1` are addresses: the word before
    // the slash follows a slash there.)
    if byte(s - 1) == UInt8(ascii: "/"), isAlnum(s - 2) {
      var w = s - 2
      while w > 0 && isAlnum(w - 1) { w -= 1 }
      let before = byte(w - 1)
      if w == 0 || before == UInt8(ascii: " ") || before == UInt8(ascii: "(") || before == UInt8(ascii: "\"") {
        return nil
      }
    }
    guard let end = dottedQuadEnd(s), numberEndsAt(end) else { return nil }
    return Finding(start: s, end: end, kind: .ipv4)
  }

  func ssn(_ s: Int) -> Finding? {
    guard digits(s, max: 4) == 3, byte(s + 3) == UInt8(ascii: "-"), digits(s + 4, max: 3) == 2,
      byte(s + 6) == UInt8(ascii: "-"), digits(s + 7, max: 5) == 4, numberEndsAt(s + 11),
      Validators.ssn(area: value(s, 3), group: value(s + 4, 2), serial: value(s + 7, 4))
    else { return nil }
    return Finding(start: s, end: s + 11, kind: .ssn)
  }

  /// 13 to 19 digits, in one run or in groups of 3 to 6 split by one kind of
  /// separator (space or dash).
  func card(_ s: Int) -> Finding? {
    var collected: (UInt64, UInt64, UInt64) = (0, 0, 0)
    return withUnsafeMutableBytes(of: &collected) { raw -> Finding? in
      let buffer = raw.bindMemory(to: UInt8.self)
      var count = 0
      var i = s
      var separator: UInt8 = 0
      var lastGroupStart = s
      while true {
        let run = digits(i, max: 20)
        if count + run > 19 { return nil }
        if separator != 0 && (run < 3 || run > 6) { return nil }
        for k in 0..<run { buffer[count + k] = t[i + k] }
        count += run
        lastGroupStart = i
        i += run
        let next = byte(i)
        if (next == UInt8(ascii: " ") || next == UInt8(ascii: "-")) && (separator == 0 || separator == next)
          && isDigit(i + 1)
        {
          if separator == 0 && (run < 3 || run > 6) { return nil }
          separator = next
          i += 1
          continue
        }
        break
      }
      // One unbroken run must be 15 or 16 digits (Amex, and nearly every
      // other card): 13, 17, 18 and 19-digit runs are ids, epoch
      // milliseconds and snowflakes far more often than cards.
      guard count >= 13, numberEndsAt(i), separator != 0 || count == 15 || count == 16 else { return nil }
      let number = UnsafeBufferPointer(rebasing: buffer[0..<count])
      guard Validators.cardNetwork(number), Validators.luhn(number) else { return nil }
      // The last four digits (they may straddle a separator only in odd groupings).
      var keep = i - 4
      if i - lastGroupStart < 4 { keep = i }
      return Finding(start: s, end: i, kind: .card, keep: keep)
    }
  }

  /// North American `415-555-2671`, `415.555.2671`, `1 415 555 2671`, and
  /// trunk-prefixed national numbers `020 7946 0958`, `06 12 34 56 78`.
  func nationalPhone(_ s: Int) -> Finding? {
    var i = s
    if byte(i) == UInt8(ascii: "1"), byte(i + 1) == UInt8(ascii: "-") || byte(i + 1) == UInt8(ascii: " "),
      digits(i + 2, max: 4) == 3
    {
      i += 2
    }
    if digits(i, max: 4) == 3, byte(i) >= UInt8(ascii: "2") {
      let separator = byte(i + 3)
      if separator == UInt8(ascii: "-") || separator == UInt8(ascii: ".") || separator == UInt8(ascii: " "),
        digits(i + 4, max: 4) == 3, byte(i + 4) >= UInt8(ascii: "2"), byte(i + 7) == separator,
        digits(i + 8, max: 5) == 4, numberEndsAt(i + 12)
      {
        return Finding(start: s, end: i + 12, kind: .phone)
      }
      return nil
    }
    // A trunk prefix then a non-zero digit (`020`, `06`, `030`), not the tail
    // of a longer run of digit groups (`DE89 3704 0044 0532 0130 00`).
    guard byte(s) == UInt8(ascii: "0"), isDigit(s + 1), byte(s + 1) != UInt8(ascii: "0") else { return nil }
    if s >= 2, byte(s - 1) == UInt8(ascii: " ") || byte(s - 1) == UInt8(ascii: "-"), isDigit(s - 2) { return nil }
    return groupedDigits(s, total: 10...11, firstGroup: 2...5)
  }

  /// Groups of 2 to 8 digits split by single spaces or dashes (one kind).
  func groupedDigits(_ s: Int, total: ClosedRange<Int>, firstGroup: ClosedRange<Int>) -> Finding? {
    var i = s
    var count = 0
    var groups = 0
    var separator: UInt8 = 0
    while true {
      let run = digits(i, max: 16)
      if groups == 0 && !firstGroup.contains(run) { return nil }
      if groups > 0 && (run < 2 || run > 8) { return nil }
      count += run
      groups += 1
      i += run
      if count > total.upperBound { return nil }
      let next = byte(i)
      if (next == UInt8(ascii: " ") || next == UInt8(ascii: "-")) && (separator == 0 || separator == next)
        && isDigit(i + 1)
      {
        separator = next
        i += 1
        continue
      }
      break
    }
    guard groups >= 2, total.contains(count), numberEndsAt(i) else { return nil }
    return Finding(start: s, end: i, kind: .phone)
  }

  /// IPv6 in full, compressed (`::`) or with an IPv4 tail. At least one
  /// decimal digit and two colons, so `ABC::DEF` and `dead:beef` are words.
  func ipv6(_ s: Int) -> Finding? {
    if s > 0 && (isWord(s - 1) || byte(s - 1) == UInt8(ascii: ":") || byte(s - 1) == UInt8(ascii: ".")) {
      return nil
    }
    var i = s
    var groups = 0
    var compressed = false
    var colons = 0
    var sawDigit = false
    var ipv4Tail = false
    if byte(i) == UInt8(ascii: ":") {
      guard byte(i + 1) == UInt8(ascii: ":") else { return nil }
      compressed = true
      colons = 2
      i += 2
    }
    while groups < 8 {
      var k = 0
      while k < 5 && isHex(i + k) {
        if isDigit(i + k) { sawDigit = true }
        k += 1
      }
      if k == 0 || k > 4 {
        if k > 4 { return nil }
        break
      }
      // An IPv4 tail: d.d.d.d in the last 32 bits.
      if byte(i + k) == UInt8(ascii: "."), groups <= 6 {
        if let tail = dottedQuadEnd(i) {
          ipv4Tail = true
          groups += 2
          i = tail
          sawDigit = true
          break
        }
        return nil
      }
      groups += 1
      i += k
      guard byte(i) == UInt8(ascii: ":") else { break }
      if byte(i + 1) == UInt8(ascii: ":") {
        if compressed { return nil }
        compressed = true
        colons += 2
        i += 2
        if !isHex(i) { break }
        continue
      }
      guard isHex(i + 1) else { break }
      colons += 1
      i += 1
    }
    if compressed { guard groups <= 7 else { return nil } } else { guard groups == 8 else { return nil } }
    guard sawDigit, colons >= 2, !isWord(i), byte(i) != UInt8(ascii: ":") || ipv4Tail else { return nil }
    if byte(i) == UInt8(ascii: "."), isAlnum(i + 1) { return nil }
    return Finding(start: s, end: i, kind: .ipv6)
  }

  /// Where four dot-separated octets (0-255) starting at `start` end.
  func dottedQuadEnd(_ start: Int) -> Int? {
    var i = start
    for octet in 0..<4 {
      let count = digits(i, max: 4)
      guard count >= 1 && count <= 3, value(i, count) <= 255 else { return nil }
      i += count
      if octet < 3 {
        guard byte(i) == UInt8(ascii: ".") else { return nil }
        i += 1
      }
    }
    return i
  }

  /// `DE89 3704 0044 0532 0130 00` or `DE89370400440532013000`: a country's
  /// length, then mod 97.
  func iban(_ s: Int) -> Finding? {
    guard isUpper(s + 1), isDigit(s + 2), isDigit(s + 3),
      let length = Validators.ibanLength(t[s], t[s + 1])
    else { return nil }
    if s > 0 && isAlnum(s - 1) { return nil }
    var chars: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    return withUnsafeMutableBytes(of: &chars) { raw -> Finding? in
      let buffer = raw.bindMemory(to: UInt8.self)
      var count = 0
      var i = s
      var spaced = false
      while count < length {
        if isAlnum(i) {
          buffer[count] = t[i]
          count += 1
          i += 1
        } else if byte(i) == UInt8(ascii: " ") && count % 4 == 0 && count > 0 && isAlnum(i + 1)
          && (spaced || count == 4)
        {
          spaced = true
          i += 1
        } else {
          return nil
        }
      }
      guard !isAlnum(i) else { return nil }
      let iban = UnsafeBufferPointer(rebasing: buffer[0..<count])
      for k in 4..<count where !(iban[k] >= 48 && iban[k] <= 57) && !(iban[k] >= 65 && iban[k] <= 90) {
        return nil
      }
      guard Validators.ibanChecksum(iban) else { return nil }
      return Finding(start: s, end: i, kind: .iban)
    }
  }

  // MARK: Published token prefixes

  func has(_ literal: StaticString, at i: Int) -> Bool {
    let count = literal.utf8CodeUnitCount
    guard i + count <= n else { return false }
    let p = literal.utf8Start
    for k in 0..<count where t[i + k] != p[k] { return false }
    return true
  }

  func hasIgnoringCase(_ literal: StaticString, at i: Int) -> Bool {
    let count = literal.utf8CodeUnitCount
    guard i + count <= n else { return false }
    let p = literal.utf8Start
    for k in 0..<count where t[i + k] | 0x20 != p[k] | 0x20 { return false }
    return true
  }

  /// The number of bytes from `i` that satisfy `accept`, up to `max`.
  func run(_ i: Int, max: Int = 4096, _ accept: (UInt8) -> Bool) -> Int {
    var k = 0
    while k < max && i + k < n && accept(t[i + k]) { k += 1 }
    return k
  }

  static func alnum(_ b: UInt8) -> Bool { C.table[Int(b)] & C.alnum != 0 }
  static func base64URL(_ b: UInt8) -> Bool { C.table[Int(b)] & C.word != 0 || b == UInt8(ascii: "-") }
  static func hexDigit(_ b: UInt8) -> Bool { C.table[Int(b)] & C.hex != 0 }
  static func upperBase32(_ b: UInt8) -> Bool {
    (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || (b >= UInt8(ascii: "2") && b <= UInt8(ascii: "7"))
  }

  /// A token of `prefix` then `body` characters: exactly `exact`, or at least `min`.
  func token(
    _ s: Int, prefixLength: Int, min: Int, exact: Bool = false, kind: SecretKind,
    _ body: (UInt8) -> Bool
  ) -> Finding? {
    let count = run(s + prefixLength, body)
    guard exact ? count == min : count >= min else { return nil }
    let end = s + prefixLength + count
    guard !isTokenChar(end) || (exact && !isAlnum(end)) else { return nil }
    return Finding(start: s, end: end, kind: kind)
  }

  func knownPrefix(_ s: Int) -> Finding? {
    let pair = UInt16(t[s]) << 8 | UInt16(byte(s + 1))
    switch pair {
    case 0x4149:  // AI
      if has("AIza", at: s) {
        return token(s, prefixLength: 4, min: 35, exact: true, kind: .googleAPIKey, Self.base64URL)
      }
      return awsAccessKey(s)
    case 0x414B, 0x4153, 0x4147, 0x4152, 0x414E, 0x4142, 0x4143:  // AK AS AG AR AN AB AC
      return awsAccessKey(s)
    case 0x6768:  // gh
      if byte(s + 3) == UInt8(ascii: "_"), "pousr".utf8.contains(byte(s + 2)) {
        return token(s, prefixLength: 4, min: 36, kind: .githubToken, Self.alnum)
      }
    case 0x6769:  // gi
      if has("github_pat_", at: s) { return token(s, prefixLength: 11, min: 22, kind: .githubToken, Self.base64URL) }
    case 0x676C:  // gl
      if has("glpat-", at: s) || has("glptt-", at: s) || has("gloas-", at: s) {
        return token(s, prefixLength: 6, min: 20, kind: .gitlabToken, Self.base64URL)
      }
      if has("gldt-", at: s) || has("glrt-", at: s) {
        return token(s, prefixLength: 5, min: 20, kind: .gitlabToken, Self.base64URL)
      }
    case 0x786F:  // xo
      if has("xox", at: s), "abposr".utf8.contains(byte(s + 3)), byte(s + 4) == UInt8(ascii: "-") {
        return token(s, prefixLength: 5, min: 10, kind: .slackToken, Self.base64URL)
      }
    case 0x7861:  // xa
      if has("xapp-", at: s) { return token(s, prefixLength: 5, min: 10, kind: .slackToken, Self.base64URL) }
    case 0x736B:  // sk
      if has("sk_live_", at: s) || has("sk_test_", at: s) {
        return token(s, prefixLength: 8, min: 16, kind: .stripeKey, Self.alnum)
      }
      if has("sk-ant-", at: s) { return token(s, prefixLength: 7, min: 20, kind: .anthropicKey, Self.base64URL) }
      if has("sk-", at: s) { return openAI(s) }
    case 0x726B:  // rk
      if has("rk_live_", at: s) || has("rk_test_", at: s) {
        return token(s, prefixLength: 8, min: 16, kind: .stripeKey, Self.alnum)
      }
    case 0x7768:  // wh
      if has("whsec_", at: s) { return token(s, prefixLength: 6, min: 24, kind: .stripeKey, Self.alnum) }
    case 0x6E70:  // np
      if has("npm_", at: s) { return token(s, prefixLength: 4, min: 36, exact: true, kind: .npmToken, Self.alnum) }
    case 0x7079:  // py
      if has("pypi-AgEIcHlwaS5vcmc", at: s) {
        return token(s, prefixLength: 20, min: 50, kind: .pypiToken, Self.base64URL)
      }
    case 0x5347:  // SG
      if has("SG.", at: s) { return sendgrid(s) }
    case 0x534B:  // SK
      return token(s, prefixLength: 2, min: 32, exact: true, kind: .twilioKey, Self.hexDigit)
    case 0x6579:  // ey
      if has("eyJ", at: s) { return jwt(s) }
    case 0x4265, 0x4245, 0x6265, 0x6245:  // Be BE be bE
      if hasIgnoringCase("bearer ", at: s) { return credential(s, schemeLength: 7, kind: .bearerToken) }
    case 0x4261, 0x4241, 0x6261, 0x6241:  // Ba BA ba bA
      if hasIgnoringCase("basic ", at: s) { return credential(s, schemeLength: 6, kind: .basicAuth) }
    default:
      break
    }
    return tables.prefixes.isEmpty ? nil : customPrefix(s)
  }

  func awsAccessKey(_ s: Int) -> Finding? {
    guard
      has("AKIA", at: s) || has("ASIA", at: s) || has("AGPA", at: s) || has("AIDA", at: s) || has("AROA", at: s)
        || has("AIPA", at: s) || has("ANPA", at: s) || has("ANVA", at: s) || has("ABIA", at: s)
        || has("ACCA", at: s)
    else { return nil }
    return token(s, prefixLength: 4, min: 16, exact: true, kind: .awsAccessKey, Self.upperBase32)
  }

  func customPrefix(_ s: Int) -> Finding? {
    for pattern in tables.prefixes where t[s] == pattern.prefix[0] {
      if pattern.prefix.withUnsafeBufferPointer({ p in
        s + p.count <= n && (0..<p.count).allSatisfy { t[s + $0] == p[$0] }
      }) {
        let body = run(s + pattern.prefix.count, Self.base64URL)
        if pattern.prefix.count + body >= pattern.minLength {
          return Finding(start: s, end: s + pattern.prefix.count + body, kind: .custom)
        }
      }
    }
    return nil
  }

  /// `sk-`, `sk-proj-`, `sk-svcacct-`: a long token of mixed case and digits
  /// (so a kebab-case `sk-some-long-name` is not one).
  func openAI(_ s: Int) -> Finding? {
    let count = run(s + 3, Self.base64URL)
    guard count >= 20, !isTokenChar(s + 3 + count) else { return nil }
    var kinds: UInt8 = 0
    for k in 0..<count { kinds |= C.table[Int(t[s + 3 + k])] }
    guard kinds & C.digit != 0, kinds & C.upper != 0, kinds & C.lower != 0 else { return nil }
    return Finding(start: s, end: s + 3 + count, kind: .openaiKey)
  }

  func sendgrid(_ s: Int) -> Finding? {
    let first = run(s + 3, Self.base64URL)
    guard first == 22, byte(s + 25) == UInt8(ascii: ".") else { return nil }
    let second = run(s + 26, Self.base64URL)
    guard second == 43 else { return nil }
    return Finding(start: s, end: s + 69, kind: .sendgridKey)
  }

  /// Three base64url segments, the first two JSON objects (`eyJ`).
  func jwt(_ s: Int) -> Finding? {
    let header = run(s, Self.base64URL)
    guard header >= 10, byte(s + header) == UInt8(ascii: "."), has("eyJ", at: s + header + 1) else { return nil }
    let payloadStart = s + header + 1
    let payload = run(payloadStart, Self.base64URL)
    guard payload >= 10, byte(payloadStart + payload) == UInt8(ascii: ".") else { return nil }
    let signatureStart = payloadStart + payload + 1
    let signature = run(signatureStart, Self.base64URL)
    return Finding(start: s, end: signatureStart + signature, kind: .jwt)
  }

  /// `Bearer <token>` / `Basic <base64>`: the scheme stays, the credential goes.
  func credential(_ s: Int, schemeLength: Int, kind: SecretKind) -> Finding? {
    var start = s + schemeLength
    while byte(start) == UInt8(ascii: " ") { start += 1 }
    // RFC 6750 token68: base64-ish, `=` only as trailing padding.
    var count = run(start) { b in
      C.table[Int(b)] & C.word != 0 || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "~")
        || b == UInt8(ascii: "+") || b == UInt8(ascii: "/")
    }
    while byte(start + count) == UInt8(ascii: "=") { count += 1 }
    guard count >= 8, !isWord(start + count) else { return nil }
    // A word (`Bearer realm`, `basic validation`) is not a credential: it
    // needs a digit, or both cases.
    var kinds: UInt8 = 0
    for k in 0..<count { kinds |= C.table[Int(t[start + k])] }
    guard kinds & C.digit != 0 || (kinds & C.upper != 0 && kinds & C.lower != 0) else { return nil }
    return Finding(start: start, end: start + count, kind: kind)
  }

  // MARK: Punctuation

  mutating func punctuation(_ i: Int) -> Finding? {
    switch t[i] {
    case UInt8(ascii: "@"): return email(at: i)
    case UInt8(ascii: ":"):
      if byte(i + 1) == UInt8(ascii: "/") && byte(i + 2) == UInt8(ascii: "/") { return urlCredentials(i + 3) }
      if byte(i + 1) == UInt8(ascii: ":") {
        if i > 0 && (isHex(i - 1) || byte(i - 1) == UInt8(ascii: ":")) { return nil }
        return ipv6(i)
      }
      return keyValue(separator: i)
    case UInt8(ascii: "="): return keyValue(separator: i)
    case UInt8(ascii: "+"): return internationalPhone(i)
    case UInt8(ascii: "("): return parenthesizedPhone(i)
    case UInt8(ascii: "-"): return has("-----BEGIN ", at: i) ? pem(i) : nil
    default: return nil
    }
  }

  @inline(__always) func localPart(_ b: UInt8) -> Bool {
    table[Int(b)] & C.word != 0 || b == UInt8(ascii: ".") || b == UInt8(ascii: "%") || b == UInt8(ascii: "+")
      || b == UInt8(ascii: "-")
  }

  func email(at index: Int) -> Finding? {
    let at = index
    var start = at
    while start > floor && at - start < 64 && localPart(t[start - 1]) { start -= 1 }
    while start < at && (t[start] == UInt8(ascii: ".") || t[start] == UInt8(ascii: "-")) { start += 1 }
    guard start < at else { return nil }
    // Domain: labels of letters, digits and dashes; at least one dot; the last label letters only.
    var i = at + 1
    var labels = 0
    var lastLabelStart = i
    while true {
      let label = run(i, max: 63) { C.table[Int($0)] & C.alnum != 0 || $0 == UInt8(ascii: "-") }
      guard label > 0 else { break }
      labels += 1
      lastLabelStart = i
      i += label
      if byte(i) == UInt8(ascii: "."), isAlnum(i + 1) {
        i += 1
        continue
      }
      break
    }
    guard labels >= 2 else { return nil }
    let tld = i - lastLabelStart
    guard tld >= 2 else { return nil }
    for k in lastLabelStart..<i where cls(k) & (C.upper | C.lower) == 0 { return nil }
    // A systemd template unit's instance (`user@1000.service`,
    // `getty@tty1.service`): no such top-level domain exists.
    if isUnitType(lastLabelStart, i) { return nil }
    return Finding(start: start, end: i, kind: .email, keep: at)
  }

  /// Whether `t[start..<end]` is a systemd unit type that no top-level
  /// domain is named (`target` is one: it stays an email).
  private func isUnitType(_ start: Int, _ end: Int) -> Bool {
    guard end - start >= 4 && end - start <= 9 else { return false }
    let label = UnsafeBufferPointer(rebasing: t[start..<end])
    return Self.unitTypes.contains { $0.elementsEqual(label) }
  }

  private static let unitTypes: [[UInt8]] = [
    "service", "socket", "device", "mount", "automount", "swap", "path", "timer", "slice", "scope",
  ].map { Array($0.utf8) }

  /// `scheme://user:password@host`: the user information goes (a long user
  /// name alone is a token too: `https://<token>@github.com`).
  func urlCredentials(_ start: Int) -> Finding? {
    var i = start
    var colon = false
    while i < n && i - start < 512 {
      let b = t[i]
      if b == UInt8(ascii: "@") { break }
      if b == UInt8(ascii: "/") || b == UInt8(ascii: "?") || b == UInt8(ascii: "#") || b <= 0x20
        || b == UInt8(ascii: "\"") || b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "\\")
      {
        return nil
      }
      if b == UInt8(ascii: ":") { colon = true }
      i += 1
    }
    guard i < n, t[i] == UInt8(ascii: "@"), i > start, colon || i - start >= 16 else { return nil }
    return Finding(start: start, end: i, kind: .urlCredentials)
  }

  /// `password=...`, `?token=...&`, `api_key: ...`, `"secret":"..."` in text:
  /// a sensitive key name right before `=` or `:` takes the value after it.
  func keyValue(separator: Int) -> Finding? {
    // `"key" : value`, `key=value`: spaces and one closing quote before the separator.
    var end = separator
    while end > floor && t[end - 1] == UInt8(ascii: " ") { end -= 1 }
    let before = byte(end - 1)
    if before == UInt8(ascii: "\"") || before == UInt8(ascii: "'") { end -= 1 }
    guard end > floor else { return nil }
    // The trie walks back from the separator and stops at the first byte no
    // name has: the key is whatever ends with a sensitive name.
    guard let kind = tables.kind(of: UnsafeBufferPointer(rebasing: t[floor..<end])) else { return nil }
    return valueAfter(separator + 1, kind: kind)
  }

  /// The value that starts at `i` (after spaces): a quoted string to its
  /// closing quote, a bracketed value to its matching bracket, or a bare word
  /// (with the credential after an auth scheme: `Bearer abc`).
  func valueAfter(_ from: Int, kind: SecretKind) -> Finding? {
    var i = from
    while byte(i) == UInt8(ascii: " ") { i += 1 }
    guard i < n else { return nil }
    let first = t[i]
    if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'")
      || (first == UInt8(ascii: "\\") && byte(i + 1) == UInt8(ascii: "\""))
    {
      // A quoted value (also `\"...\"` inside an escaped JSON string).
      let escapedQuote = first == UInt8(ascii: "\\")
      let start = i + (escapedQuote ? 2 : 1)
      var k = start
      while k < n {
        let b = t[k]
        if escapedQuote {
          if b == UInt8(ascii: "\\") && byte(k + 1) == UInt8(ascii: "\"") { break }
          if b == UInt8(ascii: "\\") { k += 2; continue }
        } else {
          if b == first { break }
          if b == UInt8(ascii: "\\") { k += 2; continue }
        }
        k += 1
      }
      k = min(k, n)
      guard k > start else { return nil }
      return Finding(start: start, end: k, kind: kind)
    }
    if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
      var depth = 0
      var k = i
      var inString = false
      while k < n {
        let b = t[k]
        if inString {
          if b == UInt8(ascii: "\\") { k += 2; continue }
          if b == UInt8(ascii: "\"") { inString = false }
        } else if b == UInt8(ascii: "\"") {
          inString = true
        } else if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
          depth += 1
        } else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
          depth -= 1
          if depth == 0 {
            k += 1
            break
          }
        }
        k += 1
      }
      return Finding(start: i, end: min(k, n), kind: kind)
    }
    var start = i
    if hasIgnoringCase("bearer ", at: i) || hasIgnoringCase("basic ", at: i) || hasIgnoringCase("token ", at: i)
      || hasIgnoringCase("digest ", at: i)
    {
      while byte(start) != UInt8(ascii: " ") { start += 1 }
      while byte(start) == UInt8(ascii: " ") { start += 1 }
    }
    var k = start
    while k < n {
      let b = t[k]
      if b <= 0x20 || b == UInt8(ascii: "&") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'")
        || b == UInt8(ascii: ",") || b == UInt8(ascii: ";") || b == UInt8(ascii: ")") || b == UInt8(ascii: "}")
        || b == UInt8(ascii: "]") || b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "#")
        || (b == UInt8(ascii: "\\") && byte(k + 1) == UInt8(ascii: "\""))
      {
        break
      }
      k += 1
    }
    guard k > start else { return nil }
    return Finding(start: start, end: k, kind: kind)
  }

  /// `+14155552671`, `+44 20 7946 0958`, `+1 (415) 555-2671`: 8 to 15 digits.
  func internationalPhone(_ plus: Int) -> Finding? {
    guard isDigit(plus + 1), plus == 0 || !isAlnum(plus - 1) else { return nil }
    var i = plus + 1
    var count = 0
    var groups = 0
    while true {
      let run = digits(i, max: 16)
      guard run > 0 else { return nil }
      count += run
      groups += 1
      i += run
      if count > 15 { return nil }
      let next = byte(i)
      if next == UInt8(ascii: " ") || next == UInt8(ascii: "-") || next == UInt8(ascii: ".") {
        if isDigit(i + 1) {
          i += 1
          continue
        }
        if byte(i + 1) == UInt8(ascii: "("), isDigit(i + 2) {
          i += 2
          let inner = digits(i, max: 5)
          guard inner > 0, byte(i + inner) == UInt8(ascii: ")") else { return nil }
          count += inner
          i += inner + 1
          if byte(i) == UInt8(ascii: " ") || byte(i) == UInt8(ascii: "-") { i += 1 }
          guard isDigit(i) else { return nil }
          continue
        }
      }
      break
    }
    guard count >= 8, numberEndsAt(i) else { return nil }
    // A single run of digits after `+` is E.164; grouped ones need a short country code.
    return Finding(start: plus, end: i, kind: .phone)
  }

  /// `(415) 555-2671`
  func parenthesizedPhone(_ open: Int) -> Finding? {
    guard open == 0 || !isAlnum(open - 1), digits(open + 1, max: 4) == 3, byte(open + 4) == UInt8(ascii: ")")
    else { return nil }
    var i = open + 5
    if byte(i) == UInt8(ascii: " ") { i += 1 }
    let separator = byte(i + 3)
    guard digits(i, max: 4) == 3, separator == UInt8(ascii: "-") || separator == UInt8(ascii: "."),
      digits(i + 4, max: 5) == 4, numberEndsAt(i + 8)
    else { return nil }
    return Finding(start: open, end: i + 8, kind: .phone)
  }

  /// A PEM private key block to its END line (or to the end of the text when
  /// it was cut).
  func pem(_ start: Int) -> Finding? {
    let headerEnd = min(n, start + 80)
    var isPrivate = false
    var k = start + 11
    while k + 11 <= headerEnd {
      if has("PRIVATE KEY", at: k) {
        isPrivate = true
        break
      }
      if t[k] == UInt8(ascii: "-") { break }
      k += 1
    }
    guard isPrivate else { return nil }
    var i = k + 11
    while i < n {
      if t[i] == UInt8(ascii: "-"), has("-----END ", at: i) {
        var e = i + 9
        while e < n && t[e] != UInt8(ascii: "-") && e - i < 80 { e += 1 }
        while e < n && t[e] == UInt8(ascii: "-") { e += 1 }
        return Finding(start: start, end: e, kind: .pemPrivateKey)
      }
      i += 1
    }
    return Finding(start: start, end: n, kind: .pemPrivateKey)
  }
}
