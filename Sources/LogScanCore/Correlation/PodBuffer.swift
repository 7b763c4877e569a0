/// A growable array of plain values (no references inside) with unchecked
/// access and no copy-on-write: the storage of `RequestTable`, whose every
/// event touches it several times. A reference type: whoever holds one owns
/// it; it is never shared between threads.
final class PodBuffer<Element: BitwiseCopyable> {
  private(set) var base: UnsafeMutablePointer<Element>
  private(set) var count = 0
  private(set) var capacity: Int
  /// Growth stops doubling here (the caller never needs more).
  var limit = Int.max

  init(capacity: Int = 16) {
    self.capacity = max(1, capacity)
    base = .allocate(capacity: self.capacity)
  }

  init(repeating value: Element, count: Int) {
    capacity = max(1, count)
    base = .allocate(capacity: capacity)
    base.initialize(repeating: value, count: count)
    self.count = count
  }

  deinit { base.deallocate() }

  @inline(__always)
  subscript(index: Int) -> Element {
    get {
      assert(index >= 0 && index < count)
      return base[index]
    }
    set {
      assert(index >= 0 && index < count)
      base[index] = newValue
    }
  }

  @inline(__always)
  func append(_ value: Element) {
    if count == capacity { grow(to: count + 1) }
    (base + count).initialize(to: value)
    count += 1
  }

  @inline(__always)
  func append(_ source: UnsafeRawBufferPointer) where Element == UInt8 {
    guard let from = source.baseAddress, source.count > 0 else { return }
    if count + source.count > capacity { grow(to: count + source.count) }
    (base + count).update(from: from.assumingMemoryBound(to: UInt8.self), count: source.count)
    count += source.count
  }

  func removeLast() -> Element {
    count -= 1
    return base[count]
  }

  /// Keeps the storage.
  func removeAll() { count = 0 }

  /// Sets every element to `value`.
  func fill(_ value: Element) { base.update(repeating: value, count: count) }

  private func grow(to needed: Int) {
    var size = min(capacity * 2, max(limit, needed))
    while size < needed { size *= 2 }
    let larger = UnsafeMutablePointer<Element>.allocate(capacity: size)
    larger.moveInitialize(from: base, count: count)
    base.deallocate()
    base = larger
    capacity = size
  }
}
