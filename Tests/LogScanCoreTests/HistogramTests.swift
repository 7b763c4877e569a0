import Histogram
import LogGenerator
import LogScanCore
import Testing

@Suite struct HistogramTests {
  @Test(arguments: [1, 2, 7, 100, 5000])
  func onePassPercentilesEqualValueAtPercentile(count: Int) {
    var random = SplitMix64(seed: UInt64(count))
    var histogram = ScopeStats.makeHistogram()
    for _ in 0..<count {
      // Lognormal-ish nanoseconds from 1µs to minutes.
      let exponent = Double(random.next() % 1000) / 1000 * 11 + 3
      histogram.record(UInt64(pow10(exponent)))
    }
    let percentiles: [Double] = [0, 1, 50, 90, 95, 99, 99.9, 100]
    #expect(histogram.values(atPercentiles: percentiles) == percentiles.map { histogram.valueAtPercentile($0) })
  }

  @Test func emptyHistogramGivesZeros() {
    let histogram = ScopeStats.makeHistogram()
    #expect(histogram.values(atPercentiles: [50, 99]) == [0, 0])
  }

  private func pow10(_ exponent: Double) -> Double {
    var value = 1.0
    var e = exponent
    while e >= 1 {
      value *= 10
      e -= 1
    }
    return value * (1 + e * 9)
  }
}
