// Element types of the kernel core. The binding derives a view's dtype from the JS
// typed array that backs it (Float32Array, Float64Array, Int32Array, Uint8Array).
#pragma once
#include <cstdint>
#include <cstddef>

namespace tg {

enum class DType : int32_t { F32 = 0, F64 = 1, I32 = 2, Bool = 3 };

inline size_t itemSize(DType d) {
  switch (d) {
    case DType::F32: return 4;
    case DType::F64: return 8;
    case DType::I32: return 4;
    case DType::Bool: return 1;
  }
  return 0;
}

inline const char* dtypeName(DType d) {
  switch (d) {
    case DType::F32: return "float32";
    case DType::F64: return "float64";
    case DType::I32: return "int32";
    case DType::Bool: return "bool";
  }
  return "?";
}

// Float -> int32 as x86 does it (truncation; NaN and out-of-range give INT32_MIN), without
// the undefined behaviour of a plain cast.
inline int32_t toInt32(double x) {
  if (!(x > -2147483649.0 && x < 2147483648.0)) return INT32_MIN;
  return static_cast<int32_t>(x);
}

template <typename T> struct DTypeOf;
template <> struct DTypeOf<float> { static constexpr DType value = DType::F32; };
template <> struct DTypeOf<double> { static constexpr DType value = DType::F64; };
template <> struct DTypeOf<int32_t> { static constexpr DType value = DType::I32; };
template <> struct DTypeOf<uint8_t> { static constexpr DType value = DType::Bool; };

// Calls fn(T{}) with T the C++ type of `d`.
template <typename Fn>
decltype(auto) dispatchDType(DType d, Fn&& fn) {
  switch (d) {
    case DType::F32: return fn(float{});
    case DType::F64: return fn(double{});
    case DType::I32: return fn(int32_t{});
    case DType::Bool: break;
  }
  return fn(uint8_t{});
}

}  // namespace tg
