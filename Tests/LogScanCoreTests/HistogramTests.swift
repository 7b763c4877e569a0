import Foundation
import Histogram
import LogGenerator
import LogScanCore
import Testing

/// `LatencyHistogram` must read exactly like an HdrHistogram (hdrhistogram-
/// swift) the same durations were recorded into: the same counts bucket by
/// bucket, the same smallest and largest value, the same percentiles.
@Suite struct LatencyHistogramTests {
  /// The reference: every value recorded straight into an HdrHistogram of
  /// three significant digits over nanoseconds.
  private func reference(_ values: [UInt64]) -> Histogram<UInt64> {
    var histogram = Histogram<UInt64>(
      lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: .three)
    histogram.autoResize = true
    for value in values { histogram.record(value) }
    return histogram
  }

  private func expectSame(_ actual: LatencyHistogram, _ expected: Histogram<UInt64>, _ comment: Comment) {
    #expect(actual.totalCount == expected.totalCount, comment)
    #expect(actual.min == expected.min, comment)
    #expect(actual.maxRecorded == expected.maxRecorded, comment)
    // Bucket for bucket: each bucket's count, found by its highest value.
    var buckets: [[UInt64]] = []
    actual.forEachBucket { value, count in buckets.append([value, count]) }
    #expect(buckets.map { expected.countForValue($0[0]) } == buckets.map { $0[1] }, comment)
    #expect(buckets.map { expected.highestEquivalentForValue($0[0]) } == buckets.map { $0[0] }, comment)
    #expect(buckets.reduce(0) { $0 + $1[1] } == expected.totalCount, comment)
    // The library's valueAtPercentile (not its iterators: those sum
    // count × value in 64 bits and overflow on durations of years).
    let percentiles: [Double] = [0, 0.1, 1, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100]
    let values = percentiles.map { expected.valueAtPercentile($0) }
    #expect(actual.values(atPercentiles: percentiles) == values, comment)
    #expect(percentiles.map { actual.valueAtPercentile($0) } == values, comment)
  }

  /// Durations from 0 to days, at every magnitude, some repeated.
  private func values(count: Int, seed: UInt64) -> [UInt64] {
    var random = SplitMix64(seed: seed)
    return (0..<count).map { _ in
      switch random.next() % 10 {
      case 0: return 0
      case 1: return random.next() % 4096
      case 2: return 1 << (random.next() % 60)
      default: return (random.next() % (1 << 20)) << (random.next() % 28)
      }
    }
  }

  @Test(arguments: [1, 2, 3, 50, 20_000])
  func readsLikeAnHdrHistogram(count: Int) {
    let values = values(count: count, seed: UInt64(count))
    var latency = LatencyHistogram()
    for value in values { latency.record(value) }
    expectSame(latency, reference(values), "\(count) values")
  }

  @Test func oneValueAtEveryIndexEdge() {
    // Both ends of many sub-buckets and powers of two, each alone.
    // Durations are under 10^18 ns (2^60): the largest the extractor keeps.
    for exponent in 0..<60 {
      for value in [(UInt64(1) << exponent) - 1, UInt64(1) << exponent, (UInt64(1) << exponent) + 1] {
        var latency = LatencyHistogram()
        latency.record(value)
        expectSame(latency, reference([value]), "\(value)")
      }
    }
  }

  @Test func countsPast16BitsAreKept() {
    // 200,000 events in one bucket (three wraps of a 16-bit count), and
    // 70,000 in the bucket of the largest value.
    var values = [UInt64](repeating: 5_000_000, count: 200_000)
    values += [UInt64](repeating: 1_000_000_001, count: 70_000)
    values += [17, 3_000_000]
    var latency = LatencyHistogram()
    for value in values { latency.record(value) }
    expectSame(latency, reference(values), "wrapped")
  }

  @Test func mergingIsRecordingBoth() {
    let first = values(count: 3000, seed: 1)
    let second = values(count: 5000, seed: 2) + [UInt64](repeating: 123_456, count: 40_000)
    var a = LatencyHistogram()
    var b = LatencyHistogram()
    for value in first { a.record(value) }
    for value in second { b.record(value) }
    // Two counts under 65,536 whose sum wraps.
    for _ in 0..<40_000 { a.record(123_456) }
    var merged = a
    merged.merge(b)
    expectSame(merged, reference(first + second + [UInt64](repeating: 123_456, count: 40_000)), "merged")
    var empty = LatencyHistogram()
    empty.merge(a)
    expectSame(empty, reference(first + [UInt64](repeating: 123_456, count: 40_000)), "into an empty one")
  }
}

/// A few durations of years (the largest the extractor keeps) are read
/// like any others: summing count × value in HdrHistogram's iterators
/// overflowed, and the report crashed.
@Test func durationsOfYearsAreReported() throws {
  let directory = makeTemporaryDirectory()
  defer { try? FileManager.default.removeItem(at: directory) }
  let line = "{\"service\":\"a\",\"duration_ms\":900000000000,\"method\":\"GET\",\"path\":\"/x\"}\n"
  let path = writeTemporaryFile(Array(String(repeating: line, count: 30).utf8), in: directory)
  let json = summaryJSON(summarize([path]))
  let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
  let latency = try #require((report["overall"] as? [String: Any])?["latencyMs"] as? [String: Any])
  #expect(latency["count"] as? Int == 30)
  let p99 = try #require(latency["p99"] as? Double)
  #expect(abs(p99 / 9e11 - 1) < 0.001)
}

@Test func emptyLatencyHistogramGivesZeros() {
  #expect(LatencyHistogram().values(atPercentiles: [0, 50, 99, 100]) == [0, 0, 0, 0])
}
