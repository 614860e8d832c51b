// Retention: when a region trims its stream and purges its tombstones (Region::trim).
//
// The protocol core runs it on every input it handles and asks to be woken when it is next due,
// so a region process and the simulator trim by the same rule, at true time or virtual time. It
// runs when the region starts (a restarted region may hold what expired while it was down) and
// then every tenth of the shortest retention among the region's tables, but at least every minute
// and at most every millisecond. So a tombstone or stream record is removed after its retention
// has passed, never before, and at most a tenth of the retention (or a minute) after; a table
// kept for the default 24 h costs one trim a minute.
//
// Trimming does not wait for peers: a peer still behind a trimmed record falls out of sync
// (shipper.h) and needs a full copy, as DESIGN.md section 5 and DynamoDB Streams' 24 h retention
// have it.
//
// Thread-safety: not thread-safe; owned by the Replicator.
#pragma once

#include <cstdint>
#include <optional>

#include "regions/region.h"

namespace gtsim::replication {

// The time between two trims of a region whose shortest retention is `shortest_retention_us`.
int64_t retention_interval_us(int64_t shortest_retention_us);

class Retention {
 public:
  // Trims `region` if a trim is due at `now_us` (the first call always is), and returns when the
  // next one is due: nullopt while the region holds no table, since nothing can expire. Throws
  // DynamoError(kInternal) when the region's file fails.
  std::optional<int64_t> run_due(Region& region, int64_t now_us);

 private:
  std::optional<int64_t> last_run_us_;
};

}  // namespace gtsim::replication
