// What `gtsim run` and `gtsim serve` (with `gtsim fault`) share: failing with a message, reading
// the scenario, the run directory with its scenario.yaml and run.json, stopping on Ctrl-C, and
// the report written at the end.
//
// Errors: each function that fails prints "gtsim COMMAND: why" (or the scenario's diagnostics) on
// stderr and throws CLI::RuntimeError(2), the status of a bad file or environment.
// Thread-safety: call from the main thread; interrupted() may be read from any thread.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "scenarios/report.h"
#include "scenarios/scenario.h"

namespace gtsim {

// A scenario as read: its YAML text, the name diagnostics give it, and the parsed scenario.
struct ScenarioText {
  std::string text;
  std::string display_name;
};

// Prints "gtsim COMMAND: message" on stderr, after whatever stdout holds, and throws
// CLI::RuntimeError(status).
[[noreturn]] void fail(const std::string& command, int status, const std::string& message);

// FILE's text, or the built-in default scenario's when `file` is empty.
ScenarioText read_scenario_text(const std::string& command, const std::string& file);

// Parses and validates; prints every diagnostic and fails when the scenario is not valid.
scenarios::Scenario parse_or_fail(const ScenarioText& source);

// runs/<default_name>-<YYYYmmdd-HHMMSS> (with -2, -3... when taken, so two commands started in
// the same second never share one), or `out`, created. `out` must be new or empty, since old
// region files would become the run's starting state. Fails (exit status 2) when it is not, or
// cannot be created.
std::filesystem::path make_run_dir(const std::string& command, const std::string& out,
                                   const std::string& default_name);

// The scenario's name made fit for a directory name.
std::string slug(const std::string& name);

// Writes `text` to `path`, replacing it.
void write_run_file(const std::string& command, const std::filesystem::path& path,
                    const std::string& text);

// The local time now in strftime's `format`.
std::string local_time(const char* format);

// From now on SIGINT and SIGTERM set interrupted() instead of ending the process, so that the
// cluster stops its children and the report is written. A control call in progress completes.
void install_interrupt_handlers();
bool interrupted();

// Builds the report of the run in `dir` and writes report.json and report.html there. Returns the
// report; `json` receives report.json's content.
scenarios::Report write_report(const std::string& command, const scenarios::Scenario& scenario,
                               const std::filesystem::path& dir, nlohmann::json& json);

}  // namespace gtsim
