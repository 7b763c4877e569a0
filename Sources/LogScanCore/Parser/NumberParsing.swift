/// A JSON number read from bytes: exact for the integers and short decimals
/// logs are made of, falling back to the standard library otherwise.
package func parseJSONNumber(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
  if count <= 18, let value = parseShortDecimal(p, count) { return value }
  var i = 0
  var negative = false
  if i < count && p[i] == UInt8(ascii: "-") {
    negative = true
    i += 1
  }
  var mantissa: UInt64 = 0
  var digits = 0
  var exponent = 0
  while i < count && isDigit(p[i]) {
    if digits < 19 {
      mantissa = mantissa &* 10 &+ UInt64(p[i] &- UInt8(ascii: "0"))
      if mantissa != 0 { digits += 1 }
    } else {
      exponent += 1
    }
    i += 1
  }
  if i < count && p[i] == UInt8(ascii: ".") {
    i += 1
    while i < count && isDigit(p[i]) {
      if digits < 19 {
        mantissa = mantissa &* 10 &+ UInt64(p[i] &- UInt8(ascii: "0"))
        if mantissa != 0 { digits += 1 }
        exponent -= 1
      }
      i += 1
    }
  }
  if i < count && (p[i] | 0x20) == UInt8(ascii: "e") {
    i += 1
    var expNegative = false
    if i < count && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) {
      expNegative = p[i] == UInt8(ascii: "-")
      i += 1
    }
    var e = 0
    var sawDigit = false
    while i < count && isDigit(p[i]) {
      e = min(e * 10 + Int(p[i] &- UInt8(ascii: "0")), 100_000)
      sawDigit = true
      i += 1
    }
    guard sawDigit else { return nil }
    exponent += expNegative ? -e : e
  }
  guard i == count, count > 0 else { return nil }
  // Clinger's fast path: both factors exact in a Double, one rounding.
  if mantissa < (1 << 53) && exponent >= -22 && exponent <= 22 {
    let value =
      exponent < 0
      ? Double(mantissa) / powersOfTen[-exponent] : Double(mantissa) * powersOfTen[exponent]
    return negative ? -value : value
  }
  let text = String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self)
  return Double(text)
}

/// `parseJSONNumber` for at most 18 bytes of digits, a sign and a point
/// (what durations and statuses are): no digit can overflow the mantissa,
/// so the loops need no check. Nil for anything else (an exponent), which
/// the general path reads; where both read a number, it is the same one.
@inline(__always)
private func parseShortDecimal(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
  var i = 0
  let negative = count > 0 && p[0] == UInt8(ascii: "-")
  if negative { i = 1 }
  var mantissa: UInt64 = 0
  while i < count {
    let digit = p[i] &- UInt8(ascii: "0")
    guard digit < 10 else { break }
    mantissa = mantissa &* 10 &+ UInt64(digit)
    i &+= 1
  }
  var exponent = 0
  if i < count && p[i] == UInt8(ascii: ".") {
    i &+= 1
    let fractionStart = i
    while i < count {
      let digit = p[i] &- UInt8(ascii: "0")
      guard digit < 10 else { break }
      mantissa = mantissa &* 10 &+ UInt64(digit)
      i &+= 1
    }
    exponent = fractionStart &- i
  }
  guard i == count, count > 0, mantissa < (1 << 53) else { return nil }
  let value = exponent < 0 ? Double(mantissa) / powersOfTen[-exponent] : Double(mantissa)
  return negative ? -value : value
}

private let powersOfTen: [Double] = (0...22).map { exponent in
  var value = 1.0
  for _ in 0..<exponent { value *= 10 }
  return value
}

/// Reads an unsigned decimal integer that fits in an Int64 (19 digits at
/// most: nanosecond epochs have 19).
@inline(__always)
package func parseDecimalInteger(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int64? {
  guard count > 0 && count <= 19 else { return nil }
  var value: Int64 = 0
  for i in 0..<count {
    let digit = p[i] &- UInt8(ascii: "0")
    guard digit < 10 else { return nil }
    let (times, overflow) = value.multipliedReportingOverflow(by: 10)
    let (sum, overflowAgain) = times.addingReportingOverflow(Int64(digit))
    guard !overflow && !overflowAgain else { return nil }
    value = sum
  }
  return value
}

/// Reads a duration written as text: a plain number (in `unit`), or a number
/// with a unit suffix as Go and Google Cloud write them ("0.123s", "12ms",
/// "150us", "150µs", "2m", "1h"), with one space before the unit as Rust's
/// tower-http writes latencies ("12 ms"), or several numbers with units as
/// Go's `time.Duration` writes a minute or more ("2m3.5s", "1h0m0s").
/// Returns nanoseconds.
package func parseDurationText(_ p: UnsafePointer<UInt8>, _ count: Int, unit: ValueUnit) -> Double? {
  var numberEnd = count
  while numberEnd > 0 && !isDurationNumberByte(p[numberEnd - 1]) { numberEnd -= 1 }
  var suffixStart = numberEnd
  if count - suffixStart > 1 && p[suffixStart] == UInt8(ascii: " ") { suffixStart += 1 }
  let scale: Double
  if suffixStart == count {
    scale = unit.nanosecondsPerUnit
  } else {
    guard let unitScale = durationUnitScale(p + suffixStart, count - suffixStart) else { return nil }
    scale = unitScale
  }
  if let value = parseJSONNumber(p, numberEnd) { return value * scale }
  return parseGoDuration(p, count)
}

/// Digits and the decimal point: what a duration's number is made of.
@inline(__always)
private func isDurationNumberByte(_ byte: UInt8) -> Bool { isDigit(byte) || byte == UInt8(ascii: ".") }

/// Nanoseconds in a duration unit's name, or nil when it is none.
private func durationUnitScale(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
  // At most 3 bytes ("µs" is 3 in UTF-8), as one word: no array per value.
  guard count >= 1 && count <= 3 else { return nil }
  let word = shortBytesAsWords(UnsafeRawPointer(p), count).0
  return durationUnits.first { $0.word == word }?.scale
}

/// Duration units as words, in nanoseconds.
private let durationUnits: [(word: UInt64, scale: Double)] = [
  ("ns", 1), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
].map { (littleEndianWord($0), $1) }

/// Go's `time.Duration.String()` of two or more parts ("1m30s",
/// "2h0m0.5s"): each a number and its unit, added up. Nil for anything else.
private func parseGoDuration(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
  var total = 0.0
  var parts = 0
  var i = 0
  while i < count {
    let numberStart = i
    while i < count && isDurationNumberByte(p[i]) { i += 1 }
    guard let value = parseJSONNumber(p + numberStart, i - numberStart) else { return nil }
    let unitStart = i
    while i < count && !isDurationNumberByte(p[i]) { i += 1 }
    guard let scale = durationUnitScale(p + unitStart, i - unitStart) else { return nil }
    total += value * scale
    parts += 1
  }
  return parts > 1 ? total : nil
}
