// The curriculum: every scenario in scenarios/examples/ meets every expectation it states, in
// deterministic mode and on region processes.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenarios/parser.h"
#include "scenarios/process_cluster.h"
#include "scenarios/report.h"
#include "scenarios/runner.h"
#include "sim/sim_cluster.h"

using namespace gtsim;
namespace fs = std::filesystem;

namespace {

const fs::path kExamples = fs::path(GTSIM_SOURCE_DIR) / "scenarios" / "examples";

std::vector<fs::path> examples() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kExamples)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Plays `file` on the cluster `make` builds in a fresh directory and checks that every step and
// every expectation passed, naming those that did not.
template <typename MakeCluster>
void check_example(const fs::path& file, const std::string& mode, MakeCluster make) {
  INFO(file.filename().string(), " (", mode, ")");
  const scenarios::Scenario scenario = scenarios::load_scenario_file(file.string());
  const fs::path dir = fs::temp_directory_path() /
                       ("gtsim-examples-test-" + std::to_string(::getpid()) + "-" + mode);
  fs::remove_all(dir);
  fs::create_directories(dir);
  scenarios::RunResult result;
  {
    std::unique_ptr<scenarios::Cluster> cluster = make(scenario, dir.string());
    scenarios::RunnerOptions options;
    options.history_path = (dir / "history.jsonl").string();
    result = scenarios::run_scenario(scenario, *cluster, options);
  }
  const scenarios::Report report = scenarios::build_report(scenario, dir.string());
  std::string failed;
  for (const scenarios::ExpectationResult& e : report.expectations) {
    if (!e.passed) {
      failed += "\n  line " + std::to_string(e.line) + ": " + e.text + " expected " + e.expected +
                ", got " + e.actual;
    }
  }
  INFO("failed:", failed);
  CHECK(result.steps_passed);
  CHECK(report.all_passed());
  // The runner writes some lines as text, not through nlohmann: each must be what nlohmann
  // would have written for it (sorted keys, its escapes), as the history's readers expect.
  std::ifstream history(dir / "history.jsonl");
  size_t lines = 0;
  for (std::string line; std::getline(history, line); ++lines) {
    INFO("history line ", lines + 1);
    CHECK(nlohmann::json::parse(line).dump() == line);
  }
  CHECK(lines > 0);
  fs::remove_all(dir);
}

}  // namespace

TEST_CASE("Every example meets its expectations in deterministic mode") {
  const std::vector<fs::path> files = examples();
  REQUIRE(files.size() >= 13);
  for (const fs::path& file : files) {
    check_example(file, "deterministic", [](const scenarios::Scenario& s, const std::string& dir) {
      return std::make_unique<sim::SimCluster>(sim::sim_cluster_options(s, dir, s.seed));
    });
  }
}

// Every wait in the examples is bounded by its own timeout, so this run is too; it takes about
// as long as the examples' scenario time added up.
TEST_CASE("Every example meets its expectations on region processes") {
  for (const fs::path& file : examples()) {
    check_example(file, "processes", [](const scenarios::Scenario& s, const std::string& dir) {
      return std::make_unique<scenarios::ProcessCluster>(
          scenarios::process_cluster_options(s, GTSIM_BINARY, dir));
    });
  }
}
