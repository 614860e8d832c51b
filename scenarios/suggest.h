// "Did you mean ...?": the closest valid word to a misspelt one.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gtsim::scenarios {

// Edit distance counting insertions, deletions, substitutions and swaps of adjacent characters
// (optimal string alignment), so that "partiton" is 1 from "partition" and "tabel" 1 from "table".
int edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a plausible misspelling: at most a
// third of the word's length in edits (at least 1, at most 3), and fewer edits than the word has
// letters; or the first candidate that starts with a word of four letters or more. Ties go to the
// earlier candidate.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

// "did you mean 'x'?" for the closest candidate, else "expected one of a, b, c" (or "" when there
// are no candidates).
std::string suggestion_hint(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace gtsim::scenarios
