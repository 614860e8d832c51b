// SwarmPlan: a random run for swarm testing, generated from a seed alone.
//
// A plan draws the regions, their clocks (offset, drift), a model for every directed link
// (distribution, jitter, loss, duplication), one table with a conflict and a timestamp policy,
// a workload of writes (put, update, delete, conditional put) on a few hot keys, and faults
// (partitions with their heals, crashes with their restarts, clock jumps and offsets, pauses with
// their resumes, link changes), as a timeline. Every draw comes from one mt19937_64 through
// gtsim's own integer transforms, so a seed gives the same plan on every platform.
//
// Thread-safety: value types and a pure function.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "regions/table_spec.h"
#include "replicator/link_model.h"
#include "sim/sim_cluster.h"

namespace gtsim::sim {

struct SwarmOptions {
  uint64_t seed = 0;
  int regions = 3;  // 2 to 6
  int64_t duration_us = 5'000'000;
  // A plan's table takes one of these conflict policies.
  std::vector<std::string> policies = {"lww", "lww-attribute"};
};

enum class StepKind {
  kPut,
  kUpdate,
  kDelete,
  kConditionalPut,  // put if the item does not exist
  kPartition,       // cuts region -> peer
  kHeal,            // restores region -> peer
  kCrash,
  kRestart,
  kClockJump,    // by amount_us
  kClockOffset,  // to amount_us
  kPause,        // shipping region -> peer
  kResume,
  kLink,  // region -> peer takes `link`
};

struct PlanStep {
  int64_t at_us = 0;
  StepKind kind = StepKind::kPut;
  std::string region;
  std::string peer;
  std::string key;        // writes
  std::string value;      // writes: the value written
  std::string attribute;  // update: the attribute it sets
  int64_t amount_us = 0;
  replication::LinkParams link;

  // One line for reports, e.g. "at 1.250s: crash us-east-1".
  std::string describe() const;
};

struct SwarmPlan {
  SwarmOptions options;
  // The cluster to build (its run_dir and on_applied left for the runner to fill in).
  SimClusterOptions cluster;
  TableSpec table;
  std::vector<PlanStep> steps;  // by time
};

// Throws DynamoError(kValidation) for a region count outside 2..6, a duration not positive or no
// policy.
SwarmPlan generate_plan(const SwarmOptions& options);

}  // namespace gtsim::sim
