// Versions of an item and the orders between them.
//
// Every write is a version: the region it originated in, that region's sequence number for it (one
// counter per region, over all items), and its last-writer-wins timestamp from the origin's clock.
// Versions are totally ordered by LwwStamp; items also carry a version vector, which orders
// versions causally and tells a concurrent write (a conflict) from a causally later one.
//
// Thread-safety: value types.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <string>

namespace gtsim {

// Identifies one write: (origin region, origin sequence number).
struct VersionId {
  std::string origin;
  uint64_t seq = 0;
  auto operator<=>(const VersionId&) const = default;
};

// A write's place in last-writer-wins order: timestamp first, then origin region name (gtsim's
// documented tie-break; DynamoDB documents none), then origin sequence, which only separates two
// writes of one region that carry the same timestamp (possible under the wallclock policy).
struct LwwStamp {
  int64_t timestamp_us = 0;
  std::string origin;
  uint64_t seq = 0;
  auto operator<=>(const LwwStamp&) const = default;
};

struct Version {
  VersionId id;
  int64_t timestamp_us = 0;  // from the origin region's (possibly skewed) clock

  LwwStamp stamp() const { return {timestamp_us, id.origin, id.seq}; }
  bool operator==(const Version&) const = default;
};

// Causal order between two version vectors.
enum class CausalOrder { kEqual, kBefore, kAfter, kConcurrent };

// Region -> highest origin sequence number of that region's writes that this item's history
// includes. Origin sequence numbers rise per region, so they serve as the vector's counters.
class VersionVector {
 public:
  VersionVector() = default;
  explicit VersionVector(std::map<std::string, uint64_t> counters)
      : counters_(std::move(counters)) {}

  // Records a write of `region` with sequence `seq` (raises the region's entry to seq).
  void advance(const std::string& region, uint64_t seq);
  // Pointwise maximum.
  void merge(const VersionVector& other);
  // kBefore: *this happened before `other` (other descends from it).
  CausalOrder compare(const VersionVector& other) const;
  uint64_t get(const std::string& region) const;

  const std::map<std::string, uint64_t>& counters() const { return counters_; }
  bool operator==(const VersionVector&) const = default;

 private:
  std::map<std::string, uint64_t> counters_;  // no zero entries, so == is causal equality
};

}  // namespace gtsim
