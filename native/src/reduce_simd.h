// Sums of contiguous runs with wider vectors, for reduce.cpp (which picks them from
// ctx.cpu). Each returns the run's sum as a double, added up in its own fixed order
// (so a given path gives the same bits for any thread count).
#pragma once
#include <cstdint>

namespace tg {

// Float32 sums (here and reduce.cpp's portable one) add up blocks of floats in float
// vectors, kFloatBlockSteps loads per accumulator chain, fold the chains pairwise (at most
// 4 chains) and widen each block's lanes into double accumulators; the tail of a run goes
// into double directly. So each element takes part in at most kFloatBlockSteps + 1 float
// additions before it reaches double: the result is within about (kFloatBlockSteps + 2)
// float32 roundings of Σ|x| of the exact sum (PyTorch's float cascade sum is of that order).
constexpr int kFloatBlockSteps = 8;

// reduce_avx512.cpp. float: blocks of 512 floats in 4 ZMM chains, widened into 16 double
// lanes, then 16-float vectors widened, then the tail in order. double: 32 double lanes
// in 4 ZMM accumulators (element i goes to lane i mod 32), combined pairwise, then the
// tail in order.
double sumChunkAvx512(const float* p, int64_t n);
double sumChunkAvx512(const double* p, int64_t n);
bool sumAvx512Built();

}  // namespace tg
