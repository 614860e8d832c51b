// StreamBatch: the stream records one transaction appends, held until the transaction ends and
// then inserted several rows to a statement.
//
// Why: an INSERT's fixed cost (its cursors opened and closed, the seek for the row's place, the
// statement's halt) is most of what a stream record costs beside its binds, and a transaction
// under load appends a record for each of dozens or hundreds of changes. One statement of 64 rows
// pays it once (docs/benchmarks.md, nineteenth round). Nothing reads the stream inside the
// transaction that appends to it, so holding its rows until the commit changes no answer.
//
// Contract: write() inserts the rows add()ed since the last write() or clear(), in the order
// they came, and empties the batch whether or not it succeeds: a failed write() leaves some of
// the rows in the open transaction, which its owner must roll back.
//
// Ownership: a row owns or shares what it binds. The batch borrows `db`, which must outlive it.
// Thread-safety: not thread-safe; one owner (its Region).
// Errors: write() throws DynamoError(kInternal) when SQLite refuses a row (as sql::Statement).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conflict/policy.h"
#include "conflict/version.h"
#include "regions/change_record.h"

namespace gtsim {

namespace sql {
class Database;
class Statement;
}  // namespace sql

// One row of the stream table (docs/region-file.md).
struct StreamRow {
  // A replicated record's apply, which its stream record logs (the applied_log view).
  struct Apply {
    Classification classification = Classification::kSupersedes;
    std::optional<Version> lost;
    bool resurrected = false;
  };

  uint64_t stream_seq = 0;
  std::string table;
  StreamEvent event = StreamEvent::kInsert;
  // Key and new image; for a local write also the state metadata its shippers send.
  std::shared_ptr<const ChangeTexts> texts;
  std::optional<std::string> old_image;
  Version cause;
  int64_t commit_true_us = 0;
  int64_t applied_true_us = 0;
  std::optional<VersionId> overwrote;
  std::optional<Apply> applied;  // none for a local write
};

// Binds a version LWW discarded to parameters first .. first + 2 (origin, seq, timestamp), as the
// stream and applied_unstreamed hold it; none leaves them NULL.
void bind_lost(sql::Statement& s, int first, const std::optional<Version>& lost);

class StreamBatch {
 public:
  explicit StreamBatch(sql::Database& db);
  ~StreamBatch();
  StreamBatch(const StreamBatch&) = delete;
  StreamBatch& operator=(const StreamBatch&) = delete;

  // A new row at the batch's end, for the caller to fill in before the next write(): its
  // `texts` must be set. Made in place, as rows are made by the hundred per transaction.
  StreamRow& add() { return rows_.emplace_back(); }
  bool empty() const { return rows_.empty(); }
  // Inserts the rows, in as few statements as the chunk sizes allow.
  void write();
  // Drops the rows: their transaction rolled back.
  void clear() { rows_.clear(); }

 private:
  // Statements of 64, 16, 4 and 1 rows, prepared when first needed: any count takes at most
  // three of each smaller size after its 64-row statements.
  static constexpr std::array<size_t, 4> kChunkRows = {64, 16, 4, 1};

  sql::Statement& statement_for(size_t chunk);
  static void bind(sql::Statement& s, int first, const StreamRow& row);

  sql::Database& db_;
  std::vector<StreamRow> rows_;
  std::array<std::unique_ptr<sql::Statement>, kChunkRows.size()> statements_;
};

}  // namespace gtsim
