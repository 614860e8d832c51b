// The layout of a region file (SQLite), version 1. docs/region-file.md describes every table
// and column for people reading a region file with sqlite3.
//
// Thread-safety: call once per connection, before anything else uses it.
#pragma once

#include <string>

#include "regions/sqlite.h"

namespace gtsim::schema {

// The schema version this build writes and reads (PRAGMA user_version).
constexpr int kVersion = 1;

// Sets the connection's pragmas (WAL, synchronous=NORMAL: a committed transaction survives the
// process being killed), creates the schema in a new file and records `region_name` there.
// Returns the region name the file belongs to. Throws DynamoError(kInternal) when the file has a
// schema version this build does not know.
std::string prepare(sql::Database& db, const std::string& path, const std::string& region_name);

}  // namespace gtsim::schema
