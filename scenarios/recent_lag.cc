#include "scenarios/recent_lag.h"

#include <filesystem>

#include "model/errors.h"
#include "regions/sqlite.h"

namespace gtsim::scenarios {

RecentLag recent_lag(const std::map<std::string, std::string>& region_files,
                     int64_t since_true_us) {
  RecentLag lag;
  int64_t total_us = 0;
  for (const auto& [region, path] : region_files) {
    // Opening creates a missing file; a region that has not started yet has none to read.
    if (!std::filesystem::exists(path)) continue;
    try {
      sql::Database db(path);
      db.exec("PRAGMA query_only = ON");
      auto add = [&](const std::string& origin, int64_t lag_us) {
        ++lag.count;
        total_us += lag_us;
        if (lag_us >= lag.max_us) {
          lag.max_us = lag_us;
          lag.worst_link = origin + "->" + region;
        }
      };
      // applied_log's two tables (docs/region-file.md). The stream is numbered in the order its
      // records were applied, so the window is its tail: read backwards, it ends at the first
      // record before the window, where the whole table would be read twice a second.
      sql::Statement stream(db,
                            "SELECT applied_true_us, is_local, origin, applied_true_us - "
                            "commit_true_us FROM stream ORDER BY stream_seq DESC");
      while (stream.step() && stream.column_int(0) >= since_true_us) {
        if (stream.column_int(1) == 0) add(stream.column_text(2), stream.column_int(3));
      }
      // The applies the stream does not hold are few, but a trim appends old ones: filtered.
      sql::Statement unstreamed(db,
                                "SELECT origin, applied_true_us - commit_true_us FROM "
                                "applied_unstreamed WHERE applied_true_us >= ?1");
      unstreamed.bind(1, since_true_us);
      while (unstreamed.step())
        add(unstreamed.column_text(0), unstreamed.column_int(1));
    } catch (const DynamoError&) {
      continue;  // busy or not yet a region file: the next refresh reads it
    }
  }
  if (lag.count > 0) lag.avg_us = total_us / lag.count;
  return lag;
}

}  // namespace gtsim::scenarios
