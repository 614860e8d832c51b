// report.html: one self-contained page per run (inline SVG and CSS, one small script, no
// network fetch, opens from disk) that shows what replication did: headline figures, the
// expectations with pass or fail, the space-time diagram (space_time.h), lag over time, pending
// records over time and lag histograms per link, and tables of lag statistics, catch-ups,
// conflicts, lost writes, stale reads and resurrections with their explanations.
// docs/report-html.md explains how to read each view.
//
// The page is a function of the scenario, the report and the run directory alone: nothing from
// the wall clock or the host, so identical runs give identical bytes.
// Thread-safety: reentrant.
#pragma once

#include <string>

#include "scenarios/report.h"
#include "scenarios/scenario.h"
#include "viz/run_index.h"

namespace gtsim::viz {

std::string render_html(const scenarios::Scenario& scenario, const scenarios::Report& report,
                        const RunIndex& index);

// Writes `run_dir`/report.html for a report built from `run`, that directory's data as load_run
// read it (the runner calls it right after report.json). Throws DynamoError(kInternal) when the
// file cannot be written.
void write_html_report(const scenarios::Scenario& scenario, const scenarios::Report& report,
                       const scenarios::RunData& run, const std::string& run_dir);

}  // namespace gtsim::viz
