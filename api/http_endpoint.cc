#include "api/http_endpoint.h"

#include <chrono>
#include <random>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/crc.hpp>

#include "api/api_error.h"
#include "replicator/region_server.h"

namespace gtsim::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::ip::tcp;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

namespace {

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

int64_t epoch_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string crc32_of(const std::string& body) {
  boost::crc_32_type crc;
  crc.process_bytes(body.data(), body.size());
  return std::to_string(crc.checksum());
}

SignedRequest signed_request(const Request& request) {
  SignedRequest out{
      std::string(request.method_string()), std::string(request.target()), {}, request.body()};
  for (const auto& field : request) {
    std::string name(field.name_string());
    for (char& c : name)
      c = char(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace_back(name, std::string(field.value()));
  }
  return out;
}

}  // namespace

struct HttpEndpoint::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io_context, HttpEndpointOptions o, DynamoDbService& s)
      : io(io_context),
        options(std::move(o)),
        service(s),
        acceptor(io, replication::parse_endpoint(options.listen)),
        random(std::random_device{}()) {}

  // DynamoDB's request ids: 52 upper-case letters and digits.
  std::string request_id() {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::string id(52, ' ');
    for (char& c : id)
      c = kAlphabet[random() % 36];
    return id;
  }

  Response answer(const Request& request) {
    Response response(http::status::ok, request.version());
    response.set(http::field::content_type, "application/x-amz-json-1.0");
    std::string body;
    if (request.method() == http::verb::get && request.target() == "/") {
      response.set(http::field::content_type, "text/plain");
      body = "healthy: gtsim dynamodb endpoint";
    } else {
      try {
        if (request.method() != http::verb::post) {
          throw ApiError(400, "com.amazon.coral.service#UnknownOperationException", "");
        }
        if (options.credentials) verify_sigv4(signed_request(request), *options.credentials);
        Reply reply = service.handle(std::string(request["X-Amz-Target"]), request.body(),
                                     replication::true_now_us(), epoch_now_us());
        response.result(reply.status);
        body = std::move(reply.body);
        for (PeerCall& call : reply.peer_calls) {
          asio::co_spawn(io, shared_from_this()->forward(std::move(call)), asio::detached);
        }
      } catch (const ApiError& e) {
        ErrorReply reply = error_reply(e);
        response.result(reply.status);
        body = std::move(reply.body);
      }
    }
    response.set("x-amzn-RequestId", request_id());
    response.set("x-amz-crc32", crc32_of(body));
    response.body() = std::move(body);
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    return response;
  }

  awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(options.max_body_bytes);
      auto [ec, n] = co_await http::async_read(stream, buffer, parser, kNoThrow);
      if (ec == http::error::body_limit) {
        Response response(http::status::payload_too_large, 11);
        response.prepare_payload();
        co_await http::async_write(stream, response, kNoThrow);
        break;
      }
      if (ec) break;
      Response response = answer(parser.get());
      auto [write_ec, written] = co_await http::async_write(stream, response, kNoThrow);
      if (write_ec || !response.keep_alive()) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  awaitable<void> accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
      if (ec) continue;
      asio::co_spawn(io, shared_from_this()->session(std::move(socket)), asio::detached);
    }
  }

  // Delivers one replica change to another region's endpoint, retrying while it is unreachable
  // (it may be crashed, or not started yet).
  awaitable<void> forward(PeerCall call) {
    auto address = options.peers.find(call.region);
    if (address == options.peers.end()) {
      spdlog::warn("no endpoint known for region {}: its replica of {} is not updated", call.region,
                   call.request.value("TableName", ""));
      co_return;
    }
    tcp::endpoint peer = replication::parse_endpoint(address->second);
    asio::steady_timer pause(io);
    auto backoff = std::chrono::milliseconds(50);
    for (int attempt = 0; attempt < 80; ++attempt) {
      beast::tcp_stream stream(io);
      stream.expires_after(std::chrono::seconds(5));
      auto [connect_ec] = co_await stream.async_connect(peer, kNoThrow);
      if (!connect_ec) {
        Request request(http::verb::post, "/", 11);
        request.set(http::field::host, address->second);
        request.set(http::field::content_type, "application/x-amz-json-1.0");
        request.set("X-Amz-Target", "GtsimInternal." + call.operation);
        request.body() = call.request.dump();
        request.prepare_payload();
        auto [write_ec, written] = co_await http::async_write(stream, request, kNoThrow);
        beast::flat_buffer buffer;
        Response response;
        if (!write_ec) {
          auto [read_ec, read] = co_await http::async_read(stream, buffer, response, kNoThrow);
          if (!read_ec && response.result() == http::status::ok) co_return;
          if (!read_ec)
            spdlog::warn("{} refused {}: {}", call.region, call.operation, response.body());
        }
      }
      pause.expires_after(backoff);
      co_await pause.async_wait(kNoThrow);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
    }
    spdlog::error("gave up telling {} about the replicas of {}", call.region,
                  call.request.value("TableName", ""));
  }

  asio::io_context& io;
  HttpEndpointOptions options;
  DynamoDbService& service;
  tcp::acceptor acceptor;
  std::mt19937_64 random;
};

HttpEndpoint::HttpEndpoint(asio::io_context& io, HttpEndpointOptions options,
                           DynamoDbService& service)
    : impl_(std::make_shared<Impl>(io, std::move(options), service)) {}

HttpEndpoint::~HttpEndpoint() = default;

void HttpEndpoint::start() {
  auto impl = impl_;
  asio::co_spawn(
      impl->io, [impl] { return impl->accept(); }, asio::detached);
  spdlog::info("DynamoDB endpoint on http://{}:{}",
               impl->acceptor.local_endpoint().address().to_string(), port());
}

uint16_t HttpEndpoint::port() const {
  return impl_->acceptor.local_endpoint().port();
}

}  // namespace gtsim::api
