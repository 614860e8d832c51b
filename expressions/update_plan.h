// The parsed form of an UpdateExpression and its application to an item.
//
// Semantics (DynamoDB's): every value is computed from the item as it was before the update; list
// indexes refer to positions in the original lists (so `REMOVE a[1] SET a[3] = :v` removes the
// second element and replaces the fourth); SET on an index beyond a list's end appends, in index
// order; REMOVE of a missing attribute or index does nothing; a SET, REMOVE, ADD or DELETE below a
// path whose parent does not exist or is not a map (list) is an error; DELETE that empties a set
// removes the attribute.
//
// Thread-safety: immutable after parsing; apply() only reads the plan.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "expressions/document_path.h"
#include "expressions/operand.h"

namespace gtsim::expr {

struct UpdateAction {
  enum class Kind { kSet, kRemove, kAdd, kDelete };

  Kind kind = Kind::kSet;
  DocumentPath path;
  Operand value;  // SET: the value expression; ADD, DELETE: the :value; REMOVE: unused
};

namespace detail {

class UpdatePlan {
 public:
  // `actions` must have pairwise independent paths (check_paths_independent).
  explicit UpdatePlan(std::vector<UpdateAction> actions);

  // See UpdateExpression::apply.
  Item apply(const Item& current) const;
  std::set<std::string> touched_attributes() const;

 private:
  // The actions arranged by path, so that one walk over the item applies all of them against the
  // original structure. A node is either an action's target or has children, all by name or all
  // by index (independent paths guarantee this).
  struct Node {
    int action = -1;  // index into actions_, or -1
    std::map<std::string, Node> fields;
    std::map<size_t, Node> elements;
  };

  void apply_fields(AttributeValue::Map& map, const Node& node,
                    const std::vector<AttributeValue>& set_values) const;
  std::optional<AttributeValue> apply_node(const AttributeValue* current, const Node& node,
                                           const std::vector<AttributeValue>& set_values) const;
  std::optional<AttributeValue> apply_action(const UpdateAction& action,
                                             const AttributeValue* current,
                                             const AttributeValue& set_value) const;

  std::vector<UpdateAction> actions_;
  Node root_;
};

}  // namespace detail
}  // namespace gtsim::expr
