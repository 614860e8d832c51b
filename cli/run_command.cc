// gtsim run: plays a scenario against real region processes and prints its replication report.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <fmt/core.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/run_setup.h"
#include "model/errors.h"
#include "scenarios/process_cluster.h"
#include "scenarios/report_summary.h"
#include "scenarios/runner.h"
#include "sim/sim_cluster.h"

namespace gtsim {
namespace {

namespace fs = std::filesystem;

struct RunArgs {
  std::string file;
  std::string out;
  bool quiet = false;
  bool json = false;
  bool deterministic = false;    // in-process under virtual time
  std::optional<uint64_t> seed;  // overrides the scenario's
  std::string command;           // as typed, for run.json
};

void run(const RunArgs& args) {
  const ScenarioText source = read_scenario_text("run", args.file);
  scenarios::Scenario scenario = parse_or_fail(source);

  if (args.seed) scenario.seed = *args.seed;
  const fs::path dir = make_run_dir("run", args.out, slug(scenario.name));
  write_run_file("run", dir / "scenario.yaml", source.text);
  const nlohmann::json metadata = {{"gtsim_version", GTSIM_VERSION},
                                   {"mode", args.deterministic ? "deterministic" : "processes"},
                                   {"scenario", scenario.name},
                                   {"file", args.file.empty() ? "(built-in default)" : args.file},
                                   {"seed", scenario.seed},
                                   {"command", args.command},
                                   {"started_at", local_time("%Y-%m-%dT%H:%M:%S%z")}};
  write_run_file("run", dir / "run.json", metadata.dump(2) + "\n");

  const bool progress = !args.quiet && ::isatty(STDERR_FILENO);
  install_interrupt_handlers();
  scenarios::RunResult result;
  try {
    std::unique_ptr<scenarios::Cluster> cluster;
    if (args.deterministic) {
      cluster = std::make_unique<sim::SimCluster>(
          sim::sim_cluster_options(scenario, dir.string(), scenario.seed));
    } else {
      cluster = std::make_unique<scenarios::ProcessCluster>(
          scenarios::process_cluster_options(scenario, fs::read_symlink("/proc/self/exe"), dir));
    }
    scenarios::RunnerOptions options;
    options.history_path = (dir / "history.jsonl").string();
    // The seed and the file are what a run depends on; --out and --json are left out, since a
    // replay needs a new directory and may print either way.
    options.replay_command =
        fmt::format("gtsim run{} --seed {}{}", args.deterministic ? " --deterministic" : "",
                    scenario.seed, args.file.empty() ? "" : " " + args.file);
    options.interrupted = interrupted;
    if (progress) {
      options.on_progress = [](const scenarios::RunProgress& p) {
        fmt::print(stderr, "\r\033[K{:>8.1f} s  {} operations  {} pending records",
                   double(p.now_us) / 1e6, p.operations, p.pending);
      };
    }
    if (!args.quiet) fmt::print(stderr, "running {} in {}\n", scenario.name, dir.string());
    result = scenarios::run_scenario(scenario, *cluster, options);
    cluster->shutdown();
  } catch (const DynamoError& e) {
    if (progress) fmt::print(stderr, "\n");
    fail("run", 2, e.what());
  }
  if (progress) fmt::print(stderr, "\r\033[K");
  if (result.interrupted)
    fail("run", 2, "interrupted; the run directory " + dir.string() + " is partial");

  nlohmann::json json;
  const scenarios::Report report = write_report("run", scenario, dir, json);
  if (args.json) {
    fmt::print("{}\n", json.dump(2));
  } else {
    fmt::print("{}", scenarios::format_summary(report));
    fmt::print("run directory: {}\n", dir.string());
    if (!args.deterministic) {
      fmt::print(
          "Region processes depend on real timing too: the replay runs the same scenario "
          "and seed, not the same interleaving.\n");
    }
  }
  std::fflush(stdout);
  if (!report.all_passed() || !result.steps_passed) throw CLI::RuntimeError(1);
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* command = app.add_subcommand(
      "run",
      "Run a scenario against real region processes and print its replication report "
      "(with no FILE, a built-in scenario: three AWS regions, concurrent writes, a partition)");
  command->add_option("FILE", args->file, "scenario file (.yaml)");
  command->add_option("--out", args->out,
                      "run directory (new or empty); default runs/<scenario>-<timestamp>");
  command->add_flag("--quiet", args->quiet, "no progress line");
  command->add_flag("--json", args->json, "print report.json instead of the summary");
  command->add_flag("--deterministic", args->deterministic,
                    "run every region in this process under virtual time: the same seed gives "
                    "the same history and report");
  command->add_option("--seed", args->seed, "seed of the run (default: the scenario's)");
  command->callback([args] {
    args->command = "gtsim run";
    if (!args->file.empty()) args->command += " " + args->file;
    if (!args->out.empty()) args->command += " --out " + args->out;
    if (args->quiet) args->command += " --quiet";
    if (args->json) args->command += " --json";
    if (args->deterministic) args->command += " --deterministic";
    if (args->seed) args->command += " --seed " + std::to_string(*args->seed);
    run(*args);
  });
}

}  // namespace gtsim
