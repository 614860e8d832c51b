// Swarm testing: random runs from seeds, each played in a SimCluster and judged by the
// InvariantChecker.
//
// One seed: generate its plan (swarm_plan.h), play the plan's steps in virtual time, then restart
// every crashed region, heal every cut and pause, let replication settle (up to ten minutes of
// virtual time), and check the invariants. A violation found while playing (a restarted region's
// stream or cursors, an out-of-order apply) names the step just played; one found only at the end
// is pinned down by replaying shorter prefixes of the same plan, so the report names the smallest
// prefix that breaks an invariant. The same options give the same result on every run.
//
// Thread-safety: functions are reentrant; each run owns its directory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/invariants.h"
#include "sim/swarm_plan.h"

namespace gtsim::sim {

struct SwarmResult {
  uint64_t seed = 0;
  std::optional<Violation> violation;  // nullopt: every invariant held
  // With a violation: how many steps of the plan it takes to break it (1-based; 0 when the
  // setup alone does), and that last step.
  size_t failing_steps = 0;
  std::string failing_step;
  size_t steps = 0;   // in the plan
  size_t writes = 0;  // acknowledged
  int64_t simulated_us = 0;
};

// Plays the first `step_limit` steps of `plan` (all of them when larger) in `run_dir`, which is
// emptied first, and checks the invariants. Throws DynamoError(kInternal) when a file fails.
SwarmResult run_plan(const SwarmPlan& plan, const std::string& run_dir, size_t step_limit);

// Generates the plan of options.seed, runs it, and on a violation finds the smallest failing
// prefix (at most `step_limit` steps).
SwarmResult run_seed(const SwarmOptions& options, const std::string& run_dir,
                     size_t step_limit = SIZE_MAX);

// The command that replays `result`, e.g. "gtsim swarm --seeds 17..17 --regions 3 --duration
// 5s --steps 42".
std::string replay_command(const SwarmOptions& options, const SwarmResult& result);

}  // namespace gtsim::sim
