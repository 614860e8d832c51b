// gtsim region: one region process (see replicator/region_server.h and docs/replication.md).
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <fmt/core.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "api/region_endpoint.h"
#include "api/sigv4.h"
#include "cli/commands.h"
#include "model/errors.h"
#include "replicator/aws_latency.h"
#include "replicator/region_server.h"

namespace gtsim {
namespace {

struct RegionArgs {
  replication::RegionServerOptions server;
  std::string peers;
  std::string secret_file;
  double latency_ms = 0;
  bool aws_latency = false;
  double linger_ms = 0;
  double clock_offset_ms = 0;
  std::string log_level = "info";
  std::string http;  // DynamoDB endpoint address; empty: none
  std::string http_peers;
  std::string credentials;
};

// "a=127.0.0.1:7001,b=7002" -> {a: ..., b: ...}
std::map<std::string, std::string> parse_peers(const std::string& text) {
  std::map<std::string, std::string> peers;
  std::stringstream in(text);
  std::string entry;
  while (std::getline(in, entry, ',')) {
    size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw CLI::ValidationError("--peers", "expected NAME=ADDRESS, got '" + entry + "'");
    }
    peers[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return peers;
}

std::string read_secret(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw CLI::ValidationError("--secret-file", "cannot read " + path);
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r'))
    secret.pop_back();
  if (secret.empty()) throw CLI::ValidationError("--secret-file", path + " is empty");
  return secret;
}

void run_region(RegionArgs& args) {
  replication::RegionServerOptions& o = args.server;
  o.peers = parse_peers(args.peers);
  o.replication.secret = read_secret(args.secret_file);
  o.replication.shipping.linger_us = int64_t(args.linger_ms * 1000);
  o.clock.offset_us = int64_t(args.clock_offset_ms * 1000);
  o.default_link = replication::constant_link(int64_t(args.latency_ms * 1000));
  if (args.aws_latency) {
    for (const auto& [peer, address] : o.peers) {
      if (auto one_way = replication::aws_one_way_latency_us(o.name, peer)) {
        o.links[peer] = replication::constant_link(*one_way);
      }
    }
  }
  spdlog::set_level(spdlog::level::from_str(args.log_level));
  spdlog::set_pattern(fmt::format("[%H:%M:%S.%e] [{}] [%l] %v", o.name));

  boost::asio::io_context io;
  try {
    auto server = std::make_unique<replication::RegionServer>(io, o);
    server->start();
    std::unique_ptr<api::RegionEndpoint> endpoint;
    if (!args.http.empty()) {
      api::HttpEndpointOptions http{args.http, parse_peers(args.http_peers)};
      if (!args.credentials.empty()) http.credentials = api::read_credentials(args.credentials);
      std::vector<std::string> peer_names;
      for (const auto& [peer, address] : o.peers)
        peer_names.push_back(peer);
      endpoint = std::make_unique<api::RegionEndpoint>(io, *server, o.name, o.db_path, peer_names,
                                                       std::move(http));
      endpoint->start();
    }
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code, int) { io.stop(); });
    io.run();
  } catch (const DynamoError& e) {
    fmt::print(stderr, "gtsim region: {}\n", e.what());
    throw CLI::RuntimeError(1);
  } catch (const boost::system::system_error& e) {
    fmt::print(stderr, "gtsim region: {}\n", e.what());
    throw CLI::RuntimeError(1);
  }
}

}  // namespace

void add_region_command(CLI::App& app) {
  auto args = std::make_shared<RegionArgs>();
  CLI::App* region = app.add_subcommand(
      "region", "Run one region process: a SQLite replica that replicates with its peers over TCP");
  auto& o = args->server;
  region->add_option("--name", o.name, "region name, e.g. us-east-1")->required();
  region->add_option("--db", o.db_path, "SQLite file of the replica (created if missing)")
      ->required();
  region->add_option("--listen", o.listen, "address for peers, host:port or port")
      ->capture_default_str();
  region->add_option("--control", o.control, "address for the orchestrator, host:port or port")
      ->capture_default_str();
  region->add_flag("--reserved-ports", o.reserved_ports,
                   "the parent holds --listen and --control reserved: share them (SO_REUSEPORT)");
  region->add_option("--peers", args->peers, "peers as NAME=ADDRESS,...");
  region->add_option("--secret-file", args->secret_file, "file holding the run's shared secret")
      ->required();
  region->add_option("--run-id", o.replication.run_id, "identifier of the run")->required();
  region->add_option("--seed", o.replication.seed, "seed of the link models")
      ->capture_default_str();
  region->add_option("--latency-ms", args->latency_ms, "constant one-way latency of every link")
      ->capture_default_str();
  region->add_flag("--aws-latency", args->aws_latency,
                   "links between AWS region names take half the built-in round-trip time");
  region
      ->add_option("--max-batch", o.replication.shipping.max_batch_records,
                   "records per change batch")
      ->capture_default_str();
  region->add_option("--linger-ms", args->linger_ms, "how long a partial batch waits")
      ->capture_default_str();
  region->add_option("--clock-offset-ms", args->clock_offset_ms, "offset of the region's clock")
      ->capture_default_str();
  region->add_option("--log-level", args->log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  region->add_option("--http", args->http,
                     "serve DynamoDB's API (and Streams') on this address, host:port or port");
  region->add_option("--http-peers", args->http_peers,
                     "the other regions' DynamoDB endpoints as NAME=ADDRESS,..., for replicas");
  region->add_option("--credentials", args->credentials,
                     "verify SigV4 signatures against ACCESS_KEY_ID SECRET lines of this file");
  region->callback([args] { run_region(*args); });
}

}  // namespace gtsim
