// The core reports bad input by throwing tg::Error; only binding/ turns it into a JS
// Error. Nothing in the core aborts the process.
#pragma once
#include <cstdio>
#include <stdexcept>
#include <string>

namespace tg {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <typename... Args>
[[noreturn]] void fail(const char* fmt, Args... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, args...);
  throw Error(buf);
}

}  // namespace tg

#define TG_CHECK(cond, ...)          \
  do {                               \
    if (!(cond)) ::tg::fail(__VA_ARGS__); \
  } while (0)
