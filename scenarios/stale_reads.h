// Stale reads, from history.jsonl and the writes in the region files' streams.
//
// A read (GetItem, Query or Scan, consistent or not) of an item is stale when a write to that
// item had been acknowledged, in any region, before the read was invoked, and that write is newer
// in LWW order than what the read returned: the version returned, or no item where the newest
// acknowledged write is not a delete. Query and Scan are checked on the items they returned (an
// item they did not return may have been filtered out). How stale: from the moment the
// acknowledged writes stopped matching the answer (the first acknowledgement of a newer write)
// until the read was invoked.
//
// Thread-safety: reentrant.
#pragma once

#include "scenarios/report.h"
#include "scenarios/run_data.h"

namespace gtsim::scenarios {

// report.stale_reads, by invoke time.
void analyse_stale_reads(const RunData& run, Report& report);

}  // namespace gtsim::scenarios
