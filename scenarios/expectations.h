// The scenario's final expectations checked against a report, plus the steps that failed at
// runtime.
//
// Metrics compare the report's figures with each bound: converged (1 or 0), conflicts, lost
// writes, stale reads and resurrections (counts of the report's lists), convergence_time (fails
// when the replicas did not converge), and lag statistics overall or per link (fail when no record
// was replicated there). Item expectations read each region file's final visible item; one without
// a region is checked in every region holding a replica of its table, one result per region. Each
// step_failed event is a failed expectation, and so is a wait_timeout with no step_failed for its
// line.
//
// Thread-safety: reentrant.
#pragma once

#include "scenarios/report.h"
#include "scenarios/run_data.h"

namespace gtsim::scenarios {

// Appends to report.expectations: metrics and items in file order, then runtime failures.
void check_expectations(const Scenario& scenario, const RunData& run, Report& report);

}  // namespace gtsim::scenarios
