// Scenario files under deterministic mode: one seed replays byte for byte, and the curriculum's
// timing-independent lessons end with the same tables as on real region processes.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <unistd.h>
#include <nlohmann/json.hpp>

#include "scenarios/parser.h"
#include "scenarios/process_cluster.h"
#include "scenarios/report.h"
#include "scenarios/report_json.h"
#include "scenarios/runner.h"
#include "sim/sim_cluster.h"

using namespace gtsim;
using namespace gtsim::sim;
namespace fs = std::filesystem;

namespace {

const fs::path kExamples = fs::path(GTSIM_SOURCE_DIR) / "scenarios" / "examples";

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Outcome {
  std::string history;
  std::string report;
  std::map<std::string, std::map<std::string, std::string>> digests;  // region -> table -> digest
  std::map<std::string, std::map<std::string, std::string>> items;    // region -> table -> Scan
};

// Runs `example` on `cluster` in `dir`; returns its history, report.json and final digests.
Outcome play(const scenarios::Scenario& scenario, scenarios::Cluster& cluster,
             const fs::path& dir) {
  scenarios::RunnerOptions options;
  options.history_path = (dir / "history.jsonl").string();
  scenarios::run_scenario(scenario, cluster, options);
  Outcome outcome;
  for (const auto& status : cluster.status()) {
    outcome.digests[status.region] = status.digests;
    for (const auto& [table, digest] : status.digests) {
      outcome.items[status.region][table] =
          cluster.call(status.region, "Scan", {{"TableName", table}})["Items"].dump();
    }
  }
  cluster.shutdown();
  outcome.history = read(dir / "history.jsonl");
  outcome.report =
      scenarios::report_to_json(scenarios::build_report(scenario, dir.string())).dump();
  return outcome;
}

Outcome simulate(const std::string& example, uint64_t seed, const std::string& name) {
  scenarios::Scenario scenario = scenarios::load_scenario_file((kExamples / example).string());
  scenario.seed = seed;  // as gtsim run --seed does
  fs::path dir =
      fs::temp_directory_path() / ("gtsim-modes-test-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  SimCluster cluster(sim_cluster_options(scenario, dir.string(), seed));
  Outcome outcome = play(scenario, cluster, dir);
  fs::remove_all(dir);
  return outcome;
}

}  // namespace

TEST_CASE("Deterministic scenario runs replay byte for byte and two seeds differ") {
  for (const char* example : {"02-concurrent-writes.yaml", "08-partition-heal.yaml",
                              "09-crash-restart.yaml", "12-aws-workload.yaml"}) {
    INFO(example);
    Outcome first = simulate(example, 7, "a");
    Outcome second = simulate(example, 7, "b");
    CHECK(first.history == second.history);
    CHECK(first.report == second.report);
    CHECK(first.digests == second.digests);
    if (std::string(example) == "12-aws-workload.yaml") {
      CHECK(simulate(example, 8, "c").history != first.history);
    }
  }
}

TEST_CASE("Processes and deterministic mode end with the same tables") {
  for (const char* example : {"01-basic-replication.yaml", "05-delete-vs-update.yaml"}) {
    INFO(example);
    scenarios::Scenario scenario = scenarios::load_scenario_file((kExamples / example).string());
    fs::path dir = fs::temp_directory_path() /
                   ("gtsim-modes-test-" + std::to_string(::getpid()) + "-processes");
    fs::remove_all(dir);
    fs::create_directories(dir);
    Outcome real;
    {
      scenarios::ProcessCluster cluster(
          scenarios::process_cluster_options(scenario, GTSIM_BINARY, dir.string()));
      real = play(scenario, cluster, dir);
    }
    fs::remove_all(dir);
    Outcome simulated = simulate(example, scenario.seed, "sim");
    // Digests include the winners' timestamps, which come from different clocks; items do not.
    CHECK(real.items == simulated.items);
  }
}

TEST_CASE("A workload issues every operation of its mix as DynamoDB takes it") {
  const scenarios::Scenario scenario = scenarios::parse_scenario(
      "name: mix\nseed: 7\nregions: [us-east-1, eu-west-1]\nnetwork: {default: aws}\n"
      "tables: [{name: events, partition_key: {name: id, type: N}, sort_key: s}]\n"
      "steps:\n  - workload: {rate: 100, duration: 2s, keys: 30, item_size: 100, mix: {put: 1, "
      "update: 1, delete: 1, get: 1, consistent_get: 1, conditional_put: 1, transaction: 1}}\n",
      "mix.yaml");
  const fs::path dir =
      fs::temp_directory_path() / ("gtsim-modes-test-" + std::to_string(::getpid()) + "-mix");
  fs::remove_all(dir);
  fs::create_directories(dir);
  SimCluster cluster(sim_cluster_options(scenario, dir.string(), scenario.seed));
  const Outcome outcome = play(scenario, cluster, dir);
  fs::remove_all(dir);

  auto check_item = [](const nlohmann::json& item, const std::string& region) {
    CHECK(item["id"].contains("N"));
    CHECK(item["s"] == nlohmann::json{{"S", "k0"}});
    CHECK(item["writer"] == nlohmann::json{{"S", region}});
    CHECK(item["payload"]["S"].get<std::string>().size() == 100 - 32);
  };
  std::map<std::string, int> kinds;
  std::istringstream lines(outcome.history);
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json event = nlohmann::json::parse(line);
    if (event["event"] != "invoke" || event["source"] != "workload") continue;
    const nlohmann::json& request = event["request"];
    std::string kind = event["operation"];
    if (kind == "TransactWriteItems") {
      const nlohmann::json& items = request["TransactItems"];
      REQUIRE(items.size() == 2);
      for (const nlohmann::json& put : items) {
        CHECK(put["Put"]["TableName"] == "events");
        check_item(put["Put"]["Item"], event["region"]);
      }
      const int first = std::stoi(items[0]["Put"]["Item"]["id"]["N"].get<std::string>());
      const int second = std::stoi(items[1]["Put"]["Item"]["id"]["N"].get<std::string>());
      CHECK(second == (first + 1) % 30);
    } else {
      CHECK(request["TableName"] == "events");
      if (request.contains("Item")) check_item(request["Item"], event["region"]);
      if (request.contains("Key")) CHECK(request["Key"]["s"] == nlohmann::json{{"S", "k0"}});
      if (request.contains("ConditionExpression")) {
        kind = "conditional PutItem";
        CHECK(request["ConditionExpression"] == "attribute_not_exists(#k)");
        CHECK(request["ExpressionAttributeNames"] == nlohmann::json{{"#k", "id"}});
      }
      if (kind == "GetItem" && request["ConsistentRead"] == true) kind = "consistent GetItem";
    }
    ++kinds[kind];
  }
  for (const char* kind : {"PutItem", "UpdateItem", "DeleteItem", "GetItem", "consistent GetItem",
                           "conditional PutItem", "TransactWriteItems"}) {
    INFO(kind);
    CHECK(kinds[kind] > 0);
  }
}
