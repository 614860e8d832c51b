// SimCluster membership: a replica added later is backfilled from a snapshot and then follows
// every peer, without losing or re-applying the writes made around the backfill; a removed
// replica stops replicating and loses its tables.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "model/errors.h"
#include "sim/sim_cluster.h"
#include "tests/support/temp_dir.h"

using namespace gtsim;
using namespace gtsim::sim;
using nlohmann::json;

using gtsim::testing::TempDir;

namespace {

// us-east-1 and eu-west-1 hold the table from the start; ap-southeast-2 joins later. Every link
// takes 40 ms, so a write is in flight for that long.
SimClusterOptions late_joiner(const std::string& dir) {
  SimClusterOptions o;
  o.run_dir = dir;
  o.seed = 5;
  for (const char* name : {"us-east-1", "eu-west-1", "ap-southeast-2"})
    o.regions[name] = {};
  o.joining = {"ap-southeast-2"};
  TableSpec users;
  users.name = "users";
  users.key_schema.partition = {"id", AttributeType::kS};
  o.tables.push_back(users);
  o.default_link = replication::constant_link(40'000);
  return o;
}

void put(SimCluster& cluster, const std::string& region, const std::string& id) {
  cluster.call(region, "PutItem",
               {{"TableName", "users"}, {"Item", {{"id", {{"S", id}}}, {"by", {{"S", region}}}}}});
}

bool holds(SimCluster& cluster, const std::string& region, const std::string& id) {
  return cluster.call(region, "GetItem", {{"TableName", "users"}, {"Key", {{"id", {{"S", id}}}}}})
      .contains("Item");
}

// Every member is up with equal digests and nothing pending on any link.
bool converged(SimCluster& cluster) {
  const auto statuses = cluster.status();
  if (statuses.size() != cluster.region_files().size()) return false;
  for (const auto& s : statuses) {
    if (s.digests != statuses.front().digests) return false;
    for (const auto& link : s.links) {
      if (!link.connected || link.pending != 0) return false;
    }
  }
  return true;
}

// Advances 10 ms at a time, at most 30 s of virtual time, until converged.
bool settle(SimCluster& cluster) {
  for (int i = 0; i < 3000 && !converged(cluster); ++i)
    cluster.advance_to(cluster.now_us() + 10'000);
  return converged(cluster);
}

}  // namespace

TEST_CASE("SimCluster add_replica backfills and loses no write made around the snapshot") {
  TempDir dir;
  // (region, origin, seq) -> how many times it was applied there.
  std::map<std::tuple<std::string, std::string, uint64_t>, int> applies;
  SimClusterOptions o = late_joiner(dir.path().string());
  o.on_applied = [&](const std::string& region, int64_t, const ApplyOutcome& outcome) {
    ++applies[{region, outcome.id.origin, outcome.id.seq}];
  };
  SimCluster cluster(std::move(o));
  CHECK(cluster.region("ap-southeast-2") == nullptr);
  CHECK(cluster.status().size() == 2);
  CHECK(cluster.region_files().size() == 2);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "ap-southeast-2.db"));
  CHECK_THROWS_AS(put(cluster, "ap-southeast-2", "no"), DynamoError);

  put(cluster, "us-east-1", "1");
  put(cluster, "eu-west-1", "2");
  REQUIRE(settle(cluster));
  // In flight to the source when the snapshot is taken: the copy lacks it, eu-west-1 ships it.
  put(cluster, "eu-west-1", "in-flight");
  cluster.advance_to(cluster.now_us() + 10'000);
  REQUIRE_FALSE(holds(cluster, "us-east-1", "in-flight"));

  cluster.add_replica("ap-southeast-2", "us-east-1");
  CHECK(holds(cluster, "ap-southeast-2", "1"));  // the backfill, at once
  CHECK(holds(cluster, "ap-southeast-2", "2"));
  CHECK_FALSE(holds(cluster, "ap-southeast-2", "in-flight"));
  // Written at the instant of the join, before any connection to the new replica opened.
  put(cluster, "us-east-1", "after");
  put(cluster, "ap-southeast-2", "from-new");
  REQUIRE(settle(cluster));
  for (const char* region : {"us-east-1", "eu-west-1", "ap-southeast-2"}) {
    INFO(region);
    for (const char* id : {"1", "2", "in-flight", "after", "from-new"})
      CHECK(holds(cluster, region, id));
  }
  for (const auto& [applied, count] : applies) {
    INFO(std::get<0>(applied), " ", std::get<1>(applied), "#", std::get<2>(applied));
    CHECK(count == 1);
  }
  // The snapshot carried 1 and 2, so the new replica applied only what followed it.
  CHECK_FALSE(applies.contains({"ap-southeast-2", "us-east-1", 1}));
  CHECK_FALSE(applies.contains({"ap-southeast-2", "eu-west-1", 1}));
  CHECK(applies.contains({"ap-southeast-2", "eu-west-1", 2}));
  CHECK(applies.contains({"ap-southeast-2", "us-east-1", 2}));
  CHECK(applies.contains({"us-east-1", "ap-southeast-2", 1}));

  CHECK_THROWS_AS(cluster.add_replica("ap-southeast-2", "us-east-1"), DynamoError);
}

TEST_CASE("SimCluster remove_replica stops replication and deletes the region's tables") {
  TempDir dir;
  SimCluster cluster(late_joiner(dir.path().string()));
  CHECK_THROWS_AS(cluster.remove_replica("ap-southeast-2"), DynamoError);  // holds none
  put(cluster, "us-east-1", "1");
  REQUIRE(settle(cluster));

  // Still to ship when the removal starts: it drains to the remaining replica first.
  put(cluster, "eu-west-1", "last-word");
  cluster.remove_replica("eu-west-1");
  CHECK(holds(cluster, "us-east-1", "last-word"));
  CHECK(cluster.region("eu-west-1") == nullptr);
  CHECK(cluster.status().size() == 1);
  CHECK(cluster.region_files().size() == 1);
  CHECK(cluster.status().front().links.empty());
  CHECK_THROWS_AS(put(cluster, "eu-west-1", "2"), DynamoError);
  CHECK_THROWS_AS(cluster.restart("eu-west-1"), DynamoError);
  CHECK_THROWS_AS(cluster.add_replica("eu-west-1", "us-east-1"), DynamoError);  // no rejoin
  CHECK_THROWS_AS(cluster.remove_replica("us-east-1"), DynamoError);            // the last one
  // Link faults on a link to a removed region are kept and harm nothing.
  cluster.set_partitioned("us-east-1", "eu-west-1", true);
  put(cluster, "us-east-1", "2");
  REQUIRE(settle(cluster));
  {
    std::unique_ptr<Region> removed =
        Region::open((dir.path() / "eu-west-1.db").string(), "eu-west-1", {}, cluster.now_us());
    CHECK(removed->tables().empty());
  }

  // A later replica is seeded from the remaining one and follows it.
  cluster.add_replica("ap-southeast-2", "us-east-1");
  put(cluster, "us-east-1", "3");
  REQUIRE(settle(cluster));
  for (const char* id : {"1", "2", "3"})
    CHECK(holds(cluster, "ap-southeast-2", id));
}
