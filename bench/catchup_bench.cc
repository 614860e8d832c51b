#include "bench/catchup_bench.h"

#include <chrono>
#include <filesystem>
#include <thread>

#include <fmt/core.h>

#include "bench/apply_rate.h"
#include "bench/figure.h"
#include "bench/load.h"
#include "bench/resources.h"

namespace gtsim::bench {

void run_catchup_bench(const BenchContext& context) {
  print_section("catchup", "a healed partition's backlog against the sustained apply rate");
  const size_t backlog = context.sizes.catchup_backlog;
  const ApplyRate rate = measure_apply_rate(
      (std::filesystem::path(context.work_dir) / "catchup-apply").string(), backlog);

  const std::vector<std::string> regions = region_names(3);
  const std::string& origin = regions[0];
  const std::string& cut_off = regions[1];
  auto cluster = start_processes(
      context, bench_scenario("bench catch-up", regions, "{latency: 0ms}", {}), "catchup");
  cluster->set_partitioned(origin, cut_off, true);
  write_items(*cluster, origin, "backlog", 0, backlog);
  Stopwatch settle;
  while (pending(*cluster, origin, regions[2]) != 0 && settle.seconds() < 300)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  print_note(fmt::format("backlog: {} records pending on {} -> {} at the heal",
                         pending(*cluster, origin, cut_off), origin, cut_off));

  Stopwatch drain;
  cluster->set_partitioned(origin, cut_off, false);
  int64_t left = backlog;
  while ((left = pending(*cluster, origin, cut_off)) != 0 && drain.seconds() < 600)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const double seconds = drain.seconds();
  cluster->shutdown();
  print_figure(ratio_at_least("backlog drain after heal", left == 0 ? double(backlog) / seconds : 0,
                              "rec/s", "sustained apply (in process)", rate.apply_per_s, 0.80));
  print_note(
      fmt::format("  drained in {:.3f} s{}", seconds, left == 0 ? "" : " (not drained: gave up)"));
}

}  // namespace gtsim::bench
