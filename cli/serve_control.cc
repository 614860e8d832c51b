#include "cli/serve_control.h"

#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace gtsim {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::awaitable;
using asio::ip::tcp;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr size_t kMaxBody = 64 * 1024;

awaitable<void> session(tcp::socket socket, const ServeControl::Handler& handler) {
  boost::beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxBody);
    auto [read_error, read] = co_await http::async_read(socket, buffer, parser, kNoThrow);
    if (read_error) co_return;
    const http::request<http::string_body>& request = parser.get();
    std::pair<int, nlohmann::json> answer;
    if (request.method() == http::verb::post && request.target() == "/fault") {
      answer = handler(request.body());
    } else {
      answer = {404, {{"error", "unknown request; POST /fault with a fault step"}}};
    }
    http::response<http::string_body> response{http::int_to_status(unsigned(answer.first)),
                                               request.version()};
    response.set(http::field::content_type, "application/json");
    response.keep_alive(request.keep_alive());
    response.body() = answer.second.dump() + "\n";
    response.prepare_payload();
    auto [write_error, written] = co_await http::async_write(socket, response, kNoThrow);
    if (write_error || !response.keep_alive()) co_return;
  }
}

awaitable<void> accept_loop(tcp::acceptor& acceptor, const ServeControl::Handler& handler) {
  for (;;) {
    auto [error, socket] = co_await acceptor.async_accept(kNoThrow);
    if (error) co_return;
    asio::co_spawn(acceptor.get_executor(), session(std::move(socket), handler), asio::detached);
  }
}

}  // namespace

struct ServeControl::Impl {
  Handler handler;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::thread thread;

  Impl(uint16_t port, Handler h)
      : handler(std::move(h)),
        acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), port)) {}
};

ServeControl::ServeControl(uint16_t port, Handler handler)
    : impl_(std::make_unique<Impl>(port, std::move(handler))) {
  asio::co_spawn(impl_->io, accept_loop(impl_->acceptor, impl_->handler), asio::detached);
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

ServeControl::~ServeControl() {
  impl_->io.stop();
  impl_->thread.join();
}

}  // namespace gtsim
