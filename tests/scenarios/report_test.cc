// Reports built from synthetic run directories (tests/support/run_fixture.h): real region files
// written through the Region API with chosen true times, and a hand-written history.jsonl.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "conflict/item_state.h"
#include "model/errors.h"
#include "regions/sqlite.h"
#include "scenarios/conflict_analysis.h"
#include "scenarios/lag_stats.h"
#include "scenarios/parser.h"
#include "scenarios/report.h"
#include "scenarios/report_json.h"
#include "scenarios/report_summary.h"
#include "tests/regions/test_region.h"
#include "tests/support/run_fixture.h"

namespace gtsim::scenarios {
namespace {

using gtsim::testing::id;
using gtsim::testing::RunFixture;
using gtsim::testing::TempDir;
using nlohmann::json;

// Writes the run's files and builds its report.
Report finish(RunFixture& run, const std::string& scenario_yaml) {
  run.finish(scenario_yaml);
  return build_report(parse_scenario(scenario_yaml, "scenario.yaml"), run.dir());
}

const std::string kConcurrentYaml = R"(name: concurrent writes
regions: [us-east-1, eu-west-1, ap-southeast-2]
tables: [{name: users, partition_key: id}]
steps:
  - wait: 1s
expect:
  converged: true
  conflicts: 1
  lost_writes: 1
  stale_reads: 8
  resurrections: 0
  convergence_time: "100ms"
  lag.p99: "< 250ms"
  lag.us-east-1->eu-west-1.max: "< 30ms"
  lag.ap-southeast-2->us-east-1.max: "< 30ms"
  items:
    - {key: {id: "42"}, has: {name: bob}}
    - {in: ap-southeast-2, key: {id: "42"}, equals: {id: "42", name: alice}}
)";

// us-east-1 writes alice at 1 ms, eu-west-1 writes bob at 6 ms; the links take 35 ms between
// them and 100 ms to ap-southeast-2, which reads the item while it is on its way.
Report concurrent_run(RunFixture& run) {
  run.status(0, "us-east-1", "eu-west-1", 0);
  run.put("us-east-1", "42", "alice", 1000);
  run.put("eu-west-1", "42", "bob", 6000);
  run.ship("us-east-1", "eu-west-1", 36000);
  run.ship("eu-west-1", "us-east-1", 41000);
  run.get("us-east-1", "42", 50000);
  for (int i = 0; i < 7; ++i)
    run.get("ap-southeast-2", "42", 50000 + i);
  run.status(100000, "us-east-1", "eu-west-1", 3, true);
  run.ship("us-east-1", "ap-southeast-2", 101000);
  run.get("ap-southeast-2", "42", 103000);
  run.ship("eu-west-1", "ap-southeast-2", 106000);
  run.fault("heal", 9, 200000);
  run.status(300000, "us-east-1", "eu-west-1", 2);
  run.status(400000, "us-east-1", "eu-west-1", 0);
  run.event(
      {{"event", "step_failed"}, {"true_us", 400000}, {"line", 5}, {"message", "wait timed out"}});
  return finish(run, kConcurrentYaml);
}

const ExpectationResult& expectation(const Report& report, const std::string& text) {
  for (const ExpectationResult& e : report.expectations) {
    if (e.text == text) return e;
  }
  FAIL("no expectation " << text);
  throw std::logic_error("unreachable");
}

TEST_CASE("report lag statistics per link and overall from the apply logs") {
  RunFixture run({"us-east-1", "eu-west-1", "ap-southeast-2"});
  const Report report = concurrent_run(run);
  REQUIRE(report.links.size() == 6);
  auto link = [&](const std::string& from, const std::string& to) {
    for (const LinkLag& l : report.links) {
      if (l.link == LinkId{from, to}) return l;
    }
    FAIL("no link");
    return LinkLag{};
  };
  CHECK(link("us-east-1", "eu-west-1").stats ==
        LagStats{1, 35000, 35000, 35000, 35000, 35000, 35000});
  CHECK(link("eu-west-1", "ap-southeast-2").stats ==
        LagStats{1, 100000, 100000, 100000, 100000, 100000, 100000});
  CHECK(link("ap-southeast-2", "us-east-1").stats.count == 0);
  CHECK(report.overall == LagStats{4, 67500, 35000, 35000, 100000, 100000, 100000});
  CHECK(report.run_length_us == 400000);
  CHECK(report.bucket_width_us == 10000);
  REQUIRE(report.overall_buckets.size() == 1);
  CHECK(report.overall_buckets[0].start_us == 0);
  CHECK(report.overall_buckets[0].stats.count == 4);
  CHECK(report.operations.invoked == 11);
  CHECK(report.operations.ok == 11);
}

TEST_CASE("report concurrent writes as one conflict with its winner and why") {
  RunFixture run({"us-east-1", "eu-west-1", "ap-southeast-2"});
  const Report report = concurrent_run(run);
  REQUIRE(report.conflicts.size() == 1);
  const Conflict& c = report.conflicts[0];
  CHECK(c.key == id("42"));
  CHECK(c.winner == Version{{"eu-west-1", 1}, 6000});
  CHECK(c.loser == Version{{"us-east-1", 1}, 1000});
  CHECK(c.explanation == "eu-west-1's write (ts 6000) beat us-east-1's (ts 1000): later timestamp");
  using Detected = std::vector<std::pair<std::string, Micros>>;
  CHECK(c.detected ==
        Detected{{"eu-west-1", 36000}, {"us-east-1", 41000}, {"ap-southeast-2", 106000}});

  REQUIRE(report.lost_writes.size() == 1);
  const LostWrite& lost = report.lost_writes[0];
  CHECK(lost.version == Version{{"us-east-1", 1}, 1000});
  CHECK(lost.beaten_by == Version{{"eu-west-1", 1}, 6000});
  CHECK(lost.op == 1);
  CHECK(lost.acked_us == 1500);
  CHECK(lost.explanation ==
        "PutItem in us-east-1 was discarded in eu-west-1 at 36ms: eu-west-1's write (ts 6000) beat "
        "us-east-1's (ts 1000): later timestamp; no later write built on it");
}

TEST_CASE("report stale reads with how stale and the write they missed") {
  RunFixture run({"us-east-1", "eu-west-1", "ap-southeast-2"});
  const Report report = concurrent_run(run);
  // us-east-1's read at 50 ms saw bob: not stale. ap-southeast-2 saw nothing seven times, then
  // alice, which is older than bob.
  REQUIRE(report.stale_reads.size() == 8);
  const StaleRead& empty = report.stale_reads[0];
  CHECK(empty.region == "ap-southeast-2");
  CHECK(!empty.returned);
  CHECK(empty.missed == Version{{"eu-west-1", 1}, 6000});
  CHECK(empty.missed_acked_us == 6500);
  CHECK(empty.staleness_us == 50000 - 1500);
  const StaleRead& older = report.stale_reads[7];
  CHECK(older.returned == Version{{"us-east-1", 1}, 1000});
  CHECK(older.staleness_us == 103000 - 6500);
  CHECK(older.explanation ==
        "GetItem in ap-southeast-2 at 103ms returned us-east-1's version (ts 1000), though "
        "eu-west-1's write (ts 6000) had been acknowledged in eu-west-1 96.5ms before; stale for "
        "96.5ms");
}

TEST_CASE("report convergence backlog and expectations of a converged run") {
  RunFixture run({"us-east-1", "eu-west-1", "ap-southeast-2"});
  const Report report = concurrent_run(run);
  CHECK(report.convergence.converged);
  CHECK(report.convergence.last_write_us == 6000);
  CHECK(report.convergence.convergence_time_us == 100000);

  REQUIRE(report.backlog.size() == 1);
  CHECK(report.backlog[0].peak == 3);
  CHECK(report.backlog[0].peak_at_us == 100000);
  CHECK(report.backlog[0].series.size() == 4);
  REQUIRE(report.catch_ups.size() == 1);
  CHECK(report.catch_ups[0].fault == "heal");
  CHECK(report.catch_ups[0].backlog == 2);
  CHECK(report.catch_ups[0].peak == 3);
  CHECK(report.catch_ups[0].catch_up_us == 200000);

  CHECK(expectation(report, "converged").passed);
  CHECK(expectation(report, "conflicts").passed);
  CHECK(expectation(report, "lost_writes").passed);
  CHECK(expectation(report, "stale_reads").passed);
  CHECK(expectation(report, "convergence_time").passed);
  CHECK(expectation(report, "lag.p99").passed);
  const ExpectationResult& too_slow = expectation(report, "lag.us-east-1->eu-west-1.max");
  CHECK(!too_slow.passed);
  CHECK(too_slow.expected == "< 30ms");
  CHECK(too_slow.actual == "35ms");
  CHECK(expectation(report, "lag.ap-southeast-2->us-east-1.max").actual == "no replicated records");
  CHECK(expectation(report, "users {id: \"42\"} in eu-west-1").passed);
  CHECK(expectation(report, "users {id: \"42\"} in ap-southeast-2").passed);  // the has: one
  const ExpectationResult& step = expectation(report, "wait timed out");
  CHECK(step.kind == "step");
  CHECK(!step.passed);
  CHECK(!report.all_passed());
  const auto failed = std::count_if(report.expectations.begin(), report.expectations.end(),
                                    [](const ExpectationResult& e) { return !e.passed; });
  CHECK(failed == 4);  // a lag bound, a lag without records, alice in ap-southeast-2, the step
}

TEST_CASE("report a delete lost to a concurrent update that resurrects after the purge") {
  TableSpec table = gtsim::testing::users_table();
  table.tombstone_retention_us = 1000;
  RunFixture run({"us-east-1", "eu-west-1"}, table);
  run.put("us-east-1", "7", "carol", 1000);
  run.ship("us-east-1", "eu-west-1", 2000);
  run.remove("eu-west-1", "7", 3000);
  const WriteResult update = run["us-east-1"].update(
      {"users", id("7"), gtsim::testing::set_attribute("name", AttributeValue("dave"))}, 4000);
  run.op("us-east-1", "UpdateItem", {{"TableName", "users"}, {"Key", item_to_json(id("7"))}}, 4000,
         4500, {{"Version", version_to_json(update.version)}});
  CHECK(run["eu-west-1"].trim(10000).tombstones_purged == 1);
  run.ship("us-east-1", "eu-west-1", 11000);
  run.ship("eu-west-1", "us-east-1", 12000);
  const Report report = finish(run, R"(name: resurrection
regions: [us-east-1, eu-west-1]
tables: [{name: users, partition_key: id}]
steps: [{wait: 1s}]
expect: {resurrections: 1, lost_writes: 1, converged: true}
)");
  REQUIRE(report.resurrections.size() == 1);
  const Resurrection& r = report.resurrections[0];
  CHECK(r.region == "eu-west-1");
  CHECK(r.version == Version{{"us-east-1", 2}, 4000});
  CHECK(r.applied_us == 11000);
  REQUIRE(report.lost_writes.size() == 1);
  CHECK(report.lost_writes[0].operation == "DeleteItem");
  CHECK(report.lost_writes[0].beaten_by == Version{{"us-east-1", 2}, 4000});
  REQUIRE(report.conflicts.size() == 1);
  CHECK(report.conflicts[0].winner == Version{{"us-east-1", 2}, 4000});
  CHECK(report.conflicts[0].loser == Version{{"eu-west-1", 1}, 3000});
  CHECK(report.all_passed());
}

TEST_CASE("report divergent replicas and a sequential overwrite that loses nothing") {
  RunFixture run({"us-east-1", "eu-west-1"});
  run.put("us-east-1", "1", "erin", 1000);
  run.ship("us-east-1", "eu-west-1", 2000);
  run.put("eu-west-1", "1", "frank", 3000);  // built on erin: no conflict
  const Report report = finish(run, R"(name: divergent
regions: [us-east-1, eu-west-1]
tables: [{name: users, partition_key: id}]
steps: [{wait: 1s}]
expect: {converged: true, convergence_time: "< 1s", conflicts: 0, lost_writes: 0}
)");
  CHECK(!report.convergence.converged);
  CHECK(report.convergence.divergent_keys == 1);
  CHECK(!report.convergence.convergence_time_us);
  REQUIRE(report.convergence.examples.size() == 1);
  using Winners = std::vector<std::pair<std::string, std::optional<Version>>>;
  CHECK(report.convergence.examples[0].winners ==
        Winners{{"eu-west-1", Version{{"eu-west-1", 1}, 3000}},
                {"us-east-1", Version{{"us-east-1", 1}, 1000}}});
  CHECK(report.conflicts.empty());
  CHECK(report.lost_writes.empty());
  CHECK(!expectation(report, "converged").passed);
  CHECK(expectation(report, "convergence_time").actual == "not converged");
  CHECK(expectation(report, "conflicts").passed);
  CHECK(expectation(report, "lost_writes").passed);
}

TEST_CASE("report catch-up only on the links a restart or resume freed") {
  RunFixture run({"us-east-1", "eu-west-1", "ap-southeast-2"});
  auto status = [&](int64_t at, int64_t to_eu, int64_t to_ap) {
    json links = json::array({{{"peer", "eu-west-1"}, {"pending", to_eu}},
                              {{"peer", "ap-southeast-2"}, {"pending", to_ap}}});
    run.event({{"event", "status"},
               {"true_us", at},
               {"regions", json::array({{{"region", "us-east-1"}, {"links", links}}})}});
  };
  status(0, 0, 0);
  status(100, 5, 4);
  run.fault("restart", 7, 150, {{"region", "eu-west-1"}});
  status(200, 6, 4);
  status(300, 0, 4);
  run.fault("resume", 8, 350,
            {{"links", json::array({{{"from", "us-east-1"}, {"to", "ap-southeast-2"}}})}});
  status(400, 0, 1);
  const Report report =
      finish(run,
             "name: t\nregions: [us-east-1, eu-west-1, ap-southeast-2]\ntables: [{name: users, "
             "partition_key: id}]\nsteps: [{wait: 1s}]\n");
  REQUIRE(report.catch_ups.size() == 2);
  CHECK(report.catch_ups[0].link == LinkId{"us-east-1", "eu-west-1"});
  CHECK(report.catch_ups[0].backlog == 6);
  CHECK(report.catch_ups[0].peak == 6);
  CHECK(report.catch_ups[0].catch_up_us == 150);
  CHECK(report.catch_ups[1].link == LinkId{"us-east-1", "ap-southeast-2"});
  CHECK(report.catch_ups[1].backlog == 1);
  CHECK(report.catch_ups[1].peak == 4);
  CHECK(!report.catch_ups[1].catch_up_us);
  CHECK(report.all_passed());
}

TEST_CASE("report LWW explanations for each tie-break") {
  CHECK(lww_explanation({{"eu-west-1", 1}, 1000005}, {{"us-east-1", 4}, 1000000}) ==
        "eu-west-1's write (ts 1000005) beat us-east-1's (ts 1000000): later timestamp");
  CHECK(lww_explanation({{"eu-west-1", 1}, 1000}, {{"ap-southeast-2", 9}, 1000}) ==
        "same timestamp (ts 1000): region name eu-west-1 > ap-southeast-2");
  CHECK(lww_explanation({{"eu-west-1", 3}, 1000}, {{"eu-west-1", 2}, 1000}) ==
        "same timestamp (ts 1000) and region eu-west-1: sequence 3 > 2");
}

TEST_CASE("report lag statistics use nearest rank and a round bucket width") {
  CHECK(lag_stats({}) == LagStats{});
  std::vector<Micros> hundred;
  for (Micros i = 100; i >= 1; --i)
    hundred.push_back(i);
  CHECK(lag_stats(hundred) == LagStats{100, 51, 1, 50, 90, 99, 100});
  CHECK(lag_stats({1, 2}) == LagStats{2, 2, 1, 1, 2, 2, 2});  // 1.5 rounds half up
  CHECK(bucket_width(0) == kMillisecond);
  CHECK(bucket_width(60 * kMillisecond) == kMillisecond);
  CHECK(bucket_width(61 * kMillisecond) == 2 * kMillisecond);
  CHECK(bucket_width(10 * kMinute) == 10 * kSecond);
  const std::vector<LagBucket> buckets = lag_buckets({{0, 5}, {999, 7}, {2500, 9}}, 1000);
  REQUIRE(buckets.size() == 2);
  CHECK(buckets[0].start_us == 0);
  CHECK(buckets[0].stats.max == 7);
  CHECK(buckets[1].start_us == 2000);
}

TEST_CASE("report JSON is byte-identical for identical runs and carries its schema version") {
  RunFixture first({"us-east-1", "eu-west-1", "ap-southeast-2"});
  RunFixture second({"us-east-1", "eu-west-1", "ap-southeast-2"});
  const std::string a = report_to_json(concurrent_run(first)).dump(2);
  const std::string b = report_to_json(concurrent_run(second)).dump(2);
  CHECK(a == b);
  const json parsed = json::parse(a);
  CHECK(parsed["schema_version"] == 1);
  CHECK(parsed["conflicts"]["count"] == 1);
  CHECK(parsed["conflicts"]["list"][0]["winner"] ==
        json{{"origin", "eu-west-1"}, {"seq", 1}, {"ts", 6000}});
  CHECK(parsed["lag"]["overall"]["p90_us"] == 100000);
  CHECK(parsed["convergence"]["convergence_time_us"] == 100000);
  CHECK(parsed["pending"]["catch_ups"][0]["catch_up_us"] == 200000);
  CHECK(parsed["expectations"]["all_passed"] == false);
}

TEST_CASE("report summary shows the lag table, capped lists and verdicts") {
  RunFixture run({"us-east-1", "eu-west-1", "ap-southeast-2"});
  const std::string summary = format_summary(concurrent_run(run));
  INFO(summary);
  // The link column is as wide as the longest link name.
  CHECK(summary.find("\n  us-east-1 -> eu-west-1             1      35.000      35.000      "
                     "35.000      35.000      35.000\n") != std::string::npos);
  CHECK(summary.find("\n  overall                            4      67.500      35.000     "
                     "100.000     100.000     100.000\n") != std::string::npos);
  CHECK(summary.find("after heal (line 9) at 200.000 ms: us-east-1 -> eu-west-1 had 2 pending, "
                     "peak 3, caught up in 200.000 ms") != std::string::npos);
  CHECK(summary.find("Convergence: all replicas identical, 100.000 ms after the last write") !=
        std::string::npos);
  CHECK(summary.find("Stale reads: 8\n") != std::string::npos);
  CHECK(summary.find("  ... and 3 more\n") != std::string::npos);
  CHECK(summary.find("FAIL  lag.us-east-1->eu-west-1.max < 30ms") != std::string::npos);
  CHECK(summary.find("FAIL  line 5: wait timed out (step_failed)") != std::string::npos);
  CHECK(summary.find("\x1b[") == std::string::npos);
}

TEST_CASE("report refuses a malformed history naming file and line") {
  RunFixture run({"us-east-1", "eu-west-1"});
  run.put("us-east-1", "1", "erin", 1000);
  run.event({{"event", "ok"}, {"op", 99}, {"true_us", 2000}, {"response", json::object()}});
  try {
    finish(run,
           "name: t\nregions: [us-east-1, eu-west-1]\ntables: [{name: users, partition_key: "
           "id}]\nsteps: [{wait: 1s}]\n");
    FAIL("no error");
  } catch (const DynamoError& e) {
    CHECK(std::string(e.what()) == "history.jsonl:3: ok for an op that was never invoked");
  }
}

TEST_CASE("report refuses a run directory without a region file") {
  TempDir dir;
  std::ofstream(dir.file("history.jsonl")) << "";
  const Scenario scenario = parse_scenario(
      "name: t\nregions: [us-east-1, eu-west-1]\ntables: [{name: users, partition_key: "
      "id}]\nsteps: [{wait: 1s}]\n",
      "t.yaml");
  CHECK_THROWS_WITH_AS(build_report(scenario, dir.file("")),
                       doctest::Contains("missing region file"), DynamoError);
}

TEST_CASE("report names the region file and item of a damaged item row instead of crashing") {
  RunFixture run({"us-east-1", "eu-west-1", "ap-southeast-2"});
  concurrent_run(run);
  const Scenario scenario = parse_scenario(kConcurrentYaml, "scenario.yaml");
  const std::string file = (std::filesystem::path(run.dir()) / "eu-west-1.db").string();
  // Cut short, the document is not JSON; the state is JSON, though not an item's state.
  for (const char* damage :
       {"UPDATE items SET document = substr(document, 1, 9)", "UPDATE items SET state = '[1]'"}) {
    CAPTURE(damage);
    const std::string saved = file + ".saved";
    std::filesystem::copy_file(file, saved, std::filesystem::copy_options::overwrite_existing);
    sql::Database(file).exec(damage);
    const std::string expected = file + R"(: the item {"id":{"S":"42"}} of table users: )";
    CHECK_THROWS_WITH_AS(build_report(scenario, run.dir()), doctest::Contains(expected.c_str()),
                         DynamoError);
    std::filesystem::rename(saved, file);
  }
  CHECK(build_report(scenario, run.dir()).conflicts.size() == 1);
}

TEST_CASE("report errors come in reading order, the history first, then the regions by name") {
  TempDir dir;
  const Scenario scenario = parse_scenario(
      "name: t\nregions: [us-east-1, eu-west-1]\ntables: [{name: users, partition_key: "
      "id}]\nsteps: [{wait: 1s}]\n",
      "t.yaml");
  // us-east-1's file is empty, so of schema version 0; eu-west-1's, first by name, is missing.
  std::ofstream(dir.file("us-east-1.db")).flush();
  std::ofstream(dir.file("history.jsonl")) << "not json\n";
  CHECK_THROWS_WITH_AS(build_report(scenario, dir.file("")),
                       doctest::Contains("history.jsonl:1: not a JSON object"), DynamoError);
  std::ofstream(dir.file("history.jsonl")) << "";
  CHECK_THROWS_WITH_AS(build_report(scenario, dir.file("")),
                       doctest::Contains("missing region file"), DynamoError);
  std::filesystem::rename(dir.file("us-east-1.db"), dir.file("eu-west-1.db"));
  CHECK_THROWS_WITH_AS(build_report(scenario, dir.file("")),
                       doctest::Contains("eu-west-1.db has region file schema version 0"),
                       DynamoError);
}

TEST_CASE("report command prints the summary or the JSON of a past run") {
  RunFixture run({"us-east-1", "eu-west-1", "ap-southeast-2"});
  concurrent_run(run);
  auto gtsim = [&](const std::string& args) {
    std::string output;
    FILE* pipe =
        popen((std::string(GTSIM_BINARY) + " report " + run.dir() + args + " 2>&1").c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[4096];
    while (size_t n = fread(buffer, 1, sizeof buffer, pipe))
      output.append(buffer, n);
    const int status = pclose(pipe);
    return std::pair{WEXITSTATUS(status), output};
  };
  const auto [status, summary] = gtsim("");
  CHECK(status == 1);  // expectations failed
  CHECK(summary.find("Replication lag (ms)") != std::string::npos);
  const auto [json_status, text] = gtsim(" --json");
  CHECK(json_status == 1);
  CHECK(json::parse(text)["schema_version"] == 1);
  const auto [missing_status, message] = gtsim("/nowhere");
  CHECK(missing_status == 2);
}

}  // namespace
}  // namespace gtsim::scenarios
