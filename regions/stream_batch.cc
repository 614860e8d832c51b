#include "regions/stream_batch.h"

#include <fmt/format.h>

#include "regions/sqlite.h"

namespace gtsim {
namespace {

constexpr const char* kColumns =
    "stream_seq, table_name, key, event, old_image, new_image, origin, origin_seq, timestamp_us, "
    "commit_true_us, applied_true_us, is_local, shipped_state, overwrote_origin, overwrote_seq, "
    "classification, lost_origin, lost_seq, lost_timestamp_us, resurrected";
constexpr int kColumnCount = 20;

std::string insert_sql(size_t rows) {
  std::string sql = fmt::format("INSERT INTO stream ({}) VALUES ", kColumns);
  for (size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    // Plain "?"s, numbered as they come (row r's columns from r * kColumnCount + 1): SQLite
    // looks each "?N" up among those before it as it prepares, 1,280 of them at 64 rows.
    for (int c = 1; c <= kColumnCount; ++c)
      sql += c == 1 ? "?" : ", ?";
    sql += ")";
  }
  return sql;
}

}  // namespace

void bind_lost(sql::Statement& s, int first, const std::optional<Version>& lost) {
  if (!lost) return;
  s.bind_held(first, lost->id.origin).bind(first + 1, static_cast<int64_t>(lost->id.seq));
  s.bind(first + 2, lost->timestamp_us);
}

StreamBatch::StreamBatch(sql::Database& db) : db_(db) {}

StreamBatch::~StreamBatch() = default;

void StreamBatch::write() {
  // Emptied, not moved from, either way: the next transaction reuses its capacity.
  struct Clear {
    std::vector<StreamRow>& rows;
    ~Clear() { rows.clear(); }
  } clear{rows_};
  size_t done = 0;
  for (size_t i = 0; i < kChunkRows.size(); ++i) {
    for (; rows_.size() - done >= kChunkRows[i]; done += kChunkRows[i]) {
      sql::Statement& s = statement_for(i);
      for (size_t r = 0; r < kChunkRows[i]; ++r)
        bind(s, static_cast<int>(r) * kColumnCount + 1, rows_[done + r]);
      s.run();
    }
  }
}

sql::Statement& StreamBatch::statement_for(size_t chunk) {
  std::unique_ptr<sql::Statement>& s = statements_[chunk];
  if (!s) s = std::make_unique<sql::Statement>(db_, insert_sql(kChunkRows[chunk]));
  return *s;
}

// Unset columns stay NULL: Statement::reset clears every binding.
void StreamBatch::bind(sql::Statement& s, int first, const StreamRow& row) {
  const bool local = !row.applied;
  s.bind(first, static_cast<int64_t>(row.stream_seq));
  s.bind_held(first + 1, row.table).bind_held(first + 2, row.texts->key);
  s.bind_held(first + 3, stream_event_name(row.event));
  s.bind_held(first + 4, row.old_image).bind_held(first + 5, row.texts->new_image);
  s.bind_held(first + 6, row.cause.id.origin)
      .bind(first + 7, static_cast<int64_t>(row.cause.id.seq));
  s.bind(first + 8, row.cause.timestamp_us).bind(first + 9, row.commit_true_us);
  s.bind(first + 10, row.applied_true_us).bind(first + 11, int64_t{local ? 1 : 0});
  if (local) s.bind_held(first + 12, row.texts->state);  // what shippers send
  if (row.overwrote) {
    s.bind_held(first + 13, row.overwrote->origin)
        .bind(first + 14, static_cast<int64_t>(row.overwrote->seq));
  }
  if (row.applied) {
    s.bind_held(first + 15, classification_name(row.applied->classification));
    bind_lost(s, first + 16, row.applied->lost);
    s.bind(first + 19, int64_t{row.applied->resurrected ? 1 : 0});
  }
}

}  // namespace gtsim
