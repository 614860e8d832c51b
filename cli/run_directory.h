// A past run directory opened for the commands that read one (explain, export): its scenario
// (scenario.yaml), the report rebuilt from it and the raw run data.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "scenarios/report.h"
#include "scenarios/run_data.h"
#include "scenarios/scenario.h"

namespace gtsim {

struct OpenedRun {
  scenarios::Scenario scenario;
  scenarios::Report report;
  std::unique_ptr<scenarios::RunData> data;
};

// Opens `run_dir` and runs `body` on it. When the directory cannot be read, or `body` throws
// DynamoError (a caller error such as an unknown key), prints why as "gtsim COMMAND: ..." on
// stderr and throws CLI::RuntimeError(2).
void with_run_directory(const std::string& command, const std::string& run_dir,
                        const std::function<void(const OpenedRun&)>& body);

}  // namespace gtsim
