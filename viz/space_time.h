// The space-time (Lamport) diagram of report.html: one horizontal lane per region with time
// running left to right, every client operation as a mark in its lane at its true time (writes
// at their commit), the replication of each write as an arrow from its commit at the origin to
// its apply in each other region, conflicts (a concurrent arrival) and lost writes in red, and the
// intervals when a region was down, cut off by a partition, paused or held no replica shaded on
// its lane.
//
// Readable at thousands of operations: the all-keys view draws the arrows of a sample of the
// writes (those in a conflict or lost first, while they are few) and says how many it shows, and
// rings conflicts and labels lost writes only when it draws few arrows; a select
// switches to a view of one item, zoomed to that item's activity, with every arrow of it. The
// select offers the items with conflicts or lost writes first, then the most written, at most
// kMaxKeyViews of them.
//
// Thread-safety: reentrant.
#pragma once

#include <string>

#include "scenarios/report.h"
#include "scenarios/scenario.h"
#include "viz/run_index.h"

namespace gtsim::viz {

inline constexpr size_t kMaxKeyViews = 40;
// Replication arrows drawn in the all-keys view at most.
inline constexpr size_t kMaxSampledArrows = 300;

// The HTML of the diagram section: the key select, the legend and one SVG per view (the
// all-keys view shown, the item views hidden until selected). Each SVG has one <g class="lane">
// per region.
std::string space_time_section(const scenarios::Scenario& scenario, const scenarios::Report& report,
                               const RunIndex& index);

}  // namespace gtsim::viz
