#include "replicator/reserved_port.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include <fmt/core.h>
#include <boost/system/system_error.hpp>

#include "model/errors.h"

namespace gtsim::replication {

namespace {

[[noreturn]] void cannot_reserve(const char* step) {
  throw DynamoError(ErrorType::kInternal, std::string("cannot reserve a loopback port: ") + step +
                                              ": " + std::strerror(errno));
}

}  // namespace

ReservedPort::ReservedPort() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) cannot_reserve("socket");
  try {
    enable_port_reuse(fd_);
  } catch (const boost::system::system_error&) {
    release();
    cannot_reserve("SO_REUSEPORT");
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;  // the kernel picks a port no socket holds, sharing none by SO_REUSEPORT
  socklen_t length = sizeof address;
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const int error = errno;
    release();
    errno = error;
    cannot_reserve("bind");
  }
  port_ = ntohs(address.sin_port);
}

ReservedPort::ReservedPort(ReservedPort&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), port_(std::exchange(other.port_, 0)) {}

ReservedPort& ReservedPort::operator=(ReservedPort&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = std::exchange(other.fd_, -1);
    port_ = std::exchange(other.port_, 0);
  }
  return *this;
}

ReservedPort::~ReservedPort() {
  release();
}

std::string ReservedPort::address() const {
  return fmt::format("127.0.0.1:{}", port_);
}

void ReservedPort::release() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  port_ = 0;
}

void enable_port_reuse(int native_socket) {
  const int on = 1;
  if (::setsockopt(native_socket, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0) {
    throw boost::system::system_error(errno, boost::system::system_category(), "SO_REUSEPORT");
  }
}

}  // namespace gtsim::replication
