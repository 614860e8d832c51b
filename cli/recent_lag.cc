#include "cli/recent_lag.h"

#include <filesystem>

#include "model/errors.h"
#include "regions/sqlite.h"

namespace gtsim {

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
      sql::Statement rows(db,
                          "SELECT origin, COUNT(*), SUM(applied_true_us - commit_true_us), "
                          "MAX(applied_true_us - commit_true_us) FROM applied_log "
                          "WHERE applied_true_us >= ? GROUP BY origin");
      rows.bind(1, since_true_us);
      while (rows.step()) {
        lag.count += rows.column_int(1);
        total_us += rows.column_int(2);
        if (rows.column_int(3) >= lag.max_us) {
          lag.max_us = rows.column_int(3);
          lag.worst_link = rows.column_text(0) + "->" + region;
        }
      }
    } catch (const DynamoError&) {
      continue;  // busy or not yet a region file: the next refresh reads it
    }
  }
  if (lag.count > 0) lag.avg_us = total_us / lag.count;
  return lag;
}

}  // namespace gtsim
