// gtsim explain: the story of one item, and how KEY is read.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <cstdio>
#include <string>
#include <utility>

#include "model/errors.h"
#include "tests/viz/test_run.h"
#include "viz/explain.h"

namespace gtsim::viz {
namespace {

using gtsim::testing::RunFixture;
using testing::kRegions;

bool has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

TEST_CASE("explain tells every version, its arrivals, the winner and the lost write") {
  RunFixture run(kRegions);
  testing::race_run(run);
  const testing::Loaded loaded = testing::load(run.dir());
  const ItemId item = parse_item(loaded.scenario, "", "{id: \"42\"}");
  const std::string text = explain_item(loaded.report, *loaded.index, item);
  INFO(text);
  CHECK(has(text, "users {id: \"42\"}: 2 write(s), 1 conflict(s), 1 lost write(s)"));
  CHECK(has(text,
            "1. us-east-1#1  ts 1000  PutItem in us-east-1 at 1ms, acknowledged at 1.5ms "
            "(op 1)"));
  CHECK(has(text, "item: {id: \"42\", name: \"alice\"}"));
  CHECK(has(text, "2. eu-west-1#1  ts 6000  PutItem in eu-west-1 at 6ms"));
  CHECK(has(text,
            "-> eu-west-1        at 36ms       (+35ms): concurrent with what it held; LWW "
            "discarded it"));
  CHECK(has(text,
            "-> us-east-1        at 41ms       (+35ms): concurrent with us-east-1#1; LWW "
            "kept this version and discarded that one"));
  CHECK(has(text, "-> ap-southeast-2   at 101ms      (+100ms): newer than what it held: applied"));
  CHECK(has(text,
            "  ap-southeast-2        101ms  us-east-1#1  arrived from us-east-1\n"
            "                        106ms  eu-west-1#1  arrived from eu-west-1\n"));
  CHECK(has(text, "ap-southeast-2, eu-west-1, us-east-1 holds eu-west-1#1"));
  CHECK(has(text,
            "LWW order (timestamp, then region name): eu-west-1#1 (ts 6000) > us-east-1#1 "
            "(ts 1000)"));
  CHECK(has(text,
            "eu-west-1#1 won:\n    over us-east-1#1: concurrent (neither had seen the "
            "other); eu-west-1's write (ts 6000) beat us-east-1's (ts 1000): later "
            "timestamp"));
  CHECK(has(text, "LOST: us-east-1#1 (PutItem op 1, acknowledged at 1.5ms)"));
}

TEST_CASE("explain a sequential overwrite as causally later with nothing lost") {
  RunFixture run(kRegions);
  testing::race_run(run);
  const testing::Loaded loaded = testing::load(run.dir());
  const std::string text = explain_item(loaded.report, *loaded.index,
                                        parse_item(loaded.scenario, "users", R"({"id": "7"})"));
  INFO(text);
  CHECK(has(text, "built on: us-east-1#2"));
  CHECK(has(text,
            "us-east-1#3 won:\n    over us-east-1#2: causally later (us-east-1#3 was "
            "written on top of it)"));
  CHECK(has(text, "No acknowledged write to this item was lost."));
}

TEST_CASE("explain refuses keys and tables it cannot resolve") {
  RunFixture run(kRegions);
  testing::race_run(run);
  const testing::Loaded loaded = testing::load(run.dir());
  CHECK_THROWS_WITH_AS(parse_item(loaded.scenario, "orders", "{id: \"42\"}"),
                       doctest::Contains("unknown table orders; the scenario has users"),
                       DynamoError);
  CHECK_THROWS_WITH_AS(parse_item(loaded.scenario, "", "[1, 2]"),
                       doctest::Contains("KEY must be a map"), DynamoError);
  CHECK_THROWS_WITH_AS(parse_item(loaded.scenario, "", "{id: \"42\""),
                       doctest::Contains("KEY is not YAML or JSON"), DynamoError);
  CHECK_THROWS_AS(parse_item(loaded.scenario, "", "{name: bob}"), DynamoError);
  CHECK_THROWS_WITH_AS(
      explain_item(loaded.report, *loaded.index, parse_item(loaded.scenario, "", "{id: \"9\"}")),
      doctest::Contains("no region wrote or received users {id: \"9\"} in this run"), DynamoError);

  scenarios::Scenario two = loaded.scenario;
  two.tables.push_back(two.tables.front());
  two.tables.back().spec.name = "orders";
  CHECK_THROWS_WITH_AS(parse_item(two, "", "{id: \"42\"}"),
                       doctest::Contains("several tables (users, orders): name one with --table"),
                       DynamoError);
}

std::pair<int, std::string> gtsim(const std::string& args) {
  std::string output;
  FILE* pipe = popen((std::string(GTSIM_BINARY) + " " + args + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe))
    output.append(buffer, n);
  const int status = pclose(pipe);
  return {WEXITSTATUS(status), output};
}

TEST_CASE("explain command prints the story or says why it cannot") {
  RunFixture run(kRegions);
  testing::race_run(run);
  const auto [status, text] = gtsim("explain " + run.dir() + " '{id: \"42\"}'");
  CHECK(status == 0);
  CHECK(has(text, "LOST: us-east-1#1"));
  const auto [unknown_status, unknown] = gtsim("explain " + run.dir() + " '{id: \"nope\"}'");
  CHECK(unknown_status == 2);
  CHECK(has(unknown, "gtsim explain: no region wrote or received users {id: \"nope\"}"));
  const auto [missing_status, missing] = gtsim("explain /nowhere '{id: \"42\"}'");
  CHECK(missing_status == 2);
}

}  // namespace
}  // namespace gtsim::viz
