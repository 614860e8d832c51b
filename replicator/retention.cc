#include "replicator/retention.h"

#include <algorithm>

namespace gtsim::replication {
namespace {

constexpr int64_t kMinIntervalUs = 1'000;
constexpr int64_t kMaxIntervalUs = 60'000'000;

}  // namespace

int64_t retention_interval_us(int64_t shortest_retention_us) {
  return std::clamp(shortest_retention_us / 10, kMinIntervalUs, kMaxIntervalUs);
}

std::optional<int64_t> Retention::run_due(Region& region, int64_t now_us) {
  std::optional<int64_t> shortest = region.shortest_retention_us();
  if (!shortest) return std::nullopt;
  // The interval is taken from the tables held now, so a table created with a short retention
  // shortens the wait already under way.
  int64_t interval = retention_interval_us(*shortest);
  if (!last_run_us_ || now_us >= *last_run_us_ + interval) {
    region.trim(now_us);
    last_run_us_ = now_us;
  }
  return *last_run_us_ + interval;
}

}  // namespace gtsim::replication
