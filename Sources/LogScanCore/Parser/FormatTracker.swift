/// Reads each line with the key table of its own log format: the format of
/// the previous line first; when the line's keys say it is of another
/// format (a stream that switched logger, two interleaved sources), it is
/// read again with that format's table, which becomes current.
package struct FormatTracker {
  package let catalog: FormatCatalog
  /// The format the last line had; its table is the scanner's.
  private var current: Int
  /// Marker sets classified, and their formats: a direct-mapped cache
  /// (a stream has a handful of key sets, alternating from line to line;
  /// classifying goes through every format's markers).
  private var cachedMarkers = [MarkerBits](repeating: .max, count: FormatTracker.cacheSize)
  private var cachedFormats = [Int](repeating: 0, count: FormatTracker.cacheSize)
  private static let cacheSize = 16

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
    let folded = UInt64(truncatingIfNeeded: markers) ^ UInt64(truncatingIfNeeded: markers >> 64)
    let slot = Int(truncatingIfNeeded: (folded &* 0x9E37_79B9_7F4A_7C15) >> 60)
    if cachedMarkers[slot] != markers {
      cachedMarkers[slot] = markers
      cachedFormats[slot] = catalog.classify(markers)
    }
    let classified = cachedFormats[slot]
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
