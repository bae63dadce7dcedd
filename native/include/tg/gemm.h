// General matrix multiply on strided operands: C = A·B, with A [M,K], B [K,N], C [M,N]
// given by element strides (rs = row stride, cs = column stride), so a transposed
// operand is just swapped strides and is never materialised.
//
// - Strides are >= 0; 0 broadcasts. C is overwritten (K = 0 gives zeros); M or N = 0
//   does nothing. A C whose elements overlap (e.g. a 0 stride) is computed on one thread.
// - Runs on ctx.pool for large enough products; the result is bitwise identical for any
//   thread count (see native/src/gemm/gemm.cpp). Small products take unpacked paths
//   (a [5,3]x[3,2] product is a few tens of nanoseconds).
// - Throws tg::Error on negative sizes or strides; bounds are the caller's job.
#pragma once
#include <cstdint>
#include "tg/context.h"

namespace tg {

template <typename T>
void gemm(Context& ctx, int64_t M, int64_t N, int64_t K,
          const T* A, int64_t rsA, int64_t csA,
          const T* B, int64_t rsB, int64_t csB,
          T* C, int64_t rsC, int64_t csC);

}  // namespace tg
