// The parsed form of a ProjectionExpression and its application to an item.
//
// As DynamoDB does: only the listed paths are kept, with their nested structure; missing paths
// are skipped; a map or list left with nothing projected is left out; elements projected from a
// list keep their order and are packed together (`a[1], a[3]` of [w, x, y, z] gives a: [x, z]).
//
// Thread-safety: immutable after construction.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "expressions/document_path.h"

namespace gtsim::expr::detail {

class ProjectionPlan {
 public:
  // `paths` must be pairwise independent (check_paths_independent).
  explicit ProjectionPlan(const std::vector<DocumentPath>& paths);

  Item apply(const Item& item) const;

 private:
  struct Node {
    bool whole = false;  // the path ends here: keep the whole value
    std::map<std::string, Node> fields;
    std::map<size_t, Node> elements;
  };

  static std::optional<AttributeValue> project(const AttributeValue& value, const Node& node);

  Node root_;
};

}  // namespace gtsim::expr::detail
