// The run as a ShiViz log (a space-time diagram viewer driven by vector clocks).
//
// Hosts are regions. Each region's events are its local writes (the commit, which is also the
// send of the change record to every peer), its client reads, and the arrival of every remote
// change (a receive: the clock merges the sending commit's clock), in true-time order. Every
// clock names every region of the run (zero for one not yet heard from); a host's own entry
// counts its events from 1, rising by 1. ShiViz therefore draws one happens-before arrow from each
// commit to each of its applies.
//
// Layout of the file, as ShiViz's file upload reads it: line 1 is the parser regex (ShiViz's
// default, kShivizRegex), line 2 the empty multiple-execution delimiter, then two lines per event:
// the event text, and "<host> <clock as JSON>". Deterministic for identical runs.
// Thread-safety: reentrant.
#pragma once

#include <string>

#include "viz/run_index.h"

namespace gtsim::viz {

inline constexpr const char* kShivizRegex = "(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})";

std::string shiviz_log(const RunIndex& index, const std::vector<std::string>& regions);

}  // namespace gtsim::viz
