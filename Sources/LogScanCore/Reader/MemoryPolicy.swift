internal import CShims

/// How the process allocates, set once at start-up.
package enum MemoryPolicy {
  /// Buffers of 256 KiB or more are mapped, and unmapped when freed (see
  /// `logscan_map_large_buffers`): peak memory on an endless stream does
  /// not keep what grown tables left behind.
  package static func mapLargeBuffers() { logscan_map_large_buffers() }
}
