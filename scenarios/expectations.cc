#include "scenarios/expectations.h"

#include <algorithm>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "scenarios/units.h"

namespace gtsim::scenarios {
namespace {

Micros statistic(const LagStats& stats, LagStatistic which) {
  switch (which) {
    case LagStatistic::kAvg:
      return stats.avg;
    case LagStatistic::kMin:
      return stats.min;
    case LagStatistic::kP50:
      return stats.p50;
    case LagStatistic::kP90:
      return stats.p90;
    case LagStatistic::kP99:
      return stats.p99;
    case LagStatistic::kMax:
      return stats.max;
  }
  GTSIM_CHECK(false, "unknown lag statistic");
}

// How a metric's numbers read: durations, true/false, or counts.
std::string render(Metric metric, int64_t value) {
  switch (metric) {
    case Metric::kConverged:
      return value != 0 ? "true" : "false";
    case Metric::kConvergenceTime:
    case Metric::kLag:
      return format_duration(value);
    default:
      return std::to_string(value);
  }
}

// The metric's value in the report; nullopt (with why) when the run gives it none.
std::pair<std::optional<int64_t>, std::string> actual(const MetricExpectation& e,
                                                      const Report& report) {
  auto count = [](size_t n) { return std::optional<int64_t>(static_cast<int64_t>(n)); };
  switch (e.metric) {
    case Metric::kConverged:
      return {report.convergence.converged ? 1 : 0, ""};
    case Metric::kConflicts:
      return {count(report.conflicts.size()), ""};
    case Metric::kLostWrites:
      return {count(report.lost_writes.size()), ""};
    case Metric::kStaleReads:
      return {count(report.stale_reads.size()), ""};
    case Metric::kResurrections:
      return {count(report.resurrections.size()), ""};
    case Metric::kConvergenceTime:
      return {report.convergence.convergence_time_us, "not converged"};
    case Metric::kLag: {
      const LagStats* stats = &report.overall;
      if (e.link) {
        auto link = std::find_if(report.links.begin(), report.links.end(),
                                 [&](const LinkLag& l) { return l.link == *e.link; });
        GTSIM_CHECK(link != report.links.end(), "the report lists every link of the scenario");
        stats = &link->stats;
      }
      if (stats->count == 0) return {std::nullopt, "no replicated records"};
      return {statistic(*stats, e.statistic), ""};
    }
  }
  GTSIM_CHECK(false, "unknown metric");
}

ExpectationResult check_metric(const MetricExpectation& e, const Report& report) {
  const auto [value, missing] = actual(e, report);
  return {
      "metric",
      e.text,
      e.pos.line,
      value && e.bound.holds(*value),
      fmt::format("{} {}", comparison_symbol(e.bound.comparison), render(e.metric, e.bound.value)),
      value ? render(e.metric, *value) : missing};
}

ExpectationResult check_item(const ItemExpectation& e, const RegionData* region,
                             const std::string& region_name) {
  ExpectationResult result{
      "item",
      fmt::format("{} {} in {}", e.table, to_display_string(e.key), region_name),
      e.pos.line,
      false,
      e.absent   ? "absent"
      : e.equals ? "equals " + to_display_string(*e.equals)
                 : "has " + to_display_string(*e.has),
      "no replica"};
  if (region == nullptr ||
      std::find(region->tables.begin(), region->tables.end(), e.table) == region->tables.end()) {
    return result;
  }
  const std::string key = item_to_json(e.key).dump();
  const Item* document = nullptr;
  for (const FinalItem& item : region->items) {
    if (item.table == e.table && item.key == key && item.state.document) {
      document = item.state.document_tree();
    }
  }
  result.actual = document ? to_display_string(*document) : "absent";
  if (e.absent) {
    result.passed = document == nullptr;
  } else if (e.equals) {
    result.passed = document && *document == *e.equals;
  } else {
    result.passed = document && std::all_of(e.has->begin(), e.has->end(), [&](const auto& kv) {
                      auto found = document->find(kv.first);
                      return found != document->end() && found->second == kv.second;
                    });
  }
  return result;
}

}  // namespace

void check_expectations(const Scenario& scenario, const RunData& run, Report& report) {
  for (const MetricExpectation& e : scenario.expect.metrics)
    report.expectations.push_back(check_metric(e, report));
  for (const ItemExpectation& e : scenario.expect.items) {
    bool checked = false;
    for (const RegionData& region : run.regions) {
      const bool holds =
          std::find(region.tables.begin(), region.tables.end(), e.table) != region.tables.end();
      if (e.region.empty() ? holds : region.name == e.region) {
        report.expectations.push_back(check_item(e, &region, region.name));
        checked = true;
      }
    }
    if (!checked) {
      report.expectations.push_back(
          check_item(e, nullptr, e.region.empty() ? "any region" : e.region));
    }
  }
  for (const StepFailure& failure : run.history.failures) {
    const bool reported = failure.event == "wait_timeout" &&
                          std::any_of(run.history.failures.begin(), run.history.failures.end(),
                                      [&](const StepFailure& f) {
                                        return f.event == "step_failed" && f.line == failure.line;
                                      });
    if (!reported) {
      report.expectations.push_back(
          {"step", failure.message, failure.line, false, "", failure.event});
    }
  }
}

}  // namespace gtsim::scenarios
