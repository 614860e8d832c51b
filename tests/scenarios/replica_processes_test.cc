// ProcessCluster membership on real region processes: a replica added later is backfilled from a
// snapshot over the control channels and then follows every peer, writes made while it joins
// included; a removed replica's process stops and its tables are gone. Every wait is bounded.
#include <doctest/doctest.h>

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "model/errors.h"
#include "regions/region.h"
#include "scenarios/process_cluster.h"
#include "tests/support/temp_dir.h"

using namespace gtsim;
using namespace gtsim::scenarios;
using nlohmann::json;
namespace fs = std::filesystem;

using gtsim::testing::TempDir;

namespace {

// us-east-1 and eu-west-1 hold the table from the start; ap-southeast-2 joins later. Links take
// 30 ms, so a write is in flight that long.
ProcessClusterOptions late_joiner(const fs::path& dir) {
  ProcessClusterOptions o;
  o.binary = GTSIM_BINARY;
  o.run_dir = dir.string();
  o.regions = {{"us-east-1", {}}, {"eu-west-1", {}}, {"ap-southeast-2", {}}};
  o.joining = {"ap-southeast-2"};
  TableSpec users;
  users.name = "users";
  users.key_schema.partition = {"id", AttributeType::kS};
  o.tables = {users};
  o.default_link = replication::constant_link(30'000);
  return o;
}

void put(ProcessCluster& cluster, const std::string& region, const std::string& id) {
  cluster.call(region, "PutItem",
               {{"TableName", "users"}, {"Item", {{"id", {{"S", id}}}, {"by", {{"S", region}}}}}});
}

bool holds(ProcessCluster& cluster, const std::string& region, const std::string& id) {
  return cluster.call(region, "GetItem", {{"TableName", "users"}, {"Key", {{"id", {{"S", id}}}}}})
      .contains("Item");
}

// Every member up with equal digests and nothing pending on a connected link: polled every 20 ms,
// at most 10 s.
bool settle(ProcessCluster& cluster) {
  for (int i = 0; i < 500; ++i) {
    const auto statuses = cluster.status();
    bool done = statuses.size() == cluster.region_files().size();
    for (const auto& s : statuses) {
      done = done && s.digests == statuses.front().digests;
      for (const auto& link : s.links)
        done = done && link.connected && link.pending == 0;
    }
    if (done) return true;
    cluster.advance_to(cluster.now_us() + 20'000);
  }
  return false;
}

}  // namespace

TEST_CASE("ProcessCluster add_replica backfills a new region process and loses no write") {
  TempDir dir;
  ProcessCluster cluster(late_joiner(dir.path()));
  CHECK(cluster.pid("ap-southeast-2") == -1);
  CHECK(cluster.status().size() == 2);
  CHECK_THROWS_AS(put(cluster, "ap-southeast-2", "no"), DynamoError);
  put(cluster, "us-east-1", "1");
  put(cluster, "eu-west-1", "2");
  REQUIRE(settle(cluster));

  // Possibly still in flight to the source when the snapshot is taken (links take 30 ms, starting
  // the new process about as long): in the copy or shipped after it, it must arrive.
  put(cluster, "eu-west-1", "during");
  cluster.add_replica("ap-southeast-2", "us-east-1");
  CHECK(cluster.pid("ap-southeast-2") > 0);
  CHECK(holds(cluster, "ap-southeast-2", "1"));  // the backfill is there once add_replica returns
  put(cluster, "us-east-1", "after");
  put(cluster, "ap-southeast-2", "from-new");
  REQUIRE(settle(cluster));
  for (const char* region : {"us-east-1", "eu-west-1", "ap-southeast-2"}) {
    INFO(region);
    for (const char* id : {"1", "2", "during", "after", "from-new"})
      CHECK(holds(cluster, region, id));
  }
  // Every origin's cursor in the new region is that origin's last write: nothing skipped.
  for (const auto& s : cluster.status()) {
    if (s.region == "ap-southeast-2") {
      CHECK(s.cursors.at("us-east-1") == 2);
      CHECK(s.cursors.at("eu-west-1") == 2);
    }
  }
  CHECK_THROWS_AS(cluster.add_replica("ap-southeast-2", "us-east-1"), DynamoError);
}

TEST_CASE("ProcessCluster remove_replica stops the region's process and deletes its tables") {
  TempDir dir;
  {
    ProcessCluster cluster(late_joiner(dir.path()));
    put(cluster, "us-east-1", "1");
    REQUIRE(settle(cluster));
    const int pid = cluster.pid("eu-west-1");
    // Still to ship when the removal starts: it drains to the remaining replica first.
    put(cluster, "eu-west-1", "last-word");
    cluster.remove_replica("eu-west-1");
    CHECK(holds(cluster, "us-east-1", "last-word"));
    CHECK(cluster.pid("eu-west-1") == -1);
    CHECK((::kill(pid, 0) != 0 && errno == ESRCH));
    CHECK(cluster.status().size() == 1);
    CHECK(cluster.status().front().links.empty());
    CHECK(cluster.region_files().size() == 1);
    CHECK_THROWS_AS(put(cluster, "eu-west-1", "2"), DynamoError);
    CHECK_THROWS_AS(cluster.add_replica("eu-west-1", "us-east-1"), DynamoError);
    CHECK_THROWS_AS(cluster.remove_replica("us-east-1"), DynamoError);
    put(cluster, "us-east-1", "2");
    cluster.add_replica("ap-southeast-2", "us-east-1");
    REQUIRE(settle(cluster));
    CHECK(holds(cluster, "ap-southeast-2", "2"));
  }
  std::unique_ptr<gtsim::Region> removed =
      gtsim::Region::open((dir.path() / "eu-west-1.db").string(), "eu-west-1", {}, 0);
  CHECK(removed->tables().empty());
}

TEST_CASE("ProcessCluster connect opens a client of a member region's own") {
  TempDir dir;
  ProcessCluster cluster(late_joiner(dir.path()));
  auto client = cluster.connect("us-east-1");
  client->call("PutItem", {{"TableName", "users"}, {"Item", {{"id", {{"S", "own"}}}}}});
  CHECK(holds(cluster, "us-east-1", "own"));
  CHECK_THROWS_AS(cluster.connect("ap-southeast-2"), DynamoError);  // holds no replica yet
  CHECK_THROWS_AS(cluster.connect("mars-1"), DynamoError);
}
