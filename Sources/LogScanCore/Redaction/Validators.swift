/// The checks a candidate passes after its shape matched: they are what keeps
/// ids, hashes and counters from being taken for cards, IBANs or addresses.
enum Validators {
  /// The Luhn checksum over ASCII digits.
  static func luhn(_ digits: UnsafeBufferPointer<UInt8>) -> Bool {
    var sum = 0
    var double = false
    for byte in digits.reversed() {
      var d = Int(byte &- 48)
      if double {
        d *= 2
        if d > 9 { d -= 9 }
      }
      sum += d
      double.toggle()
    }
    return sum % 10 == 0
  }

  /// Whether a card number's leading digits and length belong to a card
  /// network (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay,
  /// Maestro). Luhn alone passes one number in ten.
  static func cardNetwork(_ digits: UnsafeBufferPointer<UInt8>) -> Bool {
    let length = digits.count
    func prefix(_ count: Int) -> Int {
      var value = 0
      for i in 0..<count { value = value * 10 + Int(digits[i] &- 48) }
      return value
    }
    switch digits[0] {
    case UInt8(ascii: "4"):  // Visa
      return length == 13 || length == 16 || length == 19
    case UInt8(ascii: "5"):
      let two = prefix(2)
      if (51...55).contains(two) { return length == 16 }  // Mastercard
      return (50...59).contains(two) && (12...19).contains(length)  // Maestro
    case UInt8(ascii: "2"):
      let four = prefix(4)
      return (2221...2720).contains(four) && length == 16  // Mastercard 2-series
    case UInt8(ascii: "3"):
      let two = prefix(2)
      if two == 34 || two == 37 { return length == 15 }  // Amex
      let four = prefix(4)
      if (3528...3589).contains(four) { return (16...19).contains(length) }  // JCB
      let three = prefix(3)
      if (300...305).contains(three) || two == 36 || two == 38 || two == 39 {
        return (14...19).contains(length)  // Diners
      }
      return false
    case UInt8(ascii: "6"):
      // Discover, UnionPay, Maestro, RuPay: the 6 range is all cards.
      return (12...19).contains(length)
    default:
      return false
    }
  }

  /// ISO 13616 check: the IBAN (letters and digits, no spaces) rearranged
  /// and read as a number is 1 mod 97.
  static func ibanChecksum(_ chars: UnsafeBufferPointer<UInt8>) -> Bool {
    var remainder = 0
    func add(_ byte: UInt8) {
      if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
        remainder = (remainder * 10 + Int(byte &- 48)) % 97
      } else {
        let value = Int((byte | 0x20) &- UInt8(ascii: "a")) + 10
        remainder = (remainder * 100 + value) % 97
      }
    }
    for i in 4..<chars.count { add(chars[i]) }
    for i in 0..<4 { add(chars[i]) }
    return remainder == 1
  }

  /// IBAN lengths by country (ISO 13616 registry).
  static func ibanLength(_ a: UInt8, _ b: UInt8) -> Int? {
    ibanLengths[Int(a &- 65) * 26 + Int(b &- 65)].map { Int($0) }
  }

  private static let ibanLengths: [UInt8?] = {
    let table: [(String, UInt8)] = [
      ("AD", 24), ("AE", 23), ("AL", 28), ("AT", 20), ("AZ", 28), ("BA", 20), ("BE", 16), ("BG", 22),
      ("BH", 22), ("BR", 29), ("BY", 28), ("CH", 21), ("CR", 22), ("CY", 28), ("CZ", 24), ("DE", 22),
      ("DK", 18), ("DO", 28), ("EE", 20), ("EG", 29), ("ES", 24), ("FI", 18), ("FO", 18), ("FR", 27),
      ("GB", 22), ("GE", 22), ("GI", 23), ("GL", 18), ("GR", 27), ("GT", 28), ("HR", 21), ("HU", 28),
      ("IE", 22), ("IL", 23), ("IQ", 23), ("IS", 26), ("IT", 27), ("JO", 30), ("KW", 30), ("KZ", 20),
      ("LB", 28), ("LC", 32), ("LI", 21), ("LT", 20), ("LU", 20), ("LV", 21), ("MC", 27), ("MD", 24),
      ("ME", 22), ("MK", 19), ("MR", 27), ("MT", 31), ("MU", 30), ("NL", 18), ("NO", 15), ("PK", 24),
      ("PL", 28), ("PS", 29), ("PT", 25), ("QA", 29), ("RO", 24), ("RS", 22), ("SA", 24), ("SC", 31),
      ("SE", 24), ("SI", 19), ("SK", 24), ("SM", 27), ("ST", 25), ("SV", 28), ("TL", 23), ("TN", 24),
      ("TR", 26), ("UA", 29), ("VA", 22), ("VG", 24), ("XK", 20),
    ]
    var lengths = [UInt8?](repeating: nil, count: 26 * 26)
    for (country, length) in table {
      let bytes = Array(country.utf8)
      lengths[Int(bytes[0] - 65) * 26 + Int(bytes[1] - 65)] = length
    }
    return lengths
  }()

  /// US SSN rules: area not 000, 666 or 900-999; group not 00; serial not 0000.
  static func ssn(area: Int, group: Int, serial: Int) -> Bool {
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
  }
}
