#include "viz/explain.h"

#include <algorithm>
#include <set>

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include "model/plain_values.h"
#include "scenarios/units.h"

namespace gtsim::viz {
namespace {

using scenarios::format_duration;

bool same_item(const std::string& table, const Key& key, const ItemId& item) {
  return table == item.table && scenarios::canonical_key(item_to_json(key)) == item.key;
}

std::string table_names(const scenarios::Scenario& scenario) {
  std::string names;
  for (const scenarios::Table& table : scenario.tables)
    names += (names.empty() ? "" : ", ") + table.spec.name;
  return names;
}

// What the arrival of a remote version did, from the receiver's classification.
std::string arrival_outcome(const AppliedRow& row) {
  std::string text;
  if (row.classification == "supersedes") {
    text = row.changed ? "newer than what it held: applied"
                       : "newer: applied, nothing visible changed";
  } else if (row.classification == "stale") {
    text = "older than what it held: ignored";
  } else if (row.classification == "duplicate") {
    text = "already held: ignored";
  } else if (row.lost && row.lost->id == row.version.id) {
    text = "concurrent with what it held; LWW discarded it";
  } else if (row.lost) {
    text = fmt::format("concurrent with {}; LWW kept this version and discarded that one",
                       version_label(row.lost->id));
  } else {
    text = "concurrent: " + row.classification;
  }
  if (row.resurrected) text += "; it brought the item back after its tombstone was purged";
  return text;
}

void write_section(const RunIndex& index, const ItemStory& story, std::string& out) {
  out += "Writes, in commit order (lag = applied - committed, true time):\n";
  int number = 0;
  for (const StreamRow* write : story.writes) {
    const HistoryOp* op = index.op_of(write->version.id);
    out += fmt::format("  {}. {}  ts {}  {} in {} at {}", ++number,
                       version_label(write->version.id), write->version.timestamp_us,
                       op ? op->operation : std::string(write->removed ? "delete" : "write"),
                       write->version.id.origin, format_duration(write->commit_us));
    if (op) {
      out += fmt::format(", acknowledged at {} (op {})", format_duration(op->completed_us), op->op);
    }
    out += "\n";
    if (op && op->request.contains("Item")) {
      out += "     item: " + to_display_string(item_from_json(op->request["Item"])) + "\n";
    }
    out +=
        "     built on: " +
        (write->overwrote ? version_label(*write->overwrote) : std::string("nothing (new item)")) +
        "\n";
    for (const Arrival& arrival : story.arrivals) {
      if (arrival.row->version.id != write->version.id) continue;
      out += fmt::format("     -> {:<16} at {:<10} (+{}): {}\n", arrival.region,
                         format_duration(arrival.row->applied_us),
                         format_duration(arrival.row->applied_us - arrival.row->commit_us),
                         arrival_outcome(*arrival.row));
    }
  }
}

void held_section(const ItemStory& story, std::string& out) {
  out += "\nWhat each region held, from when:\n";
  std::set<std::string> regions;
  for (const Change& change : story.changes)
    regions.insert(change.region);
  for (const std::string& region : regions) {
    bool first = true;
    for (const Change& change : story.changes) {
      if (change.region != region) continue;
      const StreamRow& row = *change.row;
      out += fmt::format("  {:<16} {:>10}  {}{}  {}\n", first ? region : "",
                         format_duration(row.applied_us), version_label(row.version.id),
                         row.removed ? " (deleted: tombstone)" : "",
                         row.local ? "written here" : "arrived from " + row.version.id.origin);
      first = false;
    }
  }
}

void outcome_section(const scenarios::Report& report, const RunIndex& index, const ItemId& item,
                     const ItemStory& story, std::string& out) {
  out += "\nOutcome:\n";
  std::map<VersionId, std::vector<std::string>> holders;
  std::optional<Version> winner;
  for (const scenarios::RegionData& region : index.run().regions) {
    for (const scenarios::FinalItem& final_item : region.items) {
      if (final_item.table != item.table || final_item.key != item.key) continue;
      holders[final_item.state.version.id].push_back(region.name);
      if (!winner || winner->stamp() < final_item.state.version.stamp())
        winner = final_item.state.version;
    }
  }
  for (const auto& [version, regions] : holders) {
    std::string names;
    for (const std::string& region : regions)
      names += (names.empty() ? "" : ", ") + region;
    out += fmt::format("  {} holds {}\n", names, version_label(version));
  }
  if (holders.size() > 1) out += "  the replicas differ: replication had not finished\n";

  std::vector<Version> versions;
  for (const StreamRow* write : story.writes)
    versions.push_back(write->version);
  std::sort(versions.begin(), versions.end(),
            [](const Version& a, const Version& b) { return b.stamp() < a.stamp(); });
  std::string order;
  for (const Version& v : versions)
    order += (order.empty() ? "" : " > ") +
             fmt::format("{} (ts {})", version_label(v.id), v.timestamp_us);
  out += "  LWW order (timestamp, then region name): " + order + "\n";
  if (winner) out += fmt::format("  {} won", version_label(winner->id));
  out += winner ? ":\n" : "\n";

  for (const Version& v : versions) {
    if (winner && v.id == winner->id) continue;
    const scenarios::Conflict* conflict = nullptr;
    for (const scenarios::Conflict& c : report.conflicts) {
      if (c.loser.id == v.id && same_item(c.table, c.key, item)) conflict = &c;
    }
    if (conflict) {
      out += fmt::format("    over {}: concurrent (neither had seen the other); {}\n",
                         version_label(v.id), conflict->explanation);
      continue;
    }
    std::string successor;
    for (const Change& change : story.changes) {
      if (change.row->local && change.row->overwrote == v.id)
        successor = version_label(change.row->version.id);
    }
    out += fmt::format("    over {}: causally later{}\n", version_label(v.id),
                       successor.empty() ? " (a later write had seen it)"
                                         : " (" + successor + " was written on top of it)");
  }

  bool lost = false;
  for (const scenarios::LostWrite& w : report.lost_writes) {
    if (!same_item(w.table, w.key, item)) continue;
    out +=
        fmt::format("  LOST: {} ({} op {}, acknowledged at {}): {}\n", version_label(w.version.id),
                    w.operation, w.op, format_duration(w.acked_us), w.explanation);
    lost = true;
  }
  if (!lost) out += "  No acknowledged write to this item was lost.\n";
}

}  // namespace

ItemId parse_item(const scenarios::Scenario& scenario, const std::string& table,
                  const std::string& key_text) {
  std::string name = table;
  if (name.empty()) {
    if (scenario.tables.size() != 1) {
      throw DynamoError(
          ErrorType::kValidation,
          "the scenario has several tables (" + table_names(scenario) + "): name one with --table");
    }
    name = scenario.tables.front().spec.name;
  }
  const scenarios::Table* spec = scenario.find_table(name);
  if (!spec) {
    throw DynamoError(ErrorType::kValidation,
                      "unknown table " + name + "; the scenario has " + table_names(scenario));
  }
  YAML::Node node;
  try {
    node = YAML::Load(key_text);
  } catch (const YAML::Exception& e) {
    throw DynamoError(ErrorType::kValidation,
                      "KEY is not YAML or JSON (" + e.msg + "); write it as {id: \"42\"}");
  }
  if (!node.IsMap()) {
    throw DynamoError(ErrorType::kValidation, "KEY must be a map such as {id: \"42\"}");
  }
  const Key key = item_from_yaml(node);
  spec->spec.key_schema.validate_key(key);
  return {name, scenarios::canonical_key(item_to_json(key))};
}

std::string explain_item(const scenarios::Report& report, const RunIndex& index,
                         const ItemId& item) {
  const ItemStory* story = index.find(item);
  if (!story) {
    throw DynamoError(ErrorType::kValidation,
                      "no region wrote or received " + item_label(item) + " in this run");
  }
  size_t conflicts = 0, lost = 0;
  for (const scenarios::Conflict& c : report.conflicts)
    conflicts += same_item(c.table, c.key, item);
  for (const scenarios::LostWrite& w : report.lost_writes)
    lost += same_item(w.table, w.key, item);
  std::string out = fmt::format("{}: {} write(s), {} conflict(s), {} lost write(s)\n\n",
                                item_label(item), story->writes.size(), conflicts, lost);
  write_section(index, *story, out);
  held_section(*story, out);
  outcome_section(report, index, item, *story, out);
  return out;
}

}  // namespace gtsim::viz
