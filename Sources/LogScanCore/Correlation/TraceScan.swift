/// One event of a traced request, as read from its line.
package struct TraceEvent: Sendable {
  package var requestId: [UInt8]
  package var user: [UInt8]?
  package var timestamp: Int64?
  /// The timestamp has whole seconds only (see `RequestBounds`).
  package var wholeSecond = false
  package var level: Level
  package var service: String?
  package var action: String?
  /// Nanoseconds.
  package var duration: Int64?
  package var status: Int?
  package var method: String?
  package var path: String?
  /// Method and path with id segments folded (`GET /api/orders/:id`).
  package var route: String?
  package var message: String?
  package var isError: Bool
  /// Where the line is: input, work unit, line in the unit (then in the input).
  package var input: Int
  package var unit: Int
  package var line: Int

  /// The event as a request of one event, for joining (see `RequestTrack.absorb`).
  package var track: RequestTrack {
    var track = RequestTrack(id: requestId)
    track.user = user
    track.events = 1
    track.failed = isError
    track.maxStatus = status
    let span: RequestTrack.ServiceSpan
    let name = service ?? makeString(SummarySink.noService)
    if let timestamp {
      let start = timestamp - max(0, duration ?? 0)
      (track.firstSeen, track.lastSeen, track.newest) = (timestamp, timestamp, timestamp)
      if wholeSecond {
        (track.wholeSecondStart, track.wholeSecondEnd) = (start, timestamp)
      } else {
        (track.start, track.end) = (start, timestamp)
      }
      span = .init(service: name, start: start, end: timestamp, events: 1, failed: isError, wholeSecond: wholeSecond)
      if route != nil { track.entryStart = start }
    } else {
      span = .init(service: name, start: .max, end: .min, events: 1, failed: isError)
    }
    if let route {
      track.entryRoute = route
      track.entryStatus = status
    }
    track.services = [span]
    return track
  }
}

/// Collects the events of some request ids from every input.
struct TraceSink: ScanSink, ~Copyable {
  private var extractor: EventExtractor
  private var formats: FormatTracker
  private let wanted: Interner
  private var events: [TraceEvent] = []
  private var input = 0
  private var unit = 0
  private var idText: [UInt8] = []
  private var scratch: [UInt8] = []

  init(formats: FormatCatalog, wanted: Interner) {
    self.formats = FormatTracker(formats)
    self.wanted = wanted
    extractor = EventExtractor(table: formats.tables[formats.fallbackIndex])
  }

  mutating func begin(input: Int, unit: Int) {
    self.input = input
    self.unit = unit
  }

  mutating func overlongLine(number: Int) {}

  mutating func continuedLines(_ count: Int) {}

  mutating func line(_ bytes: UnsafeRawBufferPointer, number: Int) {
    guard case (.event(let event), _) = formats.extract(bytes, with: &extractor),
      let raw = extractor.requestId(in: bytes, storage: &idText), wanted.find(raw) != nil
    else { return }
    let id = Array(raw)
    func text(_ field: Field) -> String? { extractor.text(field, in: bytes).map(makeString) }
    var method = extractor.text(.method, in: bytes)
    var path = extractor.text(.path, in: bytes)
    if path == nil || path!.isEmpty, let request = extractor.requestLineParts(in: bytes) {
      path = Array(request.path)
      if method == nil { method = Array(request.method) }
    }
    var route: String?
    if let path, !path.isEmpty {
      path.withUnsafeBytes { pathBytes in
        if let method {
          method.withUnsafeBytes { RouteFolder.fold(method: $0, path: pathBytes, into: &scratch) }
        } else {
          RouteFolder.fold(method: nil, path: pathBytes, into: &scratch)
        }
      }
      route = makeString(scratch)
    }
    events.append(
      TraceEvent(
        requestId: id,
        user: extractor.text(.userId, in: bytes).flatMap {
          $0.withUnsafeBytes { EventExtractor.isPlaceholderId($0) } ? nil : $0
        },
        timestamp: event.timestamp, wholeSecond: extractor.wholeSecond, level: event.level, service: text(.service),
        action: text(.action), duration: event.duration, status: event.status, method: method.map(makeString),
        path: path.map(makeString), route: route, message: text(.message), isError: event.isError, input: input,
        unit: unit, line: number))
  }

  consuming func finish() -> [TraceEvent] { events }
}

/// The events of some requests, from every input, in timestamp order.
package struct TraceResult: Sendable {
  /// Timed events by timestamp (equal ones in input order), then untimed
  /// ones in input order; line numbers are of their input.
  package var events: [TraceEvent]
  package var inputs: [InputInfo]
  package var errors: [ReaderError] { inputs.compactMap(\.error) }
}

package enum TraceScan {
  package static func run(_ plan: InputPlan, options: ScanOptions, ids: [[UInt8]]) -> TraceResult {
    var wanted = Interner()
    for id in ids { _ = id.withUnsafeBytes { wanted.intern($0) } }
    let formats = options.formats
    let outcome = ScanPipeline.run(plan, options: options) { [wanted] in
      TraceSink(formats: formats, wanted: wanted)
    }
    var events = outcome.outputs.flatMap { $0 }
    for k in events.indices { events[k].line = outcome.lineInInput(unit: events[k].unit, line: events[k].line) }
    events.sort { a, b in
      switch (a.timestamp, b.timestamp) {
      case (let x?, let y?) where x != y: return x < y
      case (.some, nil): return true
      case (nil, .some): return false
      default: return (a.unit, a.line) < (b.unit, b.line)
      }
    }
    return TraceResult(events: events, inputs: outcome.inputs)
  }
}
