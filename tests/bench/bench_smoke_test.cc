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

// Reads a command's output to its end and checks that it exited with `expected_status`; returns
// the output.
std::string finish(FILE* pipe, int expected_status = 0) {
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
    output.append(buffer, n);
  const int status = ::pclose(pipe);
  INFO(output);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == expected_status);
  return output;
}

TEST_CASE("gtsim bench --quick at a tiny size prints every section with finite ratios") {
  const fs::path dir = fs::temp_directory_path() / ("gtsim-bench-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string command =
      std::string(GTSIM_BINARY) + " bench --quick --scale 0.02 --dir " + dir.string() + " 2>&1";
  const std::string output = finish(::popen(command.c_str(), "r"));
  INFO(output);
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

  // Each origin's pipeline says what it cost in CPU, in all four processes (three regions and
  // the clients), and what that cost allows: a process whose CPU time could not be read says
  // "unknown" instead.
  const std::regex cpu_note(
      R"(CPU per record: ([0-9.]+) us in all processes \((?:[a-z0-9-]+(?: \(origin\))? [0-9.]+, ){3})"
      R"(clients [0-9.]+\); [0-9]+ CPUs kept busy would carry at most [0-9]+ rec/s, ratio )"
      R"(([0-9.]+) of raw upserts)");
  size_t cpu_notes = 0;
  for (std::sregex_iterator it(output.begin(), output.end(), cpu_note), end; it != end; ++it) {
    CHECK(std::isfinite(std::stod((*it)[1])));
    CHECK(std::isfinite(std::stod((*it)[2])));
    ++cpu_notes;
  }
  CHECK(cpu_notes == 3);
}

// Without --dir each run takes runs/bench-<second it started>: two started in the same second
// (as here, nearly always) must still get one each, or the second writes into the first's files.
TEST_CASE("two gtsim bench commands started together each get a work directory of their own") {
  const fs::path cwd =
      fs::temp_directory_path() / ("gtsim-bench-pair-" + std::to_string(::getpid()));
  fs::remove_all(cwd);
  fs::create_directories(cwd);
  const std::string command = "cd " + cwd.string() + " && " + std::string(GTSIM_BINARY) +
                              " bench deterministic --quick --scale 0.02 --keep 2>&1";
  FILE* pipes[2] = {::popen(command.c_str(), "r"), ::popen(command.c_str(), "r")};
  for (FILE* pipe : pipes)
    finish(pipe);
  size_t dirs = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(cwd / "runs")) {
    CHECK(entry.path().filename().string().rfind("bench-", 0) == 0);
    ++dirs;
  }
  CHECK(dirs == 2);
  fs::remove_all(cwd);
}

// A work directory given with --dir must be new or empty: the benchmark would otherwise measure
// on, and then remove, files it did not make.
TEST_CASE("gtsim bench refuses a work directory that holds files and leaves them") {
  const fs::path dir =
      fs::temp_directory_path() / ("gtsim-bench-full-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::FILE* file = std::fopen((dir / "keep-me").c_str(), "w");
  REQUIRE(file != nullptr);
  std::fclose(file);
  const std::string command = std::string(GTSIM_BINARY) +
                              " bench deterministic --quick --scale 0.02 --dir " + dir.string() +
                              " 2>&1";
  const std::string output = finish(::popen(command.c_str(), "r"), 2);
  CHECK(output.find(dir.string() + " is not empty") != std::string::npos);
  CHECK(fs::exists(dir / "keep-me"));
  fs::remove_all(dir);
}
