// gtsim: the command-line entry point. Each subcommand lives with its module; this file only
// wires them to CLI11.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "gtsim: a simulator of Amazon DynamoDB global tables.\n"
      "Region processes hold SQLite copies of a table, replicate change records to each other\n"
      "asynchronously and resolve concurrent writes by last-writer-wins."};
  app.set_version_flag("--version", "gtsim 0.1.0");
  app.require_subcommand(0, 1);
  gtsim::add_check_command(app);
  gtsim::add_region_command(app);
  gtsim::add_swarm_command(app);
  gtsim::add_run_command(app);
  gtsim::add_serve_command(app);
  gtsim::add_fault_command(app);
  gtsim::add_report_command(app);
  gtsim::add_explain_command(app);
  gtsim::add_export_command(app);
  gtsim::add_bench_command(app);
  CLI11_PARSE(app, argc, argv);
  if (app.get_subcommands().empty()) fmt::print("{}", app.help());
  return 0;
}
