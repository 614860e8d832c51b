// RegionNode: one region as a driver runs it: its Region on its file and the Replicator that
// ships its writes to every peer.
//
// The Boost.Asio region process (region_server.h) and the in-process simulator
// (sim/sim_cluster.h) both drive a region through this class, so a DynamoDB call, the
// replication kick that follows it and the status a region reports mean the same in both modes.
// It owns no connection and reads no clock: drivers pass true time and carry out the Effects.
//
// Errors: as Region::open and Replicator::add_peer at construction; call() throws DynamoError as
// the region raised it.
// Thread-safety: not thread-safe; one owner.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "regions/region.h"
#include "replicator/control.h"
#include "replicator/replicator.h"

namespace gtsim::replication {

struct RegionNodeOptions {
  std::string name;
  std::string db_path;
  ClockSettings clock;
  std::map<std::string, LinkParams> peers;  // peer -> this region's outgoing link to it
  ReplicatorOptions replication;
  FileMode file_mode = FileMode::kShared;  // kPrivate for simulated regions
};

class RegionNode {
 public:
  // Opens (or creates) the region file and adds every peer. Throws DynamoError(kInternal) when
  // the file cannot be opened, kValidation for a bad peer or link.
  RegionNode(const RegionNodeOptions& options, int64_t now_us);

  Region& region() { return *region_; }
  Replicator& replicator() { return replicator_; }

  // A DynamoDB call (api_calls.h); the writes it committed start shipping through `effects`.
  // Throws DynamoError as the region raised it, having changed nothing.
  nlohmann::json call(const std::string& operation, const nlohmann::json& request, int64_t now_us,
                      Effects& effects);

  // Removes this region's replica of every table (remove-replica): its items go, as DynamoDB
  // deletes a removed replica's table; its stream and apply log stay for the report.
  void drop_replicas();

  // What the region reports about itself at `now_us`: sequence, links, cursors, table digests.
  RegionStatus status(int64_t now_us);
  // The same without the table digests (left empty), which cost a scan of every table.
  RegionStatus status_without_digests(int64_t now_us);

 private:
  std::unique_ptr<Region> region_;
  Replicator replicator_;
};

}  // namespace gtsim::replication
