#include "scenarios/lag_stats.h"

#include <algorithm>
#include <map>

#include "model/errors.h"

namespace gtsim::scenarios {
namespace {

constexpr Micros kMaxBuckets = 60;

Micros nearest_rank(const std::vector<Micros>& sorted, int percent) {
  const size_t count = sorted.size();
  const size_t rank = (count * static_cast<size_t>(percent) + 99) / 100;  // ceil, >= 1
  return sorted[std::max<size_t>(rank, 1) - 1];
}

Micros floor_div(Micros a, Micros b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

}  // namespace

LagStats lag_stats(std::vector<Micros> samples) {
  LagStats stats;
  if (samples.empty()) return stats;
  std::sort(samples.begin(), samples.end());
  stats.count = static_cast<int64_t>(samples.size());
  Micros sum = 0;
  for (Micros lag : samples)
    sum += lag;
  stats.avg = floor_div(2 * sum + stats.count, 2 * stats.count);
  stats.min = samples.front();
  stats.p50 = nearest_rank(samples, 50);
  stats.p90 = nearest_rank(samples, 90);
  stats.p99 = nearest_rank(samples, 99);
  stats.max = samples.back();
  return stats;
}

Micros bucket_width(Micros run_length_us) {
  for (Micros power = kMillisecond;; power *= 10) {
    for (Micros factor : {1, 2, 5}) {
      if (factor * power * kMaxBuckets >= run_length_us) return factor * power;
    }
  }
}

std::vector<LagBucket> lag_buckets(const std::vector<std::pair<Micros, Micros>>& samples,
                                   Micros width) {
  GTSIM_CHECK(width > 0, "bucket width must be positive");
  std::map<Micros, std::vector<Micros>> by_bucket;
  for (const auto& [at, lag] : samples)
    by_bucket[floor_div(at, width)].push_back(lag);
  std::vector<LagBucket> buckets;
  for (auto& [index, lags] : by_bucket)
    buckets.push_back({index * width, lag_stats(std::move(lags))});
  return buckets;
}

}  // namespace gtsim::scenarios
