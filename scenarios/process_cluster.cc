#include "scenarios/process_cluster.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "model/errors.h"
#include "replicator/region_server.h"

namespace gtsim::scenarios {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(20);

std::string hex(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes)
    out += fmt::format("{:02x}", c);
  return out;
}

[[noreturn]] void internal(const std::string& message) {
  throw DynamoError(ErrorType::kInternal, message);
}

// The last few lines of a region's log, for an error message.
std::string log_tail(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  std::string tail;
  for (size_t i = lines.size() > 5 ? lines.size() - 5 : 0; i < lines.size(); ++i)
    tail += "\n  " + lines[i];
  return tail;
}

}  // namespace

ProcessClusterOptions process_cluster_options(const Scenario& scenario, const std::string& binary,
                                              const std::string& run_dir) {
  ProcessClusterOptions o;
  o.binary = binary;
  o.run_dir = run_dir;
  o.seed = scenario.seed;
  for (const Region& region : scenario.regions) {
    o.regions[region.name] = region.clock;
    if (!region.initial_replica) o.joining.insert(region.name);
  }
  for (const Table& table : scenario.tables)
    o.tables.push_back(table.spec);
  for (const auto& [from, from_clock] : o.regions) {
    for (const auto& [to, to_clock] : o.regions) {
      if (from != to) o.links[{from, to}] = link_params(scenario.network.link(from, to), from, to);
    }
  }
  return o;
}

ProcessCluster::ProcessCluster(ProcessClusterOptions options) : options_(std::move(options)) {
  if (options_.regions.size() == options_.joining.size()) {
    throw_validation("a cluster needs at least one region holding a replica");
  }
  origin_us_ = replication::true_now_us();
  run_id_ = "run-" + hex(replication::random_nonce()).substr(0, 16);
  secret_ = hex(replication::random_nonce()) + hex(replication::random_nonce());
  secret_path_ = (std::filesystem::path(options_.run_dir) / ".secret").string();
  int fd = ::open(secret_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) internal("cannot write the run's secret in " + options_.run_dir);
  bool written = ::fchmod(fd, 0600) == 0 &&
                 ::write(fd, secret_.data(), secret_.size()) == ssize_t(secret_.size());
  ::close(fd);
  if (!written) internal("cannot write the run's secret in " + options_.run_dir);

  for (const auto& [name, settings] : options_.regions) {
    Node& n = nodes_[name];
    n.name = name;
    n.member = !options_.joining.contains(name);
    // Scheduled jumps are applied by advance_to when they fall due.
    n.clock = RegionClock({settings.offset_us, settings.drift_ppm, {}}, origin_us_);
    n.drift_ppm = settings.drift_ppm;
    for (const ClockJump& jump : settings.jumps)
      jumps_.push_back({jump.at_true_us, name, jump.delta_us});
  }
  std::stable_sort(jumps_.begin(), jumps_.end(),
                   [](const Jump& a, const Jump& b) { return a.at_us < b.at_us; });
  for (const auto& [from, a] : nodes_) {
    for (const auto& [to, b] : nodes_) {
      if (from == to) continue;
      auto it = options_.links.find({from, to});
      links_[{from, to}].params = it != options_.links.end() ? it->second : options_.default_link;
    }
  }
  try {
    for (auto& [name, n] : nodes_) {
      if (n.member) launch(n);
    }
    for (auto& [name, n] : nodes_) {
      if (!n.member) continue;
      configure(n);
      for (const TableSpec& table : options_.tables)
        control(n, [&](auto& c) { return c.call("CreateTable", table_spec_to_json(table)); });
    }
    wait_connected();
  } catch (...) {
    shutdown();
    throw;
  }
  // Scenario time starts now, with every region ready.
  origin_us_ = replication::true_now_us();
}

ProcessCluster::~ProcessCluster() {
  shutdown();
}

int64_t ProcessCluster::now_us() {
  return replication::true_now_us() - origin_us_;
}

void ProcessCluster::advance_to(int64_t t_us) {
  for (;;) {
    while (!jumps_.empty() && jumps_.front().at_us <= now_us()) {
      const Jump jump = jumps_.front();
      jumps_.erase(jumps_.begin());
      jump_clock(jump.region, jump.delta_us);
    }
    const int64_t now = now_us();
    if (now >= t_us) return;
    int64_t until = t_us;
    if (!jumps_.empty()) until = std::min(until, jumps_.front().at_us);
    std::this_thread::sleep_for(std::chrono::microseconds(std::max<int64_t>(0, until - now)));
  }
}

nlohmann::json ProcessCluster::call(const std::string& region, const std::string& operation,
                                    const nlohmann::json& request) {
  Node& n = live(region);
  return control(n, [&](auto& c) { return c.call(operation, request); });
}

void ProcessCluster::set_link(const std::string& from, const std::string& to,
                              const replication::LinkParams& params) {
  params.validate();
  LinkState& state = link(from, to);
  state.params = params;
  Node& n = node(from);
  if (reaches(n, to))
    control(n, [&](auto& c) {
      c.set_link(to, params);
      return 0;
    });
}

void ProcessCluster::set_partitioned(const std::string& from, const std::string& to, bool cut) {
  link(from, to).cut = cut;
  Node& n = node(from);
  if (reaches(n, to))
    control(n, [&](auto& c) {
      c.set_partitioned(to, cut);
      return 0;
    });
}

void ProcessCluster::set_paused(const std::string& from, const std::string& to, bool paused) {
  link(from, to).paused = paused;
  Node& n = node(from);
  if (reaches(n, to))
    control(n, [&](auto& c) {
      c.set_paused(to, paused);
      return 0;
    });
}

void ProcessCluster::set_clock_offset(const std::string& region, int64_t offset_us) {
  Node& n = node(region);
  n.clock.set_offset(replication::true_now_us(), offset_us);
  if (n.client)
    control(n, [&](auto& c) {
      c.set_clock_offset(offset_us);
      return 0;
    });
}

void ProcessCluster::set_clock_drift(const std::string& region, double drift_ppm) {
  Node& n = node(region);
  n.clock.set_drift(replication::true_now_us(), drift_ppm);
  n.drift_ppm = drift_ppm;
  if (n.client)
    control(n, [&](auto& c) {
      c.set_clock_drift(drift_ppm);
      return 0;
    });
}

void ProcessCluster::jump_clock(const std::string& region, int64_t delta_us) {
  Node& n = node(region);
  n.clock.jump(replication::true_now_us(), delta_us);
  if (n.client)
    control(n, [&](auto& c) {
      c.jump_clock(delta_us);
      return 0;
    });
}

void ProcessCluster::crash(const std::string& region) {
  Node& n = live(region);
  n.client.reset();
  n.process.kill();
}

void ProcessCluster::restart(const std::string& region) {
  Node& n = node(region);
  if (!n.member) throw_validation("region '" + region + "' holds no replica");
  if (n.client) throw_validation("region '" + region + "' is not crashed");
  launch(n);
  configure(n);
}

void ProcessCluster::add_replica(const std::string& region, const std::string& from) {
  Node& n = node(region);
  if (n.member) throw_validation("region '" + region + "' already holds a replica");
  if (n.removed) throw_validation("region '" + region + "' was removed; it cannot join again");
  Node& source = live(from);
  // The new region dials the members at once; they refuse it until they add it below, and it
  // redials with backoff. They add it only once it holds the snapshot, since the first Hello
  // it answers tells each of them where to resume shipping.
  launch(n);
  try {
    configure(n);
    const nlohmann::json snapshot = control(source, [](auto& c) { return c.snapshot(); });
    control(n, [&](auto& c) {
      c.load_snapshot(snapshot);
      return 0;
    });
  } catch (...) {
    n.client.reset();
    n.process.kill();
    throw;
  }
  n.member = true;
  const std::string address = n.peer_port.address();
  for (auto& [name, m] : nodes_) {
    if (name == region || !m.member || !m.client) continue;  // a crashed member learns at restart
    const LinkState& state = link(name, region);
    control(m, [&](auto& c) {
      c.add_peer(region, address, state.params);
      return 0;
    });
    configure_link(m, region, state);
  }
}

void ProcessCluster::remove_replica(const std::string& region) {
  Node& n = live(region);
  if (std::count_if(nodes_.begin(), nodes_.end(), [](const auto& e) { return e.second.member; }) ==
      1) {
    throw_validation("region '" + region + "' holds the last replica");
  }
  // Only the origin ships a write, so one it shipped to some members but not all would keep them
  // apart for good: it drains first.
  const int64_t deadline = now_us() + kRemoveDrainTimeoutUs;
  for (;;) {
    const replication::RegionStatus s = control(n, [](auto& c) { return c.status(false); });
    const bool drained =
        std::all_of(s.links.begin(), s.links.end(),
                    [](const replication::LinkStatus& l) { return l.pending == 0; });
    if (drained || now_us() >= deadline) break;
    std::this_thread::sleep_for(kPollInterval);
  }
  for (auto& [name, m] : nodes_) {
    if (name == region || !m.member || !m.client) continue;  // a crashed member forgets at restart
    control(m, [&](auto& c) {
      c.remove_peer(region);
      return 0;
    });
  }
  control(n, [](auto& c) {
    c.drop_replicas();
    return 0;
  });
  n.member = false;
  n.removed = true;
  n.client.reset();
  n.process.kill();
}

std::vector<replication::RegionStatus> ProcessCluster::status() {
  return statuses(true);
}

std::vector<replication::RegionStatus> ProcessCluster::status_without_digests() {
  return statuses(false);
}

std::vector<replication::RegionStatus> ProcessCluster::statuses(bool with_digests) {
  std::vector<replication::RegionStatus> out;
  for (auto& [name, n] : nodes_) {
    if (n.member && n.client)
      out.push_back(control(n, [&](auto& c) { return c.status(with_digests); }));
  }
  return out;
}

std::map<std::string, std::string> ProcessCluster::region_files() const {
  std::map<std::string, std::string> files;
  for (const auto& [name, n] : nodes_) {
    if (n.member) files[name] = file(n, ".db");
  }
  return files;
}

void ProcessCluster::shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  for (auto& [name, n] : nodes_) {
    n.client.reset();
    n.process.kill();
  }
  std::error_code ignored;
  std::filesystem::remove(secret_path_, ignored);
}

std::unique_ptr<replication::ControlClient> ProcessCluster::connect(const std::string& region) {
  const Node& n = live(region);
  return std::make_unique<replication::ControlClient>(n.control_port.address(), secret_, run_id_);
}

int ProcessCluster::pid(const std::string& region) const {
  auto it = nodes_.find(region);
  if (it == nodes_.end() || !it->second.client) return -1;
  return it->second.process.pid();
}

ProcessCluster::Node& ProcessCluster::node(const std::string& region) {
  auto it = nodes_.find(region);
  if (it == nodes_.end()) throw_validation("region '" + region + "' holds no replica");
  return it->second;
}

ProcessCluster::Node& ProcessCluster::live(const std::string& region) {
  Node& n = node(region);
  if (!n.member) throw_validation("region '" + region + "' holds no replica");
  if (!n.client) throw_validation("region '" + region + "' is crashed");
  return n;
}

ProcessCluster::LinkState& ProcessCluster::link(const std::string& from, const std::string& to) {
  auto it = links_.find({from, to});
  if (it == links_.end()) throw_validation("no link from '" + from + "' to '" + to + "'");
  return it->second;
}

std::string ProcessCluster::file(const Node& n, const char* extension) const {
  return (std::filesystem::path(options_.run_dir) / (n.name + extension)).string();
}

void ProcessCluster::launch(Node& n) {
  if (shut_down_) internal("the cluster is shut down");
  std::string peers;
  for (const auto& [name, other] : nodes_) {
    if (name == n.name || !other.member) continue;
    if (!peers.empty()) peers += ",";
    peers += name + "=" + other.peer_port.address();
  }
  std::vector<std::string> argv = {options_.binary, "region",
                                   "--name",        n.name,
                                   "--db",          file(n, ".db"),
                                   "--listen",      n.peer_port.address(),
                                   "--control",     n.control_port.address(),
                                   "--secret-file", secret_path_,
                                   "--run-id",      run_id_,
                                   "--seed",        std::to_string(options_.seed),
                                   "--log-level",   "warn"};
  argv.push_back("--reserved-ports");  // the cluster holds both ports for the run
  if (!peers.empty()) {
    argv.push_back("--peers");
    argv.push_back(peers);
  }
  if (auto http = options_.http_ports.find(n.name); http != options_.http_ports.end()) {
    std::string http_peers;
    for (const auto& [name, port] : options_.http_ports) {
      if (name != n.name)
        http_peers += fmt::format("{}{}=127.0.0.1:{}", http_peers.empty() ? "" : ",", name, port);
    }
    argv.insert(argv.end(), {"--http", fmt::format("127.0.0.1:{}", http->second)});
    if (!http_peers.empty()) argv.insert(argv.end(), {"--http-peers", http_peers});
    if (!options_.credentials_file.empty()) {
      argv.insert(argv.end(), {"--credentials", options_.credentials_file});
    }
  }
  const std::string log = file(n, ".log");
  n.process = replication::ChildProcess(argv, log);
  const std::string address = n.control_port.address();
  const int64_t deadline = replication::true_now_us() + options_.start_timeout_us;
  while (!n.client) {
    if (n.process.exited()) {
      internal(fmt::format("region '{}' exited at start; its log ({}) ends:{}", n.name, log,
                           log_tail(log)));
    }
    try {
      n.client = std::make_unique<replication::ControlClient>(address, secret_, run_id_);
    } catch (const std::exception&) {
      if (replication::true_now_us() > deadline) {
        n.process.kill();
        internal(fmt::format("region '{}' did not accept its control connection within {} s",
                             n.name, options_.start_timeout_us / 1'000'000));
      }
      std::this_thread::sleep_for(kPollInterval);
    }
  }
}

void ProcessCluster::configure(Node& n) {
  const int64_t now = replication::true_now_us();
  const int64_t offset = n.clock.read(now) - now;
  control(n, [&](auto& c) {
    c.set_clock_offset(offset);
    c.set_clock_drift(n.drift_ppm);
    for (const auto& [id, state] : links_) {
      if (id.first == n.name && nodes_.at(id.second).member) c.set_link(id.second, state.params);
    }
    return 0;
  });
  for (const auto& [id, state] : links_) {
    if (id.first == n.name && nodes_.at(id.second).member) configure_link(n, id.second, state);
  }
}

void ProcessCluster::configure_link(Node& from, const std::string& to, const LinkState& state) {
  control(from, [&](auto& c) {
    if (state.cut) c.set_partitioned(to, true);
    if (state.paused) c.set_paused(to, true);
    return 0;
  });
}

bool ProcessCluster::reaches(const Node& from, const std::string& to) const {
  return from.member && from.client && nodes_.at(to).member;
}

void ProcessCluster::wait_connected() {
  const int64_t deadline = replication::true_now_us() + options_.start_timeout_us;
  for (;;) {
    std::vector<std::string> waiting;
    for (const replication::RegionStatus& s : status_without_digests()) {
      for (const replication::LinkStatus& l : s.links) {
        if (!l.connected) waiting.push_back(s.region + "->" + l.peer);
      }
    }
    if (waiting.empty()) return;
    if (replication::true_now_us() > deadline) {
      std::string list;
      for (const std::string& w : waiting)
        list += (list.empty() ? "" : ", ") + w;
      internal("regions did not connect in time: " + list);
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

template <typename F>
auto ProcessCluster::control(Node& n, F f) -> decltype(f(*n.client)) {
  try {
    return f(*n.client);
  } catch (const DynamoError&) {
    throw;
  } catch (const std::exception& e) {
    n.client.reset();
    internal(fmt::format("lost the control channel of region '{}': {}; its log ({}) ends:{}",
                         n.name, e.what(), file(n, ".log"), log_tail(file(n, ".log"))));
  }
}

}  // namespace gtsim::scenarios
