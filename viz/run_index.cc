#include "viz/run_index.h"

#include <algorithm>
#include <tuple>

#include <fmt/core.h>

#include "model/json_text.h"

namespace gtsim::viz {

RunIndex::RunIndex(const RunData& run) : run_(run) {
  for (const HistoryOp& op : run.history.ops) {
    for (const Version& version : op.versions())
      ops_.emplace(version.id, &op);
  }
  for (const scenarios::RegionData& region : run.regions) {
    for (const StreamRow& row : region.stream) {
      ItemStory& story = items_[{row.table, row.key}];
      if (row.local) story.writes.push_back(&row);
      story.changes.push_back({region.name, &row});
    }
    for (const AppliedRow& row : region.applied)
      items_[{row.table, row.key}].arrivals.push_back({region.name, &row});
  }
  for (auto& [item, story] : items_) {
    std::sort(story.writes.begin(), story.writes.end(), [](const StreamRow* a, const StreamRow* b) {
      return std::tie(a->commit_us, a->version.id) < std::tie(b->commit_us, b->version.id);
    });
    std::sort(story.arrivals.begin(), story.arrivals.end(), [](const Arrival& a, const Arrival& b) {
      return std::tie(a.row->applied_us, a.region, a.row->version.id) <
             std::tie(b.row->applied_us, b.region, b.row->version.id);
    });
    std::stable_sort(
        story.changes.begin(), story.changes.end(), [](const Change& a, const Change& b) {
          return std::tie(a.row->applied_us, a.region) < std::tie(b.row->applied_us, b.region);
        });
  }
}

const HistoryOp* RunIndex::op_of(const VersionId& version) const {
  auto found = ops_.find(version);
  return found == ops_.end() ? nullptr : found->second;
}

const ItemStory* RunIndex::find(const ItemId& item) const {
  auto found = items_.find(item);
  return found == items_.end() ? nullptr : &found->second;
}

std::string item_label(const ItemId& item) {
  return item.table + " " + to_display_string(item_from_stored_text(item.key));
}

std::string version_label(const VersionId& version) {
  return fmt::format("{}#{}", version.origin, version.seq);
}

}  // namespace gtsim::viz
