// The scenario `gtsim run` plays when given no file: scenarios/examples/default.yaml, embedded
// into the binary at build time so the file stays the one source of truth.
//
// Thread-safety: immutable.
#pragma once

#include <string_view>

namespace gtsim::scenarios {

// The YAML text of scenarios/examples/default.yaml.
std::string_view default_scenario_yaml();
// The name diagnostics give it.
inline constexpr std::string_view kDefaultScenarioName = "default.yaml";

}  // namespace gtsim::scenarios
