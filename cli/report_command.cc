#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "model/errors.h"
#include "scenarios/parser.h"
#include "scenarios/report.h"
#include "scenarios/report_json.h"
#include "scenarios/report_summary.h"

namespace gtsim {

void add_report_command(CLI::App& app) {
  auto run_dir = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* report = app.add_subcommand(
      "report", "Print the replication report of a past run again, from its run directory");
  report
      ->add_option("RUN_DIR", *run_dir,
                   "a run directory (region files, history.jsonl, scenario.yaml)")
      ->required();
  report->add_flag("--json", *as_json, "print report.json instead of the summary");
  report->callback([run_dir, as_json] {
    const std::string scenario_file = (std::filesystem::path(*run_dir) / "scenario.yaml").string();
    try {
      const scenarios::Scenario scenario = scenarios::load_scenario_file(scenario_file);
      const scenarios::Report report = scenarios::build_report(scenario, *run_dir);
      if (*as_json) {
        fmt::print("{}\n", scenarios::report_to_json(report).dump(2));
      } else {
        fmt::print("{}", scenarios::format_summary(report));
      }
      std::fflush(stdout);
      if (!report.all_passed()) throw CLI::RuntimeError(1);
    } catch (const scenarios::ScenarioError& e) {
      for (const auto& diagnostic : e.diagnostics())
        fmt::print(stderr, "{}\n", diagnostic.to_string());
      throw CLI::RuntimeError(2);
    } catch (const scenarios::ScenarioFileError& e) {
      fmt::print(stderr, "{}\n", e.what());
      throw CLI::RuntimeError(2);
    } catch (const DynamoError& e) {
      fmt::print(stderr, "gtsim report: {}\n", e.what());
      throw CLI::RuntimeError(2);
    }
  });
}

}  // namespace gtsim
