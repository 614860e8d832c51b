#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "replicator/aws_latency.h"
#include "scenarios/parser.h"
#include "tests/scenarios/test_util.h"

namespace gtsim::scenarios {
namespace {

using testing::diagnostics_of;
using testing::position_of;

std::string read_data(const std::string& name) {
  std::ifstream in(std::string(GTSIM_TEST_DATA_DIR) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Scenario parse_data(const std::string& name) {
  const std::string text = read_data(name);
  try {
    return parse_scenario(text, name);
  } catch (const ScenarioError& e) {
    FAIL("unexpected diagnostics: " << e.what());
  }
  return {};
}

template <typename T, typename Variant>
const T& as(const Variant& v) {
  REQUIRE(std::holds_alternative<T>(v));
  return std::get<T>(v);
}

TEST_CASE("the design document example parses to the expected model") {
  const Scenario s = parse_data("design_example.yaml");
  CHECK(s.name == "Concurrent writes to one item");
  CHECK(s.description.starts_with("Two regions write the same item 5 ms apart"));
  CHECK(s.seed == 42);
  CHECK(s.file == "design_example.yaml");
  REQUIRE(s.regions.size() == 3);
  CHECK(s.regions[0].name == "us-east-1");
  CHECK(s.regions[2].name == "ap-southeast-2");
  CHECK(s.regions[1].clock.offset_us == 0);
  CHECK(s.regions[1].clock.drift_ppm == 0);
  CHECK(s.regions[1].clock.jumps.empty());
  CHECK(s.regions[1].initial_replica);
  CHECK(s.network.default_link.aws_latency);
  CHECK(s.network.overrides.empty());
  CHECK(s.network.link("us-east-1", "eu-west-1").aws_latency);

  REQUIRE(s.tables.size() == 1);
  const TableSpec& users = s.tables[0].spec;
  CHECK(users.name == "users");
  CHECK(users.key_schema.partition == KeyAttribute{"id", AttributeType::kS});
  CHECK_FALSE(users.key_schema.sort.has_value());
  CHECK(users.conflict_policy == "lww");
  CHECK(users.timestamp_policy == TimestampPolicy::kMonotonicPerItem);
  CHECK(users.tombstone_retention_us == 24 * kHour);
  CHECK(users.stream_retention_us == 24 * kHour);

  REQUIRE(s.steps.size() == 4);
  const Step& first = s.steps[0];
  CHECK(first.at == 0);
  CHECK(first.pos == SourcePos{"design_example.yaml", 8, 5});
  const ClientStep& put = as<ClientStep>(first.action);
  CHECK(put.region == "us-east-1");
  CHECK(put.operation.kind == OpKind::kPut);
  CHECK(put.operation.table == "users");
  CHECK(put.operation.item == Item{{"id", "42"}, {"name", "alice"}});
  CHECK_FALSE(put.expect.has_value());

  const Step& second = s.steps[1];
  CHECK(second.at == 5 * kMillisecond);
  CHECK(second.earliest == 5 * kMillisecond);
  CHECK(as<ClientStep>(second.action).operation.item == Item{{"id", "42"}, {"name", "bob"}});

  CHECK(as<WaitConverged>(s.steps[2].action).timeout == 5 * kMinute);
  CHECK_FALSE(s.steps[2].at.has_value());
  CHECK(s.steps[2].pos.line == 10);

  const ClientStep& get = as<ClientStep>(s.steps[3].action);
  CHECK(get.region == "ap-southeast-2");
  CHECK(get.operation.kind == OpKind::kGet);
  CHECK(get.operation.key == Key{{"id", "42"}});
  CHECK(get.operation.consistent);
  REQUIRE(get.expect.has_value());
  CHECK(get.expect->has == Item{{"name", "bob"}});
  CHECK_FALSE(get.expect->error.has_value());
  CHECK(s.steps[3].earliest == 5 * kMillisecond);

  REQUIRE(s.expect.metrics.size() == 4);
  const MetricExpectation& converged = s.expect.metrics[0];
  CHECK(converged.metric == Metric::kConverged);
  CHECK(converged.bound == Bound{Comparison::kEq, 1});
  CHECK(converged.pos == SourcePos{"design_example.yaml", 12, 10});
  CHECK(s.expect.metrics[1].metric == Metric::kConflicts);
  CHECK(s.expect.metrics[1].bound == Bound{Comparison::kEq, 1});
  CHECK(s.expect.metrics[2].metric == Metric::kLostWrites);
  const MetricExpectation& lag = s.expect.metrics[3];
  CHECK(lag.metric == Metric::kLag);
  CHECK(lag.statistic == LagStatistic::kP99);
  CHECK_FALSE(lag.link.has_value());
  CHECK(lag.bound == Bound{Comparison::kLt, 250 * kMillisecond});
  CHECK(lag.text == "lag.p99");
  CHECK(s.expect.items.empty());
}

TEST_CASE("a file using every key parses completely") {
  const Scenario s = parse_data("full.yaml");
  CHECK(s.description == "Exercises each key of the format.\n");
  const Region& eu = s.regions[1];
  CHECK(eu.clock.offset_us == -30 * kMillisecond);
  CHECK(eu.clock.drift_ppm == doctest::Approx(50));
  REQUIRE(eu.clock.jumps.size() == 1);
  CHECK(eu.clock.jumps[0].at_true_us == 10 * kSecond);
  CHECK(eu.clock.jumps[0].delta_us == -2 * kSecond);
  CHECK_FALSE(s.regions[2].initial_replica);

  // The default keeps AWS latency and gains jitter, hence uniform.
  const LinkModel& base = s.network.default_link;
  CHECK(base.aws_latency);
  CHECK(base.jitter == 2 * kMillisecond);
  CHECK(base.distribution == replication::LatencyKind::kUniform);
  const LinkModel to_eu = s.network.link("us-east-1", "eu-west-1");
  CHECK_FALSE(to_eu.aws_latency);
  CHECK(to_eu.latency == 40 * kMillisecond);
  CHECK(to_eu.distribution == replication::LatencyKind::kNormal);
  CHECK(to_eu.jitter == 4 * kMillisecond);
  CHECK(s.network.link("eu-west-1", "us-east-1") == base);  // from/to is one way
  const LinkModel to_ap = s.network.link("ap-southeast-2", "us-east-1");
  CHECK(to_ap.aws_latency);
  CHECK(to_ap.loss == doctest::Approx(0.01));
  CHECK(to_ap.retransmit_delay == 300 * kMillisecond);
  CHECK(to_ap.bandwidth_bytes_per_second == 12'500'000);
  CHECK(to_ap.duplication == doctest::Approx(0.001));
  CHECK(s.network.link("us-east-1", "ap-southeast-2") == to_ap);  // between is both ways
  CHECK(s.network.overrides.size() == 3);

  const TableSpec& events = s.tables[1].spec;
  CHECK(events.key_schema.partition == KeyAttribute{"device", AttributeType::kS});
  CHECK(events.key_schema.sort == KeyAttribute{"ts", AttributeType::kN});
  CHECK(events.conflict_policy == "lww-attribute");
  CHECK(events.timestamp_policy == TimestampPolicy::kWallclock);
  CHECK(events.tombstone_retention_us == kHour);
  CHECK(events.stream_retention_us == 2 * kHour);

  const auto& steps = s.steps;
  REQUIRE(steps.size() == 26);
  {
    const Operation& put = as<ClientStep>(steps[0].action).operation;
    CHECK(put.condition->text == "attribute_not_exists(id)");
    const SourcePos expected = position_of(read_data("full.yaml"), "\"attribute_not_exists(id)\"}");
    CHECK(put.condition->pos == SourcePos{"full.yaml", expected.line, expected.column});
  }
  {
    CHECK(steps[1].after == 5 * kMillisecond);
    CHECK(steps[1].earliest == 5 * kMillisecond);
    const Operation& update = as<ClientStep>(steps[1].action).operation;
    CHECK(update.kind == OpKind::kUpdate);
    CHECK(update.key == Key{{"id", "1"}});
    CHECK(update.update->text == "SET #set0 = :set0 REMOVE #remove0 ADD #add0 :add0");
    CHECK(update.names == std::map<std::string, std::string>{
                              {"#set0", "name"}, {"#remove0", "tmp"}, {"#add0", "visits"}});
    CHECK(update.values.at(":set0") == AttributeValue("bob"));
    CHECK(update.values.at(":add0") == AttributeValue::number("1"));
  }
  {
    const ClientStep& update = as<ClientStep>(steps[2].action);
    CHECK(update.operation.update->text == "SET #n = :n");
    CHECK(update.operation.names.at("#n") == "name");
    CHECK(update.expect->error == ErrorType::kConditionalCheckFailed);
  }
  {
    const ClientStep& get = as<ClientStep>(steps[3].action);
    CHECK(get.operation.projection->text == "#n");
    CHECK(get.expect->absent);
  }
  {
    const ClientStep& query = as<ClientStep>(steps[4].action);
    CHECK(query.operation.key_condition->text == "device = :d AND ts > :t");
    CHECK(query.operation.filter->text == "size(payload) > :x");
    CHECK(query.operation.limit == 10);
    CHECK(query.expect->count == Bound{Comparison::kGe, 1});
  }
  {
    const ClientStep& scan = as<ClientStep>(steps[5].action);
    CHECK(scan.operation.kind == OpKind::kScan);
    REQUIRE(scan.expect->items.has_value());
    CHECK(scan.expect->items->at(0) == Item{{"device", "d1"}, {"ts", AttributeValue::number("6")}});
  }
  {
    const ClientStep& transaction = as<ClientStep>(steps[7].action);
    const auto& items = transaction.operation.transact_items;
    REQUIRE(items.size() == 4);
    CHECK(items[0].kind == OpKind::kPut);
    CHECK(items[1].kind == OpKind::kUpdate);
    CHECK(items[1].update->text == "SET a = :a DELETE #delete0 :delete0");
    CHECK(items[2].kind == OpKind::kDelete);
    CHECK(items[3].kind == OpKind::kConditionCheck);
    CHECK(items[3].condition->text == "attribute_exists(id)");
    CHECK(transaction.expect->error == ErrorType::kTransactionCanceled);
    CHECK(transaction.expect->cancellation_reasons ==
          std::vector<std::string>{"None", "None", "None", "ConditionalCheckFailed"});
  }
  {
    const auto& partition = as<PartitionFault>(as<Fault>(steps[8].action));
    CHECK(steps[8].at == kSecond);
    // ap-southeast-2 was not listed, so it forms a third group.
    CHECK(partition.cut.size() == 6);
    CHECK(partition.cut.contains({"us-east-1", "ap-southeast-2"}));
    const auto& one_way = as<PartitionFault>(as<Fault>(steps[9].action));
    CHECK(one_way.cut == std::set<LinkId>{{"us-east-1", "eu-west-1"}});
  }
  as<HealFault>(as<Fault>(steps[10].action));
  CHECK(as<PartitionFault>(as<Fault>(steps[11].action)).cut.size() == 4);
  as<HealFault>(as<Fault>(steps[12].action));
  CHECK(as<CrashFault>(as<Fault>(steps[13].action)).region == "eu-west-1");
  CHECK(as<RestartFault>(as<Fault>(steps[14].action)).region == "eu-west-1");
  CHECK(as<PauseFault>(as<Fault>(steps[15].action)).links ==
        std::set<LinkId>{{"us-east-1", "eu-west-1"}});
  CHECK(as<ResumeFault>(as<Fault>(steps[16].action)).links.size() == 2);
  CHECK(as<ResumeFault>(as<Fault>(steps[17].action)).links.empty());
  {
    const auto& jump = as<ClockFault>(as<Fault>(steps[18].action));
    CHECK(jump.jump == -kSecond);
    CHECK_FALSE(jump.offset.has_value());
    const auto& offset = as<ClockFault>(as<Fault>(steps[19].action));
    CHECK(offset.offset == 5 * kMillisecond);
    CHECK(offset.drift_ppm == doctest::Approx(-20));
  }
  {
    const auto& add = as<AddReplicaFault>(as<Fault>(steps[20].action));
    CHECK(add.region == "ap-southeast-2");
    CHECK(add.from == "us-east-1");
    const auto& link = as<LinkFault>(as<Fault>(steps[21].action));
    CHECK(link.patch.latency == 200 * kMillisecond);
    CHECK(link.patch.aws_latency == false);
  }
  CHECK(as<WaitFor>(steps[22].action).duration == 2 * kSecond);
  CHECK(steps[23].earliest == steps[22].earliest + 2 * kSecond);
  CHECK(as<WaitConverged>(steps[23].action).timeout == kMinute);
  {
    const Workload& w = as<Workload>(steps[24].action);
    CHECK(w.regions == std::vector<std::string>{"us-east-1", "eu-west-1"});
    CHECK(w.table == "events");
    CHECK(w.rate == doctest::Approx(50));
    CHECK(w.duration == 30 * kSecond);
    CHECK(w.key_count == 1000);
    CHECK(w.distribution == KeyDistribution::kZipf);
    CHECK(w.zipf_s == doctest::Approx(1.2));
    CHECK(w.item_size == 1024);
    CHECK(w.mix == OperationMix{40, 20, 5, 20, 10, 3, 2});
  }
  CHECK(as<RemoveReplicaFault>(as<Fault>(steps[25].action)).region == "ap-southeast-2");

  const auto& metrics = s.expect.metrics;
  REQUIRE(metrics.size() == 9);
  CHECK(metrics[1].bound == Bound{Comparison::kGe, 1});
  CHECK(metrics[3].bound == Bound{Comparison::kLt, 5});
  CHECK(metrics[4].bound == Bound{Comparison::kEq, 0});
  CHECK(metrics[5].metric == Metric::kConvergenceTime);
  CHECK(metrics[5].bound == Bound{Comparison::kLe, 10 * kSecond});
  CHECK(metrics[6].statistic == LagStatistic::kP50);
  CHECK(metrics[6].bound == Bound{Comparison::kEq, 50 * kMillisecond});
  CHECK(metrics[7].link == LinkId{"us-east-1", "eu-west-1"});
  CHECK(metrics[7].statistic == LagStatistic::kP99);
  CHECK(metrics[8].bound == Bound{Comparison::kNe, 0});
  REQUIRE(s.expect.items.size() == 3);
  CHECK(s.expect.items[0].region == "eu-west-1");
  CHECK(s.expect.items[0].equals == Item{{"id", "1"}, {"name", "bob"}});
  CHECK(s.expect.items[1].region.empty());
  CHECK(s.expect.items[1].has == Item{{"id", "2"}});
  CHECK(s.expect.items[2].absent);
}

TEST_CASE("comparison operators and plain values in expect") {
  struct Case {
    const char* text;
    Bound bound;
  };
  for (const Case& c :
       {Case{"3", {Comparison::kEq, 3}}, Case{"\"== 3\"", {Comparison::kEq, 3}},
        Case{"\"!= 3\"", {Comparison::kNe, 3}}, Case{"\"<3\"", {Comparison::kLt, 3}},
        Case{"\"<= 3\"", {Comparison::kLe, 3}}, Case{"\"> 3\"", {Comparison::kGt, 3}},
        Case{"\">=   3\"", {Comparison::kGe, 3}}}) {
    INFO(c.text);
    const Scenario s = parse_scenario(
        testing::kHeader + "  - wait: 1s\nexpect: {conflicts: " + c.text + "}\n", "t.yaml");
    CHECK(s.expect.metrics.at(0).bound == c.bound);
  }
  CHECK(Bound{Comparison::kLt, 250}.holds(249));
  CHECK_FALSE(Bound{Comparison::kLt, 250}.holds(250));
  CHECK(Bound{Comparison::kGe, 1}.holds(1));
  CHECK(Bound{Comparison::kNe, 0}.holds(2));
  CHECK_FALSE(Bound{Comparison::kEq, 0}.holds(2));
  CHECK(Bound{Comparison::kLe, 5}.holds(5));
  CHECK(Bound{Comparison::kGt, 5}.holds(6));
}

TEST_CASE("steps without at run after the previous one and their earliest start adds up") {
  const Scenario s = parse_scenario(testing::kHeader +
                                        "  - {at: 1s, in: us-east-1, put: {id: \"1\"}}\n"
                                        "  - wait: 2s\n"
                                        "  - {after: 10ms, in: us-east-1, get: {id: \"1\"}}\n"
                                        "  - {at: 3010ms, crash: eu-west-1}\n",
                                    "t.yaml");
  CHECK(s.steps[1].earliest == kSecond);
  CHECK(s.steps[2].earliest == 3 * kSecond + 10 * kMillisecond);
  CHECK(s.steps[3].at == 3 * kSecond + 10 * kMillisecond);
}

TEST_CASE("several errors in one file are all reported, in file order") {
  // A misspelt key is one diagnostic, not also "missing"; a key really missing is reported.
  const std::string yaml =
      "regions: [us-east-1, eu-west-1]\n"
      "tabels: []\n"
      "steps:\n"
      "  - {in: us-east-2, put: {id: \"1\"}}\n"
      "  - {wait: 5 sec}\n"
      "expect: {conflicts: lots}\n";
  const auto diagnostics = diagnostics_of(yaml);
  REQUIRE(diagnostics.size() == 5);
  CHECK(diagnostics[0].to_string() == "t.yaml:1:1: error: the scenario needs the key 'name'");
  CHECK(diagnostics[1].to_string() ==
        "t.yaml:2:1: error: unknown key 'tabels' in the scenario; did you mean 'tables'?");
  CHECK(diagnostics[2].to_string() ==
        "t.yaml:4:10: error: unknown region 'us-east-2'; did you mean 'us-east-1'?");
  CHECK(diagnostics[3].to_string() ==
        "t.yaml:5:12: error: wait takes 'converged' or a duration, not '5 sec'; e.g. wait: "
        "converged, or wait: 2s");
  CHECK(diagnostics[4].pos == SourcePos{"t.yaml", 6, 21});
  CHECK(std::string(ScenarioError(diagnostics).what()).find("\n") != std::string::npos);
}

TEST_CASE("a file that cannot be read is a ScenarioFileError, not a diagnostic") {
  CHECK_THROWS_AS(load_scenario_file(std::string(GTSIM_TEST_DATA_DIR) + "/no-such-file.yaml"),
                  ScenarioFileError);
  CHECK(
      load_scenario_file(std::string(GTSIM_TEST_DATA_DIR) + "/design_example.yaml").steps.size() ==
      4);
}

TEST_CASE("link models become the replicator's link parameters") {
  using replication::LatencyKind;
  LinkModel uniform{.latency = 50 * kMillisecond,
                    .jitter = 5 * kMillisecond,
                    .distribution = LatencyKind::kUniform,
                    .loss = 0.1,
                    .duplication = 0.01};
  const replication::LinkParams u = link_params(uniform, "a", "b");
  CHECK(u.kind == LatencyKind::kConstant);
  CHECK(u.mean_us == 50 * kMillisecond);
  CHECK(u.jitter_us == 5 * kMillisecond);
  CHECK(u.loss == doctest::Approx(0.1));
  CHECK(u.retransmit_timeout_us == 200 * kMillisecond);
  CHECK(u.duplicate == doctest::Approx(0.01));

  LinkModel exponential{.latency = 10 * kMillisecond,
                        .jitter = 30 * kMillisecond,
                        .distribution = LatencyKind::kExponential};
  const replication::LinkParams e = link_params(exponential, "a", "b");
  CHECK(e.kind == LatencyKind::kExponential);
  CHECK(e.min_us == 10 * kMillisecond);
  CHECK(e.mean_us == 40 * kMillisecond);
  replication::LinkModel sampled(e, 7);
  for (int i = 0; i < 100; ++i)
    CHECK(sampled.sample_delay_us() >= 10 * kMillisecond);

  LinkModel aws{.aws_latency = true};
  CHECK(link_params(aws, "us-east-1", "eu-west-1").mean_us ==
        *replication::aws_one_way_latency_us("us-east-1", "eu-west-1"));
}

TEST_CASE("a scenario without tables is valid, and a step needing one says so") {
  const std::string regions = "name: t\nregions: [us-east-1, eu-west-1]\ntables: []\n";
  CHECK(parse_scenario(regions + "steps: [heal]\n", "t.yaml").tables.empty());
  const std::vector<Diagnostic> diagnostics =
      diagnostics_of(regions + "steps: [{in: us-east-1, put: {id: \"1\"}}]\n");
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].message == "this step names no table and the scenario has none");
}

TEST_CASE("one step parses on its own against a scenario's regions") {
  const Scenario scenario = parse_scenario(
      "name: t\nregions: [us-east-1, eu-west-1, ap-southeast-2]\ntables: []\nsteps: []\n",
      "t.yaml");
  const Step isolate = parse_live_fault(scenario, "{isolate: eu-west-1}", "fault");
  const auto& cut = as<PartitionFault>(as<Fault>(isolate.action)).cut;
  CHECK(cut.size() == 4);
  CHECK(cut.contains({"eu-west-1", "us-east-1"}));
  CHECK(
      std::holds_alternative<HealFault>(as<Fault>(parse_live_fault(scenario, "heal", "f").action)));
  try {
    parse_live_fault(scenario, "{crash: mars-north-1}", "fault");
    FAIL("an unknown region was accepted");
  } catch (const ScenarioError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].to_string().starts_with("fault:1:9: error: unknown region"));
  }
  CHECK_THROWS_AS(parse_live_fault(scenario, "{heal: [", "fault"), ScenarioError);
}

TEST_CASE("a step that is not a fault is refused live, naming the faults") {
  // No tables: a put would otherwise fail on the table it lacks.
  const Scenario scenario =
      parse_scenario("name: t\nregions: [us-east-1, eu-west-1]\ntables: []\nsteps: []\n", "t.yaml");
  for (const char* text : {"{in: us-east-1, put: {id: a}}", "{wait: 1s}"}) {
    INFO(text);
    try {
      parse_live_fault(scenario, text, "fault");
      FAIL("a step that is not a fault was accepted");
    } catch (const ScenarioError& e) {
      REQUIRE(e.diagnostics().size() == 1);
      CHECK(e.diagnostics()[0].message.starts_with(
          "only faults can be sent live (partition, heal, isolate, crash, restart, pause, resume, "
          "clock, add_replica, remove_replica, link), not "));
    }
  }
}

}  // namespace
}  // namespace gtsim::scenarios
