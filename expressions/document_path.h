// DocumentPath: a path to an attribute inside an item, as expressions write it (`a.b[2].c`), after
// #name placeholders were resolved.
//
// Thread-safety: a value type.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "model/attribute_value.h"

namespace gtsim::expr {

// One step of a path: a map key (or top-level attribute name), or a list index.
struct PathElement {
  std::string name;  // when !is_index
  size_t index = 0;  // when is_index
  bool is_index = false;

  bool operator==(const PathElement&) const = default;
};

class DocumentPath {
 public:
  DocumentPath() = default;
  // `elements` must be non-empty and start with a name (the parser guarantees both).
  explicit DocumentPath(std::vector<PathElement> elements) : elements_(std::move(elements)) {}

  const std::vector<PathElement>& elements() const { return elements_; }
  // The top-level attribute the path starts at.
  const std::string& attribute() const { return elements_.front().name; }

  // The value at this path in `item`, or nullptr when any step is missing or of the wrong type
  // (a name step on a non-map, an index step on a non-list or beyond its end). The pointer is
  // valid while `item` is unchanged.
  const AttributeValue* find(const Item& item) const;

  // DynamoDB's rendering in error messages: "[a, b, [2], c]".
  std::string to_string() const;

  bool operator==(const DocumentPath&) const = default;

 private:
  std::vector<PathElement> elements_;
};

// Throws DynamoError(kValidation) unless the paths are pairwise independent, with DynamoDB's
// messages (prefixed with "Invalid <expression_kind>: "): one path equal to or a prefix of
// another "overlaps"; two paths that step into the same value once by name and once by index
// "conflict". Path one is the earlier path in `paths`.
void check_paths_independent(const std::vector<DocumentPath>& paths,
                             const std::string& expression_kind);

}  // namespace gtsim::expr
