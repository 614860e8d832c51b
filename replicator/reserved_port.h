// ReservedPort: a TCP port on 127.0.0.1 held for a child process from the moment it is chosen
// until the owner lets it go, across any number of the child's restarts.
//
// Choosing a free port and handing its number to a child that binds it later is a race: between
// the two, any other process may bind the port, or take it as the source port of an outgoing
// connection, and the child fails with "Address already in use". A ReservedPort instead keeps a
// socket bound to the port (SO_REUSEPORT, never listening) for as long as it lives. Other
// processes cannot bind the port and the kernel does not give it to outgoing connections; the
// child binds it beside the reservation with SO_REUSEPORT (`gtsim region --reserved-ports`).
// Since the reservation never listens, a connection reaches the port only while the child
// listens there: a crashed child's port refuses connections, as a closed one would.
//
// Errors: DynamoError(kInternal) when the host cannot reserve a port. Thread-safety: none needed
// after construction; port() is const. Ownership: the reservation owns its socket (close-on-exec,
// so children do not inherit it) and closes it on destruction.
#pragma once

#include <cstdint>
#include <string>

namespace gtsim::replication {

class ReservedPort {
 public:
  // Binds a port the kernel picks among those no socket holds.
  ReservedPort();
  ReservedPort(ReservedPort&& other) noexcept;
  ReservedPort& operator=(ReservedPort&& other) noexcept;
  ReservedPort(const ReservedPort&) = delete;
  ReservedPort& operator=(const ReservedPort&) = delete;
  ~ReservedPort();

  uint16_t port() const { return port_; }
  // "127.0.0.1:<port>", as region processes and control clients take addresses.
  std::string address() const;

 private:
  void release();

  int fd_ = -1;
  uint16_t port_ = 0;
};

// Sets SO_REUSEPORT on an open socket, as a listener on a reserved port must before it binds.
// Throws boost::system::system_error when the option cannot be set.
void enable_port_reuse(int native_socket);

}  // namespace gtsim::replication
