#include "bench/scale_bench.h"

#include <filesystem>

#include <fmt/core.h>

#include "bench/apply_rate.h"
#include "bench/figure.h"
#include "bench/load.h"
#include "bench/resources.h"

namespace gtsim::bench {

void run_scale_bench(const BenchContext& context) {
  print_section("scale", "10 regions in a full mesh and a large table");
  const size_t items = context.sizes.scale_items;
  const std::vector<std::string> regions = region_names(10);
  const ApplyRate rate =
      measure_apply_rate((std::filesystem::path(context.work_dir) / "scale-apply").string(),
                         context.sizes.apply_records);
  auto cluster =
      start_processes(context, bench_scenario("bench scale", regions, "aws", {}), "scale");
  Stopwatch clock;
  write_items_round_robin(*cluster, regions, items);
  const double written_s = clock.seconds();
  const bool converged = wait_replicated(*cluster, 3600, true);
  const double total_s = clock.seconds();
  print_note(
      fmt::format("{} items written over {} regions in {:.1f} s; {} {:.1f} s after the last write",
                  items, regions.size(), written_s,
                  converged ? "converged" : "NOT converged within an hour,", total_s - written_s));
  Figure f{"row writes across all regions", double(items * regions.size()) / total_s, "rows/s",
           "raw upserts (one file)", rate.baseline_per_s};
  f.target = "converges";
  f.met = converged;
  print_figure(f);
  for (const auto& [region, file] : cluster->region_files()) {
    print_note(fmt::format("  {:<15} peak RSS {:>10}  file {:>10}", region,
                           megabytes(peak_rss_bytes(cluster->pid(region))),
                           megabytes(sqlite_file_bytes(file))));
  }
  cluster->shutdown();
}

}  // namespace gtsim::bench
