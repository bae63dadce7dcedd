// The register-only FMA loop of peak.h, written once over a vector-ops struct V that
// each ISA file (peak_avx2.cpp, peak_avx512.cpp) defines: R (register), W (float lanes),
// set1(x), fma(a, b, c) = a·b + c, add(a, b), first(r) (lane 0). Internal linkage for
// the reason given in gemm/pack_impl.h.
#pragma once
#include <cstdint>

namespace tg {
namespace {

// Twelve independent chains: enough to cover an FMA latency of 4-5 cycles on two ports.
constexpr int kPeakChains = 12;

template <typename V>
int64_t fmaLoopFlops(int64_t iters) {
  return iters * kPeakChains * V::W * 2;
}

template <typename V>
float fmaLoop(int64_t iters) {
  using R = typename V::R;
  // Named variables, not an array: an array indexed in a loop would live in memory.
  const R mul = V::set1(0.999999f), add = V::set1(1e-7f);
  R a0 = add, a1 = add, a2 = add, a3 = add, a4 = add, a5 = add;
  R a6 = add, a7 = add, a8 = add, a9 = add, a10 = add, a11 = add;
  for (int64_t i = 0; i < iters; ++i) {
    a0 = V::fma(a0, mul, add), a1 = V::fma(a1, mul, add), a2 = V::fma(a2, mul, add);
    a3 = V::fma(a3, mul, add), a4 = V::fma(a4, mul, add), a5 = V::fma(a5, mul, add);
    a6 = V::fma(a6, mul, add), a7 = V::fma(a7, mul, add), a8 = V::fma(a8, mul, add);
    a9 = V::fma(a9, mul, add), a10 = V::fma(a10, mul, add), a11 = V::fma(a11, mul, add);
    // An empty asm that "may change" the accumulators keeps the loop from being folded.
    asm volatile("" : "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3), "+v"(a4), "+v"(a5), "+v"(a6), "+v"(a7), "+v"(a8),
                 "+v"(a9), "+v"(a10), "+v"(a11));
  }
  const R sum = V::add(V::add(V::add(a0, a1), V::add(a2, a3)), V::add(V::add(a4, a5), V::add(a6, a7)));
  return V::first(V::add(sum, V::add(V::add(a8, a9), V::add(a10, a11))));
}

}  // namespace
}  // namespace tg
