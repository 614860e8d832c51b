#include "bench/catchup_bench.h"

#include <chrono>
#include <filesystem>
#include <thread>

#include <fmt/core.h>

#include "bench/apply_rate.h"
#include "bench/figure.h"
#include "bench/load.h"
#include "bench/resources.h"
#include "replicator/region_server.h"

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
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  print_note(fmt::format("backlog: {} records pending on {} -> {} at the heal",
                         pending(*cluster, origin, cut_off), origin, cut_off));

  // The drain is followed in the receiver's file, not by status: a status makes every region
  // digest its table, and polling it took up to half a core from the drain (the idle third region
  // digesting, in the profile). Its end is read from the receiver's applied_log.
  uint64_t last_seq = 0;
  for (const replication::RegionStatus& status : cluster->status())
    if (status.region == origin) last_seq = status.last_local_seq;
  const int64_t heal_us = replication::true_now_us();
  cluster->set_partitioned(origin, cut_off, false);
  Stopwatch drain;
  bool drained = false;
  while (!(drained = applied_cursor_in_file(*cluster, cut_off, origin) >= last_seq) &&
         drain.seconds() < 600)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const double seconds = (last_applied_true_us(*cluster, cut_off, origin) - heal_us) / 1e6;
  cluster->shutdown();
  print_figure(ratio_at_least("backlog drain after heal", drained ? double(backlog) / seconds : 0,
                              "rec/s", "sustained apply (in process)", rate.apply_per_s, 0.80));
  print_note(
      fmt::format("  drained in {:.3f} s{}", seconds, drained ? "" : " (not drained: gave up)"));
}

}  // namespace gtsim::bench
