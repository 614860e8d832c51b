#include "regions/clock.h"

#include <doctest/doctest.h>

using gtsim::ClockSettings;
using gtsim::RegionClock;

TEST_CASE("region clock applies offset drift and jumps") {
  RegionClock clock(ClockSettings{5000, 100, {{2'000'000, -30'000}}}, 0);
  CHECK(clock.read(0) == 5000);
  CHECK(clock.read(1'000'000) == 1'000'000 + 5000 + 100);
  CHECK(clock.read(2'000'000) == 2'000'000 + 5000 + 200 - 30'000);
  clock.set_offset(3'000'000, 0);
  CHECK(clock.read(3'000'000) == 3'000'000);
  CHECK(clock.read(4'000'000) == 4'000'000 + 100);  // drift goes on from the new anchor
  clock.set_drift(4'000'000, 0);
  clock.jump(4'000'000, 7);
  CHECK(clock.read(5'000'000) == 5'000'000 + 100 + 7);
}
