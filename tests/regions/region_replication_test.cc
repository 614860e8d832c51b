#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <utility>

#include "model/errors.h"
#include "model/json_text.h"
#include "regions/sqlite.h"
#include "test_region.h"
#include "tests/support/forked.h"

using namespace gtsim;
using namespace gtsim::testing;

namespace {

Item user(const std::string& id, const std::string& name) {
  return {{"id", id}, {"name", name}};
}
Key key(const std::string& id) {
  return {{"id", id}};
}

// Delivers `from`'s changes past `cursor` to `to`, at most `count`, as one batch.
void deliver(Region& to, Region& from, int64_t now, size_t count = 1000) {
  uint64_t cursor = to.applied_cursor(from.name());
  to.apply_remote_batch(from.name(), from.local_changes_after(cursor, count), now);
}

// Two regions of the users table in one directory, as most tests here begin.
struct TwoRegions {
  TempDir dir;
  std::unique_ptr<Region> us = open_region(dir, "us-east-1");
  std::unique_ptr<Region> eu = open_region(dir, "eu-west-1");
};

}  // namespace

TEST_CASE_FIXTURE(TwoRegions, "apply classifies remote versions and logs them") {
  us->put({"users", user("1", "alice")}, 1000);
  deliver(*eu, *us, 1500);
  // A causally later write from eu supersedes; concurrent writes conflict.
  eu->put({"users", user("1", "bob")}, 2000);
  us->put({"users", user("1", "carol")}, 2001);
  auto outcomes = us->apply_remote_batch("eu-west-1", eu->local_changes_after(0, 10), 3000);
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].classification == Classification::kConcurrent);
  CHECK(outcomes[0].lost->id == VersionId{"eu-west-1", 1});
  CHECK_FALSE(outcomes[0].changed);
  auto back = eu->apply_remote_batch("us-east-1", us->local_changes_after(1, 10), 3100);
  CHECK(back.at(0).classification == Classification::kConcurrent);
  CHECK(back.at(0).changed);
  CHECK(eu->get({"users", key("1")}).item == user("1", "carol"));
  CHECK(us->table_digest("users") == eu->table_digest("users"));

  eu->put({"users", user("1", "dave")}, 4000);
  auto later = us->apply_remote_batch("eu-west-1", eu->local_changes_after(1, 10), 4500);
  CHECK(later.at(0).classification == Classification::kSupersedes);
  // A resend is skipped by the cursor; a gap is refused and changes nothing.
  CHECK(us->apply_remote_batch("eu-west-1", eu->local_changes_after(0, 10), 4600).empty());
  eu->put({"users", user("2", "x")}, 5000);
  eu->put({"users", user("3", "y")}, 5001);
  CHECK_THROWS_WITH(us->apply_remote_batch("eu-west-1", eu->local_changes_after(3, 10), 5100),
                    doctest::Contains("gap in changes from eu-west-1"));
  CHECK(us->applied_cursor("eu-west-1") == 2);
  // Nor does a batch whose gap comes after a record that applied: the whole batch is refused.
  eu->put({"users", user("4", "z")}, 5002);
  std::vector<ChangeRecord> holed = eu->local_changes_after(2, 1);
  holed.push_back(eu->local_changes_after(4, 1).at(0));
  CHECK_THROWS_WITH(us->apply_remote_batch("eu-west-1", holed, 5100),
                    doctest::Contains("expected #4, got #5"));
  CHECK(us->applied_cursor("eu-west-1") == 2);
  CHECK_FALSE(us->get({"users", key("2")}).item);
  CHECK_THROWS_AS(us->apply_remote_batch("ap-south-1", eu->local_changes_after(2, 10), 5100),
                  DynamoError);

  sql::Database db(dir.file("us-east-1.db"));
  CHECK(db.query_int("SELECT COUNT(*) FROM applied_log") == 2);
  CHECK(db.query_int("SELECT COUNT(*) FROM applied_log WHERE classification = 'concurrent' AND "
                     "lost_origin = 'eu-west-1' AND applied_true_us - commit_true_us = 1000") == 1);
}

TEST_CASE_FIXTURE(TwoRegions, "every batch saves its cursor in the file, the first and the later") {
  for (int i = 0; i < 3; ++i) {
    eu->put({"users", user(std::to_string(i), "n")}, 1000 + i);
    deliver(*us, *eu, 1500 + i);
  }
  us.reset();
  us = Region::open(dir.file("us-east-1.db"), "us-east-1", {}, 2000);
  CHECK(us->applied_cursor("eu-west-1") == 3);
  eu->put({"users", user("3", "n")}, 2500);
  deliver(*us, *eu, 3000);
  us.reset();
  us = Region::open(dir.file("us-east-1.db"), "us-east-1", {}, 3500);
  CHECK(us->applied_cursor("eu-west-1") == 4);
}

TEST_CASE("in a file of grouped commits a refused batch or write leaves the group as it was") {
  TempDir dir;
  auto us = open_private_region(dir, "us-east-1");
  auto eu = open_private_region(dir, "eu-west-1");
  for (int i = 1; i <= 4; ++i)
    eu->put({"users", user(std::to_string(i), "n")}, 1000 + i);
  deliver(*us, *eu, 1500, 1);
  us->put({"users", user("local", "n")}, 1600);
  // Each batch is checked whole before its first write (sql::Undo::kChecksFirst): one whose
  // gap or key the region refuses after a record it would have applied leaves that record out.
  std::vector<ChangeRecord> holed = eu->local_changes_after(1, 1);
  holed.push_back(eu->local_changes_after(3, 1).at(0));
  CHECK_THROWS_WITH(us->apply_remote_batch("eu-west-1", holed, 2000),
                    doctest::Contains("expected #3, got #4"));
  std::vector<ChangeRecord> keyless = eu->local_changes_after(1, 2);
  keyless[1].key = {{"name", AttributeValue(std::string("n"))}};
  CHECK_THROWS_AS(us->apply_remote_batch("eu-west-1", keyless, 2000), DynamoError);
  CHECK_THROWS_AS(us->put({"users", user("big", std::string(kMaxItemSizeBytes, 'x'))}, 2100),
                  DynamoError);
  CHECK(us->applied_cursor("eu-west-1") == 1);
  CHECK_FALSE(us->get({"users", key("2")}).item);
  // What the group had committed before stays, in memory and, once closed, in the file.
  us.reset();
  us = open_private_region(dir, "us-east-1");
  CHECK(us->applied_cursor("eu-west-1") == 1);
  CHECK(us->get({"users", key("1")}).item == user("1", "n"));
  CHECK(us->get({"users", key("local")}).item == user("local", "n"));
  CHECK_FALSE(us->get({"users", key("2")}).item);
  CHECK_FALSE(us->get({"users", key("big")}).item);
  deliver(*us, *eu, 3000);
  deliver(*eu, *us, 3000);
  CHECK(us->applied_cursor("eu-west-1") == 4);
  CHECK(us->table_digest("users") == eu->table_digest("users"));
}

TEST_CASE("a private region's file gets its cursor rows in step with its applies as it closes") {
  TempDir dir;
  auto eu = open_region(dir, "eu-west-1");
  constexpr int kGroup = static_cast<int>(Region::kPrivateGroupSize);
  constexpr int kRecords = 2 * kGroup + kGroup / 2;  // more than two groups, one record per batch
  for (int i = 1; i <= kRecords; ++i)
    eu->put({"users", user(std::to_string(i), "n")}, 1000 + i);
  const std::string us_file = dir.file("us-east-1.db");
  auto applied_from_eu = [&] {
    sql::Database db(us_file);
    return std::pair{db.query_int("SELECT applied_seq FROM cursors WHERE origin = 'eu-west-1'"),
                     db.query_int("SELECT COUNT(*) FROM applied_log WHERE origin = 'eu-west-1'")};
  };
  open_private_region(dir, "us-east-1");  // creates the file and its table, and closes it
  // A process that dies leaves the file as it opened it (sql::Residence::kMemory).
  REQUIRE(status_of_forked([&] {
            auto* us = open_private_region(dir, "us-east-1").release();
            for (int i = 0; i < kRecords; ++i)
              deliver(*us, *eu, 5000 + i, 1);
          }) == 0);
  CHECK(applied_from_eu() == std::pair<int64_t, int64_t>{0, 0});
  // One that closes inside a group keeps every apply, and the cursor with them.
  constexpr int kFirst = kGroup + kGroup / 4;  // a full group and part of the next
  {
    auto us = open_private_region(dir, "us-east-1");
    for (int i = 0; i < kFirst; ++i)
      deliver(*us, *eu, 5000 + i, 1);
  }
  CHECK(applied_from_eu() == std::pair<int64_t, int64_t>{kFirst, kFirst});
  // The row says when the cursor last moved.
  {
    auto us = open_private_region(dir, "us-east-1");
    CHECK(us->applied_cursor("eu-west-1") == uint64_t(kFirst));
    for (int batch = 0; batch < kRecords && us->applied_cursor("eu-west-1") < kRecords; ++batch)
      deliver(*us, *eu, 9000, 7);
  }
  CHECK(applied_from_eu() == std::pair<int64_t, int64_t>{kRecords, kRecords});
  CHECK(sql::Database(us_file).query_int("SELECT updated_true_us FROM cursors") == 9000);
}

TEST_CASE_FIXTURE(TwoRegions, "a batch whose cursor row vanished behind the region aborts") {
  eu->put({"users", user("1", "n")}, 1000);
  deliver(*us, *eu, 1500);
  sql::Database(dir.file("us-east-1.db")).exec("DELETE FROM cursors");
  eu->put({"users", user("2", "n")}, 2000);
  // The cursor's UPDATE finds no row: a bug in the region, not bad input, so the process aborts
  // before the batch commits. In a child, since an abort ends the process.
  CHECK(aborted(status_of_forked([&] { deliver(*us, *eu, 2500); })));
  us.reset();
  us = open_region(dir, "us-east-1");
  CHECK_FALSE(us->get({"users", key("2")}).item);
}

TEST_CASE_FIXTURE(TwoRegions, "changes to a table the region holds no replica of pass by") {
  TableSpec local_only = users_table();
  local_only.name = "local_only";
  us->create_table(local_only);
  us->put({"local_only", user("1", "x")}, 1000);
  us->put({"users", user("2", "y")}, 1001);
  auto outcomes = eu->apply_remote_batch("us-east-1", us->local_changes_after(0, 10), 2000);
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].id == VersionId{"us-east-1", 2});
  CHECK(eu->applied_cursor("us-east-1") == 2);
  CHECK(eu->get({"users", key("2")}).item == user("2", "y"));
}

TEST_CASE_FIXTURE(TwoRegions, "a delete beats an older concurrent put through its tombstone") {
  us->put({"users", user("1", "alice")}, 1000);
  deliver(*eu, *us, 1100);
  us->put({"users", user("1", "older")}, 2000);
  eu->delete_item({"users", key("1")}, 2005);
  deliver(*eu, *us, 3000);
  deliver(*us, *eu, 3000);
  CHECK_FALSE(us->get({"users", key("1")}).item);
  CHECK_FALSE(eu->get({"users", key("1")}).item);
  // Each tombstone dates from when the delete won here, which the older put joining in at eu
  // does not move: retention purges it that long after.
  auto deleted_at = [&](const std::string& region) {
    return sql::Database(dir.file(region + ".db")).query_int("SELECT deleted_true_us FROM items");
  };
  CHECK(deleted_at("eu-west-1") == 2005);
  CHECK(deleted_at("us-east-1") == 3000);
}

TEST_CASE("replicas converge to the LWW maxima whatever the delivery order") {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    CAPTURE(seed);
    std::mt19937_64 rng(seed);
    TempDir dir;
    std::vector<std::unique_ptr<Region>> origins;
    for (const char* name : {"ap-southeast-2", "eu-west-1", "us-east-1"}) {
      int64_t offset = static_cast<int64_t>(rng() % 100'000) - 50'000;
      origins.push_back(open_region(dir, name, {offset, 0, {}}));
    }
    int64_t now = 1'000'000;
    for (int op = 0; op < 80; ++op) {
      now += static_cast<int64_t>(rng() % 3000);
      Region& r = *origins[rng() % origins.size()];
      std::string id = std::to_string(rng() % 5);
      switch (rng() % 4) {
        case 0:
          r.delete_item({"users", key(id)}, now);
          break;
        case 1:
          r.update({"users", key(id), set_attribute("n", std::to_string(op))}, now);
          break;
        default:
          r.put({"users", user(id, r.name() + "#" + std::to_string(op))}, now);
      }
      // Partial, out-of-step replication between the origins keeps some writes causal.
      if (rng() % 3 == 0) {
        Region& to = *origins[rng() % origins.size()];
        Region& from = *origins[rng() % origins.size()];
        if (&to != &from) deliver(to, from, now, 1 + rng() % 4);
      }
    }
    // Observers get every origin's changes in random interleavings of small batches, with resends.
    std::vector<std::unique_ptr<Region>> observers;
    for (const char* name : {"obs-a", "obs-b", "obs-c"})
      observers.push_back(open_region(dir, name));
    for (auto& observer : observers) {
      for (int step = 0; step < 400; ++step) {
        Region& from = *origins[rng() % origins.size()];
        uint64_t cursor = observer->applied_cursor(from.name());
        uint64_t start = cursor >= 2 && rng() % 4 == 0 ? cursor - 2 : cursor;
        now += 10;
        observer->apply_remote_batch(from.name(), from.local_changes_after(start, 1 + rng() % 5),
                                     now);
      }
      for (auto& from : origins)
        deliver(*observer, *from, now);
    }
    for (auto& to : origins) {
      for (auto& from : origins) {
        if (to != from) deliver(*to, *from, now);
      }
    }
    // Oracle: per key, the LWW maximum over every write any origin made.
    std::map<std::string, ChangeRecord> best;
    for (auto& origin : origins) {
      for (const ChangeRecord& c : origin->local_changes_after(0, 1000)) {
        std::string id = c.key.at("id").as_string();
        auto it = best.find(id);
        if (it == best.end() || it->second.state.version.stamp() < c.state.version.stamp()) {
          best[id] = c;
        }
      }
    }
    std::string digest = origins[0]->table_digest("users");
    for (auto* group : {&origins, &observers}) {
      for (auto& region : *group) {
        CHECK(region->table_digest("users") == digest);
        for (const auto& [id, winner] : best) {
          auto state = region->item_state("users", key(id));
          REQUIRE(state);
          CHECK(state->version == winner.state.version);
          CHECK(state->document == winner.state.document);
        }
      }
    }
  }
}

// us deletes item 1 while eu writes it concurrently; eu's write has not reached us yet.
std::pair<std::unique_ptr<Region>, std::unique_ptr<Region>> concurrent_delete(const TempDir& dir) {
  auto us = open_region(dir, "us-east-1");
  auto eu = open_region(dir, "eu-west-1");
  us->put({"users", user("1", "alice")}, 1000);
  deliver(*eu, *us, 2000);
  eu->put({"users", user("1", "late")}, 3000);
  us->delete_item({"users", key("1")}, 4000);
  return {std::move(us), std::move(eu)};
}

TEST_CASE("trim purges old tombstones and stream records and reports resurrections") {
  TempDir dir;
  auto [us, eu] = concurrent_delete(dir);
  const int64_t day = kDefaultRetentionUs;
  TrimResult early = us->trim(day);
  CHECK(early.tombstones_purged == 0);
  TrimResult result = us->trim(day + 5000);
  CHECK(result.tombstones_purged == 1);
  CHECK(result.stream_records_trimmed == 2);
  CHECK(us->first_retained_local_seq() == 3);
  CHECK_FALSE(us->item_state("users", key("1")));
  // eu's write was concurrent with the purged delete: it brings the item back.
  auto outcomes = us->apply_remote_batch("eu-west-1", eu->local_changes_after(0, 10), day + 6000);
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].resurrected);
  CHECK(us->get({"users", key("1")}).item == user("1", "late"));
}

TEST_CASE("a region reopened after a purge still reports the resurrection") {
  TempDir dir;
  auto [us, eu] = concurrent_delete(dir);
  REQUIRE(us->trim(kDefaultRetentionUs + 5000).tombstones_purged == 1);
  us.reset();
  us = Region::open(dir.file("us-east-1.db"), "us-east-1", {}, kDefaultRetentionUs + 5500);
  auto outcomes = us->apply_remote_batch("eu-west-1", eu->local_changes_after(0, 10),
                                         kDefaultRetentionUs + 6000);
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].resurrected);
}

TEST_CASE_FIXTURE(TwoRegions,
                  "sequence numbers go on after a trim emptied the stream and a reopen") {
  us->put({"users", user("1", "a")}, 1000);
  us->put({"users", user("2", "b")}, 2000);
  eu->put({"users", user("3", "c")}, 2500);
  us->apply_remote_batch("eu-west-1", eu->local_changes_after(0, 10), 3000);
  REQUIRE(us->trim(kDefaultRetentionUs + 5000).stream_records_trimmed == 3);
  CHECK(us->stream_after(0, 10).empty());
  CHECK(us->stream_trimmed_through("users") == 3);
  us.reset();
  us = Region::open(dir.file("us-east-1.db"), "us-east-1", {}, kDefaultRetentionUs + 6000);
  // Neither counter starts over: a reused number would be a gap or a repeat to peers and readers.
  CHECK(us->last_local_seq() == 2);
  CHECK(us->put({"users", user("4", "d")}, kDefaultRetentionUs + 7000).version.id ==
        VersionId{"us-east-1", 3});
  std::vector<StreamRecord> stream = us->stream_after(0, 10);
  REQUIRE(stream.size() == 1);
  CHECK(stream[0].stream_seq == 4);
}

// The first column of every row `query` returns from the file at `path`.
std::vector<std::string> column_texts(const std::string& path, const std::string& query) {
  sql::Database db(path);
  sql::Statement rows(db, query);
  std::vector<std::string> out;
  while (rows.step())
    out.push_back(rows.column_text(0));
  return out;
}

// applied_log's rows, every column, in the order applied.
std::vector<std::string> apply_log(const std::string& path) {
  return column_texts(
      path,
      "SELECT origin || '#' || origin_seq || ' ' || table_name || ' ' || key || ' ' || "
      "timestamp_us || ' ' || commit_true_us || ' ' || applied_true_us || ' ' || classification "
      "|| ' ' || changed || ' ' || COALESCE(lost_origin || '#' || lost_seq || '@' || "
      "lost_timestamp_us, '-') || ' ' || resurrected FROM applied_log ORDER BY applied_true_us, "
      "origin, origin_seq");
}

TEST_CASE_FIXTURE(TwoRegions, "the apply log keeps every apply, streamed or not, through a trim") {
  eu->put({"users", user("1", "older")}, 1000);
  us->put({"users", user("1", "newer")}, 1001);
  eu->put({"users", user("2", "b")}, 1002);
  // eu#1 loses to us's concurrent write and changes nothing here; eu#2 inserts.
  auto outcomes = us->apply_remote_batch("eu-west-1", eu->local_changes_after(0, 10), 2000);
  REQUIRE(outcomes.size() == 2);
  REQUIRE_FALSE(outcomes[0].changed);
  REQUIRE(outcomes[1].changed);
  const std::string path = dir.file("us-east-1.db");
  const std::vector<std::string> before = apply_log(path);
  REQUIRE(before.size() == 2);
  CHECK(before[0] ==
        R"(eu-west-1#1 users {"id":{"S":"1"}} 1000 1000 2000 concurrent 0 eu-west-1#1@1000 0)");
  CHECK(before[1] == R"(eu-west-1#2 users {"id":{"S":"2"}} 1002 1002 2000 supersedes 1 - 0)");

  REQUIRE(us->trim(kDefaultRetentionUs + 5000).stream_records_trimmed == 2);
  CHECK(us->stream_after(0, 10).empty());
  CHECK(apply_log(path) == before);
  // Reopened, the log is the same, and a later trim does not count an apply twice.
  us.reset();
  us = Region::open(path, "us-east-1", {}, kDefaultRetentionUs + 6000);
  eu->put({"users", user("3", "c")}, kDefaultRetentionUs + 6100);
  us->apply_remote_batch("eu-west-1", eu->local_changes_after(2, 10), kDefaultRetentionUs + 6200);
  us->trim(3 * kDefaultRetentionUs);
  std::vector<std::string> after = apply_log(path);
  REQUIRE(after.size() == 3);
  CHECK(std::equal(before.begin(), before.end(), after.begin()));
  CHECK(after[2].rfind("eu-west-1#3 users", 0) == 0);
}

TEST_CASE("local changes read from memory equal those read back from the stream") {
  TempDir dir;
  std::vector<ChangeRecord> remembered;
  {
    auto us = open_region(dir, "us-east-1");
    TableSpec cells = users_table("lww-attribute");
    cells.name = "cells";
    us->create_table(cells);
    us->put({"users", user("1", "ann")}, 1000);
    us->update({"users", key("1"), set_attribute("age", Decimal::parse("41"))}, 1100);
    us->update({"cells", key("2"), set_attribute("n", "x")}, 1200);
    // Refused writes leave nothing behind, in the stream or in memory.
    CHECK_THROWS_AS(us->put({"users", user("1", "no"), [](const Item*) { return false; }}, 1300),
                    DynamoError);
    CHECK_THROWS_AS(
        us->write_batch({PutRequest{"users", user("3", "c")}, PutRequest{"nope", user("4", "d")}},
                        1400),
        DynamoError);
    us->write_batch({PutRequest{"users", user("5", "e")}, DeleteRequest{"users", key("1")}}, 1500);
    us->delete_item({"cells", key("2")}, 1600);
    remembered = us->local_changes_after(0, 100);
    CHECK(us->local_changes_after(2, 2) ==
          std::vector<ChangeRecord>(remembered.begin() + 2, remembered.begin() + 4));
    CHECK(us->local_changes_after(remembered.size(), 100).empty());
  }
  REQUIRE(remembered.size() == 6);
  auto reopened = Region::open(dir.file("us-east-1.db"), "us-east-1", {}, 2000);
  const std::vector<ChangeRecord> read_back = reopened->local_changes_after(0, 100);
  CHECK(read_back == remembered);
  // Both carry the texts their key and state encode to, which shippers send as they are.
  for (const std::vector<ChangeRecord>* records : {&std::as_const(remembered), &read_back}) {
    for (const ChangeRecord& r : *records) {
      REQUIRE(r.texts);
      CHECK(r.texts->key == item_json_text(r.key));
      CHECK(r.texts->state == state_metadata_json_text(r.state));
      CHECK(r.texts->new_image == (r.state.document
                                       ? std::optional(item_json_text(r.state.document->tree()))
                                       : std::nullopt));
    }
  }
}

TEST_CASE("a record applied with its texts stores what encoding it would") {
  TempDir dir;
  TableSpec cells = users_table("lww-attribute");
  cells.name = "cells";
  auto us = open_region(dir, "us-east-1");
  auto sa = open_region(dir, "sa-east-1");
  auto eu = open_region(dir, "eu-west-1");
  auto ap = open_region(dir, "ap-south-1");
  for (Region* region : {us.get(), sa.get(), eu.get(), ap.get()})
    region->create_table(cells);
  // Both receivers first hold the same versions, concurrent with us's: the merges below take
  // both kinds of path (the remote state winning whole, and a merge of the two).
  sa->put({"users", user("1", "older")}, 900);
  sa->update({"cells", key("3"), set_attribute("m", "y")}, 901);
  for (Region* receiver : {eu.get(), ap.get()})
    receiver->apply_remote_batch("sa-east-1", sa->local_changes_after(0, 10), 950);
  us->put({"users", user("1", "ann")}, 1000);
  us->put({"users", user("2", "bob")}, 1001);
  us->update({"cells", key("3"), set_attribute("n", "x")}, 1002);
  us->delete_item({"users", key("2")}, 1003);
  std::vector<ChangeRecord> with_texts = us->local_changes_after(0, 100);
  REQUIRE(with_texts.size() == 4);
  std::vector<ChangeRecord> without = with_texts;
  for (ChangeRecord& r : without)
    r.texts.reset();
  eu->apply_remote_batch("us-east-1", with_texts, 2000);
  ap->apply_remote_batch("us-east-1", without, 2000);
  for (const char* table : {"users", "cells"})
    CHECK(eu->table_digest(table) == ap->table_digest(table));
  auto rows = [](const std::string& path) {
    return column_texts(path,
                        "SELECT key || document || state FROM items UNION ALL SELECT key || "
                        "COALESCE(old_image, '-') || COALESCE(new_image, '-') FROM stream WHERE "
                        "is_local = 0");
  };
  eu.reset();
  ap.reset();
  const std::vector<std::string> eu_rows = rows(dir.file("eu-west-1.db"));
  CHECK(eu_rows.size() == 9);  // 3 items, 2 + 4 replicated stream records
  CHECK(eu_rows == rows(dir.file("ap-south-1.db")));
}

TEST_CASE("an lww receiver applies received items held as text without building them") {
  TempDir dir;
  auto us = open_region(dir, "us-east-1");
  auto eu = open_region(dir, "eu-west-1");
  auto ap = open_region(dir, "ap-south-1");
  us->put({"users", user("1", "ann")}, 1000);
  us->put({"users", user("2", "bob")}, 1001);
  us->put({"users", user("1", "cy")}, 1002);
  us->delete_item({"users", key("2")}, 1003);
  const std::vector<ChangeRecord> with_trees = us->local_changes_after(0, 100);
  // As the wire decodes them: each plain item as its text only.
  std::vector<ChangeRecord> as_received = with_trees;
  for (ChangeRecord& r : as_received) {
    if (r.state.document) {
      r.state.document =
          Document::from_json_text(item_json_text(r.state.document->tree()), kMaxItemJsonDepth);
    }
  }
  eu->apply_remote_batch("us-east-1", as_received, 2000);
  ap->apply_remote_batch("us-east-1", with_trees, 2000);
  for (const ChangeRecord& r : as_received)
    CHECK((!r.state.document || !r.state.document->has_tree()));
  CHECK(eu->get({"users", key("1")}).item == user("1", "cy"));
  CHECK_FALSE(eu->get({"users", key("2")}).item);
  CHECK(eu->table_digest("users") == ap->table_digest("users"));
}

TEST_CASE_FIXTURE(TwoRegions, "a snapshot seeds a new replica that then catches up") {
  us->put({"users", user("1", "alice")}, 1000);
  eu->put({"users", user("2", "bob")}, 1001);
  deliver(*us, *eu, 1500);
  auto ap = Region::open(dir.file("ap.db"), "ap-south-1", {}, 2000);
  ap->load_snapshot(us->snapshot(), 2000);
  CHECK(ap->applied_cursor("us-east-1") == 1);
  CHECK(ap->applied_cursor("eu-west-1") == 1);
  eu->put({"users", user("3", "carol")}, 2500);
  deliver(*ap, *eu, 3000);
  deliver(*us, *eu, 3000);
  CHECK(ap->table_digest("users") == us->table_digest("users"));
  CHECK_THROWS_AS(ap->load_snapshot(us->snapshot(), 4000), DynamoError);
}
