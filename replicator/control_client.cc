#include "replicator/control_client.h"

#include <array>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "model/errors.h"
#include "replicator/region_server.h"

namespace gtsim::replication {

template <typename Fill>
Frame ControlClient::round_trip(Fill fill) {
  capnp::MallocMessageBuilder builder;
  auto request = builder.initRoot<wire::ControlRequest>();
  uint64_t id = next_id_++;
  request.setId(id);
  fill(request);
  boost::asio::write(socket_, boost::asio::buffer(frame_bytes(builder)));
  std::array<char, 64 * 1024> buffer;
  for (;;) {
    if (std::optional<Frame> frame = reader_.next()) return std::move(*frame);
    boost::system::error_code ec;
    size_t n = socket_.read_some(boost::asio::buffer(buffer), ec);
    if (ec) throw ProtocolError("control connection: " + ec.message());
    reader_.append(std::string_view(buffer.data(), n));
  }
}

namespace {

// The response in `frame`, checked to answer request `id`; a DynamoError if it is an error.
template <typename Use>
auto with_response(const Frame& frame, Use use) {
  capnp::FlatArrayMessageReader message(frame.asPtr());
  auto response = message.getRoot<wire::ControlResponse>();
  if (response.which() == wire::ControlResponse::ERROR) {
    auto error = response.getError();
    std::string type = capnp_text(error.getType());
    ErrorType error_type = ErrorType::kInternal;
    for (ErrorType t : {ErrorType::kValidation, ErrorType::kConditionalCheckFailed,
                        ErrorType::kTransactionCanceled, ErrorType::kResourceNotFound,
                        ErrorType::kResourceInUse}) {
      if (type == error_type_name(t)) error_type = t;
    }
    DynamoError e(error_type, capnp_text(error.getMessage()));
    for (auto reason : error.getCancellationReasons()) {
      e.cancellation_reasons.push_back(capnp_text(reason));
    }
    throw e;
  }
  return use(response);
}

}  // namespace

ControlClient::ControlClient(const std::string& address, const std::string& secret,
                             const std::string& run_id)
    : socket_(io_) {
  socket_.connect(parse_endpoint(address));
  Frame frame = round_trip([&](wire::ControlRequest::Builder request) {
    write_hello(make_hello(secret, "orchestrator", run_id, random_nonce(), 0), request.initHello());
  });
  with_response(frame, [&](wire::ControlResponse::Reader response) {
    if (response.which() != wire::ControlResponse::HELLO ||
        !hello_is_valid(read_hello(response.getHello()), secret, run_id)) {
      throw ProtocolError("the region failed the shared-secret check");
    }
    return 0;
  });
}

nlohmann::json ControlClient::call(const std::string& operation, const nlohmann::json& request) {
  Frame frame = round_trip([&](wire::ControlRequest::Builder r) {
    auto call = r.initCall();
    call.setOperation(operation);
    call.setBody(request.dump());
  });
  return with_response(frame, [](wire::ControlResponse::Reader response) {
    if (response.which() != wire::ControlResponse::RESULT) throw ProtocolError("expected a result");
    return nlohmann::json::parse(capnp_text(response.getResult()));
  });
}

template <typename Fill>
void ControlClient::request_done(Fill fill) {
  Frame frame = round_trip(fill);
  with_response(frame, [](wire::ControlResponse::Reader response) {
    if (response.which() != wire::ControlResponse::DONE) throw ProtocolError("expected done");
    return 0;
  });
}

template <typename Fill>
void ControlClient::fault(Fill fill) {
  request_done([&](wire::ControlRequest::Builder r) { fill(r.initFault()); });
}

void ControlClient::set_link(const std::string& peer, const LinkParams& params) {
  fault([&](wire::Fault::Builder f) {
    auto link = f.initLink();
    link.setPeer(peer);
    write_link_params(params, link.initParams());
  });
}

void ControlClient::set_partitioned(const std::string& peer, bool cut) {
  fault([&](wire::Fault::Builder f) {
    auto partition = f.initPartition();
    partition.setPeer(peer);
    partition.setCut(cut);
  });
}

void ControlClient::set_paused(const std::string& peer, bool paused) {
  fault([&](wire::Fault::Builder f) {
    auto pause = f.initPause();
    pause.setPeer(peer);
    pause.setPaused(paused);
  });
}

void ControlClient::set_clock_offset(int64_t offset_us) {
  fault([&](wire::Fault::Builder f) { f.setClockOffsetUs(offset_us); });
}

void ControlClient::set_clock_drift(double drift_ppm) {
  fault([&](wire::Fault::Builder f) { f.setClockDriftPpm(drift_ppm); });
}

void ControlClient::jump_clock(int64_t delta_us) {
  fault([&](wire::Fault::Builder f) { f.setClockJumpUs(delta_us); });
}

RegionStatus ControlClient::status(bool with_digests) {
  Frame frame = round_trip([&](wire::ControlRequest::Builder r) {
    if (with_digests) {
      r.setStatus();
    } else {
      r.setStatusWithoutDigests();
    }
  });
  return with_response(frame, [](wire::ControlResponse::Reader response) {
    if (response.which() != wire::ControlResponse::STATUS) throw ProtocolError("expected status");
    return read_status(response.getStatus());
  });
}

nlohmann::json ControlClient::snapshot() {
  Frame frame = round_trip([](wire::ControlRequest::Builder r) { r.setSnapshot(); });
  return with_response(frame, [](wire::ControlResponse::Reader response) {
    if (response.which() != wire::ControlResponse::RESULT) throw ProtocolError("expected a result");
    return nlohmann::json::parse(capnp_text(response.getResult()));
  });
}

void ControlClient::load_snapshot(const nlohmann::json& snapshot) {
  request_done([&](wire::ControlRequest::Builder r) { r.setLoadSnapshot(snapshot.dump()); });
}

void ControlClient::add_peer(const std::string& peer, const std::string& address,
                             const LinkParams& params) {
  request_done([&](wire::ControlRequest::Builder r) {
    auto add = r.initAddPeer();
    add.setPeer(peer);
    add.setAddress(address);
    write_link_params(params, add.initParams());
  });
}

void ControlClient::remove_peer(const std::string& peer) {
  request_done([&](wire::ControlRequest::Builder r) { r.setRemovePeer(peer); });
}

void ControlClient::drop_replicas() {
  request_done([](wire::ControlRequest::Builder r) { r.setDropReplicas(); });
}

}  // namespace gtsim::replication
