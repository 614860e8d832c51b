#include <string>
#include <vector>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "scenarios/parser.h"

namespace gtsim {

void add_check_command(CLI::App& app) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* check = app.add_subcommand(
      "check", "Validate scenario files without running them: every error with file:line:column");
  check->add_option("FILE", *files, "scenario files (.yaml)")->required();
  check->callback([files] {
    int status = 0;
    for (const std::string& file : *files) {
      try {
        const scenarios::Scenario scenario = scenarios::load_scenario_file(file);
        fmt::print("{}: ok ({} regions, {} steps)\n", file, scenario.regions.size(),
                   scenario.steps.size());
      } catch (const scenarios::ScenarioError& e) {
        std::fflush(stdout);
        for (const auto& diagnostic : e.diagnostics()) {
          fmt::print(stderr, "{}\n", diagnostic.to_string());
        }
        status = std::max(status, 1);
      } catch (const scenarios::ScenarioFileError& e) {
        std::fflush(stdout);
        fmt::print(stderr, "{}\n", e.what());
        status = 2;
      }
    }
    std::fflush(stdout);
    if (status != 0) throw CLI::RuntimeError(status);
  });
}

}  // namespace gtsim
