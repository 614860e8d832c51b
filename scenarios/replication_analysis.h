// What replication did, from the region files and status samples: lag per directed link and
// overall, pending records per link over time with backlog peaks and catch-up after heals,
// restarts and resumes, and whether (and how fast) the replicas converged.
//
// Definitions are in docs/report-format.md. Each function fills its part of `report` and needs
// report.regions and report.run_length_us set. Thread-safety: reentrant.
#pragma once

#include "scenarios/report.h"
#include "scenarios/run_data.h"

namespace gtsim::scenarios {

// report.bucket_width_us, overall, overall_buckets and links, from every region's applied_log:
// lag = applied_true_us - commit_true_us on link (origin -> receiver).
void analyse_lag(const RunData& run, Report& report);

// report.backlog and report.catch_ups, from the status samples of history.jsonl.
void analyse_backlog(const RunData& run, Report& report);

// report.convergence: replicas compared on their visible items and winning versions.
void analyse_convergence(const RunData& run, Report& report);

}  // namespace gtsim::scenarios
