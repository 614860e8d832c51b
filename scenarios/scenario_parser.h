// ScenarioParser: the parser behind parse_scenario (scenarios/parser.h), split over
// scenario_parser.cc (header, regions, network, tables), step_parser.cc (steps) and
// expect_parser.cc (final expectations). Internal to the scenarios module.
//
// Sections are parsed in dependency order (regions and tables before the steps that name them).
// Each unit that fails records diagnostics in the ParseContext and is skipped; references to a
// section that itself failed are not checked, so that one typo does not cascade.
//
// Thread-safety: one parser per parse.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "scenarios/parse_context.h"
#include "scenarios/scenario.h"

namespace gtsim::scenarios {

// Concatenation, for building lists of valid keys.
std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b);

class ScenarioParser {
 public:
  explicit ScenarioParser(ParseContext& context) : ctx_(context) {}

  // Fills and returns the scenario; the caller checks ctx.error_count() afterwards.
  Scenario parse(const YAML::Node& root);
  // One fault step on its own, against `base`'s regions and tables (parse_live_fault); any other
  // step is refused with the list of faults.
  Step parse_live_fault(const Scenario& base, const YAML::Node& node);

 private:
  // scenario_parser.cc
  void parse_regions(const YAML::Node& node);
  ClockSettings parse_clock(const YAML::Node& node);
  double parse_drift(const YAML::Node& node);
  void parse_network(const YAML::Node& node);
  LinkPatch parse_link_patch(const MapReader& map);
  // from/to (directed) or between (every pair both ways).
  std::set<LinkId> parse_link_ends(const MapReader& map);
  void check_link_model(const LinkModel& model, const SourcePos& pos);
  // Every region whose links use the AWS table must be in it.
  void check_aws_regions();
  void check_aws_link(const LinkId& link, const LinkModel& model, const SourcePos& pos);
  // The keys of a LinkPatch, as written in network links and link: steps.
  static const std::vector<std::string>& link_patch_keys();
  void parse_tables(const YAML::Node& node);
  KeyAttribute parse_key_attribute(const YAML::Node& node, std::string_view what);
  // A declared region, with a "did you mean" hint otherwise.
  std::string region_ref(const YAML::Node& node);
  std::vector<std::string> region_list(const YAML::Node& node, std::string_view what);
  // The table `node` names, or the only table when `node` is nullptr.
  const Table& table_ref(const YAML::Node* node, const SourcePos& pos);

  // step_parser.cc
  void parse_steps(const YAML::Node& node);
  Step parse_step(const YAML::Node& node);
  Operation parse_operation(const MapReader& map, OpKind kind);
  // The update's clauses, each alone a valid UpdateExpression; fills op.update with all of them.
  std::vector<Expression> parse_update_clauses(const MapReader& map, Operation& op);
  void parse_placeholders(const MapReader& map, Operation& op);
  void check_expressions(const MapReader& map, const Operation& op, const Table& table,
                         const std::vector<Expression>& update_clauses);
  ResultExpectation parse_result_expectation(const YAML::Node& node, OpKind kind);
  Fault parse_fault(const MapReader& map, const std::string& key);
  PartitionFault parse_partition(const YAML::Node& node);
  // Fills fault.cut from fault.groups, the unlisted regions forming one more group.
  void cut_between_groups(PartitionFault& fault, const YAML::Node& node);
  LinkFault parse_link_fault(const YAML::Node& node);
  Workload parse_workload(const YAML::Node& node, const SourcePos& pos);
  // Replica membership and crashes, in file order: a step may only use a region that holds a
  // replica and is not crashed.
  void track_state(const Step& step);
  void check_live(const std::string& region, const SourcePos& pos);

  // expect_parser.cc
  void parse_expect(const YAML::Node& node);
  MetricExpectation parse_metric(const YAML::Node& key, const YAML::Node& value);
  ItemExpectation parse_item_expectation(const YAML::Node& node);

  // A comparison ("< 250ms", ">= 1") or a plain value meaning ==, on a number of `kind`.
  enum class BoundKind { kCount, kDuration, kBool };
  Bound parse_bound(const YAML::Node& node, std::string_view what, BoundKind kind);

  ParseContext& ctx_;
  Scenario scenario_;
  bool regions_ok_ = true;
  bool tables_ok_ = true;
  // Step state, in file order.
  std::set<std::string> members_;
  std::map<std::string, SourcePos> crashed_;  // region -> the crash step
  std::map<std::string, SourcePos> removed_;  // region -> the remove_replica step
  std::map<LinkId, LinkModel> links_;         // links changed by link: steps so far
  Micros previous_end_ = 0;                   // lower bound of the previous step's completion
};

}  // namespace gtsim::scenarios
