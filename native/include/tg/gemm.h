// General matrix multiply on strided operands: C = A·B, with A [M,K], B [K,N], C [M,N]
// given by element strides (rs = row stride, cs = column stride), so a transposed
// operand is just swapped strides and is never materialised.
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
