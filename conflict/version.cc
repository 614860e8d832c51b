#include "conflict/version.h"

#include <algorithm>

namespace gtsim {

void VersionVector::advance(const std::string& region, uint64_t seq) {
  if (seq == 0) return;
  uint64_t& counter = counters_[region];
  counter = std::max(counter, seq);
}

void VersionVector::merge(const VersionVector& other) {
  for (const auto& [region, seq] : other.counters_)
    advance(region, seq);
}

uint64_t VersionVector::get(const std::string& region) const {
  auto it = counters_.find(region);
  return it == counters_.end() ? 0 : it->second;
}

CausalOrder VersionVector::compare(const VersionVector& other) const {
  bool some_less = false;
  bool some_greater = false;
  for (const auto& [region, seq] : counters_) {
    uint64_t theirs = other.get(region);
    some_greater |= seq > theirs;
    some_less |= seq < theirs;
  }
  for (const auto& [region, seq] : other.counters_)
    some_less |= get(region) < seq;
  if (some_less && some_greater) return CausalOrder::kConcurrent;
  if (some_less) return CausalOrder::kBefore;
  if (some_greater) return CausalOrder::kAfter;
  return CausalOrder::kEqual;
}

}  // namespace gtsim
