// fmaPeakRounds / fmaPeakGflops (kernels.h): time the register-only FMA loop of peak.h for
// the widest vectors of the selected SIMD path in short rounds. The best round ignores a
// round that lost the CPU to another process; the rounds themselves let a bench compare a
// GEMM with the loop's typical round measured alongside it.
#include <algorithm>
#include <chrono>

#include "peak.h"
#include "tg/error.h"
#include "tg/kernels.h"

namespace tg {

std::vector<double> fmaPeakRounds(Context& ctx, double seconds) {
  TG_CHECK(seconds > 0 && seconds <= 60, "fmaPeak: seconds must be in (0, 60], got %g", seconds);
  const bool wide = ctx.cpu.avx512 && fmaLoopAvx512Built();
  TG_CHECK(wide || (ctx.cpu.avx2 && ctx.cpu.fma && fmaLoopAvx2Built()),
           "fmaPeak: only measured for AVX2+FMA or AVX-512 CPUs (this one has no such code path)");
  using Clock = std::chrono::steady_clock;
  constexpr int64_t kRoundIters = 1 << 18;  // ~0.3 ms at 3 GHz
  const int64_t flops = wide ? fmaLoopAvx512Flops(kRoundIters) : fmaLoopAvx2Flops(kRoundIters);
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  std::vector<double> rounds;
  volatile float sink = 0;
  do {
    const auto t0 = Clock::now();
    sink = sink + (wide ? fmaLoopAvx512(kRoundIters) : fmaLoopAvx2(kRoundIters));
    const double ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
    if (ns > 0) rounds.push_back(double(flops) / ns);
  } while (Clock::now() < end);
  return rounds;
}

double fmaPeakGflops(Context& ctx, double seconds) {
  const std::vector<double> rounds = fmaPeakRounds(ctx, seconds);
  return rounds.empty() ? 0 : *std::max_element(rounds.begin(), rounds.end());
}

}  // namespace tg
