#include "bench/context.h"

#include <algorithm>
#include <cmath>

namespace gtsim::bench {

BenchSizes BenchSizes::quick() {
  return {.apply_records = 20'000,
          .pipeline_records = 10'000,
          .lag_duration_us = 3'000'000,
          .lag_latencies_us = {0, 20'000, 80'000},
          .catchup_backlog = 20'000,
          .deterministic_duration_us = 10'000'000,
          .scale_items = 20'000};
}

BenchSizes BenchSizes::full() {
  return {.apply_records = 100'000,
          .pipeline_records = 50'000,
          .lag_duration_us = 10'000'000,
          .lag_latencies_us = {0, 20'000, 80'000},
          .catchup_backlog = 100'000,
          .deterministic_duration_us = 60'000'000,
          .scale_items = 1'000'000};
}

BenchSizes BenchSizes::scaled(double factor) const {
  // At least a couple of batches of everything, so that every figure has something to divide.
  auto count = [&](size_t n) { return std::max<size_t>(200, size_t(std::llround(n * factor))); };
  auto duration = [&](int64_t us) { return std::max<int64_t>(200'000, std::llround(us * factor)); };
  BenchSizes out = *this;
  out.apply_records = count(apply_records);
  out.pipeline_records = count(pipeline_records);
  out.lag_duration_us = duration(lag_duration_us);
  out.catchup_backlog = count(catchup_backlog);
  out.deterministic_duration_us = duration(deterministic_duration_us);
  out.scale_items = count(scale_items);
  return out;
}

}  // namespace gtsim::bench
