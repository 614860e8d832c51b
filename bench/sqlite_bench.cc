#include "bench/sqlite_bench.h"

#include <algorithm>
#include <filesystem>

#include <fmt/core.h>

#include "bench/apply_rate.h"
#include "bench/figure.h"
#include "bench/load.h"
#include "replicator/region_server.h"

namespace gtsim::bench {
namespace {

// Concurrent clients writing at the origin: one synchronous client measures its own round trips
// (the origin's thread idles between them), not the pipeline.
constexpr size_t kPipelineClients = 4;

}  // namespace

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
      fmt::format("pipeline: {} client writes per origin (BatchWriteItem of 25, {} clients at "
                  "once), 0 ms links",
                  n, kPipelineClients));
  for (const std::string& origin : regions) {
    const int64_t start_us = replication::true_now_us();
    write_items_concurrently(*cluster, origin, origin, n, kPipelineClients);
    const int64_t written_us = replication::true_now_us();
    const bool drained = wait_replicated(*cluster, 300);
    int64_t end_us = 0;
    for (const std::string& peer : regions) {
      if (peer != origin) end_us = std::max(end_us, last_applied_true_us(*cluster, peer, origin));
    }
    const double total_s = (end_us - start_us) / 1e6;
    print_figure(ratio_at_least(
        fmt::format("pipeline from {} (write, ship, apply at 2 peers)", origin),
        drained ? double(n) / total_s : 0, "rec/s", "raw upserts", rate.baseline_per_s, 0.40));
    print_note(
        fmt::format("  origin accepted {:.0f} writes/s; last apply at a peer {:+.1f} ms from the "
                    "last call's return{}",
                    double(n) * 1e6 / double(written_us - start_us), (end_us - written_us) / 1e3,
                    drained ? "" : " (did not drain within 300 s)"));
  }
  cluster->shutdown();
}

}  // namespace gtsim::bench
