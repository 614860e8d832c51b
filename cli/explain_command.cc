#include <cstdio>
#include <memory>
#include <string>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/run_directory.h"
#include "viz/explain.h"

namespace gtsim {

void add_explain_command(CLI::App& app) {
  auto run_dir = std::make_shared<std::string>();
  auto key = std::make_shared<std::string>();
  auto table = std::make_shared<std::string>();
  CLI::App* explain = app.add_subcommand(
      "explain",
      "Tell the story of one item in a past run: every version, where each region "
      "applied it, which one won and why, and whether a write was lost");
  explain->add_option("RUN_DIR", *run_dir, "a run directory")->required();
  explain->add_option("KEY", *key, "the item's key as YAML or JSON, e.g. '{id: \"42\"}'")
      ->required();
  explain->add_option("--table", *table, "the item's table (needed when the scenario has several)");
  explain->callback([run_dir, key, table] {
    with_run_directory("explain", *run_dir, [&](const OpenedRun& run) {
      const viz::RunIndex index(*run.data);
      const viz::ItemId item = viz::parse_item(run.scenario, *table, *key);
      fmt::print("{}", viz::explain_item(run.report, index, item));
      std::fflush(stdout);
    });
  });
}

}  // namespace gtsim
