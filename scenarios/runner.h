// Runner: plays a Scenario against a Cluster and records what happened in history.jsonl.
//
// Steps run in file order, each at its `at:` time or `after:` the previous step completed (see
// Step); between them the runner issues the background workloads' operations at their times
// and samples every region's status every 100 ms of scenario time. Client operations become
// DynamoDB calls (Operation mirrors DynamoDB's requests) and step expectations are checked
// against their answers; faults become cluster calls; `wait: converged` lasts until every
// workload is done and every region reports no pending record on any link and equal table
// digests, or until its timeout.
//
// The runner never sleeps or reads a clock: the Cluster tells the time and advances it, so one
// runner serves real processes and the deterministic simulator. Workload traffic draws from a
// PRNG seeded by the scenario's seed alone.
//
// The history format (docs/run-directory.md) is shared with the report builder: one JSON object
// per line, in order of true time.
//
// Errors: DynamoError(kInternal) from the cluster (a region that died, a history that cannot be
// written) propagates; a failed expectation or a wait that times out is recorded in the
// history and the result, not thrown.
// Thread-safety: not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scenarios/cluster.h"
#include "scenarios/scenario.h"

namespace gtsim::scenarios {

// Where a run is, at each status sample.
struct RunProgress {
  Micros now_us = 0;
  int64_t operations = 0;  // client operations completed
  int64_t pending = 0;     // records pending over all links at the last sample
};

// A step from outside the scenario file, played as soon as the runner is between two events:
// a fault typed while `gtsim serve` runs.
struct LiveStep {
  Step step;  // a Fault other than add_replica and remove_replica; recorded with its pos.line
  // Called once the step was played: with "", or with why the cluster refused it (a validation
  // error such as restarting a region that is not crashed).
  std::function<void(const std::string& error)> done;
};

struct RunnerOptions {
  std::string history_path;  // history.jsonl, created or truncated
  // The command that plays this run again, recorded with the scenario's seed in the history's
  // start event, from which the report states both.
  std::string replay_command;
  Micros status_interval_us = 100 * kMillisecond;
  // Called after every status sample.
  std::function<void(const RunProgress&)> on_progress;
  // Polled between events; true stops the run where it is (e.g. on Ctrl-C).
  std::function<bool()> interrupted;
  // Polled between events for live steps to play at once.
  std::function<std::vector<LiveStep>()> live_steps;
  // After the last step the run goes on (status samples, live steps) until interrupted.
  bool until_interrupted = false;
};

struct RunResult {
  bool steps_passed = true;  // every step expectation held and every wait converged in time
  bool interrupted = false;
  int64_t operations = 0;
  Micros end_us = 0;
};

RunResult run_scenario(const Scenario& scenario, Cluster& cluster, const RunnerOptions& options);

// The DynamoDB operation name and request JSON of a scenario operation.
std::pair<std::string, nlohmann::json> dynamodb_request(const Operation& operation);

}  // namespace gtsim::scenarios
