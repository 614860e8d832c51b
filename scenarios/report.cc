#include "scenarios/report.h"

#include <algorithm>

#include "scenarios/conflict_analysis.h"
#include "scenarios/expectations.h"
#include "scenarios/replication_analysis.h"
#include "scenarios/run_data.h"
#include "scenarios/stale_reads.h"

namespace gtsim::scenarios {

bool Report::all_passed() const {
  return std::all_of(expectations.begin(), expectations.end(),
                     [](const ExpectationResult& e) { return e.passed; });
}

Report build_report(const Scenario& scenario, const std::string& run_dir) {
  return build_report(scenario, *load_run(scenario, run_dir));
}

Report build_report(const Scenario& scenario, const RunData& run) {
  Report report;
  report.scenario = scenario.name;
  report.seed = run.history.seed;
  report.replay = run.history.replay;
  for (const Region& region : scenario.regions)
    report.regions.push_back(region.name);
  std::sort(report.regions.begin(), report.regions.end());

  // The run lasts until its last event, whether the history or a region file saw it last.
  report.run_length_us = run.history.end_us;
  for (const RegionData& region : run.regions) {
    for (const StreamRow& row : region.stream)
      report.run_length_us = std::max(report.run_length_us, row.applied_us);
    for (const AppliedRow& row : region.applied)
      report.run_length_us = std::max(report.run_length_us, row.applied_us);
  }
  for (const HistoryOp& op : run.history.ops) {
    ++report.operations.invoked;
    if (op.outcome == HistoryOp::Outcome::kOk) ++report.operations.ok;
    if (op.outcome == HistoryOp::Outcome::kFail) ++report.operations.failed;
  }

  analyse_lag(run, report);
  analyse_backlog(run, report);
  analyse_convergence(run, report);
  analyse_out_of_sync(run, report);
  analyse_conflicts(run, report);
  analyse_stale_reads(run, report);
  check_expectations(scenario, run, report);
  return report;
}

}  // namespace gtsim::scenarios
