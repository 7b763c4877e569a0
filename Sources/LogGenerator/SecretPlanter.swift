/// Makes secrets and PII of every kind the redactor knows, random but valid
/// (cards pass Luhn, IBANs mod 97, tokens carry their vendors' prefixes), and
/// lines of clean noise that look like them but are not (trace ids, hashes,
/// UUIDs, versions, ports). The benchmark plants them in a corpus and counts
/// what `logscan redact` finds: the truth is what was planted.
public struct SecretPlanter {
  private var random: SplitMix64

  public init(seed: UInt64) { random = SplitMix64(seed: seed &+ 0x5EC2E7) }

  /// The kind names, as logscan reports them.
  public static let kinds = [
    "email", "phone", "card", "ipv4", "ipv6", "jwt", "bearer_token", "basic_auth", "pem_private_key",
    "url_credentials", "aws_access_key", "aws_secret_key", "github_token", "gitlab_token", "slack_token",
    "stripe_key", "google_api_key", "openai_key", "anthropic_key", "npm_token", "pypi_token", "sendgrid_key",
    "twilio_key", "iban", "ssn", "password", "token",
  ]

  /// Kinds whose values are recognised by what surrounds them (the key, a
  /// `Bearer` scheme, `token=`), not by their own shape.
  public static let contextOnly: Set<String> = ["password", "token", "aws_secret_key", "bearer_token", "basic_auth"]

  /// A value of `kind`, and the text of a message or field that holds it:
  /// (JSON members to add to an event, the secret as it appears decoded).
  public mutating func plant(_ kind: String) -> (members: String, secret: String) {
    let value = make(kind)
    switch kind {
    case "password":
      return ("\"password\":\"\(value)\"", value)
    case "token":
      return ("\"message\":\"callback GET /oauth/cb?state=\(digits(6))&access_token=\(value)\"", value)
    case "aws_secret_key":
      return ("\"message\":\"loaded aws_secret_access_key=\(value) from env\"", value)
    case "pem_private_key":
      return ("\"key\":\"\(value.replacingNewlines)\"", value)
    case "bearer_token":
      return ("\"headers\":{\"authorization_header_value\":\"Bearer \(value)\"}", value)
    default:
      let templates = [
        "\"message\":\"value \(value) seen\"",
        "\"detail\":{\"note\":\"(\(value))\"}",
        "\"message\":\"user=\(digits(4)) ref \(value), retrying\"",
      ]
      return (templates[Int(random.next() % UInt64(templates.count))], value)
    }
  }

  mutating func make(_ kind: String) -> String {
    switch kind {
    case "email":
      let domains = ["example.com", "mail.example.org", "corp.example.co.uk", "example.io"]
      return word(5) + pick([".", "_", "+", ""]) + word(4) + "@" + pick(domains)
    case "phone":
      let area = 200 + Int(random.next() % 800)
      let exchange = 200 + Int(random.next() % 800)
      let line = digits(4)
      return pick([
        "+1 \(area) \(exchange) \(line)", "(\(area)) \(exchange)-\(line)", "\(area)-\(exchange)-\(line)",
        "+44 20 \(digits(4)) \(digits(4))", "+4915\(digits(9))", "020 \(digits(4)) \(digits(4))",
      ])
    case "card":
      let (prefix, length) = pick([("4", 16), ("51", 16), ("55", 16), ("34", 15), ("37", 15), ("6011", 16)])
      var number = prefix + digits(length - prefix.count - 1)
      number += String(luhnDigit(number))
      if length == 16 && random.next() % 2 == 0 {
        let separator = pick([" ", "-"])
        let chars = Array(number)
        return stride(from: 0, to: 16, by: 4).map { String(chars[$0..<$0 + 4]) }.joined(separator: separator)
      }
      return number
    case "ipv4":
      return "\(1 + random.next() % 223).\(random.next() % 256).\(random.next() % 256).\(1 + random.next() % 254)"
    case "ipv6":
      let groups = (0..<8).map { _ in String(random.next() % 0x10000, radix: 16) }
      return random.next() % 2 == 0
        ? groups.joined(separator: ":") : "2001:db8::" + groups[5...].joined(separator: ":")
    case "jwt":
      return "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ" + base64URL(40) + "." + base64URL(43)
    case "bearer_token":
      return alnum(8) + digits(4) + alnum(24)
    case "basic_auth":
      return "Basic " + base64URL(8) + "Zz" + digits(2) + "=="
    case "pem_private_key":
      return "-----BEGIN RSA PRIVATE KEY-----\nMIIEow" + base64URL(58) + "\n" + base64URL(64)
        + "\n-----END RSA PRIVATE KEY-----"
    case "url_credentials":
      return pick(["postgres", "https", "redis", "amqp"]) + "://" + word(6) + ":" + alnum(12) + "@"
        + pick(["db.internal", "cache.local", "mq.example.com"]) + ":\(1000 + random.next() % 9000)/x"
    case "aws_access_key":
      return pick(["AKIA", "ASIA"]) + String((0..<16).map { _ in pickChar("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") })
    case "aws_secret_key":
      return String((0..<40).map { _ in pickChar("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+") })
    case "github_token": return pick(["ghp_", "gho_", "ghs_"]) + alnum(36)
    case "gitlab_token": return "glpat-" + base64URL(20)
    case "slack_token": return "xoxb-" + digits(12) + "-" + digits(13) + "-" + alnum(24)
    case "stripe_key": return pick(["sk_live_", "rk_live_", "sk_test_"]) + alnum(24)
    case "google_api_key": return "AIza" + base64URL(35)
    case "openai_key": return "sk-proj-" + alnum(20) + "T3BlbkFJ" + alnum(20)
    case "anthropic_key": return "sk-ant-api03-" + base64URL(93) + "AA"
    case "npm_token": return "npm_" + alnum(36)
    case "pypi_token": return "pypi-AgEIcHlwaS5vcmc" + base64URL(70)
    case "sendgrid_key": return "SG." + base64URL(22) + "." + base64URL(43)
    case "twilio_key": return "SK" + String((0..<32).map { _ in pickChar("0123456789abcdef") })
    case "iban": return iban()
    case "ssn":
      return "\(String(format3: 1 + Int(random.next() % 665)))-\(String(format2: 1 + Int(random.next() % 99)))-"
        + "\(String(format4: 1 + Int(random.next() % 9999)))"
    case "password": return word(4) + "-" + alnum(10)
    case "token": return alnum(16) + digits(4) + alnum(12)
    default: return ""
    }
  }

  /// Fields of clean noise: ids, hashes and numbers that must not be taken
  /// for secrets.
  public mutating func noise() -> String {
    let traceId = hex(32)
    let spanId = hex(16)
    let uuid = "\(hex(8))-\(hex(4))-4\(hex(3))-a\(hex(3))-\(hex(12))"
    let sha = hex(64)
    let epochMillis = 1_770_000_000_000 + Int(random.next() % 10_000_000_000)
    let version = "\(random.next() % 20).\(random.next() % 30).\(random.next() % 100)"
    let build = "10.0.\(10000 + random.next() % 10000).\(random.next() % 1000)"
    let agent =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/\(100 + random.next() % 30).0.\(1000 + random.next() % 6000).\(random.next() % 200) Safari/537.36"
    let order = String(1 + random.next() % 9) + digits(18)  // a snowflake-style id
    return
      "\"traceId\":\"\(traceId)\",\"spanId\":\"\(spanId)\",\"trace\":\"00-\(traceId)-\(spanId)-01\",\"uuid\":\"\(uuid)\",\"sha256\":\"\(sha)\",\"clientTs\":\(epochMillis),\"orderRef\":\"\(order)\",\"build\":\"\(build)\",\"lib\":\"v\(version)\",\"upstream\":\"localhost:\(1024 + random.next() % 60000)\",\"pod\":\"api-\(hex(10))-\(alnum(5).lowercased())\",\"elapsed\":\"\(random.next() % 100000)us\",\"date\":\"2026-11-\(10 + random.next() % 19) 10:\(10 + random.next() % 50):00,123\",\"ua\":\"\(agent)\",\"token_count\":\(random.next() % 4000),\"session_id_hash\":\"\(hex(8))\",\"mac\":\"00:1a:2b:\(hex(2)):\(hex(2)):\(hex(2))\""
  }

  // MARK: Pieces

  private mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
  private mutating func pickChar(_ alphabet: String) -> Character {
    let chars = Array(alphabet)
    return chars[Int(random.next() % UInt64(chars.count))]
  }
  private mutating func digits(_ count: Int) -> String { String((0..<count).map { _ in pickChar("0123456789") }) }
  private mutating func hex(_ count: Int) -> String { String((0..<count).map { _ in pickChar("0123456789abcdef") }) }
  private mutating func word(_ count: Int) -> String {
    String((0..<count).map { _ in pickChar("abcdefghijklmnopqrstuvwxyz") })
  }
  /// Letters of both cases and digits, with at least one of each.
  private mutating func alnum(_ count: Int) -> String {
    let body = (0..<max(count - 3, 0)).map { _ in
      pickChar("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    }
    return String(body) + String(pickChar("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
      + String(pickChar("abcdefghijklmnopqrstuvwxyz"))
      + String(pickChar("0123456789"))
  }
  private mutating func base64URL(_ count: Int) -> String {
    let body = (0..<max(count - 3, 0)).map { _ in
      pickChar("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
    }
    return String(body) + "Xq7"
  }

  private func luhnDigit(_ partial: String) -> Int {
    var sum = 0
    for (index, char) in partial.reversed().enumerated() {
      var d = Int(String(char))!
      if index % 2 == 0 {
        d *= 2
        if d > 9 { d -= 9 }
      }
      sum += d
    }
    return (10 - sum % 10) % 10
  }

  private mutating func iban() -> String {
    let (country, length) = pick([("DE", 22), ("GB", 22), ("FR", 27), ("NL", 18), ("ES", 24)])
    var bban = ""
    if country == "GB" || country == "NL" {
      bban = String((0..<4).map { _ in pickChar("ABCDEFGHIJKLMNOPQRSTUVWXYZ") }) + digits(length - 8)
    } else {
      bban = digits(length - 4)
    }
    // Check digits: 98 - (BBAN + country + "00") mod 97.
    var remainder = 0
    for char in bban + country + "00" {
      if let digit = char.wholeNumberValue {
        remainder = (remainder * 10 + digit) % 97
      } else {
        remainder = (remainder * 100 + Int(char.asciiValue! - 55)) % 97
      }
    }
    let check = 98 - remainder
    let iban = country + (check < 10 ? "0" : "") + String(check) + bban
    if random.next() % 2 == 0 { return iban }
    let chars = Array(iban)
    return stride(from: 0, to: chars.count, by: 4).map { String(chars[$0..<min($0 + 4, chars.count)]) }
      .joined(separator: " ")
  }
}

extension String {
  fileprivate var replacingNewlines: String {
    var out = ""
    for char in self { out += char == "\n" ? "\\n" : String(char) }
    return out
  }

  fileprivate init(format2 value: Int) { self = (value < 10 ? "0" : "") + String(value) }
  fileprivate init(format3 value: Int) { self = String(repeating: "0", count: 3 - String(value).count) + String(value) }
  fileprivate init(format4 value: Int) { self = String(repeating: "0", count: 4 - String(value).count) + String(value) }
}
