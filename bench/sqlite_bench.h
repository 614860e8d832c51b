// The physical-limit benchmark (`gtsim bench sqlite`): raw SQLite upserts per second on this disk
// (apply_rate.h) against a region applying replicated records with three regions under a
// saturating load (target >= 60%), and the whole pipeline per origin region (target >= 40%):
// clients write at one region process, its stream ships to two peers over loopback TCP, both
// apply; timed from the first write until both peers acknowledged the last. Also the wire bytes
// per record and the records per batch the shipper cuts under backlog.
//
// Errors: DynamoError from the regions or processes.
#pragma once

#include "bench/context.h"

namespace gtsim::bench {

void run_sqlite_bench(const BenchContext& context);

}  // namespace gtsim::bench
