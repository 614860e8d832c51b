#include "replicator/region_server.h"

#include <chrono>
#include <deque>
#include <memory>
#include <random>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>

#include "model/errors.h"
#include "regions/snapshot_json.h"
#include "replicator/control.h"
#include "replicator/region_node.h"
#include "replicator/reserved_port.h"

namespace gtsim::replication {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

int64_t true_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string random_nonce() {
  std::random_device random;
  std::string nonce(16, '\0');
  for (char& c : nonce)
    c = char(random());
  return nonce;
}

tcp::endpoint parse_endpoint(const std::string& address) {
  size_t colon = address.rfind(':');
  std::string host = colon == std::string::npos ? "127.0.0.1" : address.substr(0, colon);
  std::string port = colon == std::string::npos ? address : address.substr(colon + 1);
  boost::system::error_code ec;
  auto ip = asio::ip::make_address(host.empty() ? "127.0.0.1" : host, ec);
  if (ec || port.empty() || port.find_first_not_of("0123456789") != std::string::npos ||
      port.size() > 5 || std::stoul(port) > 65535) {
    throw_validation("bad address '" + address + "' (expected host:port, an IP address)");
  }
  return tcp::endpoint(ip, uint16_t(std::stoul(port)));
}

namespace {

asio::steady_timer::time_point steady_at(int64_t true_us) {
  return asio::steady_timer::time_point(std::chrono::microseconds(true_us));
}

// One socket and the queue its single writer drains.
struct Connection {
  Connection(tcp::socket s, std::string what)
      : socket(std::move(s)), wakeup(socket.get_executor()), label(std::move(what)) {}

  void enqueue(std::string frame) {
    outbox.push_back(std::move(frame));
    wakeup.cancel();
  }
  void close() {
    if (closed) return;
    closed = true;
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    wakeup.cancel();
  }

  tcp::socket socket;
  asio::steady_timer wakeup;
  std::deque<std::string> outbox;  // push_back keeps the front's buffer valid while written
  // Large enough for a backlog's frames to arrive many at a time, so that they are applied in one
  // transaction (Replicator::received); left uninitialised, its pages cost memory only once used.
  static constexpr size_t kReadBufferBytes = 1 << 20;
  std::unique_ptr<char[]> read_buffer = std::make_unique_for_overwrite<char[]>(kReadBufferBytes);
  std::string label;  // for logs
  bool closed = false;
  bool authenticated = false;
};

awaitable<void> write_loop(std::shared_ptr<Connection> c) {
  while (!c->closed) {
    if (c->outbox.empty()) {
      c->wakeup.expires_at(asio::steady_timer::time_point::max());
      co_await c->wakeup.async_wait(kNoThrow);
      continue;
    }
    auto [ec, n] = co_await asio::async_write(c->socket, asio::buffer(c->outbox.front()), kNoThrow);
    if (ec) {
      if (!c->closed) spdlog::info("{}: write failed: {}", c->label, ec.message());
      c->close();
      co_return;
    }
    c->outbox.pop_front();
  }
}

// The next frame, or nullopt when the peer closed cleanly between frames. Throws ProtocolError
// for a broken stream.
awaitable<std::optional<Frame>> read_frame(Connection& c, FrameReader& reader) {
  for (;;) {
    if (std::optional<Frame> frame = reader.next()) co_return frame;
    auto [ec, n] = co_await c.socket.async_read_some(
        asio::buffer(c.read_buffer.get(), Connection::kReadBufferBytes), kNoThrow);
    if (ec) {
      if (c.closed) co_return std::nullopt;
      if (ec == asio::error::eof && !reader.has_partial_frame()) co_return std::nullopt;
      if (ec == asio::error::eof) throw ProtocolError("connection closed mid-frame");
      throw ProtocolError("read failed: " + ec.message());
    }
    reader.append(std::string_view(c.read_buffer.get(), n));
  }
}

std::string remote_of(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? "unknown" : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

// A listening acceptor on `address`, as tcp::acceptor(io, endpoint) makes one, sharing a
// reserved port when asked.
tcp::acceptor listener(asio::io_context& io, const std::string& address, bool reserved_port) {
  const tcp::endpoint endpoint = parse_endpoint(address);
  tcp::acceptor acceptor(io, endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  if (reserved_port) enable_port_reuse(acceptor.native_handle());
  acceptor.bind(endpoint);
  acceptor.listen();
  return acceptor;
}

}  // namespace

struct RegionServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io_context, RegionServerOptions o)
      : io(io_context),
        options(std::move(o)),
        node(node_options(options), true_now_us()),
        region(node.region()),
        replicator(node.replicator()),
        peer_acceptor(listener(io, options.listen, options.reserved_ports)),
        control_acceptor(listener(io, options.control, options.reserved_ports)),
        wake_timer(io) {
    for (const auto& [peer, address] : options.peers)
      peer_endpoints[peer] = parse_endpoint(address);
    hello_limits = options.limits;
    hello_limits.max_frame_bytes = options.max_hello_bytes;
  }

  static RegionNodeOptions node_options(const RegionServerOptions& o) {
    RegionNodeOptions node{o.name, o.db_path, o.clock, {}, o.replication};
    for (const auto& [peer, address] : o.peers) {
      auto link = o.links.find(peer);
      node.peers[peer] = link == o.links.end() ? o.default_link : link->second;
    }
    return node;
  }

  void start() {
    auto self = shared_from_this();
    asio::co_spawn(
        io, [self] { return self->accept_peers(); }, asio::detached);
    asio::co_spawn(
        io, [self] { return self->accept_control(); }, asio::detached);
    asio::co_spawn(
        io, [self] { return self->run_timer(); }, asio::detached);
    for (const auto& [peer, endpoint] : peer_endpoints)
      spawn_dial(peer);
    spdlog::info("region {} serving peers on {}, control on {}", options.name,
                 peer_acceptor.local_endpoint().port(), control_acceptor.local_endpoint().port());
  }

  // Carries out what the Replicator asked for.
  void dispatch(Effects effects) {
    for (Send& send : effects.sends) {
      auto it = connections.find({send.peer, send.channel});
      if (it != connections.end()) it->second->enqueue(std::move(send.frame));
    }
    for (const ApplyOutcome& applied : effects.applied) {
      spdlog::debug("applied {}#{}: {}", applied.id.origin, applied.id.seq,
                    classification_name(applied.classification));
    }
    wake_timer.expires_at(effects.wake_at_us ? steady_at(*effects.wake_at_us)
                                             : asio::steady_timer::time_point::max());
  }

  awaitable<void> run_timer() {
    for (;;) {
      auto [ec] = co_await wake_timer.async_wait(kNoThrow);
      // A cancelled wait means the wake time moved: wait for the new one.
      if (!ec) dispatch(replicator.tick(true_now_us()));
    }
  }

  std::shared_ptr<Connection> spawn_connection(tcp::socket socket, std::string label) {
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto connection = std::make_shared<Connection>(std::move(socket), std::move(label));
    asio::co_spawn(io, write_loop(connection), asio::detached);
    return connection;
  }

  // Closes a connection that has not authenticated in time.
  void guard_hello(const std::shared_ptr<Connection>& c) {
    auto timer = std::make_shared<asio::steady_timer>(
        io, steady_at(true_now_us() + options.hello_timeout_us));
    timer->async_wait([c, timer](boost::system::error_code) {
      if (!c->authenticated && !c->closed) {
        spdlog::warn("{}: no hello in time, closing", c->label);
        c->close();
      }
    });
  }

  // Reads and handles messages on an authenticated replication connection until it ends.
  awaitable<void> serve(std::shared_ptr<Connection> c, std::string peer, Channel channel,
                        FrameReader reader) {
    reader.set_limits(options.limits);
    try {
      while (std::optional<Frame> frame = co_await read_frame(*c, reader)) {
        // With every further frame the last read completed, handed over together.
        std::vector<PeerMessage> messages;
        messages.push_back(decode_peer_message(*frame, options.limits));
        while (std::optional<Frame> next = reader.next())
          messages.push_back(decode_peer_message(*next, options.limits));
        dispatch(replicator.received(peer, channel, std::move(messages), true_now_us()));
      }
      if (!c->closed) spdlog::info("{}: closed by the peer", c->label);
    } catch (const ProtocolError& e) {
      spdlog::warn("{}: closing: {}", c->label, e.what());
    } catch (const DynamoError& e) {
      spdlog::error("{}: closing after a region failure: {}", c->label, e.what());
    }
    auto it = connections.find({peer, channel});
    if (it != connections.end() && it->second == c) {
      connections.erase(it);
      replicator.closed(peer, channel);
    }
    c->close();
  }

  void spawn_dial(const std::string& peer) {
    auto self = shared_from_this();
    asio::co_spawn(
        io, [self, peer] { return self->dial(peer); }, asio::detached);
  }

  // Dials `peer` again whenever the connection ends, until the peer is removed.
  awaitable<void> dial(std::string peer) {
    auto backoff = std::chrono::milliseconds(50);
    asio::steady_timer pause(io);
    while (peer_endpoints.contains(peer)) {
      tcp::socket socket(io);
      auto [ec] = co_await socket.async_connect(peer_endpoints.at(peer), kNoThrow);
      if (!peer_endpoints.contains(peer)) co_return;  // removed while connecting
      if (!ec) {
        auto c = spawn_connection(std::move(socket), "outbound to " + peer);
        c->authenticated = true;  // the peer proves itself in its answer, checked by received()
        connections[{peer, Channel::kOutbound}] = c;
        dispatch(replicator.dialed(peer, true_now_us()));
        spdlog::info("connected to {}", peer);
        co_await serve(c, peer, Channel::kOutbound, FrameReader(hello_limits));
        backoff = std::chrono::milliseconds(50);
      }
      pause.expires_after(backoff);
      co_await pause.async_wait(kNoThrow);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
    }
  }

  awaitable<void> accept_peers() {
    for (;;) {
      auto [ec, socket] = co_await peer_acceptor.async_accept(kNoThrow);
      if (ec) continue;
      std::string label = "inbound from " + remote_of(socket);
      auto self = shared_from_this();
      asio::co_spawn(io, self->handle_inbound(spawn_connection(std::move(socket), label)),
                     asio::detached);
    }
  }

  awaitable<void> handle_inbound(std::shared_ptr<Connection> c) {
    guard_hello(c);
    FrameReader reader(hello_limits);
    std::string peer;
    try {
      std::optional<Frame> frame = co_await read_frame(*c, reader);
      if (!frame) {
        c->close();
        co_return;
      }
      Effects effects;
      peer = replicator.accept_hello(decode_peer_message(*frame, hello_limits), true_now_us(),
                                     effects);
      c->authenticated = true;
      c->label = "inbound from " + peer;
      auto& slot = connections[{peer, Channel::kInbound}];
      if (slot) slot->close();  // a reconnect replaces the old connection
      slot = c;
      dispatch(std::move(effects));
    } catch (const ProtocolError& e) {
      spdlog::warn("{}: refused: {}", c->label, e.what());
      c->close();
      co_return;
    }
    co_await serve(c, peer, Channel::kInbound, std::move(reader));
  }

  awaitable<void> accept_control() {
    for (;;) {
      auto [ec, socket] = co_await control_acceptor.async_accept(kNoThrow);
      if (ec) continue;
      std::string label = "control from " + remote_of(socket);
      auto self = shared_from_this();
      asio::co_spawn(io, self->handle_control(spawn_connection(std::move(socket), label)),
                     asio::detached);
    }
  }

  awaitable<void> handle_control(std::shared_ptr<Connection> c) {
    guard_hello(c);
    FrameReader reader(hello_limits);
    try {
      while (std::optional<Frame> frame = co_await read_frame(*c, reader)) {
        capnp::FlatArrayMessageReader message(frame->asPtr(), reader_options(options.limits));
        capnp::MallocMessageBuilder response;
        try {
          answer(*c, message.getRoot<wire::ControlRequest>(),
                 response.initRoot<wire::ControlResponse>());
        } catch (const kj::Exception& e) {
          throw ProtocolError("malformed request: " + std::string(e.getDescription().cStr()));
        }
        c->enqueue(frame_bytes(response));
        reader.set_limits(options.limits);
      }
    } catch (const ProtocolError& e) {
      spdlog::warn("{}: closing: {}", c->label, e.what());
    }
    c->close();
  }

  void answer(Connection& c, wire::ControlRequest::Reader request,
              wire::ControlResponse::Builder response) {
    response.setId(request.getId());
    if (!c.authenticated) {
      if (request.which() != wire::ControlRequest::HELLO) throw ProtocolError("expected hello");
      if (!hello_is_valid(read_hello(request.getHello()), options.replication.secret,
                          options.replication.run_id)) {
        throw ProtocolError("hello fails the shared-secret check");
      }
      c.authenticated = true;
      write_hello(make_hello(options.replication.secret, options.name, options.replication.run_id,
                             random_nonce(), 0),
                  response.initHello());
      return;
    }
    int64_t now = true_now_us();
    try {
      switch (request.which()) {
        case wire::ControlRequest::HELLO:
          throw ProtocolError("hello sent twice");
        case wire::ControlRequest::CALL: {
          nlohmann::json body;
          try {
            body = parse_json_text(capnp_text(request.getCall().getBody()), options.limits);
          } catch (const ProtocolError& e) {
            throw_validation(e.what());
          }
          Effects effects;
          nlohmann::json result =
              node.call(capnp_text(request.getCall().getOperation()), body, now, effects);
          response.setResult(result.dump());
          dispatch(std::move(effects));
          return;
        }
        case wire::ControlRequest::FAULT:
          apply_fault(request.getFault(), now);
          response.setDone();
          return;
        case wire::ControlRequest::STATUS:
          write_status(node.status(now), response.initStatus());
          return;
        case wire::ControlRequest::STATUS_WITHOUT_DIGESTS:
          write_status(node.status_without_digests(now), response.initStatus());
          return;
        case wire::ControlRequest::SNAPSHOT:
          response.setResult(snapshot_to_json(region.snapshot()).dump());
          return;
        case wire::ControlRequest::LOAD_SNAPSHOT: {
          nlohmann::json snapshot;
          try {
            snapshot = parse_json_text(capnp_text(request.getLoadSnapshot()), options.limits);
          } catch (const ProtocolError& e) {
            throw_validation(e.what());
          }
          region.load_snapshot(snapshot_from_json(snapshot), now);
          spdlog::info("seeded from a snapshot");
          response.setDone();
          return;
        }
        case wire::ControlRequest::ADD_PEER: {
          auto add = request.getAddPeer();
          const std::string peer = capnp_text(add.getPeer());
          const tcp::endpoint endpoint = parse_endpoint(capnp_text(add.getAddress()));
          replicator.add_peer(peer, read_link_params(add.getParams()));
          peer_endpoints[peer] = endpoint;
          spawn_dial(peer);
          spdlog::info("peer {} added", peer);
          response.setDone();
          return;
        }
        case wire::ControlRequest::REMOVE_PEER: {
          const std::string peer = capnp_text(request.getRemovePeer());
          replicator.remove_peer(peer);
          peer_endpoints.erase(peer);
          for (Channel channel : {Channel::kOutbound, Channel::kInbound}) {
            // Erased first, so that the closing connection's reader reports nothing to the
            // replicator, which no longer knows the peer.
            if (auto it = connections.find({peer, channel}); it != connections.end()) {
              auto connection = it->second;
              connections.erase(it);
              connection->close();
            }
          }
          spdlog::info("peer {} removed", peer);
          response.setDone();
          return;
        }
        case wire::ControlRequest::DROP_REPLICAS:
          node.drop_replicas();
          spdlog::info("replicas dropped");
          response.setDone();
          return;
      }
      throw ProtocolError("unknown control request");
    } catch (const DynamoError& e) {
      auto error = response.initError();
      error.setType(error_type_name(e.type()));
      error.setMessage(e.what());
      auto reasons = error.initCancellationReasons(e.cancellation_reasons.size());
      for (size_t i = 0; i < e.cancellation_reasons.size(); ++i) {
        reasons.set(i, e.cancellation_reasons[i]);
      }
    }
  }

  void apply_fault(wire::Fault::Reader fault, int64_t now) {
    switch (fault.which()) {
      case wire::Fault::LINK:
        replicator.set_link(capnp_text(fault.getLink().getPeer()),
                            read_link_params(fault.getLink().getParams()));
        spdlog::info("link to {} changed", capnp_text(fault.getLink().getPeer()));
        return;
      case wire::Fault::PARTITION: {
        std::string peer = capnp_text(fault.getPartition().getPeer());
        dispatch(replicator.set_partitioned(peer, fault.getPartition().getCut(), now));
        spdlog::info("link to {} {}", peer, fault.getPartition().getCut() ? "cut" : "healed");
        return;
      }
      case wire::Fault::PAUSE: {
        std::string peer = capnp_text(fault.getPause().getPeer());
        dispatch(replicator.set_paused(peer, fault.getPause().getPaused(), now));
        spdlog::info("shipping to {} {}", peer,
                     fault.getPause().getPaused() ? "paused" : "resumed");
        return;
      }
      case wire::Fault::CLOCK_OFFSET_US:
        region.clock().set_offset(now, fault.getClockOffsetUs());
        return;
      case wire::Fault::CLOCK_DRIFT_PPM:
        region.clock().set_drift(now, fault.getClockDriftPpm());
        return;
      case wire::Fault::CLOCK_JUMP_US:
        region.clock().jump(now, fault.getClockJumpUs());
        return;
    }
    throw_validation("unknown fault");
  }

  asio::io_context& io;
  RegionServerOptions options;
  FrameLimits hello_limits;
  RegionNode node;
  Region& region;
  Replicator& replicator;
  tcp::acceptor peer_acceptor;
  tcp::acceptor control_acceptor;
  asio::steady_timer wake_timer;
  std::map<std::string, tcp::endpoint> peer_endpoints;
  std::map<std::pair<std::string, Channel>, std::shared_ptr<Connection>> connections;
};

RegionServer::RegionServer(asio::io_context& io, RegionServerOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

RegionServer::~RegionServer() = default;

void RegionServer::start() {
  impl_->start();
}
uint16_t RegionServer::peer_port() const {
  return impl_->peer_acceptor.local_endpoint().port();
}
uint16_t RegionServer::control_port() const {
  return impl_->control_acceptor.local_endpoint().port();
}
Region& RegionServer::region() {
  return impl_->region;
}
nlohmann::json RegionServer::call(const std::string& operation, const nlohmann::json& request) {
  Effects effects;
  nlohmann::json result = impl_->node.call(operation, request, true_now_us(), effects);
  impl_->dispatch(std::move(effects));
  return result;
}

}  // namespace gtsim::replication
