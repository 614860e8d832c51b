// Replication lag statistics: count, mean, min, nearest-rank percentiles and max over integer
// microseconds, and their series over time in fixed-width buckets.
//
// Integers only, so the same samples give the same figures on every machine.
// Thread-safety: pure functions.
#pragma once

#include <utility>
#include <vector>

#include "scenarios/report.h"

namespace gtsim::scenarios {

// Statistics of `samples` (any order). Percentile p is the sample of rank ceil(p/100 * count) in
// ascending order; avg is the mean rounded half up. All zero for no samples.
LagStats lag_stats(std::vector<Micros> samples);

// A round bucket width (1, 2 or 5 times a power of ten microseconds, at least 1 ms) that cuts
// `run_length_us` into at most 60 buckets.
Micros bucket_width(Micros run_length_us);

// (time, lag) samples grouped by floor(time / width); non-empty buckets only, by start.
std::vector<LagBucket> lag_buckets(const std::vector<std::pair<Micros, Micros>>& samples,
                                   Micros width);

}  // namespace gtsim::scenarios
