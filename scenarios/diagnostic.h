// Diagnostics of scenario files: where a problem is, what it is, and how to fix it.
//
// A diagnostic renders as "file:line:column: error: message; hint", the form compilers use, so
// that editors and terminals can jump to the line.
//
// Thread-safety: value types.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace gtsim::scenarios {

// Where something was written: the file as the user named it, 1-based line and column (0 when
// unknown).
struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;
  // "file:line:column", or "file" when the line is unknown.
  std::string to_string() const;
  bool operator==(const SourcePos&) const = default;
};

struct Diagnostic {
  SourcePos pos;
  std::string message;  // what is wrong, e.g. "unknown key 'partiton'"
  std::string hint;     // how to fix it, e.g. "did you mean 'partition'?"; may be empty
  // "file:line:column: error: message; hint".
  std::string to_string() const;
};

// A scenario file that is not valid. Holds every diagnostic found, in file order; what() is all
// of them, one per line.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  enum SortedTag { kSorted };
  ScenarioError(std::vector<Diagnostic> sorted_diagnostics, SortedTag);
  std::vector<Diagnostic> diagnostics_;
};

// A scenario file that cannot be read at all (missing, unreadable, a directory).
class ScenarioFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace gtsim::scenarios
