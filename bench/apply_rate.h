// ApplyRate: how fast this disk takes item rows, raw and through a region applying replicated
// records — the physical limit every other throughput figure is measured against.
//
// Two origin regions (eu-west-1, ap-southeast-2) write `records` items between them with
// Region::put; a Shipper cuts their streams into the batches it would send (up to 100 records),
// which go through the wire codec and back, as a receiver gets them. Then, timed:
//   - baseline: the very rows the receiver will write, through the region's own item upsert
//     statement (schema::kUpsertItem) on a fresh file with the region's pragmas, schema and
//     background checkpoints, one transaction per batch, every value encoded beforehand: SQLite
//     and the disk alone;
//   - apply: a third region (us-east-1) applies the same batches with Region::apply_remote_batch,
//     alternating origins, back to back (a saturating load): load the row, classify, merge under
//     LWW, upsert, append the stream, log the apply, advance the cursor.
// Both are run three times, alternating, on fresh files; the best of each is kept. Files go under
// `dir` (created if missing), on the disk under test.
//
// Errors: DynamoError(kInternal) when a file cannot be written.
// Thread-safety: not thread-safe.
#pragma once

#include <cstddef>
#include <string>

namespace gtsim::bench {

struct ApplyRate {
  size_t records = 0;
  double baseline_per_s = 0;  // raw upserts per second
  double apply_per_s = 0;     // records applied per second
  double wire_bytes_per_record = 0;
  double records_per_batch = 0;
};

ApplyRate measure_apply_rate(const std::string& dir, size_t records);

}  // namespace gtsim::bench
