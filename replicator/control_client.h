// ControlClient: a blocking client of a region process's control channel, for orchestrators and
// tests.
//
// Errors: DynamoError as the region returned it (call), DynamoError(kValidation) for a fault the
// region refused; ProtocolError when the region answers out of protocol or the connection breaks;
// boost::system::system_error when the connection cannot be made.
// Thread-safety: not thread-safe; one connection, one request at a time.
#pragma once

#include <cstdint>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>

#include "replicator/control.h"
#include "replicator/wire.h"

namespace gtsim::replication {

class ControlClient {
 public:
  // Connects to `address` (see parse_endpoint) and proves the run's secret; the region must
  // prove it back.
  ControlClient(const std::string& address, const std::string& secret, const std::string& run_id);

  // A DynamoDB call (see api_calls.h): the response JSON.
  nlohmann::json call(const std::string& operation, const nlohmann::json& request);

  void set_link(const std::string& peer, const LinkParams& params);
  void set_partitioned(const std::string& peer, bool cut);
  void set_paused(const std::string& peer, bool paused);
  void set_clock_offset(int64_t offset_us);
  void set_clock_drift(double drift_ppm);
  void jump_clock(int64_t delta_us);

  // With `with_digests` false the table digests are left empty: each scans its whole table, which
  // slows the region being polled.
  RegionStatus status(bool with_digests = true);

  // Replica membership, as protocol.capnp's ControlRequest describes each request.
  nlohmann::json snapshot();
  void load_snapshot(const nlohmann::json& snapshot);
  void add_peer(const std::string& peer, const std::string& address, const LinkParams& params);
  void remove_peer(const std::string& peer);
  void drop_replicas();

 private:
  // Sends the request built by `fill` and returns the raw response frame.
  template <typename Fill>
  Frame round_trip(Fill fill);
  // Sends a fault and checks it was accepted.
  template <typename Fill>
  void fault(Fill fill);
  // Sends the request built by `fill` and checks it was accepted.
  template <typename Fill>
  void request_done(Fill fill);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  FrameReader reader_;
  uint64_t next_id_ = 1;
};

}  // namespace gtsim::replication
