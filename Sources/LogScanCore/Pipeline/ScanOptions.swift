/// How a scan runs: what it reads, with how many threads, within which limits.
package struct ScanOptions: Sendable {
  /// Worker threads (at least 1). Large plain files are split between them,
  /// and compressed inputs are decoded on a thread of their own.
  package var jobs = 2
  /// A longer line is counted as skipped and never buffered whole.
  package var maxLineBytes = 1 << 20
  /// What `maxLineBytes` may be: the scanner keeps offsets in a line as
  /// 32-bit numbers.
  package static let lineLimits = 16...(1 << 30)
  package var chunkSize = 1 << 20
  /// Reads the application's lines inside Docker json-file and CRI log
  /// lines (see `ContainerLine`); off when lines are written back out.
  package var unwrapsContainerLines = true
  /// Which thread decodes the values of a parse-ahead reader's lines
  /// (compressed files and streams): by default the one with time to spare.
  package var parseAheadDecoding = ParseAheadDecoding.adaptive
  /// Plain files at least this large are split between workers.
  package var splitThreshold: Int64 = 8 << 20
  /// The largest piece a split file is cut into.
  package var maxPieceSize: Int64 = 64 << 20
  package var formats = FormatCatalog.standard
  package var limits = SummaryLimits()
  /// Bytes read so far, for a progress bar; nil for none.
  package var progress: ProgressCounter? = nil
  /// The name standard input has in reports and messages.
  package var standardInputName = "<stdin>"
  /// Searches every line for secrets and PII and counts them (the audit);
  /// nil: no audit.
  package var audit: Redactor? = nil
  /// Redacts error messages before they are folded into templates (the
  /// report redacts every name again when it is built).
  package var redactor: Redactor = .standard
  /// Alert rules and business counters to count events for; nil: none.
  package var rules: RulePlan? = nil
  /// Follows requests by id (the summary's REQUESTS); nil: no correlation.
  package var correlation: CorrelationSettings? = nil
  /// Counts what incident timelines need (per-minute charts, errors by
  /// minute, change events); nil: not a timeline's scan.
  package var timeline: TimelineSettings? = nil

  package init() {}
}

/// One input as the user named it, and what it turned out to be.
package struct InputInfo: Sendable {
  package var name: String
  package var format: InputFormat = .plain
  /// Bytes of the file as stored (compressed size for archives); nil for
  /// standard input and other streams (pipes, FIFOs, devices).
  package var size: Int64?
  /// Standard input rather than a named file.
  package var isStandardInput = false
  package var lines = 0
  package var error: ReaderError?
  /// Parsed lines by log format name, most first.
  package var logFormats: [(name: String, lines: Int)] = []

  package init(
    name: String, format: InputFormat = .plain, size: Int64? = nil, lines: Int = 0, error: ReaderError? = nil
  ) {
    self.name = name
    self.format = format
    self.size = size
    self.lines = lines
    self.error = error
  }
}
