// Unit tests of bench/resources: a forked child's figures and peak memory reach the parent; a
// process's CPU time and the CPUs it may use are read as the kernel counts them.
#include <doctest/doctest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <thread>
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

namespace {

double rusage_cpu_seconds() {
  struct rusage usage = {};
  ::getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}  // namespace

TEST_CASE("process_cpu_seconds reads what getrusage counts for this process") {
  // Spend a fifth of a second of CPU (at most a thousand rounds of a million additions), so that
  // a misread field (another counter, or the children's time) cannot pass for it.
  volatile uint64_t sink = 0;
  const double start = rusage_cpu_seconds();
  for (int round = 0; round < 1000 && rusage_cpu_seconds() - start < 0.2; ++round) {
    for (uint64_t i = 0; i < 1'000'000; ++i)
      sink = sink + i;
  }
  const double from_rusage = rusage_cpu_seconds();
  const double from_proc = process_cpu_seconds(::getpid());
  REQUIRE(from_rusage >= 0.2);
  // /proc counts in clock ticks (10 ms); the two readings are a few microseconds apart.
  CHECK(std::abs(from_proc - from_rusage) < 0.05);
  CHECK(process_cpu_seconds(-1) == -1);
}

TEST_CASE("usable_cpus counts at least one CPU and no more than the machine has") {
  const int cpus = usable_cpus();
  CHECK(cpus >= 1);
  if (std::thread::hardware_concurrency() > 0)
    CHECK(cpus <= int(std::thread::hardware_concurrency()));
}

}  // namespace gtsim::bench
