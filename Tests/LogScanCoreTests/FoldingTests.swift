import LogGenerator
import LogScanCore
import Testing

func route(_ method: String?, _ path: String) -> String {
  var out: [UInt8] = []
  Array(path.utf8).withUnsafeBytes { pathBytes in
    if let method {
      Array(method.utf8).withUnsafeBytes { RouteFolder.fold(method: $0, path: pathBytes, into: &out) }
    } else {
      RouteFolder.fold(method: nil, path: pathBytes, into: &out)
    }
  }
  return String(decoding: out, as: UTF8.self)
}

func template(_ message: String) -> String {
  var out: [UInt8] = []
  Array(message.utf8).withUnsafeBytes { MessageTemplate.fold($0, into: &out) }
  return String(decoding: out, as: UTF8.self)
}

@Suite struct FoldingTests {
  @Test(arguments: [
    ("GET", "/api/orders/8412", "GET /api/orders/:id"),
    ("get", "/api/orders/8412?expand=items#top", "GET /api/orders/:id"),
    ("GET", "/api/users/3f2a9c1e-8b7d-4e6f-a1b2-c3d4e5f6a7b8/posts", "GET /api/users/:id/posts"),
    ("POST", "/api/payments/9f86d081884c7d65/refund", "POST /api/payments/:id/refund"),
    ("GET", "/api/requests/req_8f2c9a", "GET /api/requests/:id"),
    ("GET", "/v1/files/aGVsbG8td29ybGQtMTIzNDU2Nzg5", "GET /v1/files/:id"),
    ("GET", "/api/v2/health", "GET /api/v2/health"),
    ("GET", "/oauth2/callback", "GET /oauth2/callback"),
    ("GET", "/static/app.js", "GET /static/app.js"),
    ("GET", "/decade/cafe", "GET /decade/cafe"),
    ("GET", "https://example.com:8443/api/orders/12?x=1", "GET /api/orders/:id"),
    ("GET", "", "GET /"),
    ("GET", "/api/users/bob@example.com/orders", "GET /api/users/:id/orders"),
    ("GET", "/api/users/first.last@example.com/orders", "GET /api/users/:id/orders"),
    ("GET", "/static/v1.2/app.js", "GET /static/v1.2/app.js"),
  ])
  func foldsIdSegments(method: String, path: String, expected: String) {
    #expect(route(method, path) == expected)
  }

  @Test func pathWithoutMethod() {
    #expect(route(nil, "/api/orders/1") == "/api/orders/:id")
  }

  /// Routes are cut at 200 bytes while they are written; the result is the
  /// first 200 bytes of the whole route, however the cut falls (in a word,
  /// in an id's `:id`, on a slash).
  @Test func longRoutesAreTheFirst200BytesOfTheWholeRoute() {
    for wordLength in [3, 7, 10, 13] {
      let segments = (0..<60).map { $0 % 3 == 2 ? String($0 * 7919) : String(repeating: "w", count: wordLength) }
      let path = "/" + segments.joined(separator: "/")
      // The whole route, built independently of the folder.
      let whole = "GET /" + segments.map { $0.allSatisfy(\.isNumber) ? ":id" : $0 }.joined(separator: "/")
      #expect(whole.utf8.count > 200)
      #expect(route("GET", path) == String(whole.utf8.prefix(200))!)
    }
  }

  @Test(arguments: [
    (
      "Payment failed for order ord_8812: timeout after 3000 ms",
      "Payment failed for order <id>: timeout after <num> ms"
    ),
    ("User 42 not found.", "User <num> not found."),
    ("connect to 10.0.0.12:5432 failed", "connect to <num>:<num> failed"),
    ("mail to bob@example.com bounced", "mail to <email> bounced"),
    ("key 'user:991' is missing", "key '<str>' is missing"),
    ("can't open \"/tmp/x 1\"", "can't open \"<str>\""),
    ("trace 3f2a9c1e-8b7d-4e6f-a1b2-c3d4e5f6a7b8   failed", "trace <id> failed"),
    ("Session store unavailable", "Session store unavailable"),
    ("retry in 2.5s", "retry in <id>"),
    ("HTTP 503", "HTTP <num>"),
  ])
  func foldsMessagesIntoTemplates(message: String, expected: String) {
    #expect(template(message) == expected)
  }

  @Test func templatesAreBounded() {
    let long = String(repeating: "word ", count: 200)
    #expect(template(long).utf8.count <= MessageTemplate.maxLength)
  }
}

/// The interner's hash reads a key's last bytes with a few wide loads; it
/// must give what the obvious byte-by-byte reading gives, for every length
/// and wherever the key sits in memory.
@Test func internerHashReadsEveryByteOnce() {
  func reference(_ key: [UInt8]) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
    var i = 0
    while i + 8 <= key.count {
      var word: UInt64 = 0
      for k in 0..<8 { word |= UInt64(key[i + k]) << (8 * UInt64(k)) }
      h = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
      h ^= h >> 31
      i += 8
    }
    if i < key.count {
      var tail: UInt64 = 0
      for k in i..<key.count { tail |= UInt64(key[k]) << (8 * UInt64(k - i)) }
      h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
      h ^= h >> 29
    }
    return h &* 0xBF58_476D_1CE4_E5B9 ^ (h >> 32)
  }
  var random = SplitMix64(seed: 11)
  for length in 0..<41 {
    for offset in 0..<8 {
      let memory = (0..<(length + offset + 8)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
      let key = Array(memory[offset..<(offset + length)])
      let hashed = memory.withUnsafeBytes {
        Interner.hash(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + length)]))
      }
      #expect(hashed == reference(key), "length \(length), offset \(offset)")
    }
  }
}

/// The route folder cuts the path into segments in one pass; on random
/// paths (slashes, queries, fragments, schemes, ids, empty segments) it
/// gives what splitting the string with the standard library gives.
@Test func routeSegmentsMatchAStringSplit() {
  func reference(_ method: String, _ path: String) -> String {
    let bytes = Array(path.utf8)
    var end = bytes.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.count
    var start = 0
    if end > 3 && bytes.first != UInt8(ascii: "/") {
      var i = 0
      while i + 2 < end && i < 16 {
        if bytes[i...(i + 2)].elementsEqual("://".utf8) {
          start = i + 3
          while start < end && bytes[start] != UInt8(ascii: "/") { start += 1 }
          break
        }
        i += 1
      }
    }
    if start >= end { end = start }
    let kept = bytes[start..<end]
    guard !kept.isEmpty else { return method + " /" }
    let segments = kept.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map { segment in
      Array(segment).withUnsafeBytes { RouteFolder.isIdentifier($0) } ? Array(":id".utf8) : Array(segment)
    }
    let joined = Array((method + " ").utf8) + Array(segments.joined(separator: [UInt8(ascii: "/")]))
    return String(decoding: joined.prefix(RouteFolder.maxLength), as: UTF8.self)
  }
  let pieces = [
    "/", "/", "/", "?", "#", "api", "42", "req_8f2c9a", "x", "", "9f86d081884c7d65", "a@b", "://", "h:", ".", "-", "_",
    "@", "%41", "3f2a9c1e-8b7d-4e6f-a1b2-c3d4e5f6a7b8", "aGVsbG8td29ybGQtMTIzNDU2Nzg5", "é", "\u{7F}", "Z",
    "orders", "0123456789", "abcdefABCDEF", "usr", "_", "~", "[", "`", "{",
  ]
  var random = SplitMix64(seed: 5)
  for _ in 0..<40000 {
    var path = random.next() % 8 == 0 ? "https://host:1" : ""
    for _ in 0..<Int(random.next() % 20) { path += pieces[Int(random.next() % UInt64(pieces.count))] }
    #expect(route("GET", path) == reference("GET", path), "\(path)")
  }
}

/// Which path segments are ids, on random segments (UUID-shaped ones with a
/// byte changed, hex runs, prefixed ids, bytes at the edges of the letter
/// and digit ranges, non-ASCII), against the rules written out plainly: the
/// folder reads eight bytes at a time and tells a UUID from its counts.
@Test func idSegmentsFollowTheRulesWrittenOutPlainly() {
  func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
  func isLetter(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
  func isHexDigit(_ c: UInt8) -> Bool { isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) }
  let (dash, underscore, at) = (UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "@"))
  func reference(_ s: [UInt8]) -> Bool {
    if s.contains(at) { return true }
    guard s.allSatisfy({ isDigit($0) || isLetter($0) || $0 == dash || $0 == underscore }),
      s.contains(where: isDigit)
    else { return false }
    if s.allSatisfy(isDigit) { return true }
    let dashes = [8, 13, 18, 23]
    if s.count == 36,
      s.indices.allSatisfy({ dashes.contains($0) ? s[$0] == dash : isHexDigit(s[$0]) })
    {
      return true
    }
    if s.count >= 8 && s.allSatisfy(isHexDigit) { return true }
    if let u = s.firstIndex(of: underscore), u > 0, s.count - u - 1 >= 4, !s[..<u].contains(where: isDigit) {
      return true
    }
    return s.count >= 20
  }
  // With the bytes just past each range ("/" and ":" around the digits).
  let alphabet = Array("0123456789abcdefABCDEFgzGZ-_@.~`{[:".utf8) + [0x40, 0x60, 0x7F, 0xC3, 0xA9]
  let hex = Array("0123456789abcdefABCDEF".utf8)
  var random = SplitMix64(seed: 29)
  func pick(_ bytes: [UInt8]) -> UInt8 { bytes[Int(random.next() % UInt64(bytes.count))] }
  for round in 0..<60000 {
    var segment: [UInt8]
    switch round % 4 {
    case 0:
      segment = (0..<36).map { [8, 13, 18, 23].contains($0) ? dash : pick(hex) }
      if random.next() % 2 == 0 { segment[Int(random.next() % 36)] = pick(alphabet) }
    case 1:
      segment = (0..<Int(random.next() % 24)).map { _ in pick(hex) }
    case 2:
      segment = Array("usr".utf8) + [underscore] + (0..<Int(random.next() % 8)).map { _ in pick(hex) }
      if random.next() % 2 == 0 { segment[Int(random.next() % UInt64(segment.count))] = pick(alphabet) }
    default:
      segment = (0..<Int(random.next() % 41)).map { _ in pick(alphabet) }
    }
    let expected = reference(segment)
    #expect(segment.withUnsafeBytes { RouteFolder.isIdentifier($0) } == expected, "\(segment)")
    var out: [UInt8] = []
    ([UInt8(ascii: "/")] + segment).withUnsafeBytes { RouteFolder.fold(method: nil, path: $0, into: &out) }
    let folded = expected ? Array("/:id".utf8) : [UInt8(ascii: "/")] + segment
    #expect(out == folded, "\(segment)")
  }
}
