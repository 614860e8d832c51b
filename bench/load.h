// Load: the benchmarks' clusters and the client writes they push through them.
//
// Clusters are built from scenario YAML, as `gtsim run` builds them, so a benchmark measures the
// same region processes, links and tables a user runs. Client writes are BatchWriteItem calls of
// 25 puts (DynamoDB's maximum), each item about 100 bytes: the control channel's round trip is
// paid once per 25 writes, so the regions, not the client, are what saturates.
//
// Errors: as Cluster (DynamoError); parse errors of the generated YAML are bugs (GTSIM_CHECK).
// Thread-safety: not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench/context.h"
#include "scenarios/cluster.h"
#include "scenarios/process_cluster.h"
#include "scenarios/scenario.h"

namespace gtsim::bench {

// The table every benchmark writes: partition key `id` (S), last-writer-wins.
inline constexpr const char* kTable = "bench";

// The first `count` of ten AWS regions (us-east-1, eu-west-1, ap-southeast-2 first), so that a
// network of `aws` latencies can join them. count <= 10.
std::vector<std::string> region_names(size_t count);

// A scenario over `regions` holding kTable, whose links all follow `network_default` (YAML of
// network.default: "aws" or "{latency: 20ms}"), playing `steps` (YAML list items, may be empty).
scenarios::Scenario bench_scenario(const std::string& name, const std::vector<std::string>& regions,
                                   const std::string& network_default,
                                   const std::vector<std::string>& steps);

// Region processes running `scenario` in a new directory `dir_name` of the work directory.
std::unique_ptr<scenarios::ProcessCluster> start_processes(const BenchContext& context,
                                                           const scenarios::Scenario& scenario,
                                                           const std::string& dir_name);

// Writes items <prefix>-<first> .. <prefix>-<first + count - 1> in `region`, 25 per call.
void write_items(scenarios::Cluster& cluster, const std::string& region, const std::string& prefix,
                 size_t first, size_t count);
// Same, by `clients` clients at once, each on its own thread and control connection (as
// DynamoDB's own load comes, concurrently); each item is written once, by one of them. Rethrows
// the first client's error after every thread has stopped.
void write_items_concurrently(scenarios::ProcessCluster& cluster, const std::string& region,
                              const std::string& prefix, size_t count, size_t clients);
// Same as write_items, spread over `regions` call by call, round robin.
void write_items_round_robin(scenarios::Cluster& cluster, const std::vector<std::string>& regions,
                             size_t count);

// Polls every region's status until no link has a pending record and, with `equal_digests`,
// every region holds the same table. Returns false at the timeout. Polls are 50 ms apart, and
// ask for digests only with `equal_digests`: each scans its whole table, which would slow the
// regions being measured; times are read from the region files instead (last_applied_true_us).
bool wait_replicated(scenarios::Cluster& cluster, double timeout_s, bool equal_digests = false);

// Host true time (replication::true_now_us, the clock region processes stamp applies with) at
// which `receiver` applied its last change from `origin`, read from its region file's
// applied_log; 0 when none.
int64_t last_applied_true_us(const scenarios::Cluster& cluster, const std::string& receiver,
                             const std::string& origin);

// The highest sequence number of `origin` that `receiver` has applied (its cursor), read from
// its region file like last_applied_true_us: polling it costs the regions nothing, where a
// status makes each of them compute every table's digest.
uint64_t applied_cursor_in_file(const scenarios::Cluster& cluster, const std::string& receiver,
                                const std::string& origin);

// The records `from` still has to ship to `to` (PendingReplicationCount), -1 while `from` is down.
int64_t pending(scenarios::Cluster& cluster, const std::string& from, const std::string& to);

}  // namespace gtsim::bench
