#include "scenarios/runner.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <optional>
#include <random>
#include <set>

#include <fmt/core.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/errors.h"
#include "model/json_text.h"

namespace gtsim::scenarios {
namespace {

using nlohmann::json;

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

json values_json(const std::map<std::string, AttributeValue>& values) {
  json out = json::object();
  for (const auto& [name, value] : values)
    out[name] = value.to_json();
  return out;
}

// The body shared by single requests and transaction items: table, key or item, expressions.
json request_body(const Operation& op) {
  json r = {{"TableName", op.table}};
  if (op.kind == OpKind::kPut) {
    r["Item"] = item_to_json(op.item);
  } else if (op.kind != OpKind::kQuery && op.kind != OpKind::kScan) {
    r["Key"] = item_to_json(op.key);
  }
  if (op.condition) r["ConditionExpression"] = op.condition->text;
  if (op.update) r["UpdateExpression"] = op.update->text;
  if (op.key_condition) r["KeyConditionExpression"] = op.key_condition->text;
  if (op.filter) r["FilterExpression"] = op.filter->text;
  if (op.projection) r["ProjectionExpression"] = op.projection->text;
  if (!op.names.empty()) r["ExpressionAttributeNames"] = op.names;
  if (!op.values.empty()) r["ExpressionAttributeValues"] = values_json(op.values);
  return r;
}

json links_json(const std::set<LinkId>& links) {
  json out = json::array();
  for (const auto& [from, to] : links)
    out.push_back({{"from", from}, {"to", to}});
  return out;
}

// SplitMix64: derives independent, platform-stable seeds from the scenario's.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// One workload while it runs: its own PRNG and each region's next operation time.
struct ActiveWorkload {
  const Workload* workload = nullptr;
  const TableSpec* table = nullptr;
  Micros end_us = 0;
  std::mt19937_64 rng;
  std::vector<Micros> next_us;  // per region of the workload

  double uniform01() { return double(rng() >> 11) * 0x1.0p-53; }
  // Poisson arrivals at the workload's rate.
  Micros interval() {
    return std::max<Micros>(1, std::llround(-std::log(1.0 - uniform01()) / workload->rate * 1e6));
  }
  int64_t key_index() {
    const int64_t n = workload->key_count;
    switch (workload->distribution) {
      case KeyDistribution::kUniform:
        return std::min<int64_t>(n - 1, int64_t(uniform01() * double(n)));
      case KeyDistribution::kZipf: {
        // Inverse of the continuous approximation of zipf(s)'s CDF over [1, n + 1).
        const double s = workload->zipf_s, u = uniform01();
        double k;
        if (std::abs(s - 1.0) < 1e-9) {
          k = std::pow(double(n) + 1, u);
        } else {
          const double a = std::pow(double(n) + 1, 1 - s);
          k = std::pow(1 + u * (a - 1), 1 / (1 - s));
        }
        return std::clamp<int64_t>(int64_t(k) - 1, 0, n - 1);
      }
      case KeyDistribution::kHotKey:
        if (n == 1 || uniform01() < workload->hot_fraction) return 0;
        return 1 + std::min<int64_t>(n - 2, int64_t(uniform01() * double(n - 1)));
    }
    return 0;
  }
  bool done(Micros now) const { return now >= end_us; }
  Micros next() const { return *std::min_element(next_us.begin(), next_us.end()); }
};

json key_value(AttributeType type, const std::string& text) {
  json value = json::object();  // by assignment, as workload_request builds its requests
  switch (type) {
    case AttributeType::kN:
      value["N"] = text;
      break;
    case AttributeType::kB:
      value["B"] = base64_encode(text);
      break;
    default:
      value["S"] = "k" + text;
  }
  return value;
}

constexpr Micros kForever = std::numeric_limits<Micros>::max();

class Runner {
 public:
  Runner(const Scenario& scenario, Cluster& cluster, const RunnerOptions& options)
      : scenario_(scenario), cluster_(cluster), options_(options) {
    history_.open(options.history_path, std::ios::trunc);
    if (!history_) {
      throw DynamoError(ErrorType::kInternal, "cannot write " + options.history_path);
    }
    for (const Region& a : scenario.regions) {
      for (const Region& b : scenario.regions) {
        if (a.name != b.name) models_[{a.name, b.name}] = scenario.network.link(a.name, b.name);
      }
    }
  }

  RunResult run() {
    write({{"event", "start"},
           {"true_us", cluster_.now_us()},
           {"region_time_origin_us", cluster_.time_origin_us()},
           {"seed", scenario_.seed},
           {"replay", options_.replay_command}});
    sample();
    Micros previous_done = cluster_.now_us();
    for (size_t i = 0; i < scenario_.steps.size() && !stopped(); ++i) {
      const Step& step = scenario_.steps[i];
      const Micros start = step.at ? std::max(*step.at, previous_done) : previous_done + step.after;
      idle_until(start);
      if (stopped()) break;
      play(step, i);
      previous_done = cluster_.now_us();
    }
    Micros workloads_end = 0;
    for (const ActiveWorkload& w : workloads_)
      workloads_end = std::max(workloads_end, w.end_us);
    if (!stopped()) idle_until(options_.until_interrupted ? kForever : workloads_end);
    if (!result_.interrupted) sample();
    result_.end_us = cluster_.now_us();
    history_.flush();
    if (!history_) throw DynamoError(ErrorType::kInternal, "cannot write " + options_.history_path);
    return result_;
  }

 private:
  bool stopped() {
    if (!result_.interrupted && options_.interrupted && options_.interrupted()) {
      result_.interrupted = true;
    }
    return result_.interrupted || halted_;
  }

  void write(const json& event) {
    std::string text;
    append_json_dump(event, text);
    write_line(text);
  }
  void write_line(const std::string& text) { history_ << text << '\n'; }

  void step_failed(const Step& step, const std::string& message) {
    result_.steps_passed = false;
    write({{"event", "step_failed"},
           {"true_us", cluster_.now_us()},
           {"line", step.pos.line},
           {"message", message}});
  }

  // Runs workloads and status samples until scenario time `t`.
  void idle_until(Micros t) {
    for (;;) {
      if (stopped()) return;
      const Micros now = cluster_.now_us();
      Micros next = std::max(t, now);
      next = std::min(next, next_sample_us_);
      for (const ActiveWorkload& w : workloads_) {
        if (!w.done(now)) next = std::min(next, std::min(w.next(), w.end_us));
      }
      cluster_.advance_to(next);
      const Micros at = cluster_.now_us();
      if (at >= next_sample_us_) sample();
      run_due_workloads(at);
      play_live_steps();
      if (at >= t) return;
    }
  }

  // Records every region's links. Digests are left out: the sample does not record them, and
  // they matter only once nothing is pending (converged()).
  void sample() {
    const Micros now = cluster_.now_us();
    const std::vector<replication::RegionStatus> statuses = cluster_.status_without_digests();
    json regions = json::array();
    int64_t pending = 0;
    for (const replication::RegionStatus& s : statuses) {
      json links = json::array();
      for (const replication::LinkStatus& l : s.links) {
        links.push_back({{"peer", l.peer},
                         {"pending", l.pending},
                         {"connected", l.connected},
                         {"partitioned", l.partitioned},
                         {"paused", l.paused}});
        pending += int64_t(l.pending);
      }
      regions.push_back({{"region", s.region}, {"links", links}});
    }
    write({{"event", "status"}, {"true_us", now}, {"regions", regions}});
    settled_ = statuses.size() == cluster_.region_files().size() && pending == 0;
    pending_ = pending;
    while (next_sample_us_ <= now)
      next_sample_us_ += options_.status_interval_us;
    if (options_.on_progress) options_.on_progress({now, result_.operations, pending_});
  }

  // Issues one operation and records its invoke and completion. Returns the response, or the
  // error it failed with.
  struct Outcome {
    std::optional<json> response;
    std::optional<DynamoError> error;
  };
  Outcome execute(const std::string& region, const std::string& operation, const json& request,
                  std::optional<int> line) {
    const int64_t op = next_op_++;
    // The two lines of every operation are written as text around their request's and response's
    // own dumps: an object around them would copy both trees (the profile in
    // docs/benchmarks.md). Keys in nlohmann's order (sorted), as every other line.
    std::string text = R"({"event":"invoke","line":)";
    text += line ? std::to_string(*line) : "null";
    text += R"(,"op":)" + std::to_string(op) + R"(,"operation":)";
    append_json_string(operation, text);
    text += R"(,"region":)";
    append_json_string(region, text);
    text += R"(,"request":)";
    append_json_dump(request, text);
    text += line ? R"(,"source":"step")" : R"(,"source":"workload")";
    text += R"(,"true_us":)" + std::to_string(cluster_.now_us()) + "}";
    write_line(text);
    Outcome outcome;
    try {
      outcome.response = cluster_.call(region, operation, request);
      text = R"({"event":"ok","op":)" + std::to_string(op) + R"(,"region":)";
      append_json_string(region, text);
      text += R"(,"response":)";
      append_json_dump(*outcome.response, text);
      text += R"(,"true_us":)" + std::to_string(cluster_.now_us()) + "}";
      write_line(text);
    } catch (const DynamoError& e) {
      // A region that died under the call is an environment failure, not the client's answer.
      if (e.type() == ErrorType::kInternal && !crashed_.contains(region)) throw;
      outcome.error = e;
      json error = {{"type", error_type_name(e.type())}, {"message", e.what()}};
      if (!e.cancellation_reasons.empty()) error["cancellation_reasons"] = e.cancellation_reasons;
      write({{"event", "fail"},
             {"op", op},
             {"region", region},
             {"true_us", cluster_.now_us()},
             {"error", error}});
    }
    ++result_.operations;
    return outcome;
  }

  void play(const Step& step, size_t index) {
    std::visit(Overloaded{
                   [&](const ClientStep& c) { play_client(step, c); },
                   [&](const Fault& f) { play_fault(step, f); },
                   [&](const WaitConverged& w) { wait_converged(step, w); },
                   [&](const WaitFor& w) { idle_until(cluster_.now_us() + w.duration); },
                   [&](const Workload& w) { start_workload(w, index); },
               },
               step.action);
  }

  void play_client(const Step& step, const ClientStep& c) {
    auto [operation, request] = dynamodb_request(c.operation);
    const Outcome outcome = execute(c.region, operation, request, step.pos.line);
    if (!c.expect) return;
    const std::string problem = check(*c.expect, c.operation, outcome);
    if (!problem.empty()) step_failed(step, problem);
  }

  // Empty when `outcome` meets `e`, else what differs.
  static std::string check(const ResultExpectation& e, const Operation& op,
                           const Outcome& outcome) {
    if (e.error) {
      const char* expected = error_type_name(*e.error);
      if (!outcome.error) return fmt::format("expected {}, but the operation succeeded", expected);
      if (outcome.error->type() != *e.error) {
        return fmt::format("expected {}, got {}: {}", expected,
                           error_type_name(outcome.error->type()), outcome.error->what());
      }
      if (!e.cancellation_reasons.empty() &&
          outcome.error->cancellation_reasons != e.cancellation_reasons) {
        return fmt::format("expected cancellation reasons [{}], got [{}]",
                           fmt::join(e.cancellation_reasons, ", "),
                           fmt::join(outcome.error->cancellation_reasons, ", "));
      }
      return "";
    }
    if (outcome.error) {
      return fmt::format("expected success, got {}: {}", error_type_name(outcome.error->type()),
                         outcome.error->what());
    }
    const json& response = *outcome.response;
    if (op.kind == OpKind::kQuery || op.kind == OpKind::kScan) {
      std::vector<Item> items;
      for (const json& item : response.value("Items", json::array()))
        items.push_back(item_from_json(item));
      if (e.count && !e.count->holds(int64_t(items.size()))) {
        return fmt::format("expected a count {} {}, got {}", comparison_symbol(e.count->comparison),
                           e.count->value, items.size());
      }
      if (e.items && *e.items != items) {
        std::vector<std::string> got;
        for (const Item& item : items)
          got.push_back(to_display_string(item));
        return fmt::format("expected {} items, got [{}]", e.items->size(), fmt::join(got, ", "));
      }
      return "";
    }
    const char* field = op.kind == OpKind::kGet ? "Item" : "Attributes";
    std::optional<Item> item;
    if (response.contains(field)) item = item_from_json(response[field]);
    if (e.absent && item) return "expected no item, got " + to_display_string(*item);
    if ((e.item || e.has) && !item) return "expected an item, got none";
    if (e.item && *e.item != *item) {
      return fmt::format("expected {}, got {}", to_display_string(*e.item),
                         to_display_string(*item));
    }
    if (e.has) {
      for (const auto& [name, value] : *e.has) {
        auto it = item->find(name);
        if (it == item->end() || !(it->second == value)) {
          return fmt::format("expected {} = {}, got {}", name, to_display_string(value),
                             to_display_string(*item));
        }
      }
    }
    return "";
  }

  void play_live_steps() {
    if (!options_.live_steps) return;
    for (const LiveStep& live : options_.live_steps()) {
      std::string error;
      try {
        play_fault(live.step, std::get<Fault>(live.step.action));
      } catch (const DynamoError& e) {
        if (e.type() != ErrorType::kValidation) throw;
        error = e.what();
      }
      live.done(error);
    }
  }

  void fault_event(const Step& step, const char* name, json detail, Micros at) {
    write({{"event", "fault"},
           {"true_us", at},
           {"fault", name},
           {"detail", std::move(detail)},
           {"line", step.pos.line}});
  }

  void play_fault(const Step& step, const Fault& fault) {
    const Micros at = cluster_.now_us();
    std::visit(Overloaded{
                   [&](const PartitionFault& f) {
                     for (const auto& [from, to] : f.cut) {
                       cluster_.set_partitioned(from, to, true);
                       cut_.insert({from, to});
                     }
                     fault_event(step, "partition", {{"cut", links_json(f.cut)}}, at);
                   },
                   [&](const HealFault&) {
                     for (const auto& [from, to] : cut_)
                       cluster_.set_partitioned(from, to, false);
                     fault_event(step, "heal", {{"healed", links_json(cut_)}}, at);
                     cut_.clear();
                   },
                   [&](const CrashFault& f) {
                     cluster_.crash(f.region);
                     crashed_.insert(f.region);
                     fault_event(step, "crash", {{"region", f.region}}, at);
                   },
                   [&](const RestartFault& f) {
                     cluster_.restart(f.region);
                     crashed_.erase(f.region);
                     fault_event(step, "restart", {{"region", f.region}}, at);
                   },
                   [&](const PauseFault& f) {
                     for (const auto& [from, to] : f.links) {
                       cluster_.set_paused(from, to, true);
                       paused_.insert({from, to});
                     }
                     fault_event(step, "pause", {{"links", links_json(f.links)}}, at);
                   },
                   [&](const ResumeFault& f) {
                     const std::set<LinkId> links = f.links.empty() ? paused_ : f.links;
                     for (const auto& [from, to] : links) {
                       cluster_.set_paused(from, to, false);
                       paused_.erase({from, to});
                     }
                     fault_event(step, "resume", {{"links", links_json(links)}}, at);
                   },
                   [&](const ClockFault& f) {
                     json detail = {{"region", f.region}};
                     if (f.offset) {
                       cluster_.set_clock_offset(f.region, *f.offset);
                       detail["offset_us"] = *f.offset;
                     }
                     if (f.drift_ppm) {
                       cluster_.set_clock_drift(f.region, *f.drift_ppm);
                       detail["drift_ppm"] = *f.drift_ppm;
                     }
                     if (f.jump) {
                       cluster_.jump_clock(f.region, *f.jump);
                       detail["jump_us"] = *f.jump;
                     }
                     fault_event(step, "clock", detail, at);
                   },
                   [&](const LinkFault& f) {
                     for (const auto& [from, to] : f.links) {
                       LinkModel& model = models_.at({from, to});
                       f.patch.apply_to(model);
                       cluster_.set_link(from, to, link_params(model, from, to));
                     }
                     fault_event(step, "link", {{"links", links_json(f.links)}}, at);
                   },
                   [&](const AddReplicaFault& f) {
                     cluster_.add_replica(f.region, f.from);
                     fault_event(step, "add_replica", {{"region", f.region}, {"from", f.from}}, at);
                   },
                   [&](const RemoveReplicaFault& f) {
                     cluster_.remove_replica(f.region);
                     fault_event(step, "remove_replica", {{"region", f.region}}, at);
                   },
               },
               fault);
  }

  void wait_converged(const Step& step, const WaitConverged& wait) {
    const Micros deadline = cluster_.now_us() + wait.timeout;
    for (;;) {
      sample();
      const Micros now = cluster_.now_us();
      bool workloads_done = std::all_of(workloads_.begin(), workloads_.end(),
                                        [&](const ActiveWorkload& w) { return w.done(now); });
      if (workloads_done && settled_ && converged()) {
        write({{"event", "converged"}, {"true_us", now}, {"line", step.pos.line}});
        return;
      }
      if (now >= deadline) {
        write({{"event", "wait_timeout"}, {"true_us", now}, {"line", step.pos.line}});
        result_.steps_passed = false;
        halted_ = true;  // the run fails at this step; later steps would test nothing
        return;
      }
      idle_until(std::min(deadline, next_sample_us_));
      if (stopped()) return;
    }
  }

  // Every region holding a replica is up, no record is pending on any link and every region
  // holds the same tables, as one status of the cluster says now.
  bool converged() {
    const std::vector<replication::RegionStatus> statuses = cluster_.status();
    return statuses.size() == cluster_.region_files().size() &&
           replication::replication_at_rest(statuses, true);
  }

  void start_workload(const Workload& w, size_t index) {
    ActiveWorkload active;
    active.workload = &w;
    active.table = &scenario_.find_table(w.table)->spec;
    const Micros now = cluster_.now_us();
    active.end_us = now + w.duration;
    active.rng.seed(mix(scenario_.seed ^ mix(index)));
    for (size_t i = 0; i < w.regions.size(); ++i)
      active.next_us.push_back(now + active.interval());
    workloads_.push_back(std::move(active));
  }

  void run_due_workloads(Micros now) {
    for (ActiveWorkload& w : workloads_) {
      for (size_t r = 0; r < w.next_us.size(); ++r) {
        while (!stopped() && w.next_us[r] <= now && w.next_us[r] < w.end_us) {
          w.next_us[r] += w.interval();
          auto [operation, request] = workload_request(w, w.workload->regions[r]);
          execute(w.workload->regions[r], operation, request, std::nullopt);
        }
      }
    }
  }

  std::pair<std::string, json> workload_request(ActiveWorkload& w, const std::string& region) {
    const Workload& spec = *w.workload;
    const OperationMix& m = spec.mix;
    const double weights[] = {
        m.put, m.update, m.delete_, m.get, m.consistent_get, m.conditional_put, m.transaction};
    double total = 0;
    for (double weight : weights)
      total += weight;
    size_t kind = 0;
    if (total > 0) {
      double draw = w.uniform01() * total;
      while (kind + 1 < std::size(weights) && draw >= weights[kind]) {
        draw -= weights[kind];
        ++kind;
      }
    }
    // Built by assignment, not from initializer lists, which copy every nested value (a
    // workload issues one request per operation).
    const KeySchema& schema = w.table->key_schema;
    auto key = [&](int64_t index) {
      json k = json::object();
      k[schema.partition.name] = key_value(schema.partition.type, std::to_string(index));
      if (schema.sort) k[schema.sort->name] = key_value(schema.sort->type, "0");
      return k;
    };
    auto item = [&](int64_t index) {
      json i = key(index);
      i["writer"]["S"] = region;
      const size_t padding = size_t(std::max<int64_t>(1, spec.item_size - 32));
      i["payload"]["S"] = std::string(padding, 'x');
      return i;
    };
    const std::string& table = w.table->name;
    auto put = [&](int64_t index) {
      json r = json::object();
      r["TableName"] = table;
      r["Item"] = item(index);
      return r;
    };
    const int64_t index = w.key_index();
    switch (kind) {
      case 0:
        return {"PutItem", put(index)};
      case 1:
        return {"UpdateItem",
                {{"TableName", table},
                 {"Key", key(index)},
                 {"UpdateExpression", "SET #w = :w ADD #c :one"},
                 {"ExpressionAttributeNames", {{"#w", "writer"}, {"#c", "counter"}}},
                 {"ExpressionAttributeValues", {{":w", {{"S", region}}}, {":one", {{"N", "1"}}}}}}};
      case 2:
        return {"DeleteItem", {{"TableName", table}, {"Key", key(index)}}};
      case 3:
      case 4:
        return {"GetItem",
                {{"TableName", table}, {"Key", key(index)}, {"ConsistentRead", kind == 4}}};
      case 5: {
        json r = put(index);
        r["ConditionExpression"] = "attribute_not_exists(#k)";
        r["ExpressionAttributeNames"]["#k"] = schema.partition.name;
        return {"PutItem", std::move(r)};
      }
      default: {
        json r = json::object();
        json& items = r["TransactItems"] = json::array();
        items.push_back(json::object());
        items.back()["Put"] = put(index);
        if (spec.key_count > 1) {
          items.push_back(json::object());
          items.back()["Put"] = put((index + 1) % spec.key_count);
        }
        return {"TransactWriteItems", std::move(r)};
      }
    }
  }

  const Scenario& scenario_;
  Cluster& cluster_;
  const RunnerOptions& options_;
  std::ofstream history_;
  RunResult result_;
  bool halted_ = false;
  int64_t next_op_ = 1;
  Micros next_sample_us_ = 0;
  bool settled_ = false;  // at the last sample: every region up, no record pending on any link
  int64_t pending_ = 0;
  std::vector<ActiveWorkload> workloads_;
  std::set<LinkId> cut_, paused_;
  std::set<std::string> crashed_;
  std::map<LinkId, LinkModel> models_;
};

}  // namespace

std::pair<std::string, nlohmann::json> dynamodb_request(const Operation& op) {
  switch (op.kind) {
    case OpKind::kPut:
      return {"PutItem", request_body(op)};
    case OpKind::kGet: {
      json r = request_body(op);
      r["ConsistentRead"] = op.consistent;
      return {"GetItem", r};
    }
    case OpKind::kUpdate: {
      json r = request_body(op);
      r["ReturnValues"] = "ALL_NEW";
      return {"UpdateItem", r};
    }
    case OpKind::kDelete:
      return {"DeleteItem", request_body(op)};
    case OpKind::kQuery:
    case OpKind::kScan: {
      json r = request_body(op);
      r["ConsistentRead"] = op.consistent;
      if (op.limit) r["Limit"] = *op.limit;
      return {op.kind == OpKind::kQuery ? "Query" : "Scan", r};
    }
    case OpKind::kTransaction: {
      json items = json::array();
      for (const Operation& item : op.transact_items) {
        const char* kind = item.kind == OpKind::kPut      ? "Put"
                           : item.kind == OpKind::kUpdate ? "Update"
                           : item.kind == OpKind::kDelete ? "Delete"
                                                          : "ConditionCheck";
        items.push_back({{kind, request_body(item)}});
      }
      return {"TransactWriteItems", {{"TransactItems", items}}};
    }
    case OpKind::kConditionCheck:
      break;
  }
  GTSIM_CHECK(false, "a condition check outside a transaction passed the parser");
  return {};
}

RunResult run_scenario(const Scenario& scenario, Cluster& cluster, const RunnerOptions& options) {
  return Runner(scenario, cluster, options).run();
}

}  // namespace gtsim::scenarios
