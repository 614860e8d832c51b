// TableCatalog: what the DynamoDB endpoint of one region knows about its tables beyond their key
// schema: when each was created, its stream settings and which regions hold its replicas.
//
// The Region holds the items; this holds the control-plane facts DynamoDB's DescribeTable shows.
// It is kept in a small JSON file beside the region's SQLite file, so a crashed and restarted
// region still knows its replicas and stream. A table the region holds that the catalog has never
// seen (created by a scenario, which makes every table global in every region) is described with
// a replica in every region of the cluster and a NEW_AND_OLD_IMAGES stream.
//
// Errors: DynamoError(kInternal) when the file cannot be written.
// Thread-safety: not thread-safe; one owner.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace gtsim::api {

struct TableMeta {
  int64_t created_epoch_us = 0;
  bool stream_enabled = false;
  std::string stream_view_type;   // NEW_AND_OLD_IMAGES, NEW_IMAGE, OLD_IMAGE or KEYS_ONLY
  std::string stream_label;       // set when the stream was enabled, e.g. 2024-05-01T10:00:00.123
  uint64_t stream_start_seq = 0;  // the region's stream sequence when the stream was enabled
  std::string billing_mode = "PAY_PER_REQUEST";
  int64_t read_capacity = 0;
  int64_t write_capacity = 0;
  std::set<std::string> replicas;  // region names, this one included

  bool is_global() const { return replicas.size() > 1; }
};

class TableCatalog {
 public:
  // `path` empty: kept in memory only. Reads the file when it exists.
  TableCatalog(std::string path, std::string region, std::vector<std::string> peers);

  // The table's facts; for a table never recorded, the defaults described above, recorded now.
  TableMeta& meta(const std::string& table, int64_t epoch_us);
  // Records new facts for `table` (after any change) and saves the file.
  void put(const std::string& table, const TableMeta& meta);
  void erase(const std::string& table);

  const std::string& region() const { return region_; }
  const std::vector<std::string>& peers() const { return peers_; }

 private:
  void save() const;

  std::string path_;
  std::string region_;
  std::vector<std::string> peers_;
  std::map<std::string, TableMeta> tables_;
};

// DynamoDB's stream label for a stream enabled at `epoch_us`: ISO 8601 with milliseconds, UTC.
std::string stream_label(int64_t epoch_us);

}  // namespace gtsim::api
