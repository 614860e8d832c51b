#include "scenarios/suggest.h"

#include <algorithm>

#include <fmt/core.h>
#include <fmt/format.h>

namespace gtsim::scenarios {

int edit_distance(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  // Three rows suffice for the adjacent swap, which looks two rows back.
  std::vector<int> before(m + 1), previous(m + 1), current(m + 1);
  for (size_t j = 0; j <= m; ++j)
    previous[j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    current[0] = static_cast<int>(i);
    for (size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[m];
}

std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates) {
  // Replacing a whole word is no misspelling, so a one-letter word has no match.
  const int limit = std::min(std::clamp(static_cast<int>(word.size()) / 3, 1, 3),
                             static_cast<int>(word.size()) - 1);
  std::optional<std::string> best;
  int best_distance = limit + 1;
  // A word that a candidate starts with is a likely abbreviation: "ConditionalCheckFailed".
  if (word.size() >= 4) {
    for (const std::string& candidate : candidates) {
      if (candidate.starts_with(word)) return candidate;
    }
  }
  for (const std::string& candidate : candidates) {
    const int distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::string suggestion_hint(std::string_view word, const std::vector<std::string>& candidates) {
  if (candidates.empty()) return "";
  if (auto match = closest_match(word, candidates))
    return fmt::format("did you mean '{}'?", *match);
  return fmt::format("expected one of {}", fmt::join(candidates, ", "));
}

}  // namespace gtsim::scenarios
