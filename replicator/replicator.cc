#include "replicator/replicator.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "model/errors.h"
#include "replicator/wire.h"

namespace gtsim::replication {
namespace {

void earliest(std::optional<int64_t>& wake, std::optional<int64_t> candidate) {
  if (candidate && (!wake || *candidate < *wake)) wake = candidate;
}

const char* message_name(const PeerMessage& message) {
  static const char* const kNames[] = {"hello", "change batch", "ack", "heartbeat"};
  return kNames[message.index()];
}

}  // namespace

Replicator::Replicator(Region& region, ReplicatorOptions options)
    : region_(region),
      options_(std::move(options)),
      nonce_rng_(link_seed(options_.seed, region.name(), "")) {}

void Replicator::add_peer(const std::string& name, const LinkParams& link) {
  if (name == region_.name()) throw_validation("a region is not its own peer: " + name);
  if (peers_.contains(name)) throw_validation("peer added twice: " + name);
  peers_.emplace(name, Peer{Link(name, link, link_seed(options_.seed, region_.name(), name)),
                            Shipper(options_.shipping)});
}

void Replicator::remove_peer(const std::string& name) {
  if (peers_.erase(name) == 0) throw_validation("unknown peer: " + name);
}

std::vector<std::string> Replicator::peers() const {
  std::vector<std::string> names;
  for (const auto& [name, p] : peers_)
    names.push_back(name);
  return names;
}

Replicator::Peer& Replicator::peer(const std::string& name) {
  auto it = peers_.find(name);
  if (it == peers_.end()) throw_validation("unknown peer: " + name);
  return it->second;
}

std::string Replicator::nonce() {
  std::string bytes;
  for (int i = 0; i < 2; ++i) {
    uint64_t r = nonce_rng_();
    bytes.append(reinterpret_cast<const char*>(&r), sizeof r);
  }
  return bytes;
}

Effects Replicator::dialed(const std::string& name, int64_t now_us) {
  Peer& p = peer(name);
  p.shipper.dialing();
  p.link.drop(Channel::kOutbound);
  Effects effects;
  PeerMessage hello = make_hello(options_.secret, region_.name(), options_.run_id, nonce(), 0);
  effects.sends.push_back(Send{name, Channel::kOutbound, encode_peer_message(hello)});
  collect(now_us, effects);
  return effects;
}

std::string Replicator::accept_hello(const PeerMessage& message, int64_t now_us, Effects& effects) {
  const Hello* hello = std::get_if<Hello>(&message);
  if (!hello) throw ProtocolError(std::string("expected hello, got ") + message_name(message));
  if (!hello_is_valid(*hello, options_.secret, options_.run_id)) {
    throw ProtocolError("hello from '" + hello->region + "' fails the shared-secret check");
  }
  if (!peers_.contains(hello->region)) {
    throw ProtocolError("hello from unknown region '" + hello->region + "'");
  }
  Peer& p = peers_.at(hello->region);
  p.link.drop(Channel::kInbound);
  PeerMessage answer = make_hello(options_.secret, region_.name(), options_.run_id, nonce(),
                                  region_.applied_cursor(hello->region));
  effects.sends.push_back(Send{hello->region, Channel::kInbound, encode_peer_message(answer)});
  collect(now_us, effects);
  return hello->region;
}

Effects Replicator::received(const std::string& name, Channel channel, const PeerMessage& message,
                             int64_t now_us) {
  Peer& p = peer(name);
  Effects effects;
  receive(name, p, channel, message, now_us, effects);
  collect(now_us, effects);
  return effects;
}

Effects Replicator::received(const std::string& name, Channel channel,
                             std::vector<PeerMessage> messages, int64_t now_us) {
  Peer& p = peer(name);
  Effects effects;
  // Consecutive batches of the peer's changes, joined into one; receive_inbound refuses others.
  std::optional<PeerMessage> run;
  auto apply_run = [&] {
    if (run) receive(name, p, channel, *std::exchange(run, std::nullopt), now_us, effects);
  };
  for (PeerMessage& message : messages) {
    ChangeBatch* batch = std::get_if<ChangeBatch>(&message);
    if (channel == Channel::kInbound && batch && batch->origin == name) {
      if (!run) {
        run = std::move(message);
      } else {
        auto& records = std::get<ChangeBatch>(*run).records;
        std::move(batch->records.begin(), batch->records.end(), std::back_inserter(records));
      }
      continue;
    }
    apply_run();
    receive(name, p, channel, message, now_us, effects);
  }
  apply_run();
  collect(now_us, effects);
  return effects;
}

void Replicator::receive(const std::string& name, Peer& p, Channel channel,
                         const PeerMessage& message, int64_t now_us, Effects& effects) {
  if (channel == Channel::kOutbound) {
    receive_outbound(name, p, message, now_us);
  } else {
    receive_inbound(name, p, message, now_us, effects);
  }
}

void Replicator::receive_outbound(const std::string& name, Peer& p, const PeerMessage& message,
                                  int64_t now_us) {
  Shipper::State state = p.shipper.state();
  if (const Hello* hello = std::get_if<Hello>(&message);
      hello && state == Shipper::State::kAwaitingHello) {
    if (hello->region != name || !hello_is_valid(*hello, options_.secret, options_.run_id)) {
      throw ProtocolError("answer from '" + name + "' fails the shared-secret check");
    }
    p.shipper.connected(hello->resume_cursor, region_);
    p.last_shipped_us = now_us;
  } else if (const Ack* ack = std::get_if<Ack>(&message);
             ack && state == Shipper::State::kConnected) {
    p.shipper.acknowledged(ack->cursor);
  } else {
    throw ProtocolError(std::string("unexpected ") + message_name(message) + " from '" + name +
                        "' on the outbound connection");
  }
}

void Replicator::receive_inbound(const std::string& name, Peer& p, const PeerMessage& message,
                                 int64_t now_us, Effects& effects) {
  if (const ChangeBatch* batch = std::get_if<ChangeBatch>(&message)) {
    if (batch->origin != name) {
      throw ProtocolError("batch of '" + batch->origin + "' on the connection of '" + name + "'");
    }
    std::vector<ApplyOutcome> outcomes;
    try {
      outcomes = region_.apply_remote_batch(name, batch->records, now_us);
    } catch (const DynamoError& e) {
      if (e.type() != ErrorType::kValidation) throw;
      throw ProtocolError("batch from '" + name + "' refused: " + e.what());
    }
    effects.applied.insert(effects.applied.end(), outcomes.begin(), outcomes.end());
    p.link.send(now_us, Channel::kInbound, Ack{region_.applied_cursor(name)});
  } else if (const Heartbeat* heartbeat = std::get_if<Heartbeat>(&message)) {
    p.last_seq = std::max(p.last_seq, heartbeat->last_seq);
  } else {
    throw ProtocolError(std::string("unexpected ") + message_name(message) + " from '" + name +
                        "' on the inbound connection");
  }
}

void Replicator::closed(const std::string& name, Channel channel) {
  Peer& p = peer(name);
  if (channel == Channel::kOutbound) p.shipper.disconnected();
  p.link.drop(channel);
}

Effects Replicator::tick(int64_t now_us) {
  Effects effects;
  collect(now_us, effects);
  return effects;
}

void Replicator::collect(int64_t now_us, Effects& effects) {
  // Before shipping, so a peer behind what this trim removed is found out of sync at once.
  earliest(effects.wake_at_us, retention_.run_due(region_, now_us));
  for (auto& [name, p] : peers_) {
    while (std::optional<ChangeBatch> batch = p.shipper.next_batch(region_, now_us)) {
      p.link.send(now_us, Channel::kOutbound, std::move(*batch));  // its records moved, not copied
      p.last_shipped_us = now_us;
    }
    bool connected = p.shipper.state() == Shipper::State::kConnected;
    if (connected && now_us - p.last_shipped_us >= options_.heartbeat_interval_us) {
      p.link.send(now_us, Channel::kOutbound, Heartbeat{now_us, region_.last_local_seq()});
      p.last_shipped_us = now_us;
    }
    for (Send& send : p.link.take_due(now_us))
      effects.sends.push_back(std::move(send));
    earliest(effects.wake_at_us, p.link.next_due());
    earliest(effects.wake_at_us, p.shipper.linger_deadline());
    if (connected) earliest(effects.wake_at_us, p.last_shipped_us + options_.heartbeat_interval_us);
  }
}

void Replicator::set_link(const std::string& name, const LinkParams& link) {
  peer(name).link.model().set_params(link);
}

Effects Replicator::set_partitioned(const std::string& name, bool cut, int64_t now_us) {
  peer(name).link.set_cut(cut, now_us);
  return tick(now_us);
}

Effects Replicator::set_paused(const std::string& name, bool paused, int64_t now_us) {
  peer(name).shipper.set_paused(paused);
  return tick(now_us);
}

std::vector<LinkStatus> Replicator::status() const {
  std::vector<LinkStatus> links;
  for (const auto& [name, p] : peers_) {
    links.push_back(LinkStatus{name, p.shipper.state() == Shipper::State::kConnected,
                               p.shipper.acked(), p.shipper.pending(region_),
                               p.shipper.out_of_sync(), p.link.cut(), p.shipper.paused(),
                               p.link.queued(), p.last_seq});
  }
  return links;
}

}  // namespace gtsim::replication
