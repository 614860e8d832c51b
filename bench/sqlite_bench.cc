#include "bench/sqlite_bench.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "bench/apply_rate.h"
#include "bench/figure.h"
#include "bench/load.h"
#include "bench/resources.h"
#include "replicator/region_server.h"

namespace gtsim::bench {
namespace {

// Concurrent clients writing at the origin: one synchronous client measures its own round trips
// (the origin's thread idles between them), not the pipeline.
constexpr size_t kPipelineClients = 4;

// CPU seconds used so far by each of `regions`' processes, then by this one (the clients).
std::vector<double> cpu_seconds(const scenarios::ProcessCluster& cluster,
                                const std::vector<std::string>& regions) {
  std::vector<double> seconds;
  for (const std::string& region : regions)
    seconds.push_back(process_cpu_seconds(cluster.pid(region)));
  seconds.push_back(process_cpu_seconds(::getpid()));
  return seconds;
}

// What the pipeline's `records` cost in CPU, process by process, and the rate that cost allows
// on this machine's CPUs kept fully busy: the pipeline's ceiling here, whatever its latency.
std::string cpu_note(const std::vector<double>& before, const std::vector<double>& after,
                     const std::vector<std::string>& regions, const std::string& origin,
                     size_t records, double raw_per_s) {
  std::vector<std::string> parts;
  double total_us = 0;
  for (size_t i = 0; i < before.size(); ++i) {
    if (before[i] < 0 || after[i] < 0) return "  CPU per record: unknown (a process ended)";
    const double us = (after[i] - before[i]) * 1e6 / double(records);
    total_us += us;
    const std::string who = i == regions.size()    ? "clients"
                            : regions[i] == origin ? regions[i] + " (origin)"
                                                   : regions[i];
    parts.push_back(fmt::format("{} {:.1f}", who, us));
  }
  const int cpus = usable_cpus();
  const double ceiling_per_s = total_us > 0 ? cpus * 1e6 / total_us : 0;
  return fmt::format(
      "  CPU per record: {:.1f} us in all processes ({}); {} CPUs kept busy would carry at most "
      "{:.0f} rec/s, ratio {:.3f} of raw upserts",
      total_us, fmt::join(parts, ", "), cpus, ceiling_per_s,
      raw_per_s > 0 ? ceiling_per_s / raw_per_s : 0);
}

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
    const std::vector<double> cpu_before = cpu_seconds(*cluster, regions);
    const int64_t start_us = replication::true_now_us();
    write_items_concurrently(*cluster, origin, origin, n, kPipelineClients);
    const int64_t written_us = replication::true_now_us();
    const bool drained = wait_replicated(*cluster, 300);
    const std::vector<double> cpu_after = cpu_seconds(*cluster, regions);
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
    print_note(cpu_note(cpu_before, cpu_after, regions, origin, n, rate.baseline_per_s));
  }
  cluster->shutdown();
}

}  // namespace gtsim::bench
