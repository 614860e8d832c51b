// The catch-up benchmark (`gtsim bench catchup`): three region processes on 0 ms links; the link
// us-east-1 -> eu-west-1 is cut while clients write a backlog of records at us-east-1 (which
// ap-southeast-2 receives live). Once ap-southeast-2 is done the link heals, and the backlog's
// drain is timed from the heal until eu-west-1 has acknowledged the last record. The baseline is
// the sustained apply rate of a region measured in the same run (apply_rate.h) on as many
// records; target: the drain runs at >= 80% of it.
//
// Errors: DynamoError from the regions or processes.
#pragma once

#include "bench/context.h"

namespace gtsim::bench {

void run_catchup_bench(const BenchContext& context);

}  // namespace gtsim::bench
