#include "api/table_catalog.h"

#include <ctime>
#include <filesystem>
#include <fstream>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "model/errors.h"

namespace gtsim::api {

using nlohmann::json;

namespace {

json meta_to_json(const TableMeta& m) {
  return {{"created_epoch_us", m.created_epoch_us},
          {"stream_enabled", m.stream_enabled},
          {"stream_view_type", m.stream_view_type},
          {"stream_label", m.stream_label},
          {"stream_start_seq", m.stream_start_seq},
          {"billing_mode", m.billing_mode},
          {"read_capacity", m.read_capacity},
          {"write_capacity", m.write_capacity},
          {"replicas", m.replicas}};
}

TableMeta meta_from_json(const json& j) {
  TableMeta m;
  m.created_epoch_us = j.at("created_epoch_us").get<int64_t>();
  m.stream_enabled = j.at("stream_enabled").get<bool>();
  m.stream_view_type = j.at("stream_view_type").get<std::string>();
  m.stream_label = j.at("stream_label").get<std::string>();
  m.stream_start_seq = j.at("stream_start_seq").get<uint64_t>();
  m.billing_mode = j.at("billing_mode").get<std::string>();
  m.read_capacity = j.at("read_capacity").get<int64_t>();
  m.write_capacity = j.at("write_capacity").get<int64_t>();
  m.replicas = j.at("replicas").get<std::set<std::string>>();
  return m;
}

}  // namespace

std::string stream_label(int64_t epoch_us) {
  std::time_t seconds = epoch_us / 1'000'000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                     (epoch_us / 1000) % 1000);
}

TableCatalog::TableCatalog(std::string path, std::string region, std::vector<std::string> peers)
    : path_(std::move(path)), region_(std::move(region)), peers_(std::move(peers)) {
  if (path_.empty() || !std::filesystem::exists(path_)) return;
  try {
    std::ifstream in(path_);
    json tables = json::parse(in);
    for (auto it = tables.begin(); it != tables.end(); ++it)
      tables_[it.key()] = meta_from_json(it.value());
  } catch (const json::exception& e) {
    throw DynamoError(ErrorType::kInternal,
                      "table catalog " + path_ + " is malformed: " + e.what());
  }
}

TableMeta& TableCatalog::meta(const std::string& table, int64_t epoch_us) {
  auto it = tables_.find(table);
  if (it != tables_.end()) return it->second;
  TableMeta m;
  m.created_epoch_us = epoch_us;
  m.stream_enabled = true;
  m.stream_view_type = "NEW_AND_OLD_IMAGES";
  m.stream_label = stream_label(epoch_us);
  m.replicas.insert(region_);
  m.replicas.insert(peers_.begin(), peers_.end());
  put(table, m);
  return tables_[table];
}

void TableCatalog::put(const std::string& table, const TableMeta& meta) {
  tables_[table] = meta;
  save();
}

void TableCatalog::erase(const std::string& table) {
  tables_.erase(table);
  save();
}

void TableCatalog::save() const {
  if (path_.empty()) return;
  json tables = json::object();
  for (const auto& [name, m] : tables_)
    tables[name] = meta_to_json(m);
  // Write then rename, so a crash never leaves half a file.
  std::string temp = path_ + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << tables.dump(2) << "\n";
    if (!out) throw DynamoError(ErrorType::kInternal, "cannot write " + temp);
  }
  std::error_code ec;
  std::filesystem::rename(temp, path_, ec);
  if (ec) throw DynamoError(ErrorType::kInternal, "cannot write " + path_ + ": " + ec.message());
}

}  // namespace gtsim::api
