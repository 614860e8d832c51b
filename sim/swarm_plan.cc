#include "sim/swarm_plan.h"

#include <algorithm>
#include <random>

#include <fmt/core.h>

#include "model/errors.h"

namespace gtsim::sim {
namespace {

constexpr const char* kRegionNames[] = {"us-east-1", "eu-west-1",    "ap-southeast-2",
                                        "us-west-2", "eu-central-1", "ap-northeast-1"};
constexpr int kKeys = 6;

// Draws through integer arithmetic only: std's distributions differ between libraries.
class Draw {
 public:
  explicit Draw(uint64_t seed) : rng_(seed) {}
  // Uniform in [lo, hi].
  int64_t between(int64_t lo, int64_t hi) { return lo + int64_t(rng_() % uint64_t(hi - lo + 1)); }
  // True with probability percent / 100.
  bool chance(int percent) { return between(0, 99) < percent; }
  template <typename T>
  const T& pick(const std::vector<T>& from) {
    return from[size_t(between(0, int64_t(from.size()) - 1))];
  }

 private:
  std::mt19937_64 rng_;
};

replication::LinkParams random_link(Draw& draw) {
  using replication::LatencyKind;
  replication::LinkParams link;
  int64_t base = draw.between(1, 150) * 1000;
  switch (draw.between(0, 4)) {
    case 0:
      link = replication::constant_link(base);
      break;
    case 1:
      link.kind = LatencyKind::kUniform;
      link.min_us = base / 2;
      link.max_us = base + base / 2;
      break;
    case 2:
      link.kind = LatencyKind::kNormal;
      link.mean_us = base;
      link.stddev_us = base / 4;
      break;
    case 3:
      link.kind = LatencyKind::kExponential;
      link.mean_us = base;
      break;
    default:
      link.kind = LatencyKind::kLognormal;
      link.mean_us = base;
      link.sigma = double(draw.between(1, 6)) / 10;
      break;
  }
  if (draw.chance(40)) link.jitter_us = draw.between(0, 20) * 1000;
  if (draw.chance(25)) link.loss = double(draw.between(1, 15)) / 100;
  if (draw.chance(20)) link.duplicate = double(draw.between(1, 20)) / 100;
  if (draw.chance(10)) link.bandwidth_bytes_per_s = draw.between(10, 1000) * 1000;
  return link;
}

const char* kind_name(StepKind kind) {
  switch (kind) {
    case StepKind::kPut:
      return "put";
    case StepKind::kUpdate:
      return "update";
    case StepKind::kDelete:
      return "delete";
    case StepKind::kConditionalPut:
      return "conditional put";
    case StepKind::kPartition:
      return "cut";
    case StepKind::kHeal:
      return "heal";
    case StepKind::kCrash:
      return "crash";
    case StepKind::kRestart:
      return "restart";
    case StepKind::kClockJump:
      return "clock jump";
    case StepKind::kClockOffset:
      return "clock offset";
    case StepKind::kPause:
      return "pause";
    case StepKind::kResume:
      return "resume";
    case StepKind::kLink:
      return "link change";
  }
  return "?";
}

}  // namespace

std::string PlanStep::describe() const {
  std::string line = fmt::format("at {:.3f}s: {}", double(at_us) / 1e6, kind_name(kind));
  switch (kind) {
    case StepKind::kPut:
    case StepKind::kUpdate:
    case StepKind::kConditionalPut:
      return line + fmt::format(" {}={} in {}", key, value, region);
    case StepKind::kDelete:
      return line + fmt::format(" {} in {}", key, region);
    case StepKind::kCrash:
    case StepKind::kRestart:
      return line + " " + region;
    case StepKind::kClockJump:
    case StepKind::kClockOffset:
      return line + fmt::format(" {} by {}us", region, amount_us);
    case StepKind::kPartition:
    case StepKind::kHeal:
    case StepKind::kPause:
    case StepKind::kResume:
    case StepKind::kLink:
      return line + fmt::format(" {} -> {}", region, peer);
  }
  return line;
}

SwarmPlan generate_plan(const SwarmOptions& options) {
  if (options.regions < 2 || options.regions > 6)
    throw_validation("a swarm run has 2 to 6 regions");
  if (options.duration_us <= 0) throw_validation("a swarm run needs a positive duration");
  if (options.policies.empty()) throw_validation("a swarm run needs a conflict policy");
  Draw draw(options.seed);
  SwarmPlan plan;
  plan.options = options;
  plan.cluster.seed = options.seed;

  std::vector<std::string> regions(kRegionNames, kRegionNames + options.regions);
  for (const std::string& name : regions) {
    ClockSettings clock;
    if (draw.chance(60)) clock.offset_us = draw.between(-500, 500) * 1000;
    if (draw.chance(30)) clock.drift_ppm = double(draw.between(-200, 200));
    plan.cluster.regions[name] = clock;
  }
  plan.cluster.default_link = random_link(draw);
  for (const std::string& from : regions) {
    for (const std::string& to : regions) {
      if (from != to && draw.chance(50)) plan.cluster.links[{from, to}] = random_link(draw);
    }
  }
  plan.cluster.shipping.max_batch_records = size_t(draw.between(1, 20));
  plan.cluster.shipping.linger_us = draw.chance(50) ? 0 : draw.between(1, 50) * 1000;

  plan.table.name = "items";
  plan.table.key_schema.partition = {"pk", AttributeType::kS};
  plan.table.conflict_policy = draw.pick(options.policies);
  plan.table.timestamp_policy =
      draw.chance(70) ? TimestampPolicy::kMonotonicPerItem : TimestampPolicy::kWallclock;
  plan.cluster.tables = {plan.table};

  // Writes at 5 to 40 per second over the whole cluster.
  int64_t gap_us = 1'000'000 / draw.between(5, 40);
  for (int64_t at = draw.between(0, gap_us); at < options.duration_us;
       at += draw.between(1, 2 * gap_us)) {
    PlanStep step;
    step.at_us = at;
    step.region = draw.pick(regions);
    step.key = "k" + std::to_string(draw.between(0, kKeys - 1));
    step.value = "v" + std::to_string(plan.steps.size());
    int64_t roll = draw.between(0, 99);
    step.kind = roll < 40   ? StepKind::kPut
                : roll < 70 ? StepKind::kUpdate
                : roll < 85 ? StepKind::kDelete
                            : StepKind::kConditionalPut;
    if (step.kind == StepKind::kUpdate)
      step.attribute = std::string(1, char('a' + draw.between(0, 2)));
    plan.steps.push_back(step);
  }

  // About one fault per second, each undone within two seconds (or by the final heal).
  int64_t faults = std::max<int64_t>(1, options.duration_us / 1'000'000);
  for (int64_t i = 0; i < faults; ++i) {
    PlanStep fault;
    fault.at_us = draw.between(0, options.duration_us - 1);
    fault.region = draw.pick(regions);
    do {
      fault.peer = draw.pick(regions);
    } while (fault.peer == fault.region);
    PlanStep undo = fault;
    undo.at_us = fault.at_us + draw.between(50, 2000) * 1000;
    bool symmetric = draw.chance(60);
    switch (draw.between(0, 5)) {
      case 0:
        fault.kind = StepKind::kPartition;
        undo.kind = StepKind::kHeal;
        break;
      case 1:
        fault.kind = StepKind::kCrash;
        undo.kind = StepKind::kRestart;
        symmetric = false;
        break;
      case 2:
        fault.kind = StepKind::kClockJump;
        fault.amount_us = draw.between(-2000, 2000) * 1000;
        undo.kind = StepKind::kClockOffset;
        undo.amount_us = draw.between(-300, 300) * 1000;
        symmetric = false;
        break;
      case 3:
        fault.kind = StepKind::kPause;
        undo.kind = StepKind::kResume;
        break;
      default:
        fault.kind = StepKind::kLink;
        fault.link = random_link(draw);
        undo.kind = StepKind::kLink;
        undo.link = random_link(draw);
        symmetric = false;
        break;
    }
    plan.steps.push_back(fault);
    plan.steps.push_back(undo);
    if (symmetric) {
      std::swap(fault.region, fault.peer);
      std::swap(undo.region, undo.peer);
      plan.steps.push_back(fault);
      plan.steps.push_back(undo);
    }
  }
  std::stable_sort(plan.steps.begin(), plan.steps.end(),
                   [](const PlanStep& a, const PlanStep& b) { return a.at_us < b.at_us; });
  return plan;
}

}  // namespace gtsim::sim
