// Internal interface between the GEMM driver (gemm.cpp, portable) and the per-ISA
// kernel sets (kernel_avx512.cpp and kernel_avx2.cpp compiled with their ISA flags,
// kernel_neon.cpp on arm64, kernel_generic.cpp portable).
//
// Packed layouts (BLIS/GotoBLAS):
//  - A block [mc x kc] is stored as ceil(mc/MR) row panels; panel p holds rows
//    p*MR .. p*MR+MR-1 as kc columns of MR contiguous values: Ap[p*MR*kc + k*MR + r].
//    Rows past mc are zero.
//  - B block [kc x nc] is stored as ceil(nc/NR) column panels; panel q holds columns
//    q*NR .. q*NR+NR-1 as kc rows of NR contiguous values: Bp[q*NR*kc + k*NR + c].
//    Columns past nc are zero.
// The micro-kernel computes one MR x NR tile: acc = sum_k Ap[k,:]ᵀ Bp[k,:] with one
// multiply-add chain per element in k order, then C = acc (first K block) or
// C = C + acc (later K blocks). Every tile of C, full or edge, goes through the same
// kernel, so an element's value depends only on the K blocking, never on where its
// tile sits or on how M/N were split between threads.
#pragma once
#include <cstdint>

namespace tg {
namespace gemm_detail {

// A micro-tile computed but not yet written to C (KernelSet::microPipelined).
enum class TileStore { None, Set, Add };  // nothing pending; C = acc; C = C + acc
template <typename T>
struct PendingTile {
  TileStore mode = TileStore::None;
  const T* acc = nullptr;  // MR x NR accumulators, row-major, 64-byte aligned
  T* c = nullptr;          // their place in C (row stride ldc, unit column stride)
  int64_t ldc = 0;
};

template <typename T>
struct KernelSet {
  const char* name;
  int mr, nr;              // micro-tile
  int64_t mc, kc, nc;      // cache blocking (upper bounds; the driver balances blocks)
  // C[0..MR)[0..NR) at c with row stride ldc and unit column stride.
  void (*micro)(int64_t kc, const T* a, const T* b, T* c, int64_t ldc, bool accumulate);
  // The same for the first `rows` (1 <= rows < MR) rows only, or nullptr (the driver
  // then runs micro into a scratch tile). Same per-element arithmetic as micro.
  void (*microEdge)(int rows, int64_t kc, const T* a, const T* b, T* c, int64_t ldc, bool accumulate);
  // Packs A[i0.., k0..] (mc x kc, strided, pointer already offset) into row panels.
  void (*packA)(int64_t mc, int64_t kc, const T* A, int64_t rsA, int64_t csA, T* dst);
  // Packs B (kc x nc, strided, pointer already offset) into column panels.
  void (*packB)(int64_t kc, int64_t nc, const T* B, int64_t rsB, int64_t csB, T* dst);
  // Unpacked kernel for small problems, or nullptr: C = A·B for B with unit column
  // stride (csB == 1) and C with unit column stride; A any strides. K >= 1.
  void (*direct)(int64_t M, int64_t N, int64_t K, const T* A, int64_t rsA, int64_t csA,
                 const T* B, int64_t rsB, T* C, int64_t rsC);
  // M·N·K up to which the direct kernel beats packing while B stays in L2 (gemm.cpp).
  double directWork;
  // Optional (nullptr: the driver uses direct or its scalar loops): a matrix times a
  // vector along the matrix's contiguous rows, y[i·incy] = Σ_k A[i·rsA + k]·x[k] for
  // i < M, x contiguous (tile_impl.h: dots; not one k-order chain per element).
  void (*dots)(int64_t M, int64_t K, const T* A, int64_t rsA, const T* x, T* y, int64_t incy) = nullptr;
  // The share of L1 that the B micro-panel (kc x NR) fills (gemm.cpp: cacheBlocking).
  double kcL1Share = 0.5;
  // Optional (nullptr: the driver uses micro): the full tile's accumulators into acc
  // (MR x NR, 64-byte aligned) instead of C, while writing the previous tile `prev` to
  // C (the same single store or addition per element as micro). c/ldc: where this tile
  // will go (the kernel prefetches it). The driver writes the last pending tile itself.
  void (*microPipelined)(int64_t kc, const T* a, const T* b, T* acc, const T* c, int64_t ldc,
                         const PendingTile<T>& prev) = nullptr;
};

// Largest micro-tile of any kernel set (the driver's scratch tile for edge tiles).
constexpr int kMaxMicroTile = 16 * 32;

// Defined in kernel_avx512.cpp (only call when ctx.cpu.avx512).
const KernelSet<float>& avx512KernelsF32();
const KernelSet<double>& avx512KernelsF64();
bool avx512KernelsBuilt();
// Defined in kernel_avx2.cpp (only call when the CPU has AVX2 and FMA).
const KernelSet<float>& avx2KernelsF32();
const KernelSet<double>& avx2KernelsF64();
// Defined in kernel_neon.cpp (only call when ctx.cpu.neon).
const KernelSet<float>& neonKernelsF32();
const KernelSet<double>& neonKernelsF64();
bool neonKernelsBuilt();
// Defined in kernel_generic.cpp.
const KernelSet<float>& genericKernelsF32();
const KernelSet<double>& genericKernelsF64();
// Whether kernel_avx2.cpp was built with AVX2 code (x86-64 builds only).
bool avx2KernelsBuilt();

// For benchmarks and tuning only (native/test/gemm_bench.cpp): the GEMM with its
// choices overridden per call. tg::gemm is gemmTuned with default Tuning.
enum class Path { Auto, Tiny, Direct, Packed };
struct Tuning {
  Path path = Path::Auto;    // Direct falls back to Packed when the layout does not fit
  double threadWork = -1;    // M·N·K from which to use the pool; < 0: the built-in value
  bool generic = false;      // use the portable kernels even on SIMD CPUs
  int64_t mc = 0, kc = 0, nc = 0;  // cache blocking overrides (0: the kernel set's)
  bool pipelined = true;     // false: never KernelSet::microPipelined (tests compare the two)
};

}  // namespace gemm_detail
}  // namespace tg

namespace tg {
struct Context;
namespace gemm_detail {
template <typename T>
void gemmTuned(Context& ctx, const Tuning& tuning, int64_t M, int64_t N, int64_t K, const T* A, int64_t rsA,
               int64_t csA, const T* B, int64_t rsB, int64_t csB, T* C, int64_t rsC, int64_t csC);
}  // namespace gemm_detail
}  // namespace tg
