#include "bench/suite.h"

#include <algorithm>

#include "bench/catchup_bench.h"
#include "bench/deterministic_bench.h"
#include "bench/lag_bench.h"
#include "bench/scale_bench.h"
#include "bench/sqlite_bench.h"
#include "model/errors.h"

namespace gtsim::bench {

const std::vector<BenchInfo>& benchmarks() {
  static const std::vector<BenchInfo> kAll = {
      {"sqlite", "raw SQLite upserts vs a region's apply rate and the whole pipeline",
       run_sqlite_bench},
      {"lag", "measured lag minus the modelled link latency (0, 20, 80 ms)", run_lag_bench},
      {"catchup", "a healed partition's backlog drain vs the sustained apply rate",
       run_catchup_bench},
      {"deterministic", "simulated vs wall-clock time and memory, 3 and 10 regions",
       run_deterministic_bench},
      {"scale", "10 regions in a full mesh and a large table: convergence, memory, file size",
       run_scale_bench},
  };
  return kAll;
}

void run_suite(const BenchContext& context, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    if (std::none_of(benchmarks().begin(), benchmarks().end(),
                     [&](const BenchInfo& b) { return b.name == name; })) {
      throw_validation("no benchmark named " + name);
    }
  }
  for (const BenchInfo& bench : benchmarks()) {
    if (names.empty() || std::count(names.begin(), names.end(), bench.name) > 0) bench.run(context);
  }
}

}  // namespace gtsim::bench
