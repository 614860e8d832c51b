#include "scenarios/scenario.h"

#include "model/errors.h"
#include "replicator/aws_latency.h"

namespace gtsim::scenarios {

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
  } else if (jitter && *jitter > 0 && model.distribution == replication::LatencyKind::kConstant) {
    model.distribution = replication::LatencyKind::kUniform;
  }
  if (sigma) model.sigma = *sigma;
  if (loss) model.loss = *loss;
  if (retransmit_delay) model.retransmit_delay = *retransmit_delay;
  if (bandwidth_bytes_per_second) model.bandwidth_bytes_per_second = *bandwidth_bytes_per_second;
  if (duplication) model.duplication = *duplication;
}

replication::LinkParams link_params(const LinkModel& model, const std::string& from,
                                    const std::string& to) {
  using replication::LatencyKind;
  std::int64_t base = model.latency;
  if (model.aws_latency) {
    const std::optional<std::int64_t> one_way = replication::aws_one_way_latency_us(from, to);
    GTSIM_CHECK(one_way.has_value());
    base = *one_way;
  }
  replication::LinkParams params;
  params.kind = model.distribution;
  switch (model.distribution) {
    case LatencyKind::kConstant:
      params.mean_us = base;
      break;
    case LatencyKind::kUniform:
      // LinkParams' jitter is uniform in [-jitter, +jitter] and clamps at zero, as ours does.
      params.kind = LatencyKind::kConstant;
      params.mean_us = base;
      params.jitter_us = model.jitter;
      break;
    case LatencyKind::kNormal:
      params.mean_us = base;
      params.stddev_us = model.jitter;
      break;
    case LatencyKind::kExponential:
      params.min_us = base;
      params.mean_us = base + model.jitter;
      break;
    case LatencyKind::kLognormal:
      params.mean_us = base;
      params.sigma = model.sigma;
      break;
  }
  params.loss = model.loss;
  params.retransmit_timeout_us = model.retransmit_delay;
  params.bandwidth_bytes_per_s = model.bandwidth_bytes_per_second;
  params.duplicate = model.duplication;
  return params;
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
    if (table.spec.name == name) return &table;
  }
  return nullptr;
}

}  // namespace gtsim::scenarios
