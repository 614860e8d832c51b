// The JSON form of a Snapshot (regions/region.h), in which the control channel carries a full
// copy from a live replica to a new one (add-replica backfill).
//
// {"tables": [table specs], "items": [change records], "cursors": {origin: sequence}}, each part
// in the codec of its own type (table_spec.h, change_record.h).
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "regions/region.h"

namespace gtsim {

nlohmann::json snapshot_to_json(const Snapshot& snapshot);
// Throws DynamoError(kValidation) on malformed input (it reads what the control channel carries).
Snapshot snapshot_from_json(const nlohmann::json& json);

}  // namespace gtsim
