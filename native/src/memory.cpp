#include "tg/memory.h"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace tg {

void adviseHugePages(void* p, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t kHuge = uintptr_t(2) << 20;
  if (bytes < 2 * kHuge) return;
  // Only the whole 2 MB pages inside the range: never touch memory outside it.
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // a hint: errors are ignored
#else
  (void)p;
  (void)bytes;
#endif
}

bool setAllocatorTuning(bool on) {
#if defined(__GLIBC__)
  // Setting either parameter turns off glibc's own adjustment of both, so set both.
  // Off: glibc's documented defaults (its dynamic adjustment does not come back).
  constexpr int kDefaultThreshold = 128 << 10;
  const int mmapThreshold = on ? 4 << 20 : kDefaultThreshold;  // larger buffers: mmap, then huge pages
  const int trimThreshold = on ? 64 << 20 : kDefaultThreshold;
  return mallopt(M_MMAP_THRESHOLD, mmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, trimThreshold) == 1;
#else
  (void)on;
  return false;
#endif
}

}  // namespace tg
