// `wait: converged` in the runner: it samples only links and sequences while records are pending,
// and compares the replicas' digests once nothing is; replicas that differ with nothing pending
// are not converged.
#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "scenarios/parser.h"
#include "scenarios/runner.h"
#include "sim/sim_cluster.h"
#include "tests/support/temp_dir.h"

using namespace gtsim;

namespace {

// Whether `wait: converged` passes after a put at us-east-1, when `diverge` has changed the
// cluster behind replication's back first.
bool wait_passes(const std::function<void(sim::SimCluster&)>& diverge) {
  const scenarios::Scenario scenario = scenarios::parse_scenario(R"(name: converged wait
seed: 3
regions: [us-east-1, eu-west-1]
network: {default: aws}
tables: [{name: items, partition_key: id}]
steps:
  - {at: 0ms, in: us-east-1, put: {id: a, n: 1}}
  - {wait: converged, timeout: 2s}
)",
                                                                 "converged.yaml");
  gtsim::testing::TempDir dir;
  sim::SimCluster cluster(sim::sim_cluster_options(scenario, dir.path().string(), scenario.seed));
  diverge(cluster);
  scenarios::RunnerOptions options;
  options.history_path = (dir.path() / "history.jsonl").string();
  return scenarios::run_scenario(scenario, cluster, options).steps_passed;
}

}  // namespace

TEST_CASE("wait: converged holds out for equal replicas, not only for empty links") {
  CHECK(wait_passes([](sim::SimCluster&) {}));
  // eu-west-1 loses its replica of the table without replication knowing: nothing is ever
  // pending, but the replicas differ.
  CHECK_FALSE(
      wait_passes([](sim::SimCluster& c) { c.region("eu-west-1")->delete_table("items"); }));
}
