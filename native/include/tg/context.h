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

struct Context {
  CpuFeatures cpu = detectCpuFeatures();
  ThreadPool pool{defaultThreadCount()};
};

}  // namespace tg
