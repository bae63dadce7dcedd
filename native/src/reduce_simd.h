// Sums of contiguous runs with wider vectors, for reduce.cpp (which picks them from
// ctx.cpu). Each returns the run's sum accumulated in double, in its own fixed order
// (so a given path gives the same bits for any thread count).
#pragma once
#include <cstdint>

namespace tg {

// reduce.cpp's portable float32 sum (every path without AVX-512: avx2, neon, scalar) adds
// blocks of floats in 16 float lanes, kFloatBlockSteps loads per lane, folds the lanes
// once pairwise and widens them into double accumulators; the tail of a run goes into
// double directly. So each element takes part in at most kFloatBlockSteps float additions
// before it reaches double: the result is within (kFloatBlockSteps + 1) float32 roundings
// of Σ|x| of the exact sum, plus double roundings (PyTorch's float cascade sum is of that
// order). The AVX-512 float32 sum widens every element (bench/PROFILES.md, "W6 sum").
constexpr int kFloatBlockSteps = 8;

// reduce_avx512.cpp: 32 double lanes in 4 ZMM accumulators (element i goes to lane
// i mod 32), combined pairwise, then the tail in order.
double sumChunkAvx512(const float* p, int64_t n);
double sumChunkAvx512(const double* p, int64_t n);
bool sumAvx512Built();

}  // namespace tg
