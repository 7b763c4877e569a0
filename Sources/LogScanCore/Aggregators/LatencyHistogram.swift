/// Durations in nanoseconds, counted in the buckets of an HdrHistogram of
/// three significant digits with a lowest discernible value of 1 (relative
/// error at most 0.1%), and read as HdrHistogram reads them: the tests hold
/// it to hdrhistogram-swift, bucket for bucket and percentile for percentile.
///
/// What is stored is smaller: 16-bit counts, and only the powers of two
/// that some duration fell in. A service's durations span a few powers of
/// two, 2 KiB of counts each, so the counts recorded into stay in cache
/// (an HdrHistogram of 64-bit counts sized for an hour is 256 KiB, and
/// recording into a few dozen of them missed the cache on most events).
/// A count that wraps past 65,535 adds 65,536 to a side table.
package struct LatencyHistogram: Sendable {
  /// Counts of the HdrHistogram's indexes `base ..< base + counts.count`:
  /// whole blocks of `blockSize` indexes (one power of two each, two for
  /// the first), so that `base` is a multiple of `blockSize`.
  private var counts: [UInt16] = []
  private var base = 0
  /// 65,536 for every time an index's count wrapped.
  private var wrapped: [Int: UInt64] = [:]
  package private(set) var totalCount: UInt64 = 0
  /// The largest value recorded, and the smallest above zero.
  private var maxValue: UInt64 = 0
  private var minNonZeroValue = UInt64.max

  package init() {}

  /// Sub-buckets per power of two: 2^10 for three significant digits.
  static let blockMagnitude = 10
  static let blockSize = 1 << blockMagnitude
  /// The HdrHistogram's `leadingZeroCountBase`: 64 minus the bits of its
  /// first bucket (2^11 sub-buckets of unit 1).
  static let leadingZeroCountBase = 64 - (blockMagnitude + 1)
  static let firstBucketMask: UInt64 = (1 << UInt64(blockMagnitude + 1)) - 1

  /// The HdrHistogram's counts index of `value`.
  @inline(__always)
  static func index(of value: UInt64) -> Int {
    let bucket = leadingZeroCountBase &- (value | firstBucketMask).leadingZeroBitCount
    let subBucket = Int(truncatingIfNeeded: value >> UInt64(truncatingIfNeeded: bucket))
    return ((bucket &+ 1) << blockMagnitude) &+ (subBucket &- blockSize)
  }

  /// The lowest value counted at `index`.
  static func lowestValue(at index: Int) -> UInt64 {
    var bucket = (index >> blockMagnitude) &- 1
    var subBucket = (index & (blockSize - 1)) &+ blockSize
    if bucket < 0 {
      subBucket &-= blockSize
      bucket = 0
    }
    return UInt64(subBucket) << UInt64(bucket)
  }

  @inline(__always)
  package mutating func record(_ value: UInt64) {
    let index = Self.index(of: value)
    var offset = index &- base
    if offset < 0 || offset >= counts.count {
      makeRoom(for: index)
      offset = index &- base
    }
    let wrappedToZero = counts.withUnsafeMutableBufferPointer { counts in
      counts[offset] &+= 1
      return counts[offset] == 0
    }
    if wrappedToZero { wrapped[index, default: 0] += 1 << 16 }
    totalCount &+= 1
    if value > maxValue { maxValue = value }
    if value < minNonZeroValue && value != 0 { minNonZeroValue = value }
  }

  /// Grows `counts` to whole blocks that include `index`.
  private mutating func makeRoom(for index: Int) {
    let block = index & ~(Self.blockSize - 1)
    if !counts.isEmpty && index >= base && index < base + counts.count { return }
    if counts.isEmpty {
      base = block
      counts = [UInt16](repeating: 0, count: Self.blockSize)
    } else if index < base {
      counts.insert(contentsOf: [UInt16](repeating: 0, count: base - block), at: 0)
      base = block
    } else {
      counts.append(contentsOf: [UInt16](repeating: 0, count: block + Self.blockSize - (base + counts.count)))
    }
  }

  /// The count at `index` (its own position in `counts`: `offset`).
  private func count(index: Int, offset: Int) -> UInt64 {
    UInt64(counts[offset]) + (wrapped.isEmpty ? 0 : wrapped[index] ?? 0)
  }

  /// Every index with a count, in increasing order, with its count.
  func forEachCount(_ body: (_ index: Int, _ count: UInt64) -> Void) {
    for offset in counts.indices where counts[offset] != 0 || !wrapped.isEmpty {
      let count = count(index: base + offset, offset: offset)
      if count > 0 { body(base + offset, count) }
    }
  }

  package mutating func merge(_ other: LatencyHistogram) {
    guard other.totalCount > 0 else { return }
    makeRoom(for: other.base)
    makeRoom(for: other.base + other.counts.count - 1)
    for offset in other.counts.indices where other.counts[offset] != 0 {
      let index = other.base + offset
      let (sum, overflow) = counts[index - base].addingReportingOverflow(other.counts[offset])
      counts[index - base] = sum
      if overflow { wrapped[index, default: 0] += 1 << 16 }
    }
    for (index, extra) in other.wrapped { wrapped[index, default: 0] += extra }
    totalCount += other.totalCount
    maxValue = Swift.max(maxValue, other.maxValue)
    minNonZeroValue = Swift.min(minNonZeroValue, other.minNonZeroValue)
  }

  /// The smallest value recorded: 0 when a zero was (as an HdrHistogram
  /// reads it).
  package var min: UInt64 {
    totalCount == 0 || (base == 0 && !counts.isEmpty && count(index: 0, offset: 0) > 0) ? 0 : minNonZeroValue
  }

  /// The largest value recorded.
  package var maxRecorded: UInt64 { maxValue }

  /// The highest value counted at `index`.
  static func highestValue(at index: Int) -> UInt64 {
    let bucket = Swift.max(0, (index >> blockMagnitude) &- 1)
    return lowestValue(at: index) + (UInt64(1) << UInt64(bucket)) - 1
  }

  /// The value at `percentile`: exactly what HdrHistogram's
  /// `valueAtPercentile` returns for the same durations (the highest value
  /// of the bucket holding that rank, kept within the smallest and largest
  /// value recorded).
  package func valueAtPercentile(_ percentile: Double) -> UInt64 {
    values(atPercentiles: [percentile])[0]
  }

  /// The values at several ascending percentiles, in one pass over the
  /// counts. (HdrHistogram's own iterators sum count × value in 64 bits,
  /// which overflowed on a few durations of years.)
  package func values(atPercentiles percentiles: [Double]) -> [UInt64] {
    guard totalCount > 0 else { return percentiles.map { _ in 0 } }
    let (lowest, highest) = (min, maxRecorded)
    var results = [UInt64](repeating: 0, count: percentiles.count)
    // The rank each percentile needs; 0: answered without a pass.
    var targets: [UInt64] = percentiles.enumerated().map { index, percentile in
      if percentile == 0 || percentile >= 100 {
        results[index] = percentile == 0 ? lowest : highest
        return 0
      }
      let requested = Swift.min(Swift.max(percentile.nextDown, 0), 100)
      return Swift.max(1, UInt64((requested * Double(totalCount) / 100).rounded(.up)))
    }
    var next = 0
    while next < targets.count && targets[next] == 0 { next += 1 }
    var cumulative: UInt64 = 0
    for offset in counts.indices where next < targets.count {
      let index = base + offset
      cumulative += count(index: index, offset: offset)
      while next < targets.count && (targets[next] == 0 || cumulative >= targets[next]) {
        if targets[next] != 0 {
          results[next] = Swift.max(Swift.min(Self.highestValue(at: index), highest), lowest)
          targets[next] = 0
        }
        next += 1
      }
    }
    return results
  }

  /// Every bucket with a count, in increasing order: its highest value and
  /// its count.
  package func forEachBucket(_ body: (_ highestValue: UInt64, _ count: UInt64) -> Void) {
    forEachCount { index, count in body(Self.highestValue(at: index), count) }
  }
}
