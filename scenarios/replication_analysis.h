// What replication did, from the region files and status samples: lag per directed link and
// overall, pending records per link over time with backlog peaks and catch-up after heals,
// restarts and resumes, whether (and how fast) the replicas converged, and which links fell out of
// sync when stream retention trimmed writes a peer had not received.
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

// report.out_of_sync: a link origin -> receiver is out of sync when a trim of the origin's stream
// removed one of its writes above the receiver's final cursor for it. Only receivers that hold a
// replica at the end are judged (a removed replica stops applying by design).
void analyse_out_of_sync(const RunData& run, Report& report);

}  // namespace gtsim::scenarios
