// A region down for longer than the stream retention, played deterministically: the origin trims
// writes the crashed peer never received, and the report names that link, when and how many.
// (A partition alone does not do it: the cut link holds what was already shipped, as TCP would,
// and delivers it on heal, so only a peer that is not connected misses trimmed records.)
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "scenarios/parser.h"
#include "scenarios/report.h"
#include "scenarios/report_json.h"
#include "scenarios/report_summary.h"
#include "scenarios/run_data.h"
#include "scenarios/runner.h"
#include "sim/sim_cluster.h"

using namespace gtsim;
namespace fs = std::filesystem;

namespace {

// us-east-1 writes a (which replicates), then b and c while eu-west-1 is down for `down`.
// Stream records are kept for 1 s.
std::string scenario_yaml(const std::string& down) {
  return R"(name: crash against stream retention
seed: 5
regions: [us-east-1, eu-west-1]
network: {default: aws}
tables: [{name: items, partition_key: id, stream_retention: 1s}]
steps:
  - {at: 0ms, in: us-east-1, put: {id: a, n: 1}}
  - wait: converged
  - crash: eu-west-1
  - {after: 100ms, in: us-east-1, put: {id: b, n: 2}}
  - {after: 100ms, in: us-east-1, put: {id: c, n: 3}}
  - {after: )" +
         down + R"(, restart: eu-west-1}
  - wait: 1s
)";
}

struct Played {
  scenarios::Report report;
  scenarios::Micros b_committed_us = 0;  // when us-east-1 acknowledged the put of b
};

Played play(const std::string& down) {
  const scenarios::Scenario scenario = scenarios::parse_scenario(scenario_yaml(down), "trim.yaml");
  const fs::path dir =
      fs::temp_directory_path() / ("gtsim-out-of-sync-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    sim::SimCluster cluster(sim::sim_cluster_options(scenario, dir.string(), scenario.seed));
    scenarios::RunnerOptions options;
    options.history_path = (dir / "history.jsonl").string();
    REQUIRE(scenarios::run_scenario(scenario, cluster, options).steps_passed);
  }
  Played played{scenarios::build_report(scenario, dir.string())};
  const std::unique_ptr<scenarios::RunData> run = scenarios::load_run(scenario, dir.string());
  for (const scenarios::HistoryOp& op : run->history.ops) {
    if (op.request.dump().find(R"("b")") != std::string::npos) {
      played.b_committed_us = op.completed_us;
    }
  }
  fs::remove_all(dir);
  return played;
}

}  // namespace

TEST_CASE("A region down for longer than the stream retention falls out of sync") {
  const Played played = play("3s");
  const scenarios::Report& report = played.report;
  REQUIRE(report.out_of_sync.size() == 1);
  const scenarios::OutOfSync& link = report.out_of_sync[0];
  CHECK(link.link == scenarios::LinkId{"us-east-1", "eu-west-1"});
  CHECK(link.applied_seq == 1);  // a arrived; b and c never did
  CHECK(link.missed == 2);
  // b's record goes at the first trim after its retention, and trims are 100 ms apart.
  REQUIRE(played.b_committed_us > 0);
  CHECK(link.at_us > played.b_committed_us + 1'000'000);
  CHECK(link.at_us <= played.b_committed_us + 1'100'000);
  CHECK(!report.convergence.converged);

  const nlohmann::json json = scenarios::report_to_json(report);
  REQUIRE(json["out_of_sync"]["count"] == 1);
  CHECK(json["out_of_sync"]["list"][0]["from"] == "us-east-1");
  CHECK(json["out_of_sync"]["list"][0]["to"] == "eu-west-1");
  CHECK(json["out_of_sync"]["list"][0]["missed"] == 2);
  CHECK(json["out_of_sync"]["list"][0]["at_us"] == link.at_us);
  const std::string summary = scenarios::format_summary(report);
  CHECK(summary.find("Links out of sync: 1\n  us-east-1 -> eu-west-1: ") != std::string::npos);
}

TEST_CASE("A region down for less than the stream retention catches up in sync") {
  const scenarios::Report report = play("500ms").report;
  CHECK(report.out_of_sync.empty());
  CHECK(report.convergence.converged);
  CHECK(scenarios::report_to_json(report)["out_of_sync"]["count"] == 0);
  CHECK(scenarios::format_summary(report).find("Links out of sync: 0\n") != std::string::npos);
}
