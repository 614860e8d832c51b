// The story of one item, for `gtsim explain RUN_DIR KEY`: every version in time order with where
// it was written and when each region applied it, what each region held from when, which version
// won and why (LWW order: timestamp, then region name; concurrent or causally later), and whether
// any acknowledged write was lost.
//
// Plain text for a terminal; times are true milliseconds since the run started, as in the summary.
// Thread-safety: reentrant.
#pragma once

#include <string>

#include "scenarios/report.h"
#include "scenarios/scenario.h"
#include "viz/run_index.h"

namespace gtsim::viz {

// The item that `key_text` names: a key as plain YAML or JSON (`{id: "42"}`) of `table`, which
// may be empty when the scenario has a single table. Throws DynamoError(kValidation) when the
// text is not a key of that table, or the table is unknown or must be given.
ItemId parse_item(const scenarios::Scenario& scenario, const std::string& table,
                  const std::string& key_text);

// Throws DynamoError(kValidation) when no region ever wrote or received the item.
std::string explain_item(const scenarios::Report& report, const RunIndex& index,
                         const ItemId& item);

}  // namespace gtsim::viz
