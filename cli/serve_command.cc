// gtsim serve: a scenario's regions as long-running DynamoDB endpoints, with faults on demand and
// the run's report when stopped (docs/dynamodb-endpoint.md).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/system_error.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/run_setup.h"
#include "cli/serve_control.h"
#include "model/errors.h"
#include "replicator/region_server.h"
#include "scenarios/parser.h"
#include "scenarios/process_cluster.h"
#include "scenarios/recent_lag.h"
#include "scenarios/report_summary.h"
#include "scenarios/runner.h"

namespace gtsim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr auto kFaultTimeout = std::chrono::seconds(30);  // a restart waits for its process
constexpr int64_t kLagWindowUs = 5'000'000;
constexpr int64_t kStatusRefreshUs = 500'000;

struct ServeArgs {
  std::string file;
  std::string out;
  int port = 8000;
  std::string credentials;
  bool quiet = false;
};

// Without FILE: the default scenario's regions, clocks and network, with no table and no step,
// since clients create their tables through the endpoints.
ScenarioText regions_of_default(const ScenarioText& source) {
  const YAML::Node root = YAML::Load(source.text);
  YAML::Node out;
  out["name"] = "gtsim serve";
  out["description"] =
      "The regions and network of the default scenario, without its table or steps.";
  out["seed"] = root["seed"];
  out["regions"] = root["regions"];
  out["network"] = root["network"];
  out["tables"] = YAML::Node(YAML::NodeType::Sequence);
  out["steps"] = YAML::Node(YAML::NodeType::Sequence);
  YAML::Emitter emitter;
  emitter << out;
  return {std::string(emitter.c_str()) + "\n", source.display_name};
}

// Faults that `gtsim fault` sends, handed from the control endpoint's thread to the runner.
class LiveFaults {
 public:
  explicit LiveFaults(const scenarios::Scenario& scenario) : scenario_(scenario) {}

  // The control endpoint's answer to POST /fault: blocks until the runner played the fault.
  std::pair<int, json> submit(const std::string& text) {
    scenarios::Step step;
    try {
      step = scenarios::parse_live_fault(scenario_, text, "fault");
    } catch (const scenarios::ScenarioError& e) {
      std::string message;
      for (const auto& diagnostic : e.diagnostics())
        message += (message.empty() ? "" : "\n") + diagnostic.to_string();
      return {400, {{"error", message}}};
    }
    if (const std::string problem = refusal(step); !problem.empty()) {
      return {400, {{"error", problem}}};
    }
    step.pos.line = 0;  // history: not a line of the scenario file
    auto outcome = std::make_shared<std::promise<std::string>>();
    std::future<std::string> result = outcome->get_future();
    {
      std::lock_guard lock(mutex_);
      if (closed_) return {503, {{"error", "gtsim serve is stopping"}}};
      pending_.push_back(
          {std::move(step), [outcome](const std::string& error) { outcome->set_value(error); }});
    }
    if (result.wait_for(kFaultTimeout) != std::future_status::ready) {
      return {504, {{"error", "the fault was not played in time"}}};
    }
    const std::string error = result.get();
    if (!error.empty()) return {409, {{"error", error}}};
    return {200, {{"applied", text}}};
  }

  // The runner's poll.
  std::vector<scenarios::LiveStep> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(pending_, {});
  }

  // Refuses what comes after, and answers what is still waiting.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    for (const scenarios::LiveStep& live : pending_)
      live.done("gtsim serve stopped before playing it");
    pending_.clear();
  }

 private:
  static std::string refusal(const scenarios::Step& step) {
    if (step.at || step.after != 0) return "a fault is played at once; leave out at: and after:";
    // parse_live_fault admits faults only.
    const auto& fault = std::get<scenarios::Fault>(step.action);
    if (std::holds_alternative<scenarios::AddReplicaFault>(fault) ||
        std::holds_alternative<scenarios::RemoveReplicaFault>(fault)) {
      return "add or remove replicas through the endpoints, with UpdateTable's ReplicaUpdates";
    }
    return "";
  }

  const scenarios::Scenario& scenario_;
  std::mutex mutex_;
  std::vector<scenarios::LiveStep> pending_;
  bool closed_ = false;
};

// The refreshing status line on a terminal: run time, recent lag, pending records.
class StatusLine {
 public:
  explicit StatusLine(std::map<std::string, std::string> region_files)
      : files_(std::move(region_files)) {}

  void update(const scenarios::RunProgress& progress) {
    const int64_t now = replication::true_now_us();
    if (now - last_us_ < kStatusRefreshUs) return;
    last_us_ = now;
    const scenarios::RecentLag lag = scenarios::recent_lag(files_, now - kLagWindowUs);
    std::string text = fmt::format("{:>8.1f} s  ", double(progress.now_us) / 1e6);
    if (lag.count == 0) {
      text += "no record replicated in the last 5 s";
    } else {
      text += fmt::format("lag (last 5 s) avg {:.1f} ms, max {:.1f} ms {}", lag.avg_us / 1e3,
                          lag.max_us / 1e3, lag.worst_link);
    }
    fmt::print(stderr, "\r\033[K{}  {} pending records", text, progress.pending);
  }

 private:
  std::map<std::string, std::string> files_;
  int64_t last_us_ = 0;
};

void serve(const ServeArgs& args, const std::string& command_line) {
  ScenarioText source = read_scenario_text("serve", args.file);
  if (args.file.empty()) source = regions_of_default(source);
  const scenarios::Scenario scenario = parse_or_fail(source);

  std::vector<std::string> regions;  // in the file's order, which the ports follow
  for (const scenarios::Region& region : scenario.regions) {
    if (region.initial_replica) regions.push_back(region.name);
  }
  if (args.port < 2 || args.port + int(regions.size()) - 1 > 65535) {
    fail("serve", 2,
         fmt::format("--port {} leaves no room for the control endpoint on the port below it "
                     "and {} regions from it; choose a port from 2 to {}",
                     args.port, regions.size(), 65536 - int(regions.size())));
  }
  std::string credentials;
  if (!args.credentials.empty()) {
    if (!fs::is_regular_file(args.credentials)) fail("serve", 2, "cannot read " + args.credentials);
    credentials = fs::absolute(args.credentials).string();
  }

  // A region that cannot bind its port would fail only once started, naming its log.
  for (size_t i = 0; i < regions.size(); ++i) {
    const uint16_t port = uint16_t(args.port + int(i));
    boost::system::error_code error;
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor probe(io);
    probe.open(boost::asio::ip::tcp::v4(), error);
    // As the region's own acceptor: a port in TIME_WAIT is free.
    if (!error) probe.set_option(boost::asio::socket_base::reuse_address(true), error);
    if (!error) probe.bind({boost::asio::ip::address_v4::loopback(), port}, error);
    if (error) {
      fail("serve", 2,
           fmt::format("cannot listen on 127.0.0.1:{} for {}: {}; choose another --port", port,
                       regions[i], error.message()));
    }
  }

  LiveFaults faults(scenario);
  std::unique_ptr<ServeControl> control;
  const uint16_t control_port = uint16_t(args.port - 1);
  try {
    control = std::make_unique<ServeControl>(
        control_port, [&faults](const std::string& body) { return faults.submit(body); });
  } catch (const boost::system::system_error& e) {
    fail("serve", 2,
         fmt::format("cannot listen on 127.0.0.1:{} for gtsim fault: {}; choose another --port",
                     control_port, e.code().message()));
  }

  const fs::path dir = make_run_dir("serve", args.out, slug(scenario.name));
  write_run_file("serve", dir / "scenario.yaml", source.text);
  const json metadata = {{"gtsim_version", GTSIM_VERSION},
                         {"mode", "serve"},
                         {"scenario", scenario.name},
                         {"file", args.file.empty() ? "(built-in default regions)" : args.file},
                         {"seed", scenario.seed},
                         {"command", command_line},
                         {"started_at", local_time("%Y-%m-%dT%H:%M:%S%z")}};
  write_run_file("serve", dir / "run.json", metadata.dump(2) + "\n");

  install_interrupt_handlers();
  scenarios::ProcessClusterOptions options =
      scenarios::process_cluster_options(scenario, fs::read_symlink("/proc/self/exe"), dir);
  for (size_t i = 0; i < regions.size(); ++i)
    options.http_ports[regions[i]] = uint16_t(args.port + int(i));
  options.credentials_file = credentials;

  const bool live_status = !args.quiet && ::isatty(STDERR_FILENO);
  scenarios::RunResult result;
  try {
    scenarios::ProcessCluster cluster(std::move(options));
    for (size_t i = 0; i < regions.size(); ++i)
      fmt::print("{:<15} http://127.0.0.1:{}\n", regions[i], args.port + int(i));
    std::fflush(stdout);
    if (!args.quiet) {
      fmt::print(stderr,
                 "faults: gtsim fault{} partition|isolate|heal|crash|restart|latency ...\n"
                 "Ctrl-C stops the regions and writes the report to {}\n",
                 args.port == 8000 ? "" : fmt::format(" --port {}", args.port), dir.string());
    }
    StatusLine status(cluster.region_files());
    scenarios::RunnerOptions runner;
    runner.history_path = (dir / "history.jsonl").string();
    runner.interrupted = interrupted;
    runner.live_steps = [&faults] { return faults.take(); };
    runner.until_interrupted = true;
    if (live_status) {
      runner.on_progress = [&status](const scenarios::RunProgress& p) { status.update(p); };
    }
    result = scenarios::run_scenario(scenario, cluster, runner);
    faults.close();
    cluster.shutdown();
  } catch (const DynamoError& e) {
    faults.close();
    if (live_status) fmt::print(stderr, "\n");
    fail("serve", 2, e.what());
  }
  control.reset();
  if (live_status) fmt::print(stderr, "\r\033[K");

  json report_json;
  const scenarios::Report report = write_report("serve", scenario, dir, report_json);
  fmt::print("{}", scenarios::format_summary(report));
  fmt::print("run directory: {}\n", dir.string());
  std::fflush(stdout);
  if (!report.all_passed() || !result.steps_passed) throw CLI::RuntimeError(1);
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* command = app.add_subcommand(
      "serve",
      "Start a scenario's regions as DynamoDB endpoints for your own clients, take faults from "
      "gtsim fault, and write the run's report on Ctrl-C (with no FILE: the default scenario's "
      "three AWS regions, no tables)");
  command->add_option("FILE", args->file, "scenario file (.yaml); its steps play as in gtsim run");
  command
      ->add_option("--port", args->port,
                   "first region's port on 127.0.0.1, the others follow; gtsim fault talks to "
                   "the port below it")
      ->capture_default_str();
  command->add_option("--out", args->out,
                      "run directory (new or empty); default runs/<scenario>-<timestamp>");
  command->add_option("--credentials", args->credentials,
                      "verify SigV4 signatures against ACCESS_KEY_ID SECRET lines of this file");
  command->add_flag("--quiet", args->quiet, "no status line or hints on stderr");
  command->callback([args] {
    std::string line = "gtsim serve";
    if (!args->file.empty()) line += " " + args->file;
    if (args->port != 8000) line += " --port " + std::to_string(args->port);
    if (!args->out.empty()) line += " --out " + args->out;
    if (!args->credentials.empty()) line += " --credentials " + args->credentials;
    if (args->quiet) line += " --quiet";
    serve(*args, line);
  });
}

}  // namespace gtsim
