// gtsim check, through the real binary: output and exit status.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

struct Result {
  int status;
  std::string output;  // stdout and stderr
};

Result run_check(const std::string& arguments) {
  const std::string command = std::string(GTSIM_BINARY) + " check " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  Result result{0, ""};
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe))
    result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

const std::string kData = GTSIM_TEST_DATA_DIR;

TEST_CASE("gtsim check accepts a valid file with a one-line summary") {
  const Result r = run_check(kData + "/design_example.yaml");
  CHECK(r.status == 0);
  CHECK(r.output == kData + "/design_example.yaml: ok (3 regions, 4 steps)\n");
}

TEST_CASE("gtsim check prints positioned diagnostics and exits 1 for an invalid file") {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / "gtsim-check-invalid.yaml";
  std::ofstream(file) << "name: t\nregions: [us-east-1, eu-west-1]\n"
                         "tables: [{name: users, partition_key: id}]\n"
                         "steps:\n  - {in: us-east-1, put: {id: \"1\"}, partiton: x}\n"
                         "  - {wait: 5 sec}\n";
  const Result r = run_check(file.string() + " " + kData + "/full.yaml");
  CHECK(r.status == 1);
  CHECK(r.output.find(file.string() +
                      ":5:37: error: unknown key 'partiton' in a put step; did you mean "
                      "'partition'?") != std::string::npos);
  CHECK(r.output.find(file.string() + ":6:12: error: wait takes") != std::string::npos);
  CHECK(r.output.find("full.yaml: ok (3 regions, 26 steps)") != std::string::npos);
  std::filesystem::remove(file);
}

TEST_CASE("gtsim check exits 2 for a file it cannot read") {
  const Result r = run_check(kData + "/design_example.yaml " + kData + "/missing.yaml");
  CHECK(r.status == 2);
  CHECK(r.output.find("cannot read " + kData + "/missing.yaml") != std::string::npos);
  CHECK(r.output.find("design_example.yaml: ok") != std::string::npos);
}

TEST_CASE("gtsim check without a file is a usage error") {
  CHECK(run_check("").status != 0);
}

}  // namespace
