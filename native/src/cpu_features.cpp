#include <cstdlib>
#include <cstring>
#include <thread>

#include "tg/context.h"
#include "tg/portable.h"

namespace tg {

CpuFeatures detectCpuFeatures() {
  CpuFeatures f;
  // TENSORGRAD_SIMD=scalar selects the portable kernels, e.g. to test them on an AVX2 CPU.
  const char* simd = std::getenv("TENSORGRAD_SIMD");
  if (simd != nullptr && std::strcmp(simd, "scalar") == 0) return f;
#if (defined(__x86_64__) || defined(_M_X64)) && TG_HAVE_GNU_BUILTINS  // others: portable kernels only
  __builtin_cpu_init();
  f.avx2 = __builtin_cpu_supports("avx2");
  f.fma = __builtin_cpu_supports("fma");
#endif
  return f;
}

int defaultThreadCount() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

}  // namespace tg
