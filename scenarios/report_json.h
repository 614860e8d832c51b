// The JSON form of a Report (report.json), schema version 1, documented field by field in
// docs/report-format.md.
//
// Deterministic: objects have sorted keys, lists keep the Report's sorted order, every time is an
// integer of microseconds and nothing comes from the wall clock, so equal reports serialise to
// identical bytes. Run metadata (start date, host) belongs in run.json, not here.
//
// Thread-safety: reentrant.
#pragma once

#include <nlohmann/json.hpp>

#include "scenarios/report.h"

namespace gtsim::scenarios {

constexpr int kReportSchemaVersion = 1;

nlohmann::json report_to_json(const Report& report);

}  // namespace gtsim::scenarios
