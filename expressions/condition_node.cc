#include "expressions/condition_node.h"

#include <algorithm>
#include <compare>
#include <optional>
#include <string_view>

namespace gtsim::expr {
namespace {

// The order of two values of one orderable type (S, N, B); nullopt otherwise.
std::optional<std::strong_ordering> order(const AttributeValue& a, const AttributeValue& b) {
  if (a.type() != b.type()) return std::nullopt;
  switch (a.type()) {
    // std::string compares as unsigned bytes, which is UTF-8 code point order for S.
    case AttributeType::kS:
      return a.as_string().compare(b.as_string()) <=> 0;
    case AttributeType::kN:
      return a.as_number() <=> b.as_number();
    case AttributeType::kB:
      return a.as_binary().bytes.compare(b.as_binary().bytes) <=> 0;
    default:
      return std::nullopt;
  }
}

bool begins_with(const AttributeValue& whole, const AttributeValue& prefix) {
  if (whole.type() != prefix.type()) return false;
  if (whole.type() == AttributeType::kS) return whole.as_string().starts_with(prefix.as_string());
  if (whole.type() == AttributeType::kB) {
    return whole.as_binary().bytes.starts_with(prefix.as_binary().bytes);
  }
  return false;
}

bool contains(const AttributeValue& whole, const AttributeValue& part) {
  switch (whole.type()) {
    case AttributeType::kS:
      return part.type() == AttributeType::kS &&
             whole.as_string().find(part.as_string()) != std::string::npos;
    case AttributeType::kB:
      return part.type() == AttributeType::kB &&
             whole.as_binary().bytes.find(part.as_binary().bytes) != std::string::npos;
    case AttributeType::kSS:
      return part.type() == AttributeType::kS && whole.as_string_set().contains(part.as_string());
    case AttributeType::kNS:
      return part.type() == AttributeType::kN && whole.as_number_set().contains(part.as_number());
    case AttributeType::kBS:
      return part.type() == AttributeType::kB && whole.as_binary_set().contains(part.as_binary());
    case AttributeType::kL: {
      const auto& list = whole.as_list();
      return std::find(list.begin(), list.end(), part) != list.end();
    }
    default:
      return false;
  }
}

}  // namespace

const char* comparator_text(Comparator comparator) {
  switch (comparator) {
    case Comparator::kEqual:
      return "=";
    case Comparator::kNotEqual:
      return "<>";
    case Comparator::kLess:
      return "<";
    case Comparator::kLessEqual:
      return "<=";
    case Comparator::kGreater:
      return ">";
    case Comparator::kGreaterEqual:
      return ">=";
  }
  return "?";
}

const char* condition_function_name(ConditionFunction function) {
  switch (function) {
    case ConditionFunction::kAttributeExists:
      return "attribute_exists";
    case ConditionFunction::kAttributeNotExists:
      return "attribute_not_exists";
    case ConditionFunction::kAttributeType:
      return "attribute_type";
    case ConditionFunction::kBeginsWith:
      return "begins_with";
    case ConditionFunction::kContains:
      return "contains";
  }
  return "?";
}

bool compare_values(Comparator comparator, const AttributeValue* a, const AttributeValue* b) {
  if (a == nullptr || b == nullptr) return comparator == Comparator::kNotEqual;
  switch (comparator) {
    case Comparator::kEqual:
      return *a == *b;
    case Comparator::kNotEqual:
      return !(*a == *b);
    default:
      break;
  }
  std::optional<std::strong_ordering> result = order(*a, *b);
  if (!result) return false;
  switch (comparator) {
    case Comparator::kLess:
      return *result < 0;
    case Comparator::kLessEqual:
      return *result <= 0;
    case Comparator::kGreater:
      return *result > 0;
    case Comparator::kGreaterEqual:
      return *result >= 0;
    default:
      return false;
  }
}

namespace detail {

bool ConditionNode::evaluate(const Item* item) const {
  switch (kind) {
    case Kind::kAnd:
      return children[0].evaluate(item) && children[1].evaluate(item);
    case Kind::kOr:
      return children[0].evaluate(item) || children[1].evaluate(item);
    case Kind::kNot:
      return !children[0].evaluate(item);
    default:
      break;
  }
  AttributeValue scratch0;
  AttributeValue scratch1;
  AttributeValue scratch2;
  const AttributeValue* first = resolve_condition_operand(operands[0], item, scratch0);
  switch (kind) {
    case Kind::kCompare:
      return compare_values(comparator, first,
                            resolve_condition_operand(operands[1], item, scratch1));
    case Kind::kBetween:
      return compare_values(Comparator::kGreaterEqual, first,
                            resolve_condition_operand(operands[1], item, scratch1)) &&
             compare_values(Comparator::kLessEqual, first,
                            resolve_condition_operand(operands[2], item, scratch2));
    case Kind::kIn:
      for (size_t i = 1; i < operands.size(); ++i) {
        if (compare_values(Comparator::kEqual, first,
                           resolve_condition_operand(operands[i], item, scratch1))) {
          return true;
        }
      }
      return false;
    case Kind::kFunction:
      break;
    default:
      return false;
  }
  switch (function) {
    case ConditionFunction::kAttributeExists:
      return first != nullptr;
    case ConditionFunction::kAttributeNotExists:
      return first == nullptr;
    case ConditionFunction::kAttributeType:
      // The parser guarantees an S value naming a type.
      return first != nullptr && operands[1].value.as_string() == type_descriptor(first->type());
    case ConditionFunction::kBeginsWith:
    case ConditionFunction::kContains: {
      const AttributeValue* second = resolve_condition_operand(operands[1], item, scratch1);
      if (first == nullptr || second == nullptr) return false;
      return function == ConditionFunction::kBeginsWith ? begins_with(*first, *second)
                                                        : contains(*first, *second);
    }
  }
  return false;
}

}  // namespace detail
}  // namespace gtsim::expr
