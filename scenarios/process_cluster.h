// ProcessCluster: a Cluster of real `gtsim region` processes on loopback, in real time.
//
// One process per region holding a replica, each on its SQLite file <run_dir>/<region>.db with
// its log beside it (<region>.log), fully meshed over free loopback ports, authenticated by a fresh
// random secret in a 0600 file of the run directory (removed at shutdown). Link models and clocks
// are set over each region's control channel before the tables are created; the constructor returns
// once every link is connected.
//
// A region's clock and its outgoing links belong to its host, not its process: the cluster keeps
// them (clock offset, drift and scheduled jumps; each directed link's model, cut and pause) and
// sets them again when a crashed region restarts, on the same file and ports.
//
// Membership: a region of `joining` starts no process until add_replica launches it, seeds it
// with a snapshot of a live replica over the control channels, and only then has every member
// add it as a peer, so the cursors of the snapshot decide what each peer ships to it: nothing is
// lost or applied twice. remove_replica has every member forget the region, drops its tables
// and stops its process; its file stays for the report.
//
// Children never outlive the cluster: shutdown() and the destructor SIGKILL them, and each
// child asks the kernel to kill it if the orchestrator dies (see replicator/child_process.h).
//
// Errors: as Cluster. A process that does not start or connect within start_timeout_us, or a
// control channel that breaks, throws DynamoError(kInternal) naming the region and its log.
// Thread-safety: not thread-safe; one owner.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "regions/clock.h"
#include "regions/table_spec.h"
#include "replicator/child_process.h"
#include "replicator/control_client.h"
#include "replicator/reserved_port.h"
#include "scenarios/cluster.h"
#include "scenarios/scenario.h"

namespace gtsim::scenarios {

struct ProcessClusterOptions {
  std::string binary;                            // the gtsim executable
  std::string run_dir;                           // must exist
  uint64_t seed = 0;                             // seeds the link models
  std::map<std::string, ClockSettings> regions;  // name -> its clock (jumps in scenario time)
  std::set<std::string> joining;  // regions of `regions` holding no replica until add_replica
  std::vector<TableSpec> tables;  // created in every initial replica at the start
  replication::LinkParams default_link;
  std::map<LinkId, replication::LinkParams> links;  // directed links that differ from the default
  // Region -> port on 127.0.0.1 of its DynamoDB endpoint (gtsim serve); regions not listed serve
  // none. Each endpoint knows the others', for UpdateTable's ReplicaUpdates.
  std::map<std::string, uint16_t> http_ports;
  std::string credentials_file;  // with http_ports: SigV4 verification (gtsim region --credentials)
  int64_t start_timeout_us = 20'000'000;
};

// The options that run `scenario`: its regions (the joining ones marked), clocks, tables and link
// models.
ProcessClusterOptions process_cluster_options(const Scenario& scenario, const std::string& binary,
                                              const std::string& run_dir);

class ProcessCluster final : public Cluster {
 public:
  // Starts and connects every region. Throws DynamoError(kInternal) when one fails (having
  // stopped those that started).
  explicit ProcessCluster(ProcessClusterOptions options);
  ~ProcessCluster() override;

  int64_t now_us() override;
  int64_t time_origin_us() const override { return origin_us_; }
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
  std::vector<replication::RegionStatus> status_without_digests() override;
  std::map<std::string, std::string> region_files() const override;
  void shutdown() override;

  // A control connection of its own to a running region, for a client on another thread (the
  // cluster's connections serve one request at a time, from the runner's thread). The caller owns
  // it; it must not outlive the region's process. Throws DynamoError(kValidation) for a region
  // that holds no replica or is crashed.
  std::unique_ptr<replication::ControlClient> connect(const std::string& region);

  // The pid of a running region's process (for tests); -1 when crashed.
  int pid(const std::string& region) const;

 private:
  struct Node {
    std::string name;
    // Held for the whole run, so a restarted region gets its ports back.
    replication::ReservedPort peer_port, control_port;
    replication::ChildProcess process;
    std::unique_ptr<replication::ControlClient> client;
    RegionClock clock;  // in host true time
    double drift_ppm = 0;
    bool member = false;  // holds a replica (crashed or not)
    bool removed = false;
  };
  struct LinkState {
    replication::LinkParams params;
    bool cut = false;
    bool paused = false;
  };
  struct Jump {
    int64_t at_us;  // scenario time
    std::string region;
    int64_t delta_us;
  };

  Node& node(const std::string& region);
  // A member whose process runs.
  Node& live(const std::string& region);
  // Every member's status, with or without its table digests (ControlClient::status).
  std::vector<replication::RegionStatus> statuses(bool with_digests);
  LinkState& link(const std::string& from, const std::string& to);
  std::string file(const Node& n, const char* extension) const;
  // Starts n's process and connects its control channel.
  void launch(Node& n);
  // Sets n's clock and its outgoing links to members from what the cluster holds.
  void configure(Node& n);
  // Sets the cut and pause of the link from -> to in `from`'s process.
  void configure_link(Node& from, const std::string& to, const LinkState& state);
  // Whether `from`'s process knows `to` as a peer (both are members) and runs.
  bool reaches(const Node& from, const std::string& to) const;
  void wait_connected();
  // Runs a control-channel request, turning a broken channel into DynamoError(kInternal).
  template <typename F>
  auto control(Node& n, F f) -> decltype(f(*n.client));

  ProcessClusterOptions options_;
  int64_t origin_us_ = 0;
  std::string run_id_, secret_, secret_path_;
  std::map<std::string, Node> nodes_;
  std::map<LinkId, LinkState> links_;
  std::vector<Jump> jumps_;  // not yet applied, by time
  bool shut_down_ = false;
};

}  // namespace gtsim::scenarios
