// SimCluster: regions in one process under virtual time converge through crashes and partitions,
// and one seed replays exactly.
#include "sim/sim_cluster.h"

#include <doctest/doctest.h>

#include <filesystem>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "model/errors.h"
#include "regions/sqlite.h"
#include "replicator/retention.h"
#include "sim/invariants.h"
#include "tests/support/temp_dir.h"

using namespace gtsim;
using namespace gtsim::sim;
using nlohmann::json;

using gtsim::testing::TempDir;

namespace {

const std::vector<std::string> kRegions = {"eu-west-1", "us-east-1", "us-west-2"};

SimClusterOptions options(const std::string& dir, uint64_t seed,
                          const replication::LinkParams& link) {
  SimClusterOptions o;
  o.run_dir = dir;
  o.seed = seed;
  for (const std::string& name : kRegions)
    o.regions[name] = {};
  TableSpec users;
  users.name = "users";
  users.key_schema.partition = {"id", AttributeType::kS};
  o.tables.push_back(users);
  o.default_link = link;
  return o;
}

replication::LinkParams jittery_link() {
  replication::LinkParams link = replication::constant_link(40'000);
  link.kind = replication::LatencyKind::kUniform;
  link.min_us = 20'000;
  link.max_us = 60'000;
  return link;
}

json put(SimCluster& cluster, const std::string& region, const std::string& id,
         const std::string& value) {
  return cluster.call(
      region, "PutItem",
      {{"TableName", "users"}, {"Item", {{"id", {{"S", id}}}, {"v", {{"S", value}}}}}});
}

json get(SimCluster& cluster, const std::string& region, const std::string& id) {
  return cluster.call(
      region, "GetItem",
      {{"TableName", "users"}, {"Key", {{"id", {{"S", id}}}}}, {"ConsistentRead", true}});
}

// Every live region holds the same table and has applied every other's writes.
bool converged(SimCluster& cluster) {
  std::vector<replication::RegionStatus> statuses = cluster.status();
  std::map<std::string, uint64_t> last;
  for (const auto& s : statuses)
    last[s.region] = s.last_local_seq;
  for (const auto& s : statuses) {
    if (s.digests != statuses.front().digests) return false;
    for (const auto& [origin, seq] : last) {
      if (origin == s.region) continue;
      auto it = s.cursors.find(origin);
      if (seq > 0 && (it == s.cursors.end() || it->second != seq)) return false;
    }
  }
  return true;
}

// Advances in steps of 10 ms until converged; returns whether it did within `limit_us`.
bool settle(SimCluster& cluster, int64_t limit_us = 60'000'000) {
  int64_t end = cluster.now_us() + limit_us;
  while (cluster.now_us() < end) {
    if (converged(cluster)) return true;
    cluster.advance_to(cluster.now_us() + 10'000);
  }
  return converged(cluster);
}

std::string value_in(SimCluster& cluster, const std::string& region, const std::string& id) {
  json response = get(cluster, region, id);
  return response.contains("Item") ? response["Item"]["v"]["S"].get<std::string>() : "";
}

// A run with concurrent writes, a partition and a crash; returns what an observer can see of it.
std::string scripted_run(uint64_t seed) {
  TempDir dir;
  std::string trace;
  SimClusterOptions o = options(dir.path().string(), seed, jittery_link());
  o.on_applied = [&](const std::string& region, int64_t now, const ApplyOutcome& outcome) {
    trace += fmt::format("{} {} {}#{} {}\n", region, now, outcome.id.origin, outcome.id.seq,
                         classification_name(outcome.classification));
  };
  SimCluster cluster(std::move(o));
  for (int i = 0; i < 20; ++i) {
    cluster.advance_to(i * 7'000);
    put(cluster, kRegions[i % 3], fmt::format("k{}", i % 4), fmt::format("v{}", i));
  }
  cluster.set_partitioned("eu-west-1", "us-east-1", true);
  put(cluster, "eu-west-1", "k0", "cut");
  cluster.advance_to(cluster.now_us() + 300'000);
  cluster.crash("us-west-2");
  put(cluster, "us-east-1", "k1", "while-down");
  cluster.advance_to(cluster.now_us() + 200'000);
  cluster.restart("us-west-2");
  cluster.set_partitioned("eu-west-1", "us-east-1", false);
  REQUIRE(settle(cluster));
  for (const auto& s : cluster.status()) {
    trace += fmt::format("{} {}\n", s.region, s.digests.at("users"));
  }
  return trace;
}

}  // namespace

TEST_CASE("SimCluster concurrent writes converge to the LWW winner everywhere") {
  TempDir dir;
  SimCluster cluster(options(dir.path().string(), 1, replication::constant_link(35'000)));
  put(cluster, "us-east-1", "42", "alice");
  cluster.advance_to(5'000);
  put(cluster, "eu-west-1", "42", "bob");
  CHECK(value_in(cluster, "us-west-2", "42") == "");  // nothing has arrived yet
  REQUIRE(settle(cluster));
  for (const std::string& region : kRegions)
    CHECK(value_in(cluster, region, "42") == "bob");
}

TEST_CASE("SimCluster partition holds writes back until the heal") {
  TempDir dir;
  SimCluster cluster(options(dir.path().string(), 2, replication::constant_link(10'000)));
  for (std::string other : {"us-east-1", "us-west-2"}) {
    cluster.set_partitioned("eu-west-1", other, true);
    cluster.set_partitioned(other, "eu-west-1", true);
  }
  put(cluster, "eu-west-1", "a", "from-eu");
  put(cluster, "us-east-1", "b", "from-us");
  cluster.advance_to(5'000'000);
  CHECK(value_in(cluster, "us-east-1", "a") == "");
  CHECK(value_in(cluster, "us-west-2", "b") == "from-us");
  CHECK(value_in(cluster, "eu-west-1", "b") == "");
  for (std::string other : {"us-east-1", "us-west-2"}) {
    cluster.set_partitioned("eu-west-1", other, false);
    cluster.set_partitioned(other, "eu-west-1", false);
  }
  REQUIRE(settle(cluster));
  CHECK(value_in(cluster, "us-east-1", "a") == "from-eu");
  CHECK(value_in(cluster, "eu-west-1", "b") == "from-us");
}

TEST_CASE("SimCluster crash keeps the file and restart catches up both ways") {
  TempDir dir;
  SimCluster cluster(options(dir.path().string(), 3, replication::constant_link(20'000)));
  cluster.set_paused("us-west-2", "eu-west-1", true);
  put(cluster, "us-west-2", "w", "written-before-crash");
  cluster.advance_to(100'000);
  cluster.crash("us-west-2");
  CHECK(cluster.region("us-west-2") == nullptr);
  CHECK(cluster.status().size() == 2);
  CHECK_THROWS_AS(put(cluster, "us-west-2", "x", "y"), DynamoError);
  CHECK_THROWS_AS(cluster.crash("us-west-2"), DynamoError);
  put(cluster, "eu-west-1", "e", "written-while-down");
  cluster.jump_clock("us-west-2", 1'000'000);  // the host's clock moves on while it is down
  cluster.advance_to(3'000'000);
  cluster.restart("us-west-2");
  CHECK_THROWS_AS(cluster.restart("us-west-2"), DynamoError);
  CHECK(value_in(cluster, "us-west-2", "w") == "written-before-crash");
  cluster.set_paused("us-west-2", "eu-west-1", false);  // the pause outlived the crash
  REQUIRE(settle(cluster));
  CHECK(value_in(cluster, "eu-west-1", "w") == "written-before-crash");
  CHECK(value_in(cluster, "us-west-2", "e") == "written-while-down");
  CHECK(cluster.region_files().size() == 3);
}

TEST_CASE("SimCluster holds a region's file alone while the region is up") {
  TempDir dir;
  SimCluster cluster(options(dir.path().string(), 4, replication::constant_link(20'000)));
  put(cluster, "us-west-2", "w", "committed");
  const std::string file = cluster.region_files().at("us-west-2");
  // Reads the file as another process would, without waiting for a lock.
  auto items_in_file = [&] {
    sql::Database reader(file);
    reader.exec("PRAGMA busy_timeout = 0");
    return reader.query_int("SELECT COUNT(*) FROM items");
  };
  CHECK_THROWS_AS(items_in_file(), DynamoError);  // exclusive locking
  cluster.crash("us-west-2");
  CHECK(items_in_file() == 1);  // the commit reached the file without a sync
  cluster.restart("us-west-2");
  CHECK_THROWS_AS(items_in_file(), DynamoError);
  CHECK(value_in(cluster, "us-west-2", "w") == "committed");
  cluster.shutdown();
  CHECK(items_in_file() == 1);
}

TEST_CASE("SimCluster one seed replays exactly and two seeds differ") {
  std::string first = scripted_run(7);
  CHECK(first == scripted_run(7));
  CHECK(first != scripted_run(8));
}

TEST_CASE("SimCluster refuses unknown regions and links to itself") {
  TempDir dir;
  SimCluster cluster(options(dir.path().string(), 4, replication::constant_link(1'000)));
  CHECK_THROWS_AS(cluster.crash("mars-1"), DynamoError);
  CHECK_THROWS_AS(cluster.set_partitioned("eu-west-1", "eu-west-1", true), DynamoError);
  CHECK_THROWS_AS(cluster.call("mars-1", "GetItem", json::object()), DynamoError);
}

TEST_CASE("SimCluster trims the stream and purges tombstones in a long run, keeping invariants") {
  constexpr int64_t kTombstoneUs = 2'000'000, kStreamUs = 5'000'000, kWriteEveryUs = 100'000;
  constexpr int kWrites = 600;  // a minute of virtual time
  TempDir dir;
  SimClusterOptions o = options(dir.path().string(), 5, replication::constant_link(10'000));
  o.tables[0].tombstone_retention_us = kTombstoneUs;
  o.tables[0].stream_retention_us = kStreamUs;
  InvariantChecker checker(o.tables[0]);
  o.on_applied = [&](const std::string& region, int64_t, const ApplyOutcome& outcome) {
    checker.applied(region, outcome);
  };
  SimCluster cluster(std::move(o));
  // The most a stream can hold: one record per write of the last retention and trim interval,
  // and a few in flight.
  const size_t bound =
      size_t((kStreamUs + replication::retention_interval_us(kTombstoneUs)) / kWriteEveryUs) + 5;
  size_t largest_stream = 0;
  for (int i = 0; i < kWrites; ++i) {
    cluster.advance_to(i * kWriteEveryUs);
    const std::string& region = kRegions[i % 3];
    const std::string key = "k" + std::to_string(i % 7);
    if (i % 10 == 3) {
      json response = cluster.call(region, "DeleteItem",
                                   {{"TableName", "users"}, {"Key", {{"id", {{"S", key}}}}}});
      checker.acknowledged(key, version_from_json(response.at("Version")), std::nullopt);
    } else {
      const std::string value = "v" + std::to_string(i);
      json response = put(cluster, region, key, value);
      checker.acknowledged(key, version_from_json(response.at("Version")),
                           item_from_json({{"id", {{"S", key}}}, {"v", {{"S", value}}}}));
    }
    for (const std::string& name : kRegions) {
      largest_stream =
          std::max(largest_stream, cluster.region(name)->stream_after(0, kWrites * 2).size());
    }
  }
  CHECK(largest_stream > bound / 2);  // records were kept for their retention...
  CHECK(largest_stream <= bound);     // ...and no longer
  // Quiet for longer than both retentions: every stream record and tombstone is gone.
  cluster.advance_to(cluster.now_us() + kStreamUs + 1'000'000);
  for (const std::string& name : kRegions) {
    INFO(name);
    Region& region = *cluster.region(name);
    CHECK(region.stream_after(0, kWrites * 2).empty());
    CHECK(region.first_retained_local_seq() == region.last_local_seq() + 1);
    for (int k = 0; k < 7; ++k) {
      std::optional<ItemState> state =
          region.item_state("users", {{"id", AttributeValue("k" + std::to_string(k))}});
      CHECK((!state || !state->is_tombstone()));
    }
  }
  REQUIRE(settle(cluster));
  for (const replication::RegionStatus& status : cluster.status()) {
    for (const replication::LinkStatus& link : status.links)
      CHECK_FALSE(link.out_of_sync);
  }
  checker.check_final(cluster);
  INFO((checker.violation() ? checker.violation()->detail : ""));
  CHECK_FALSE(checker.violation());
}
