#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

#include "tg/context.h"
#include "tg/portable.h"

#if (defined(__x86_64__) || defined(_M_X64)) && TG_HAVE_GNU_BUILTINS  // MSVC: portable kernels
#include <cpuid.h>
#endif

namespace tg {

namespace {

#if (defined(__x86_64__) || defined(_M_X64)) && TG_HAVE_GNU_BUILTINS  // MSVC: portable kernels
// XCR0, the register state the OS saves on context switches (needs OSXSAVE).
uint64_t xcr0() {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (uint64_t(hi) << 32) | lo;
}

void detectX86(CpuFeatures& f) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return;
  const bool osxsave = c & bit_OSXSAVE, fma = c & bit_FMA, avx = c & bit_AVX;
  if (!osxsave || !avx) return;
  const uint64_t xcr = xcr0();
  const bool ymmState = (xcr & 0x6) == 0x6;             // SSE + AVX state
  const bool zmmState = ymmState && (xcr & 0xE0) == 0xE0;  // opmask + ZMM0-15 high + ZMM16-31
  if (!ymmState || !__get_cpuid_count(7, 0, &a, &b, &c, &d)) return;
  f.avx2 = b & bit_AVX2;
  f.fma = fma;
  f.avx512 = zmmState && f.avx2 && f.fma && (b & bit_AVX512F) && (b & bit_AVX512BW) && (b & bit_AVX512DQ) &&
             (b & bit_AVX512VL);
}
#endif

void detectCaches(CpuFeatures& f) {
#if defined(_SC_LEVEL1_DCACHE_SIZE) && defined(_SC_LEVEL2_CACHE_SIZE) && defined(_SC_LEVEL3_CACHE_SIZE)
  f.l1d = sysconf(_SC_LEVEL1_DCACHE_SIZE) > 0 ? sysconf(_SC_LEVEL1_DCACHE_SIZE) : 0;
  f.l2 = sysconf(_SC_LEVEL2_CACHE_SIZE) > 0 ? sysconf(_SC_LEVEL2_CACHE_SIZE) : 0;
  f.l3 = sysconf(_SC_LEVEL3_CACHE_SIZE) > 0 ? sysconf(_SC_LEVEL3_CACHE_SIZE) : 0;
#endif
}

}  // namespace

CpuFeatures detectCpuFeatures() {
  CpuFeatures f;
  detectCaches(f);
#if (defined(__x86_64__) || defined(_M_X64)) && TG_HAVE_GNU_BUILTINS  // MSVC: portable kernels
  detectX86(f);
#elif defined(__aarch64__)
  f.neon = true;
#endif
  const char* simd = std::getenv("TENSORGRAD_SIMD");
  if (simd == nullptr || *simd == '\0') return f;
  if (std::strcmp(simd, "scalar") == 0) {
    f.avx512 = f.avx2 = f.fma = f.neon = false;
  } else if (std::strcmp(simd, "avx2") == 0) {
    if (!(f.avx2 && f.fma)) f.simdError = "TENSORGRAD_SIMD=avx2, but this CPU has no AVX2+FMA";
    f.avx512 = false;
  } else if (std::strcmp(simd, "avx512") == 0) {
    if (!f.avx512)
      f.simdError = "TENSORGRAD_SIMD=avx512, but this CPU (or its OS) has no AVX-512 F/BW/DQ/VL with ZMM state";
  } else if (std::strcmp(simd, "neon") == 0) {
    if (!f.neon) f.simdError = "TENSORGRAD_SIMD=neon, but this is not an arm64 build";
  } else {
    f.simdError = std::string("TENSORGRAD_SIMD must be avx512, avx2, neon or scalar, got '") + simd + "'";
  }
  if (!f.simdError.empty()) f.avx512 = f.avx2 = f.fma = f.neon = false;
  return f;
}

const char* simdName(const CpuFeatures& cpu) {
  if (cpu.avx512) return "avx512";
  if (cpu.avx2 && cpu.fma) return "avx2";
  if (cpu.neon) return "neon";
  return "scalar";
}

int defaultThreadCount() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

}  // namespace tg
