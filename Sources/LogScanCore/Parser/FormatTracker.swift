/// Reads each line with the key table of its own log format: the format of
/// the previous line first; when the line's keys say it is of another
/// format (a stream that switched logger, two interleaved sources), it is
/// read again with that format's table, which becomes current.
package struct FormatTracker {
  package let catalog: FormatCatalog
  /// The format the last line had; its table is the scanner's.
  private var current: Int
  /// The last marker set classified, and its format (lines of one format
  /// mostly have the same keys).
  private var lastMarkers: UInt64 = .max
  private var lastClassified = 0

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
    if markers != lastMarkers {
      lastMarkers = markers
      lastClassified = catalog.classify(markers)
    }
    if lastClassified != current {
      current = lastClassified
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
