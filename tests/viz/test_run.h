// Synthetic run directories for the viz tests: real region files written through the Region API at
// chosen true times, a hand-written history.jsonl with faults and status samples, and the
// scenario, then loaded back as the report and run index that the views read.
#pragma once

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "conflict/item_state.h"
#include "scenarios/parser.h"
#include "scenarios/report.h"
#include "tests/regions/test_region.h"
#include "viz/run_index.h"

namespace gtsim::viz::testing {

using nlohmann::json;

inline Key id(const std::string& value) {
  return {{"id", AttributeValue(value)}};
}

class TestRun {
 public:
  explicit TestRun(const std::vector<std::string>& regions) {
    for (const std::string& name : regions) {
      regions_[name] = Region::open(dir_.file(name + ".db"), name, {}, 0);
      regions_[name]->create_table(gtsim::testing::users_table());
    }
  }

  std::string dir() const { return dir_.file(""); }

  // Ships every change of `from` that `to` lacks, applied at true time `at`.
  void ship(const std::string& from, const std::string& to, int64_t at) {
    Region& receiver = *regions_.at(to);
    receiver.apply_remote_batch(
        from, regions_.at(from)->local_changes_after(receiver.applied_cursor(from), 100000), at);
  }

  void put(const std::string& region, const std::string& key, const std::string& name, int64_t at) {
    const Item item{{"id", AttributeValue(key)}, {"name", AttributeValue(name)}};
    const WriteResult result = regions_.at(region)->put({"users", item}, at);
    op(region, "PutItem", {{"TableName", "users"}, {"Item", item_to_json(item)}}, at, at + 500,
       {{"Version", version_to_json(result.version)}});
  }

  void get(const std::string& region, const std::string& key, int64_t at) {
    const GetResult result = regions_.at(region)->get({"users", id(key)});
    json response = json::object();
    if (result.item) {
      response["Item"] = item_to_json(*result.item);
      response["Version"] = version_to_json(*result.version);
    }
    op(region, "GetItem", {{"TableName", "users"}, {"Key", item_to_json(id(key))}}, at, at + 300,
       response);
  }

  // A write DynamoDB refused: an invoke and a fail event.
  void failed_put(const std::string& region, const std::string& key, int64_t at) {
    const int64_t number = ++ops_;
    event({{"event", "invoke"},
           {"op", number},
           {"region", region},
           {"operation", "PutItem"},
           {"request", {{"TableName", "users"}, {"Item", item_to_json(id(key))}}},
           {"true_us", at},
           {"line", nullptr}});
    event({{"event", "fail"},
           {"op", number},
           {"region", region},
           {"true_us", at + 400},
           {"error", {{"type", "ConditionalCheckFailedException"}, {"message", "failed"}}}});
  }

  void fault(const std::string& name, int line, int64_t at) {
    event({{"event", "fault"},
           {"true_us", at},
           {"fault", name},
           {"detail", json::object()},
           {"line", line}});
  }

  // One status sample with the pending count of one link.
  void status(int64_t at, const std::string& from, const std::string& to, int64_t pending) {
    event({{"event", "status"},
           {"true_us", at},
           {"regions", json::array({{{"region", from},
                                     {"links", json::array({{{"peer", to},
                                                             {"pending", pending},
                                                             {"partitioned", false},
                                                             {"paused", false}}})}}})}});
  }

  void event(const json& line) { history_ += line.dump() + "\n"; }

  // Writes history.jsonl and scenario.yaml and closes the region files.
  void finish(const std::string& scenario_yaml) {
    std::ofstream(dir_.file("history.jsonl")) << history_;
    std::ofstream(dir_.file("scenario.yaml")) << scenario_yaml;
    regions_.clear();
  }

 private:
  void op(const std::string& region, const std::string& operation, json request, int64_t invoked,
          int64_t completed, json response) {
    const int64_t number = ++ops_;
    event({{"event", "invoke"},
           {"op", number},
           {"region", region},
           {"operation", operation},
           {"request", request},
           {"true_us", invoked},
           {"line", nullptr}});
    event({{"event", "ok"},
           {"op", number},
           {"region", region},
           {"true_us", completed},
           {"response", response}});
  }

  gtsim::testing::TempDir dir_;
  std::map<std::string, std::unique_ptr<Region>> regions_;
  std::string history_;
  int64_t ops_ = 0;
};

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
  loaded.report = scenarios::build_report(loaded.scenario, dir);
  loaded.data = scenarios::load_run(loaded.scenario, dir);
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
inline void race_run(TestRun& run) {
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
