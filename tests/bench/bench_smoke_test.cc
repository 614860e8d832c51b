// Smoke test of `gtsim bench`: at a tiny size every benchmark runs and prints its section with
// finite ratios. Nothing here is timed and no speed is asserted; the figures live in the
// benchmark's output only (docs/benchmarks.md).
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

TEST_CASE("gtsim bench --quick at a tiny size prints every section with finite ratios") {
  const fs::path dir = fs::temp_directory_path() / ("gtsim-bench-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string command =
      std::string(GTSIM_BINARY) + " bench --quick --scale 0.02 --dir " + dir.string() + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
    output.append(buffer, n);
  const int status = ::pclose(pipe);
  INFO(output);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK_FALSE(fs::exists(dir));  // the work directory is removed without --keep

  // The allocator the figures were measured with, as the build chose it and gtsim found it.
  std::smatch allocator;
  REQUIRE(std::regex_search(output, allocator, std::regex(R"(^gtsim bench .*, allocator: (.*))")));
  if (GTSIM_EXPECT_TCMALLOC) {
    CHECK(std::regex_match(allocator[1].str(), std::regex(R"(tcmalloc \(gperftools [0-9.]+\))")));
  } else {
    CHECK(allocator[1].str() == "the default malloc");
  }

  // Finite ratios per section.
  std::map<std::string, int> ratios;
  std::string section;
  std::istringstream lines(output);
  const std::regex header(R"(^== (\w+): )"), ratio(R"(\| ratio ([0-9.]+) \|)");
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_search(line, m, header)) {
      section = m[1];
      ratios[section];
    } else if (std::regex_search(line, m, ratio)) {
      CHECK(std::isfinite(std::stod(m[1])));
      ++ratios[section];
    }
  }
  for (const char* name : {"sqlite", "lag", "catchup", "deterministic", "scale"}) {
    CAPTURE(name);
    CHECK(ratios.count(name) == 1);
    CHECK(ratios[name] > 0);
  }
}
