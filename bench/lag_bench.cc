#include "bench/lag_bench.h"

#include <filesystem>

#include <fmt/core.h>

#include "bench/figure.h"
#include "bench/load.h"
#include "scenarios/report.h"
#include "scenarios/runner.h"

namespace gtsim::bench {
namespace {

constexpr double kP50TargetMs = 1, kP99TargetMs = 5;

Figure lag_figure(const char* stat, int64_t lag_us, int64_t latency_us, double target_ms) {
  const double lag_ms = lag_us / 1e3, latency_ms = latency_us / 1e3;
  Figure f{fmt::format("L = {} ms: lag {}", latency_us / 1000, stat), lag_ms, "ms",
           "link latency L", latency_ms};
  f.target =
      fmt::format("{} - L < {} ms (overhead {:.3f} ms)", stat, target_ms, lag_ms - latency_ms);
  f.met = lag_ms - latency_ms < target_ms;
  return f;
}

}  // namespace

void run_lag_bench(const BenchContext& context) {
  print_section("lag", "measured lag against the modelled link latency");
  const std::vector<std::string> regions = region_names(3);
  const int64_t duration_ms = context.sizes.lag_duration_us / 1000;
  print_note(fmt::format("3 region processes, 1000 puts/s in all, {} ms per latency", duration_ms));
  for (int64_t latency_us : context.sizes.lag_latencies_us) {
    const std::string name = fmt::format("lag-{}ms", latency_us / 1000);
    const scenarios::Scenario scenario = bench_scenario(
        name, regions, fmt::format("{{latency: {}us}}", latency_us),
        {fmt::format("workload: {{rate: 333.333, duration: {}ms, keys: 1000, mix: {{put: 1}}}}",
                     duration_ms),
         "wait: converged"});
    auto cluster = start_processes(context, scenario, name);
    const std::string dir = (std::filesystem::path(context.work_dir) / name).string();
    scenarios::run_scenario(scenario, *cluster, {.history_path = dir + "/history.jsonl"});
    cluster->shutdown();
    const scenarios::Report report = scenarios::build_report(scenario, dir);
    print_figure(lag_figure("p50", report.overall.p50, latency_us, kP50TargetMs));
    print_figure(lag_figure("p99", report.overall.p99, latency_us, kP99TargetMs));
    print_note(fmt::format("  {} records applied, max lag {:.3f} ms", report.overall.count,
                           report.overall.max / 1e3));
  }
}

}  // namespace gtsim::bench
