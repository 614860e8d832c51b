// Cluster: the regions of one run as the scenario runner drives them.
//
// Two implementations share this seam, so one runner, one history and one report serve both
// modes: ProcessCluster (one `gtsim region` process per region, real time, Boost.Asio over
// loopback) and SimCluster (every region inside this process under virtual time and a seeded
// PRNG, deterministic). The runner never sleeps or reads a clock itself: it asks the cluster what
// time it is and to advance to the next moment something is due.
//
// Time: true time in microseconds since the run started (scenario time). For ProcessCluster it is
// the host's monotonic clock minus the start; for SimCluster it is virtual time.
//
// Errors: call() throws DynamoError as the region raised it (ConditionalCheckFailedException...).
// Faults throw DynamoError(kValidation) for an unknown region or a fault that cannot apply (crash a
// crashed region); an environment failure (a process that will not start) throws
// DynamoError(kInternal).
// Thread-safety: not thread-safe; one runner owns the cluster.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "replicator/control.h"
#include "replicator/link_model.h"

namespace gtsim::scenarios {

// How long remove_replica waits, in scenario time, for the region to ship what it holds.
constexpr int64_t kRemoveDrainTimeoutUs = 10'000'000;

class Cluster {
 public:
  virtual ~Cluster() = default;

  // True time since the run started.
  virtual int64_t now_us() = 0;
  // The true time that region files record for now_us() == 0: region processes stamp commits
  // and applies with the host's monotonic clock, simulated regions with virtual time (so 0). A
  // run's history states it so that a report can put both on one clock.
  virtual int64_t time_origin_us() const { return 0; }
  // Returns once now_us() >= t_us, having let replication progress meanwhile.
  virtual void advance_to(int64_t t_us) = 0;

  // A DynamoDB call in `region`, as replication::execute_api_call takes and answers it
  // (DynamoDB's request and response JSON, plus "Version"/"Versions").
  virtual nlohmann::json call(const std::string& region, const std::string& operation,
                              const nlohmann::json& request) = 0;

  // Faults on the directed link from -> to.
  virtual void set_link(const std::string& from, const std::string& to,
                        const replication::LinkParams& params) = 0;
  virtual void set_partitioned(const std::string& from, const std::string& to, bool cut) = 0;
  virtual void set_paused(const std::string& from, const std::string& to, bool paused) = 0;
  // Faults on a region's clock, from now on.
  virtual void set_clock_offset(const std::string& region, int64_t offset_us) = 0;
  virtual void set_clock_drift(const std::string& region, double drift_ppm) = 0;
  virtual void jump_clock(const std::string& region, int64_t delta_us) = 0;
  // Kills the region at once (its SQLite file survives) / starts it again on that file.
  virtual void crash(const std::string& region) = 0;
  virtual void restart(const std::string& region) = 0;

  // Replica membership (DynamoDB's UpdateTable ReplicaUpdates, for every table at once). The
  // regions holding a replica at the start are given at construction; the others join here.
  // add_replica seeds `region` with a full copy (a snapshot) of the live replica in `from`, then
  // connects it with every member: the snapshot records how far it includes each origin's writes,
  // and each peer ships it what follows, so no write made meanwhile is lost or applied twice.
  // remove_replica first lets `region` ship every write it holds to every member (at most
  // kRemoveDrainTimeoutUs; a link it cannot drain, cut, paused or to a crashed member, keeps
  // what it holds back, which is then lost, and the remaining replicas may disagree on those
  // writes for good), then stops replication to and from it and deletes its copy of every table.
  // A removed region cannot join again.
  // Throw DynamoError(kValidation) when `region` already holds (or does not hold) a replica, when
  // `from` or the region to remove is crashed, and for the last replica.
  virtual void add_replica(const std::string& region, const std::string& from) = 0;
  virtual void remove_replica(const std::string& region) = 0;

  // The status of every region holding a replica that is up, in region-name order.
  virtual std::vector<replication::RegionStatus> status() = 0;
  // As status(), but a region's table digests may be left empty: for callers that poll
  // sequences, links and cursors often and need digests rarely, since each digest scans its whole
  // table. A cluster whose regions report digests anyway returns status().
  virtual std::vector<replication::RegionStatus> status_without_digests() { return status(); }
  // Region name -> path of its SQLite file (for the report), of every region holding a replica,
  // crashed regions included.
  virtual std::map<std::string, std::string> region_files() const = 0;

  // Stops every region; afterwards no process or thread of the cluster is left. Called by the
  // destructor too, so a runner that throws leaves nothing behind.
  virtual void shutdown() = 0;
};

}  // namespace gtsim::scenarios
