// Link: this region's outgoing directed link to one peer, a queue of messages in flight.
//
// Every message but the handshake passes through the link's model: it is queued with the time
// the model says it arrives and handed out once that time has come. A cut link (a partition)
// holds its messages instead, as TCP would keep retransmitting them; on heal each one arrives a
// fresh propagation delay after the heal, order kept. Messages belong to the connection they were
// sent on, and go when it closes.
//
// Thread-safety: not thread-safe; owned by the Replicator.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "replicator/link_model.h"
#include "replicator/messages.h"

namespace gtsim::replication {

// The two connections between this region and a peer.
enum class Channel {
  kOutbound,  // dialed by this region: carries its writes out, the peer's acks back
  kInbound,   // dialed by the peer: carries the peer's writes in, this region's acks back
};

const char* channel_name(Channel channel);

// A message to write to the connection now.
struct Send {
  std::string peer;
  Channel channel = Channel::kOutbound;
  std::string frame;  // the message's wire bytes (decode_framed reads it back)
};

class Link {
 public:
  // Throws DynamoError(kValidation) for invalid `params`.
  Link(std::string peer, const LinkParams& params, uint64_t seed);

  // Queues `message`'s frame, sent at `now_us`; a duplicated message is queued twice.
  void send(int64_t now_us, Channel channel, const PeerMessage& message);
  // The queued messages due at `now_us`, in order; none while cut.
  std::vector<Send> take_due(int64_t now_us);
  // When the next queued message is due; nullopt when none is queued or the link is cut.
  std::optional<int64_t> next_due() const;

  void set_cut(bool cut, int64_t now_us);
  bool cut() const { return cut_; }
  // Forgets the messages queued on a connection that closed.
  void drop(Channel channel);
  size_t queued() const { return queue_.size(); }
  LinkModel& model() { return model_; }

 private:
  struct Queued {
    int64_t due_us;
    Send send;
  };

  std::string peer_;
  LinkModel model_;
  bool cut_ = false;
  std::deque<Queued> queue_;  // due times non-decreasing
};

}  // namespace gtsim::replication
