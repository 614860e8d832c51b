// The messages regions exchange to replicate (protocol.capnp's PeerMessage), as plain values.
//
// A replication connection is dialed by the origin of the writes it carries: the dialer sends
// Hello, the acceptor answers Hello with its resume cursor, then the dialer ships ChangeBatches
// and Heartbeats and the acceptor answers with Acks.
//
// Thread-safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "regions/change_record.h"

namespace gtsim::replication {

struct Hello {
  std::string region;
  std::string run_id;
  std::string nonce;           // fresh per connection
  std::string proof;           // hello_proof(secret, region, run_id, nonce)
  uint64_t resume_cursor = 0;  // in the acceptor's answer
  bool operator==(const Hello&) const = default;
};

struct ChangeBatch {
  std::string origin;
  std::vector<ChangeRecord> records;  // consecutive origin sequence numbers
  bool operator==(const ChangeBatch&) const = default;
};

struct Ack {
  uint64_t cursor = 0;
  bool operator==(const Ack&) const = default;
};

struct Heartbeat {
  int64_t sent_true_us = 0;
  uint64_t last_seq = 0;
  bool operator==(const Heartbeat&) const = default;
};

using PeerMessage = std::variant<Hello, ChangeBatch, Ack, Heartbeat>;

// HMAC-SHA256 of the hello's identifying fields under the run's shared secret (32 raw bytes).
std::string hello_proof(const std::string& secret, const std::string& region,
                        const std::string& run_id, const std::string& nonce);
// A hello from `region` carrying a valid proof.
Hello make_hello(const std::string& secret, const std::string& region, const std::string& run_id,
                 std::string nonce, uint64_t resume_cursor);
// Whether `hello` belongs to the run: same run id and a proof made with the same secret.
bool hello_is_valid(const Hello& hello, const std::string& secret, const std::string& run_id);

}  // namespace gtsim::replication
