#include "regions/snapshot_json.h"

#include <nlohmann/json.hpp>

#include "model/errors.h"

namespace gtsim {

nlohmann::json snapshot_to_json(const Snapshot& snapshot) {
  nlohmann::json tables = nlohmann::json::array(), items = nlohmann::json::array();
  for (const TableSpec& table : snapshot.tables)
    tables.push_back(table_spec_to_json(table));
  for (const ChangeRecord& item : snapshot.items)
    items.push_back(change_record_to_json(item));
  return {{"tables", tables}, {"items", items}, {"cursors", snapshot.cursors}};
}

Snapshot snapshot_from_json(const nlohmann::json& json) {
  Snapshot snapshot;
  try {
    for (const nlohmann::json& table : json.at("tables"))
      snapshot.tables.push_back(table_spec_from_json(table));
    for (const nlohmann::json& item : json.at("items"))
      snapshot.items.push_back(change_record_from_json(item));
    snapshot.cursors = json.at("cursors").get<std::map<std::string, uint64_t>>();
  } catch (const nlohmann::json::exception& e) {
    throw_validation(std::string("malformed snapshot: ") + e.what());
  }
  return snapshot;
}

}  // namespace gtsim
