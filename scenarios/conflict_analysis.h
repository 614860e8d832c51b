// Conflicts, lost writes and resurrections, from the region files' apply logs and streams and the
// acknowledged writes of history.jsonl.
//
//   conflict:     an applied_log row classified 'concurrent'; rows of the same item and the same
//                 two versions (met in several regions) form one conflict.
//   lost write:   an acknowledged write W that (1) is in no region's final state (not the winning
//                 version of its item, nor under lww-attribute the stamp of a surviving attribute
//                 or of the last replacement), (2) was discarded by LWW in at least one region
//                 (some applied_log row has lost = W), and (3) was never the version a later
//                 local write replaced (no stream row anywhere has overwrote = W): no write was
//                 built on it, so only concurrent writes overwrote it.
//   resurrection: an applied_log row with resurrected = 1.
//
// Each comes with a one-line explanation. Thread-safety: reentrant.
#pragma once

#include <string>

#include "scenarios/report.h"
#include "scenarios/run_data.h"

namespace gtsim::scenarios {

// Why `winner` beats `loser` in LWW order (timestamp, origin region name, origin sequence), e.g.
// "eu-west-1's write (ts 1000005) beat us-east-1's (ts 1000000): later timestamp".
std::string lww_explanation(const Version& winner, const Version& loser);

// report.conflicts, report.lost_writes and report.resurrections.
void analyse_conflicts(const RunData& run, Report& report);

}  // namespace gtsim::scenarios
