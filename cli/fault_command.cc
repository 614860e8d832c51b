// gtsim fault: sends a fault to a running `gtsim serve` through its control endpoint
// (cli/serve_control.h), and says whether it was played.
#include <string>
#include <vector>

#include <fmt/core.h>
#include <CLI/CLI.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/run_setup.h"

namespace gtsim {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

constexpr const char* kUsage =
    "partition R[,R...] R[,R...]... | isolate R | heal | crash R | restart R | pause FROM TO | "
    "resume [FROM TO] | latency A B DURATION | clock R offset|drift|jump VALUE | '{STEP}'";

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    out.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

// The words of the command line as a scenario step (JSON, which YAML reads too).
std::string step_text(const std::vector<std::string>& words) {
  if (words.empty()) fail("fault", 2, std::string("which fault? ") + kUsage);
  const std::string& verb = words[0];
  if (words.size() == 1 && verb.starts_with("{")) return verb;  // a step as a scenario writes it
  const size_t n = words.size() - 1;
  auto arity = [&](bool ok, const char* form) {
    if (!ok) fail("fault", 2, fmt::format("usage: gtsim fault {}", form));
  };
  if (verb == "partition") {
    arity(n >= 1, "partition R[,R...] R[,R...]...  (regions not listed form one more group)");
    json groups = json::array();
    for (size_t i = 1; i < words.size(); ++i)
      groups.push_back(split_commas(words[i]));
    return json{{"partition", groups}}.dump();
  }
  if (verb == "isolate" || verb == "crash" || verb == "restart") {
    arity(n == 1, "isolate|crash|restart REGION");
    return json{{verb, words[1]}}.dump();
  }
  if (verb == "heal") {
    arity(n == 0, "heal");
    return "heal";
  }
  if (verb == "pause" || verb == "resume") {
    arity(n == 2 || (verb == "resume" && n == 0), "pause FROM TO | resume [FROM TO]");
    if (n == 0) return "resume";
    return json{{verb, {{"from", words[1]}, {"to", words[2]}}}}.dump();
  }
  if (verb == "latency") {
    arity(n == 3, "latency A B DURATION  (both ways, e.g. latency us-east-1 eu-west-1 50ms)");
    return json{{"link", {{"between", {words[1], words[2]}}, {"latency", words[3]}}}}.dump();
  }
  if (verb == "clock") {
    arity(n == 3 && (words[2] == "offset" || words[2] == "drift" || words[2] == "jump"),
          "clock REGION offset|drift|jump VALUE  (e.g. clock eu-west-1 offset -2s)");
    return json{{"clock", {{"region", words[1]}, {words[2], words[3]}}}}.dump();
  }
  fail("fault", 2, fmt::format("unknown fault '{}'; one of: {}", verb, kUsage));
}

// POSTs `body` to /fault on 127.0.0.1:port; the HTTP status and JSON answer.
std::pair<unsigned, json> post_fault(int port, const std::string& body) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  boost::system::error_code error;
  socket.connect({boost::asio::ip::address_v4::loopback(), uint16_t(port)}, error);
  if (error) {
    fail("fault", 2,
         fmt::format("no gtsim serve answers on 127.0.0.1:{} ({}); give the --port it was "
                     "started with",
                     port, error.message()));
  }
  http::request<http::string_body> request{http::verb::post, "/fault", 11};
  request.set(http::field::host, fmt::format("127.0.0.1:{}", port));
  request.set(http::field::content_type, "application/yaml");
  request.body() = body;
  request.prepare_payload();
  http::response<http::string_body> response;
  boost::beast::flat_buffer buffer;
  http::write(socket, request, error);
  if (!error) http::read(socket, buffer, response, error);
  if (error) fail("fault", 2, "the control endpoint broke off: " + error.message());
  const json answer = json::parse(response.body(), nullptr, false);
  if (answer.is_discarded()) fail("fault", 2, "the control endpoint answered out of protocol");
  return {response.result_int(), answer};
}

}  // namespace

void add_fault_command(CLI::App& app) {
  auto words = std::make_shared<std::vector<std::string>>();
  auto port = std::make_shared<int>(8000);
  CLI::App* command = app.add_subcommand(
      "fault",
      "Inject a fault into a running gtsim serve: partition R[,R...] R[,R...]..., isolate R, "
      "heal, crash R, restart R, pause FROM TO, resume [FROM TO], latency A B DURATION, "
      "clock R offset|drift|jump VALUE, or one step as a scenario writes it ('{isolate: R}')");
  command->add_option("FAULT", *words, "the fault and its arguments")->required();
  command->add_option("--port", *port, "the --port gtsim serve was started with")
      ->capture_default_str();
  // Negative values (clock offset -2s) are arguments, not options.
  command->positionals_at_end();
  command->callback([words, port] {
    if (*port < 2 || *port > 65535) fail("fault", 2, "--port must be from 2 to 65535");
    const std::string text = step_text(*words);
    const auto [status, answer] = post_fault(*port - 1, text);
    if (status != 200) fail("fault", 1, answer.value("error", std::string("refused")));
    fmt::print("applied {}\n", text);
  });
}

}  // namespace gtsim
