#include <zlib.h>

// zlib's inflateInit2 is a macro; Swift cannot call macros.
static inline int czlib_inflate_init2(z_streamp strm, int windowBits) {
  return inflateInit2(strm, windowBits);
}
