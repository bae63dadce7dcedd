// The arguments of a kernel of a generic group (native/ops.table): an ordered list of
// views, absent views (JS null) and numbers, as run(group, op, ...args) received them.
// The binding fills it; the group's kernel reads it by position, and a position of the
// wrong kind is a tg::Error naming the group and the position, never a crash.
#pragma once
#include "tg/error.h"
#include "tg/view.h"

namespace tg {

struct Operands {
  static constexpr int kMax = 12;
  enum class Kind : uint8_t { View, Null, Number };

  const char* group = "";  // for messages
  int count = 0;
  Kind kinds[kMax] = {};
  View views[kMax];
  double numbers[kMax] = {};

  const View& view(int i) const {
    TG_CHECK(kindAt(i) == Kind::View, "%s: argument %d must be a view", group, i);
    return views[i];
  }
  // A view, or null for an absent one.
  const View* optionalView(int i) const {
    const Kind k = kindAt(i);
    TG_CHECK(k != Kind::Number, "%s: argument %d must be a view or null", group, i);
    return k == Kind::View ? &views[i] : nullptr;
  }
  double number(int i) const {
    TG_CHECK(kindAt(i) == Kind::Number, "%s: argument %d must be a number", group, i);
    return numbers[i];
  }
  // A number taken as int32 (NaN and out-of-range values become INT32_MIN: the kernels
  // reject those as out of range).
  int integer(int i) const { return toInt32(number(i)); }

 private:
  Kind kindAt(int i) const {
    TG_CHECK(i >= 0 && i < count, "%s: expected at least %d arguments after the opcode, got %d", group, i + 1, count);
    return kinds[i];
  }
};

}  // namespace tg
