// Replication lag of the last few seconds, read from the region files while their processes write
// them: `gtsim serve`'s live status line. The report computes lag the same way (applied_log's
// apply minus commit true time, docs/report-format.md), over the whole run.
//
// Errors: a file that cannot be read (not created yet, busy) is skipped: a status line must not
// stop the run. Thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace gtsim::scenarios {

struct RecentLag {
  int64_t count = 0;   // records applied in the window, over all links
  int64_t avg_us = 0;  // their mean lag
  int64_t max_us = 0;  // the largest, on `worst_link` ("origin->receiver")
  std::string worst_link;
};

// The lag of the records applied at true time >= since_true_us (the region files' clock) in the
// files of `region_files` (region name -> SQLite file). It reads the stream backwards from its
// end to the first record before the window, so a refresh costs the window's records, not the
// whole file's.
RecentLag recent_lag(const std::map<std::string, std::string>& region_files, int64_t since_true_us);

}  // namespace gtsim::scenarios
