/// Timestamps as UTC nanoseconds since the Unix epoch.
package enum Timestamp {
  /// Reads RFC 3339 / ISO 8601 date-times: `2026-02-07T10:30:00.123456789Z`,
  /// a space instead of `T`, any number of fraction digits (beyond 9 are
  /// truncated), `Z` or a `±HH:MM` / `±HHMM` / `±HH` offset (after a space,
  /// too), then optionally a zone name (see `zoneName`). A missing offset is
  /// read as UTC.
  package static func parseRFC3339(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
    var cache = DateCache()
    return parseRFC3339(p, n, cache: &cache)
  }

  /// Remembers the date and time to the second of the last timestamp
  /// read: consecutive log lines almost always share the day, and most
  /// share the second, so the calendar arithmetic runs once a day and the
  /// clock is read once a second; only the fraction and offset are read
  /// for every line.
  package struct DateCache {
    /// Bytes 0-7, 8-15 and 15-18 of the last timestamp read.
    var first: UInt64 = 0
    var second: UInt64 = 0
    var third: UInt32 = 0
    /// Its day, and its seconds since 1970 before the offset (`.min`: none).
    var days = Int.min
    var local = Int64.min
    package init() {}
  }

  /// `parseRFC3339` with the date and time to the second cached.
  @inline(__always)
  package static func parseRFC3339(_ p: UnsafePointer<UInt8>, _ n: Int, cache: inout DateCache) -> Int64? {
    guard n >= 19 else { return nil }
    let raw = UnsafeRawPointer(p)
    let first = raw.loadUnaligned(as: UInt64.self)
    let second = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
    let third = raw.loadUnaligned(fromByteOffset: 15, as: UInt32.self)
    if cache.local != .min && first == cache.first && second == cache.second && third == cache.third {
      return parseRest(p, n, local: cache.local)
    }
    // The date is bytes 0-9: the first word and two bytes of the second.
    let days: Int
    if cache.days != Int.min && first == cache.first
      && UInt16(truncatingIfNeeded: second) == UInt16(truncatingIfNeeded: cache.second)
    {
      days = cache.days
    } else {
      guard let parsed = parseDate(p) else { return nil }
      days = parsed
    }
    guard let clock = parseClock(p) else { return nil }
    let local = Int64(days) * 86400 + Int64(clock)
    (cache.first, cache.second, cache.third, cache.days, cache.local) = (first, second, third, days, local)
    return parseRest(p, n, local: local)
  }

  private static func parseDate(_ p: UnsafePointer<UInt8>) -> Int? {
    @inline(__always) func digits(_ at: Int, _ count: Int) -> Int? { decimalDigits(p, at, count) }
    guard let year = digits(0, 4), p[4] == UInt8(ascii: "-"), let month = digits(5, 2),
      p[7] == UInt8(ascii: "-"), let day = digits(8, 2),
      month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
    else { return nil }
    return daysFromCivil(year, month, day)
  }

  /// The time of day of bytes 10-18 (`T` or a space, then `HH:MM:SS`), in
  /// seconds; a leap second is read as :59.
  @inline(__always)
  private static func parseClock(_ p: UnsafePointer<UInt8>) -> Int? {
    @inline(__always) func digits(_ at: Int, _ count: Int) -> Int? { decimalDigits(p, at, count) }
    guard p[10] == UInt8(ascii: "T") || p[10] == UInt8(ascii: "t") || p[10] == UInt8(ascii: " "),
      let hour = digits(11, 2), p[13] == UInt8(ascii: ":"), let minute = digits(14, 2),
      p[16] == UInt8(ascii: ":"), let second = digits(17, 2)
    else { return nil }
    guard hour <= 23 && minute <= 59 && second <= 60 else { return nil }
    return hour * 3600 + minute * 60 + min(second, 59)
  }

  /// What a fraction of `digits` digits (1...9) is multiplied by to be nanoseconds.
  @inline(__always)
  private static func nanosecondScale(digits: Int) -> Int64 {
    switch digits {
    case 1: return 100_000_000
    case 2: return 10_000_000
    case 3: return 1_000_000
    case 4: return 100_000
    case 5: return 10_000
    case 6: return 1_000
    case 7: return 100
    case 8: return 10
    default: return 1
    }
  }

  /// What follows the seconds (a fraction, an offset, a zone name), with
  /// `local` the seconds since 1970 the date and clock read.
  private static func parseRest(_ p: UnsafePointer<UInt8>, _ n: Int, local: Int64) -> Int64? {
    @inline(__always) func digits(_ at: Int, _ count: Int) -> Int? { decimalDigits(p, at, count) }
    var i = 19
    var fraction: Int64 = 0
    if i < n && (p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: ",")) {
      i += 1
      // Nanoseconds: the first nine digits, scaled once at the end.
      let fractionStart = i
      var kept = 0
      while i < n && isDigit(p[i]) {
        if kept < 9 {
          fraction = fraction &* 10 &+ Int64(p[i] &- UInt8(ascii: "0"))
          kept &+= 1
        }
        i += 1
      }
      guard i > fractionStart else { return nil }
      fraction &*= nanosecondScale(digits: kept)
    }
    var offsetSeconds = 0
    // Go's time.String() puts a space before the offset.
    if i &+ 1 < n && p[i] == UInt8(ascii: " ") && (p[i &+ 1] == UInt8(ascii: "+") || p[i &+ 1] == UInt8(ascii: "-")) {
      i &+= 1
    }
    var hasOffset = false
    if i < n {
      let c = p[i]
      if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") {
        hasOffset = true
        i += 1
      } else if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
        guard i + 3 <= n, let oh = digits(i + 1, 2), oh <= 23 else { return nil }
        var om = 0
        i += 3
        if i < n && p[i] == UInt8(ascii: ":") {
          guard i + 3 <= n, let m = digits(i + 1, 2) else { return nil }
          om = m
          i += 3
        } else if i + 2 <= n, let m = digits(i, 2) {
          om = m
          i += 2
        }
        guard om <= 59 else { return nil }
        offsetSeconds = (oh * 3600 + om * 60) * (c == UInt8(ascii: "-") ? -1 : 1)
        hasOffset = true
      }
    }
    if i != n {
      guard let zoneOffset = zoneName(p, from: i, to: n, afterOffset: hasOffset) else { return nil }
      offsetSeconds += zoneOffset
    }
    let seconds = local - Int64(offsetSeconds)
    // Nanoseconds since 1970 in 64 bits reach from 1677 to 2262.
    let (nanos, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
    guard !overflow else { return nil }
    let (total, overflowAgain) = nanos.addingReportingOverflow(fraction)
    return overflowAgain ? nil : total
  }

  /// What `p[start..<end]`, after the time, says of its zone: seconds east
  /// of UTC to add to the offset read so far (0 when there was one), or nil
  /// when it is not a zone name.
  /// Accepted: a zone id in brackets after `Z` or an offset (Java's
  /// `ZonedDateTime`: `...+01:00[Europe/Paris]`); an abbreviation after a
  /// space following an offset (Go's `time.String()`: `... +0100 CET`),
  /// where the offset decides; or, after a time without an offset, an
  /// abbreviation of `zoneAbbreviations` (PostgreSQL's log times:
  /// `2026-02-07 11:30:00.123 CET`).
  private static func zoneName(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int, afterOffset: Bool) -> Int? {
    let count = end &- start
    if afterOffset && count >= 3 && p[start] == UInt8(ascii: "[") && p[end &- 1] == UInt8(ascii: "]") {
      for k in (start &+ 1)..<(end &- 1) where p[k] <= 0x20 || p[k] == UInt8(ascii: "]") { return nil }
      return 0
    }
    guard count >= 2 && count <= 7 && p[start] == UInt8(ascii: " ") else { return nil }
    // The letters, upper-cased, as one word: every line of a PostgreSQL log
    // ends in one, so no String is made for it.
    var name: UInt64 = 0
    for k in (start &+ 1)..<end {
      guard (p[k] | 0x20) &- UInt8(ascii: "a") < 26 else { return nil }
      name = name << 8 | UInt64(p[k] & ~0x20)
    }
    if afterOffset { return 0 }
    return zoneOffsets[name].map { $0 * 60 }
  }

  /// `zoneAbbreviations` by their letters packed as `zoneName` packs them.
  private static let zoneOffsets: [UInt64: Int] = Dictionary(
    uniqueKeysWithValues: zoneAbbreviations.map { name, minutes in
      (name.utf8.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }, minutes)
    })

  /// Zone abbreviations read without an offset, in minutes east of UTC:
  /// the common ones that name one offset only (not CST, IST or AST, each
  /// of which names several).
  static let zoneAbbreviations: [String: Int] = [
    "UTC": 0, "GMT": 0, "UT": 0, "Z": 0, "WET": 0, "WEST": 60, "BST": 60, "CET": 60, "CEST": 120, "MET": 60,
    "MEST": 120, "EET": 120, "EEST": 180, "MSK": 180, "EST": -300, "EDT": -240, "CDT": -300, "MST": -420,
    "MDT": -360, "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600, "JST": 540, "KST": 540,
    "AEST": 600, "AEDT": 660, "ACST": 570, "ACDT": 630, "AWST": 480, "NZST": 720, "NZDT": 780, "SGT": 480,
    "HKT": 480,
  ]

  /// Reads the Common Log Format time nginx and Apache write for
  /// `$time_local`: `07/Feb/2026:10:30:00 +0000`.
  package static func parseCommonLog(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
    guard n == 26, p[2] == UInt8(ascii: "/"), p[6] == UInt8(ascii: "/"), p[11] == UInt8(ascii: ":"),
      p[14] == UInt8(ascii: ":"), p[17] == UInt8(ascii: ":"), p[20] == UInt8(ascii: " ")
    else { return nil }
    func number(_ at: Int, _ count: Int) -> Int? { decimalDigits(p, at, count) }
    guard let monthIndex = month(named: p + 3), let day = number(0, 2), let year = number(7, 4),
      let hour = number(12, 2), let minute = number(15, 2), let second = number(18, 2),
      let offsetHours = number(22, 2), let offsetMinutes = number(24, 2),
      p[21] == UInt8(ascii: "+") || p[21] == UInt8(ascii: "-"),
      day >= 1 && day <= daysInMonth(year, monthIndex + 1) && hour <= 23 && minute <= 59 && second <= 60
    else { return nil }
    let offset = (offsetHours * 3600 + offsetMinutes * 60) * (p[21] == UInt8(ascii: "-") ? -1 : 1)
    let seconds =
      Int64(daysFromCivil(year, monthIndex + 1, day)) * 86400
      + Int64(hour * 3600 + minute * 60 + min(second, 59) - offset)
    return seconds.multipliedReportingOverflow(by: 1_000_000_000).overflow ? nil : seconds * 1_000_000_000
  }

  /// The index (0-11) of the English month abbreviation at `p` (3 bytes,
  /// any case).
  private static func month(named p: UnsafePointer<UInt8>) -> Int? {
    monthNames.firstIndex(of: shortBytesAsWords(UnsafeRawPointer(p), 3).0 | 0x20_2020)
  }

  /// The months' abbreviations as words (no String per line: nginx's
  /// `$time_local` comes here on every line).
  private static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    .map(littleEndianWord)

  /// Reads the HTTP date of RFC 9110 (RFC 1123's, as JavaScript's
  /// `toUTCString()` and HTTP headers write it):
  /// `Mon, 23 Nov 2026 10:00:00 GMT`.
  package static func parseHTTPDate(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
    guard n == 29, p[3] == UInt8(ascii: ","), p[4] == UInt8(ascii: " "), p[7] == UInt8(ascii: " "),
      p[11] == UInt8(ascii: " "), p[16] == UInt8(ascii: " "), p[19] == UInt8(ascii: ":"),
      p[22] == UInt8(ascii: ":"), p[25] == UInt8(ascii: " "),
      (p[26], p[27], p[28]) == (UInt8(ascii: "G"), UInt8(ascii: "M"), UInt8(ascii: "T"))
        || (p[26], p[27], p[28]) == (UInt8(ascii: "U"), UInt8(ascii: "T"), UInt8(ascii: "C"))
    else { return nil }
    func number(_ at: Int, _ count: Int) -> Int? { decimalDigits(p, at, count) }
    guard let monthIndex = month(named: p + 8), let day = number(5, 2), let year = number(12, 4),
      let hour = number(17, 2), let minute = number(20, 2), let second = number(23, 2),
      day >= 1 && day <= daysInMonth(year, monthIndex + 1) && hour <= 23 && minute <= 59 && second <= 60
    else { return nil }
    let seconds =
      Int64(daysFromCivil(year, monthIndex + 1, day)) * 86400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
    // Past 2262 nanoseconds overflow 64 bits.
    return seconds.multipliedReportingOverflow(by: 1_000_000_000).overflow ? nil : seconds * 1_000_000_000
  }

  /// Reads a date with slashes, as Go's `log` package and many others write
  /// it: `2026/11/23 10:00:00`, with what RFC 3339 allows after the seconds
  /// (`.123456`, an offset).
  package static func parseSlashed(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
    guard n >= 19 && n <= 64, p[4] == UInt8(ascii: "/"), p[7] == UInt8(ascii: "/") else { return nil }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: n) { copy in
      for i in 0..<n { copy[i] = p[i] }
      copy[4] = UInt8(ascii: "-")
      copy[7] = UInt8(ascii: "-")
      return parseRFC3339(UnsafePointer(copy.baseAddress!), n)
    }
  }

  /// Reads an epoch number whose unit is given, or chosen by magnitude:
  /// below 1e11 seconds, below 1e14 milliseconds, below 1e17 microseconds,
  /// else nanoseconds (so every date from 1973 to 5138 reads right).
  package static func fromEpoch(_ value: Double, unit: ValueUnit) -> Int64? {
    guard value.isFinite else { return nil }
    let scale: Double
    switch unit {
    case .automatic:
      let magnitude = abs(value)
      scale = magnitude < 1e11 ? 1e9 : magnitude < 1e14 ? 1e6 : magnitude < 1e17 ? 1e3 : 1
    default:
      scale = unit.nanosecondsPerUnit
    }
    guard abs(value * scale) < 9.2e18 else { return nil }
    // Whole and fractional parts apart: the product of a millisecond epoch
    // and 1e6 is past 2^53 and would not be exact in a Double.
    let whole = value.rounded(.towardZero)
    let fraction = ((value - whole) * scale).rounded()
    return Int64(whole) * Int64(scale) + Int64(fraction)
  }

  /// Reads an epoch written as digits, a point and digits (nginx's `$msec`
  /// `1795478536.507`, zap's and Caddy's `ts` `1795476792.6486044`)
  /// exactly, to the nanosecond: a Double of such a value keeps only about
  /// seven digits after the point, and `.507` came out as `.506999921`.
  /// Nil for any other shape (a sign, an exponent), which
  /// `fromEpoch(_:unit:)` reads.
  package static func fromEpoch(decimal p: UnsafePointer<UInt8>, _ count: Int, unit: ValueUnit) -> Int64? {
    var i = 0
    var whole: Int64 = 0
    while i < count {
      let digit = p[i] &- UInt8(ascii: "0")
      guard digit < 10 else { break }
      guard i < 18 else { return nil }
      whole = whole &* 10 &+ Int64(digit)
      i &+= 1
    }
    guard i > 0, i < count, p[i] == UInt8(ascii: ".") else { return nil }
    i &+= 1
    let fractionStart = i
    var fraction: Int64 = 0
    var scale: Int64 = 1
    while i < count {
      let digit = p[i] &- UInt8(ascii: "0")
      guard digit < 10 else { return nil }
      if scale < 1_000_000_000 {
        fraction = fraction &* 10 &+ Int64(digit)
        scale &*= 10
      }
      i &+= 1
    }
    guard i > fractionStart else { return nil }
    let multiplier = nanosecondsPerEpochUnit(unit, magnitude: UInt64(whole))
    let (nanos, overflow) = whole.multipliedReportingOverflow(by: multiplier)
    guard !overflow else { return nil }
    // Below 1e9 times at most 1e9: no overflow.
    let (total, overflowAgain) = nanos.addingReportingOverflow(fraction &* multiplier / scale)
    return overflowAgain ? nil : total
  }

  /// Epoch numbers of no given unit below this are seconds.
  static let epochSecondsBelow: UInt64 = 100_000_000_000

  /// Reads an integer epoch exactly (no Double rounding for nanoseconds).
  package static func fromEpoch(integer value: Int64, unit: ValueUnit) -> Int64? {
    let multiplier = nanosecondsPerEpochUnit(unit, magnitude: value.magnitude)
    let (result, overflow) = value.multipliedReportingOverflow(by: multiplier)
    return overflow ? nil : result
  }

  /// Nanoseconds in one unit of an epoch number of `magnitude` (its whole
  /// part): the unit given, or the one its magnitude tells.
  @inline(__always)
  package static func nanosecondsPerEpochUnit(_ unit: ValueUnit, magnitude: UInt64) -> Int64 {
    switch unit {
    case .automatic:
      return magnitude < epochSecondsBelow
        ? 1_000_000_000
        : magnitude < 100_000_000_000_000 ? 1_000_000 : magnitude < 100_000_000_000_000_000 ? 1_000 : 1
    case .nanoseconds: return 1
    case .microseconds: return 1_000
    case .milliseconds: return 1_000_000
    case .seconds, .secondsOrIntegerNanoseconds: return 1_000_000_000
    }
  }

  /// The minute (since the epoch, rounded down) of a timestamp.
  @inline(__always)
  package static func minute(of nanos: Int64) -> Int64 {
    nanos >= 0 ? nanos / 60_000_000_000 : (nanos + 1) / 60_000_000_000 - 1
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant).
  package static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - 719468
  }

  /// The civil date of a day count since 1970-01-01.
  package static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
    let z = days + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  static func daysInMonth(_ year: Int, _ month: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// RFC 3339 in UTC with millisecond precision, e.g. `2026-02-07T10:30:00.123Z`
  /// (the precision DESIGN.md's canonical events use).
  package static func format(_ nanos: Int64, fractionDigits: Int = 3) -> String {
    let seconds = nanos >= 0 ? nanos / 1_000_000_000 : (nanos - 999_999_999) / 1_000_000_000
    let fraction = nanos - seconds * 1_000_000_000
    let days = Int(seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400)
    let secondOfDay = Int(seconds - Int64(days) * 86400)
    let (year, month, day) = civilFromDays(days)
    func pad(_ value: Int, _ width: Int) -> String {
      let text = String(value)
      return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    var result =
      "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
      + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
    if fractionDigits > 0 {
      var divisor: Int64 = 1
      for _ in 0..<(9 - fractionDigits) { divisor *= 10 }
      result += "." + pad(Int(fraction / divisor), fractionDigits)
    }
    return result + "Z"
  }
}

/// The value of `count` decimal digits at `p + at`, or nil if one is not a digit.
@inline(__always)
private func decimalDigits(_ p: UnsafePointer<UInt8>, _ at: Int, _ count: Int) -> Int? {
  var value = 0
  for k in at..<(at + count) {
    let d = p[k] &- UInt8(ascii: "0")
    guard d < 10 else { return nil }
    value = value * 10 + Int(d)
  }
  return value
}
