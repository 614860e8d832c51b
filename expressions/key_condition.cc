#include "expressions/key_condition.h"

#include <string>
#include <vector>

#include "model/errors.h"

namespace gtsim::expr {
namespace {

using detail::ConditionNode;

[[noreturn]] void refuse(const std::string& op) {
  throw_validation("Invalid operator used in KeyConditionExpression: " + op);
}

// The leaf conditions of an AND tree; refuses every other operator.
void collect_conditions(ConditionNode& node, std::vector<ConditionNode*>& out) {
  switch (node.kind) {
    case ConditionNode::Kind::kAnd:
      collect_conditions(node.children[0], out);
      collect_conditions(node.children[1], out);
      return;
    case ConditionNode::Kind::kOr:
      refuse("OR");
    case ConditionNode::Kind::kNot:
      refuse("NOT");
    case ConditionNode::Kind::kIn:
      refuse("IN");
    case ConditionNode::Kind::kCompare:
      if (node.comparator == Comparator::kNotEqual) refuse("<>");
      break;
    case ConditionNode::Kind::kFunction:
      if (node.function != ConditionFunction::kBeginsWith) {
        refuse(condition_function_name(node.function));
      }
      break;
    case ConditionNode::Kind::kBetween:
      break;
  }
  out.push_back(&node);
}

// The key attribute one leaf condition is about, checked against DynamoDB's shape rules.
const DocumentPath& condition_attribute(const ConditionNode& node) {
  const DocumentPath* attribute = nullptr;
  for (const Operand& operand : node.operands) {
    if (operand.kind == Operand::Kind::kSize) {
      throw_validation("KeyConditionExpressions cannot contain nested operations");
    }
  }
  bool key_first =
      node.kind == ConditionNode::Kind::kBetween || node.kind == ConditionNode::Kind::kFunction;
  if (key_first && node.operands[0].kind != Operand::Kind::kPath) {
    throw_validation(std::string("Invalid condition in KeyConditionExpression: ") +
                     (node.kind == ConditionNode::Kind::kBetween ? "BETWEEN" : "begins_with") +
                     " operator must have the key attribute as its first operand");
  }
  for (const Operand& operand : node.operands) {
    if (operand.kind != Operand::Kind::kPath) continue;
    if (attribute != nullptr) {
      throw_validation(
          "Invalid condition in KeyConditionExpression: Multiple attribute names used in one "
          "condition");
    }
    if (operand.path.elements().size() > 1) {
      throw_validation("KeyConditionExpressions cannot have conditions on nested attributes");
    }
    attribute = &operand.path;
  }
  if (attribute == nullptr) {
    throw_validation("Invalid condition in KeyConditionExpression: No key attribute specified");
  }
  return *attribute;
}

}  // namespace

KeyConditionParts split_key_condition(ConditionNode root, const KeySchema& schema) {
  std::vector<ConditionNode*> leaves;
  collect_conditions(root, leaves);
  ConditionNode* partition = nullptr;
  ConditionNode* sort = nullptr;
  for (ConditionNode* leaf : leaves) {
    const std::string& name = condition_attribute(*leaf).attribute();
    ConditionNode** slot = name == schema.partition.name              ? &partition
                           : schema.sort && name == schema.sort->name ? &sort
                                                                      : nullptr;
    if (slot == nullptr) {
      throw_validation(schema.sort
                           ? "Query condition missed key schema element: " + schema.sort->name
                           : std::string("Query key condition not supported"));
    }
    if (*slot != nullptr) {
      throw_validation("KeyConditionExpressions must only contain one condition per key");
    }
    *slot = leaf;
  }
  if (partition == nullptr) {
    throw_validation("Query condition missed key schema element: " + schema.partition.name);
  }
  if (partition->kind != ConditionNode::Kind::kCompare ||
      partition->comparator != Comparator::kEqual) {
    throw_validation("Query key condition not supported");
  }
  KeyConditionParts parts;
  for (ConditionNode* leaf : {partition, sort}) {
    if (leaf == nullptr) continue;
    AttributeType key_type = leaf == partition ? schema.partition.type : schema.sort->type;
    for (const Operand& operand : leaf->operands) {
      if (operand.kind == Operand::Kind::kValue && operand.value.type() != key_type) {
        throw_validation(
            "One or more parameter values were invalid: Condition parameter type does not match "
            "schema type");
      }
      if (operand.kind == Operand::Kind::kValue && leaf == partition) {
        parts.partition_value = operand.value;
      }
    }
  }
  if (sort != nullptr) parts.sort_condition = std::move(*sort);
  return parts;
}

bool sort_condition_matches(const ConditionNode& sort_condition, const AttributeValue& sort_value) {
  const DocumentPath& attribute = condition_attribute(sort_condition);
  Item item{{attribute.attribute(), sort_value}};
  return sort_condition.evaluate(&item);
}

}  // namespace gtsim::expr
