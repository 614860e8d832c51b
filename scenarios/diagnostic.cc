#include "scenarios/diagnostic.h"

#include <algorithm>
#include <tuple>

#include <fmt/core.h>

namespace gtsim::scenarios {
namespace {

std::string join_lines(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const Diagnostic& d : diagnostics) {
    if (!text.empty()) text += '\n';
    text += d.to_string();
  }
  return text;
}

bool before(const Diagnostic& a, const Diagnostic& b) {
  return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
}

std::vector<Diagnostic> sorted(std::vector<Diagnostic> diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(), before);
  return diagnostics;
}

}  // namespace

std::string SourcePos::to_string() const {
  if (line <= 0) return file;
  return fmt::format("{}:{}:{}", file, line, column);
}

std::string Diagnostic::to_string() const {
  std::string text = fmt::format("{}: error: {}", pos.to_string(), message);
  if (!hint.empty()) text += "; " + hint;
  return text;
}

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : ScenarioError(sorted(std::move(diagnostics)), kSorted) {}

ScenarioError::ScenarioError(std::vector<Diagnostic> sorted_diagnostics, SortedTag)
    : std::runtime_error(join_lines(sorted_diagnostics)),
      diagnostics_(std::move(sorted_diagnostics)) {}

}  // namespace gtsim::scenarios
