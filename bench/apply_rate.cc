#include "bench/apply_rate.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "bench/load.h"
#include "bench/resources.h"
#include "model/json_text.h"
#include "regions/checkpointer.h"
#include "regions/region.h"
#include "regions/schema.h"
#include "regions/sqlite.h"
#include "replicator/shipper.h"
#include "replicator/wire.h"

namespace gtsim::bench {
namespace {

namespace fs = std::filesystem;
using replication::ChangeBatch;

constexpr int kRepeats = 3;

TableSpec bench_table() {
  TableSpec spec;
  spec.name = kTable;
  spec.key_schema.partition = {"id", AttributeType::kS};
  return spec;
}

struct Batches {
  std::vector<ChangeBatch> batches;  // the two origins' batches, alternating
  size_t wire_bytes = 0;
};

// Writes `count` items in `origin` and returns the batches its shipper would send a peer, as the
// peer decodes them.
std::vector<ChangeBatch> ship(const fs::path& dir, const std::string& origin, size_t count,
                              size_t& wire_bytes) {
  auto region = Region::open((dir / (origin + ".db")).string(), origin, {}, 0);
  region->create_table(bench_table());
  const std::string payload(80, 'x');
  int64_t now_us = 0;
  for (size_t i = 0; i < count; ++i) {
    Item item{{"id", origin + "-" + std::to_string(i)},
              {"n", AttributeValue::number(std::to_string(i))},
              {"payload", payload}};
    region->put({.table = kTable, .item = std::move(item)}, now_us += 10);
  }
  replication::Shipper shipper({});
  shipper.connected(0, *region);
  std::vector<ChangeBatch> out;
  while (std::optional<ChangeBatch> batch = shipper.next_batch(*region, now_us)) {
    shipper.acknowledged(batch->records.back().id().seq);
    const std::string bytes = replication::encode_peer_message(*batch);
    wire_bytes += bytes.size();
    replication::FrameReader reader;
    reader.append(bytes);
    out.push_back(std::get<ChangeBatch>(replication::decode_peer_message(*reader.next())));
  }
  return out;
}

Batches make_batches(const fs::path& dir, size_t records) {
  Batches out;
  std::vector<ChangeBatch> a = ship(dir, "eu-west-1", records / 2, out.wire_bytes);
  std::vector<ChangeBatch> b = ship(dir, "ap-southeast-2", records - records / 2, out.wire_bytes);
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    if (i < a.size()) out.batches.push_back(std::move(a[i]));
    if (i < b.size()) out.batches.push_back(std::move(b[i]));
  }
  return out;
}

// The item row a receiver writes for `record`, bound as Region::store binds it.
struct Row {
  std::string pk, key, document, origin, state;
  int64_t seq = 0, timestamp_us = 0;
};

double baseline_rate(const fs::path& path, const std::vector<ChangeBatch>& batches,
                     size_t records) {
  std::vector<std::vector<Row>> rows;
  for (const ChangeBatch& batch : batches) {
    rows.emplace_back();
    for (const ChangeRecord& r : batch.records) {
      rows.back().push_back({KeySchema::encode_component(r.key.at("id")), item_json_text(r.key),
                             item_json_text(r.state.document->tree()), r.state.version.id.origin,
                             state_metadata_json_text(r.state),
                             static_cast<int64_t>(r.state.version.id.seq),
                             r.state.version.timestamp_us});
    }
  }
  sql::Database db(path.string());
  schema::prepare(db, path.string(), "baseline");
  sql::Checkpointer checkpointer(db, path.string());  // as Region::open checkpoints its file
  sql::Statement upsert(db, schema::kUpsertItem);
  Stopwatch clock;
  for (const std::vector<Row>& batch : rows) {
    sql::Transaction txn(db);
    for (const Row& row : batch) {
      upsert.bind(1, kTable).bind(2, row.pk).bind(3, "").bind(4, row.key).bind(5, row.document);
      upsert.bind(6, row.origin).bind(7, row.seq).bind(8, row.timestamp_us).bind(9, row.state);
      upsert.bind_null(10);
      upsert.run();
    }
    txn.commit();
  }
  return double(records) / clock.seconds();
}

double apply_rate(const fs::path& path, const std::vector<ChangeBatch>& batches, size_t records) {
  auto receiver = Region::open(path.string(), "us-east-1", {}, 0);
  receiver->create_table(bench_table());
  int64_t now_us = 1'000'000'000;
  Stopwatch clock;
  for (const ChangeBatch& batch : batches)
    receiver->apply_remote_batch(batch.origin, batch.records, ++now_us);
  return double(records) / clock.seconds();
}

}  // namespace

ApplyRate measure_apply_rate(const std::string& dir_name, size_t records) {
  const fs::path dir(dir_name);
  fs::create_directories(dir);
  Batches batches = make_batches(dir, records);
  ApplyRate out;
  out.records = records;
  out.wire_bytes_per_record = double(batches.wire_bytes) / double(records);
  out.records_per_batch = double(records) / double(batches.batches.size());
  // Alternated and repeated on fresh files, best of each kept: on a shared machine the best run
  // is the one least disturbed by others.
  for (int i = 0; i < kRepeats; ++i) {
    out.baseline_per_s =
        std::max(out.baseline_per_s,
                 baseline_rate(dir / fmt::format("baseline-{}.db", i), batches.batches, records));
    out.apply_per_s = std::max(out.apply_per_s, apply_rate(dir / fmt::format("us-east-1-{}.db", i),
                                                           batches.batches, records));
  }
  return out;
}

}  // namespace gtsim::bench
