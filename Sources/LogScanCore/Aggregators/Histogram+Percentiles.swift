package import Histogram

extension Histogram {
  /// The values at several percentiles, each exactly what
  /// `valueAtPercentile(_:)` returns, computed in one pass over the recorded
  /// values instead of one pass over every bucket per percentile.
  /// `percentiles` must be ascending.
  package func values(atPercentiles percentiles: [Double]) -> [UInt64] {
    let total = totalCount
    guard total > 0 else { return percentiles.map { _ in 0 } }
    var targets: [UInt64] = percentiles.map { percentile in
      let requested = Swift.min(Swift.max(percentile.nextDown, 0), 100)
      return Swift.max(1, UInt64((requested * Double(total) / 100).rounded(.up)))
    }
    var results = [UInt64](repeating: 0, count: percentiles.count)
    var next = 0
    let lowest = self.min
    let highest = maxRecorded
    for (index, percentile) in percentiles.enumerated() where percentile == 0 || percentile >= 100 {
      results[index] = percentile == 0 ? lowest : highest
      targets[index] = 0
    }
    while next < targets.count && targets[next] == 0 { next += 1 }
    var cumulative: UInt64 = 0
    for recorded in recordedValues() where next < targets.count {
      cumulative += UInt64(recorded.count)
      while next < targets.count && (targets[next] == 0 || cumulative >= targets[next]) {
        if targets[next] != 0 {
          results[next] = Swift.max(Swift.min(recorded.value, highest), lowest)
        }
        next += 1
      }
    }
    return results
  }
}
