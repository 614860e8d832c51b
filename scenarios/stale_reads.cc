#include "scenarios/stale_reads.h"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/core.h>

#include "model/errors.h"
#include "model/json_text.h"
#include "scenarios/units.h"

namespace gtsim::scenarios {
namespace {

struct AckedWrite {
  Micros acked_us = 0;
  Version version;
  bool removed = false;
  const HistoryOp* op = nullptr;
};

// The acknowledged writes of one item by acknowledgement time, with for each prefix the
// LWW-newest write and since when the newest has been an item rather than a delete.
class ItemWrites {
 public:
  void add(AckedWrite write) { writes_.push_back(std::move(write)); }

  void finish() {
    std::sort(writes_.begin(), writes_.end(), [](const AckedWrite& a, const AckedWrite& b) {
      return std::tie(a.acked_us, a.version.id) < std::tie(b.acked_us, b.version.id);
    });
    for (size_t i = 0; i < writes_.size(); ++i) {
      Prefix prefix{i, std::nullopt};
      if (i > 0) {
        prefix = prefixes_.back();
        if (writes_[prefix.newest].version.stamp() < writes_[i].version.stamp()) prefix.newest = i;
      }
      if (writes_[prefix.newest].removed) {
        prefix.item_since = std::nullopt;
      } else if (!prefix.item_since) {
        prefix.item_since = writes_[i].acked_us;
      }
      prefixes_.push_back(prefix);
    }
  }

  // For a read invoked at `invoked_us` that returned `returned` (nullopt: no item): the newest
  // write it missed and since when its answer had been out of date, if it was stale.
  std::optional<std::pair<const AckedWrite*, Micros>> missed(
      Micros invoked_us, const std::optional<Version>& returned) const {
    const size_t known = static_cast<size_t>(
        std::partition_point(writes_.begin(), writes_.end(),
                             [&](const AckedWrite& w) { return w.acked_us < invoked_us; }) -
        writes_.begin());
    if (known == 0) return std::nullopt;
    const AckedWrite& newest = writes_[prefixes_[known - 1].newest];
    if (!returned) {
      if (newest.removed) return std::nullopt;
      return std::pair{&newest, *prefixes_[known - 1].item_since};
    }
    if (newest.version.stamp() <= returned->stamp()) return std::nullopt;
    // The newest-so-far only grows, so the first prefix newer than the answer is found by halving.
    auto first = std::partition_point(
        prefixes_.begin(), prefixes_.begin() + known,
        [&](const Prefix& p) { return writes_[p.newest].version.stamp() <= returned->stamp(); });
    return std::pair{&newest, writes_[first - prefixes_.begin()].acked_us};
  }

 private:
  struct Prefix {
    size_t newest = 0;
    std::optional<Micros> item_since;  // nullopt while the newest is a delete
  };
  std::vector<AckedWrite> writes_;
  std::vector<Prefix> prefixes_;
};

using ItemId = std::pair<std::string, std::string>;  // (table, canonical key)

std::string describe(const std::optional<Version>& version) {
  if (!version) return "no item";
  return fmt::format("{}'s version (ts {})", version->id.origin, version->timestamp_us);
}

}  // namespace

void analyse_stale_reads(const RunData& run, Report& report) {
  std::map<ItemId, ItemWrites> items;
  for (const HistoryOp& op : run.history.ops) {
    if (!op.is_write()) continue;
    for (const Version& version : op.versions()) {
      auto write = run.writes.find(version.id);
      if (write == run.writes.end()) continue;  // trimmed from its origin's stream
      items[{write->second->table, write->second->key}].add(
          {op.completed_us, version, write->second->removed, &op});
    }
  }
  for (auto& [id, writes] : items)
    writes.finish();

  auto check = [&](const HistoryOp& op, const ItemId& id, const std::optional<Version>& returned) {
    auto writes = items.find(id);
    if (writes == items.end()) return;
    auto missed = writes->second.missed(op.invoked_us, returned);
    if (!missed) return;
    const AckedWrite& newest = *missed->first;
    report.stale_reads.push_back(
        {op.op, op.region, op.operation, op.request.value("ConsistentRead", false), id.first,
         item_from_stored_text(id.second), op.invoked_us, returned, newest.version, newest.acked_us,
         op.invoked_us - missed->second,
         fmt::format("{} in {} at {} returned {}, though {}'s write (ts {}) had been acknowledged "
                     "in {} {} before; stale for {}",
                     op.operation, op.region, format_duration(op.invoked_us), describe(returned),
                     newest.version.id.origin, newest.version.timestamp_us, newest.op->region,
                     format_duration(op.invoked_us - newest.acked_us),
                     format_duration(op.invoked_us - missed->second))});
  };

  for (const HistoryOp& op : run.history.ops) {
    if (op.outcome != HistoryOp::Outcome::kOk) continue;
    if (op.operation == "GetItem") {
      const std::vector<Version> versions = op.versions();
      if (!op.request.contains("TableName") || !op.request.contains("Key") ||
          op.response.contains("Item") != !versions.empty()) {
        throw DynamoError(
            ErrorType::kValidation,
            fmt::format("history.jsonl: op {}: a GetItem needs TableName and Key, and "
                        "its response a Version with its Item",
                        op.op));
      }
      std::optional<Version> returned;
      if (!versions.empty()) returned = versions.front();
      check(op, {op.request["TableName"].get<std::string>(), canonical_key(op.request["Key"])},
            returned);
    } else if (op.operation == "Query" || op.operation == "Scan") {
      for (const Version& version : op.versions()) {
        auto write = run.writes.find(version.id);
        if (write != run.writes.end())
          check(op, {write->second->table, write->second->key}, version);
      }
    }
  }
}

}  // namespace gtsim::scenarios
