#include "bench/sqlite_bench.h"

#include <filesystem>

#include <fmt/core.h>

#include "bench/apply_rate.h"
#include "bench/figure.h"
#include "bench/load.h"
#include "bench/resources.h"

namespace gtsim::bench {

void run_sqlite_bench(const BenchContext& context) {
  print_section("sqlite", "the disk's limit, a region's apply rate and the whole pipeline");
  const ApplyRate rate = measure_apply_rate(
      (std::filesystem::path(context.work_dir) / "sqlite").string(), context.sizes.apply_records);
  print_note(
      fmt::format("{} records of ~100 B items from 2 origins, batched as shipped", rate.records));
  print_figure({"raw upserts", rate.baseline_per_s, "rec/s", "raw upserts", rate.baseline_per_s});
  print_figure(ratio_at_least("region apply (apply_remote_batch, 3 regions)", rate.apply_per_s,
                              "rec/s", "raw upserts", rate.baseline_per_s, 0.60));
  print_note(fmt::format("wire: {:.1f} bytes/record, {:.1f} records/batch (shipper under backlog)",
                         rate.wire_bytes_per_record, rate.records_per_batch));

  const std::vector<std::string> regions = region_names(3);
  auto cluster = start_processes(
      context, bench_scenario("bench pipeline", regions, "{latency: 0ms}", {}), "pipeline");
  const size_t n = context.sizes.pipeline_records;
  print_note(
      fmt::format("pipeline: {} client writes per origin (BatchWriteItem of 25), 0 ms links", n));
  for (const std::string& origin : regions) {
    Stopwatch clock;
    write_items(*cluster, origin, origin, 0, n);
    const double written_s = clock.seconds();
    const bool drained = wait_replicated(*cluster, 300);
    const double total_s = clock.seconds();
    Figure f = ratio_at_least(
        fmt::format("pipeline from {} (write, ship, apply at 2 peers)", origin),
        drained ? double(n) / total_s : 0, "rec/s", "raw upserts", rate.baseline_per_s, 0.40);
    print_figure(f);
    print_note(
        fmt::format("  origin accepted {:.0f} writes/s; peers done {:.3f} s after the last write{}",
                    double(n) / written_s, total_s - written_s,
                    drained ? "" : " (did not drain within 300 s)"));
  }
  cluster->shutdown();
}

}  // namespace gtsim::bench
