#include "regions/change_record.h"

#include <nlohmann/json.hpp>

#include "model/errors.h"

namespace gtsim {

using nlohmann::json;

const char* stream_event_name(StreamEvent event) {
  switch (event) {
    case StreamEvent::kInsert:
      return "INSERT";
    case StreamEvent::kModify:
      return "MODIFY";
    case StreamEvent::kRemove:
      return "REMOVE";
  }
  return "MODIFY";
}

StreamEvent stream_event_from_name(const std::string& name) {
  if (name == "INSERT") return StreamEvent::kInsert;
  if (name == "MODIFY") return StreamEvent::kModify;
  if (name == "REMOVE") return StreamEvent::kRemove;
  throw_validation("unknown stream event '" + name + "'");
}

bool ChangeRecord::operator==(const ChangeRecord& other) const {
  return table == other.table && key == other.key && event == other.event &&
         version == other.version && state == other.state && overwrote == other.overwrote &&
         commit_true_us == other.commit_true_us;
}

json change_record_to_json(const ChangeRecord& r) {
  json j = {{"table", r.table},
            {"key", item_to_json(r.key)},
            {"event", stream_event_name(r.event)},
            {"version", version_to_json(r.version)},
            {"state", state_metadata_to_json(r.state)},
            {"commit_true_us", r.commit_true_us}};
  if (r.state.document) j["new_image"] = item_to_json(r.state.document->tree());
  if (r.overwrote) j["overwrote"] = {{"origin", r.overwrote->origin}, {"seq", r.overwrote->seq}};
  return j;
}

ChangeRecord change_record_from_json(const json& j) {
  try {
    ChangeRecord r;
    r.table = j.at("table").get<std::string>();
    r.key = item_from_json(j.at("key"));
    r.event = stream_event_from_name(j.at("event").get<std::string>());
    r.version = version_from_json(j.at("version"));
    std::optional<Item> document;
    if (j.contains("new_image")) document = item_from_json(j.at("new_image"));
    r.state = state_from_json(j.at("state"), std::move(document));
    if (j.contains("overwrote")) {
      r.overwrote = VersionId{j.at("overwrote").at("origin").get<std::string>(),
                              j.at("overwrote").at("seq").get<uint64_t>()};
    }
    r.commit_true_us = j.at("commit_true_us").get<int64_t>();
    return r;
  } catch (const json::exception& e) {
    throw_validation(std::string("malformed change record: ") + e.what());
  }
}

}  // namespace gtsim
