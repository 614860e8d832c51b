#include <doctest/doctest.h>

#include "model/errors.h"
#include "regions/sqlite.h"
#include "test_region.h"

using namespace gtsim;
using namespace gtsim::testing;

namespace {

Item user(const std::string& id, const std::string& name) {
  return {{"id", id}, {"name", name}};
}
Key key(const std::string& id) {
  return {{"id", id}};
}

}  // namespace

TEST_CASE("put get update delete at one region") {
  TempDir dir;
  auto r = open_region(dir, "us-east-1");
  WriteResult w = r->put({"users", user("1", "alice")}, 1000);
  CHECK(w.version.id == VersionId{"us-east-1", 1});
  CHECK(r->get({"users", key("1")}).item == user("1", "alice"));

  WriteResult u = r->update({"users",
                             key("1"),
                             set_attribute("visits", Decimal::from_int(1)),
                             {},
                             ReturnValues::kUpdatedNew},
                            2000);
  CHECK(u.attributes == Item{{"visits", Decimal::from_int(1)}});
  CHECK(r->get({"users", key("1")}).item->at("visits") == AttributeValue(Decimal::from_int(1)));

  // An update of a missing item creates it with its key.
  r->update({"users", key("2"), set_attribute("name", "bob")}, 3000);
  CHECK(r->get({"users", key("2")}).item == user("2", "bob"));

  WriteResult d = r->delete_item({"users", key("1"), {}, ReturnValues::kAllOld}, 4000);
  CHECK(d.attributes->at("name") == AttributeValue("alice"));
  CHECK_FALSE(r->get({"users", key("1")}).item);
  CHECK(r->item_state("users", key("1"))->is_tombstone());
  CHECK(r->last_local_seq() == 4);
}

TEST_CASE("conditions see the local copy and failures change nothing") {
  TempDir dir;
  auto r = open_region(dir, "us-east-1");
  ItemPredicate not_exists = [](const Item* item) { return item == nullptr; };
  r->put({"users", user("1", "alice"), not_exists}, 10);
  CHECK_THROWS_WITH_AS(r->put({"users", user("1", "eve"), not_exists}, 20),
                       "The conditional request failed", DynamoError);
  CHECK(r->get({"users", key("1")}).item == user("1", "alice"));
  CHECK(r->last_local_seq() == 1);
  CHECK(r->local_changes_after(0, 10).size() == 1);
}

TEST_CASE("region operations refuse what DynamoDB refuses") {
  TempDir dir;
  auto r = open_region(dir, "us-east-1");
  CHECK_THROWS_WITH(r->put({"nope", user("1", "a")}, 1),
                    "Requested resource not found: Table: nope not found");
  CHECK_THROWS_WITH(r->put({"users", Item{{"name", "a"}}}, 1),
                    doctest::Contains("Missing the key id"));
  CHECK_THROWS_WITH(r->update({"users", key("1"), set_attribute("id", "2")}, 1),
                    doctest::Contains("Cannot update attribute id"));
  Item big = user("1", std::string(kMaxItemSizeBytes, 'x'));
  CHECK_THROWS_WITH(r->put({"users", big}, 1), "Item size has exceeded the maximum allowed size");
  // 32 levels of M and L are DynamoDB's limit; such an item is stored and read back.
  AttributeValue nested = "leaf";
  for (size_t level = 0; level < kMaxNestingLevels; ++level)
    nested = level % 2 == 0 ? AttributeValue(AttributeValue::List{nested})
                            : AttributeValue(AttributeValue::Map{{"m", nested}});
  Item deep = user("2", "deep");
  deep["nested"] = nested;
  CHECK(item_nesting_levels(deep) == kMaxNestingLevels);
  r->put({"users", deep}, 1);
  CHECK(r->get({"users", key("2")}).item == deep);
  deep["nested"] = AttributeValue::List{nested};
  CHECK_THROWS_WITH(r->put({"users", deep}, 1), "Nesting Levels have exceeded supported limits");
  TableSpec other = users_table();
  other.conflict_policy = "lww-attribute";
  CHECK_THROWS_AS(r->create_table(other), DynamoError);
  CHECK_NOTHROW(r->create_table(users_table()));
}

TEST_CASE("timestamps are monotonic per item unless the table uses wallclock") {
  TempDir dir;
  auto r = Region::open(dir.file("r.db"), "eu-west-1", {}, 0);
  TableSpec mono = users_table();
  TableSpec wall = users_table();
  wall.name = "wall";
  wall.timestamp_policy = TimestampPolicy::kWallclock;
  r->create_table(mono);
  r->create_table(wall);
  r->put({"users", user("1", "a")}, 1'000'000);
  r->put({"wall", user("1", "a")}, 1'000'000);
  r->clock().jump(1'000'000, -500'000);  // the clock steps back half a second
  WriteResult m = r->put({"users", user("1", "b")}, 1'000'010);
  CHECK(m.version.timestamp_us == 1'000'001);
  CHECK(r->get({"users", key("1")}).item == user("1", "b"));
  // Under wallclock the later write carries the earlier timestamp and loses at once.
  WriteResult w = r->put({"wall", user("1", "b")}, 1'000'010);
  CHECK(w.version.timestamp_us == 500'010);
  CHECK(r->get({"wall", key("1")}).item == user("1", "a"));
  // It still ships as itself, in sequence, and a peer applies it without a gap.
  auto changes = r->local_changes_after(0, 10);
  REQUIRE(changes.size() == 4);
  CHECK(changes[3].version == w.version);
  CHECK(changes[3].state.version.id == VersionId{"eu-west-1", 2});
  auto peer = Region::open(dir.file("peer.db"), "us-east-1", {}, 0);
  peer->create_table(mono);
  peer->create_table(wall);
  CHECK(peer->apply_remote_batch("eu-west-1", changes, 2'000'000).size() == 4);
  CHECK(peer->get({"wall", key("1")}).item == user("1", "a"));
  CHECK(peer->table_digest("wall") == r->table_digest("wall"));
}

TEST_CASE("transactions are all or nothing with cancellation reasons") {
  TempDir dir;
  auto r = open_region(dir, "us-east-1");
  r->put({"users", user("1", "alice")}, 1);
  ItemPredicate absent = [](const Item* item) { return item == nullptr; };
  std::vector<TransactItem> txn = {
      {TransactItem::Kind::kPut, "users", user("2", "bob"), {}, {}, absent},
      {TransactItem::Kind::kPut, "users", user("1", "eve"), {}, {}, absent},
  };
  try {
    r->transact_write(txn, 2);
    FAIL("expected cancellation");
  } catch (const DynamoError& e) {
    CHECK(e.type() == ErrorType::kTransactionCanceled);
    CHECK(e.cancellation_reasons == std::vector<std::string>{"None", "ConditionalCheckFailed"});
  }
  CHECK_FALSE(r->get({"users", key("2")}).item);
  txn[1] = {TransactItem::Kind::kUpdate, "users", {}, key("1"), set_attribute("name", "carol"), {}};
  auto results = r->transact_write(txn, 3);
  CHECK(results.size() == 2);
  CHECK(r->get({"users", key("1")}).item == user("1", "carol"));
  CHECK(r->get({"users", key("2")}).item == user("2", "bob"));
  txn[1] = {TransactItem::Kind::kDelete, "users", {}, key("2"), {}, {}};
  CHECK_THROWS_WITH(r->transact_write(txn, 4),
                    doctest::Contains("multiple operations on one item"));
}

TEST_CASE("a batch write commits its writes together, each as its own write") {
  TempDir dir;
  auto r = open_region(dir, "us-east-1");
  r->put({"users", user("1", "alice")}, 1);
  std::vector<WriteResult> results =
      r->write_batch({PutRequest{"users", user("2", "bob")}, DeleteRequest{"users", key("1")},
                      PutRequest{"users", user("3", "carol")}},
                     2);
  REQUIRE(results.size() == 3);
  CHECK(results[0].version.id == VersionId{"us-east-1", 2});
  CHECK(results[1].version.id == VersionId{"us-east-1", 3});
  CHECK(results[2].version.id == VersionId{"us-east-1", 4});
  CHECK(r->last_local_seq() == 4);
  CHECK_FALSE(r->get({"users", key("1")}).item);
  CHECK(r->get({"users", key("3")}).item == user("3", "carol"));
  // One stream record per write, in order, as separate writes would leave.
  std::vector<StreamRecord> stream = r->stream_after(0, 10);
  REQUIRE(stream.size() == 4);
  CHECK(stream[2].event == StreamEvent::kRemove);
  CHECK(stream[2].version.id == VersionId{"us-east-1", 3});
  std::vector<ChangeRecord> changes = r->local_changes_after(1, 10);
  REQUIRE(changes.size() == 3);
  CHECK(changes[0].id().seq == 2);
  CHECK(changes[2].id().seq == 4);
  // Later writes in a batch see the earlier ones.
  ItemPredicate exists = [](const Item* item) { return item != nullptr; };
  r->write_batch(
      {PutRequest{"users", user("4", "dan")}, PutRequest{"users", user("4", "eve"), exists}}, 3);
  CHECK(r->get({"users", key("4")}).item == user("4", "eve"));
}

TEST_CASE("a failing write in a batch leaves nothing and its sequence numbers are reused") {
  TempDir dir;
  auto r = open_region(dir, "us-east-1");
  r->put({"users", user("1", "alice")}, 1);
  ItemPredicate absent = [](const Item* item) { return item == nullptr; };
  CHECK_THROWS_WITH_AS(r->write_batch({PutRequest{"users", user("2", "bob")},
                                       PutRequest{"users", user("1", "eve"), absent},
                                       PutRequest{"users", user("3", "carol")}},
                                      2),
                       "The conditional request failed", DynamoError);
  CHECK_THROWS_WITH(
      r->write_batch({DeleteRequest{"users", key("1")}, PutRequest{"nope", user("2", "bob")}}, 3),
      doctest::Contains("Table: nope not found"));
  CHECK(r->get({"users", key("1")}).item == user("1", "alice"));
  CHECK_FALSE(r->get({"users", key("2")}).item);
  CHECK_FALSE(r->item_state("users", key("2")));
  CHECK(r->last_local_seq() == 1);
  CHECK(r->stream_after(0, 10).size() == 1);
  CHECK(r->local_changes_after(0, 10).size() == 1);
  // The next write takes the sequence numbers the failed batch had used, so a peer sees no gap
  // (and neither does a stream reader).
  CHECK(r->put({"users", user("2", "bob")}, 4).version.id == VersionId{"us-east-1", 2});
  CHECK(r->stream_after(1, 10).at(0).stream_seq == 2);
  auto peer = open_region(dir, "eu-west-1");
  CHECK(peer->apply_remote_batch("us-east-1", r->local_changes_after(0, 10), 5).size() == 2);
  // The counter survives a reopen at the right value too.
  r.reset();
  r = Region::open(dir.file("us-east-1.db"), "us-east-1", {}, 6);
  CHECK(r->last_local_seq() == 2);
}

TEST_CASE("query orders by sort key value and pages with limit") {
  TempDir dir;
  auto r = Region::open(dir.file("r.db"), "us-east-1", {}, 0);
  TableSpec spec;
  spec.name = "events";
  spec.key_schema.partition = {"user", AttributeType::kS};
  spec.key_schema.sort = KeyAttribute{"n", AttributeType::kN};
  r->create_table(spec);
  for (int n : {10, 9, 100, 2, 55}) {
    r->put({"events", {{"user", "u"}, {"n", Decimal::from_int(n)}}}, n);
  }
  r->put({"events", {{"user", "other"}, {"n", Decimal::from_int(1)}}}, 200);
  QueryRequest q{"events", {AttributeValue("u"), [](const AttributeValue& v) {
                              return v.as_number() >= Decimal::from_int(9);
                            }}};
  Page all = r->query(q);
  std::vector<std::string> order;
  for (const auto& item : all.items)
    order.push_back(item.at("n").as_number().to_string());
  CHECK(order == std::vector<std::string>{"9", "10", "55", "100"});
  q.limit = 2;
  q.scan_index_forward = false;
  Page first = r->query(q);
  CHECK(first.items.size() == 2);
  CHECK(first.items[0].at("n").as_number() == Decimal::from_int(100));
  REQUIRE(first.last_evaluated_key);
  q.exclusive_start_key = first.last_evaluated_key;
  Page second = r->query(q);
  CHECK(second.items.size() == 2);
  CHECK(second.items[1].at("n").as_number() == Decimal::from_int(9));

  ScanRequest s{"events"};
  s.limit = 4;
  Page scan1 = r->scan(s);
  REQUIRE(scan1.last_evaluated_key);
  s.exclusive_start_key = scan1.last_evaluated_key;
  Page scan2 = r->scan(s);
  CHECK(scan1.items.size() + scan2.items.size() == 6);
  CHECK_FALSE(scan2.last_evaluated_key);
}

TEST_CASE("a region file survives close and reopen") {
  TempDir dir;
  {
    auto r = open_region(dir, "us-east-1");
    r->put({"users", user("1", "alice")}, 10);
    r->apply_remote_batch("eu-west-1", {}, 11);
    auto peer = open_region(dir, "eu-west-1");
    peer->put({"users", user("2", "bob")}, 12);
    r->apply_remote_batch("eu-west-1", peer->local_changes_after(0, 10), 20);
  }
  auto r = Region::open(dir.file("us-east-1.db"), "us-east-1", {}, 30);
  CHECK(r->tables().size() == 1);
  CHECK(r->get({"users", key("1")}).item == user("1", "alice"));
  CHECK(r->get({"users", key("2")}).item == user("2", "bob"));
  CHECK(r->last_local_seq() == 1);
  CHECK(r->applied_cursor("eu-west-1") == 1);
  CHECK(r->stream_after(0, 10).size() == 2);
  CHECK(r->local_changes_after(0, 10).at(0).state.document == user("1", "alice"));
  CHECK_THROWS_WITH(Region::open(dir.file("us-east-1.db"), "ap-south-1", {}, 0),
                    doctest::Contains("belongs to region us-east-1"));
}

TEST_CASE("a region file of an unknown schema version is refused") {
  TempDir dir;
  {
    sql::Database db(dir.file("future.db"));
    db.exec("PRAGMA user_version = 99");
  }
  CHECK_THROWS_WITH(Region::open(dir.file("future.db"), "us-east-1", {}, 0),
                    doctest::Contains("schema version 99"));
}

TEST_CASE("a region finds each of thousands of keys it holds, and none it does not") {
  // Past the key filter's first slices (key_filter.h): a key it lost would read as new, so its
  // second write would be streamed as an INSERT with no old image, here and at a peer.
  constexpr int kKeys = 3000;
  TempDir dir;
  auto r = open_region(dir, "us-east-1");
  auto peer = open_region(dir, "eu-west-1");
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < kKeys; ++i)
      r->put({"users", user(std::to_string(i), round == 0 ? "first" : "second")}, 10);
  }
  peer->apply_remote_batch("us-east-1", r->local_changes_after(0, 2 * kKeys), 20);
  for (Region* region : {r.get(), peer.get()}) {
    const std::vector<StreamRecord> stream = region->stream_after(0, 2 * kKeys);
    REQUIRE(stream.size() == 2 * kKeys);
    int modified = 0;
    for (const StreamRecord& s : stream) {
      modified += s.event == StreamEvent::kModify && s.old_image &&
                          s.old_image->at("name") == AttributeValue("first")
                      ? 1
                      : 0;
    }
    CHECK(modified == kKeys);
  }
  int found = 0;
  for (int i = 0; i < 2 * kKeys; ++i)
    found += peer->get({"users", key(std::to_string(i))}).item ? 1 : 0;
  CHECK(found == kKeys);
}
