// The AVX2 build of the float32 normal transform (normal16.h): the same arithmetic as
// the portable build, eight lanes at a time, on vec_avx2.h's vector operations.
// Compiled with -mavx2 -mfma.
#include "normal16.h"

#if (defined(__x86_64__) || defined(_M_X64)) && defined(__AVX2__) && defined(__FMA__)
#include "vec_avx2.h"

namespace tg {

bool normalAvx2Built() { return true; }

void normalFillAvx2(float* data, int64_t blocks, float mean, float std) {
  for (int64_t b = 0; b < blocks; ++b) normal16::fill16<vecmath::Avx2>(data + 16 * b, mean, std);
}

}  // namespace tg

#else  // not an x86-64 build with AVX2: random.cpp never calls normalFillAvx2.

#include "tg/error.h"

namespace tg {
bool normalAvx2Built() { return false; }
void normalFillAvx2(float*, int64_t, float, float) { throw Error("normalFillAvx2: not built for this CPU"); }
}  // namespace tg

#endif
