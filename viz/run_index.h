// RunIndex: lookups over a loaded run directory that every view of a run needs: which history
// operation acknowledged each version, and, per item, its writes, the arrivals of those writes in
// other regions and the changes each region made to it, all in time order.
//
// The index points into the RunData it was built from, which must outlive it.
// Thread-safety: immutable after construction.
#pragma once

#include <compare>
#include <map>
#include <string>
#include <vector>

#include "scenarios/run_data.h"

namespace gtsim::viz {

using scenarios::AppliedRow;
using scenarios::HistoryOp;
using scenarios::Micros;
using scenarios::RunData;
using scenarios::StreamRow;

// One item: its table and canonical key text (run_data.h's form).
struct ItemId {
  std::string table, key;
  auto operator<=>(const ItemId&) const = default;
};

// A remote version arriving in `region`.
struct Arrival {
  std::string region;
  const AppliedRow* row = nullptr;
};

// A change `region` made to the item: from row->applied_us on it held row->version.
struct Change {
  std::string region;
  const StreamRow* row = nullptr;
};

struct ItemStory {
  std::vector<const StreamRow*> writes;  // local writes at their origins, by commit time
  std::vector<Arrival> arrivals;         // by applied time, then region
  std::vector<Change> changes;           // by applied time, then region
};

class RunIndex {
 public:
  explicit RunIndex(const RunData& run);

  const RunData& run() const { return run_; }
  // The history operation whose ok response names `version`; nullptr when none does (a write
  // whose acknowledgement the history never recorded).
  const HistoryOp* op_of(const VersionId& version) const;
  // Every item any region wrote or received, by table and key.
  const std::map<ItemId, ItemStory>& items() const { return items_; }
  // nullptr when no region holds a trace of the item.
  const ItemStory* find(const ItemId& item) const;

 private:
  const RunData& run_;
  std::map<VersionId, const HistoryOp*> ops_;
  std::map<ItemId, ItemStory> items_;
};

// "users {id: \"42\"}": the table and the key in the form scenario files use.
std::string item_label(const ItemId& item);
// "us-east-1#3": a version's origin and origin sequence.
std::string version_label(const VersionId& version);

}  // namespace gtsim::viz
