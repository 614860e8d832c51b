// report.html in a real browser: headless Chromium loads it from disk with no console error and
// no network request, the diagram has one lane per region, the key select switches views, and a
// full-page screenshot is kept next to this test's binary as an artifact. Pages come from a
// synthetic run and from `gtsim run` of every curriculum scenario.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/viz/headless_chromium.h"
#include "tests/viz/test_run.h"
#include "viz/html_report.h"

namespace gtsim::viz {
namespace {

using nlohmann::json;
using testing::HeadlessChromium;

// Loads `html` (saved as NAME.html in the artifact directory) and checks it; saves NAME.png.
void check_in_browser(const std::string& name, const std::string& html, size_t regions,
                      const std::string& key_view) {
  const std::string page = std::string(GTSIM_VIZ_ARTIFACT_DIR) + "/" + name + ".html";
  std::ofstream(page, std::ios::binary) << html;
  gtsim::testing::TempDir profile;
  HeadlessChromium browser(profile.file("profile"));
  const std::string target =
      browser.call("Target.createTarget", {{"url", "about:blank"}})["targetId"];
  const std::string session =
      browser.call("Target.attachToTarget", {{"targetId", target}, {"flatten", true}})["sessionId"];
  for (const char* domain : {"Runtime", "Log", "Network", "Page"})
    browser.call(std::string(domain) + ".enable", json::object(), session);
  browser.call("Emulation.setDeviceMetricsOverride",
               {{"width", 1200}, {"height", 900}, {"deviceScaleFactor", 1}, {"mobile", false}},
               session);
  const std::string url = "file://" + page;
  browser.call("Page.navigate", {{"url", url}}, session);
  browser.wait_for("Page.loadEventFired");
  auto eval = [&](const std::string& expression) {
    return browser.call("Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}},
                        session)["result"]["value"];
  };

  CHECK(eval("document.querySelectorAll('#st-all svg.spacetime').length") == 1);
  CHECK(eval("document.querySelectorAll('#st-all svg.spacetime g.lane').length") == regions);
  CHECK(eval("document.querySelector('#st-all svg.spacetime').getBoundingClientRect().height "
             "> 150") == true);
  const std::string show =
      "(function (id) { var s = document.getElementById('key-view'); "
      "s.value = id; s.dispatchEvent(new Event('change')); return "
      "Array.from(document.querySelectorAll('.st-view')).filter(function "
      "(v) { return !v.hidden; }).map(function (v) { return v.id; })"
      ".join(); })";
  CHECK(eval(show + "('" + key_view + "')") == key_view);
  CHECK(eval("document.querySelectorAll('#" + key_view + " svg.spacetime g.lane').length") ==
        regions);
  CHECK(eval(show + "('st-all')") == "st-all");

  const json metrics = browser.call("Page.getLayoutMetrics", json::object(), session);
  const double height = metrics["cssContentSize"]["height"];
  const std::string png = browser.call(
      "Page.captureScreenshot",
      {{"format", "png"},
       {"captureBeyondViewport", true},
       {"clip", {{"x", 0}, {"y", 0}, {"width", 1200}, {"height", height}, {"scale", 1}}}},
      session)["data"];
  const std::string shot = std::string(GTSIM_VIZ_ARTIFACT_DIR) + "/" + name + ".png";
  std::ofstream(shot, std::ios::binary) << base64_decode(png);
  MESSAGE("screenshot: " << shot);

  for (const json& event : browser.events()) {
    const std::string method = event.value("method", "");
    const json& params = event["params"];
    INFO(event.dump());
    CHECK(method != "Runtime.exceptionThrown");
    if (method == "Runtime.consoleAPICalled")
      CHECK((params["type"] != "error" && params["type"] != "warning"));
    if (method == "Log.entryAdded") CHECK(params["entry"]["level"] != "error");
    if (method == "Network.requestWillBeSent") CHECK(params["request"]["url"] == url);
  }
}

TEST_CASE("report.html loads in headless chromium with no errors and no fetches") {
  gtsim::testing::RunFixture run(testing::kRegions);
  testing::race_run(run);
  const testing::Loaded loaded = testing::load(run.dir());
  check_in_browser("race_report", render_html(loaded.scenario, loaded.report, *loaded.index), 3,
                   "st-k0");
}

std::pair<int, std::string> run_command(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe))
    output.append(buffer, n);
  const int status = pclose(pipe);
  return {WEXITSTATUS(status), output};
}

TEST_CASE("report.html of every curriculum scenario run loads in headless chromium") {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(GTSIM_EXAMPLES_DIR)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 12);
  gtsim::testing::TempDir runs;
  for (const std::filesystem::path& file : files) {
    const std::string name = file.stem().string();
    INFO(name);
    const std::string dir = runs.file(name);
    const auto [status, output] =
        run_command(std::string(GTSIM_BINARY) + " run --quiet --out " + dir + " " + file.string());
    INFO(output);
    REQUIRE(status <= 1);  // 1: an expectation failed, which the page shows too
    std::ifstream in(dir + "/report.html", std::ios::binary);
    std::stringstream html;
    html << in.rdbuf();
    REQUIRE(!html.str().empty());
    const scenarios::Scenario scenario = scenarios::load_scenario_file(file.string());
    check_in_browser("curriculum-" + name, html.str(), scenario.regions.size(), "st-k0");
  }
}

}  // namespace
}  // namespace gtsim::viz
