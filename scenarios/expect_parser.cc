#include <algorithm>
#include <charconv>

#include <fmt/core.h>
#include <fmt/format.h>

#include "scenarios/scenario_parser.h"
#include "scenarios/suggest.h"
#include "scenarios/units.h"

namespace gtsim::scenarios {
namespace {

struct MetricKey {
  std::string key;
  Metric metric;
};

const std::vector<MetricKey>& metric_keys() {
  static const std::vector<MetricKey> keys = {
      {"converged", Metric::kConverged},         {"conflicts", Metric::kConflicts},
      {"lost_writes", Metric::kLostWrites},      {"stale_reads", Metric::kStaleReads},
      {"resurrections", Metric::kResurrections}, {"convergence_time", Metric::kConvergenceTime},
  };
  return keys;
}

const std::vector<std::string>& lag_statistics() {
  // In LagStatistic order.
  static const std::vector<std::string> names = {"avg", "min", "p50", "p90", "p99", "max"};
  return names;
}

// Every key an expect: block may have, for hints; per-link lag keys follow the overall ones.
std::vector<std::string> expect_keys() {
  std::vector<std::string> keys;
  for (const MetricKey& m : metric_keys())
    keys.push_back(m.key);
  for (const std::string& statistic : lag_statistics())
    keys.push_back("lag." + statistic);
  keys.push_back("items");
  return keys;
}

}  // namespace

void ScenarioParser::parse_expect(const YAML::Node& node) {
  if (!node.IsMap()) {
    ctx_.fail(node, "expect must be a map", "e.g. expect: {converged: true, conflicts: 1}");
  }
  std::set<std::string> seen;
  for (const auto& kv : node) {
    const YAML::Node& key = kv.first;
    const YAML::Node& value = kv.second;
    ctx_.attempt([&] {
      const std::string name = ctx_.scalar(key, "an expect key");
      if (!seen.insert(name).second)
        ctx_.fail(key, fmt::format("duplicate key '{}' in expect", name));
      if (name != "items") {
        scenario_.expect.metrics.push_back(parse_metric(key, value));
        return;
      }
      if (!value.IsSequence()) {
        ctx_.fail(value, "items must be a list",
                  "e.g. items: [{in: eu-west-1, key: {id: \"42\"}, has: {name: bob}}]");
      }
      for (const YAML::Node& item : value) {
        ctx_.attempt([&] { scenario_.expect.items.push_back(parse_item_expectation(item)); });
      }
    });
  }
}

MetricExpectation ScenarioParser::parse_metric(const YAML::Node& key, const YAML::Node& value) {
  MetricExpectation expectation;
  expectation.text = key.Scalar();
  expectation.pos = ctx_.pos(key);
  const std::string& name = expectation.text;
  if (!name.starts_with("lag.")) {
    for (const MetricKey& m : metric_keys()) {
      if (m.key != name) continue;
      expectation.metric = m.metric;
      const BoundKind kind = m.metric == Metric::kConverged         ? BoundKind::kBool
                             : m.metric == Metric::kConvergenceTime ? BoundKind::kDuration
                                                                    : BoundKind::kCount;
      expectation.bound = parse_bound(value, name, kind);
      return expectation;
    }
    ctx_.fail(key, fmt::format("unknown key '{}' in expect", name),
              suggestion_hint(name, expect_keys()));
  }
  // lag.STAT or lag.FROM->TO.STAT; region names hold no dots.
  expectation.metric = Metric::kLag;
  const std::string rest = name.substr(4);
  const size_t dot = rest.rfind('.');
  const std::string statistic = dot == std::string::npos ? rest : rest.substr(dot + 1);
  const auto found = std::find(lag_statistics().begin(), lag_statistics().end(), statistic);
  if (found == lag_statistics().end()) {
    ctx_.fail(key, fmt::format("unknown lag statistic '{}' in '{}'", statistic, name),
              suggestion_hint(statistic, lag_statistics()));
  }
  expectation.statistic = static_cast<LagStatistic>(found - lag_statistics().begin());
  if (dot != std::string::npos) {
    const std::string link = rest.substr(0, dot);
    const size_t arrow = link.find("->");
    if (arrow == std::string::npos) {
      ctx_.fail(key, fmt::format("'{}' is not a link", link),
                "write lag.FROM->TO.STAT, e.g. lag.us-east-1->eu-west-1.p99");
    }
    std::vector<std::string> names;
    for (const Region& region : scenario_.regions)
      names.push_back(region.name);
    for (const std::string& end : {link.substr(0, arrow), link.substr(arrow + 2)}) {
      if (regions_ok_ && scenario_.find_region(end) == nullptr) {
        ctx_.fail(key, fmt::format("unknown region '{}' in '{}'", end, name),
                  suggestion_hint(end, names));
      }
    }
    expectation.link = LinkId{link.substr(0, arrow), link.substr(arrow + 2)};
    if (expectation.link->first == expectation.link->second) {
      ctx_.fail(key, fmt::format("'{}' links a region to itself", link));
    }
  }
  expectation.bound = parse_bound(value, name, BoundKind::kDuration);
  return expectation;
}

ItemExpectation ScenarioParser::parse_item_expectation(const YAML::Node& node) {
  const MapReader map(ctx_, node, "an item expectation",
                      {"in", "table", "key", "equals", "has", "absent"});
  ItemExpectation expectation;
  expectation.pos = ctx_.pos(node);
  if (const auto* region = map.find("in")) expectation.region = region_ref(*region);
  const Table& table = table_ref(map.find("table"), expectation.pos);
  expectation.table = table.spec.name;
  const YAML::Node& key = map.require("key");
  expectation.key = ctx_.item(key);
  try {
    table.spec.key_schema.validate_key(expectation.key);
  } catch (const DynamoError& e) {
    ctx_.fail(key, e.what(), "give exactly the key attributes of the item");
  }
  if (const auto* absent = map.find("absent")) {
    if (!ctx_.boolean(*absent, "absent")) ctx_.fail(*absent, "write absent: true, or leave it out");
    expectation.absent = true;
  }
  if (const auto* equals = map.find("equals")) expectation.equals = ctx_.item(*equals);
  if (const auto* has = map.find("has")) expectation.has = ctx_.item(*has);
  const int checks = static_cast<int>(expectation.absent) + expectation.equals.has_value() +
                     expectation.has.has_value();
  if (checks != 1) {
    ctx_.fail(node, "an item expectation needs exactly one of equals, has and absent",
              "e.g. {in: eu-west-1, key: {id: \"42\"}, has: {name: bob}}");
  }
  return expectation;
}

Bound ScenarioParser::parse_bound(const YAML::Node& node, std::string_view what, BoundKind kind) {
  static const std::pair<const char*, Comparison> kOperators[] = {
      {"==", Comparison::kEq}, {"!=", Comparison::kNe}, {"<=", Comparison::kLe},
      {">=", Comparison::kGe}, {"<", Comparison::kLt},  {">", Comparison::kGt}};
  const char* example = kind == BoundKind::kDuration ? "\"< 250ms\""
                        : kind == BoundKind::kCount  ? "\">= 1\" or 0"
                                                     : "true or false";
  const std::string text = ctx_.scalar(node, what);
  Bound bound;
  std::string_view operand = text;
  for (const auto& [symbol, comparison] : kOperators) {
    if (operand.starts_with(symbol)) {
      bound.comparison = comparison;
      operand.remove_prefix(std::string_view(symbol).size());
      break;
    }
  }
  while (!operand.empty() && operand.front() == ' ')
    operand.remove_prefix(1);
  const auto bad = [&](const std::string& message) {
    ctx_.fail(node, message, fmt::format("write a value or a comparison, e.g. {}", example));
  };
  switch (kind) {
    case BoundKind::kBool:
      if (operand != "true" && operand != "false")
        bad(fmt::format("{} must be true or false", what));
      if (bound.comparison != Comparison::kEq && bound.comparison != Comparison::kNe) {
        bad(fmt::format("{} can only be compared with == or !=", what));
      }
      bound.value = operand == "true" ? 1 : 0;
      break;
    case BoundKind::kCount: {
      const auto [end, ec] =
          std::from_chars(operand.data(), operand.data() + operand.size(), bound.value);
      if (ec != std::errc() || end != operand.data() + operand.size() || operand.empty() ||
          bound.value < 0) {
        bad(fmt::format("'{}' is not a count to compare {} with", text, what));
      }
      break;
    }
    case BoundKind::kDuration: {
      const auto micros = parse_duration(operand);
      if (!micros || *micros < 0) {
        ctx_.fail(node, fmt::format("'{}' is not a duration to compare {} with", text, what),
                  fmt::format("{}, as in {}", kDurationHint, example));
      }
      bound.value = *micros;
      break;
    }
  }
  return bound;
}

}  // namespace gtsim::scenarios
