// The scenario parser and validator: YAML text in, a complete Scenario out, or every problem it
// found with file, line, column and a hint.
//
// Validation is the whole of it: a Scenario returned here needs no further checks before it runs
// (see scenarios/scenario.h for what is guaranteed). Nothing may start before the file is valid,
// so runners call this first and stop on ScenarioError.
//
// Thread-safety: reentrant; no shared state.
#pragma once

#include <string>
#include <string_view>

#include "scenarios/diagnostic.h"
#include "scenarios/scenario.h"

namespace gtsim::scenarios {

// Parses scenario YAML. `display_name` is the file name used in positions and in
// Scenario::file. Throws ScenarioError holding every diagnostic found (YAML syntax errors stop
// the parse at the first one, since the rest of the document is then unknown).
Scenario parse_scenario(std::string_view text, const std::string& display_name);

// Reads and parses a file, named in diagnostics as `path` is written. Throws ScenarioFileError
// when the file cannot be read, ScenarioError when it is not a valid scenario.
Scenario load_scenario_file(const std::string& path);

// Parses one fault step written as in a scenario's `steps:` list (YAML, e.g.
// "{isolate: eu-west-1}") against `scenario`'s regions and tables, as `gtsim serve` does with a
// fault typed while it runs. Positions name `display_name`. The step is checked on its own:
// whether a region is crashed at that moment is the cluster's to say. Throws ScenarioError, also
// for a step that is not a fault (a client operation, a wait, a workload), naming the faults.
Step parse_live_fault(const Scenario& scenario, std::string_view text,
                      const std::string& display_name);

}  // namespace gtsim::scenarios
