#include "viz/shiviz_log.h"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "model/errors.h"

namespace gtsim::viz {
namespace {

using nlohmann::json;
using VectorClock = std::map<std::string, int64_t>;

struct Event {
  Micros at_us = 0;
  int rank = 0;  // local events before receives at the same instant, so sends come first
  std::string region;
  std::string text;
  std::optional<VersionId> sends, receives;
  auto key() const { return std::tie(at_us, rank, region, text); }
};

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

}  // namespace

std::string shiviz_log(const RunIndex& index, const std::vector<std::string>& regions) {
  std::vector<Event> events;
  for (const auto& [item, story] : index.items()) {
    const std::string label = one_line(item_label(item));
    for (const StreamRow* write : story.writes) {
      const HistoryOp* op = index.op_of(write->version.id);
      events.push_back({write->commit_us, 0, write->version.id.origin,
                        fmt::format("{} {} -> {} (ts {}), sent to peers",
                                    op ? op->operation : std::string("write"), label,
                                    version_label(write->version.id), write->version.timestamp_us),
                        write->version.id, std::nullopt});
    }
    for (const Arrival& arrival : story.arrivals) {
      const AppliedRow& row = *arrival.row;
      events.push_back(
          {row.applied_us, 1, arrival.region,
           fmt::format("apply {} {}: {}{}", version_label(row.version.id), label,
                       row.classification,
                       row.lost ? ", LWW discarded " + version_label(row.lost->id) : std::string()),
           std::nullopt, row.version.id});
    }
  }
  for (const HistoryOp& op : index.run().history.ops) {
    if (op.is_write() || op.outcome != HistoryOp::Outcome::kOk) continue;
    std::string returned;
    for (const Version& v : op.versions())
      returned += fmt::format(" {}", version_label(v.id));
    std::string what = op.operation;
    if (op.request.contains("Key") && op.request.value("TableName", json()).is_string()) {
      what += " " + item_label({op.request["TableName"].get<std::string>(),
                                scenarios::canonical_key(op.request["Key"])});
    }
    events.push_back({op.invoked_us, 0, op.region,
                      one_line(fmt::format("{} (op {}) returned{}", what, op.op,
                                           returned.empty() ? " no item" : returned)),
                      std::nullopt, std::nullopt});
  }
  std::sort(events.begin(), events.end(),
            [](const Event& a, const Event& b) { return a.key() < b.key(); });

  std::map<std::string, VectorClock> clocks;
  for (const std::string& region : regions) {
    for (const std::string& other : regions)
      clocks[region][other] = 0;
  }
  std::map<VersionId, VectorClock> sent;
  std::string out = std::string(kShivizRegex) + "\n\n";
  for (const Event& event : events) {
    auto clock = clocks.find(event.region);
    if (clock == clocks.end()) {
      throw DynamoError(ErrorType::kValidation,
                        "region " + event.region + " is not one of the scenario's regions");
    }
    if (event.receives) {
      // A change whose commit no region file records (its origin's file is gone) merges nothing.
      if (auto from = sent.find(*event.receives); from != sent.end()) {
        for (const auto& [region, counter] : from->second)
          clock->second[region] = std::max(clock->second[region], counter);
      }
    }
    ++clock->second[event.region];
    if (event.sends) sent[*event.sends] = clock->second;
    out += event.text + "\n" + event.region + " " + json(clock->second).dump() + "\n";
  }
  return out;
}

}  // namespace gtsim::viz
