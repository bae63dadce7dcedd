// Portable packing and reference micro-kernel templates, included by each kernel TU.
//
// Everything here has internal linkage (anonymous namespace) on purpose: the same
// template is compiled once with -mavx2 -mfma (kernel_avx2.cpp) and once portably
// (kernel_generic.cpp). With external linkage the linker would keep one COMDAT copy,
// possibly the AVX2 one, and portable code could then execute AVX2 instructions on a
// CPU without them. For the same reason this header avoids std:: function templates.
#pragma once
#include <cstdint>

#include "gemm_kernels.h"

namespace tg {
namespace gemm_detail {
namespace {

inline int64_t imin(int64_t a, int64_t b) { return a < b ? a : b; }

// Generic strided packing of an A block into MR-row panels (see gemm_kernels.h).
template <typename T, int MR>
void packAGeneric(int64_t mc, int64_t kc, const T* A, int64_t rsA, int64_t csA, T* dst) {
  for (int64_t i0 = 0; i0 < mc; i0 += MR, dst += MR * kc) {
    const int64_t rows = imin(MR, mc - i0);
    const T* src = A + i0 * rsA;
    if (csA == 1 && rows == MR) {
      // Row-major A: MR read streams along k.
      for (int64_t k = 0; k < kc; ++k)
        for (int r = 0; r < MR; ++r) dst[k * MR + r] = src[r * rsA + k];
    } else if (rsA == 1) {
      // Column-major A (a transposed operand): each k is `rows` contiguous values.
      for (int64_t k = 0; k < kc; ++k) {
        const T* s = src + k * csA;
        int r = 0;
        for (; r < rows; ++r) dst[k * MR + r] = s[r];
        for (; r < MR; ++r) dst[k * MR + r] = T(0);
      }
    } else {
      for (int64_t k = 0; k < kc; ++k) {
        int r = 0;
        for (; r < rows; ++r) dst[k * MR + r] = src[r * rsA + k * csA];
        for (; r < MR; ++r) dst[k * MR + r] = T(0);
      }
    }
  }
}

// Generic strided packing of a B block into NR-column panels (see gemm_kernels.h).
template <typename T, int NR>
void packBGeneric(int64_t kc, int64_t nc, const T* B, int64_t rsB, int64_t csB, T* dst) {
  for (int64_t j0 = 0; j0 < nc; j0 += NR, dst += NR * kc) {
    const int64_t cols = imin(NR, nc - j0);
    const T* src = B + j0 * csB;
    if (csB == 1 && cols == NR) {
      for (int64_t k = 0; k < kc; ++k)
        for (int c = 0; c < NR; ++c) dst[k * NR + c] = src[k * rsB + c];
    } else if (rsB == 1 && cols == NR) {
      // Column-major B (a transposed operand): NR read streams along k.
      for (int64_t k = 0; k < kc; ++k)
        for (int c = 0; c < NR; ++c) dst[k * NR + c] = src[c * csB + k];
    } else {
      for (int64_t k = 0; k < kc; ++k) {
        int c = 0;
        for (; c < cols; ++c) dst[k * NR + c] = src[k * rsB + c * csB];
        for (; c < NR; ++c) dst[k * NR + c] = T(0);
      }
    }
  }
}

}  // namespace
}  // namespace gemm_detail
}  // namespace tg
