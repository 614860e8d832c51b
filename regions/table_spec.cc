#include "regions/table_spec.h"

#include <nlohmann/json.hpp>

#include "conflict/policy.h"
#include "model/errors.h"

namespace gtsim {

const char* timestamp_policy_name(TimestampPolicy policy) {
  return policy == TimestampPolicy::kWallclock ? "wallclock" : "monotonic-per-item";
}

TimestampPolicy timestamp_policy_from_name(const std::string& name) {
  if (name == "monotonic-per-item") return TimestampPolicy::kMonotonicPerItem;
  if (name == "wallclock") return TimestampPolicy::kWallclock;
  throw_validation("unknown timestamp policy '" + name +
                   "'; known policies: monotonic-per-item, wallclock");
}

void TableSpec::validate() const {
  // DynamoDB: 3 to 255 characters of a-z, A-Z, 0-9, '_', '-', '.'.
  bool name_ok = name.size() >= 3 && name.size() <= 255 &&
                 name.find_first_not_of(
                     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789_-.") == std::string::npos;
  if (!name_ok) {
    throw_validation("1 validation error detected: Value '" + name +
                     "' at 'tableName' failed to satisfy constraint: Member must satisfy regular "
                     "expression pattern: [a-zA-Z0-9_.-]+ and have length between 3 and 255");
  }
  key_schema.validate();
  policy_by_name(conflict_policy);
  if (tombstone_retention_us <= 0 || stream_retention_us <= 0) {
    throw_validation("retention periods must be positive");
  }
}

namespace {

nlohmann::json key_attribute_to_json(const KeyAttribute& a) {
  return {{"name", a.name}, {"type", type_descriptor(a.type)}};
}

KeyAttribute key_attribute_from_json(const nlohmann::json& j) {
  KeyAttribute a;
  a.name = j.at("name").get<std::string>();
  if (!parse_type_descriptor(j.at("type").get<std::string>(), &a.type)) {
    throw_validation("bad key attribute type in table spec");
  }
  return a;
}

}  // namespace

nlohmann::json table_spec_to_json(const TableSpec& spec) {
  nlohmann::json j = {{"name", spec.name},
                      {"partition_key", key_attribute_to_json(spec.key_schema.partition)},
                      {"conflict_policy", spec.conflict_policy},
                      {"timestamp_policy", timestamp_policy_name(spec.timestamp_policy)},
                      {"tombstone_retention_us", spec.tombstone_retention_us},
                      {"stream_retention_us", spec.stream_retention_us}};
  if (spec.key_schema.sort) j["sort_key"] = key_attribute_to_json(*spec.key_schema.sort);
  return j;
}

TableSpec table_spec_from_json(const nlohmann::json& j) {
  try {
    TableSpec spec;
    spec.name = j.at("name").get<std::string>();
    spec.key_schema.partition = key_attribute_from_json(j.at("partition_key"));
    if (j.contains("sort_key")) spec.key_schema.sort = key_attribute_from_json(j.at("sort_key"));
    spec.conflict_policy = j.at("conflict_policy").get<std::string>();
    spec.timestamp_policy = timestamp_policy_from_name(j.at("timestamp_policy").get<std::string>());
    spec.tombstone_retention_us = j.at("tombstone_retention_us").get<int64_t>();
    spec.stream_retention_us = j.at("stream_retention_us").get<int64_t>();
    spec.validate();
    return spec;
  } catch (const nlohmann::json::exception& e) {
    throw_validation(std::string("malformed table spec: ") + e.what());
  }
}

}  // namespace gtsim
