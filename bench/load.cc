#include "bench/load.h"

#include <chrono>
#include <exception>
#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench/resources.h"
#include "model/errors.h"
#include "regions/sqlite.h"
#include "replicator/control_client.h"
#include "scenarios/parser.h"

namespace gtsim::bench {
namespace {

using nlohmann::json;

constexpr size_t kBatchWriteItems = 25;
constexpr auto kPollInterval = std::chrono::milliseconds(50);
// About 100 bytes of item, as DynamoDB counts it, with the key and a counter.
const std::string kPayload(80, 'x');

json put_request(const std::string& id, size_t n) {
  return {{"PutRequest",
           {{"Item",
             {{"id", {{"S", id}}},
              {"n", {{"N", std::to_string(n)}}},
              {"payload", {{"S", kPayload}}}}}}}};
}

// BatchWriteItem of items <prefix>-<first> .. <prefix>-<first + count - 1>.
json batch_write(const std::string& prefix, size_t first, size_t count) {
  json puts = json::array();
  for (size_t j = first; j < first + count; ++j)
    puts.push_back(put_request(fmt::format("{}-{}", prefix, j), j));
  return {{"RequestItems", {{kTable, std::move(puts)}}}};
}

}  // namespace

std::vector<std::string> region_names(size_t count) {
  static const std::vector<std::string> kNames = {
      "us-east-1",  "eu-west-1", "ap-southeast-2", "us-west-2",      "eu-central-1",
      "ap-south-1", "us-east-2", "eu-west-2",      "ap-northeast-1", "sa-east-1"};
  GTSIM_CHECK(count <= kNames.size(), "at most ten benchmark regions");
  return {kNames.begin(), kNames.begin() + static_cast<ptrdiff_t>(count)};
}

scenarios::Scenario bench_scenario(const std::string& name, const std::vector<std::string>& regions,
                                   const std::string& network_default,
                                   const std::vector<std::string>& steps) {
  std::string yaml = fmt::format(
      "name: {}\nseed: 1\nregions: [{}]\nnetwork: {{default: {}}}\n"
      "tables: [{{name: {}, partition_key: id}}]\nsteps:{}\n",
      name, fmt::join(regions, ", "), network_default, kTable, steps.empty() ? " []" : "");
  for (const std::string& step : steps)
    yaml += "  - " + step + "\n";
  try {
    return scenarios::parse_scenario(yaml, name);
  } catch (const scenarios::ScenarioError& e) {
    GTSIM_CHECK(false, e.diagnostics().front().to_string());
  }
  return {};
}

std::unique_ptr<scenarios::ProcessCluster> start_processes(const BenchContext& context,
                                                           const scenarios::Scenario& scenario,
                                                           const std::string& dir_name) {
  const std::filesystem::path dir = std::filesystem::path(context.work_dir) / dir_name;
  std::filesystem::create_directories(dir);
  return std::make_unique<scenarios::ProcessCluster>(
      scenarios::process_cluster_options(scenario, context.binary, dir.string()));
}

void write_items(scenarios::Cluster& cluster, const std::string& region, const std::string& prefix,
                 size_t first, size_t count) {
  for (size_t i = 0; i < count; i += kBatchWriteItems) {
    cluster.call(region, "BatchWriteItem",
                 batch_write(prefix, first + i, std::min(kBatchWriteItems, count - i)));
  }
}

void write_items_concurrently(scenarios::ProcessCluster& cluster, const std::string& region,
                              const std::string& prefix, size_t count, size_t clients) {
  std::vector<std::unique_ptr<replication::ControlClient>> connections;
  for (size_t c = 0; c < clients; ++c)
    connections.push_back(cluster.connect(region));
  std::vector<std::exception_ptr> errors(clients);
  std::vector<std::thread> threads;
  for (size_t c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      try {
        // Client c makes calls c, c + clients, ...: the items are written once, by one client.
        for (size_t i = c * kBatchWriteItems; i < count; i += clients * kBatchWriteItems) {
          connections[c]->call("BatchWriteItem",
                               batch_write(prefix, i, std::min(kBatchWriteItems, count - i)));
        }
      } catch (...) {
        errors[c] = std::current_exception();
      }
    });
  }
  for (std::thread& t : threads)
    t.join();
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

void write_items_round_robin(scenarios::Cluster& cluster, const std::vector<std::string>& regions,
                             size_t count) {
  for (size_t i = 0, call = 0; i < count; i += kBatchWriteItems, ++call) {
    write_items(cluster, regions[call % regions.size()], "item", i,
                std::min(kBatchWriteItems, count - i));
  }
}

bool wait_replicated(scenarios::Cluster& cluster, double timeout_s, bool equal_digests) {
  Stopwatch clock;
  while (clock.seconds() < timeout_s) {
    const std::vector<replication::RegionStatus> statuses =
        equal_digests ? cluster.status() : cluster.status_without_digests();
    if (replication::replication_at_rest(statuses, equal_digests)) return true;
    std::this_thread::sleep_for(kPollInterval);
  }
  return false;
}

int64_t last_applied_true_us(const scenarios::Cluster& cluster, const std::string& receiver,
                             const std::string& origin) {
  sql::Database db(cluster.region_files().at(receiver));
  sql::Statement last(
      db, "SELECT COALESCE(MAX(applied_true_us), 0) FROM applied_log WHERE origin = ?1");
  last.bind(1, origin);
  return last.step() ? last.column_int(0) : 0;
}

uint64_t applied_cursor_in_file(const scenarios::Cluster& cluster, const std::string& receiver,
                                const std::string& origin) {
  sql::Database db(cluster.region_files().at(receiver));
  sql::Statement cursor(db, "SELECT applied_seq FROM cursors WHERE origin = ?1");
  cursor.bind(1, origin);
  return cursor.step() ? static_cast<uint64_t>(cursor.column_int(0)) : 0;
}

int64_t pending(scenarios::Cluster& cluster, const std::string& from, const std::string& to) {
  for (const replication::RegionStatus& status : cluster.status()) {
    if (status.region != from) continue;
    for (const replication::LinkStatus& link : status.links) {
      if (link.peer == to) return static_cast<int64_t>(link.pending);
    }
  }
  return -1;
}

}  // namespace gtsim::bench
