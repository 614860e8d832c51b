// Replicator: one region's side of replication with all its peers, as a state machine.
//
// It never reads a clock, sleeps or touches a socket. Its inputs are the true time `now_us` and
// what happened (a connection dialed or closed, a message received, time passed, a fault); each
// returns Effects: messages to write to a connection now, the remote changes it applied, and when
// it wants tick() again. The link model is applied here, at the sender: a message leaves through
// Effects only once its link says it has arrived, so a driver writes it at once and the peer
// reads it at the modelled time (Boost.Asio processes on loopback, or the simulator's virtual
// network in deterministic mode). It also runs the region's retention (retention.h) on every
// input and wakes for it, so both drivers trim the region by the same rule.
//
// Per peer there are two connections (link.h's Channel): the one this region dials carries its
// own writes out and the peer's acks back; the one the peer dials carries the peer's writes in and
// this region's acks back. Both open with a Hello proving the run's shared secret.
//
// Errors: a ProtocolError (wire.h) from received() or accept_hello() means that connection must be
// closed (then call closed()); the Replicator stays usable. DynamoError(kValidation) for caller
// mistakes (unknown peer, bad link parameters). DynamoError(kInternal) when the region's file
// fails.
// Thread-safety: not thread-safe; one owner, like the Region it drives (which must outlive it).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "regions/region.h"
#include "replicator/link.h"
#include "replicator/retention.h"
#include "replicator/shipper.h"

namespace gtsim::replication {

struct ReplicatorOptions {
  std::string run_id;
  std::string secret;
  uint64_t seed = 0;  // of the link models and handshake nonces
  ShipperOptions shipping;
  int64_t heartbeat_interval_us = 1'000'000;
};

struct Effects {
  std::vector<Send> sends;            // write these now, in order
  std::vector<ApplyOutcome> applied;  // remote changes applied by this input
  std::optional<int64_t> wake_at_us;  // call tick() then (or earlier)
};

struct LinkStatus {
  std::string peer;
  bool connected = false;
  uint64_t acked_seq = 0;
  uint64_t pending = 0;  // PendingReplicationCount
  bool out_of_sync = false;
  bool partitioned = false;
  bool paused = false;
  size_t queued_messages = 0;
  uint64_t peer_last_seq = 0;  // the peer's latest write, as its last heartbeat said
};

class Replicator {
 public:
  Replicator(Region& region, ReplicatorOptions options);

  // Throws DynamoError(kValidation) for this region itself, a peer added twice or invalid params.
  void add_peer(const std::string& peer, const LinkParams& link);
  // Forgets `peer` (its replica was removed): nothing more is shipped to it or accepted from it,
  // and what its link held is dropped. The driver closes both connections with it and calls no
  // closed() for them. Throws DynamoError(kValidation) for an unknown peer.
  void remove_peer(const std::string& peer);
  std::vector<std::string> peers() const;

  // This region's connection to `peer` is open: sends the Hello.
  Effects dialed(const std::string& peer, int64_t now_us);
  // The first message on an accepted connection. Returns the peer it proves to come from and,
  // in `effects`, the Hello answering it. Throws ProtocolError for anything but a valid Hello from
  // a known peer.
  std::string accept_hello(const PeerMessage& message, int64_t now_us, Effects& effects);
  // A later message on a connection with `peer`. Throws ProtocolError when it breaks the protocol.
  Effects received(const std::string& peer, Channel channel, const PeerMessage& message,
                   int64_t now_us);
  // Messages that arrived together on one connection, in order, as received() would take them one
  // by one, except that each run of change batches among them is applied in one transaction and
  // acknowledged once: a receiver draining a backlog commits once per read, not once per batch.
  // On a ProtocolError the run that broke it changed nothing; earlier messages took effect.
  Effects received(const std::string& peer, Channel channel, std::vector<PeerMessage> messages,
                   int64_t now_us);
  // The connection closed (by either side, or after a ProtocolError).
  void closed(const std::string& peer, Channel channel);
  // Time passed or the region committed local writes: ships what is due and trims the region
  // when retention is due.
  Effects tick(int64_t now_us);

  // Faults on this region's outgoing link to `peer`. Throw DynamoError(kValidation) for an
  // unknown peer or invalid params.
  void set_link(const std::string& peer, const LinkParams& link);
  Effects set_partitioned(const std::string& peer, bool cut, int64_t now_us);
  Effects set_paused(const std::string& peer, bool paused, int64_t now_us);

  std::vector<LinkStatus> status() const;

 private:
  struct Peer {
    Link link;
    Shipper shipper;
    int64_t last_shipped_us = 0;  // last batch or heartbeat queued on the outbound channel
    uint64_t last_seq = 0;        // from the peer's heartbeats
  };

  Peer& peer(const std::string& name);
  std::string nonce();
  // Runs retention if due, ships due batches and heartbeats, takes due messages off the links,
  // sets the wake time.
  void collect(int64_t now_us, Effects& effects);
  void receive(const std::string& name, Peer& p, Channel channel, const PeerMessage& message,
               int64_t now_us, Effects& effects);
  void receive_outbound(const std::string& name, Peer& p, const PeerMessage& message,
                        int64_t now_us);
  void receive_inbound(const std::string& name, Peer& p, const PeerMessage& message, int64_t now_us,
                       Effects& effects);

  Region& region_;
  ReplicatorOptions options_;
  std::map<std::string, Peer> peers_;
  Retention retention_;
  std::mt19937_64 nonce_rng_;
};

}  // namespace gtsim::replication
