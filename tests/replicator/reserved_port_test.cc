#include "replicator/reserved_port.h"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "replicator/child_process.h"
#include "tests/support/temp_dir.h"

using namespace gtsim::replication;
using boost::asio::ip::tcp;

namespace {

const auto kLoopback = boost::asio::ip::make_address("127.0.0.1");

// Binds `port` as a plain listener would, without sharing; the error, if any.
boost::system::error_code plain_bind(boost::asio::io_context& io, uint16_t port) {
  tcp::acceptor acceptor(io, tcp::v4());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  boost::system::error_code error;
  acceptor.bind({kLoopback, port}, error);
  return error;
}

// A listener sharing `port` with its reservation, as `gtsim region --reserved-ports` makes one.
tcp::acceptor shared_listener(boost::asio::io_context& io, uint16_t port) {
  tcp::acceptor acceptor(io, tcp::v4());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  enable_port_reuse(acceptor.native_handle());
  acceptor.bind({kLoopback, port});
  acceptor.listen();
  return acceptor;
}

boost::system::error_code connect_to(boost::asio::io_context& io, uint16_t port) {
  tcp::socket socket(io);
  boost::system::error_code error;
  socket.connect({kLoopback, port}, error);
  return error;
}

}  // namespace

TEST_CASE("reserved ports are distinct and no other socket can bind them") {
  boost::asio::io_context io;
  std::vector<ReservedPort> reservations(64);
  std::set<uint16_t> ports;
  for (const ReservedPort& r : reservations) {
    CHECK(r.port() != 0);
    CHECK(r.address() == "127.0.0.1:" + std::to_string(r.port()));
    ports.insert(r.port());
  }
  CHECK(ports.size() == reservations.size());
  for (const ReservedPort& r : reservations)
    CHECK(plain_bind(io, r.port()) == boost::asio::error::address_in_use);
}

TEST_CASE("a reserved port takes connections only while its shared listener listens") {
  boost::asio::io_context io;
  ReservedPort reservation;
  CHECK(connect_to(io, reservation.port()) == boost::asio::error::connection_refused);
  for (int start = 0; start < 2; ++start) {  // a start, then a restart after a crash
    tcp::acceptor listener = shared_listener(io, reservation.port());
    tcp::socket client(io);
    client.connect({kLoopback, reservation.port()});
    tcp::socket served = listener.accept();
    CHECK(served.remote_endpoint() == client.local_endpoint());
    listener.close();
    CHECK(connect_to(io, reservation.port()) == boost::asio::error::connection_refused);
  }
}

TEST_CASE("a reservation lets its port go when destroyed, and a moved one keeps it") {
  boost::asio::io_context io;
  ReservedPort first;
  const uint16_t port = first.port();
  ReservedPort moved(std::move(first));
  CHECK(moved.port() == port);
  CHECK(plain_bind(io, port) == boost::asio::error::address_in_use);
  moved = ReservedPort();
  CHECK(moved.port() != port);
  CHECK(!plain_bind(io, port));
}

TEST_CASE("child processes do not inherit reservations") {
  gtsim::testing::TempDir dir;
  ReservedPort reservation;
  const std::string log = (dir.path() / "fds.log").string();
  ChildProcess child({"/bin/ls", "-l", "/proc/self/fd/"}, log);
  for (int i = 0; i < 500 && !child.exited(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(child.exited());
  const std::string listing = gtsim::testing::file_text(log);
  CHECK(listing.find("fds.log") != std::string::npos);  // the listing was written
  CHECK(listing.find("socket:") == std::string::npos);
}
