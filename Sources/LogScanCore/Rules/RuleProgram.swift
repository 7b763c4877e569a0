#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A `RulePlan` compiled for the hot path: predicates and accumulator
/// layouts in flat, immutable buffers, read without reference counting or
/// bounds checks (the plan's arrays of enums with arrays inside cost a
/// retain and a release per element per event).
package final class RuleProgram: @unchecked Sendable {
  /// A predicate node. Text tests compare against `strings[first..<first+count]`;
  /// `all`/`any`/`not` combine `children[first..<first+count]`; `level`
  /// tests a bit mask of levels; `status` `statuses[first..<first+count]`.
  struct Node {
    enum Op: UInt8 { case equals, prefix, level, status, exists, error, all, any, not }
    var op: Op
    var field: Int32
    var flag: Bool
    var first: Int32
    var count: Int32
    /// For text tests: the bit of this test in its field's memo word
    /// (see `TextMemo`), -1 when the field has more than 64 tests.
    var memoBit: Int32 = -1
    /// For all/any: memo masks (`masks[maskFirst..<maskFirst+maskCount]`)
    /// standing for the text tests among the children, one per field.
    var maskFirst: Int32 = 0
    var maskCount: Int32 = 0
  }

  struct Mask {
    var slot: Int32
    var bits: UInt64
  }

  struct FieldCode {
    var field: Field
    /// First of the field's 4 slots (n, sum, max, min).
    var base: Int32
    var thresholdFirst: Int32
    var thresholdCount: Int32
    /// -1: no sketch.
    var sketch: Int32
  }

  struct AccumulatorCode {
    /// 0 overall, 1 service, 2 route, 3 field.
    var scope: UInt8
    var scopeField: Field
    /// Root node of the filter, -1 for none.
    var filter: Int32
    var slotCount: Int32
    var sketchCount: Int32
    var trail: Bool
    var counterFirst: Int32
    var counterCount: Int32
    var fieldFirst: Int32
    var fieldCount: Int32
    /// Keeps only the event and error counts.
    var countsOnly: Bool { counterCount == 0 && fieldCount == 0 && !trail }
  }

  struct Threshold {
    var value: Double
    var slot: Int32
  }

  struct CounterCode {
    var predicate: Int32
    /// -1: none.
    var groupField: Field?
    var sumField: Field?
  }

  private(set) var nodes: UnsafeMutableBufferPointer<Node>
  private(set) var children: UnsafeMutableBufferPointer<Int32>
  /// (offset, length) into `bytes`.
  private(set) var strings: UnsafeMutableBufferPointer<(Int32, Int32)>
  private(set) var bytes: UnsafeMutableBufferPointer<UInt8>
  private(set) var statuses: UnsafeMutableBufferPointer<Int32>
  let accumulators: UnsafeMutableBufferPointer<AccumulatorCode>
  /// Counter indexes of each accumulator, in slot order (slot 2 + position).
  let accumulatorCounters: UnsafeMutableBufferPointer<Int32>
  let fields: UnsafeMutableBufferPointer<FieldCode>
  let thresholds: UnsafeMutableBufferPointer<Threshold>
  let counters: UnsafeMutableBufferPointer<CounterCode>
  private(set) var masks: UnsafeMutableBufferPointer<Mask>
  /// The memo slot of each field that text tests read (-1: none), and the
  /// text tests of each slot, in bit order.
  let memoSlot: [Int]
  let memoNodes: [[Int32]]
  /// The field of each memo slot.
  let memoFields: UnsafeMutableBufferPointer<Field>
  /// Per memo slot, the longest value any of its text tests can match,
  /// or `Int.max` when one of them is a prefix test.
  let memoLongest: UnsafeMutableBufferPointer<Int>
  /// The predicates evaluated per event: each counter's, then each
  /// accumulator's filter (-1 for none), as bits of one result word.
  let roots: [Int32]
  /// Every predicate depends only on the memo words of at most 3 fields and
  /// the error flag, so the results of all of them can be cached by those.
  package let cacheable: Bool

  package init(_ plan: RulePlan) {
    var nodes: [Node] = []
    var children: [Int32] = []
    var strings: [(Int32, Int32)] = []
    var bytes: [UInt8] = []
    var statuses: [Int32] = []

    func compile(_ predicate: Predicate) -> Int32 {
      func text(_ op: Node.Op, _ field: FieldRef, _ values: [String]) -> Node {
        let first = Int32(strings.count)
        for value in values {
          strings.append((Int32(bytes.count), Int32(value.utf8.count)))
          bytes.append(contentsOf: value.utf8)
        }
        return Node(op: op, field: Int32(field.field.rawValue), flag: false, first: first, count: Int32(values.count))
      }
      var node: Node
      switch predicate {
      case .equals(let field, let values) where field.field == .level:
        var mask: Int32 = 0
        for name in values {
          let level = Array(name.utf8).withUnsafeBufferPointer { Level.parse(name: $0.baseAddress!, $0.count) }
          mask |= 1 << Int32(level.rawValue)
        }
        node = Node(op: .level, field: 0, flag: false, first: mask, count: 0)
      case .equals(let field, let values) where field.field == .status && values.allSatisfy({ Int32($0) != nil }):
        node = Node(op: .status, field: 0, flag: false, first: Int32(statuses.count), count: Int32(values.count))
        statuses.append(contentsOf: values.map { Int32($0)! })
      case .equals(let field, let values): node = text(.equals, field, values)
      case .prefix(let field, let values): node = text(.prefix, field, values)
      case .exists(let field, let present):
        node = Node(op: .exists, field: Int32(field.field.rawValue), flag: present, first: 0, count: 0)
      case .error(let error): node = Node(op: .error, field: 0, flag: error, first: 0, count: 0)
      case .all(let list), .any(let list):
        let compiled = list.map(compile)
        let isAll: Bool
        if case .all = predicate { isAll = true } else { isAll = false }
        node = Node(
          op: isAll ? .all : .any, field: 0, flag: false, first: Int32(children.count), count: Int32(compiled.count))
        children.append(contentsOf: compiled)
      case .not(let inner):
        let compiled = compile(inner)
        node = Node(op: .not, field: 0, flag: false, first: Int32(children.count), count: 1)
        children.append(compiled)
      }
      nodes.append(node)
      return Int32(nodes.count - 1)
    }

    var accumulators: [AccumulatorCode] = []
    var accumulatorCounters: [Int32] = []
    var fields: [FieldCode] = []
    var thresholds: [Threshold] = []
    for accumulator in plan.accumulators {
      var code = AccumulatorCode(
        scope: 0, scopeField: .timestamp, filter: accumulator.filter.map(compile) ?? -1,
        slotCount: Int32(accumulator.slotCount), sketchCount: Int32(accumulator.sketchCount),
        trail: accumulator.trail, counterFirst: Int32(accumulatorCounters.count),
        counterCount: Int32(accumulator.counters.count), fieldFirst: Int32(fields.count),
        fieldCount: Int32(accumulator.fields.count))
      switch accumulator.scope {
      case .overall: code.scope = 0
      case .service: code.scope = 1
      case .route: code.scope = 2
      case .field(let field):
        code.scope = 3
        code.scopeField = field.field
      }
      accumulatorCounters.append(contentsOf: accumulator.counters.map { Int32($0) })
      for field in accumulator.fields {
        fields.append(
          FieldCode(
            field: field.field.field, base: Int32(field.base),
            thresholdFirst: Int32(thresholds.count), thresholdCount: Int32(field.thresholds.count),
            sketch: field.sketch.map { Int32($0) } ?? -1))
        thresholds.append(contentsOf: field.thresholds.map { Threshold(value: $0.value, slot: Int32($0.slot)) })
      }
      accumulators.append(code)
    }
    let counters = plan.counters.map { counter in
      CounterCode(
        predicate: compile(counter.predicate), groupField: counter.groupBy?.field,
        sumField: counter.sum?.field)
    }

    var memoSlot = [Int](repeating: -1, count: Field.count)
    var memoNodes: [[Int32]] = []
    for (index, node) in nodes.enumerated() where node.op == .equals || node.op == .prefix {
      let field = Int(node.field)
      if memoSlot[field] < 0 {
        memoSlot[field] = memoNodes.count
        memoNodes.append([])
      }
      let slot = memoSlot[field]
      if memoNodes[slot].count < 64 {
        nodes[index].memoBit = Int32(memoNodes[slot].count)
        memoNodes[slot].append(Int32(index))
      }
    }
    self.memoSlot = memoSlot
    self.memoNodes = memoNodes
    roots = counters.map(\.predicate) + accumulators.map(\.filter)
    cacheable =
      memoNodes.count <= 3 && roots.count <= 64
      && nodes.allSatisfy { node in
        switch node.op {
        case .equals, .prefix: return node.memoBit >= 0
        case .error, .all, .any, .not: return true
        case .level, .status, .exists: return false
        }
      }
    // An all/any node tests its children's text tests as one mask per field:
    // the memo word of the field has all (or any) of the mask's bits.
    var masks: [Mask] = []
    for index in nodes.indices where nodes[index].op == .all || nodes[index].op == .any {
      let range = Int(nodes[index].first)..<Int(nodes[index].first + nodes[index].count)
      var rest: [Int32] = []
      var bySlot: [(Int32, UInt64)] = []
      for child in children[range] {
        let node = nodes[Int(child)]
        guard (node.op == .equals || node.op == .prefix) && node.memoBit >= 0 else {
          rest.append(child)
          continue
        }
        let slot = Int32(memoSlot[Int(node.field)])
        if let at = bySlot.firstIndex(where: { $0.0 == slot }) {
          bySlot[at].1 |= 1 << UInt64(node.memoBit)
        } else {
          bySlot.append((slot, 1 << UInt64(node.memoBit)))
        }
      }
      children.replaceSubrange(range, with: rest + [Int32](repeating: -1, count: range.count - rest.count))
      nodes[index].count = Int32(rest.count)
      nodes[index].maskFirst = Int32(masks.count)
      nodes[index].maskCount = Int32(bySlot.count)
      masks.append(contentsOf: bySlot.map { Mask(slot: $0.0, bits: $0.1) })
    }
    let memoFields = memoSlot.enumerated().filter { $0.element >= 0 }.sorted { $0.element < $1.element }
      .map { Field(rawValue: $0.offset)! }

    func buffer<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
      let result = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, array.count))
      _ = result.initialize(from: array)
      return UnsafeMutableBufferPointer(rebasing: result[0..<array.count])
    }
    self.masks = buffer(masks)
    self.memoFields = buffer(memoFields)
    memoLongest = buffer(
      memoNodes.map { tests in
        tests.map { test -> Int in
          let node = nodes[Int(test)]
          guard node.op == .equals else { return .max }
          return strings[Int(node.first)..<Int(node.first + node.count)].map { Int($0.1) }.max() ?? 0
        }.max() ?? 0
      })
    self.nodes = buffer(nodes)
    self.children = buffer(children)
    self.strings = buffer(strings)
    self.bytes = buffer(bytes)
    self.statuses = buffer(statuses)
    self.accumulators = buffer(accumulators)
    self.accumulatorCounters = buffer(accumulatorCounters)
    self.fields = buffer(fields)
    self.thresholds = buffer(thresholds)
    self.counters = buffer(counters)
  }

  deinit {
    for base in [
      UnsafeMutableRawPointer(nodes.baseAddress), UnsafeMutableRawPointer(children.baseAddress),
      UnsafeMutableRawPointer(strings.baseAddress), UnsafeMutableRawPointer(bytes.baseAddress),
      UnsafeMutableRawPointer(statuses.baseAddress), UnsafeMutableRawPointer(accumulators.baseAddress),
      UnsafeMutableRawPointer(accumulatorCounters.baseAddress), UnsafeMutableRawPointer(fields.baseAddress),
      UnsafeMutableRawPointer(thresholds.baseAddress), UnsafeMutableRawPointer(counters.baseAddress),
      UnsafeMutableRawPointer(masks.baseAddress), UnsafeMutableRawPointer(memoFields.baseAddress),
      UnsafeMutableRawPointer(memoLongest.baseAddress),
    ] {
      base?.deallocate()
    }
  }

  /// Whether the event matches the predicate rooted at `node`; text tests
  /// are answered from `memo` when the field's value was seen before.
  func matches(_ node: Int32, _ view: EventView, _ memo: inout TextMemo) -> Bool {
    let code = nodes[Int(node)]
    switch code.op {
    case .equals, .prefix:
      if code.memoBit >= 0 {
        return memo.word(memoSlot[Int(code.field)], view, self) & (1 << UInt64(code.memoBit)) != 0
      }
      return matchesText(code, view)
    case .level: return code.first & (1 << Int32(view.event.level.rawValue)) != 0
    case .status:
      guard let status = view.event.status else { return false }
      for index in Int(code.first)..<Int(code.first + code.count) where statuses[index] == Int32(status) {
        return true
      }
      return false
    case .exists: return view.has(Field(rawValue: Int(code.field))!) == code.flag
    case .error: return view.isError == code.flag
    case .all:
      for index in Int(code.maskFirst)..<Int(code.maskFirst + code.maskCount) {
        let mask = masks[index]
        if memo.word(Int(mask.slot), view, self) & mask.bits != mask.bits { return false }
      }
      for index in Int(code.first)..<Int(code.first + code.count) where !matches(children[index], view, &memo) {
        return false
      }
      return true
    case .any:
      for index in Int(code.maskFirst)..<Int(code.maskFirst + code.maskCount) {
        let mask = masks[index]
        if memo.word(Int(mask.slot), view, self) & mask.bits != 0 { return true }
      }
      for index in Int(code.first)..<Int(code.first + code.count) where matches(children[index], view, &memo) {
        return true
      }
      return false
    case .not: return !matches(children[Int(code.first)], view, &memo)
    }
  }

  /// The results of every text test of a memo slot on `value`, as bits.
  func textWord(slot: Int, _ value: UnsafeRawBufferPointer) -> UInt64 {
    var word: UInt64 = 0
    for (bit, node) in memoNodes[slot].enumerated() where matchText(nodes[Int(node)], value) {
      word |= 1 << UInt64(bit)
    }
    return word
  }

  /// A text test read straight from the line.
  func matchesText(_ code: Node, _ view: EventView) -> Bool {
    guard let capture = view.capture(Field(rawValue: Int(code.field))!) else { return false }
    let value = UnsafeRawBufferPointer(rebasing: view.line[Int(capture.start)..<Int(capture.end)])
    switch capture.kind {
    case .string where capture.escaped:
      return decodeJSONString(value, escaped: true).withUnsafeBytes { matchText(code, $0) }
    case .string, .number, .bool: return matchText(code, value)
    case .null, .container: return false
    }
  }

  @inline(__always)
  func matchText(_ code: Node, _ value: UnsafeRawBufferPointer) -> Bool {
    let prefix = code.op == .prefix
    let count = value.count
    guard count > 0 else {
      for index in Int(code.first)..<Int(code.first + code.count) where strings[index].1 == 0 { return true }
      return false
    }
    let first = value.load(as: UInt8.self)
    for index in Int(code.first)..<Int(code.first + code.count) {
      let (offset, length) = strings[index]
      let n = Int(length)
      guard prefix ? count >= n : count == n else { continue }
      if n == 0 { return true }
      // Most candidates differ in their first byte: no call for those.
      let candidate = bytes.baseAddress! + Int(offset)
      guard candidate.pointee == first else { continue }
      if n == 1 || memcmp(value.baseAddress! + 1, candidate + 1, n - 1) == 0 { return true }
    }
    return false
  }
}

/// Per worker: what the rule predicates say of the current event.
///
/// Text tests are answered by field value: streams repeat a few actions and
/// services, so each field's tests cost a table lookup, not a comparison
/// per candidate. A value of at most 16 bytes is its own key (two words and
/// its length) in a direct-mapped table per field; longer values (paths) go
/// through an interner until it holds `maxValues`, then are compared
/// directly.
///
/// When the program is `cacheable`, the results of all predicates are kept
/// too, by the (at most 3) fields' words and the error flag: each event
/// costs one lookup, not one walk per predicate. The tables are raw memory
/// of this worker's: no reference counting or uniqueness checks per event.
package struct TextMemo: ~Copyable {
  static let maxValues = 4096
  static let shortSize = 256
  static let resultSize = 1024

  struct ShortEntry {
    var low: UInt64 = 0
    var high: UInt64 = 0
    /// Length + 1; 0 for an empty entry.
    var length: Int = 0
    var word: UInt64 = 0
  }

  struct ResultEntry {
    var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
    var error = false
    var valid = false
    var results: UInt64 = 0
  }

  private let slots: Int
  /// `shortSize` entries per slot.
  private let short: UnsafeMutablePointer<ShortEntry>
  private let resultTable: UnsafeMutablePointer<ResultEntry>
  /// The current event's word per slot, valid when its bit in `known` is set.
  private let current: UnsafeMutablePointer<UInt64>
  private var known: UInt64 = 0
  private var long: [Interner]
  private var longWords: [[UInt64]]

  package init(slots: Int) {
    self.slots = slots
    short = .allocate(capacity: max(1, slots * Self.shortSize))
    short.initialize(repeating: ShortEntry(), count: max(1, slots * Self.shortSize))
    resultTable = .allocate(capacity: Self.resultSize)
    resultTable.initialize(repeating: ResultEntry(), count: Self.resultSize)
    current = .allocate(capacity: max(1, slots))
    current.initialize(repeating: 0, count: max(1, slots))
    long = Array(repeating: Interner(), count: slots)
    longWords = Array(repeating: [], count: slots)
  }

  deinit {
    short.deallocate()
    resultTable.deallocate()
    current.deallocate()
  }

  /// Forgets the previous event.
  @inline(__always)
  mutating func next() { known = 0 }

  /// The results of every root of `program` (bit i: root i matched),
  /// for a `cacheable` program.
  @inline(__always)
  mutating func results(_ view: EventView, _ program: RuleProgram) -> UInt64 {
    var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
    if slots > 0 { words.0 = word(0, view, program) }
    if slots > 1 { words.1 = word(1, view, program) }
    if slots > 2 { words.2 = word(2, view, program) }
    let mixed =
      (words.0 &* 0x9E37_79B9_7F4A_7C15) ^ (words.1 &* 0xC2B2_AE3D_27D4_EB4F) ^ (words.2 &* 0x1656_67B1_9E37_79F9)
      ^ (view.isError ? 0x27D4_EB2F_1656_67C5 : 0)
    let entry = resultTable + Int(truncatingIfNeeded: mixed >> 54)
    if entry.pointee.valid && entry.pointee.error == view.isError && entry.pointee.words == words {
      return entry.pointee.results
    }
    let results = evaluateRoots(view, program)
    entry.pointee = ResultEntry(words: words, error: view.isError, valid: true, results: results)
    return results
  }

  @inline(never)
  private mutating func evaluateRoots(_ view: EventView, _ program: RuleProgram) -> UInt64 {
    var results: UInt64 = 0
    for (bit, root) in program.roots.enumerated() where root < 0 || program.matches(root, view, &self) {
      results |= 1 << UInt64(bit)
    }
    return results
  }

  /// The results of every text test of memo slot `slot` on this event's
  /// value of its field, as bits.
  @inline(__always)
  mutating func word(_ slot: Int, _ view: EventView, _ program: RuleProgram) -> UInt64 {
    let bit: UInt64 = 1 << UInt64(slot)
    if known & bit != 0 { return current[slot] }
    let word = lookUp(slot, view, program)
    current[slot] = word
    known |= bit
    return word
  }

  @inline(__always)
  private mutating func lookUp(_ slot: Int, _ view: EventView, _ program: RuleProgram) -> UInt64 {
    guard let capture = view.capture(program.memoFields[slot]) else { return 0 }
    switch capture.kind {
    case .string where !capture.escaped, .number, .bool: break
    case .string: return slowWord(slot, view, program)
    case .null, .container: return 0
    }
    let count = Int(capture.end &- capture.start)
    // Longer than every value the tests compare with (paths against
    // `path in [/health, ...]`): no test can match.
    if count > program.memoLongest[slot] { return 0 }
    guard count <= 16 else { return slowWord(slot, view, program) }
    let value = view.line.baseAddress! + Int(capture.start)
    let (low, high) = shortBytesAsWords(value, count)
    let mixed = (low &* 0x9E37_79B9_7F4A_7C15) ^ (high &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(count)
    let entry = short + (slot &* Self.shortSize &+ Int(truncatingIfNeeded: mixed >> 56))
    if entry.pointee.length == count &+ 1 && entry.pointee.low == low && entry.pointee.high == high {
      return entry.pointee.word
    }
    let word = program.textWord(slot: slot, UnsafeRawBufferPointer(start: value, count: count))
    entry.pointee = ShortEntry(low: low, high: high, length: count &+ 1, word: word)
    return word
  }

  /// A value with escapes or of more than 16 bytes.
  @inline(never)
  private mutating func slowWord(_ slot: Int, _ view: EventView, _ program: RuleProgram) -> UInt64 {
    view.withText(program.memoFields[slot]) { value -> UInt64 in
      guard let value else { return 0 }
      // A full table (a field of many values, such as paths): compare directly.
      if long[slot].count >= Self.maxValues { return program.textWord(slot: slot, value) }
      if let id = long[slot].find(value) { return longWords[slot][id] }
      let word = program.textWord(slot: slot, value)
      _ = long[slot].intern(value)
      longWords[slot].append(word)
      return word
    }
  }
}
