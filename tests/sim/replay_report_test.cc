// gtsim run --deterministic: report.json states the seed and the command that replays the run,
// and two runs of that command give the same report.json, byte for byte; gtsim report prints it
// again.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs `gtsim <args>` with its output to `out`; its exit status.
int run_gtsim(const std::string& args, const fs::path& out = "/dev/null") {
  const int status = std::system(
      (std::string(GTSIM_BINARY) + " " + args + " >" + out.string() + " 2>/dev/null").c_str());
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

}  // namespace

TEST_CASE("report.json of a deterministic run names its seed and replay command") {
  const fs::path dir =
      fs::temp_directory_path() / ("gtsim-replay-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string example =
      (fs::path(GTSIM_SOURCE_DIR) / "scenarios" / "examples" / "10-add-replica.yaml").string();
  const std::string replay = "gtsim run --deterministic --seed 77 " + example;
  for (const char* run : {"first", "second"}) {
    REQUIRE(run_gtsim("run --quiet --deterministic --seed 77 --out " + (dir / run).string() + " " +
                      example) == 0);
  }
  const std::string first = read_text(dir / "first" / "report.json");
  CHECK(first == read_text(dir / "second" / "report.json"));
  const nlohmann::json report = nlohmann::json::parse(first);
  CHECK(report["seed"] == 77);
  CHECK(report["replay"] == replay);
  // gtsim report rebuilds both from the run directory.
  REQUIRE(run_gtsim("report --json " + (dir / "first").string(), dir / "rebuilt.json") == 0);
  const nlohmann::json rebuilt = nlohmann::json::parse(read_text(dir / "rebuilt.json"));
  CHECK(rebuilt["seed"] == 77);
  CHECK(rebuilt["replay"] == replay);
  // Its summary ends with the replay command, as gtsim run's did.
  REQUIRE(run_gtsim("report " + (dir / "first").string(), dir / "summary.txt") == 0);
  CHECK(read_text(dir / "summary.txt").find("\nReplay: " + replay + "\n") != std::string::npos);
  fs::remove_all(dir);
}
