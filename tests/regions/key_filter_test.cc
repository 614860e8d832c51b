#include "regions/key_filter.h"

#include <doctest/doctest.h>

#include <string>

namespace gtsim {
namespace {

constexpr size_t kKeys = 50'000;  // past the fifth slice

std::string pk(size_t i) {
  return "user-" + std::to_string(i);
}

TEST_CASE("a key filter answers maybe for every key added, in every slice") {
  KeyFilter filter;
  CHECK_FALSE(filter.may_contain("users", "a", ""));
  for (size_t i = 0; i < kKeys; ++i)
    filter.add("users", pk(i), "");
  size_t missed = 0;
  for (size_t i = 0; i < kKeys; ++i)
    missed += filter.may_contain("users", pk(i), "") ? 0 : 1;
  CHECK(missed == 0);
}

TEST_CASE("a key filter rules out nearly every key never added") {
  KeyFilter filter;
  for (size_t i = 0; i < kKeys; ++i)
    filter.add("users", pk(i), "s");
  // Keys that differ from added ones in one part only, or where the parts divide.
  size_t maybe = 0;
  for (size_t i = 0; i < kKeys; ++i) {
    maybe += filter.may_contain("users", pk(kKeys + i), "s") ? 1 : 0;
    maybe += filter.may_contain("orders", pk(i), "s") ? 1 : 0;
    maybe += filter.may_contain("users", pk(i), "t") ? 1 : 0;
    maybe += filter.may_contain("users", pk(i) + "s", "") ? 1 : 0;
  }
  // About 1% per full slice (key_filter.h): six slices hold 50,000 keys, about 4% here.
  MESSAGE("false positives: ", maybe, " of ", 4 * kKeys);
  CHECK(maybe < 4 * kKeys * 6 / 100);
}

TEST_CASE("a key filter takes about ten bits a key however many it holds") {
  KeyFilter filter;
  for (size_t i = 1; i <= kKeys; ++i) {
    filter.add("users", pk(i), "");
    // Slices double from 1,024 keys: what they can hold is at most twice what they hold, plus
    // the first.
    if (i % 1000 == 0) CHECK(filter.memory_bytes() * 8 <= 10 * (2 * i + 1024));
  }
}

}  // namespace
}  // namespace gtsim
