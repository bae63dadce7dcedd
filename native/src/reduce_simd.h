// Sums of contiguous runs with wider vectors, for reduce.cpp (which picks them from
// ctx.cpu). Each returns the run's sum accumulated in double, in its own fixed order
// (so a given path gives the same bits for any thread count).
#pragma once
#include <cstdint>

namespace tg {

// reduce_avx512.cpp: 32 double lanes in 4 ZMM accumulators (element i goes to lane
// i mod 32), combined pairwise, then the tail in order.
double sumChunkAvx512(const float* p, int64_t n);
double sumChunkAvx512(const double* p, int64_t n);
bool sumAvx512Built();

}  // namespace tg
