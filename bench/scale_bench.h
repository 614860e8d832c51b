// The scale benchmark (`gtsim bench scale`): 10 region processes in a full mesh (90 directed
// links) on AWS latencies; clients write the table's items spread over every region (25 per
// call, round robin), then replication settles. Target: it converges — no pending record on any
// link and equal table digests in every region. Reported: the row writes per second all regions
// did together (each item is written once at its origin and applied at 9 peers) beside the raw
// upsert rate of one file measured in the same run, and each region's peak memory (VmHWM) and
// file size.
//
// Errors: DynamoError from the regions or processes.
#pragma once

#include "bench/context.h"

namespace gtsim::bench {

void run_scale_bench(const BenchContext& context);

}  // namespace gtsim::bench
