// End-to-end: ProcessCluster, the runner and `gtsim run` on real region processes. Every wait is
// bounded; every process is killed when its test ends (the cluster's destructor).
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "model/errors.h"
#include "scenarios/parser.h"
#include "scenarios/process_cluster.h"
#include "scenarios/report.h"
#include "scenarios/runner.h"
#include "tests/support/temp_dir.h"

using namespace gtsim;
using namespace gtsim::scenarios;
using nlohmann::json;
namespace fs = std::filesystem;

using gtsim::testing::TempDir;

namespace {

bool process_gone(int pid) {
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<json> history(const fs::path& dir) {
  std::vector<json> events;
  std::ifstream in(dir / "history.jsonl");
  for (std::string line; std::getline(in, line);)
    events.push_back(json::parse(line));
  return events;
}

// Runs the gtsim binary with `args`; its exit status.
int run_gtsim(const std::string& args) {
  const std::string command = std::string(GTSIM_BINARY) + " " + args + " >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

ProcessClusterOptions two_regions(const fs::path& dir) {
  ProcessClusterOptions o;
  o.binary = GTSIM_BINARY;
  o.run_dir = dir.string();
  o.regions = {{"us-east-1", {}}, {"eu-west-1", {}}};
  TableSpec users;
  users.name = "users";
  users.key_schema.partition = {"id", AttributeType::kS};
  o.tables = {users};
  o.default_link = replication::constant_link(2000);
  return o;
}

json put(const std::string& id, const std::string& name) {
  return {{"TableName", "users"}, {"Item", {{"id", {{"S", id}}}, {"name", {{"S", name}}}}}};
}

}  // namespace

TEST_CASE("a process cluster starts, crashes, restarts and stops its regions") {
  TempDir dir;
  std::map<std::string, int> pids;
  {
    ProcessCluster cluster(two_regions(dir.path()));
    for (const char* region : {"us-east-1", "eu-west-1"}) {
      pids[region] = cluster.pid(region);
      CHECK(pids[region] > 0);
    }
    CHECK(fs::exists(dir.path() / ".secret"));
    CHECK((fs::status(dir.path() / ".secret").permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
    CHECK(cluster.status().size() == 2);
    cluster.call("us-east-1", "PutItem", put("1", "alice"));

    cluster.crash("eu-west-1");
    CHECK(process_gone(pids["eu-west-1"]));
    CHECK(cluster.status().size() == 1);
    CHECK_THROWS_AS(cluster.call("eu-west-1", "GetItem", put("1", "x")), DynamoError);
    CHECK_THROWS_AS(cluster.crash("eu-west-1"), DynamoError);
    cluster.call("us-east-1", "PutItem", put("2", "bob"));

    cluster.restart("eu-west-1");
    pids["eu-west-1 again"] = cluster.pid("eu-west-1");
    // The restarted region catches up from its file: both items arrive, bounded in time.
    bool caught_up = false;
    for (int i = 0; i < 250 && !caught_up; ++i) {
      json got = cluster.call("eu-west-1", "GetItem",
                              {{"TableName", "users"}, {"Key", {{"id", {{"S", "2"}}}}}});
      caught_up = got.contains("Item");
      if (!caught_up) cluster.advance_to(cluster.now_us() + 20'000);
    }
    CHECK(caught_up);
    CHECK(cluster.region_files().at("eu-west-1") == (dir.path() / "eu-west-1.db").string());
  }
  for (const auto& [name, pid] : pids)
    CHECK_MESSAGE(process_gone(pid), name);
  CHECK_FALSE(fs::exists(dir.path() / ".secret"));
}

TEST_CASE("a process cluster that cannot start its regions leaves none behind") {
  TempDir dir;
  ProcessClusterOptions o = two_regions(dir.path());
  o.binary = "/bin/false";
  o.start_timeout_us = 2'000'000;
  CHECK_THROWS_AS(ProcessCluster{o}, DynamoError);
}

TEST_CASE("the runner plays the design example on region processes and its expectations pass") {
  TempDir dir;
  const Scenario scenario =
      load_scenario_file(std::string(GTSIM_TEST_DATA_DIR) + "/design_example.yaml");
  RunResult result;
  {
    ProcessCluster cluster(process_cluster_options(scenario, GTSIM_BINARY, dir.path().string()));
    RunnerOptions options;
    options.history_path = (dir.path() / "history.jsonl").string();
    result = run_scenario(scenario, cluster, options);
  }
  CHECK(result.steps_passed);
  CHECK_FALSE(result.interrupted);
  CHECK(result.operations == 3);
  const Report report = build_report(scenario, dir.path().string());
  for (const ExpectationResult& e : report.expectations)
    CHECK_MESSAGE(e.passed, e.text << ": expected " << e.expected << ", got " << e.actual);
  CHECK(report.all_passed());

  // Every invoke has exactly one completion, after it, for the same region.
  std::map<int64_t, json> invokes;
  int completions = 0;
  bool converged = false;
  int64_t last_us = 0;
  for (const json& event : history(dir.path())) {
    CHECK(event["true_us"].get<int64_t>() >= last_us);
    last_us = event["true_us"].get<int64_t>();
    const std::string kind = event["event"];
    if (kind == "invoke") {
      CHECK(event["source"] == "step");
      CHECK(event["line"].is_number());
      invokes[event["op"].get<int64_t>()] = event;
    } else if (kind == "ok" || kind == "fail") {
      const json& invoke = invokes.at(event["op"].get<int64_t>());
      CHECK(invoke["region"] == event["region"]);
      ++completions;
      if (invoke["operation"] == "PutItem") CHECK(event["response"].contains("Version"));
    } else if (kind == "converged") {
      converged = true;
      CHECK(event["line"] == 10);
    }
  }
  CHECK(invokes.size() == 3);
  CHECK(completions == 3);
  CHECK(converged);
  // The region files' times (raw true time) are read on the history's clock: the run ends with
  // its history, not decades later.
  CHECK(report.run_length_us >= last_us);
  CHECK(report.run_length_us < last_us + 10'000'000);
}

TEST_CASE("gtsim run exits 1 when a step expectation fails and 2 for a bad file") {
  TempDir dir;
  const fs::path file = dir.path() / "failing.yaml";
  std::ofstream(file) << "name: failing step\n"
                         "regions: [us-east-1, eu-west-1]\n"
                         "network: {default: {latency: 5ms}}\n"
                         "tables: [{name: users, partition_key: id}]\n"
                         "steps:\n"
                         "  - {in: us-east-1, put: {id: \"1\", name: alice}}\n"
                         "  - {in: us-east-1, get: {id: \"1\"}, expect: {name: bob}}\n";
  CHECK(run_gtsim("run --quiet --out " + (dir.path() / "out").string() + " " + file.string()) == 1);
  bool failed_step = false;
  for (const json& event : history(dir.path() / "out")) {
    if (event["event"] == "step_failed") {
      failed_step = true;
      CHECK(event["line"] == 7);
    }
  }
  CHECK(failed_step);
  CHECK(fs::exists(dir.path() / "out" / "report.json"));

  std::ofstream(dir.path() / "bad.yaml") << "name: bad\nregions: [nowhere-1]\n";
  CHECK(run_gtsim("run --quiet --out " + (dir.path() / "bad").string() + " " +
                  (dir.path() / "bad.yaml").string()) == 2);
  CHECK_FALSE(fs::exists(dir.path() / "bad"));
}

TEST_CASE("gtsim run with no file plays the default scenario and leaves a run directory") {
  TempDir dir;
  const fs::path out = dir.path() / "default";
  CHECK(run_gtsim("run --quiet --out " + out.string()) == 0);
  for (const char* name : {"scenario.yaml", "history.jsonl", "run.json", "report.json",
                           "us-east-1.db", "eu-west-1.db", "ap-southeast-2.db"}) {
    CHECK_MESSAGE(fs::exists(out / name), name);
  }
  const json run = json::parse(read_text(out / "run.json"));
  CHECK(run["mode"] == "processes");
  CHECK(run["seed"] == 7);
  CHECK(json::parse(read_text(out / "report.json")).is_object());
  // A directory that already holds a run is refused.
  CHECK(run_gtsim("run --quiet --out " + out.string()) == 2);
}

TEST_CASE("gtsim run purges tombstones on time in processes and in simulation: a resurrection") {
  // The example's expectations hold only if the retention of a 1 s tombstone ran during its 3 s
  // partition: without it the delete wins everywhere and nothing is resurrected.
  const std::string example = std::string(GTSIM_EXAMPLES_DIR) + "/13-tombstone-resurrection.yaml";
  TempDir dir;
  for (const char* mode : {"", "--deterministic "}) {
    INFO("mode: ", mode);
    const fs::path out = dir.path() / (*mode ? "simulated" : "processes");
    CHECK(run_gtsim("run --quiet " + std::string(mode) + "--out " + out.string() + " " + example) ==
          0);
    const json report = json::parse(read_text(out / "report.json"));
    CHECK(report["resurrections"]["count"] == 1);
    CHECK(report["resurrections"]["list"][0]["region"] == "us-east-1");
  }
}

TEST_CASE(
    "live steps play between events until the run is interrupted, and a refused one says why") {
  TempDir dir;
  const Scenario scenario = parse_scenario(
      "name: live\nregions: [us-east-1, eu-west-1]\nnetwork: {default: {latency: 5ms}}\n"
      "tables: []\nsteps: []\n",
      "live.yaml");
  std::vector<std::string> outcomes;
  bool handed = false;
  RunResult result;
  {
    ProcessCluster cluster(process_cluster_options(scenario, GTSIM_BINARY, dir.path().string()));
    RunnerOptions options;
    options.history_path = (dir.path() / "history.jsonl").string();
    options.until_interrupted = true;
    options.live_steps = [&] {
      std::vector<LiveStep> steps;
      if (handed) return steps;
      handed = true;
      for (const char* text : {"{isolate: eu-west-1}", "{restart: eu-west-1}", "heal"}) {
        Step step = parse_live_fault(scenario, text, "fault");
        step.pos.line = 0;
        steps.push_back({step, [&](const std::string& error) { outcomes.push_back(error); }});
      }
      return steps;
    };
    // Stops once every live step was answered and a status sample followed, or after 10 s.
    options.interrupted = [&] {
      return (outcomes.size() == 3 && cluster.now_us() > 300 * kMillisecond) ||
             cluster.now_us() > 10 * kSecond;
    };
    result = run_scenario(scenario, cluster, options);
  }
  CHECK(result.interrupted);
  REQUIRE(outcomes.size() == 3);
  CHECK(outcomes[0] == "");
  CHECK(outcomes[1] == "region 'eu-west-1' is not crashed");
  CHECK(outcomes[2] == "");
  std::vector<std::string> faults;
  int samples = 0;
  for (const json& event : history(dir.path())) {
    if (event["event"] == "fault") {
      faults.push_back(event["fault"]);
      CHECK(event["line"] == 0);
    }
    samples += event["event"] == "status";
  }
  CHECK(faults == std::vector<std::string>{"partition", "heal"});
  CHECK(samples >= 3);  // the run went on sampling after its (empty) steps
}
