// Everything the core keeps between calls. One Context per Node environment (the
// binding stores it as N-API instance data), so the addon has no C++ statics.
#pragma once
#include "tg/threadpool.h"

namespace tg {

struct CpuFeatures {
  bool avx2 = false;
  bool fma = false;
};
CpuFeatures detectCpuFeatures();
int defaultThreadCount();

// Tunes glibc malloc for tensor workloads; called when the addon loads (process-wide,
// idempotent). Node frees an ArrayBuffer's memory only when the garbage collector
// sweeps it, many at once, and glibc then hands the heap top back to the OS (trim) or
// unmaps the block (mid-size blocks are mmapped): the next output of the same size
// faults its pages in again, 4 KB at a time, and a 128 KB ReLU-backward output cost
// 100 us instead of 30. This keeps up to 64 MB of freed heap for reuse and serves
// blocks under 4 MB from the heap (larger ones are mmapped and get huge pages, see
// memory.h). TENSORGRAD_MALLOC_TUNING=0 leaves malloc alone. Returns whether it applied.
bool tuneProcessAllocator();

struct Context {
  CpuFeatures cpu = detectCpuFeatures();
  ThreadPool pool{defaultThreadCount()};
};

}  // namespace tg
