#include "replicator/shipper.h"

#include <algorithm>

#include "replicator/wire.h"

namespace gtsim::replication {

void Shipper::connected(uint64_t resume_cursor, Region& region) {
  state_ = State::kConnected;
  acked_ = resume_cursor;
  sent_ = resume_cursor;
  waiting_since_us_.reset();
  out_of_sync_ = resume_cursor < region.last_local_seq() &&
                 resume_cursor + 1 < region.first_retained_local_seq();
}

void Shipper::disconnected() {
  state_ = State::kDisconnected;
  waiting_since_us_.reset();
}

void Shipper::acknowledged(uint64_t cursor) {
  if (cursor > sent_) {
    throw ProtocolError("ack of sequence " + std::to_string(cursor) + " beyond the " +
                        std::to_string(sent_) + " sent");
  }
  acked_ = std::max(acked_, cursor);
}

std::optional<ChangeBatch> Shipper::next_batch(Region& region, int64_t now_us) {
  if (state_ != State::kConnected || paused_ || out_of_sync_) return std::nullopt;
  uint64_t waiting = region.last_local_seq() - sent_;
  uint64_t window =
      options_.max_in_flight_records - std::min(options_.max_in_flight_records, sent_ - acked_);
  if (waiting == 0 || window == 0) {
    // Nothing to wait for until the stream grows or an ack opens the window.
    waiting_since_us_.reset();
    return std::nullopt;
  }
  if (!waiting_since_us_) waiting_since_us_ = now_us;
  size_t count = size_t(std::min<uint64_t>({waiting, window, options_.max_batch_records}));
  if (count < options_.max_batch_records && now_us < *waiting_since_us_ + options_.linger_us) {
    return std::nullopt;
  }
  ChangeBatch batch{region.name(), region.local_changes_after(sent_, count)};
  if (batch.records.empty() || batch.records.front().id().seq != sent_ + 1) {
    // Retention trimmed records the peer still needs.
    out_of_sync_ = true;
    return std::nullopt;
  }
  sent_ = batch.records.back().id().seq;
  waiting_since_us_.reset();
  if (sent_ < region.last_local_seq()) waiting_since_us_ = now_us;
  return batch;
}

std::optional<int64_t> Shipper::linger_deadline() const {
  if (!waiting_since_us_ || state_ != State::kConnected || paused_ || out_of_sync_) {
    return std::nullopt;
  }
  return *waiting_since_us_ + options_.linger_us;
}

}  // namespace gtsim::replication
