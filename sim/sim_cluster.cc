#include "sim/sim_cluster.h"

#include <algorithm>
#include <filesystem>

#include "model/errors.h"
#include "replicator/link_model.h"
#include "replicator/wire.h"
#include "scenarios/process_cluster.h"

namespace gtsim::sim {

using replication::Channel;
using replication::Effects;
using replication::LinkParams;

namespace {

// The dialer's backoff between attempts, as the region process's (region_server.cc).
constexpr int64_t kFirstBackoffUs = 50'000;
constexpr int64_t kMaxBackoffUs = 1'000'000;

}  // namespace

SimClusterOptions sim_cluster_options(const scenarios::Scenario& scenario,
                                      const std::string& run_dir, uint64_t seed) {
  scenarios::ProcessClusterOptions processes =
      scenarios::process_cluster_options(scenario, "", run_dir);
  SimClusterOptions o;
  o.run_dir = run_dir;
  o.seed = seed;
  o.regions = processes.regions;
  o.joining = processes.joining;
  o.tables = processes.tables;
  o.default_link = processes.default_link;
  o.links = processes.links;
  return o;
}

SimCluster::SimCluster(SimClusterOptions options) : options_(std::move(options)) {
  if (options_.regions.size() == options_.joining.size()) {
    throw_validation("a cluster needs at least one region holding a replica");
  }
  options_.default_link.validate();
  std::filesystem::create_directories(options_.run_dir);
  for (const auto& [name, clock] : options_.regions) {
    for (const auto& [peer, peer_clock] : options_.regions) {
      if (peer == name) continue;
      auto it = options_.links.find({name, peer});
      LinkState state{it == options_.links.end() ? options_.default_link : it->second};
      state.params.validate();
      links_[{name, peer}] = state;
    }
    Host& h = hosts_[name];
    h.options.name = name;
    h.options.db_path = (std::filesystem::path(options_.run_dir) / (name + ".db")).string();
    h.options.file_mode = FileMode::kPrivate;  // a simulated crash is a process's, not the host's
    h.options.clock = clock;
    h.options.replication.run_id = "sim-" + std::to_string(options_.seed);
    h.options.replication.secret = "sim-secret-" + std::to_string(options_.seed);
    h.options.replication.shipping = options_.shipping;
    h.options.replication.heartbeat_interval_us = options_.heartbeat_interval_us;
    h.clock = RegionClock(clock, now_us_);
    h.member = !options_.joining.contains(name);
  }
  for (const auto& [from_to, state] : options_.links) {
    if (!hosts_.contains(from_to.first) || !hosts_.contains(from_to.second) ||
        from_to.first == from_to.second) {
      throw_validation("link " + from_to.first + " -> " + from_to.second +
                       " joins no two regions of the cluster");
    }
  }
  for (auto& [name, h] : hosts_) {
    if (!h.member) continue;
    start(h);
    for (const TableSpec& table : options_.tables)
      h.node->region().create_table(table);
  }
  for (auto& [name, h] : hosts_) {
    for (const auto& [peer, link] : h.options.peers)
      dial(name, peer);
  }
  run_until(now_us_);
}

SimCluster::~SimCluster() {
  shutdown();
}

SimCluster::Host& SimCluster::host(const std::string& name) {
  auto it = hosts_.find(name);
  if (it == hosts_.end()) throw_validation("unknown region: " + name);
  return it->second;
}

SimCluster::Host& SimCluster::live(const std::string& name) {
  Host& h = host(name);
  if (!h.member) throw_validation("region " + name + " holds no replica");
  if (!h.node) throw_validation("region " + name + " is down");
  return h;
}

SimCluster::LinkState& SimCluster::link(const std::string& from, const std::string& to) {
  host(from);
  host(to);
  auto it = links_.find({from, to});
  if (it == links_.end()) throw_validation("a region has no link to itself: " + from);
  return it->second;
}

Region* SimCluster::region(const std::string& name) {
  Host& h = host(name);
  return h.node ? &h.node->region() : nullptr;
}

std::optional<int64_t> SimCluster::next_event_us() const {
  if (events_.empty()) return std::nullopt;
  return events_.begin()->first.first;
}

void SimCluster::schedule(int64_t at_us, std::function<void()> action) {
  events_.emplace(std::pair(std::max(at_us, now_us_), next_event_seq_++), std::move(action));
}

void SimCluster::run_until(int64_t t_us) {
  while (!events_.empty() && events_.begin()->first.first <= t_us) {
    auto event = events_.extract(events_.begin());
    now_us_ = std::max(now_us_, event.key().first);
    event.mapped()();
  }
}

void SimCluster::advance_to(int64_t t_us) {
  run_until(t_us);
  now_us_ = std::max(now_us_, t_us);
}

// Opens the region's file with the network's current view of its links; a restart resumes the
// host's clock. Dialing is left to the caller, once every region it may reach is up.
void SimCluster::start(Host& h) {
  const std::string& name = h.options.name;
  h.options.peers.clear();
  for (const auto& [from_to, state] : links_) {
    if (from_to.first == name && hosts_.at(from_to.second).member) {
      h.options.peers[from_to.second] = state.params;
    }
  }
  // A fresh seed per incarnation, so a restarted region does not replay its first delays.
  h.options.replication.seed =
      replication::link_seed(options_.seed, name, "incarnation " + std::to_string(h.incarnation));
  h.node = std::make_unique<replication::RegionNode>(h.options, now_us_);
  h.node->region().clock() = h.clock;
  for (const auto& [peer, link] : h.options.peers) {
    const LinkState& state = links_.at({name, peer});
    if (state.cut) dispatch(h, h.node->replicator().set_partitioned(peer, true, now_us_));
    if (state.paused) dispatch(h, h.node->replicator().set_paused(peer, true, now_us_));
  }
}

void SimCluster::dial(const std::string& dialer, const std::string& acceptor) {
  Host& d = hosts_.at(dialer);
  if (!d.node || !d.options.peers.contains(acceptor) || connections_.contains({dialer, acceptor})) {
    return;
  }
  if (!hosts_.at(acceptor).node) {  // refused: nothing listens
    redial_later(dialer, acceptor, true);
    return;
  }
  connections_[{dialer, acceptor}] = Connection{next_connection_id_++};
  dispatch(d, d.node->replicator().dialed(acceptor, now_us_));
}

void SimCluster::redial_later(const std::string& dialer, const std::string& acceptor,
                              bool after_failure) {
  Host& d = hosts_.at(dialer);
  int64_t& backoff = d.dial_backoff_us[acceptor];
  if (!after_failure || backoff == 0) backoff = kFirstBackoffUs;
  int64_t wait = backoff;
  backoff = std::min(backoff * 2, kMaxBackoffUs);
  schedule(now_us_ + wait, [this, dialer, acceptor, incarnation = d.incarnation] {
    if (hosts_.at(dialer).incarnation == incarnation) dial(dialer, acceptor);
  });
}

void SimCluster::dispatch(Host& from, Effects effects) {
  const std::string& name = from.options.name;
  for (replication::Send& send : effects.sends) {
    bool to_acceptor = send.channel == Channel::kOutbound;
    ConnectionKey key =
        to_acceptor ? ConnectionKey{name, send.peer} : ConnectionKey{send.peer, name};
    auto it = connections_.find(key);
    if (it == connections_.end()) continue;  // the connection closed: the bytes go with it
    schedule(now_us_, [this, key, id = it->second.id, to_acceptor, frame = std::move(send.frame)] {
      deliver(key, id, to_acceptor, frame);
    });
  }
  if (options_.on_applied) {
    for (const ApplyOutcome& outcome : effects.applied)
      options_.on_applied(name, now_us_, outcome);
  }
  std::optional<int64_t> wake;
  if (effects.wake_at_us) wake = std::max(*effects.wake_at_us, now_us_);
  if (wake == from.wake_at_us) return;  // that wake-up is already queued
  from.wake_at_us = wake;
  if (!wake) return;
  schedule(*wake, [this, name, incarnation = from.incarnation, at = *wake] {
    Host& h = hosts_.at(name);
    if (!h.node || h.incarnation != incarnation || h.wake_at_us != at) return;
    h.wake_at_us.reset();
    dispatch(h, h.node->replicator().tick(now_us_));
  });
}

void SimCluster::deliver(const ConnectionKey& key, uint64_t id, bool to_acceptor,
                         const std::string& frame) {
  auto it = connections_.find(key);
  if (it == connections_.end() || it->second.id != id) return;
  Connection& connection = it->second;
  const std::string& receiver = to_acceptor ? key.second : key.first;
  const std::string& sender = to_acceptor ? key.first : key.second;
  Host& h = hosts_.at(receiver);
  GTSIM_CHECK(h.node, "a connection outlived its region: " + receiver);
  replication::Replicator& replicator = h.node->replicator();
  try {
    replication::PeerMessage message = replication::decode_framed(frame);
    if (to_acceptor && !connection.hello_accepted) {
      Effects effects;
      if (replicator.accept_hello(message, now_us_, effects) != sender) {
        throw replication::ProtocolError("hello names another region than its dialer");
      }
      connection.hello_accepted = true;
      dispatch(h, std::move(effects));
    } else {
      dispatch(h, replicator.received(sender, to_acceptor ? Channel::kInbound : Channel::kOutbound,
                                      message, now_us_));
    }
  } catch (const replication::ProtocolError&) {
    close(key);  // as a region process closes a connection that broke the protocol
  } catch (const DynamoError&) {
    close(key);
  }
}

void SimCluster::close(const ConnectionKey& key) {
  connections_.erase(key);
  const auto& [dialer, acceptor] = key;
  if (Host& a = hosts_.at(acceptor); a.node) a.node->replicator().closed(dialer, Channel::kInbound);
  if (Host& d = hosts_.at(dialer); d.node) {
    d.node->replicator().closed(acceptor, Channel::kOutbound);
    redial_later(dialer, acceptor, false);
  }
}

nlohmann::json SimCluster::call(const std::string& region, const std::string& operation,
                                const nlohmann::json& request) {
  Host& h = host(region);
  if (!h.member) throw_validation("region " + region + " holds no replica");
  if (!h.node) throw DynamoError(ErrorType::kInternal, "region " + region + " is down");
  Effects effects;
  nlohmann::json result = h.node->call(operation, request, now_us_, effects);
  dispatch(h, std::move(effects));
  run_until(now_us_);
  return result;
}

void SimCluster::set_link(const std::string& from, const std::string& to,
                          const LinkParams& params) {
  LinkState& state = link(from, to);
  params.validate();
  state.params = params;
  if (Host& h = host(from); h.node && h.options.peers.contains(to)) {
    h.node->replicator().set_link(to, params);
  }
}

void SimCluster::set_partitioned(const std::string& from, const std::string& to, bool cut) {
  link(from, to).cut = cut;
  if (Host& h = host(from); h.node && h.options.peers.contains(to)) {
    dispatch(h, h.node->replicator().set_partitioned(to, cut, now_us_));
    run_until(now_us_);
  }
}

void SimCluster::set_paused(const std::string& from, const std::string& to, bool paused) {
  link(from, to).paused = paused;
  if (Host& h = host(from); h.node && h.options.peers.contains(to)) {
    dispatch(h, h.node->replicator().set_paused(to, paused, now_us_));
    run_until(now_us_);
  }
}

// The clock a fault changes: the live region's, or the host's while the region is down.
static RegionClock& clock_of(std::unique_ptr<replication::RegionNode>& node, RegionClock& host) {
  return node ? node->region().clock() : host;
}

void SimCluster::set_clock_offset(const std::string& region, int64_t offset_us) {
  Host& h = host(region);
  clock_of(h.node, h.clock).set_offset(now_us_, offset_us);
}

void SimCluster::set_clock_drift(const std::string& region, double drift_ppm) {
  Host& h = host(region);
  clock_of(h.node, h.clock).set_drift(now_us_, drift_ppm);
}

void SimCluster::jump_clock(const std::string& region, int64_t delta_us) {
  Host& h = host(region);
  clock_of(h.node, h.clock).jump(now_us_, delta_us);
}

void SimCluster::crash(const std::string& region) {
  Host& h = host(region);
  if (!h.member) throw_validation("region " + region + " holds no replica");
  if (!h.node) throw_validation("region " + region + " is already down");
  h.clock = h.node->region().clock();
  h.node.reset();
  ++h.incarnation;
  h.wake_at_us.reset();
  std::vector<ConnectionKey> gone;
  for (const auto& [key, connection] : connections_) {
    if (key.first == region || key.second == region) gone.push_back(key);
  }
  for (const ConnectionKey& key : gone)
    close(key);
  run_until(now_us_);
}

void SimCluster::restart(const std::string& region) {
  Host& h = host(region);
  if (!h.member) throw_validation("region " + region + " holds no replica");
  if (h.node) throw_validation("region " + region + " is up; crash it first");
  start(h);
  for (const auto& [peer, link] : h.options.peers)
    dial(region, peer);
  run_until(now_us_);
}

void SimCluster::add_replica(const std::string& region, const std::string& from) {
  Host& h = host(region);
  if (h.member) throw_validation("region " + region + " already holds a replica");
  if (h.removed) throw_validation("region " + region + " was removed; it cannot join again");
  Host& source = live(from);
  start(h);
  h.node->region().load_snapshot(source.node->region().snapshot(), now_us_);
  h.member = true;
  // Peers learn of the region only now that it holds the snapshot: its first Hello answer to
  // each tells it where to resume shipping.
  for (auto& [name, m] : hosts_) {
    if (name == region || !m.member) continue;
    const LinkState& state = links_.at({name, region});
    m.options.peers[region] = state.params;
    if (!m.node) continue;  // a crashed member meets it at restart
    m.node->replicator().add_peer(region, state.params);
    if (state.cut) dispatch(m, m.node->replicator().set_partitioned(region, true, now_us_));
    if (state.paused) dispatch(m, m.node->replicator().set_paused(region, true, now_us_));
  }
  for (const auto& [peer, link] : h.options.peers) {
    dial(region, peer);
    dial(peer, region);
  }
  run_until(now_us_);
}

void SimCluster::remove_replica(const std::string& region) {
  Host& h = live(region);
  if (std::count_if(hosts_.begin(), hosts_.end(), [](const auto& e) { return e.second.member; }) ==
      1) {
    throw_validation("region " + region + " holds the last replica");
  }
  // Only the origin ships a write, so one it shipped to some members but not all would keep them
  // apart for good: it drains first, event by event.
  auto drained = [&] {
    const auto links = h.node->replicator().status();
    return std::all_of(links.begin(), links.end(),
                       [](const replication::LinkStatus& l) { return l.pending == 0; });
  };
  const int64_t deadline = now_us_ + scenarios::kRemoveDrainTimeoutUs;
  while (!drained() && now_us_ < deadline) {
    const std::optional<int64_t> next = next_event_us();
    advance_to(next ? std::min(*next, deadline) : deadline);
  }
  // Closed while both sides still know each other as peers; the redials this schedules find no
  // peer and stop.
  std::vector<ConnectionKey> gone;
  for (const auto& [key, connection] : connections_) {
    if (key.first == region || key.second == region) gone.push_back(key);
  }
  for (const ConnectionKey& key : gone)
    close(key);
  for (auto& [name, m] : hosts_) {
    if (name == region || !m.member) continue;
    m.options.peers.erase(region);
    if (m.node) m.node->replicator().remove_peer(region);
  }
  h.node->drop_replicas();
  h.node.reset();
  ++h.incarnation;
  h.wake_at_us.reset();
  h.member = false;
  h.removed = true;
  run_until(now_us_);
}

std::vector<replication::RegionStatus> SimCluster::status() {
  std::vector<replication::RegionStatus> statuses;
  for (auto& [name, h] : hosts_) {
    if (h.member && h.node) statuses.push_back(h.node->status(now_us_));
  }
  return statuses;
}

std::vector<replication::RegionStatus> SimCluster::status_without_digests() {
  std::vector<replication::RegionStatus> statuses;
  for (auto& [name, h] : hosts_) {
    if (h.member && h.node) statuses.push_back(h.node->status_without_digests(now_us_));
  }
  return statuses;
}

std::map<std::string, std::string> SimCluster::region_files() const {
  std::map<std::string, std::string> files;
  for (const auto& [name, h] : hosts_) {
    if (h.member) files[name] = h.options.db_path;
  }
  return files;
}

void SimCluster::shutdown() {
  events_.clear();
  connections_.clear();
  for (auto& [name, h] : hosts_)
    h.node.reset();
}

}  // namespace gtsim::sim
