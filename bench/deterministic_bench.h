// The deterministic-mode benchmark (`gtsim bench deterministic`): a scenario of 1,000 puts/s over
// 3 regions, then over 10, on AWS latencies, played by the scenario runner against a SimCluster
// (history and region files written as `gtsim run --deterministic` writes them), until
// replication settles. The figure is simulated time against the wall-clock time it took (target
// >= 20x for 3 regions; 10 regions has none), and the run's peak memory (RSS), measured in a
// child process of its own.
//
// Errors: DynamoError from the simulation.
#pragma once

#include "bench/context.h"

namespace gtsim::bench {

void run_deterministic_bench(const BenchContext& context);

}  // namespace gtsim::bench
