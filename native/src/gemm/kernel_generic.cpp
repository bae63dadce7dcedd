// Portable kernels: plain C++ the compiler can auto-vectorise for the baseline ISA
// (SSE2 on x86-64, NEON on arm64). Used when the CPU lacks AVX2+FMA, or on other
// architectures. Without -ffp-contract these are separate multiplies and adds.
#include "pack_impl.h"

namespace tg {
namespace gemm_detail {
namespace {

template <typename T, int MR, int NR>
void microGeneric(int64_t kc, const T* a, const T* b, T* c, int64_t ldc, bool accumulate) {
  T acc[MR][NR] = {};
  for (int64_t k = 0; k < kc; ++k, a += MR, b += NR) {
    for (int r = 0; r < MR; ++r) {
      const T ar = a[r];
      for (int j = 0; j < NR; ++j) acc[r][j] += ar * b[j];
    }
  }
  for (int r = 0; r < MR; ++r) {
    T* cr = c + r * ldc;
    if (accumulate) {
      for (int j = 0; j < NR; ++j) cr[j] = cr[j] + acc[r][j];
    } else {
      for (int j = 0; j < NR; ++j) cr[j] = acc[r][j];
    }
  }
}

// C = A·B with csB == 1 and unit column stride in C: rows of C built as axpys over k.
template <typename T>
void directGeneric(int64_t M, int64_t N, int64_t K, const T* A, int64_t rsA, int64_t csA,
                   const T* B, int64_t rsB, T* C, int64_t rsC) {
  for (int64_t i = 0; i < M; ++i) {
    T* c = C + i * rsC;
    const T* a = A + i * rsA;
    {
      const T a0 = a[0];
      for (int64_t j = 0; j < N; ++j) c[j] = a0 * B[j];
    }
    for (int64_t k = 1; k < K; ++k) {
      const T ak = a[k * csA];
      const T* b = B + k * rsB;
      for (int64_t j = 0; j < N; ++j) c[j] = c[j] + ak * b[j];
    }
  }
}

constexpr int kMrF = 4, kNrF = 8, kMrD = 4, kNrD = 4;

const KernelSet<float> kGenericF32 = {
    "generic", kMrF, kNrF, 128, 256, 2048,
    &microGeneric<float, kMrF, kNrF>,
    nullptr,
    &packAGeneric<float, kMrF>,
    &packBGeneric<float, kNrF>,
    &directGeneric<float>, 96.0 * 96 * 96,
};
const KernelSet<double> kGenericF64 = {
    "generic", kMrD, kNrD, 96, 256, 2048,
    &microGeneric<double, kMrD, kNrD>,
    nullptr,
    &packAGeneric<double, kMrD>,
    &packBGeneric<double, kNrD>,
    &directGeneric<double>, 96.0 * 96 * 96,
};

}  // namespace

const KernelSet<float>& genericKernelsF32() { return kGenericF32; }
const KernelSet<double>& genericKernelsF64() { return kGenericF64; }

}  // namespace gemm_detail
}  // namespace tg
