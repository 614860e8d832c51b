#include "replicator/child_process.h"

#include <doctest/doctest.h>

#include <set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

using namespace gtsim::replication;

TEST_CASE("free loopback ports are bindable and outside the ephemeral range") {
  boost::asio::io_context io;
  std::set<uint16_t> seen;
  for (int i = 0; i < 20; ++i) {
    const uint16_t port = free_loopback_port();
    seen.insert(port);
    // Outgoing connections take their source ports from 32768 up: a port there could be taken
    // before the process meant to listen on it binds it.
    CHECK(port < 32768);
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), port});
    CHECK(acceptor.is_open());
  }
  CHECK(seen.size() > 1);  // picked, not fixed
}
