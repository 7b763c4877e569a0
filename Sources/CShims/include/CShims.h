#ifndef LOGSCAN_CSHIMS_H
#define LOGSCAN_CSHIMS_H

/// Asks the CPU to bring the cache line at `address` closer before it is
/// read: Swift has no prefetch of its own. Inlined into the caller; a hint
/// only (an invalid address never faults).
static inline __attribute__((always_inline)) void logscan_prefetch(const void *address) {
  __builtin_prefetch(address, 0, 3);
}

#endif
