// PyTorch's CPU generator (aten/src/ATen/core/MT19937RNGEngine.h, CPUGeneratorImpl):
// a 32-bit Mersenne Twister plus one cached standard normal. Its state is not owned
// here: it lives in a JS Uint32Array (lib/random.ts mirrors the layout below) that a
// kernel borrows for one call, so there are no C++ statics, every worker thread has
// its own generators, and getState() is a plain copy.
#pragma once
#include <cstdint>
#include <cstring>

namespace tg {

// Layout of a generator's state, in 32-bit words.
constexpr int kMtWords = 624;
constexpr int kGenIndex = 624;       // next state word to temper; kMtWords: twist first
constexpr int kGenHasNormal = 625;   // 1 while a cached normal is held, else 0
constexpr int kGenNormal = 626;      // the cached normal: a double in words 626..627
constexpr int kGenSeed = 628;        // the seed as a uint64 (low word first); JS keeps it
constexpr int kGeneratorWords = 630;

class Mt19937 {
 public:
  // The caller has checked that state[kGenIndex] <= kMtWords (see random.cpp).
  explicit Mt19937(uint32_t* state) : s_(state), index_(state[kGenIndex]) {}
  ~Mt19937() { s_[kGenIndex] = index_; }
  Mt19937(const Mt19937&) = delete;
  Mt19937& operator=(const Mt19937&) = delete;

  // std::mt19937's seeding; the first draw afterwards twists. Clears the cached normal.
  void seed(uint32_t seed) {
    s_[0] = seed;
    for (uint32_t j = 1; j < kMtWords; ++j) s_[j] = 1812433253u * (s_[j - 1] ^ (s_[j - 1] >> 30)) + j;
    index_ = kMtWords;
    s_[kGenHasNormal] = 0;
  }

  uint32_t next32() {
    if (index_ == kMtWords) twist();
    return temper(s_[index_++]);
  }
  // The next n draws, delivered in order as put(words, count) for runs of up to
  // kMtWords words: the same stream as n calls of next32(), tempered in loops the
  // compiler vectorises.
  template <typename Put>
  void draw32(int64_t n, Put&& put) {
    uint32_t words[kMtWords];
    while (n > 0) {
      if (index_ == kMtWords) twist();
      const int count = static_cast<int>(n < kMtWords - index_ ? n : kMtWords - index_);
      const uint32_t* src = s_ + index_;
      for (int j = 0; j < count; ++j) words[j] = temper(src[j]);
      index_ += count;
      n -= count;
      put(static_cast<const uint32_t*>(words), count);
    }
  }
  // PyTorch's random64(): the first draw is the high word.
  uint64_t next64() {
    const uint64_t hi = next32();
    return (hi << 32) | next32();
  }
  // The next n 64-bit draws, delivered like draw32's words: the same stream as n calls of
  // next64(). A pair split by a twist is drawn on its own.
  template <typename Put>
  void draw64(int64_t n, Put&& put) {
    uint64_t values[kMtWords / 2];
    while (n > 0) {
      if (index_ == kMtWords) twist();
      const int pairs = static_cast<int>(n < (kMtWords - index_) / 2 ? n : (kMtWords - index_) / 2);
      if (pairs == 0) {
        values[0] = next64();
        put(static_cast<const uint64_t*>(values), 1);
        --n;
        continue;
      }
      const uint32_t* src = s_ + index_;
      for (int j = 0; j < pairs; ++j) values[j] = (uint64_t(temper(src[2 * j])) << 32) | temper(src[2 * j + 1]);
      index_ += 2 * pairs;
      n -= pairs;
      put(static_cast<const uint64_t*>(values), pairs);
    }
  }
  // uniform_real_distribution: the low 24 (float) or 53 (double) bits, scaled to [0, 1).
  static float unitF32(uint32_t word) { return static_cast<float>(word & 0xFFFFFFu) * 0x1p-24f; }
  static double unitF64(uint64_t draw) { return static_cast<double>(draw & ((uint64_t(1) << 53) - 1)) * 0x1p-53; }
  double unitF64() { return unitF64(next64()); }

  bool takeCachedNormal(double* z) {
    if (s_[kGenHasNormal] == 0) return false;
    std::memcpy(z, s_ + kGenNormal, sizeof(double));
    s_[kGenHasNormal] = 0;
    return true;
  }
  void cacheNormal(double z) {
    std::memcpy(s_ + kGenNormal, &z, sizeof(double));
    s_[kGenHasNormal] = 1;
  }

 private:
  static uint32_t temper(uint32_t y) {
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    return y ^ (y >> 18);
  }
  static uint32_t mix(uint32_t u, uint32_t v) {
    return (((u & 0x80000000u) | (v & 0x7fffffffu)) >> 1) ^ ((v & 1u) ? 0x9908b0dfu : 0u);
  }
  void twist() {
    constexpr int M = 397;
    int i = 0;
    for (; i < kMtWords - M; ++i) s_[i] = s_[i + M] ^ mix(s_[i], s_[i + 1]);
    for (; i < kMtWords - 1; ++i) s_[i] = s_[i + M - kMtWords] ^ mix(s_[i], s_[i + 1]);
    s_[kMtWords - 1] = s_[M - 1] ^ mix(s_[kMtWords - 1], s_[0]);
    index_ = 0;
  }

  uint32_t* s_;
  uint32_t index_;
};

}  // namespace tg
