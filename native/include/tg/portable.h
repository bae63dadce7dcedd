// GCC/Clang builtins behind one check, so the sources also build with compilers that lack
// them (MSVC; untested, there is no Windows machine here): those get plain C++.
#pragma once
#include <cstdint>
#include <limits>

namespace tg {

#if defined(__GNUC__) || defined(__clang__)
#define TG_HAVE_GNU_BUILTINS 1
#else
#define TG_HAVE_GNU_BUILTINS 0
#endif

// A hint to bring the cache line at p in for reading soon (moderate temporal locality).
inline void prefetchForRead(const void* p) {
#if TG_HAVE_GNU_BUILTINS
  __builtin_prefetch(p, 0, 2);
#else
  (void)p;
#endif
}

// *out = a * b (resp. a + b) for operands >= 0; true when the result overflows int64_t.
inline bool mulOverflows(int64_t a, int64_t b, int64_t* out) {
#if TG_HAVE_GNU_BUILTINS
  return __builtin_mul_overflow(a, b, out);
#else
  if (b != 0 && a > std::numeric_limits<int64_t>::max() / b) return true;
  *out = a * b;
  return false;
#endif
}
inline bool addOverflows(int64_t a, int64_t b, int64_t* out) {
#if TG_HAVE_GNU_BUILTINS
  return __builtin_add_overflow(a, b, out);
#else
  if (a > std::numeric_limits<int64_t>::max() - b) return true;
  *out = a + b;
  return false;
#endif
}

}  // namespace tg
