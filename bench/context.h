// BenchContext: what every benchmark of one `gtsim bench` run shares: where it may write, the
// gtsim binary that region processes run, and how big to make each benchmark.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gtsim::bench {

// The sizes of one run. kQuick is the default and takes a few minutes on two cores; kFull is what
// the targets are stated for. `--scale F` multiplies every count and duration of either.
struct BenchSizes {
  size_t apply_records = 0;     // sqlite: records applied in process (and the baseline's rows)
  size_t pipeline_records = 0;  // sqlite: client writes per origin region through processes
  int64_t lag_duration_us = 0;  // lag: workload length per link latency
  std::vector<int64_t> lag_latencies_us;
  size_t catchup_backlog = 0;             // catchup: records queued behind the partition
  int64_t deterministic_duration_us = 0;  // deterministic: simulated length
  size_t scale_items = 0;                 // scale: items in the table

  static BenchSizes quick();
  static BenchSizes full();
  BenchSizes scaled(double factor) const;
};

struct BenchContext {
  std::string work_dir;  // an existing directory on the disk under test
  std::string binary;    // the gtsim executable, for region processes
  BenchSizes sizes;
};

}  // namespace gtsim::bench
