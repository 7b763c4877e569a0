/// Reads each line with the key table of its own log format: the format of
/// the previous line first; when the line's keys say it is of another
/// format (a stream that switched logger, two interleaved sources), it is
/// read again with that format's table, which becomes current.
package struct FormatTracker {
  package let catalog: FormatCatalog
  /// The format the last line had; its table is the scanner's.
  private var current: Int
  /// Marker sets classified, and their formats: a two-way cache of
  /// `cacheSets` sets (a stream has a handful of key sets, alternating from
  /// line to line; classifying goes through every format's markers, some
  /// 200 instructions). Two ways: with one, two frequent sets that met in
  /// a slot were classified again on every line.
  private var cachedMarkers = [MarkerBits](repeating: .max, count: 2 * FormatTracker.cacheSets)
  private var cachedFormats = [Int](repeating: 0, count: 2 * FormatTracker.cacheSets)
  private static let cacheSets = 64

  package init(_ catalog: FormatCatalog) {
    self.catalog = catalog
    current = catalog.fallbackIndex
  }

  /// Scans the line with its format's table, without decoding its values
  /// (`EventExtractor.decode` does that, on another thread): the scanner's
  /// outcome, and the index of the line's format in the catalog.
  @inline(__always)
  package mutating func scan(
    _ bytes: UnsafeRawBufferPointer, with scanner: inout JSONScanner
  ) -> (JSONScanner.Outcome, Int) {
    var outcome = scanner.scan(bytes)
    guard outcome == .object else { return (outcome, current) }
    let markers = scanner.markers
    let mixed =
      (UInt64(truncatingIfNeeded: markers) &* 0x9E37_79B9_7F4A_7C15)
      ^ (UInt64(truncatingIfNeeded: markers >> 64) &* 0xC2B2_AE3D_27D4_EB4F)
    let slot = Int(truncatingIfNeeded: mixed >> 58) &* 2
    let classified: Int
    if cachedMarkers[slot] == markers {
      classified = cachedFormats[slot]
    } else if cachedMarkers[slot &+ 1] == markers {
      classified = cachedFormats[slot &+ 1]
    } else {
      // The set's newest entry goes first; the older one is kept second.
      classified = catalog.classify(markers)
      cachedMarkers[slot &+ 1] = cachedMarkers[slot]
      cachedFormats[slot &+ 1] = cachedFormats[slot]
      cachedMarkers[slot] = markers
      cachedFormats[slot] = classified
    }
    if classified != current {
      current = classified
      scanner.table = catalog.tables[current]
      outcome = scanner.scan(bytes)
    }
    return (outcome, current)
  }

  /// The line's outcome, and the index of its format in the catalog.
  @inline(__always)
  package mutating func extract(
    _ bytes: UnsafeRawBufferPointer, with extractor: inout EventExtractor
  ) -> (EventExtractor.Outcome, Int) {
    let (scanned, format) = scan(bytes, with: &extractor.scanner)
    return (catalog.completing(extractor.outcome(of: scanned, bytes), format: format), format)
  }
}
