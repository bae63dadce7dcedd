// The float32 FMA peak of one core, measured with a loop whose only work is independent
// multiply-adds on registers: the ceiling a GEMM micro-kernel can approach. The bench
// prints it so GEMM figures can be read as a fraction of the machine's peak. One loop
// per vector width, each in a file compiled for its ISA (peak_avx2.cpp, peak_avx512.cpp).
#pragma once
#include <cstdint>

namespace tg {

// FLOPs done by fmaLoopAvx2(iters) (eight-lane FMAs count 16 FLOPs each).
int64_t fmaLoopAvx2Flops(int64_t iters);
// Runs the AVX2 loop; the result only keeps the compiler from removing it.
float fmaLoopAvx2(int64_t iters);
bool fmaLoopAvx2Built();

// The same with sixteen-lane AVX-512 FMAs (32 FLOPs each).
int64_t fmaLoopAvx512Flops(int64_t iters);
float fmaLoopAvx512(int64_t iters);
bool fmaLoopAvx512Built();

}  // namespace tg
