// gtsim run: plays a scenario against real region processes and prints its replication report.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include <fmt/core.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "model/errors.h"
#include "scenarios/default_scenario.h"
#include "scenarios/parser.h"
#include "scenarios/process_cluster.h"
#include "scenarios/report.h"
#include "scenarios/report_json.h"
#include "scenarios/report_summary.h"
#include "scenarios/runner.h"
#include "sim/sim_cluster.h"
#include "viz/html_report.h"

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

std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int) {
  g_interrupted.store(true);
}

// Ctrl-C and SIGTERM stop the run between two events; the cluster then stops its children.
void install_signal_handlers() {
  struct sigaction action = {};
  action.sa_handler = on_signal;
  action.sa_flags = SA_RESTART;  // a control call in progress completes; the runner stops after it
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

[[noreturn]] void fail(int status, const std::string& message) {
  std::fflush(stdout);
  fmt::print(stderr, "gtsim run: {}\n", message);
  throw CLI::RuntimeError(status);
}

std::string slug(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += char(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-')
    out.pop_back();
  return out.empty() ? "scenario" : out.substr(0, 60);
}

std::string local_time(const char* format) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&now, &tm);
  char text[64];
  std::strftime(text, sizeof text, format, &tm);
  return text;
}

// runs/<slug>-<YYYYmmdd-HHMMSS>, or --out; refuses a directory holding anything, since old region
// files would become this run's starting state.
fs::path make_run_dir(const RunArgs& args, const scenarios::Scenario& scenario) {
  fs::path dir = args.out;
  if (dir.empty()) {
    const fs::path base =
        fs::path("runs") / (slug(scenario.name) + "-" + local_time("%Y%m%d-%H%M%S"));
    dir = base;
    for (int i = 2; fs::exists(dir); ++i)
      dir = base.string() + "-" + std::to_string(i);
  } else if (fs::exists(dir) && !fs::is_empty(dir)) {
    fail(2, fmt::format("{} is not empty; give a new or empty directory", dir.string()));
  }
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) fail(2, fmt::format("cannot create {}: {}", dir.string(), error.message()));
  return dir;
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) fail(2, "cannot write " + path.string());
}

void run(const RunArgs& args) {
  std::string text, display_name;
  if (args.file.empty()) {
    text = std::string(scenarios::default_scenario_yaml());
    display_name = std::string(scenarios::kDefaultScenarioName);
  } else {
    std::ifstream in(args.file, std::ios::binary);
    if (!in) fail(2, "cannot read " + args.file);
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
    display_name = args.file;
  }
  scenarios::Scenario scenario;
  try {
    scenario = scenarios::parse_scenario(text, display_name);
  } catch (const scenarios::ScenarioError& e) {
    for (const auto& diagnostic : e.diagnostics())
      fmt::print(stderr, "{}\n", diagnostic.to_string());
    throw CLI::RuntimeError(2);
  }

  if (args.seed) scenario.seed = *args.seed;
  const fs::path dir = make_run_dir(args, scenario);
  write_file(dir / "scenario.yaml", text);
  const nlohmann::json metadata = {{"gtsim_version", GTSIM_VERSION},
                                   {"mode", args.deterministic ? "deterministic" : "processes"},
                                   {"scenario", scenario.name},
                                   {"file", args.file.empty() ? "(built-in default)" : args.file},
                                   {"seed", scenario.seed},
                                   {"command", args.command},
                                   {"started_at", local_time("%Y-%m-%dT%H:%M:%S%z")}};
  write_file(dir / "run.json", metadata.dump(2) + "\n");

  const bool progress = !args.quiet && ::isatty(STDERR_FILENO);
  install_signal_handlers();
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
    options.interrupted = [] { return g_interrupted.load(); };
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
    fail(2, e.what());
  }
  if (progress) fmt::print(stderr, "\r\033[K");
  if (result.interrupted) fail(2, "interrupted; the run directory " + dir.string() + " is partial");

  try {
    const scenarios::Report report = scenarios::build_report(scenario, dir.string());
    const nlohmann::json json = scenarios::report_to_json(report);
    write_file(dir / "report.json", json.dump(2) + "\n");
    viz::write_html_report(scenario, report, dir.string());
    if (args.json) {
      fmt::print("{}\n", json.dump(2));
    } else {
      fmt::print("{}", scenarios::format_summary(report));
      fmt::print("run directory: {}\n", dir.string());
      if (args.deterministic) {
        fmt::print("deterministic, seed {}; replay: gtsim run --deterministic --seed {} {}\n",
                   scenario.seed, scenario.seed, args.file);
      }
    }
    std::fflush(stdout);
    if (!report.all_passed() || !result.steps_passed) throw CLI::RuntimeError(1);
  } catch (const DynamoError& e) {
    fail(2, fmt::format("cannot build the report of {}: {}", dir.string(), e.what()));
  }
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
