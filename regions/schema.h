// The layout of a region file (SQLite), version 4. docs/region-file.md describes every table
// and column for people reading a region file with sqlite3.
//
// Thread-safety: call once per connection, before anything else uses it.
#pragma once

#include <string>

#include "regions/file_mode.h"
#include "regions/sqlite.h"

namespace gtsim::schema {

// The schema version this build writes and reads (PRAGMA user_version).
constexpr int kVersion = 4;

// Writes an item row, inserting it or replacing the row of the same key. ?1..?10 bind the items
// columns in declaration order. The region decides last-writer-wins before it runs this; `gtsim
// bench` times this very statement as the disk's own limit.
constexpr const char* kUpsertItem =
    "INSERT INTO items (table_name, pk, sk, key, document, origin, origin_seq, timestamp_us, "
    "state, deleted_true_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT "
    "(table_name, pk, sk) DO UPDATE SET document = ?5, origin = ?6, origin_seq = ?7, "
    "timestamp_us = ?8, state = ?9, deleted_true_us = ?10";

// The origin sequence number of this region's latest local write (0 before any). Every local
// write appends a stream record and only retention removes them, noting in stream_trims how far
// it removed: so the counter is derived, not written with every write.
constexpr const char* kLastLocalSeq =
    "SELECT MAX((SELECT COALESCE(MAX(origin_seq), 0) FROM stream WHERE is_local = 1), "
    "(SELECT COALESCE(MAX(through_local_seq), 0) FROM stream_trims))";

// The highest stream sequence number ever used (0 before any), trimmed ones included. The region
// numbers its stream records past it itself: SQLite's AUTOINCREMENT, which would also never reuse
// one, writes its counter row with every insert.
constexpr const char* kLastStreamSeq =
    "SELECT MAX((SELECT COALESCE(MAX(stream_seq), 0) FROM stream), "
    "(SELECT COALESCE(MAX(through_stream_seq), 0) FROM stream_trims))";

// Sets the connection's pragmas (under FileMode::kShared WAL with synchronous = NORMAL; under
// kPrivate none, since `db` is then the in-memory copy of sql::Residence::kMemory, which sets the
// file's own; in both, freed space is not zeroed: secure_delete off), creates the schema in a new
// file and records `region_name` there. Returns the region name the file belongs to. Throws
// DynamoError(kInternal) when the file has a schema version this build does not know.
std::string prepare(sql::Database& db, const std::string& path, const std::string& region_name,
                    FileMode mode = FileMode::kShared);

}  // namespace gtsim::schema
