// RegionServer: a region process's I/O. It drives a Region and its Replicator with Boost.Asio
// C++20 coroutines on one io_context thread: a listener for peers, a dialer per peer (reconnecting
// with backoff), a listener for the orchestrator's control channel, one writer coroutine per
// socket, and one timer that wakes the Replicator when it asked.
//
// True time is the host's monotonic clock (true_now_us), shared by every process on the machine,
// so lags measured between regions need no clock synchronisation.
//
// A connection that fails the shared-secret check, sends garbage, an oversized or a half-written
// frame, or breaks the protocol is closed with a logged reason (spdlog); the region keeps serving.
//
// Thread-safety: not thread-safe; everything runs on the io_context's one thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json_fwd.hpp>

#include "regions/region.h"
#include "replicator/replicator.h"
#include "replicator/wire.h"

namespace gtsim::replication {

// Microseconds of the host's monotonic clock.
int64_t true_now_us();

// 16 bytes from the host's random device, for handshakes outside the deterministic core.
std::string random_nonce();

// "host:port", or a bare port on 127.0.0.1. Throws DynamoError(kValidation) when malformed.
boost::asio::ip::tcp::endpoint parse_endpoint(const std::string& address);

struct RegionServerOptions {
  std::string name;
  std::string db_path;
  std::string listen = "127.0.0.1:0";   // for peers
  std::string control = "127.0.0.1:0";  // for the orchestrator
  // Both ports are held by the parent as ReservedPorts (reserved_port.h): bind them beside the
  // reservations with SO_REUSEPORT. Off by default, so two regions started on one port by
  // mistake fail with "Address already in use" rather than share it.
  bool reserved_ports = false;
  std::map<std::string, std::string> peers;  // name -> address
  LinkParams default_link;
  std::map<std::string, LinkParams> links;  // per peer, overriding default_link
  ReplicatorOptions replication;
  ClockSettings clock;
  FrameLimits limits;
  // Before a connection has proved the secret, frames are capped at this size.
  size_t max_hello_bytes = 4096;
  int64_t hello_timeout_us = 5'000'000;
};

class RegionServer {
 public:
  // Opens the region file and binds both listeners. Throws DynamoError when the file cannot be
  // opened, boost::system::system_error when an address cannot be bound.
  RegionServer(boost::asio::io_context& io, RegionServerOptions options);
  ~RegionServer();

  // Starts the coroutines on the io_context, which the caller runs.
  void start();
  uint16_t peer_port() const;
  uint16_t control_port() const;

  // The region, for a DynamoDB endpoint serving it on the same io_context thread.
  Region& region();
  // A DynamoDB call (api_calls.h) as the control channel runs one: its writes start shipping at
  // once. Throws DynamoError as the region raised it.
  nlohmann::json call(const std::string& operation, const nlohmann::json& request);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace gtsim::replication
