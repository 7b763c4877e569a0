import Foundation
import LogGenerator
import LogScanCore
import Testing

func parse(_ text: String) -> Int64? {
  Array(text.utf8).withUnsafeBufferPointer { Timestamp.parseRFC3339($0.baseAddress!, $0.count) }
}

@Suite struct TimestampTests {
  @Test(arguments: [
    ("2026-02-07T10:30:00.000Z", Int64(1_770_460_200_000_000_000)),
    ("2026-02-07T10:30:00Z", 1_770_460_200_000_000_000),
    ("2026-02-07 10:30:00Z", 1_770_460_200_000_000_000),
    ("2026-02-07T10:30:00.123456789Z", 1_770_460_200_123_456_789),
    ("2026-02-07T10:30:00.1234567891234Z", 1_770_460_200_123_456_789),
    ("2026-02-07T11:30:00+01:00", 1_770_460_200_000_000_000),
    ("2026-02-07T05:00:00-0530", 1_770_460_200_000_000_000),
    ("2026-02-07T12:30:00.5+02", 1_770_460_200_500_000_000),
    ("2026-02-07T10:30:00", 1_770_460_200_000_000_000),
    ("1970-01-01T00:00:00Z", 0),
    ("2024-02-29T23:59:59.999Z", 1_709_251_199_999_000_000),
    // Zone names after the offset (Java ZonedDateTime, Go time.String()).
    ("2026-02-07T11:30:00+01:00[Europe/Paris]", 1_770_460_200_000_000_000),
    ("2026-02-07T10:30:00Z[UTC]", 1_770_460_200_000_000_000),
    ("2026-02-07 11:30:00.5 +0100 CET", 1_770_460_200_500_000_000),
    ("2026-02-07 10:30:00 +0000 UTC", 1_770_460_200_000_000_000),
    ("2026-02-07T12:30:00.25 +02:00", 1_770_460_200_250_000_000),
    ("2026-02-07 10:30:00 UTC", 1_770_460_200_000_000_000),
    ("2026-02-07 10:30:00 gmt", 1_770_460_200_000_000_000),
    // PostgreSQL's log times: an abbreviation of one offset, no offset.
    ("2026-02-07 11:30:00.123 CET", 1_770_460_200_123_000_000),
    ("2026-02-07 02:30:00 PST", 1_770_460_200_000_000_000),
    ("2026-02-07 19:30:00 JST", 1_770_460_200_000_000_000),
  ])
  func readsRFC3339(text: String, nanos: Int64) {
    #expect(parse(text) == nanos)
  }

  @Test(arguments: [
    "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-02-07T24:00:00Z", "2026-02-07", "yesterday",
    "2026-02-07T10:30:00.Z", "2026-02-07T10:30:00Zjunk", "2023-02-29T00:00:00Z",
    "9999-12-31T23:59:59Z", "1000-01-01T00:00:00Z",
    // A zone name without an offset is read only when it names one offset
    // (CST is US Central, China and Cuba), nothing else after the time.
    "2026-02-07 10:30:00 CST", "2026-02-07 10:30:00 XYZ", "2026-02-07T10:30:00[Europe/Paris]",
    "2026-02-07T10:30:00Z [UTC]",
    "2026-02-07 10:30:00 +0100 C3T", "2026-02-07T10:30:00+01:00[]", "2026-02-07T10:30:00 ", "2026-02-07T10:30:00 +",
  ])
  func rejectsWhatIsNotADateTime(text: String) {
    #expect(parse(text) == nil)
  }

  /// Timestamps read one after another with one cache (as lines are) read
  /// as each does alone, and as Foundation reads them: runs that share the
  /// day or the second, fractions, offsets, zone names and invalid clocks
  /// among them.
  @Test func theCacheOfTheLastDateAndSecondChangesNothing() {
    var random = SplitMix64(seed: 21)
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    var cache = Timestamp.DateCache()
    var base = Int64(1_770_460_200)
    for _ in 0..<20000 {
      switch random.next() % 10 {
      case 0: base += Int64(random.next() % 200_000)  // another day, often
      case 1, 2: base += 1  // the next second
      default: break  // the same second
      }
      let offsetMinutes = [0, 60, -300, 330][Int(random.next() % 4)]
      formatter.timeZone = TimeZone(secondsFromGMT: offsetMinutes * 60)
      let millis = Int64(random.next() % 1000)
      var text = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(base) + Double(millis) / 1000))
      let expected: Int64? = base * 1_000_000_000 + millis * 1_000_000
      var valid = true
      switch random.next() % 12 {
      case 0:
        // An impossible minute, in a run that shares the date.
        text = String(text.prefix(14)) + "61" + String(text.dropFirst(16))
        valid = false
      case 1:
        text = String(text.prefix(10)) + " " + String(text.dropFirst(11))
      case 2 where offsetMinutes == 0:
        text += " UTC"
      default: break
      }
      let bytes = Array(text.utf8)
      let cached = bytes.withUnsafeBufferPointer { Timestamp.parseRFC3339($0.baseAddress!, $0.count, cache: &cache) }
      #expect(cached == parse(text), "\(text)")
      #expect(cached == (valid ? expected : nil), "\(text)")
    }
  }

  @Test func agreesWithFoundationOnRandomInstants() {
    var random = SplitMix64(seed: 9)
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    for _ in 0..<2000 {
      let seconds = Int64(random.next() % 4_000_000_000)
      let offsetMinutes = Int(random.next() % 1680) - 840
      formatter.timeZone = TimeZone(secondsFromGMT: offsetMinutes * 60)
      let text = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
      #expect(parse(text) == seconds * 1_000_000_000, "\(text)")
    }
  }

  @Test(arguments: [
    (1_770_460_200.0, Int64(1_770_460_200_000_000_000)),
    (1_770_460_200_123.0, 1_770_460_200_123_000_000),
    (1_770_460_200_123_456.0, 1_770_460_200_123_456_000),
    (1_770_460_200_123_456_789.0, 1_770_460_200_123_456_768),
    (1_770_460_200.5, 1_770_460_200_500_000_000),
  ])
  func epochUnitFollowsMagnitude(value: Double, nanos: Int64) {
    #expect(Timestamp.fromEpoch(value, unit: .automatic) == nanos)
  }

  @Test func integerEpochNanosecondsAreExact() {
    #expect(Timestamp.fromEpoch(integer: 1_770_460_200_123_456_789, unit: .automatic) == 1_770_460_200_123_456_789)
    #expect(Timestamp.fromEpoch(integer: 1_770_460_200_123, unit: .automatic) == 1_770_460_200_123_000_000)
  }

  /// Decimal epochs to the nanosecond, whatever a Double of them keeps
  /// (`1795478536.507` as a Double is `.506999921`), in every unit.
  @Test(arguments: [
    ("1795478536.507", ValueUnit.automatic, Int64(1_795_478_536_507_000_000)),
    ("1795476792.6486044", .automatic, 1_795_476_792_648_604_400),
    ("1795476792.123456789123", .seconds, 1_795_476_792_123_456_789),
    ("1795476792648.25", .automatic, 1_795_476_792_648_250_000),
    ("1795476792648123.5", .automatic, 1_795_476_792_648_123_500),
    ("12.5", .milliseconds, 12_500_000),
    ("0.000001", .seconds, 1_000),
  ])
  func decimalEpochsAreExact(text: String, unit: ValueUnit, nanos: Int64) {
    let read = Array(text.utf8).withUnsafeBufferPointer {
      Timestamp.fromEpoch(decimal: $0.baseAddress!, $0.count, unit: unit)
    }
    #expect(read == nanos, "\(text)")
  }

  @Test(arguments: ["1795478536", "-1795478536.5", "1.5e9", "1795478536.", ".5", "17954785x6.5", "1795478536.5x"])
  func otherEpochShapesAreLeftToTheGeneralReader(text: String) {
    let read = Array(text.utf8).withUnsafeBufferPointer {
      Timestamp.fromEpoch(decimal: $0.baseAddress!, $0.count, unit: .automatic)
    }
    #expect(read == nil, "\(text)")
  }

  @Test func formatsBack() {
    #expect(Timestamp.format(1_770_460_200_123_456_789) == "2026-02-07T10:30:00.123Z")
    #expect(Timestamp.format(0, fractionDigits: 0) == "1970-01-01T00:00:00Z")
    #expect(Timestamp.format(-1_000_000) == "1969-12-31T23:59:59.999Z")
  }

  /// Which timestamps have whole seconds only: what correlation places
  /// within their second (docs/correlation.md).
  @Test(arguments: [
    (#"{"timestamp":"2026-11-23T23:33:12+00:00"}"#, true),
    (#"{"timestamp":"2026-11-23T23:33:12Z"}"#, true),
    (#"{"timestamp":"2026-11-23 23:33:12"}"#, true),
    (#"{"timestamp":"2026/11/23 23:33:12"}"#, true),
    (#"{"timestamp":"23/Nov/2026:23:33:12 +0000"}"#, true),
    (#"{"timestamp":1795476792}"#, true),
    (#"{"timestamp":"1795476792"}"#, true),
    (#"{"timestamp":"2026-11-23T23:33:12.000Z"}"#, false),
    (#"{"timestamp":"2026-11-23 23:33:12,5"}"#, false),
    (#"{"timestamp":"2026/11/23 23:33:12.123456"}"#, false),
    (#"{"timestamp":1795476792.25}"#, false),
    (#"{"timestamp":1795476792648}"#, false),
    (#"{"timestamp":"1795476792648123"}"#, false),
  ])
  func wholeSecondTimestamps(line: String, wholeSecond: Bool) throws {
    var extractor = EventExtractor()
    let outcome = Array(line.utf8).withUnsafeBytes { extractor.extract($0) }
    guard case .event(let event) = outcome else {
      Issue.record("not an event: \(line)")
      return
    }
    #expect(event.timestamp != nil)
    #expect(extractor.wholeSecond == wholeSecond, "\(line)")
  }
}
