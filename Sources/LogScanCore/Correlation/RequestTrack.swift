/// One request as the reports show it: its events' times, where its time
/// went service by service, and how it ended. Also what the pieces of a
/// request cut by a shard boundary are joined from (`absorb`).
package struct RequestTrack: Sendable {
  /// One service's part of a request: from the start of its first event
  /// to the end of its last (an event with a duration covers
  /// [timestamp - duration, timestamp]: loggers write when work is done).
  package struct ServiceSpan: Sendable, Equatable {
    package var service: String
    /// Nanoseconds; `start > end` when none of its events had a timestamp.
    package var start: Int64
    package var end: Int64
    package var events: Int
    package var failed: Bool
    /// Every timed event of it has a whole-second timestamp (see
    /// `RequestBounds`): placed by `RequestTrack.resolved`.
    package var wholeSecond = false

    package var isTimed: Bool { start <= end }
  }

  /// At most this many services are kept apart per request; events of
  /// further services are counted under the last one, named "(other)".
  package static let maxServices = 6
  package static let otherServices = "(other)"

  package var id: [UInt8]
  package var user: [UInt8]?
  /// Event times of the first and last events in input order (what the
  /// idle rule compares), and the newest event time.
  package var firstSeen = Int64.max
  package var lastSeen = Int64.min
  package var newest = Int64.min
  /// Start of the earliest event and end of the latest (nanoseconds), of
  /// the events with a timestamp finer than the second; those of
  /// whole-second timestamps are apart until `resolved` (see `RequestBounds`).
  package var start = Int64.max
  package var end = Int64.min
  package var wholeSecondStart = Int64.max
  package var wholeSecondEnd = Int64.min
  /// The entry event: the earliest-starting event with a route (the first
  /// in input order among equals and untimed ones).
  package var entryStart = Int64.max
  package var entryRoute: String?
  package var entryStatus: Int?
  package var maxStatus: Int?
  package var events = 0
  /// Some event of the request was an error (5xx or level error/fatal).
  package var failed = false
  /// Services in the order they were first seen.
  package var services: [ServiceSpan] = []

  package init(id: [UInt8]) { self.id = id }

  package var isTimed: Bool { start <= end || wholeSecondStart <= wholeSecondEnd }
  /// The request's start and end, every event placed (see `RequestBounds`).
  package var bounds: RequestBounds {
    RequestBounds(start: start, end: end, wholeSecondStart: wholeSecondStart, wholeSecondEnd: wholeSecondEnd)
  }
  /// End-to-end latency in nanoseconds; nil without timestamps.
  package var duration: Int64? { bounds.duration }

  /// The request as reports show it: `start` and `end` take in the events
  /// of whole-second timestamps, and their services' spans are moved
  /// where `RequestBounds` placed them.
  package func resolved() -> RequestTrack {
    guard wholeSecondStart <= wholeSecondEnd else { return self }
    let bounds = self.bounds
    var track = self
    (track.start, track.end) = bounds.isTimed ? (bounds.start, bounds.end) : (.max, .min)
    (track.wholeSecondStart, track.wholeSecondEnd) = (.max, .min)
    for k in track.services.indices where track.services[k].wholeSecond && track.services[k].isTimed {
      track.services[k].start = min(max(track.services[k].start &+ bounds.shift, bounds.start), bounds.end)
      track.services[k].end = max(min(track.services[k].end &+ bounds.shift, bounds.end), bounds.start)
      track.services[k].wholeSecond = false
    }
    return track
  }
  /// What the client saw: the entry event's status, else the highest.
  package var status: Int? { entryStatus ?? maxStatus }
  package var idText: String { makeString(id) }

  /// Adds the events of `later`, the rest of this request read after it.
  package mutating func absorb(_ later: RequestTrack) {
    if firstSeen == .max { firstSeen = later.firstSeen }
    if later.lastSeen != .min { lastSeen = later.lastSeen }
    newest = max(newest, later.newest)
    start = min(start, later.start)
    end = max(end, later.end)
    wholeSecondStart = min(wholeSecondStart, later.wholeSecondStart)
    wholeSecondEnd = max(wholeSecondEnd, later.wholeSecondEnd)
    if user == nil { user = later.user }
    if later.entryRoute != nil && (entryRoute == nil || later.entryStart < entryStart) {
      entryStart = later.entryStart
      entryRoute = later.entryRoute
      entryStatus = later.entryStatus
    }
    if let status = later.maxStatus { maxStatus = max(maxStatus ?? status, status) }
    events += later.events
    failed = failed || later.failed
    for span in later.services { addSpan(span) }
  }

  /// Counts `span` into the service's span, or adds it.
  package mutating func addSpan(_ span: ServiceSpan) {
    var index = services.firstIndex { $0.service == span.service }
    if index == nil {
      if services.count < Self.maxServices {
        services.append(span)
        return
      }
      index = services.count - 1
      services[index!].service = Self.otherServices
    }
    if span.isTimed {
      let wasTimed = services[index!].isTimed
      services[index!].wholeSecond = (services[index!].wholeSecond || !wasTimed) && span.wholeSecond
    }
    services[index!].start = min(services[index!].start, span.start)
    services[index!].end = max(services[index!].end, span.end)
    services[index!].events += span.events
    services[index!].failed = services[index!].failed || span.failed
  }
}

/// A request's start and end when some of its events have whole-second
/// timestamps (nginx's `$time_iso8601` beside an application's
/// milliseconds): such an event ended somewhere in the second after its
/// timestamp, not at its start. Taken as written, an nginx event at
/// 12:00:16 and the application's at 12:00:16.907 of the same 3 ms request
/// would make it last 907 ms. Those events are therefore moved, all by the
/// same amount and by less than a second, as close to the end of the finer
/// events as their second allows (`shift`); the request spans both.
/// Without finer events, or without whole-second ones, nothing moves.
package struct RequestBounds: Sendable, Equatable {
  package var start: Int64
  package var end: Int64
  /// What the whole-second events were moved by (nanoseconds, < 1 s).
  package var shift: Int64

  package init(start: Int64, end: Int64, shift: Int64) {
    (self.start, self.end, self.shift) = (start, end, shift)
  }

  package init(start: Int64, end: Int64, wholeSecondStart: Int64, wholeSecondEnd: Int64) {
    guard wholeSecondStart <= wholeSecondEnd else {
      (self.start, self.end, shift) = (start, end, 0)
      return
    }
    guard start <= end else {
      (self.start, self.end, shift) = (wholeSecondStart, wholeSecondEnd, 0)
      return
    }
    shift = min(max(end &- wholeSecondEnd, 0), 999_999_999)
    self.start = min(start, wholeSecondStart &+ shift)
    self.end = max(end, wholeSecondEnd &+ shift)
  }

  package var isTimed: Bool { start <= end }
  package var duration: Int64? { isTimed ? end &- start : nil }
}
