#include "scenarios/scenario.h"

namespace gtsim::scenarios {

const char* distribution_name(Distribution distribution) {
  switch (distribution) {
    case Distribution::kConstant:
      return "constant";
    case Distribution::kUniform:
      return "uniform";
    case Distribution::kNormal:
      return "normal";
    case Distribution::kExponential:
      return "exponential";
    case Distribution::kLognormal:
      return "lognormal";
  }
  return "?";
}

const char* conflict_policy_name(ConflictPolicy policy) {
  switch (policy) {
    case ConflictPolicy::kLww:
      return "lww";
    case ConflictPolicy::kLwwAttribute:
      return "lww-attribute";
  }
  return "?";
}

const char* timestamp_policy_name(TimestampPolicy policy) {
  switch (policy) {
    case TimestampPolicy::kMonotonicPerItem:
      return "monotonic-per-item";
    case TimestampPolicy::kWallclock:
      return "wallclock";
  }
  return "?";
}

const char* op_kind_name(OpKind kind) {
  switch (kind) {
    case OpKind::kPut:
      return "put";
    case OpKind::kGet:
      return "get";
    case OpKind::kUpdate:
      return "update";
    case OpKind::kDelete:
      return "delete";
    case OpKind::kQuery:
      return "query";
    case OpKind::kScan:
      return "scan";
    case OpKind::kTransaction:
      return "transaction";
    case OpKind::kConditionCheck:
      return "condition_check";
  }
  return "?";
}

const char* comparison_symbol(Comparison comparison) {
  switch (comparison) {
    case Comparison::kEq:
      return "==";
    case Comparison::kNe:
      return "!=";
    case Comparison::kLt:
      return "<";
    case Comparison::kLe:
      return "<=";
    case Comparison::kGt:
      return ">";
    case Comparison::kGe:
      return ">=";
  }
  return "?";
}

bool Bound::holds(std::int64_t actual) const {
  switch (comparison) {
    case Comparison::kEq:
      return actual == value;
    case Comparison::kNe:
      return actual != value;
    case Comparison::kLt:
      return actual < value;
    case Comparison::kLe:
      return actual <= value;
    case Comparison::kGt:
      return actual > value;
    case Comparison::kGe:
      return actual >= value;
  }
  return false;
}

void LinkPatch::apply_to(LinkModel& model) const {
  if (aws_latency) model.aws_latency = *aws_latency;
  if (latency) model.latency = *latency;
  if (jitter) model.jitter = *jitter;
  if (distribution) {
    model.distribution = *distribution;
  } else if (jitter && *jitter > 0 && model.distribution == Distribution::kConstant) {
    model.distribution = Distribution::kUniform;
  }
  if (sigma) model.sigma = *sigma;
  if (loss) model.loss = *loss;
  if (retransmit_delay) model.retransmit_delay = *retransmit_delay;
  if (bandwidth_bytes_per_second) model.bandwidth_bytes_per_second = *bandwidth_bytes_per_second;
  if (duplication) model.duplication = *duplication;
}

LinkModel Network::link(const std::string& from, const std::string& to) const {
  LinkModel model = default_link;
  for (const LinkOverride& o : overrides) {
    if (o.link.first == from && o.link.second == to) o.patch.apply_to(model);
  }
  return model;
}

const Region* Scenario::find_region(const std::string& name) const {
  for (const Region& region : regions) {
    if (region.name == name) return &region;
  }
  return nullptr;
}

const Table* Scenario::find_table(const std::string& name) const {
  for (const Table& table : tables) {
    if (table.name == name) return &table;
  }
  return nullptr;
}

}  // namespace gtsim::scenarios
