// The terminal summary of a Report: per-link lag table, backlog and catch-up, convergence,
// conflicts, lost writes, stale reads and resurrections with their one-line explanations (long
// lists capped with "... and N more"), and every expectation with pass or fail.
//
// Plain text with aligned columns and no colour codes, so it reads the same in a terminal, a pipe
// or a CI log. Durations are shown in milliseconds.
//
// Thread-safety: reentrant.
#pragma once

#include <string>

#include "scenarios/report.h"

namespace gtsim::scenarios {

std::string format_summary(const Report& report);

}  // namespace gtsim::scenarios
