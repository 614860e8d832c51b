// The parsed form of a ConditionExpression, FilterExpression or KeyConditionExpression, and its
// evaluation with DynamoDB's comparison rules:
//  - operands of different types are never equal and never ordered (false, not an error);
//  - ordering (<, <=, >, >=, BETWEEN) exists for S (by UTF-8 bytes), N (numerically) and B
//    (bytewise) only;
//  - = and <> compare any types, deeply (sets ignore order);
//  - a missing attribute makes every comparison false except <>, which is true.
//
// Thread-safety: immutable after parsing; evaluate() only reads.
#pragma once

#include <vector>

#include "expressions/operand.h"
#include "model/attribute_value.h"

namespace gtsim::expr {

enum class Comparator { kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual };

// The comparator as expressions write it ("=", "<>", ...).
const char* comparator_text(Comparator comparator);

// `a <comparator> b` under the rules above; nullptr stands for a missing value.
bool compare_values(Comparator comparator, const AttributeValue* a, const AttributeValue* b);

enum class ConditionFunction {
  kAttributeExists,
  kAttributeNotExists,
  kAttributeType,
  kBeginsWith,
  kContains,
};

// The function's name as expressions write it ("begins_with", ...).
const char* condition_function_name(ConditionFunction function);

namespace detail {

struct ConditionNode {
  enum class Kind { kAnd, kOr, kNot, kCompare, kBetween, kIn, kFunction };

  Kind kind = Kind::kCompare;
  Comparator comparator = Comparator::kEqual;                 // kCompare
  ConditionFunction function = ConditionFunction::kContains;  // kFunction
  std::vector<ConditionNode> children;                        // kAnd, kOr: two; kNot: one
  // kCompare: two; kBetween: value, lower, upper; kIn: value then candidates; kFunction: args.
  std::vector<Operand> operands;

  // Whether `item` (nullptr: no item) satisfies the condition. Never throws.
  bool evaluate(const Item* item) const;
};

}  // namespace detail
}  // namespace gtsim::expr
