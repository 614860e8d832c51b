// Shipper: what this region still has to send one peer, and when.
//
// It follows the peer's acknowledged cursor and the highest sequence number sent on the current
// connection, and cuts the local change stream past it into batches: at most max_batch_records,
// sent once that many are waiting or the oldest waiting one has lingered linger_us, and never
// more than max_in_flight_records unacknowledged. A new connection resumes after the cursor the
// peer holds durably (its Hello), so whatever was in flight is sent again, harmlessly. A peer
// whose cursor falls behind the oldest retained record is out of sync: it needs a full copy, and
// nothing more is shipped to it.
//
// Thread-safety: not thread-safe; owned by the Replicator.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "regions/region.h"
#include "replicator/messages.h"

namespace gtsim::replication {

struct ShipperOptions {
  size_t max_batch_records = 100;
  int64_t linger_us = 0;
  uint64_t max_in_flight_records = 10'000;
};

class Shipper {
 public:
  enum class State { kDisconnected, kAwaitingHello, kConnected };

  explicit Shipper(const ShipperOptions& options) : options_(options) {}

  State state() const { return state_; }
  // A connection was dialed; the peer's Hello is awaited.
  void dialing() { state_ = State::kAwaitingHello; }
  // The peer answered with its durable cursor of this region's writes.
  void connected(uint64_t resume_cursor, Region& region);
  void disconnected();
  // Throws ProtocolError (wire.h) for a cursor beyond what was sent.
  void acknowledged(uint64_t cursor);
  // Pauses or resumes shipping (what was sent stays in flight).
  void set_paused(bool paused) { paused_ = paused; }
  bool paused() const { return paused_; }

  // The batch to send at `now_us`, if one is due. Reads the region's stream.
  std::optional<ChangeBatch> next_batch(Region& region, int64_t now_us);
  // When a lingering batch becomes due, if one is waiting.
  std::optional<int64_t> linger_deadline() const;

  uint64_t acked() const { return acked_; }
  // Local writes the peer has not acknowledged (PendingReplicationCount). Before the first
  // connection the peer's cursor is unknown and counts as 0.
  uint64_t pending(const Region& region) const { return region.last_local_seq() - acked_; }
  bool out_of_sync() const { return out_of_sync_; }

 private:
  ShipperOptions options_;
  State state_ = State::kDisconnected;
  bool paused_ = false;
  bool out_of_sync_ = false;
  uint64_t acked_ = 0;
  uint64_t sent_ = 0;  // highest sequence sent on the current connection
  std::optional<int64_t> waiting_since_us_;
};

}  // namespace gtsim::replication
