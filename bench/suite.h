// The benchmark suite: every benchmark by name, in the order `gtsim bench` runs them.
//
// Errors: run_suite throws DynamoError(kValidation) for an unknown name before anything runs, and
// lets a benchmark's DynamoError through (an environment failure).
// Thread-safety: not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "bench/context.h"

namespace gtsim::bench {

struct BenchInfo {
  std::string name;
  std::string summary;
  void (*run)(const BenchContext&);
};

const std::vector<BenchInfo>& benchmarks();

// Runs the benchmarks named (all of them when `names` is empty), in suite order.
void run_suite(const BenchContext& context, const std::vector<std::string>& names);

}  // namespace gtsim::bench
