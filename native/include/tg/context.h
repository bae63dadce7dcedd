// Everything the core keeps between calls. One Context per Node environment (the
// binding stores it as N-API instance data), so the addon has no C++ statics.
#pragma once
#include <cstdint>
#include <string>

#include "tg/threadpool.h"

namespace tg {

// The SIMD code paths, best first. TENSORGRAD_SIMD=avx512|avx2|scalar forces one (for
// tests and comparisons); a path the CPU lacks, or another value, is an error that
// simdError names and the binding reports when the module loads.
struct CpuFeatures {
  bool avx512 = false;  // AVX-512 F/BW/DQ/VL, with ZMM state enabled by the OS (XCR0)
  bool avx2 = false;    // AVX2 ...
  bool fma = false;     // ... with FMA3 (both checked together, with YMM state in XCR0)
  bool neon = false;    // arm64 Advanced SIMD (always present on arm64)
  // Data cache sizes in bytes as the OS reports them (0: unknown). GEMM blocking.
  int64_t l1d = 0, l2 = 0, l3 = 0;
  std::string simdError;  // set when TENSORGRAD_SIMD asked for what cannot run
};
CpuFeatures detectCpuFeatures();
// "avx512", "avx2", "neon" or "scalar": the path the kernels take with these features.
const char* simdName(const CpuFeatures& cpu);
int defaultThreadCount();

struct Context {
  CpuFeatures cpu = detectCpuFeatures();
  ThreadPool pool{defaultThreadCount()};
};

}  // namespace tg
