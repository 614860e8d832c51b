#include "regions/stream_batch.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "model/errors.h"
#include "regions/schema.h"
#include "regions/sqlite.h"
#include "tests/support/temp_dir.h"

namespace gtsim {
namespace {

// Row i of a batch: local and replicated rows in turn, each column's value derived from i, and
// every optional column both set and unset, so that a row bound at the wrong place shows.
StreamRow row(uint64_t i) {
  const std::string n = std::to_string(i);
  StreamRow out{.stream_seq = 1000 + i,
                .table = i % 5 == 0 ? "orders" : "users",
                .event = i % 3 == 0 ? StreamEvent::kModify : StreamEvent::kInsert,
                .texts = std::make_shared<const ChangeTexts>(ChangeTexts{
                    "{\"id\":{\"S\":\"" + n + "\"}}", "{\"state\":" + n + "}",
                    i % 7 == 0 ? std::nullopt : std::optional<std::string>("new-" + n)}),
                .cause = {{i % 2 == 0 ? "eu-west-1" : "us-east-1", 10 + i}, 100 + int64_t(i)},
                .commit_true_us = 200 + int64_t(i),
                .applied_true_us = 300 + int64_t(i)};
  if (i % 3 == 0) out.old_image = "old-" + n;
  if (i % 4 == 1) out.overwrote = VersionId{"ap-southeast-2", 20 + i};
  if (i % 2 == 1) {
    out.applied =
        StreamRow::Apply{i % 3 == 1 ? Classification::kConcurrent : Classification::kSupersedes,
                         std::nullopt, i % 9 == 1};
    if (i % 3 == 1) out.applied->lost = Version{{"eu-west-1", 30 + i}, 400 + int64_t(i)};
  }
  return out;
}

std::optional<std::string> optional_text(sql::Statement& s, int column) {
  return s.column_optional_text(column);
}

std::optional<int64_t> optional_int(sql::Statement& s, int column) {
  if (s.column_is_null(column)) return std::nullopt;
  return s.column_int(column);
}

// The stream table's row at s's current step against `expected`.
void check_row(sql::Statement& s, const StreamRow& expected) {
  const bool local = !expected.applied;
  CHECK(s.column_int(0) == int64_t(expected.stream_seq));
  CHECK(s.column_text(1) == expected.table);
  CHECK(s.column_text(2) == expected.texts->key);
  CHECK(s.column_text(3) == stream_event_name(expected.event));
  CHECK(optional_text(s, 4) == expected.old_image);
  CHECK(optional_text(s, 5) == expected.texts->new_image);
  CHECK(s.column_text(6) == expected.cause.id.origin);
  CHECK(s.column_int(7) == int64_t(expected.cause.id.seq));
  CHECK(s.column_int(8) == expected.cause.timestamp_us);
  CHECK(s.column_int(9) == expected.commit_true_us);
  CHECK(s.column_int(10) == expected.applied_true_us);
  CHECK(s.column_int(11) == (local ? 1 : 0));
  CHECK(optional_text(s, 12) == (local ? std::optional(expected.texts->state) : std::nullopt));
  CHECK(optional_text(s, 13) ==
        (expected.overwrote ? std::optional(expected.overwrote->origin) : std::nullopt));
  CHECK(optional_int(s, 14) ==
        (expected.overwrote ? std::optional(int64_t(expected.overwrote->seq)) : std::nullopt));
  const std::optional<Version> lost = local ? std::nullopt : expected.applied->lost;
  CHECK(optional_text(s, 15) ==
        (local
             ? std::nullopt
             : std::optional<std::string>(classification_name(expected.applied->classification))));
  CHECK(optional_text(s, 16) == (lost ? std::optional(lost->id.origin) : std::nullopt));
  CHECK(optional_int(s, 17) == (lost ? std::optional(int64_t(lost->id.seq)) : std::nullopt));
  CHECK(optional_int(s, 18) == (lost ? std::optional(lost->timestamp_us) : std::nullopt));
  CHECK(optional_int(s, 19) ==
        (local ? std::nullopt : std::optional(int64_t(expected.applied->resurrected ? 1 : 0))));
}

constexpr const char* kSelectAll =
    "SELECT stream_seq, table_name, key, event, old_image, new_image, origin, origin_seq, "
    "timestamp_us, commit_true_us, applied_true_us, is_local, shipped_state, overwrote_origin, "
    "overwrote_seq, classification, lost_origin, lost_seq, lost_timestamp_us, resurrected "
    "FROM stream ORDER BY stream_seq";

struct StreamFile {
  testing::TempDir dir;
  sql::Database db{dir.file("region.db")};
  StreamFile() { schema::prepare(db, dir.file("region.db"), "us-east-1"); }

  int64_t rows() { return db.query_int("SELECT COUNT(*) FROM stream"); }
};

TEST_CASE("a stream batch writes its rows in order and whole, whatever their count") {
  // Counts below, at and past each statement size (64, 16, 4, 1), and mixes of all of them.
  for (const uint64_t count : {0, 1, 3, 4, 5, 16, 21, 63, 64, 85, 150}) {
    CAPTURE(count);
    StreamFile file;
    StreamBatch batch(file.db);
    sql::Transaction txn(file.db);
    for (uint64_t i = 0; i < count; ++i)
      batch.add() = row(i);
    CHECK(batch.empty() == (count == 0));
    batch.write();
    CHECK(batch.empty());
    txn.commit();

    sql::Statement s(file.db, kSelectAll);
    uint64_t seen = 0;
    for (; s.step(); ++seen) {
      if (seen < count) check_row(s, row(seen));
    }
    CHECK(seen == count);
  }
}

TEST_CASE("a stream batch drops its rows when cleared and after a refused write") {
  StreamFile file;
  StreamBatch batch(file.db);
  {
    sql::Transaction txn(file.db);
    for (uint64_t i = 0; i < 3; ++i)
      batch.add() = row(i);
    batch.clear();
    CHECK(batch.empty());
    batch.write();
    txn.commit();
  }
  CHECK(file.rows() == 0);

  {
    sql::Transaction txn(file.db);
    batch.add() = row(0);
    batch.write();
    txn.commit();
  }
  // A row whose stream_seq the file holds: SQLite refuses it, and the rows after it go too.
  sql::Transaction txn(file.db);
  for (const uint64_t i : {1, 2, 0, 3})
    batch.add() = row(i);
  CHECK_THROWS_AS(batch.write(), DynamoError);
  CHECK(batch.empty());
  batch.add() = row(4);
  batch.write();
  txn.commit();
  sql::Statement s(file.db, "SELECT stream_seq FROM stream ORDER BY stream_seq");
  std::vector<int64_t> seqs;
  while (s.step())
    seqs.push_back(s.column_int(0));
  // The refused 4-row statement wrote none of its rows; the transaction went on without them.
  CHECK(seqs == std::vector<int64_t>{1000, 1004});
}

}  // namespace
}  // namespace gtsim
