/// Which keys of a log line fill which canonical field.
package struct FieldMap: Sendable {
  package private(set) var keyTable = KeyTable()
  package private(set) var bindings: [(path: [String], binding: FieldBinding)] = []

  package init() {}

  /// Binds a key path (["request", "method"] for a nested key, or one key
  /// with dots in it as written) to a field.
  package mutating func bind(_ path: [String], _ binding: FieldBinding) {
    keyTable.bind(path, to: binding)
    bindings.append((path, binding))
  }

  /// The canonical event shape of DESIGN.md.
  package static let canonical: FieldMap = {
    var map = FieldMap()
    for field in Field.allCases {
      let unit: ValueUnit = field == .duration ? .milliseconds : .automatic
      map.bind([field.canonicalKey], FieldBinding(field: field, unit: unit))
    }
    return map
  }()
}
