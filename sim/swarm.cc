#include "sim/swarm.h"

#include <filesystem>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "model/errors.h"

namespace gtsim::sim {
namespace {

using nlohmann::json;

constexpr int64_t kSettleLimitUs = 600'000'000;
constexpr int64_t kSettleStepUs = 50'000;
constexpr int64_t kStuckUs = 60'000'000;

json key_json(const std::string& key) {
  return {{"pk", {{"S", key}}}};
}

// The request of a write step; updates and puts ask for the item they leave.
std::pair<std::string, json> write_request(const SwarmPlan& plan, const PlanStep& step) {
  json request = {{"TableName", plan.table.name}};
  switch (step.kind) {
    case StepKind::kPut:
    case StepKind::kConditionalPut:
      request["Item"] = key_json(step.key);
      request["Item"]["value"] = {{"S", step.value}};
      if (step.kind == StepKind::kConditionalPut) {
        request["ConditionExpression"] = "attribute_not_exists(pk)";
      }
      return {"PutItem", request};
    case StepKind::kUpdate:
      request["Key"] = key_json(step.key);
      request["UpdateExpression"] = "SET #a = :v";
      request["ExpressionAttributeNames"] = {{"#a", step.attribute}};
      request["ExpressionAttributeValues"] = {{":v", {{"S", step.value}}}};
      request["ReturnValues"] = "ALL_NEW";
      return {"UpdateItem", request};
    default:
      request["Key"] = key_json(step.key);
      return {"DeleteItem", request};
  }
}

// Plays one write and records it if the region acknowledged it.
void write(SimCluster& cluster, const SwarmPlan& plan, const PlanStep& step,
           InvariantChecker& checker) {
  auto [operation, request] = write_request(plan, step);
  json response;
  try {
    response = cluster.call(step.region, operation, request);
  } catch (const DynamoError& e) {
    // A failed condition or a region that is down: the write was not acknowledged.
    if (e.type() == ErrorType::kConditionalCheckFailed || e.type() == ErrorType::kInternal) return;
    throw;
  }
  std::optional<Item> document;
  if (step.kind == StepKind::kUpdate) {
    // No attributes: the update lost at home to a delete (wallclock) and left a tombstone.
    if (response.contains("Attributes")) document = item_from_json(response["Attributes"]);
  } else if (step.kind != StepKind::kDelete) {
    document = item_from_json(request.at("Item"));
  }
  checker.acknowledged(step.key, version_from_json(response.at("Version")), std::move(document));
}

// Plays one step; faults that do not apply (crash a crashed region) are skipped.
void play(SimCluster& cluster, const SwarmPlan& plan, const PlanStep& step,
          InvariantChecker& checker) {
  bool up = cluster.region(step.region) != nullptr;
  switch (step.kind) {
    case StepKind::kPut:
    case StepKind::kUpdate:
    case StepKind::kDelete:
    case StepKind::kConditionalPut:
      write(cluster, plan, step, checker);
      return;
    case StepKind::kPartition:
    case StepKind::kHeal:
      cluster.set_partitioned(step.region, step.peer, step.kind == StepKind::kPartition);
      return;
    case StepKind::kCrash:
      if (up) cluster.crash(step.region);
      return;
    case StepKind::kRestart:
      if (!up) {
        cluster.restart(step.region);
        checker.check_region(*cluster.region(step.region));
      }
      return;
    case StepKind::kClockJump:
      cluster.jump_clock(step.region, step.amount_us);
      return;
    case StepKind::kClockOffset:
      cluster.set_clock_offset(step.region, step.amount_us);
      return;
    case StepKind::kPause:
    case StepKind::kResume:
      cluster.set_paused(step.region, step.peer, step.kind == StepKind::kPause);
      return;
    case StepKind::kLink:
      cluster.set_link(step.region, step.peer, step.link);
      return;
  }
}

// Every region up, every link healed and resumed.
void heal(SimCluster& cluster, const SwarmPlan& plan, InvariantChecker& checker) {
  for (const auto& [name, clock] : plan.cluster.regions) {
    if (!cluster.region(name)) {
      cluster.restart(name);
      checker.check_region(*cluster.region(name));
    }
    for (const auto& [peer, peer_clock] : plan.cluster.regions) {
      if (peer == name) continue;
      cluster.set_partitioned(name, peer, false);
      cluster.set_paused(name, peer, false);
    }
  }
}

// Advances until the replicas converge, or until nothing has moved for kStuckUs (a region out of
// sync, a connection refused forever), or kSettleLimitUs.
void settle(SimCluster& cluster) {
  int64_t end = cluster.now_us() + kSettleLimitUs;
  int64_t last_progress = cluster.now_us();
  std::string last_signature;
  for (;;) {
    std::vector<replication::RegionStatus> statuses = cluster.status();
    if (replicas_converged(statuses)) return;
    std::string signature;
    for (const replication::RegionStatus& s : statuses) {
      for (const auto& [origin, seq] : s.cursors)
        signature += fmt::format("{}:{}={};", s.region, origin, seq);
    }
    if (signature != last_signature) {
      last_signature = signature;
      last_progress = cluster.now_us();
    }
    if (cluster.now_us() >= end || cluster.now_us() - last_progress > kStuckUs) return;
    cluster.advance_to(cluster.now_us() + kSettleStepUs);
  }
}

}  // namespace

SwarmResult run_plan(const SwarmPlan& plan, const std::string& run_dir, size_t step_limit) {
  std::filesystem::remove_all(run_dir);
  InvariantChecker checker(plan.table);
  SimClusterOptions options = plan.cluster;
  options.run_dir = run_dir;
  options.on_applied = [&checker](const std::string& region, int64_t, const ApplyOutcome& o) {
    checker.applied(region, o);
  };
  SwarmResult result;
  result.seed = plan.options.seed;
  result.steps = plan.steps.size();
  {
    SimCluster cluster(std::move(options));
    size_t played = 0;
    for (const PlanStep& step : plan.steps) {
      if (played == step_limit) break;
      cluster.advance_to(step.at_us);
      play(cluster, plan, step, checker);
      ++played;
      if (checker.violation()) {
        result.failing_steps = played;
        result.failing_step = step.describe();
        break;
      }
    }
    if (!checker.violation()) {
      heal(cluster, plan, checker);
      settle(cluster);
      checker.check_final(cluster);
    }
    result.simulated_us = cluster.now_us();
  }
  std::filesystem::remove_all(run_dir);
  result.violation = checker.violation();
  result.writes = checker.writes();
  return result;
}

SwarmResult run_seed(const SwarmOptions& options, const std::string& run_dir, size_t step_limit) {
  SwarmPlan plan = generate_plan(options);
  SwarmResult result = run_plan(plan, run_dir, step_limit);
  if (!result.violation || result.failing_steps > 0) return result;
  // Found only at the end: the smallest prefix that still fails, by bisection.
  size_t good = 0, bad = std::min(step_limit, plan.steps.size());
  if (run_plan(plan, run_dir, 0).violation) bad = 0;
  while (good + 1 < bad) {
    size_t middle = good + (bad - good) / 2;
    (run_plan(plan, run_dir, middle).violation ? bad : good) = middle;
  }
  result.failing_steps = bad;
  result.failing_step = bad == 0 ? "the setup" : plan.steps[bad - 1].describe();
  return result;
}

std::string replay_command(const SwarmOptions& options, const SwarmResult& result) {
  std::string command =
      fmt::format("gtsim swarm --seeds {}..{} --regions {} --duration {}ms", result.seed,
                  result.seed, options.regions, options.duration_us / 1000);
  if (result.violation && result.failing_steps > 0) {
    command += fmt::format(" --steps {}", result.failing_steps);
  }
  return command;
}

}  // namespace gtsim::sim
