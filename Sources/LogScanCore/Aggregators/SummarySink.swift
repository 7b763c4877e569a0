/// Counts lines into a `SummaryShard`: the line sink of the summary.
package struct SummarySink: LineSink, ~Copyable {
  package var extractor: EventExtractor
  package var shard: SummaryShard
  /// Where the lines come from, for malformed-line examples.
  package var input = 0
  package var unit = 0
  private var examplesInUnit = 0
  private var scratch: [UInt8] = []
  private var serviceText: [UInt8] = []
  private var pathText: [UInt8] = []
  private var methodText: [UInt8] = []
  private var messageText: [UInt8] = []
  private var redactedText: [UInt8] = []
  private var idText: [UInt8] = []
  private var userText: [UInt8] = []
  private var actionText: [UInt8] = []
  private var findings: [Finding] = []

  private var formats: FormatTracker
  /// Parsed lines of the current input by format, flushed into the shard
  /// when the input changes (one array bump per line, not two).
  private var formatTally: [Int]
  /// Searches each line for secrets and PII when the scan audits.
  private var auditor: LineRedactor?
  /// `auditor != nil`, without copying the Optional on every line.
  private let audits: Bool
  /// Cleans error messages before they are folded into templates.
  private let redactor: Redactor

  /// Alert rules and counters, when the scan has any, and what they count.
  private let rules: RulePlan?
  private let program: RuleProgram?
  /// `program`, used without a reference count per event (`countRules`).
  private let programReference: Unmanaged<RuleProgram>?
  private let step: Int64
  private let lateness: Int64
  private var ruleShard: RuleShard
  /// Bit k: accumulator k is filled from another's cells, not counted
  /// (`RulePlan.totalsOf`).
  private let totalsMask: UInt64
  private var memo: TextMemo
  /// The newest event time of the current unit, for lateness, and its
  /// oldest events that were not late (see `RuleShard.UnitEdge`).
  private var newestInUnit = Int64.min
  /// The step bucket of the last timed event and where it starts: most
  /// events fall in the same one, which saves a 64-bit division each.
  private var lastBucket: Int64 = 0
  private var lastBucketStart = Int64.max
  private var lastBucketEnd = Int64.min
  private var oldestInUnit: [Int64] = []
  private var oldestLimit = Int64.max

  /// Request correlation, when the scan correlates: this worker's open
  /// requests, and where the requests cut by unit boundaries are joined.
  /// Not an Optional: mutating through one copied the whole correlator
  /// (an outlined copy per event).
  private var correlator: Correlator
  private let correlates: Bool
  private let joiner: SeamJoiner?
  private var currentUnit = -1

  /// What the timeline adds, when the scan is a timeline's.
  private var timeline = TimelineShard()
  private let timelines: Bool
  private var changes: ChangeMatcher
  private let detectsChanges: Bool
  private let perService: Bool

  package init(
    formats: FormatCatalog, limits: SummaryLimits, redactor: Redactor = .standard, audit: Redactor? = nil,
    rules: RulePlan? = nil, correlation: (settings: CorrelationSettings, joiner: SeamJoiner, workers: Int)? = nil,
    timeline: TimelineSettings? = nil
  ) {
    timelines = timeline != nil
    changes = ChangeMatcher(timeline ?? TimelineSettings())
    detectsChanges = timeline.map { !$0.changeActions.isEmpty || !$0.changeKeywords.isEmpty } ?? false
    perService = timeline?.serviceMinutes ?? false
    correlates = correlation != nil
    correlator = Correlator(
      settings: correlation?.settings ?? CorrelationSettings(), limits: limits, workers: correlation?.workers ?? 1)
    joiner = correlation?.joiner
    self.redactor = redactor
    self.rules = rules
    // Each sink compiles its own: a class shared by the workers would have
    // its reference count bounced between cores on every event.
    program = rules.map(RuleProgram.init)
    programReference = program.map { Unmanaged.passUnretained($0) }
    step = rules?.step ?? RulePlan.defaultStep
    lateness = rules?.lateness ?? 0
    ruleShard = rules.map { RuleShard(plan: $0, limits: limits) } ?? RuleShard()
    var totalsMask: UInt64 = 0
    for (index, source) in (rules?.totalsOf ?? []).enumerated() where source != nil && index < 64 {
      totalsMask |= 1 << UInt64(index)
    }
    self.totalsMask = totalsMask
    memo = TextMemo(slots: program?.memoFields.count ?? 0)
    self.formats = FormatTracker(formats)
    formatTally = [Int](repeating: 0, count: formats.names.count)
    extractor = EventExtractor(table: formats.tables[formats.fallbackIndex])
    shard = SummaryShard(limits: limits)
    scratch.reserveCapacity(256)
    auditor = audit.map { LineRedactor(redactor: $0, collectFields: true) }
    audits = audit != nil
  }

  /// Starts counting the lines of another work unit.
  package mutating func begin(input: Int, unit: Int) {
    flushFormatTally()
    flushEdge()
    flushRequests()
    if correlates { correlator.begin(unit: unit, of: joiner!.unitCount) }
    currentUnit = unit
    self.input = input
    self.unit = unit
    examplesInUnit = 0
  }

  /// Hands the unit's lateness edge to the shard.
  mutating func flushEdge() {
    if program != nil && newestInUnit != .min {
      oldestInUnit.sort()
      ruleShard.edges.append(
        RuleShard.UnitEdge(
          input: input, unit: unit, newest: newestInUnit,
          oldest: Array(oldestInUnit.prefix(RuleShard.UnitEdge.kept))))
    }
    newestInUnit = .min
    oldestInUnit.removeAll(keepingCapacity: true)
    oldestLimit = .max
  }

  /// Hands the unit's requests that may continue in another unit to the joiner.
  mutating func flushRequests() {
    guard correlates, currentUnit >= 0 else { return }
    var batch = correlator.endUnit(services: shard.services.names, routes: shard.routes.names)
    batch.input = input
    joiner!.deliver(unit: currentUnit, batch)
    currentUnit = -1
  }

  mutating func flushFormatTally() {
    for (format, count) in formatTally.enumerated() where count > 0 {
      shard.countFormat(input: input, format: format, count: count)
      formatTally[format] = 0
    }
  }

  package mutating func overlongLine(number: Int) {
    shard.lines.read += 1
    shard.lines.skipped[SkipReason.allCases.firstIndex(of: .tooLong)!] += 1
  }

  package mutating func continuedLines(_ count: Int) {
    shard.lines.read += count
    shard.lines.skipped[SkipReason.allCases.firstIndex(of: .continuation)!] += count
  }

  package mutating func line(_ bytes: UnsafeRawBufferPointer, number: Int) {
    let (outcome, format) = formats.extract(bytes, with: &extractor)
    handle(bytes, number: number, outcome, format: format)
  }

  package var parseAheadFormats: FormatCatalog? { formats.catalog }

  package mutating func prescannedLine(_ bytes: UnsafeRawBufferPointer, number: Int, _ scan: PrescannedLine) {
    extractor.scanner.load(
      found: scan.found, invalidUTF8: scan.invalidUTF8, captures: scan.captures)
    let outcome = scan.decoded ?? extractor.outcome(of: scan.outcome, bytes)
    handle(bytes, number: number, formats.catalog.completing(outcome, format: scan.format), format: scan.format)
  }

  /// A line read (by this sink's extractor, or loaded into it).
  @inline(__always)
  private mutating func handle(
    _ bytes: UnsafeRawBufferPointer, number: Int, _ outcome: EventExtractor.Outcome, format: Int
  ) {
    shard.lines.read &+= 1
    switch outcome {
    case .blank:
      shard.lines.skipped[SkipReason.allCases.firstIndex(of: .blank)!] += 1
    case .malformed(let reason):
      shard.lines.malformed[MalformedReason.allCases.firstIndex(of: reason)!] += 1
      if examplesInUnit < shard.limits.maxExamples {
        examplesInUnit += 1
        shard.examples.append(MalformedExample(input: input, unit: unit, line: number, reason: reason))
      }
      if audits { audit(bytes, number: number, json: false) }
    case .event(let event):
      shard.lines.parsed &+= 1
      formatTally[format] &+= 1
      if extractor.lineNeedsRepair { shard.lines.repairedUTF8 += 1 }
      add(event, bytes, format: format)
      if audits { audit(bytes, number: number, json: true) }
    }
  }

  /// Counts the secrets and PII of a line by kind, service and field.
  private mutating func audit(_ line: UnsafeRawBufferPointer, number: Int, json: Bool) {
    let bytes = line.assumingMemoryBound(to: UInt8.self)
    if json { auditor!.redactJSON(bytes, emit: false) } else { auditor!.redactText(bytes, emit: false) }
    guard !auditor!.found.isEmpty else { return }
    var service = Self.noServiceName
    if json, let name = Self.text(extractor, .service, line, &serviceText), name.count > 0 {
      service = makeString(name)
    } else if !json {
      service = Self.notJSON
    }
    let place = AuditTable.Place(input: input, unit: unit, line: number)
    shard.audit.lines += 1
    for (kind, field) in auditor!.found { shard.audit.add(kind, service: service, field: field, at: place) }
  }

  static let noServiceName = "(none)"
  static let notJSON = "(not JSON)"

  @inline(__always)
  private mutating func add(_ event: Event, _ line: UnsafeRawBufferPointer, format: Int) {
    let isError = event.isError
    let minute = event.timestamp.map(Timestamp.minute(of:))
    shard.levels[Int(event.level.rawValue)] &+= 1

    let service: Int
    if let name = Self.text(extractor, .service, line, &serviceText), name.count > 0 {
      service = shard.services.index(of: name)
    } else {
      service = Self.noService.withUnsafeBytes { shard.services.index(of: $0) }
    }
    shard.services.stats[service].add(event, isError: isError, minute: minute, minuteBudget: &shard.minuteBudget)

    var routeIndex: Int?
    defer {
      if let programReference {
        // Borrowed: `program` keeps it alive, and a strong local cost a
        // retain and a release per event.
        programReference._withUnsafeGuaranteedRef { program in
          countRules(event, isError: isError, minute: minute, line, service: service, route: routeIndex, program)
        }
      }
    }
    if timelines { addToTimeline(event, isError: isError, minute: minute, line, service: service) }

    var path = Self.text(extractor, .path, line, &pathText)
    var method = Self.text(extractor, .method, line, &methodText)
    if path == nil || path!.count == 0, let request = extractor.requestLineParts(in: line) {
      path = request.path
      if method == nil { method = request.method }
    }
    // The route a correlated request enters by: also that of a line that
    // is not a request of its route (see `LogFormat.logsRequestStarts`).
    var entryRoute: Int?
    if let path, path.count > 0 {
      let route = withUnsafeTemporaryAllocation(byteCount: RouteFolder.maxLength, alignment: 8) { buffer in
        let count = RouteFolder.fold(method: method, path: path, into: buffer)
        return shard.routes.index(of: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
      }
      entryRoute = route
      if !formats.catalog.isRequestStart(event, format: format) {
        routeIndex = route
        shard.routes.stats[route].add(event, isError: isError, minute: minute, minuteBudget: &shard.minuteBudget)
      }
    }

    if correlates {
      if let id = extractor.requestId(in: line, storage: &idText), id.count > 0 {
        correlator.add(
          id: id, user: Self.text(extractor, .userId, line, &userText).flatMap { $0.isEmpty ? nil : $0 }, event: event,
          wholeSecond: extractor.wholeSecond, isError: isError,
          service: service, route: entryRoute)
        if correlator.needsFlush {
          correlator.flush(services: shard.services.names, routes: shard.routes.names)
        }
      } else {
        correlator.uncorrelated()
      }
    }

    if isError {
      let message = Self.text(extractor, .message, line, &messageText)
      if let message, message.count > 0, !(event.status != nil && Self.saysOnlyRequest(message)) {
        // Redacted before folding: folding would take apart what the
        // detectors recognise (`https://user:<num>@host`).
        if redactor.redactText(message.assumingMemoryBound(to: UInt8.self), into: &redactedText, findings: &findings) {
          redactedText.withUnsafeBytes { MessageTemplate.fold($0, into: &scratch) }
        } else {
          MessageTemplate.fold(message, into: &scratch)
        }
      } else if let status = event.status {
        describeFailedRequest(status: status, route: entryRoute)
      } else {
        scratch = Array(Self.noMessage.utf8)
      }
      scratch.withUnsafeBytes { shard.templates.add($0, timestamp: event.timestamp) }
      if timelines, let minute {
        let user = Self.text(extractor, .userId, line, &userText).flatMap {
          EventExtractor.isPlaceholderId($0) ? nil : $0
        }
        let service = shard.services.names.key(service)
        let route = routeIndex.map { shard.routes.names.key($0) }
        scratch.withUnsafeBytes { template in
          service.withUnsafeBytes { service in
            route.withUnsafeBytes { route in
              timeline.addError(minute: minute, template: template, service: service, route: route, user: user)
            }
          }
        }
      }
    }
  }

  /// Messages access loggers write on every request, failed or not
  /// (Caddy's, pino-http's, Grafana's): a failed request with one of these
  /// is named by its status and route instead, as if it had no message.
  static let requestOnlyMessages: [[UInt8]] = [
    "handled request", "request completed", "request errored", "request finished", "request handled",
    "completed request", "finished request",
  ].map { Array($0.utf8) }

  static func saysOnlyRequest(_ message: UnsafeRawBufferPointer) -> Bool {
    isOneOf(message, ignoringCase: requestOnlyMessages)
  }

  /// The template of a failed request that has no message (access logs:
  /// nginx, Envoy, Traefik): its status and route, `HTTP 502 POST
  /// /api/orders`, redacted like a message. Out of line: errors are few.
  @inline(never)
  private mutating func describeFailedRequest(status: Int, route: Int?) {
    var text = Array("HTTP \(status)".utf8)
    if let route {
      text.append(0x20)
      text.append(contentsOf: shard.routes.names.key(route))
    }
    let redacted = text.withUnsafeBufferPointer { redactor.redactText($0, into: &redactedText, findings: &findings) }
    scratch = redacted ? redactedText : text
  }

  /// Counts the event into the timeline's minutes, and keeps it when it is
  /// a change: its action names one, or (for events that are not requests:
  /// no status, no duration) its message does.
  @inline(__always)
  private mutating func addToTimeline(
    _ event: Event, isError: Bool, minute: Int64?, _ line: UnsafeRawBufferPointer, service: Int
  ) {
    guard let minute, let timestamp = event.timestamp else { return }
    timeline.add(minute: minute, isError: isError, duration: event.duration)
    if perService {
      timeline.add(
        service: service, named: { Array(shard.services.names.key(service)) }, minute: minute, isError: isError,
        duration: event.duration)
    }
    guard detectsChanges else { return }
    let action = Self.text(extractor, .action, line, &actionText)
    var isChange = action.map { changes.matches(action: $0) } ?? false
    var message: UnsafeRawBufferPointer?
    if !isChange && event.status == nil && event.duration == nil {
      message = Self.text(extractor, .message, line, &messageText)
      isChange = message.map { changes.matches(message: $0) } ?? false
    }
    guard isChange else { return }
    if message == nil { message = Self.text(extractor, .message, line, &messageText) }
    let name = shard.services.names.key(service)
    name.withUnsafeBytes {
      timeline.addChange(timestamp: timestamp, service: $0, action: action, message: message, level: event.level)
    }
  }

  /// Counts the event for business counters and into the buckets of every
  /// rule accumulator whose filter it passes.
  private mutating func countRules(
    _ event: Event, isError: Bool, minute: Int64?, _ line: UnsafeRawBufferPointer, service: Int, route: Int?,
    _ program: RuleProgram
  ) {
    let view = EventView(
      event: event, isError: isError, line: line, captures: extractor.scanner.allCaptures,
      found: extractor.scanner.found)
    memo.next()
    // Bit i: counter i matched; bit (counters + k): accumulator k's filter.
    let results: UInt64
    if program.cacheable {
      results = memo.results(view, program)
    } else {
      var bits: UInt64 = 0
      for (bit, root) in program.roots.enumerated() where bit < 64 {
        if root < 0 || program.matches(root, view, &memo) { bits |= 1 << UInt64(bit) }
      }
      results = bits
    }
    // Only the counters that matched are visited (most events match none).
    let counterCount = program.counters.count
    let matches = counterCount >= 64 ? results : results & ((1 << UInt64(counterCount)) &- 1)
    var pending = matches
    while pending != 0 {
      let index = pending.trailingZeroBitCount
      pending &= pending &- 1
      count(counter: index, view, program, minute: minute)
    }
    if counterCount > 64 {
      // Predicates past the result word are evaluated one by one.
      for index in 64..<counterCount where program.matches(program.counters[index].predicate, view, &memo) {
        count(counter: index, view, program, minute: minute)
      }
    }
    guard let timestamp = event.timestamp else {
      ruleShard.untimed &+= 1
      return
    }
    if newestInUnit != .min && timestamp < newestInUnit &- lateness {
      ruleShard.late &+= 1
    } else {
      if timestamp > newestInUnit { newestInUnit = timestamp }
      if timestamp < oldestLimit {
        oldestInUnit.append(timestamp)
        if oldestInUnit.count >= 2 * RuleShard.UnitEdge.kept {
          oldestInUnit.sort()
          oldestInUnit.removeLast(oldestInUnit.count - RuleShard.UnitEdge.kept)
          oldestLimit = oldestInUnit.last!
        }
      }
    }
    if timestamp < ruleShard.firstTimestamp { ruleShard.firstTimestamp = timestamp }
    if timestamp > ruleShard.lastTimestamp { ruleShard.lastTimestamp = timestamp }
    if timestamp < lastBucketStart || timestamp >= lastBucketEnd {
      lastBucket = floorDiv(timestamp, step)
      let (start, overflow) = lastBucket.multipliedReportingOverflow(by: step)
      let (end, overflowEnd) = start.addingReportingOverflow(step)
      // At the ends of the Int64 range nothing is cached.
      (lastBucketStart, lastBucketEnd) = overflow || overflowEnd ? (.max, .min) : (start, end)
    }
    let bucket = lastBucket
    // The accumulators whose filter passed (or that have none), as bits
    // after the counters'; only those are visited.
    let accumulatorCount = program.accumulators.count
    var passed = (counterCount >= 64 ? 0 : results >> UInt64(counterCount)) & ~totalsMask
    if counterCount + accumulatorCount > 64 {
      for index in max(0, 64 - counterCount)..<accumulatorCount where rules!.totalsOf[index] == nil {
        let filter = program.accumulators[index].filter
        if filter < 0 || program.matches(filter, view, &memo) {
          accumulate(index, view, program, service: service, route: route, bucket: bucket, matches: matches)
        }
      }
    }
    while passed != 0 {
      let index = passed.trailingZeroBitCount
      passed &= passed &- 1
      accumulate(index, view, program, service: service, route: route, bucket: bucket, matches: matches)
    }
  }

  /// Counts the event for business counter `index`, whose predicate it
  /// matched: in its minute, its group, with the value it sums.
  @inline(__always)
  private mutating func count(counter index: Int, _ view: EventView, _ program: RuleProgram, minute: Int64?) {
    let counter = program.counters[index]
    let value = counter.sumField.flatMap { view.number($0) }
    if let groupField = counter.groupField {
      view.withText(groupField) { ruleShard.counters[index].add(minute: minute, value: value, group: $0) }
    } else {
      ruleShard.counters[index].add(minute: minute, value: value, group: nil)
    }
  }

  /// Counts the event into accumulator `index`'s cell of its series.
  @inline(__always)
  private mutating func accumulate(
    _ index: Int, _ view: EventView, _ program: RuleProgram, service: Int, route: Int?, bucket: Int64,
    matches: UInt64
  ) {
    let code = program.accumulators[index]
    let found: Int?
    switch code.scope {
    case 0:
      found = ruleShard.tables[index].cell(scopeIndex: 0, bucket: bucket) { [] }
    case 1:
      found = ruleShard.tables[index].cell(scopeIndex: service, bucket: bucket) {
        Array(shard.services.names.key(service))
      }
    case 2:
      guard let route else { return }
      found = ruleShard.tables[index].cell(scopeIndex: route, bucket: bucket) { Array(shard.routes.names.key(route)) }
    default:
      guard let series = view.withText(code.scopeField, { $0.map { ruleShard.tables[index].series(named: $0) } })
      else { return }
      found = ruleShard.tables[index].cell(series: series, bucket: bucket)
    }
    guard let cell = found else {
      ruleShard.tables[index].drop()
      return
    }
    if code.countsOnly {
      ruleShard.tables[index].count(cell: cell, isError: view.isError, slotCount: Int(code.slotCount))
    } else {
      ruleShard.tables[index].add(view, cell: cell, counterMatches: matches, code: code, program: program)
    }
  }

  /// The bytes of a string field: in place when it has no escapes, else
  /// decoded into `storage`. Valid until `storage` or the line changes.
  @inline(__always)
  private static func text(
    _ extractor: borrowing EventExtractor, _ field: Field, _ line: UnsafeRawBufferPointer,
    _ storage: inout [UInt8]
  ) -> UnsafeRawBufferPointer? {
    guard let (bytes, escaped) = extractor.rawText(field, in: line) else { return nil }
    guard escaped else { return bytes }
    storage.removeAll(keepingCapacity: true)
    appendDecodedJSONString(bytes, to: &storage)
    // Safe because `storage` is not touched again until this field's bytes
    // have been used: each field has its own storage.
    return storage.withUnsafeBytes { UnsafeRawBufferPointer($0) }
  }

  package static let noService: [UInt8] = Array("(none)".utf8)
  package static let noMessage = "(no message)"
}

extension SummarySink {
  /// Forgets rule buckets before `bucket` and timeline minutes before
  /// `minute`: what a live stream no longer needs.
  package mutating func prune(beforeBucket bucket: Int64, beforeMinute minute: Int64) {
    if rules != nil { ruleShard.prune(before: bucket) }
    if timelines { timeline.prune(before: minute) }
  }

  /// The rule buckets so far (a live evaluation reads them).
  package var liveRuleShard: RuleShard? { rules.map { ruleShardWithTotals($0) } }

  private func ruleShardWithTotals(_ plan: RulePlan) -> RuleShard {
    var result = ruleShard
    result.fillTotals(plan)
    return result
  }

  /// The timeline's minutes so far (the live figures are read from them).
  package var liveTimeline: TimelineShard? { timelines ? timeline.settled() : nil }

  /// The shard so far, for a live view (nothing is flushed).
  package func finishedShardForLive() -> SummaryShard { finishedShard() }

  /// Ends the unit and gives the shard, keeping the sink (a live session
  /// owns it).
  package mutating func finishForLive() -> SummaryShard {
    flushFormatTally()
    flushEdge()
    flushRequests()
    return finishedShard()
  }

  /// The shard, with the rules' counts when the scan has rules.
  package func finishedShard() -> SummaryShard {
    var result = shard
    if let rules { result.rules = ruleShardWithTotals(rules) }
    if correlates { result.correlation = correlator.stats }
    if timelines { result.timeline = timeline.settled() }
    return result
  }
}
