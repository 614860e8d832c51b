// The ShiViz log checked against ShiViz's rules, and the Elle history against Jepsen's.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/viz/test_run.h"
#include "viz/elle_history.h"
#include "viz/shiviz_log.h"

namespace gtsim::viz {
namespace {

using gtsim::testing::RunFixture;
using nlohmann::json;
using testing::kRegions;

struct ShivizEvent {
  std::string text, host;
  std::map<std::string, int64_t> clock;
};

// Parses a log the way ShiViz's file upload does: regex line, delimiter line, then the default
// regex over the rest, which must account for every line.
std::vector<ShivizEvent> parse_shiviz(const std::string& log) {
  const size_t first = log.find('\n');
  REQUIRE(first != std::string::npos);
  CHECK(log.substr(0, first) == kShivizRegex);
  REQUIRE(log.substr(first + 1, 1) == "\n");
  const std::string body = log.substr(first + 2);
  // ShiViz's default regex in ECMAScript syntax, without named groups.
  const std::regex event("(.*)\\n(\\S*) (\\{.*\\})");
  std::vector<ShivizEvent> events;
  size_t at = 0;
  for (auto it = std::sregex_iterator(body.begin(), body.end(), event);
       it != std::sregex_iterator(); ++it) {
    CHECK(static_cast<size_t>(it->position()) == at);  // nothing between events
    at = it->position() + it->length() + 1;
    ShivizEvent e{(*it)[1], (*it)[2], {}};
    const json clock = json::parse((*it)[3].str());
    for (const auto& [host, counter] : clock.items())
      e.clock[host] = counter.get<int64_t>();
    events.push_back(std::move(e));
  }
  CHECK(at == body.size());
  return events;
}

// ShiViz's rules: every clock names the host and every region; a host's own counter runs 1, 2,
// ...; and each foreign entry points at an earlier event of that host whose clock it includes.
// Returns how many events received from another host (ShiViz draws an arrow to each).
size_t check_vector_clocks(const std::vector<ShivizEvent>& events) {
  std::map<std::string, std::vector<const ShivizEvent*>> by_host;
  size_t receives = 0;
  for (const ShivizEvent& e : events) {
    INFO(e.text);
    REQUIRE(e.clock.count(e.host));
    CHECK(e.clock.size() == kRegions.size());
    std::vector<const ShivizEvent*>& mine = by_host[e.host];
    CHECK(e.clock.at(e.host) == static_cast<int64_t>(mine.size()) + 1);
    bool received = false;
    for (const auto& [host, counter] : e.clock) {
      if (host == e.host || counter == 0) continue;
      const std::vector<const ShivizEvent*>& theirs = by_host[host];
      REQUIRE(counter <= static_cast<int64_t>(theirs.size()));
      for (const auto& [h, c] : theirs[counter - 1]->clock)
        CHECK(c <= e.clock.at(h));
      if (mine.empty() || mine.back()->clock.at(host) < counter) received = true;
    }
    if (!mine.empty()) {
      for (const auto& [h, c] : mine.back()->clock)
        CHECK(c <= e.clock.at(h));
    }
    receives += received;
    mine.push_back(&e);
  }
  return receives;
}

TEST_CASE("shiviz log follows ShiViz's format with one receive per replicated apply") {
  RunFixture run(kRegions);
  testing::race_run(run);
  const testing::Loaded loaded = testing::load(run.dir());
  const std::string log = shiviz_log(*loaded.index, loaded.report.regions);
  const std::vector<ShivizEvent> events = parse_shiviz(log);
  // 4 writes, 8 applies, 3 reads.
  REQUIRE(events.size() == 15);
  CHECK(check_vector_clocks(events) == 8);
  CHECK(events[0].text == "PutItem users {id: \"42\"} -> us-east-1#1 (ts 1000), sent to peers");
  CHECK(events[0].host == "us-east-1");
  CHECK(events[0].clock ==
        std::map<std::string, int64_t>{{"ap-southeast-2", 0}, {"eu-west-1", 0}, {"us-east-1", 1}});
  CHECK(log.find("apply us-east-1#1 users {id: \"42\"}: concurrent, LWW discarded us-east-1#1") !=
        std::string::npos);
  CHECK(log.find("GetItem users {id: \"42\"} (op 3) returned no item") != std::string::npos);
}

TEST_CASE("elle history is a valid rw-register history") {
  RunFixture run(kRegions);
  testing::race_run(run);
  const testing::Loaded loaded = testing::load(run.dir());
  const json history = elle_history(loaded.scenario, *loaded.index);
  REQUIRE(history.is_array());
  REQUIRE(history.size() == 16);  // 8 operations, each an invoke and a completion
  std::map<int64_t, json> open;   // process -> its invoked op
  std::map<std::string, std::set<int64_t>> written;
  int64_t last_time = 0;
  for (size_t i = 0; i < history.size(); ++i) {
    const json& op = history[i];
    INFO(op.dump());
    CHECK(op["index"] == i);
    CHECK(op["f"] == "txn");
    CHECK(op["time"].get<int64_t>() >= last_time);
    last_time = op["time"];
    const int64_t process = op["process"];
    if (op["type"] == "invoke") {
      CHECK(open.count(process) == 0);  // one operation at a time per process
      open[process] = op;
      continue;
    }
    REQUIRE(open.count(process) == 1);
    CHECK(open[process]["value"].size() == op["value"].size());
    open.erase(process);
    CHECK((op["type"] == "ok" || op["type"] == "fail"));
    for (const json& mop : op["value"]) {
      if (mop[0] == "w" && op["type"] == "ok")
        CHECK(written[mop[1]].insert(mop[2].get<int64_t>()).second);  // unique values
    }
  }
  CHECK(open.empty());
  CHECK(history[0] == json{{"type", "invoke"},
                           {"f", "txn"},
                           {"value", json::array({json::array({"w", "users {id: \"42\"}", 1})})},
                           {"process", 0},
                           {"time", 1000000},
                           {"index", 0},
                           {"region", "us-east-1"}});
  // ap-southeast-2's second read returned alice's version, written by op 1.
  bool read_alice = false;
  for (const json& op : history) {
    if (op["type"] == "ok" && op["region"] == "ap-southeast-2" &&
        op["value"][0] == json::array({"r", "users {id: \"42\"}", 1}))
      read_alice = true;
  }
  CHECK(read_alice);
  CHECK(written["users {id: \"7\"}"] == std::set<int64_t>{5, 7});
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

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_CASE("export command writes html, shiviz and elle files") {
  RunFixture run(kRegions);
  testing::race_run(run);
  const testing::Loaded loaded = testing::load(run.dir());
  CHECK(gtsim("export " + run.dir() + " shiviz " + run.dir() + "/run.shiviz").first == 0);
  CHECK(read_file(run.dir() + "/run.shiviz") == shiviz_log(*loaded.index, loaded.report.regions));
  CHECK(gtsim("export " + run.dir() + " elle " + run.dir() + "/history.json").first == 0);
  CHECK(json::parse(read_file(run.dir() + "/history.json")) ==
        elle_history(loaded.scenario, *loaded.index));
  const auto [status, html] = gtsim("export " + run.dir() + " html -");
  CHECK(status == 0);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  const auto [bad_status, bad] = gtsim("export " + run.dir() + " dot -");
  CHECK(bad_status != 0);
}

}  // namespace
}  // namespace gtsim::viz
