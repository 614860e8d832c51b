#include "scenarios/conflict_analysis.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/core.h>

#include "model/json_text.h"
#include "scenarios/units.h"

namespace gtsim::scenarios {
namespace {

// Each region's stream rows per (table, key), in stream order.
class StreamIndex {
 public:
  explicit StreamIndex(const RegionData& region) {
    for (const StreamRow& row : region.stream)
      rows_[{row.table, row.key}].push_back(&row);
  }

  // The version this region held for the row's item just before applying it: the latest change
  // of the item at or before the apply that another version caused.
  std::optional<Version> held_before(const AppliedRow& applied) const {
    auto found = rows_.find({applied.table, applied.key});
    if (found == rows_.end()) return std::nullopt;
    std::optional<Version> held;
    for (const StreamRow* row : found->second) {
      if (row->applied_us > applied.applied_us) break;
      if (row->version.id != applied.version.id) held = row->version;
    }
    return held;
  }

 private:
  std::map<std::pair<std::string, std::string>, std::vector<const StreamRow*>> rows_;
};

// Where a version was first discarded by LWW, and by what.
struct Discard {
  const AppliedRow* row = nullptr;
  std::string region;
  Version winner;
};

std::optional<Version> final_winner(const RegionData& region, const AppliedRow& row) {
  for (const FinalItem& item : region.items) {
    if (item.table == row.table && item.key == row.key) return item.state.version;
  }
  return std::nullopt;
}

}  // namespace

std::string lww_explanation(const Version& winner, const Version& loser) {
  if (winner.timestamp_us != loser.timestamp_us) {
    return fmt::format("{}'s write (ts {}) beat {}'s (ts {}): {} timestamp", winner.id.origin,
                       winner.timestamp_us, loser.id.origin, loser.timestamp_us,
                       winner.timestamp_us > loser.timestamp_us ? "later" : "earlier");
  }
  if (winner.id.origin != loser.id.origin) {
    return fmt::format("same timestamp (ts {}): region name {} > {}", winner.timestamp_us,
                       winner.id.origin, loser.id.origin);
  }
  return fmt::format("same timestamp (ts {}) and region {}: sequence {} > {}", winner.timestamp_us,
                     winner.id.origin, winner.id.seq, loser.id.seq);
}

void analyse_conflicts(const RunData& run, Report& report) {
  using ConflictId = std::tuple<std::string, std::string, VersionId, VersionId>;
  std::map<ConflictId, Conflict> conflicts;
  std::map<VersionId, Discard> discards;
  std::set<VersionId> in_final, built_on;

  for (const RegionData& region : run.regions) {
    const StreamIndex index(region);
    for (const AppliedRow& row : region.applied) {
      if (row.resurrected) {
        report.resurrections.push_back(
            {region.name, row.table, item_from_stored_text(row.key), row.version, row.applied_us,
             fmt::format("{}'s write #{} (ts {}) reached {} at {} after the item's tombstone had "
                         "been purged, so the delete it did not follow was forgotten and the item "
                         "came back",
                         row.version.id.origin, row.version.id.seq, row.version.timestamp_us,
                         region.name, format_duration(row.applied_us))});
      }
      if (row.classification != "concurrent" || !row.lost) continue;
      const bool incoming_lost = row.lost->id == row.version.id;
      std::optional<Version> winner = incoming_lost ? index.held_before(row) : row.version;
      if (!winner) winner = final_winner(region, row);  // the item came with a snapshot
      if (!winner) continue;
      const Version& loser = *row.lost;
      Conflict& conflict = conflicts[{row.table, row.key, winner->id, loser.id}];
      if (conflict.detected.empty()) {
        const Key key = item_from_stored_text(row.key);
        conflict = {row.table, key, *winner, loser, {}, lww_explanation(*winner, loser)};
      }
      conflict.detected.emplace_back(region.name, row.applied_us);
      auto [found, inserted] = discards.try_emplace(loser.id, Discard{&row, region.name, *winner});
      if (!inserted && std::tie(row.applied_us, region.name) <
                           std::tie(found->second.row->applied_us, found->second.region)) {
        found->second = {&row, region.name, *winner};
      }
    }
    for (const FinalItem& item : region.items) {
      in_final.insert(item.state.version.id);
      for (const auto& [name, cell] : item.state.cells)
        in_final.insert({cell.stamp.origin, cell.stamp.seq});
      if (item.state.replaced)
        in_final.insert({item.state.replaced->origin, item.state.replaced->seq});
    }
    for (const StreamRow& row : region.stream) {
      if (row.overwrote) built_on.insert(*row.overwrote);
    }
  }

  for (auto& [id, conflict] : conflicts) {
    std::sort(conflict.detected.begin(), conflict.detected.end(), [](const auto& a, const auto& b) {
      return std::tie(a.second, a.first) < std::tie(b.second, b.first);
    });
    report.conflicts.push_back(std::move(conflict));
  }
  std::stable_sort(report.conflicts.begin(), report.conflicts.end(),
                   [](const Conflict& a, const Conflict& b) {
                     return a.detected.front().second < b.detected.front().second;
                   });

  std::stable_sort(report.resurrections.begin(), report.resurrections.end(),
                   [](const Resurrection& a, const Resurrection& b) {
                     return std::tie(a.applied_us, a.region) < std::tie(b.applied_us, b.region);
                   });

  for (const HistoryOp& op : run.history.ops) {
    if (!op.is_write()) continue;
    for (const Version& version : op.versions()) {
      auto discard = discards.find(version.id);
      if (discard == discards.end() || in_final.contains(version.id) ||
          built_on.contains(version.id)) {
        continue;
      }
      const Discard& d = discard->second;
      report.lost_writes.push_back(
          {d.row->table, item_from_stored_text(d.row->key), version, op.op, op.operation,
           op.completed_us, d.winner,
           fmt::format("{} in {} was discarded in {} at {}: {}; no later write built on it",
                       op.operation, op.region, d.region, format_duration(d.row->applied_us),
                       lww_explanation(d.winner, version))});
    }
  }
}

}  // namespace gtsim::scenarios
