#include "regions/schema.h"

#include "model/errors.h"

namespace gtsim::schema {
namespace {

constexpr const char* kCreate = R"sql(
CREATE TABLE region_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL);
CREATE TABLE global_tables (
  name TEXT PRIMARY KEY,
  spec TEXT NOT NULL);
CREATE TABLE items (
  table_name      TEXT NOT NULL,
  pk              TEXT NOT NULL,
  sk              TEXT NOT NULL,
  key             TEXT NOT NULL,
  document        TEXT,
  origin          TEXT NOT NULL,
  origin_seq      INTEGER NOT NULL,
  timestamp_us    INTEGER NOT NULL,
  state           TEXT NOT NULL,
  deleted_true_us INTEGER,
  PRIMARY KEY (table_name, pk, sk)) WITHOUT ROWID;
CREATE TABLE stream (
  stream_seq       INTEGER PRIMARY KEY,
  table_name       TEXT NOT NULL,
  key              TEXT NOT NULL,
  event            TEXT NOT NULL,
  old_image        TEXT,
  new_image        TEXT,
  origin           TEXT NOT NULL,
  origin_seq       INTEGER NOT NULL,
  timestamp_us     INTEGER NOT NULL,
  commit_true_us   INTEGER NOT NULL,
  applied_true_us  INTEGER NOT NULL,
  is_local         INTEGER NOT NULL,
  shipped_state    TEXT,
  overwrote_origin TEXT,
  overwrote_seq    INTEGER,
  -- A replicated record's apply: applied_log reads these, NULL on local records.
  classification    TEXT,
  lost_origin       TEXT,
  lost_seq          INTEGER,
  lost_timestamp_us INTEGER,
  resurrected       INTEGER);
CREATE INDEX stream_local ON stream (origin_seq) WHERE is_local = 1;
CREATE TABLE stream_trims (
  table_name         TEXT NOT NULL,
  trimmed_true_us    INTEGER NOT NULL,
  through_stream_seq INTEGER NOT NULL,
  through_local_seq  INTEGER);
CREATE TABLE cursors (
  origin          TEXT PRIMARY KEY,
  applied_seq     INTEGER NOT NULL,
  updated_true_us INTEGER NOT NULL);
-- The applies the stream does not hold: those that changed nothing here, and those retention
-- took from the stream (Region::trim moves them here first).
CREATE TABLE applied_unstreamed (
  origin            TEXT NOT NULL,
  origin_seq        INTEGER NOT NULL,
  table_name        TEXT NOT NULL,
  key               TEXT NOT NULL,
  timestamp_us      INTEGER NOT NULL,
  commit_true_us    INTEGER NOT NULL,
  applied_true_us   INTEGER NOT NULL,
  classification    TEXT NOT NULL,
  changed           INTEGER NOT NULL,
  lost_origin       TEXT,
  lost_seq          INTEGER,
  lost_timestamp_us INTEGER,
  resurrected       INTEGER NOT NULL);
-- The applies the stream holds, with applied_unstreamed's columns: a replicated record exists only
-- for an apply that changed the item.
CREATE VIEW streamed_applies AS
  SELECT origin, origin_seq, table_name, key, timestamp_us, commit_true_us, applied_true_us,
         classification, 1 AS changed, lost_origin, lost_seq, lost_timestamp_us, resurrected
  FROM stream WHERE is_local = 0;
-- Every remote change applied here, one row per origin and origin_seq (docs/region-file.md).
CREATE VIEW applied_log AS
  SELECT * FROM streamed_applies UNION ALL SELECT * FROM applied_unstreamed;
CREATE TABLE purged_tombstones (
  table_name     TEXT NOT NULL,
  pk             TEXT NOT NULL,
  sk             TEXT NOT NULL,
  origin         TEXT NOT NULL,
  origin_seq     INTEGER NOT NULL,
  timestamp_us   INTEGER NOT NULL,
  history        TEXT NOT NULL,
  purged_true_us INTEGER NOT NULL,
  PRIMARY KEY (table_name, pk, sk)) WITHOUT ROWID;
)sql";

}  // namespace

std::string prepare(sql::Database& db, const std::string& path, const std::string& region_name,
                    FileMode mode) {
  // A private region works on an in-memory copy, whose journal is in memory already and which
  // has no locks or syncs to set: the Database holding the copy sets the file's own.
  if (mode == FileMode::kShared) {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
  }
  // Debian builds SQLite with SECURE_DELETE, which zeroes every cell a write frees: each item
  // update frees its old row. A simulator's files hold nothing to hide (docs/benchmarks.md).
  db.exec("PRAGMA secure_delete = OFF");
  int64_t version = db.query_int("PRAGMA user_version");
  if (version == 0) {
    sql::Transaction txn(db);
    db.exec(kCreate);
    sql::Statement(db, "INSERT INTO region_meta (key, value) VALUES ('name', ?1)")
        .bind(1, region_name)
        .run();
    db.exec("PRAGMA user_version = " + std::to_string(kVersion));
    txn.commit();
    return region_name;
  }
  if (version != kVersion) {
    throw DynamoError(ErrorType::kInternal,
                      path + " has region file schema version " + std::to_string(version) +
                          "; this gtsim reads version " + std::to_string(kVersion) +
                          " only (was it written by another gtsim version?)");
  }
  sql::Statement name(db, "SELECT value FROM region_meta WHERE key = 'name'");
  return name.step() ? name.column_text(0) : std::string();
}

}  // namespace gtsim::schema
