// report.html from synthetic runs: structure, highlights, shading, sampling and determinism.
#include <doctest/doctest.h>
#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "tests/viz/test_run.h"
#include "viz/html_report.h"
#include "viz/space_time.h"

namespace gtsim::viz {
namespace {

using gtsim::testing::RunFixture;
using testing::kRegions;

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

// The HTML of one view of the space-time diagram.
std::string view(const std::string& html, const std::string& id) {
  const size_t start = html.find(fmt::format("<div class=\"st-view\" id=\"{}\"", id));
  REQUIRE(start != std::string::npos);
  return html.substr(start, html.find("</svg></div>", start) - start);
}

TEST_CASE("html report shows one lane per region, conflicts, lost writes and faults") {
  RunFixture run(kRegions);
  testing::race_run(run);
  const testing::Loaded loaded = testing::load(run.dir());
  const std::string html = render_html(loaded.scenario, loaded.report, *loaded.index);

  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<h1>race and faults</h1>") != std::string::npos);
  const std::string all = view(html, "st-all");
  CHECK(count(all, "<g class=\"lane\"") == 3);
  for (const std::string& region : kRegions)
    CHECK(all.find("data-region=\"" + region + "\"") != std::string::npos);
  // Key "42" met a conflict in every region; it comes first in the select.
  CHECK(count(all, "class=\"arrow conflict\"") == 3);
  CHECK(count(all, "class=\"conflict-ring\"") == 3);
  CHECK(count(all, "class=\"mark write lost\"") == 1);
  CHECK(count(all, "class=\"mark read stale\"") == 2);
  CHECK(count(all, "class=\"mark failed\"") == 1);
  CHECK(all.find("All 8 replication arrows shown.") != std::string::npos);
  CHECK(html.find("<option value=\"st-k0\">users {id: &quot;42&quot;}</option>") !=
        std::string::npos);
  CHECK(html.find("<option value=\"st-k1\">users {id: &quot;7&quot;}</option>") !=
        std::string::npos);
  // The isolate cut ap-southeast-2 off from both peers and them from it; eu-west-1 crashed.
  CHECK(all.find("<rect class=\"shade cut\"") != std::string::npos);
  CHECK(all.find("ap-southeast-2 cut off from eu-west-1, us-east-1: 120ms to 200ms") !=
        std::string::npos);
  CHECK(all.find("eu-west-1 down (crashed): 250ms to 300ms") != std::string::npos);

  // The item view zooms to key 7 and labels its versions.
  const std::string seven = view(html, "st-k1");
  CHECK(seven.find("users {id: &quot;7&quot;}: 2 write(s), 4 arrival(s)") != std::string::npos);
  CHECK(seven.find(">us-east-1#2</text>") != std::string::npos);
  CHECK(seven.find("class=\"mark read") == std::string::npos);

  // Tables, charts and expectations.
  CHECK(html.find("id=\"chart-lag\"") != std::string::npos);
  CHECK(html.find("id=\"chart-pending\"") != std::string::npos);
  CHECK(count(html, "class=\"chart histogram\"") == 4);  // links with replicated records
  CHECK(html.find("later timestamp") != std::string::npos);
  CHECK(html.find("<td class=\"pass\">pass</td><td>metric</td><td>conflicts</td>") !=
        std::string::npos);
  // Self-contained: nothing to fetch.
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find(" src=") == std::string::npos);
}

TEST_CASE("html report is identical for identical runs and written by write_html_report") {
  RunFixture first(kRegions), second(kRegions);
  testing::race_run(first);
  testing::race_run(second);
  const testing::Loaded a = testing::load(first.dir());
  const testing::Loaded b = testing::load(second.dir());
  const std::string html = render_html(a.scenario, a.report, *a.index);
  CHECK(html == render_html(b.scenario, b.report, *b.index));

  write_html_report(a.scenario, a.report, *a.data, first.dir());
  std::ifstream in(first.dir() + "/report.html", std::ios::binary);
  std::stringstream written;
  written << in.rdbuf();
  CHECK(written.str() == html);
}

TEST_CASE("html report samples replication arrows of a large run and says how many it shows") {
  RunFixture run({"us-east-1", "eu-west-1"});
  // 400 writes over 40 keys, each shipped: 400 arrows, two of them a conflict.
  for (int i = 0; i < 400; ++i) {
    const std::string region = i % 2 ? "eu-west-1" : "us-east-1";
    run.put(region, std::to_string(i % 40), fmt::format("v{}", i), 10000 + i * 1000);
    run.ship(region, i % 2 ? "us-east-1" : "eu-west-1", 10000 + i * 1000 + 700);
  }
  run.put("us-east-1", "race", "a", 500000);
  run.put("eu-west-1", "race", "b", 500100);
  run.ship("us-east-1", "eu-west-1", 530000);
  run.ship("eu-west-1", "us-east-1", 530000);
  for (int i = 0; i < 400; ++i) {
    const std::string region = i % 2 ? "eu-west-1" : "us-east-1";
    run.put(region, std::to_string(i % 40), fmt::format("w{}", i), 600000 + i * 1000);
    run.ship(region, i % 2 ? "us-east-1" : "eu-west-1", 600000 + i * 1000 + 900);
  }
  run.finish(R"(name: many writes
regions: [us-east-1, eu-west-1]
tables: [{name: users, partition_key: id}]
steps: [{wait: 1s}]
)");
  const testing::Loaded loaded = testing::load(run.dir());
  const std::string html = render_html(loaded.scenario, loaded.report, *loaded.index);
  const std::string all = view(html, "st-all");
  std::smatch m;
  REQUIRE(std::regex_search(all, m,
                            std::regex("(\\d+) of 802 replication arrows shown: those of "
                                       "one write in 3, plus every write in a conflict or lost")));
  CHECK(std::stoi(m[1]) <= static_cast<int>(kMaxSampledArrows) + 2);
  CHECK(count(all, "<line class=\"arrow") == static_cast<size_t>(std::stoi(m[1])));
  CHECK(count(all, "class=\"arrow conflict\"") == 2);  // conflicts are always drawn
  CHECK(count(all, "class=\"mark write") == 802);
  // The select lists the conflicting key first, and at most kMaxKeyViews keys.
  CHECK(html.find("<option value=\"st-k0\">users {id: &quot;race&quot;}</option>") !=
        std::string::npos);
  CHECK(count(html, "<div class=\"st-view\"") == kMaxKeyViews + 1);
  CHECK(html.find(std::to_string(kMaxKeyViews) + " of 41 written keys listed") !=
        std::string::npos);
}

}  // namespace
}  // namespace gtsim::viz
