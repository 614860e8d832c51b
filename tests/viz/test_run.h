// The viz tests' synthetic run: the race run written through RunFixture
// (tests/support/run_fixture.h), then loaded back as the report and run index that the views read.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "scenarios/parser.h"
#include "scenarios/report.h"
#include "tests/support/run_fixture.h"
#include "viz/run_index.h"

namespace gtsim::viz::testing {

// A finished run directory read back.
struct Loaded {
  scenarios::Scenario scenario;
  scenarios::Report report;
  std::unique_ptr<scenarios::RunData> data;
  std::unique_ptr<RunIndex> index;
};

inline Loaded load(const std::string& dir) {
  Loaded loaded;
  loaded.scenario = scenarios::load_scenario_file(dir + "/scenario.yaml");
  loaded.data = scenarios::load_run(loaded.scenario, dir);
  loaded.report = scenarios::build_report(loaded.scenario, *loaded.data);
  loaded.index = std::make_unique<RunIndex>(*loaded.data);
  return loaded;
}

inline const std::vector<std::string> kRegions{"us-east-1", "eu-west-1", "ap-southeast-2"};

// The fault steps sit on lines 7 to 10, as the history's fault events say.
inline const std::string kRaceYaml = R"(name: race and faults
description: Two regions write one item 5 ms apart; then ap-southeast-2 is cut off and eu-west-1 crashes.
regions: [us-east-1, eu-west-1, ap-southeast-2]
tables: [{name: users, partition_key: id}]
steps:
  - {at: 0ms, in: us-east-1, put: {id: "42", name: alice}}
  - {at: 120ms, isolate: ap-southeast-2}
  - {at: 200ms, heal: true}
  - {at: 250ms, crash: eu-west-1}
  - {at: 300ms, restart: eu-west-1}
expect: {conflicts: 1, lost_writes: 1, converged: true}
)";

// us-east-1 writes alice at 1 ms and eu-west-1 bob at 6 ms (a conflict; alice is lost);
// ap-southeast-2 reads the item while it is on its way (stale reads). Key "7" is written twice in
// sequence around a partition of ap-southeast-2 and a crash of eu-west-1.
inline void race_run(gtsim::testing::RunFixture& run) {
  run.status(0, "us-east-1", "eu-west-1", 0);
  run.put("us-east-1", "42", "alice", 1000);
  run.put("eu-west-1", "42", "bob", 6000);
  run.status(20000, "us-east-1", "eu-west-1", 1);
  run.ship("us-east-1", "eu-west-1", 36000);
  run.ship("eu-west-1", "us-east-1", 41000);
  run.status(50000, "us-east-1", "eu-west-1", 0);
  run.get("ap-southeast-2", "42", 50000);
  run.ship("us-east-1", "ap-southeast-2", 101000);
  run.get("ap-southeast-2", "42", 103000);
  run.ship("eu-west-1", "ap-southeast-2", 106000);
  run.fault("isolate", 7, 120000);
  run.put("us-east-1", "7", "carol", 130000);
  run.ship("us-east-1", "eu-west-1", 165000);
  run.fault("heal", 8, 200000);
  run.ship("us-east-1", "ap-southeast-2", 215000);
  run.failed_put("us-east-1", "7", 220000);
  run.fault("crash", 9, 250000);
  run.put("us-east-1", "7", "dave", 260000);
  run.fault("restart", 10, 300000);
  run.ship("us-east-1", "eu-west-1", 330000);
  run.ship("us-east-1", "ap-southeast-2", 340000);
  run.get("eu-west-1", "42", 350000);
  run.status(360000, "us-east-1", "eu-west-1", 0);
  run.finish(kRaceYaml);
}

}  // namespace gtsim::viz::testing
