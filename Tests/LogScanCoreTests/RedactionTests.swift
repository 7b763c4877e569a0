import Foundation
import LogGenerator
import LogScanCore
import Testing

/// Values of every kind, as real software writes them. Test-only values: the
/// tokens are the vendors' documented examples or random, never live.
let plantedSecrets: [(SecretKind, String)] = [
  (.email, "jane.doe+billing@example.co.uk"),
  (.email, "ops@mail.example.com"),
  // Real top-level domains that look like systemd unit types.
  (.email, "billing@acme.services"),
  (.email, "ops@store.target"),
  (.phone, "+14155552671"),
  (.phone, "+44 20 7946 0958"),
  (.phone, "(415) 555-2671"),
  (.phone, "415-555-2671"),
  (.phone, "415.555.2671"),
  (.phone, "1 415 555 2671"),
  (.phone, "06 12 34 56 78"),
  (.phone, "020 7946 0958"),
  (.card, "4111 1111 1111 1111"),
  (.card, "5500-0000-0000-0004"),
  (.card, "378282246310005"),
  (.card, "6011111111111117"),
  (.ipv4, "203.0.113.42"),
  (.ipv6, "2001:db8:85a3::8a2e:370:7334"),
  (.ipv6, "fe80::1ff:fe23:4567:890a"),
  (
    .jwt,
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
  ),
  (.awsAccessKey, "AKIAIOSFODNN7EXAMPLE"),
  (.githubToken, "ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
  (.githubToken, "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"),
  (.gitlabToken, "glpat-xY3zAbCdEfGh12345678"),
  (.slackToken, "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
  (.stripeKey, "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
  (.googleAPIKey, "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI"),
  (.openaiKey, "sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90"),
  (.anthropicKey, "sk-ant-api03-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90-xyzAA"),
  (.npmToken, "npm_abcdefghijklmnopqrstuvwxyzABCDEF0123"),
  (.pypiToken, "pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoLWlqa2wtbW5vcC1xcnN0LXV2d3h5ejAxMjM0NTYAAiV7InBlcm1pc3Npb25zIjo"),
  (.sendgridKey, "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"),
  (.twilioKey, "SK0123456789abcdef0123456789abcdef"),
  (.iban, "DE89 3704 0044 0532 0130 00"),
  (.iban, "GB82WEST12345698765432"),
  (.ssn, "123-45-6789"),
]

let cleanText: [String] = [
  "request 123e4567-e89b-12d3-a456-426614174000 done",
  "trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7",
  "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  "at 2026-11-21T10:00:00.123456Z took 12.5ms",
  "1732147200123456789 epoch ns",
  "1732147200123 epoch ms",
  "version 1.2.3 build 10.0.19041.1",
  "GET /api/v1/orders/12345/items?page=2&limit=50 HTTP/1.1",
  "listening on :8080 and localhost:9090",
  "user_id=8675309 order=100234 amount=42.50",
  "mac 00:1a:2b:3c:4d:5e time 10:00:00",
  "class Foo::Bar and ABC::DEF",
  "sk-some-long-kebab-case-name-here",
  "oid 1.3.6.1.4.1.2021",
  "retry 3 of 5, backoff 250ms, queue_depth 1024",
  "snowflake 1541815603606036480",
  "commit a1b2c3d4e5f6 tag v2.14.0",
  "token_type=Bearer expires_in=3600",
  "2026-11-21 10:00:00,123 INFO worker",
  "pid 4242 port 5432 status 503",
  // systemd template units' instances, as the journal names them.
  "Started user@1000.service - User Manager for UID 1000.",
  "getty@tty1.service, systemd-fsck@dev-sda1.service and container@web.scope",
]

@Suite struct ValueDetectorTests {
  let detector = ValueDetector()

  @Test func findsEveryPlantedValueAloneAndInText() {
    for (kind, value) in plantedSecrets {
      for text in [value, "saw \(value) here", "x=\"\(value)\", next", "(\(value))"] {
        let found = detector.findings(in: text)
        let bytes = Array(text.utf8)
        let hit = found.first { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self).contains(value) }
        #expect(hit?.kind == kind, "\(kind) in \(text): \(found)")
      }
    }
  }

  @Test func cleanTextHasNoFindings() {
    for text in cleanText {
      #expect(detector.findings(in: text).isEmpty, "\(text): \(detector.findings(in: text))")
    }
  }

  @Test func validatorsRejectLookalikes() {
    // Right shape, wrong checksum or range.
    for text in [
      "4111 1111 1111 1112", "DE89 3704 0044 0532 0130 01", "999.1.1.1", "000-12-3456", "666-12-3456",
      "1234567890123456",
    ] {
      #expect(detector.findings(in: text).isEmpty, "\(text)")
    }
  }

  @Test func keyValuePairsInText() {
    let cases: [(String, String, SecretKind)] = [
      ("login failed password=hunter2 user=bob", "hunter2", .password),
      ("GET /cb?code=1&access_token=abc.def-123&x=1", "abc.def-123", .token),
      ("Authorization: Bearer abcdef123456", "abcdef123456", .authorization),
      ("{\"password\":\"p@ss w0rd\",\"user\":1", "p@ss w0rd", .password),
      ("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI", .awsSecretKey),
      ("api_key: 'k-123'", "k-123", .apiKey),
    ]
    for (text, secret, kind) in cases {
      let found = detector.findings(in: text)
      let bytes = Array(text.utf8)
      let hit = found.first { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self).contains(secret) }
      #expect(hit?.kind == kind, "\(text): \(found)")
    }
  }

  @Test func urlCredentialsAndPEM() {
    let url = "fetching https://admin:s3cr3t@db.internal:5432/app"
    let found = detector.findings(in: url)
    #expect(found.map(\.kind) == [.urlCredentials])
    let pem = "key -----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY----- done"
    let pemFound = detector.findings(in: pem)
    #expect(pemFound.map(\.kind) == [.pemPrivateKey])
    #expect(String(decoding: Array(pem.utf8)[pemFound[0].end...], as: UTF8.self) == " done")
  }

  @Test func adversarialInputStaysLinear() {
    // Inputs that would make a backtracking matcher slow: long runs of
    // almost-candidates. The scan visits each byte a bounded number of times,
    // so these finish at once (no timing asserted: they would hang otherwise).
    let inputs = [
      String(repeating: "a", count: 200_000) + "@",
      String(repeating: "a@", count: 100_000),
      String(repeating: "1 ", count: 100_000),
      String(repeating: "1.", count: 100_000),
      String(repeating: "::", count: 100_000),
      String(repeating: "password=", count: 50_000),
      String(repeating: "eyJ", count: 100_000),
      String(repeating: "-----BEGIN ", count: 20_000),
      "https://" + String(repeating: "a:", count: 100_000),
      String(repeating: "+1 ", count: 100_000),
    ]
    for text in inputs {
      _ = detector.findings(in: text)
    }
  }
}

@Suite struct LineRedactorTests {
  func redact(_ line: String, _ redactor: Redactor = .standard) -> String {
    var lineRedactor = LineRedactor(redactor: redactor)
    var copy = line
    var scanner = JSONScanner(table: KeyTable())
    let isJSON = copy.withUTF8 { scanner.scan(UnsafeRawBufferPointer($0)) == .object }
    copy.withUTF8 { bytes in
      if isJSON { lineRedactor.redactJSON(bytes, emit: true) } else { lineRedactor.redactText(bytes, emit: true) }
    }
    return String(decoding: lineRedactor.output.dropLast(), as: UTF8.self)
  }

  @Test func sensitiveKeysAnyDepthAndShape() throws {
    let line =
      #"{"user":"bob","password":"hunter2","n":1,"headers":{"Authorization":["Bearer abc"],"X-Api-Key":42,"Cookie":{"a":"b"}},"db_password":null,"token_type":"Bearer","prompt_tokens":12}"#
    let out = redact(line)
    #expect(
      out
        == #"{"user":"bob","password":"[REDACTED:password]","n":1,"headers":{"Authorization":"[REDACTED:authorization]","X-Api-Key":"[REDACTED:api_key]","Cookie":"[REDACTED:cookie]"},"db_password":null,"token_type":"Bearer","prompt_tokens":12}"#
    )
    _ = try JSONSerialization.jsonObject(with: Data(out.utf8))
  }

  @Test func valuesInsideStringsAndEscapes() throws {
    let line =
      #"{"msg":"mail jane@example.com from 203.0.113.9","note":"at\u0040example.com x\/y https:\/\/u:p@h.io\/","pem":"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"}"#
    let out = redact(line)
    #expect(!out.contains("jane@"))
    #expect(!out.contains("203.0.113.9"))
    #expect(!out.contains("AAAA"))
    #expect(out.contains("[REDACTED:email]"))
    #expect(out.contains("[REDACTED:pem_private_key]"))
    #expect(out.contains("https:\\/\\/[REDACTED:url_credentials]@h.io"))
    let object = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: Any]
    #expect(object["note"] as? String == "[REDACTED:email] x/y https://[REDACTED:url_credentials]@h.io/")
  }

  @Test func untouchedLinesAreByteIdentical() {
    let line = #"{ "ts" : "2026-11-21T10:00:00Z", "level":"info", "latency_ms": 12.5e0, "tags":[1,2,{"a":null}] }"#
    #expect(redact(line) == line)
  }

  @Test func malformedLinesAreRedactedAsText() {
    let line = #"{"msg":"to bob@example.com","password":"hunter2","card":"4111111111111111"#
    let out = redact(line)
    #expect(!out.contains("bob@example.com"))
    #expect(!out.contains("hunter2"))
    #expect(!out.contains("4111111111111111"))
  }

  @Test func modes() throws {
    let key = Array("0123456789abcdef0123456789abcdef".utf8)
    let hashing = try Redactor(mode: .hash, hashKey: key)
    let a = redact(#"{"email":"a@example.com"}"#, hashing)
    let b = redact(#"{"msg":"from a@example.com"}"#, hashing)
    let c = redact(#"{"email":"b@example.com"}"#, hashing)
    let tokenA = a.split(separator: "\"")[3]
    #expect(tokenA.hasPrefix("[REDACTED:email:") && tokenA.count == "[REDACTED:email:]".count + 16)
    #expect(b.contains(tokenA))
    #expect(!c.contains(tokenA))
    // Another key, other tokens.
    let other = try Redactor(mode: .hash, hashKey: Array("another key of 16+ bytes".utf8))
    #expect(!redact(#"{"email":"a@example.com"}"#, other).contains(tokenA))

    let partial = try Redactor(mode: .partial)
    #expect(
      redact(#"{"msg":"card 4111 1111 1111 1111 by jo@example.com at 10.0.0.1"}"#, partial)
        == #"{"msg":"card [REDACTED:card:last4=1111] by [REDACTED:email]@example.com at [REDACTED:ipv4]"}"#)

    #expect(throws: Redactor.KeyError.hashNeedsKey) { try Redactor(mode: .hash) }
    let ipOff = try Redactor(modes: [.ipv4: .off])
    #expect(redact(#"{"msg":"10.0.0.1 jo@example.com"}"#, ipOff) == #"{"msg":"10.0.0.1 [REDACTED:email]"}"#)
  }

  @Test func extraKeysAndPrefixes() throws {
    let redactor = try Redactor(
      extraKeys: [("customer_ref", .custom)], prefixes: [PrefixPattern(prefix: "acme_", minLength: 20)])
    #expect(
      redact(#"{"customer_ref":"C-1","msg":"key acme_0123456789abcdef ok"}"#, redactor)
        == #"{"customer_ref":"[REDACTED:custom]","msg":"key [REDACTED:custom] ok"}"#)
  }
}

/// The line redactor against a slow, obvious reference: Foundation parses
/// the line, every key is checked, every string is redacted as text, and
/// the result must equal Foundation's reading of the redactor's output.
@Suite struct LineRedactorReferenceTests {
  static func reference(_ value: Any, key: String?, redactor: Redactor) -> Any {
    let keys = SensitiveKeys()
    switch value {
    case let object as [String: Any]:
      var out: [String: Any] = [:]
      for (k, v) in object {
        let redactedKey = redactor.filter(k)
        var kindOfKey: SecretKind?
        var copy = k
        copy.withUTF8 { kindOfKey = keys.kind(of: $0) }
        if let kind = kindOfKey, !(v is NSNull), (v as? String) != "" {
          out[redactedKey] = "[REDACTED:\(kind.name)]"
        } else {
          out[redactedKey] = reference(v, key: k, redactor: redactor)
        }
      }
      return out
    case let array as [Any]:
      return array.map { reference($0, key: key, redactor: redactor) }
    case let string as String:
      if let key, !string.isEmpty, string.allSatisfy({ $0.isASCII && $0.isNumber }),
        Self.identifierKey(key)
      {
        return string
      }
      return redactor.filter(string)
    default:
      return value
    }
  }

  static func identifierKey(_ key: String) -> Bool {
    let normalized = key.lowercased().filter { $0 != "_" && $0 != "-" && $0 != "." }
    return [
      "id", "ids", "ref", "hash", "digest", "sha", "seq", "sequence", "offset", "nonce", "ts", "timestamp", "time",
      "epoch", "span", "trace", "counter", "version",
    ].contains { normalized.hasSuffix($0) }
  }

  func lines() throws -> [String] {
    var lines: [String] = []
    let formats = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("fixtures/formats")
    for file in try FileManager.default.contentsOfDirectory(atPath: formats.path) where file.hasSuffix(".jsonl") {
      let text = String(decoding: try Data(contentsOf: formats.appendingPathComponent(file)), as: UTF8.self)
      lines += text.split(separator: "\n").map(String.init)
    }
    // Every planted kind, escaped in several ways, at several depths.
    var random = SplitMix64(seed: 3)
    for (kind, value) in plantedSecrets {
      let json = String(data: try JSONSerialization.data(withJSONObject: [value]), encoding: .utf8)!.dropFirst()
        .dropLast()
      let escaped = json.replacingOccurrences(of: "@", with: "\\u0040").replacingOccurrences(of: ".", with: "\\u002e")
      for text in [String(json), escaped] {
        lines.append(
          #"{"msg":"a \#(text.dropFirst().dropLast()) b","k":{"\#(kind.name)_x":[\#(text),1,{"password":\#(text)}]}}"#)
        lines.append(
          #"{"\#(text.dropFirst().dropLast())":true,"spanId":"4111111111111111","n":\#(random.next() % 1000)}"#)
      }
    }
    return lines
  }

  @Test func agreesWithFoundationOnEveryLine() throws {
    let redactor = Redactor.standard
    var lineRedactor = LineRedactor(redactor: redactor)
    var scanner = JSONScanner(table: KeyTable())
    var checked = 0
    for line in try lines() {
      var copy = line
      guard copy.withUTF8({ scanner.scan(UnsafeRawBufferPointer($0)) }) == .object else { continue }
      lineRedactor.output.removeAll()
      copy.withUTF8 { lineRedactor.redactJSON($0, emit: true) }
      let output = Data(lineRedactor.output.dropLast())
      // Lines Foundation does not read (invalid UTF-8 that the scanner
      // repairs) have no reference.
      guard let original = try? JSONSerialization.jsonObject(with: Data(line.utf8)) else { continue }
      let actual = try #require(
        try? JSONSerialization.jsonObject(with: output), "\(String(decoding: output, as: UTF8.self))")
      let expected = Self.reference(original, key: nil, redactor: redactor)
      let canonical = { (value: Any) in
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
      }
      #expect(try canonical(actual) == canonical(expected), "\(line)")
      checked += 1
    }
    #expect(checked > 100)
  }

  @Test func fastPathNeverSkipsALineTheWalkRedacts() throws {
    var configuration = LogGenerator.Configuration()
    configuration.noise = true
    configuration.plantRate = 0.3
    configuration.errorRate = 0.2
    var generator = LogGenerator(configuration)
    var bytes: [UInt8] = []
    for _ in 0..<3000 { generator.appendRequest(to: &bytes) }
    var lines = try self.lines()
    lines += bytes.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
    var walker = LineRedactor(redactor: .standard)
    var scanner = JSONScanner(table: KeyTable())
    var walked = 0
    var withFindings = 0
    for line in lines {
      var copy = line
      guard copy.withUTF8({ scanner.scan(UnsafeRawBufferPointer($0)) }) == .object else { continue }
      let (clean, found) = copy.withUTF8 { bytes in
        walker.redactJSON(bytes, emit: false, fastPath: false)
        return (walker.isCertainlyClean(bytes), walker.found.count)
      }
      walked += 1
      if found > 0 {
        withFindings += 1
        #expect(!clean, "\(line)")
      }
    }
    #expect(walked > 5000)
    #expect(withFindings > 500)
  }
}
