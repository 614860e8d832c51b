// Unit tests of bench/resources: a forked child's figures and peak memory reach the parent.
#include <doctest/doctest.h>

#include <cstring>
#include <stdexcept>
#include <vector>

#include "bench/resources.h"
#include "model/errors.h"

namespace gtsim::bench {

TEST_CASE("run_in_child returns the figures its child returned, bit for bit") {
  const std::vector<double> sent = {1.5, -0.0, 1e-300, 123456789.125};
  const ChildRun run = run_in_child([&] { return sent; });
  REQUIRE(run.figures.size() == sent.size());
  CHECK(std::memcmp(run.figures.data(), sent.data(), sent.size() * sizeof(double)) == 0);
  CHECK(run_in_child([] { return std::vector<double>{}; }).figures.empty());
}

TEST_CASE("run_in_child counts the memory its child touched") {
  constexpr size_t kBytes = size_t{96} << 20;
  const ChildRun run = run_in_child([] {
    std::vector<char> block(kBytes);
    std::memset(block.data(), 1, block.size());
    return std::vector<double>{double(block[kBytes - 1])};
  });
  CHECK(run.figures == std::vector<double>{1.0});
  CHECK(run.peak_rss_bytes >= int64_t(kBytes));
}

TEST_CASE("run_in_child reports a child that threw as failed") {
  CHECK_THROWS_AS(run_in_child([]() -> std::vector<double> { throw std::runtime_error("no"); }),
                  DynamoError);
}

}  // namespace gtsim::bench
