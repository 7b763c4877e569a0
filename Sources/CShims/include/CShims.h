#ifndef LOGSCAN_CSHIMS_H
#define LOGSCAN_CSHIMS_H

#if defined(__SSE2__)
#include <emmintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#include <stdint.h>
#endif

#if defined(__GLIBC__)
#include <malloc.h>
#endif

/// Has glibc map every allocation of 256 KiB or more and give it back when
/// it is freed. Left to itself, glibc raises that threshold each time such
/// a block is freed, after which big buffers (a grown table, a batch) come
/// from the heap and their memory stays with the process: 153 MB instead
/// of 141 MB peak on a stream with a million requests in flight. A no-op
/// elsewhere.
static inline void logscan_map_large_buffers(void) {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
}

/// Asks the CPU to bring the cache line at `address` closer before it is
/// read: Swift has no prefetch of its own. Inlined into the caller; a hint
/// only (an invalid address never faults).
static inline __attribute__((always_inline)) void logscan_prefetch(const void *address) {
  __builtin_prefetch(address, 0, 3);
}

/// A bit per byte of the 16 at `p` that can end or interrupt a plain JSON
/// string: a quote, a backslash, a control byte (below 0x20) or a byte of a
/// multi-byte UTF-8 sequence (0x80 and above). Bit i is byte i. The 16
/// bytes must be readable.
static inline __attribute__((always_inline)) unsigned int logscan_string_stops16(const unsigned char *p) {
#if defined(__SSE2__)
  __m128i v = _mm_loadu_si128((const __m128i *)p);
  __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  // Signed: bytes 0x80-0xFF are negative, so below 0x20 as well.
  __m128i low = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
  return (unsigned int)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), low));
#elif defined(__aarch64__)
  uint8x16_t v = vld1q_u8(p);
  uint8x16_t stops = vorrq_u8(
      vorrq_u8(vceqq_u8(v, vdupq_n_u8('"')), vceqq_u8(v, vdupq_n_u8('\\'))),
      vorrq_u8(vcltq_u8(v, vdupq_n_u8(0x20)), vcgeq_u8(v, vdupq_n_u8(0x80))));
  // One bit per byte, as SSE2's movemask gives.
  static const uint8_t weights[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
  uint8x16_t bits = vandq_u8(stops, vld1q_u8(weights));
  return (unsigned int)vaddv_u8(vget_low_u8(bits)) | ((unsigned int)vaddv_u8(vget_high_u8(bits)) << 8);
#else
  unsigned int mask = 0;
  for (int i = 0; i < 16; i++) {
    unsigned char c = p[i];
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) mask |= 1u << i;
  }
  return mask;
#endif
}

/// Whether the 32 bytes at `p` equal `pattern` wherever `mask` is 0xFF (the
/// other bytes are ignored). The 32 bytes at each pointer must be readable.
static inline __attribute__((always_inline)) int logscan_equal_masked32(
    const unsigned char *p, const unsigned char *pattern, const unsigned char *mask) {
#if defined(__SSE2__)
  __m128i low = _mm_and_si128(
      _mm_xor_si128(_mm_loadu_si128((const __m128i *)p), _mm_loadu_si128((const __m128i *)pattern)),
      _mm_loadu_si128((const __m128i *)mask));
  __m128i high = _mm_and_si128(
      _mm_xor_si128(_mm_loadu_si128((const __m128i *)(p + 16)), _mm_loadu_si128((const __m128i *)(pattern + 16))),
      _mm_loadu_si128((const __m128i *)(mask + 16)));
  return _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(low, high), _mm_setzero_si128())) == 0xFFFF;
#elif defined(__aarch64__)
  uint8x16_t low = vandq_u8(veorq_u8(vld1q_u8(p), vld1q_u8(pattern)), vld1q_u8(mask));
  uint8x16_t high = vandq_u8(veorq_u8(vld1q_u8(p + 16), vld1q_u8(pattern + 16)), vld1q_u8(mask + 16));
  return vmaxvq_u8(vorrq_u8(low, high)) == 0;
#else
  unsigned char differ = 0;
  for (int i = 0; i < 32; i++) differ |= (unsigned char)((p[i] ^ pattern[i]) & mask[i]);
  return differ == 0;
#endif
}

#endif
