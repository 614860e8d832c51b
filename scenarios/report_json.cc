#include "scenarios/report_json.h"

#include "conflict/item_state.h"

namespace gtsim::scenarios {
namespace {

using nlohmann::json;

json stats_json(const LagStats& s) {
  return {{"count", s.count}, {"avg_us", s.avg}, {"min_us", s.min}, {"p50_us", s.p50},
          {"p90_us", s.p90},  {"p99_us", s.p99}, {"max_us", s.max}};
}

json buckets_json(const std::vector<LagBucket>& buckets) {
  json out = json::array();
  for (const LagBucket& bucket : buckets) {
    json b = stats_json(bucket.stats);
    b["start_us"] = bucket.start_us;
    out.push_back(std::move(b));
  }
  return out;
}

json optional_json(const std::optional<Micros>& value) {
  return value ? json(*value) : json(nullptr);
}

json optional_version(const std::optional<Version>& version) {
  return version ? version_to_json(*version) : json(nullptr);
}

// {"count": n, "list": [...]}, each element rendered by `one`.
template <typename T, typename F>
json listing(const std::vector<T>& items, F one) {
  json list = json::array();
  for (const T& item : items)
    list.push_back(one(item));
  return {{"count", items.size()}, {"list", std::move(list)}};
}

json lag_json(const Report& r) {
  json links = json::array();
  for (const LinkLag& link : r.links) {
    json l = stats_json(link.stats);
    l["from"] = link.link.first;
    l["to"] = link.link.second;
    l["buckets"] = buckets_json(link.buckets);
    links.push_back(std::move(l));
  }
  json overall = stats_json(r.overall);
  overall["buckets"] = buckets_json(r.overall_buckets);
  return {{"bucket_width_us", r.bucket_width_us}, {"overall", overall}, {"links", links}};
}

json pending_json(const Report& r) {
  json links = json::array();
  for (const LinkBacklog& backlog : r.backlog) {
    json series = json::array();
    for (const PendingPoint& point : backlog.series)
      series.push_back({{"at_us", point.at_us}, {"pending", point.pending}});
    links.push_back({{"from", backlog.link.first},
                     {"to", backlog.link.second},
                     {"peak", backlog.peak},
                     {"peak_at_us", backlog.peak_at_us},
                     {"series", series}});
  }
  json catch_ups = json::array();
  for (const CatchUp& c : r.catch_ups) {
    catch_ups.push_back({{"fault", c.fault},
                         {"line", c.line},
                         {"fault_at_us", c.fault_at_us},
                         {"from", c.link.first},
                         {"to", c.link.second},
                         {"backlog", c.backlog},
                         {"peak", c.peak},
                         {"catch_up_us", optional_json(c.catch_up_us)}});
  }
  return {{"links", links}, {"catch_ups", catch_ups}};
}

json convergence_json(const Convergence& c) {
  json examples = json::array();
  for (const Divergence& d : c.examples) {
    json winners = json::object();
    for (const auto& [region, version] : d.winners)
      winners[region] = optional_version(version);
    examples.push_back({{"table", d.table}, {"key", item_to_json(d.key)}, {"winners", winners}});
  }
  return {{"converged", c.converged},
          {"last_write_us", c.last_write_us},
          {"convergence_time_us", optional_json(c.convergence_time_us)},
          {"divergent_keys", c.divergent_keys},
          {"examples", examples}};
}

}  // namespace

json report_to_json(const Report& r) {
  json out;
  out["schema_version"] = kReportSchemaVersion;
  out["scenario"] = r.scenario;
  out["seed"] = r.seed ? json(*r.seed) : json(nullptr);
  out["replay"] = r.replay.empty() ? json(nullptr) : json(r.replay);
  out["regions"] = r.regions;
  out["run_length_us"] = r.run_length_us;
  out["operations"] = {
      {"invoked", r.operations.invoked}, {"ok", r.operations.ok}, {"failed", r.operations.failed}};
  out["lag"] = lag_json(r);
  out["pending"] = pending_json(r);
  out["convergence"] = convergence_json(r.convergence);
  out["conflicts"] = listing(r.conflicts, [](const Conflict& c) {
    json detected = json::array();
    for (const auto& [region, at] : c.detected)
      detected.push_back({{"region", region}, {"applied_us", at}});
    return json{{"table", c.table},
                {"key", item_to_json(c.key)},
                {"winner", version_to_json(c.winner)},
                {"loser", version_to_json(c.loser)},
                {"detected", detected},
                {"explanation", c.explanation}};
  });
  out["lost_writes"] = listing(r.lost_writes, [](const LostWrite& w) {
    return json{{"table", w.table},
                {"key", item_to_json(w.key)},
                {"version", version_to_json(w.version)},
                {"op", w.op},
                {"operation", w.operation},
                {"acked_us", w.acked_us},
                {"beaten_by", version_to_json(w.beaten_by)},
                {"explanation", w.explanation}};
  });
  out["stale_reads"] = listing(r.stale_reads, [](const StaleRead& s) {
    return json{{"op", s.op},
                {"region", s.region},
                {"operation", s.operation},
                {"consistent", s.consistent},
                {"table", s.table},
                {"key", item_to_json(s.key)},
                {"invoked_us", s.invoked_us},
                {"returned", optional_version(s.returned)},
                {"missed", version_to_json(s.missed)},
                {"missed_acked_us", s.missed_acked_us},
                {"staleness_us", s.staleness_us},
                {"explanation", s.explanation}};
  });
  out["resurrections"] = listing(r.resurrections, [](const Resurrection& x) {
    return json{{"region", x.region},         {"table", x.table},
                {"key", item_to_json(x.key)}, {"version", version_to_json(x.version)},
                {"applied_us", x.applied_us}, {"explanation", x.explanation}};
  });
  out["out_of_sync"] = listing(r.out_of_sync, [](const OutOfSync& x) {
    return json{{"from", x.link.first}, {"to", x.link.second},
                {"at_us", x.at_us},     {"applied_seq", x.applied_seq},
                {"missed", x.missed},   {"explanation", x.explanation}};
  });
  json expectations = listing(r.expectations, [](const ExpectationResult& e) {
    return json{{"kind", e.kind},     {"text", e.text},         {"line", e.line},
                {"passed", e.passed}, {"expected", e.expected}, {"actual", e.actual}};
  });
  expectations["all_passed"] = r.all_passed();
  out["expectations"] = std::move(expectations);
  return out;
}

}  // namespace gtsim::scenarios
