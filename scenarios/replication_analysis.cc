#include "scenarios/replication_analysis.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "model/json_text.h"
#include "scenarios/lag_stats.h"

namespace gtsim::scenarios {
namespace {

// Keys of a divergence listed in the report; the count covers them all.
constexpr size_t kDivergenceExamples = 10;

using Samples = std::vector<std::pair<Micros, int64_t>>;  // (sample time, pending)

// Whether a recovery fault concerns `link`: the links a heal or resume names in its detail
// ("healed" or "links": [{"from", "to"}]), the restarted region's links; every link when the
// detail does not say.
bool concerns(const HistoryFault& fault, const LinkId& link) {
  for (const char* field : {"healed", "links"}) {
    if (!fault.detail.contains(field) || !fault.detail[field].is_array()) continue;
    return std::any_of(
        fault.detail[field].begin(), fault.detail[field].end(), [&](const nlohmann::json& l) {
          return l.value("from", "") == link.first && l.value("to", "") == link.second;
        });
  }
  if (fault.detail.contains("region") && fault.detail["region"].is_string()) {
    const std::string region = fault.detail["region"].get<std::string>();
    return link.first == region || link.second == region;
  }
  return true;
}

// The catch-up of `link` after `fault`, if the link had a backlog to drain right after it.
std::optional<CatchUp> catch_up(const HistoryFault& fault, const LinkId& link,
                                const Samples& samples, const std::set<Micros>& blocked) {
  auto first = std::lower_bound(samples.begin(), samples.end(),
                                std::pair<Micros, int64_t>{fault.at_us, INT64_MIN});
  if (first == samples.end() || first->second == 0 || blocked.contains(first->first)) {
    return std::nullopt;
  }
  CatchUp result{fault.fault, fault.line, fault.at_us, link, first->second, 0, std::nullopt};
  // The backlog began after the last sample before the fault that had none.
  auto begin = first;
  while (begin != samples.begin() && std::prev(begin)->second != 0)
    --begin;
  for (auto it = begin; it != samples.end(); ++it) {
    if (it >= first && it->second == 0) {
      result.catch_up_us = it->first - fault.at_us;
      break;
    }
    result.peak = std::max(result.peak, it->second);
  }
  return result;
}

// Visible item (document and winning version) per key of one table in one region.
using Visible = std::map<std::string, const ItemState*>;

Visible visible_items(const RegionData& region, const std::string& table) {
  Visible out;
  for (const FinalItem& item : region.items) {
    if (item.table == table && item.state.document) out[item.key] = &item.state;
  }
  return out;
}

bool same_visible(const ItemState* a, const ItemState* b) {
  if (a == nullptr || b == nullptr) return a == b;
  return a->document == b->document && a->version == b->version;
}

}  // namespace

void analyse_lag(const RunData& run, Report& report) {
  report.bucket_width_us = bucket_width(report.run_length_us);
  std::map<LinkId, std::vector<std::pair<Micros, Micros>>> by_link;
  for (const std::string& from : report.regions) {
    for (const std::string& to : report.regions) {
      if (from != to) by_link[{from, to}];
    }
  }
  std::vector<std::pair<Micros, Micros>> all;
  for (const RegionData& region : run.regions) {
    for (const AppliedRow& row : region.applied) {
      const std::pair<Micros, Micros> sample{row.commit_us, row.applied_us - row.commit_us};
      by_link[{row.version.id.origin, region.name}].push_back(sample);
      all.push_back(sample);
    }
  }
  for (const auto& [link, samples] : by_link) {
    std::vector<Micros> lags;
    for (const auto& sample : samples)
      lags.push_back(sample.second);
    report.links.push_back(
        {link, lag_stats(std::move(lags)), lag_buckets(samples, report.bucket_width_us)});
  }
  std::vector<Micros> lags;
  for (const auto& sample : all)
    lags.push_back(sample.second);
  report.overall = lag_stats(std::move(lags));
  report.overall_buckets = lag_buckets(all, report.bucket_width_us);
}

void analyse_backlog(const RunData& run, Report& report) {
  std::map<LinkId, Samples> samples;
  std::map<LinkId, std::set<Micros>> blocked;
  for (const StatusSample& sample : run.history.status) {
    for (const StatusLink& link : sample.links) {
      samples[{link.region, link.peer}].push_back({sample.at_us, link.pending});
      if (link.blocked) blocked[{link.region, link.peer}].insert(sample.at_us);
    }
  }
  for (const auto& [link, series] : samples) {
    LinkBacklog backlog{link, {}, 0, 0};
    for (const auto& [at, pending] : series) {
      if (backlog.series.empty() || backlog.series.back().pending != pending) {
        backlog.series.push_back({at, pending});
      }
      if (pending > backlog.peak) {
        backlog.peak = pending;
        backlog.peak_at_us = at;
      }
    }
    report.backlog.push_back(std::move(backlog));
  }
  for (const HistoryFault& fault : run.history.faults) {
    if (fault.fault != "heal" && fault.fault != "restart" && fault.fault != "resume") continue;
    for (const auto& [link, series] : samples) {
      if (!concerns(fault, link)) continue;
      if (auto result = catch_up(fault, link, series, blocked[link])) {
        report.catch_ups.push_back(std::move(*result));
      }
    }
  }
}

void analyse_convergence(const RunData& run, Report& report) {
  Convergence& convergence = report.convergence;
  Micros last_change = 0;
  for (const RegionData& region : run.regions) {
    for (const StreamRow& row : region.stream) {
      if (row.local) convergence.last_write_us = std::max(convergence.last_write_us, row.commit_us);
      last_change = std::max(last_change, row.applied_us);
    }
  }
  std::set<std::string> tables;
  for (const RegionData& region : run.regions)
    tables.insert(region.tables.begin(), region.tables.end());
  for (const std::string& table : tables) {
    std::vector<std::pair<std::string, Visible>> replicas;
    std::set<std::string> keys;
    for (const RegionData& region : run.regions) {
      if (std::find(region.tables.begin(), region.tables.end(), table) == region.tables.end()) {
        continue;
      }
      replicas.emplace_back(region.name, visible_items(region, table));
      for (const auto& [key, state] : replicas.back().second)
        keys.insert(key);
    }
    for (const std::string& key : keys) {
      auto held = [&](const Visible& items) {
        auto found = items.find(key);
        return found == items.end() ? nullptr : found->second;
      };
      const ItemState* first = held(replicas.front().second);
      bool same = std::all_of(replicas.begin(), replicas.end(), [&](const auto& replica) {
        return same_visible(held(replica.second), first);
      });
      if (same) continue;
      if (++convergence.divergent_keys > kDivergenceExamples) continue;
      Divergence divergence{table, item_from_stored_text(key), {}};
      for (const auto& [region, items] : replicas) {
        const ItemState* state = held(items);
        divergence.winners.emplace_back(region,
                                        state ? std::optional(state->version) : std::nullopt);
      }
      convergence.examples.push_back(std::move(divergence));
    }
  }
  convergence.converged = convergence.divergent_keys == 0;
  if (convergence.converged) {
    convergence.convergence_time_us = std::max<Micros>(0, last_change - convergence.last_write_us);
  }
}

void analyse_out_of_sync(const RunData& run, Report& report) {
  for (const RegionData& origin : run.regions) {
    for (const RegionData& receiver : run.regions) {
      if (&receiver == &origin || receiver.tables.empty()) continue;
      auto cursor = receiver.cursors.find(origin.name);
      const uint64_t applied = cursor == receiver.cursors.end() ? 0 : cursor->second;
      // The receiver's cursor only moves forward and an out-of-sync link ships nothing more, so
      // the first trim past the final cursor is when the link fell out of sync.
      auto trim = std::find_if(origin.local_trims.begin(), origin.local_trims.end(),
                               [&](const LocalTrim& t) { return t.through_seq > applied; });
      if (trim == origin.local_trims.end()) continue;
      const int64_t missed = static_cast<int64_t>(origin.last_local_seq - applied);
      report.out_of_sync.push_back(
          {{origin.name, receiver.name},
           trim->at_us,
           applied,
           missed,
           fmt::format("{} trimmed its stream past {}'s cursor (seq {}) at {:.3f} ms: {} of its "
                       "writes never reached {}, which needs a full copy",
                       origin.name, receiver.name, applied, double(trim->at_us) / 1e3, missed,
                       receiver.name)});
    }
  }
}

}  // namespace gtsim::scenarios
