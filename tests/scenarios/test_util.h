// Helpers for scenario parser tests: parse text and look at the diagnostics.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "scenarios/parser.h"

namespace gtsim::scenarios::testing {

// The diagnostics of parsing `yaml`; empty when it is valid.
inline std::vector<Diagnostic> diagnostics_of(const std::string& yaml) {
  try {
    parse_scenario(yaml, "t.yaml");
  } catch (const ScenarioError& e) {
    return e.diagnostics();
  }
  return {};
}

// 1-based line and column of the only occurrence of `marker` in `text`.
inline SourcePos position_of(const std::string& text, const std::string& marker) {
  const size_t at = text.find(marker);
  REQUIRE_MESSAGE(at != std::string::npos, "marker not in text: " << marker);
  REQUIRE_MESSAGE(text.find(marker, at + 1) == std::string::npos, "marker not unique: " << marker);
  const size_t line_start = text.rfind('\n', at);
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
  const int column =
      static_cast<int>(at - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
  return SourcePos{"t.yaml", line, column};
}

// `yaml` is rejected with exactly one diagnostic, placed where `marker` starts, that reads
// "t.yaml:LINE:COLUMN: error: <message>" and contains `message_part` and `hint_part`.
inline void check_error(const std::string& yaml, const std::string& marker,
                        const std::string& message_part, const std::string& hint_part = "") {
  const std::vector<Diagnostic> diagnostics = diagnostics_of(yaml);
  std::string all;
  for (const Diagnostic& d : diagnostics)
    all += d.to_string() + "\n";
  INFO("diagnostics:\n" << all);
  REQUIRE(diagnostics.size() == 1);
  const Diagnostic& d = diagnostics.front();
  const SourcePos expected = position_of(yaml, marker);
  CHECK(d.pos == expected);
  CHECK(d.message.find(message_part) != std::string::npos);
  CHECK(d.hint.find(hint_part) != std::string::npos);
  CHECK(d.to_string().starts_with(expected.to_string() + ": error: "));
}

// A valid header; steps follow from line 5 on.
inline const std::string kHeader =
    "name: t\n"
    "regions: [us-east-1, eu-west-1]\n"
    "tables: [{name: users, partition_key: id}]\n"
    "steps:\n";

}  // namespace gtsim::scenarios::testing
