// DynamoDB Streams over a trimmed stream: TRIM_HORIZON starts at the oldest record kept, and a
// position before it answers TrimmedDataAccessException as DynamoDB Streams does.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/dynamodb_service.h"
#include "api/table_catalog.h"
#include "model/errors.h"
#include "tests/regions/test_region.h"

namespace gtsim::api {
namespace {

using gtsim::testing::TempDir;
using nlohmann::json;

constexpr int64_t kEpochUs = 1'700'000'000'000'000;

// One region whose users table keeps stream records for 1 ms, with its DynamoDB endpoint.
struct Fixture {
  TempDir dir;
  std::unique_ptr<Region> region;
  TableCatalog catalog{"", "us-east-1", {}};
  DynamoDbService service;
  int64_t now_us = 0;

  Fixture()
      : region(Region::open(dir.file("us-east-1.db"), "us-east-1", {}, 0)),
        service(*region, catalog, [](const std::string& operation, const json&) -> json {
          FAIL("no item operation expected, got " << operation);
          return {};
        }) {
    TableSpec spec = gtsim::testing::users_table();
    spec.stream_retention_us = 1000;
    region->create_table(spec);
  }

  void put(const std::string& id, int64_t at_us) {
    now_us = at_us;
    region->put({"users", {{"id", AttributeValue(id)}}}, at_us);
  }

  Reply call(const std::string& operation, const json& request) {
    return service.handle("DynamoDBStreams_20120810." + operation, request.dump(), now_us,
                          kEpochUs + now_us);
  }

  json ok(const std::string& operation, const json& request) {
    Reply reply = call(operation, request);
    INFO(operation, " ", request.dump(), " answered ", reply.body);
    REQUIRE(reply.status == 200);
    return json::parse(reply.body);
  }

  std::string arn() {
    return ok("ListStreams", json::object())["Streams"][0]["StreamArn"].get<std::string>();
  }

  json iterator_request(const std::string& type, std::optional<uint64_t> seq = std::nullopt) {
    json request = {{"StreamArn", arn()},
                    {"ShardId", "shardId-00000000000000000001-00000001"},
                    {"ShardIteratorType", type}};
    if (seq) request["SequenceNumber"] = std::to_string(*seq);
    return request;
  }

  std::string iterator(const std::string& type, std::optional<uint64_t> seq = std::nullopt) {
    return ok("GetShardIterator", iterator_request(type, seq))["ShardIterator"];
  }

  // The sequence numbers GetRecords returns from `shard_iterator`.
  std::vector<uint64_t> read(const std::string& shard_iterator) {
    std::vector<uint64_t> seqs;
    const json answer = ok("GetRecords", {{"ShardIterator", shard_iterator}});
    for (const json& record : answer["Records"])
      seqs.push_back(std::stoull(record["dynamodb"]["SequenceNumber"].get<std::string>()));
    return seqs;
  }
};

void check_trimmed(const Reply& reply) {
  INFO(reply.body);
  CHECK(reply.status == 400);
  const json body = json::parse(reply.body);
  CHECK(body["__type"] == "com.amazonaws.dynamodb.v20120810#TrimmedDataAccessException");
  CHECK(body["message"] == "The data you are trying to access has been trimmed.");
}

TEST_CASE("Streams reads before the trim point answer TrimmedDataAccessException") {
  Fixture f;
  f.put("a", 1000);
  f.put("b", 2000);
  const std::string from_start = f.iterator("TRIM_HORIZON");
  f.put("c", 3000);
  f.now_us = 3500;
  REQUIRE(f.region->trim(3500).stream_records_trimmed == 2);  // a and b (seq 1, 2) expired

  CHECK(f.read(f.iterator("TRIM_HORIZON")) == std::vector<uint64_t>{3});
  CHECK(f.ok("DescribeStream",
             {{"StreamArn", f.arn()}})["StreamDescription"]["Shards"][0]["SequenceNumberRange"]
                                      ["StartingSequenceNumber"] == "000000000000000000003");
  check_trimmed(f.call("GetShardIterator", f.iterator_request("AT_SEQUENCE_NUMBER", 2)));
  check_trimmed(f.call("GetShardIterator", f.iterator_request("AFTER_SEQUENCE_NUMBER", 1)));
  CHECK(f.read(f.iterator("AT_SEQUENCE_NUMBER", 3)) == std::vector<uint64_t>{3});
  CHECK(f.read(f.iterator("AFTER_SEQUENCE_NUMBER", 2)) == std::vector<uint64_t>{3});
  // Taken before the trim, the iterator now points at records that are gone.
  check_trimmed(f.call("GetRecords", {{"ShardIterator", from_start}}));
}

TEST_CASE("Streams sequence numbers go on after a trim that emptied the stream") {
  Fixture f;
  f.put("a", 1000);
  f.put("b", 2000);
  f.now_us = 10'000;
  REQUIRE(f.region->trim(10'000).stream_records_trimmed == 2);
  CHECK(f.read(f.iterator("TRIM_HORIZON")).empty());
  f.put("c", 11'000);
  // c is 3, not a reused 1: an old sequence number must not name a new record.
  CHECK(f.read(f.iterator("TRIM_HORIZON")) == std::vector<uint64_t>{3});
  check_trimmed(f.call("GetShardIterator", f.iterator_request("AT_SEQUENCE_NUMBER", 1)));
  CHECK(f.read(f.iterator("LATEST")).empty());
}

}  // namespace
}  // namespace gtsim::api
