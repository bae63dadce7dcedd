#include "tg/memory.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

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

bool tuneProcessAllocator() {
#if defined(__GLIBC__)
  const char* opt = std::getenv("TENSORGRAD_MALLOC_TUNING");
  if (opt != nullptr && std::strcmp(opt, "0") == 0) return false;
  // Setting either parameter turns off glibc's own adjustment of both, so set both.
  constexpr int kMmapThreshold = 4 << 20;  // larger buffers: mmap, then huge pages
  constexpr int kTrimThreshold = 64 << 20;
  return mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1;
#else
  return false;
#endif
}

}  // namespace tg
