// SimCluster: every region of a run inside this process, under virtual time (deterministic mode).
//
// Each region is a RegionNode (its Region on its own SQLite file in the run directory, and its
// Replicator), driven exactly as a region process drives it: connections are dialed, open with a
// Hello, carry framed messages through the wire codec, close, and are dialed again with the same
// backoff. The network between regions is in memory and delivers each message at once, since the
// link model inside the Replicator already held it for its modelled delay.
//
// Virtual time: a queue of events ordered by (time, sequence number) holds replicator wake-ups,
// message deliveries and redial timers. advance_to(t) runs them in that order, setting the clock
// to each one's time, and never sleeps, so simulated time runs as fast as the work allows. Every
// input (a call, a fault) also runs what it made due at the current instant before returning.
//
// Region files are opened FileMode::kPrivate (regions/file_mode.h): a region's file is held in
// memory and written as the region closes (shutdown(), a crash, remove_replica), so a simulated
// crash loses no commit, and nothing else may open the file until then.
//
// Determinism: the seed is the only randomness. Replicator seeds (link delays, nonces), the run
// id and secret derive from it and the region's name; containers are ordered; nothing reads a
// clock or depends on addresses. The same options and the same sequence of calls give the same
// results, region files' contents and applied changes, byte for byte.
//
// Membership: a region of `joining` opens nothing until add_replica starts it on a snapshot of a
// live replica and connects it with every member, at one virtual instant; remove_replica closes
// its connections, has every member forget it, drops its tables and stops it. Its file stays.
//
// A region's clock belongs to its host, not its process: clock faults apply while it is down and
// a restart keeps its reading. Link faults (model, cut, pause) belong to the network and persist
// across a crash too.
//
// Errors: as Cluster; call() on a crashed region throws DynamoError(kInternal), as a client that
// cannot reach the region would.
// Thread-safety: not thread-safe; one owner.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "regions/clock.h"
#include "regions/table_spec.h"
#include "replicator/region_node.h"
#include "replicator/shipper.h"
#include "scenarios/cluster.h"
#include "scenarios/scenario.h"

namespace gtsim::sim {

struct SimClusterOptions {
  // Holds one SQLite file per region, <name>.db; created if missing.
  std::string run_dir;
  uint64_t seed = 0;
  std::map<std::string, ClockSettings> regions;  // name -> its clock at the start
  std::set<std::string> joining;  // regions of `regions` holding no replica until add_replica
  std::vector<TableSpec> tables;  // created in every initial replica at the start
  replication::LinkParams default_link;
  // Directed links (from, to) whose model differs from default_link.
  std::map<std::pair<std::string, std::string>, replication::LinkParams> links;
  replication::ShipperOptions shipping;
  int64_t heartbeat_interval_us = 1'000'000;
  // Called for every remote change a region applies, at the virtual time it applied it.
  std::function<void(const std::string& region, int64_t now_us, const ApplyOutcome& outcome)>
      on_applied;
};

// The options that run `scenario` in `run_dir` (its regions, the joining ones marked, clocks,
// tables and link models, as a process cluster would run them), seeded by `seed`.
SimClusterOptions sim_cluster_options(const scenarios::Scenario& scenario,
                                      const std::string& run_dir, uint64_t seed);

class SimCluster final : public scenarios::Cluster {
 public:
  // Opens every initial replica at virtual time 0, creates the tables and connects them. Throws
  // DynamoError(kValidation) without an initial replica or for bad links, kInternal when a file
  // fails.
  explicit SimCluster(SimClusterOptions options);
  ~SimCluster() override;

  int64_t now_us() override { return now_us_; }
  void advance_to(int64_t t_us) override;
  nlohmann::json call(const std::string& region, const std::string& operation,
                      const nlohmann::json& request) override;
  void set_link(const std::string& from, const std::string& to,
                const replication::LinkParams& params) override;
  void set_partitioned(const std::string& from, const std::string& to, bool cut) override;
  void set_paused(const std::string& from, const std::string& to, bool paused) override;
  void set_clock_offset(const std::string& region, int64_t offset_us) override;
  void set_clock_drift(const std::string& region, double drift_ppm) override;
  void jump_clock(const std::string& region, int64_t delta_us) override;
  void crash(const std::string& region) override;
  void restart(const std::string& region) override;
  void add_replica(const std::string& region, const std::string& from) override;
  void remove_replica(const std::string& region) override;
  std::vector<replication::RegionStatus> status() override;
  // Leaves every digest empty.
  std::vector<replication::RegionStatus> status_without_digests() override;
  std::map<std::string, std::string> region_files() const override;
  void shutdown() override;

  // The region's live state for inspection (invariant checkers, tests); nullptr while crashed.
  // Throws DynamoError(kValidation) for an unknown region.
  Region* region(const std::string& name);
  // When the next event is due; nullopt when none is queued (the cluster is quiescent).
  std::optional<int64_t> next_event_us() const;

 private:
  struct LinkState {
    replication::LinkParams params;
    bool cut = false;
    bool paused = false;
  };
  struct Host {
    replication::RegionNodeOptions options;
    std::unique_ptr<replication::RegionNode> node;  // null while crashed
    RegionClock clock;                              // kept while crashed
    uint64_t incarnation = 0;  // counts restarts; events of an older one are void
    std::optional<int64_t> wake_at_us;
    std::map<std::string, int64_t> dial_backoff_us;  // per peer
    bool member = false;  // holds a replica (crashed or not); options.peers are the other members
    bool removed = false;
  };
  // The connection `dialer` opened to `acceptor`: the dialer's outbound, the acceptor's inbound.
  struct Connection {
    uint64_t id = 0;
    bool hello_accepted = false;
  };
  using ConnectionKey = std::pair<std::string, std::string>;  // (dialer, acceptor)

  Host& host(const std::string& name);
  // A member that is up.
  Host& live(const std::string& name);
  LinkState& link(const std::string& from, const std::string& to);
  void schedule(int64_t at_us, std::function<void()> action);
  // Runs the events due at or before t_us, in order.
  void run_until(int64_t t_us);
  // Opens the region of a member (or of the region about to join) with the other members as peers.
  void start(Host& host);
  void dial(const std::string& dialer, const std::string& acceptor);
  void redial_later(const std::string& dialer, const std::string& acceptor, bool after_failure);
  void dispatch(Host& from, replication::Effects effects);
  void deliver(const ConnectionKey& key, uint64_t id, bool to_acceptor, const std::string& frame);
  void close(const ConnectionKey& key);

  SimClusterOptions options_;
  int64_t now_us_ = 0;
  uint64_t next_event_seq_ = 0;
  std::map<std::pair<int64_t, uint64_t>, std::function<void()>> events_;
  std::map<std::string, Host> hosts_;
  std::map<std::pair<std::string, std::string>, LinkState> links_;
  std::map<ConnectionKey, Connection> connections_;
  uint64_t next_connection_id_ = 1;
};

}  // namespace gtsim::sim
