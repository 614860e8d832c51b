#include "conflict/item_state.h"

#include <nlohmann/json.hpp>

#include "model/errors.h"

namespace gtsim {

using nlohmann::json;

json version_to_json(const Version& version) {
  return {{"origin", version.id.origin}, {"seq", version.id.seq}, {"ts", version.timestamp_us}};
}

Version version_from_json(const json& j) {
  try {
    return Version{{j.at("origin").get<std::string>(), j.at("seq").get<uint64_t>()},
                   j.at("ts").get<int64_t>()};
  } catch (const json::exception& e) {
    throw_validation(std::string("malformed version: ") + e.what());
  }
}

json stamp_to_json(const LwwStamp& stamp) {
  return {{"origin", stamp.origin}, {"seq", stamp.seq}, {"ts", stamp.timestamp_us}};
}

LwwStamp stamp_from_json(const json& j) {
  Version v = version_from_json(j);
  return v.stamp();
}

json history_to_json(const VersionVector& history) {
  return history.counters();
}

VersionVector history_from_json(const json& j) {
  try {
    return VersionVector(j.get<std::map<std::string, uint64_t>>());
  } catch (const json::exception& e) {
    throw_validation(std::string("malformed version vector: ") + e.what());
  }
}

json state_metadata_to_json(const ItemState& state) {
  json out = {{"version", version_to_json(state.version)},
              {"history", history_to_json(state.history)}};
  if (!state.cells.empty()) {
    json cells = json::object();
    for (const auto& [name, cell] : state.cells) {
      json c = {{"stamp", stamp_to_json(cell.stamp)}};
      if (cell.value) c["value"] = cell.value->to_json();
      cells[name] = std::move(c);
    }
    out["cells"] = std::move(cells);
  }
  if (state.replaced) out["replaced"] = stamp_to_json(*state.replaced);
  return out;
}

ItemState state_from_json(const json& metadata, std::optional<Item> document) {
  if (!metadata.is_object()) throw_validation("malformed item state: not an object");
  ItemState state;
  state.document = std::move(document);
  state.version = version_from_json(metadata.value("version", json::object()));
  state.history = history_from_json(metadata.value("history", json::object()));
  if (metadata.contains("cells")) {
    const json& cells = metadata.at("cells");
    if (!cells.is_object()) throw_validation("malformed item state: cells is not an object");
    for (const auto& [name, c] : cells.items()) {
      AttributeCell cell;
      cell.stamp = stamp_from_json(c.value("stamp", json::object()));
      if (c.contains("value")) cell.value = AttributeValue::from_json(c.at("value"));
      state.cells.emplace(name, std::move(cell));
    }
  }
  if (metadata.contains("replaced")) state.replaced = stamp_from_json(metadata.at("replaced"));
  return state;
}

}  // namespace gtsim
