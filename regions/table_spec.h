// TableSpec: what a scenario declares about one global table.
//
// Thread-safety: value type.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "model/key_schema.h"

namespace gtsim {

// How a region stamps its local writes (DESIGN.md section 4).
enum class TimestampPolicy {
  // max(clock, current item timestamp + 1): a write always supersedes what its region saw, as
  // DynamoDB behaves for sequential writes.
  kMonotonicPerItem,
  // The raw clock: under skew a later write can lose on arrival (a teaching case).
  kWallclock,
};

const char* timestamp_policy_name(TimestampPolicy policy);
// Throws DynamoError(kValidation) for an unknown name.
TimestampPolicy timestamp_policy_from_name(const std::string& name);

constexpr int64_t kDefaultRetentionUs = 24LL * 3600 * 1000 * 1000;

struct TableSpec {
  std::string name;
  KeySchema key_schema;
  std::string conflict_policy = "lww";
  TimestampPolicy timestamp_policy = TimestampPolicy::kMonotonicPerItem;
  int64_t tombstone_retention_us = kDefaultRetentionUs;
  int64_t stream_retention_us = kDefaultRetentionUs;

  // Throws DynamoError(kValidation) for a bad name, key schema or policy.
  void validate() const;
  bool operator==(const TableSpec&) const = default;
};

nlohmann::json table_spec_to_json(const TableSpec& spec);
// Throws DynamoError(kValidation) on malformed input.
TableSpec table_spec_from_json(const nlohmann::json& json);

}  // namespace gtsim
