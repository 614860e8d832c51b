#include "replicator/link.h"

#include <algorithm>

#include "replicator/wire.h"

namespace gtsim::replication {

const char* channel_name(Channel channel) {
  return channel == Channel::kOutbound ? "outbound" : "inbound";
}

Link::Link(std::string peer, const LinkParams& params, uint64_t seed)
    : peer_(std::move(peer)), model_(params, seed) {}

void Link::send(int64_t now_us, Channel channel, const PeerMessage& message) {
  std::string frame = encode_peer_message(message);
  int64_t due = model_.deliver_at(now_us, frame.size());
  bool twice = model_.sample_duplicate();
  queue_.push_back({due, Send{peer_, channel, std::move(frame)}});
  if (twice) queue_.push_back(queue_.back());
}

std::vector<Send> Link::take_due(int64_t now_us) {
  std::vector<Send> due;
  while (!cut_ && !queue_.empty() && queue_.front().due_us <= now_us) {
    due.push_back(std::move(queue_.front().send));
    queue_.pop_front();
  }
  return due;
}

std::optional<int64_t> Link::next_due() const {
  if (cut_ || queue_.empty()) return std::nullopt;
  return queue_.front().due_us;
}

void Link::set_cut(bool cut, int64_t now_us) {
  if (cut_ && !cut) {
    int64_t previous = now_us;
    for (Queued& queued : queue_) {
      queued.due_us = std::max({queued.due_us, previous, now_us + model_.sample_delay_us()});
      previous = queued.due_us;
    }
    model_.order_after(previous);
  }
  cut_ = cut;
}

void Link::drop(Channel channel) {
  std::erase_if(queue_, [&](const Queued& q) { return q.send.channel == channel; });
}

}  // namespace gtsim::replication
