#include "bench/deterministic_bench.h"

#include <filesystem>
#include <optional>

#include <fmt/core.h>

#include "bench/figure.h"
#include "bench/load.h"
#include "bench/resources.h"
#include "scenarios/runner.h"
#include "sim/sim_cluster.h"

namespace gtsim::bench {
namespace {

void simulate(const BenchContext& context, size_t region_count, std::optional<double> min_ratio) {
  const int64_t duration_ms = context.sizes.deterministic_duration_us / 1000;
  const std::string name = fmt::format("deterministic-{}", region_count);
  const scenarios::Scenario scenario = bench_scenario(
      name, region_names(region_count), "aws",
      {fmt::format("workload: {{rate: {:.3f}, duration: {}ms, keys: 10000, mix: {{put: 1}}}}",
                   1000.0 / double(region_count), duration_ms),
       "wait: converged"});
  const std::string dir = (std::filesystem::path(context.work_dir) / name).string();
  std::filesystem::create_directories(dir);
  const int64_t peak = run_in_child([&] {
    sim::SimCluster cluster(sim::sim_cluster_options(scenario, dir, scenario.seed));
    Stopwatch clock;
    const scenarios::RunResult result =
        scenarios::run_scenario(scenario, cluster, {.history_path = dir + "/history.jsonl"});
    const double wall_s = clock.seconds();
    const double simulated_s = result.end_us / 1e6;
    const std::string label = fmt::format("{} regions, 1000 puts/s, {} s: simulated time",
                                          region_count, duration_ms / 1000.0);
    Figure f = min_ratio
                   ? ratio_at_least(label, simulated_s, "s", "wall-clock time", wall_s, *min_ratio)
                   : Figure{label, simulated_s, "s", "wall-clock time", wall_s};
    print_figure(f);
    print_note(fmt::format("  {} operations; replication settled {}", result.operations,
                           result.steps_passed ? "in time" : "late (a wait timed out)"));
  });
  print_note(fmt::format("  peak memory (RSS) of the run: {}", megabytes(peak)));
}

}  // namespace

void run_deterministic_bench(const BenchContext& context) {
  print_section("deterministic", "simulated time against wall-clock time, and memory");
  simulate(context, 3, 20.0);
  simulate(context, 10, std::nullopt);
}

}  // namespace gtsim::bench
