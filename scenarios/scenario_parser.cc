#include "scenarios/scenario_parser.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/core.h>
#include <fmt/format.h>

#include "conflict/policy.h"
#include "scenarios/aws_regions.h"
#include "scenarios/suggest.h"

namespace gtsim::scenarios {
namespace {

template <typename Enum, size_t N>
std::vector<std::string> names_of(const Enum (&values)[N], const char* (*name)(Enum)) {
  std::vector<std::string> names;
  for (Enum value : values)
    names.push_back(name(value));
  return names;
}

using replication::LatencyKind;
const LatencyKind kDistributions[] = {LatencyKind::kConstant, LatencyKind::kUniform,
                                      LatencyKind::kNormal, LatencyKind::kExponential,
                                      LatencyKind::kLognormal};
const TimestampPolicy kTimestampPolicies[] = {TimestampPolicy::kMonotonicPerItem,
                                              TimestampPolicy::kWallclock};

}  // namespace

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const std::vector<std::string>& ScenarioParser::link_patch_keys() {
  static const std::vector<std::string> keys = {"latency",   "jitter",     "distribution",
                                                "sigma",     "loss",       "retransmit_delay",
                                                "bandwidth", "duplication"};
  return keys;
}

Scenario ScenarioParser::parse(const YAML::Node& root) {
  scenario_.file = ctx_.file();
  if (!root.IsDefined() || root.IsNull()) {
    // yaml-cpp reads some malformed text (a line starting with ',') as an empty document.
    ctx_.error(SourcePos{ctx_.file(), 1, 1}, "the scenario is empty or not readable as YAML",
               "a scenario is a map with name, regions, tables and steps");
    return std::move(scenario_);
  }
  ctx_.attempt([&] {
    const MapReader map(
        ctx_, root, "the scenario",
        {"name", "description", "seed", "regions", "network", "tables", "steps", "expect"});
    ctx_.attempt([&] { scenario_.name = ctx_.scalar(map.require("name"), "name"); });
    if (const auto* node = map.find("description")) {
      ctx_.attempt([&] { scenario_.description = ctx_.scalar(*node, "description"); });
    }
    if (const auto* node = map.find("seed")) {
      ctx_.attempt([&] { scenario_.seed = ctx_.unsigned_integer(*node, "seed"); });
    }
    regions_ok_ = ctx_.attempt([&] { parse_regions(map.require("regions")); });
    const YAML::Node* network = map.find("network");
    ctx_.attempt([&] {
      if (network != nullptr) {
        parse_network(*network);
      } else {
        scenario_.network.default_link.aws_latency = true;
      }
      if (regions_ok_) check_aws_regions();
    });
    tables_ok_ = ctx_.attempt([&] { parse_tables(map.require("tables")); });
    ctx_.attempt([&] { parse_steps(map.require("steps")); });
    if (const auto* node = map.find("expect")) ctx_.attempt([&] { parse_expect(*node); });
  });
  return std::move(scenario_);
}

// ---------------------------------------------------------------------------------------------
// Regions

void ScenarioParser::parse_regions(const YAML::Node& node) {
  if (!node.IsSequence() || node.size() == 0) {
    ctx_.fail(node, "regions must be a non-empty list", "e.g. regions: [us-east-1, eu-west-1]");
  }
  // A region whose name is readable is declared even if its other keys are wrong, so that steps
  // naming it are still checked.
  bool names_ok = true;
  for (const YAML::Node& entry : node) {
    names_ok &= ctx_.attempt([&] {
      Region region;
      region.pos = ctx_.pos(entry);
      std::optional<MapReader> map;
      if (entry.IsMap()) {
        map.emplace(ctx_, entry, "a region",
                    std::vector<std::string>{"name", "clock", "initial_replica"});
        region.name = ctx_.identifier(map->require("name"), "region name");
      } else {
        region.name = ctx_.identifier(entry, "region name");
      }
      if (scenario_.find_region(region.name) != nullptr) {
        ctx_.fail(entry, fmt::format("region '{}' is listed twice", region.name));
      }
      if (map) {
        if (const auto* clock = map->find("clock")) {
          ctx_.attempt([&] { region.clock = parse_clock(*clock); });
        }
        if (const auto* initial = map->find("initial_replica")) {
          ctx_.attempt([&] { region.initial_replica = ctx_.boolean(*initial, "initial_replica"); });
        }
      }
      if (region.initial_replica) members_.insert(region.name);
      scenario_.regions.push_back(std::move(region));
    });
  }
  if (!names_ok) throw Bail{};
  if (members_.empty()) {
    ctx_.fail(node, "no region holds a replica at the start",
              "at least one region needs initial_replica: true");
  }
}

ClockSettings ScenarioParser::parse_clock(const YAML::Node& node) {
  const MapReader map(ctx_, node, "a clock", {"offset", "drift", "jumps"});
  ClockSettings clock;
  if (const auto* offset = map.find("offset")) {
    ctx_.attempt([&] { clock.offset_us = ctx_.duration(*offset, "offset", true); });
  }
  if (const auto* drift = map.find("drift")) {
    ctx_.attempt([&] { clock.drift_ppm = parse_drift(*drift); });
  }
  if (const auto* jumps = map.find("jumps")) {
    if (!jumps->IsSequence()) ctx_.fail(*jumps, "jumps must be a list of {at: TIME, by: DURATION}");
    for (const YAML::Node& jump_node : *jumps) {
      ctx_.attempt([&] {
        const MapReader jump(ctx_, jump_node, "a clock jump", {"at", "by"});
        ClockJump j;
        j.at_true_us = ctx_.duration(jump.require("at"), "at");
        j.delta_us = ctx_.duration(jump.require("by"), "by", true);
        if (!clock.jumps.empty() && j.at_true_us < clock.jumps.back().at_true_us) {
          ctx_.fail(jump_node, "clock jumps must be listed in time order");
        }
        clock.jumps.push_back(j);
      });
    }
  }
  return clock;
}

double ScenarioParser::parse_drift(const YAML::Node& node) {
  const std::string text = ctx_.scalar(node, "drift");
  std::string_view digits = text;
  if (digits.ends_with("ppm")) digits.remove_suffix(3);
  double ppm = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), ppm);
  // Beyond one part per thousand (86 s a day) a drift is surely a typo.
  if (ec != std::errc() || end != digits.data() + digits.size() || !(std::abs(ppm) <= 1000)) {
    ctx_.fail(node, fmt::format("'{}' is not a clock drift", text),
              "drift is in parts per million, from -1000 to 1000, e.g. 50ppm");
  }
  return ppm;
}

// ---------------------------------------------------------------------------------------------
// Network

void ScenarioParser::parse_network(const YAML::Node& node) {
  const MapReader map(ctx_, node, "network", {"default", "links"});
  LinkModel& base = scenario_.network.default_link;
  base.aws_latency = true;
  if (const auto* def = map.find("default")) {
    if (def->IsScalar() && def->Scalar() == "aws") {
      base.aws_latency = true;
    } else if (def->IsMap()) {
      const MapReader model(ctx_, *def, "the default link", link_patch_keys());
      model.require("latency");
      parse_link_patch(model).apply_to(base);
      check_link_model(base, ctx_.pos(*def));
    } else {
      ctx_.fail(*def, "the default link must be aws or a map",
                "e.g. default: aws, or default: {latency: 50ms, jitter: 5ms}");
    }
  }
  const YAML::Node* links = map.find("links");
  if (links == nullptr) return;
  if (!links->IsSequence()) {
    ctx_.fail(*links, "links must be a list", "e.g. links: [{from: a, to: b, latency: 10ms}]");
  }
  for (const YAML::Node& entry : *links) {
    ctx_.attempt([&] {
      const MapReader map(ctx_, entry, "a link",
                          std::vector<std::string>{"from", "to", "between"} + link_patch_keys());
      const std::set<LinkId> ends = parse_link_ends(map);
      const LinkPatch patch = parse_link_patch(map);
      for (const LinkId& link : ends) {
        scenario_.network.overrides.push_back(LinkOverride{link, patch, ctx_.pos(entry)});
      }
      for (const LinkId& link : ends) {
        check_link_model(scenario_.network.link(link.first, link.second), ctx_.pos(entry));
      }
    });
  }
}

LinkPatch ScenarioParser::parse_link_patch(const MapReader& map) {
  LinkPatch patch;
  if (const auto* node = map.find("latency")) {
    ctx_.attempt([&] {
      if (node->IsScalar() && node->Scalar() == "aws") {
        patch.aws_latency = true;
      } else {
        patch.aws_latency = false;
        patch.latency = ctx_.duration(*node, "latency");
      }
    });
  }
  if (const auto* node = map.find("jitter")) {
    ctx_.attempt([&] { patch.jitter = ctx_.duration(*node, "jitter"); });
  }
  if (const auto* node = map.find("distribution")) {
    ctx_.attempt([&] {
      patch.distribution = kDistributions[ctx_.choice(
          *node, "distribution", names_of(kDistributions, replication::latency_kind_name))];
    });
  }
  if (const auto* node = map.find("sigma")) {
    ctx_.attempt([&] { patch.sigma = ctx_.number(*node, "sigma", 0, 10); });
  }
  if (const auto* node = map.find("loss")) {
    ctx_.attempt([&] {
      patch.loss = ctx_.fraction(*node, "loss");
      if (*patch.loss >= 1) ctx_.fail(*node, "loss must be below 100%, or nothing ever arrives");
    });
  }
  if (const auto* node = map.find("retransmit_delay")) {
    ctx_.attempt([&] { patch.retransmit_delay = ctx_.duration(*node, "retransmit_delay"); });
  }
  if (const auto* node = map.find("bandwidth")) {
    ctx_.attempt([&] {
      patch.bandwidth_bytes_per_second = ctx_.bandwidth(*node, "bandwidth");
      if (*patch.bandwidth_bytes_per_second == 0) {
        ctx_.fail(*node, "bandwidth must be more than zero", "to cut a link, use partition:");
      }
    });
  }
  if (const auto* node = map.find("duplication")) {
    ctx_.attempt([&] {
      patch.duplication = ctx_.fraction(*node, "duplication");
      if (*patch.duplication >= 1) ctx_.fail(*node, "duplication must be below 100%");
    });
  }
  return patch;
}

std::set<LinkId> ScenarioParser::parse_link_ends(const MapReader& map) {
  std::set<LinkId> links;
  if (const auto* between = map.find("between")) {
    if (map.has("from") || map.has("to")) {
      ctx_.fail(map.key_pos("between"), "use either between or from/to, not both");
    }
    const std::vector<std::string> regions = region_list(*between, "between");
    if (regions.size() < 2) ctx_.fail(*between, "between needs at least two regions");
    for (const auto& a : regions) {
      for (const auto& b : regions) {
        if (a != b) links.emplace(a, b);
      }
    }
    return links;
  }
  if (!map.has("from") && !map.has("to")) {
    ctx_.fail(map.node(), "name the link with from: and to: (one way) or between: (both ways)");
  }
  const std::vector<std::string> from = region_list(map.require("from"), "from");
  const std::vector<std::string> to = region_list(map.require("to"), "to");
  for (const auto& a : from) {
    for (const auto& b : to) {
      if (a == b) ctx_.fail(map.node(), fmt::format("'{}' cannot be linked to itself", a));
      links.emplace(a, b);
    }
  }
  return links;
}

void ScenarioParser::check_link_model(const LinkModel& model, const SourcePos& pos) {
  const char* name = replication::latency_kind_name(model.distribution);
  switch (model.distribution) {
    case LatencyKind::kConstant:
      break;
    case LatencyKind::kUniform:
    case LatencyKind::kNormal:
    case LatencyKind::kExponential:
      if (model.jitter == 0) {
        ctx_.fail(pos, fmt::format("distribution {} needs a jitter", name),
                  fmt::format("e.g. {{latency: 50ms, jitter: 5ms, distribution: {}}}", name));
      }
      break;
    case LatencyKind::kLognormal:
      if (model.sigma == 0) {
        ctx_.fail(pos, "distribution lognormal needs a sigma",
                  "e.g. {latency: 50ms, distribution: lognormal, sigma: 0.5}");
      }
      break;
  }
  if (model.sigma != 0 && model.distribution != LatencyKind::kLognormal) {
    ctx_.fail(pos, fmt::format("sigma applies to distribution lognormal, not {}", name));
  }
}

void ScenarioParser::check_aws_link(const LinkId& link, const LinkModel& model,
                                    const SourcePos& pos) {
  if (!model.aws_latency) return;
  for (const std::string& region : {link.first, link.second}) {
    if (!is_aws_region(region)) {
      ctx_.fail(pos, fmt::format("latency aws needs AWS regions, and '{}' is not one", region),
                "give this link a latency, e.g. latency: 50ms");
    }
  }
}

void ScenarioParser::check_aws_regions() {
  const auto uses_aws = [&](const Region& region) {
    for (const Region& other : scenario_.regions) {
      if (other.name == region.name) continue;
      if (scenario_.network.link(region.name, other.name).aws_latency ||
          scenario_.network.link(other.name, region.name).aws_latency) {
        return true;
      }
    }
    return false;
  };
  for (const Region& region : scenario_.regions) {
    if (is_aws_region(region.name) || !uses_aws(region)) continue;
    std::string hint;
    if (auto match = closest_match(region.name, aws_region_names())) {
      hint = fmt::format("did you mean '{}'?", *match);
    } else {
      hint =
          "use an AWS region name, or give the network a latency, e.g. "
          "network: {default: {latency: 50ms}}";
    }
    ctx_.error(region.pos,
               fmt::format("'{}' is not an AWS region, so the AWS latency table has no latency "
                           "for its links",
                           region.name),
               hint);
  }
}

// ---------------------------------------------------------------------------------------------
// Tables

void ScenarioParser::parse_tables(const YAML::Node& node) {
  // An empty list is allowed: `gtsim serve` lets clients create tables through the endpoint.
  if (!node.IsSequence()) {
    ctx_.fail(node, "tables must be a list", "e.g. tables: [{name: users, partition_key: id}]");
  }
  // As with regions, a table whose name and keys are readable is declared even if its other keys
  // are wrong.
  bool tables_ok = true;
  for (const YAML::Node& entry : node) {
    tables_ok &= ctx_.attempt([&] {
      const MapReader map(ctx_, entry, "a table",
                          {"name", "partition_key", "sort_key", "conflict_policy",
                           "timestamp_policy", "tombstone_retention", "stream_retention"});
      Table entry_table;
      entry_table.pos = ctx_.pos(entry);
      TableSpec& table = entry_table.spec;
      const YAML::Node& name = map.require("name");
      table.name = ctx_.scalar(name, "table name");
      const bool valid_name = table.name.size() >= 3 && table.name.size() <= 255 &&
                              table.name.find_first_not_of(
                                  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                  "0123456789_.-") == std::string::npos;
      if (!valid_name) {
        ctx_.fail(name, fmt::format("'{}' is not a valid DynamoDB table name", table.name),
                  "use 3 to 255 letters, digits, '_', '-' or '.'");
      }
      if (scenario_.find_table(table.name) != nullptr) {
        ctx_.fail(name, fmt::format("table '{}' is declared twice", table.name));
      }
      table.key_schema.partition =
          parse_key_attribute(map.require("partition_key"), "partition_key");
      if (const auto* sort = map.find("sort_key")) {
        table.key_schema.sort = parse_key_attribute(*sort, "sort_key");
        if (table.key_schema.sort->name == table.key_schema.partition.name) {
          ctx_.fail(*sort, "the sort key must differ from the partition key");
        }
      }
      if (const auto* policy = map.find("conflict_policy")) {
        ctx_.attempt([&] {
          table.conflict_policy =
              policy_names()[ctx_.choice(*policy, "conflict_policy", policy_names())];
        });
      }
      if (const auto* policy = map.find("timestamp_policy")) {
        ctx_.attempt([&] {
          table.timestamp_policy = kTimestampPolicies[ctx_.choice(
              *policy, "timestamp_policy", names_of(kTimestampPolicies, timestamp_policy_name))];
        });
      }
      if (const auto* retention = map.find("tombstone_retention")) {
        ctx_.attempt([&] {
          table.tombstone_retention_us = ctx_.duration(*retention, "tombstone_retention");
        });
      }
      if (const auto* retention = map.find("stream_retention")) {
        ctx_.attempt(
            [&] { table.stream_retention_us = ctx_.duration(*retention, "stream_retention"); });
      }
      scenario_.tables.push_back(std::move(entry_table));
    });
  }
  if (!tables_ok) throw Bail{};
}

KeyAttribute ScenarioParser::parse_key_attribute(const YAML::Node& node, std::string_view what) {
  KeyAttribute key;
  if (node.IsScalar()) {
    key.name = ctx_.scalar(node, what);
  } else {
    const MapReader map(ctx_, node, std::string(what), {"name", "type"});
    key.name = ctx_.scalar(map.require("name"), "key name");
    if (const auto* type = map.find("type")) {
      static const AttributeType kKeyTypes[] = {AttributeType::kS, AttributeType::kN,
                                                AttributeType::kB};
      key.type = kKeyTypes[ctx_.choice(*type, "key type", names_of(kKeyTypes, type_descriptor))];
    }
  }
  if (key.name.empty()) ctx_.fail(node, fmt::format("{} needs a name", what));
  return key;
}

// ---------------------------------------------------------------------------------------------
// References

std::string ScenarioParser::region_ref(const YAML::Node& node) {
  std::string name = ctx_.scalar(node, "region");
  if (regions_ok_ && scenario_.find_region(name) == nullptr) {
    std::vector<std::string> names;
    for (const Region& region : scenario_.regions)
      names.push_back(region.name);
    ctx_.fail(node, fmt::format("unknown region '{}'", name), suggestion_hint(name, names));
  }
  return name;
}

std::vector<std::string> ScenarioParser::region_list(const YAML::Node& node,
                                                     std::string_view what) {
  std::vector<std::string> regions;
  for (const YAML::Node& entry : ctx_.one_or_many(node, what)) {
    std::string name = region_ref(entry);
    if (std::find(regions.begin(), regions.end(), name) != regions.end()) {
      ctx_.fail(entry, fmt::format("region '{}' is listed twice", name));
    }
    regions.push_back(std::move(name));
  }
  return regions;
}

const Table& ScenarioParser::table_ref(const YAML::Node* node, const SourcePos& pos) {
  if (!tables_ok_) throw Bail{};  // already reported; nothing to check against
  if (node == nullptr) {
    if (scenario_.tables.size() == 1) return scenario_.tables.front();
    if (scenario_.tables.empty()) {
      ctx_.fail(pos, "this step names no table and the scenario has none",
                "declare one under tables:, e.g. tables: [{name: users, partition_key: id}]");
    }
    ctx_.fail(pos, "this step needs table: since the scenario has several tables");
  }
  const std::string name = ctx_.scalar(*node, "table");
  if (const Table* table = scenario_.find_table(name)) return *table;
  std::vector<std::string> names;
  for (const Table& table : scenario_.tables)
    names.push_back(table.spec.name);
  ctx_.fail(*node, fmt::format("unknown table '{}'", name), suggestion_hint(name, names));
}

}  // namespace gtsim::scenarios
