// The lag-fidelity benchmark (`gtsim bench lag`): for each constant link latency L, three region
// processes take 1,000 writes/s between them (a workload of puts on 1,000 keys), replication
// settles, and the report's lag (true apply time minus true commit time, from the region files)
// is compared with L. p50 and p99 minus L are the simulator's own overhead; targets: p50 < 1 ms
// and p99 < 5 ms (stated for L = 0, checked at every L).
//
// Errors: DynamoError from the processes or the report.
#pragma once

#include "bench/context.h"

namespace gtsim::bench {

void run_lag_bench(const BenchContext& context);

}  // namespace gtsim::bench
