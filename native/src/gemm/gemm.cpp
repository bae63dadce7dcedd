// Reference GEMM: correct for any strides. The packed, threaded SIMD version replaces
// this file (issue: native performance).
#include "tg/gemm.h"

namespace tg {

template <typename T>
void gemm(Context&, int64_t M, int64_t N, int64_t K,
          const T* A, int64_t rsA, int64_t csA,
          const T* B, int64_t rsB, int64_t csB,
          T* C, int64_t rsC, int64_t csC) {
  for (int64_t i = 0; i < M; ++i) {
    for (int64_t j = 0; j < N; ++j) C[i * rsC + j * csC] = T(0);
    for (int64_t k = 0; k < K; ++k) {
      const T a = A[i * rsA + k * csA];
      for (int64_t j = 0; j < N; ++j) C[i * rsC + j * csC] += a * B[k * rsB + j * csB];
    }
  }
}

template void gemm<float>(Context&, int64_t, int64_t, int64_t, const float*, int64_t, int64_t,
                          const float*, int64_t, int64_t, float*, int64_t, int64_t);
template void gemm<double>(Context&, int64_t, int64_t, int64_t, const double*, int64_t, int64_t,
                           const double*, int64_t, int64_t, double*, int64_t, int64_t);

}  // namespace tg
