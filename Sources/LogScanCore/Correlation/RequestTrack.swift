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
  /// Start of the earliest event and end of the latest (nanoseconds).
  package var start = Int64.max
  package var end = Int64.min
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

  package var isTimed: Bool { start <= end }
  /// End-to-end latency in nanoseconds; nil without timestamps.
  package var duration: Int64? { isTimed ? end - start : nil }
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
    services[index!].start = min(services[index!].start, span.start)
    services[index!].end = max(services[index!].end, span.end)
    services[index!].events += span.events
    services[index!].failed = services[index!].failed || span.failed
  }
}
