// Random mutations of valid scenarios: the parser may reject them, but only with ScenarioError and
// well-formed diagnostics; it never crashes, hangs or throws anything else.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

#include "scenarios/parser.h"

namespace gtsim::scenarios {
namespace {

std::string read_data(const std::string& name) {
  std::ifstream in(std::string(GTSIM_TEST_DATA_DIR) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One random edit: characters that matter to YAML, tokens that matter to scenarios, and line
// shuffles that break structure.
std::string mutate(std::string text, std::mt19937& rng) {
  static const std::string kChars = "{}[]:,-'\"#&*!|>%@ \n\t0123456789abcxyz.";
  static const std::vector<std::string> kTokens = {
      "5 sec",       "-1",         "0",
      "1e309",       "true",       "~",
      "null",        "us-east-1",  "nowhere",
      "lag.p99",     "\"< 1ms\"",  "!SS []",
      "!N x",        "[[a], [a]]", "{}",
      "[]",          ":",          "converged",
      "put",         "update",     "delete",
      "transaction", "partition",  "SET",
      ":v",          "#n",         "99999999999999999999",
      "zipf(",       "hot-key(0)", "aws",
      "lognormal",   "->",         "&a",
      "*a"};
  std::uniform_int_distribution<size_t> position(0, text.empty() ? 0 : text.size() - 1);
  switch (std::uniform_int_distribution<int>(0, 5)(rng)) {
    case 0:  // delete a few characters
      if (!text.empty()) text.erase(position(rng), 1 + rng() % 4);
      break;
    case 1:  // insert a character
      text.insert(position(rng), 1, kChars[rng() % kChars.size()]);
      break;
    case 2:  // insert a token
      text.insert(position(rng), kTokens[rng() % kTokens.size()]);
      break;
    case 3: {  // replace a word with a token
      const size_t at = position(rng);
      const size_t end = text.find_first_of(" ,:{}[]\n", at);
      text.replace(at, (end == std::string::npos ? text.size() : end) - at,
                   kTokens[rng() % kTokens.size()]);
      break;
    }
    case 4: {  // duplicate or drop a line
      std::vector<std::string> lines;
      std::stringstream in(text);
      for (std::string line; std::getline(in, line);)
        lines.push_back(line);
      if (lines.empty()) break;
      const size_t i = rng() % lines.size();
      if (rng() % 2) {
        lines.insert(lines.begin() + i, lines[rng() % lines.size()]);
      } else {
        lines.erase(lines.begin() + i);
      }
      text.clear();
      for (const std::string& line : lines)
        text += line + "\n";
      break;
    }
    default:  // truncate
      text.resize(position(rng));
      break;
  }
  return text;
}

void check_never_crashes(const std::string& name, uint32_t seed, int rounds) {
  const std::string original = read_data(name);
  REQUIRE_FALSE(original.empty());
  std::mt19937 rng(seed);
  int rejected = 0;
  for (int round = 0; round < rounds; ++round) {
    std::string text = original;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e)
      text = mutate(std::move(text), rng);
    const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 2;
    try {
      parse_scenario(text, name);
    } catch (const ScenarioError& error) {
      ++rejected;
      REQUIRE_FALSE(error.diagnostics().empty());
      for (const Diagnostic& d : error.diagnostics()) {
        INFO("round " << round << ":\n" << text << "\n" << d.to_string());
        CHECK(d.pos.file == name);
        CHECK(d.pos.line >= 0);
        CHECK(d.pos.line <= lines);
        CHECK_FALSE(d.message.empty());
      }
    } catch (const std::exception& other) {
      FAIL("round " << round << " threw " << other.what() << " for:\n" << text);
    }
  }
  // The mutations must actually exercise the error paths.
  CHECK(rejected > rounds / 4);
}

TEST_CASE("random mutations of the design example never crash the parser") {
  check_never_crashes("design_example.yaml", 1, 3000);
}

TEST_CASE("random mutations of the full example never crash the parser") {
  check_never_crashes("full.yaml", 2, 3000);
}

}  // namespace
}  // namespace gtsim::scenarios
