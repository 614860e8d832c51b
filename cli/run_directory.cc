#include "cli/run_directory.h"

#include <cstdio>
#include <filesystem>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include "model/errors.h"
#include "scenarios/parser.h"

namespace gtsim {

void with_run_directory(const std::string& command, const std::string& run_dir,
                        const std::function<void(const OpenedRun&)>& body) {
  try {
    OpenedRun run;
    run.scenario =
        scenarios::load_scenario_file((std::filesystem::path(run_dir) / "scenario.yaml").string());
    run.data = scenarios::load_run(run.scenario, run_dir);
    run.report = scenarios::build_report(run.scenario, *run.data);
    body(run);
  } catch (const scenarios::ScenarioError& e) {
    for (const auto& diagnostic : e.diagnostics())
      fmt::print(stderr, "{}\n", diagnostic.to_string());
    throw CLI::RuntimeError(2);
  } catch (const scenarios::ScenarioFileError& e) {
    fmt::print(stderr, "gtsim {}: {}\n", command, e.what());
    throw CLI::RuntimeError(2);
  } catch (const DynamoError& e) {
    std::fflush(stdout);
    fmt::print(stderr, "gtsim {}: {}\n", command, e.what());
    throw CLI::RuntimeError(2);
  }
}

}  // namespace gtsim
