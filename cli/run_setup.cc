#include "cli/run_setup.h"

#include <signal.h>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include "model/errors.h"
#include "scenarios/default_scenario.h"
#include "scenarios/parser.h"
#include "scenarios/report_json.h"
#include "scenarios/run_data.h"
#include "viz/html_report.h"

namespace gtsim {
namespace {

namespace fs = std::filesystem;

std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int) {
  g_interrupted.store(true);
}

}  // namespace

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

void fail(const std::string& command, int status, const std::string& message) {
  std::fflush(stdout);
  fmt::print(stderr, "gtsim {}: {}\n", command, message);
  throw CLI::RuntimeError(status);
}

ScenarioText read_scenario_text(const std::string& command, const std::string& file) {
  if (file.empty()) {
    return {std::string(scenarios::default_scenario_yaml()),
            std::string(scenarios::kDefaultScenarioName)};
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) fail(command, 2, "cannot read " + file);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return {buffer.str(), file};
}

scenarios::Scenario parse_or_fail(const ScenarioText& source) {
  try {
    return scenarios::parse_scenario(source.text, source.display_name);
  } catch (const scenarios::ScenarioError& e) {
    for (const auto& diagnostic : e.diagnostics())
      fmt::print(stderr, "{}\n", diagnostic.to_string());
    throw CLI::RuntimeError(2);
  }
}

std::string local_time(const char* format) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&now, &tm);
  char text[64];
  std::strftime(text, sizeof text, format, &tm);
  return text;
}

namespace {

// runs/<name>-<YYYYmmdd-HHMMSS>, or the same with -2, -3... when taken: a directory this call
// creates, so two commands started in the same second never share one.
fs::path create_new_run_dir(const std::string& command, const std::string& name) {
  const fs::path base = fs::path("runs") / (name + "-" + local_time("%Y%m%d-%H%M%S"));
  std::error_code error;
  fs::create_directories(base.parent_path(), error);
  // create_directory creates only a directory that was not there: checking first, then creating,
  // would let two commands started in the same second both take one.
  fs::path dir = base;
  for (int i = 2; !error && !fs::create_directory(dir, error); ++i) {
    if (i > 1000) fail(command, 2, fmt::format("{}-2 .. -1000 are all taken", base.string()));
    dir = base.string() + "-" + std::to_string(i);
  }
  if (error) fail(command, 2, fmt::format("cannot create {}: {}", dir.string(), error.message()));
  return dir;
}

}  // namespace

fs::path make_run_dir(const std::string& command, const std::string& out,
                      const std::string& default_name) {
  if (out.empty()) return create_new_run_dir(command, default_name);
  fs::path dir = out;
  if (fs::exists(dir) && !fs::is_empty(dir)) {
    fail(command, 2, fmt::format("{} is not empty; give a new or empty directory", dir.string()));
  }
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) fail(command, 2, fmt::format("cannot create {}: {}", dir.string(), error.message()));
  return dir;
}

void write_run_file(const std::string& command, const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) fail(command, 2, "cannot write " + path.string());
}

void install_interrupt_handlers() {
  struct sigaction action = {};
  action.sa_handler = on_signal;
  action.sa_flags = SA_RESTART;  // a control call in progress completes; the runner stops after it
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

bool interrupted() {
  return g_interrupted.load();
}

scenarios::Report write_report(const std::string& command, const scenarios::Scenario& scenario,
                               const fs::path& dir, nlohmann::json& json) {
  try {
    const std::unique_ptr<scenarios::RunData> run = scenarios::load_run(scenario, dir.string());
    scenarios::Report report = scenarios::build_report(scenario, *run);
    json = scenarios::report_to_json(report);
    write_run_file(command, dir / "report.json", json.dump(2) + "\n");
    viz::write_html_report(scenario, report, *run, dir.string());
    return report;
  } catch (const DynamoError& e) {
    fail(command, 2, fmt::format("cannot build the report of {}: {}", dir.string(), e.what()));
  }
}

}  // namespace gtsim
