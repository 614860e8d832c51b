// Operand: one operand of a condition (a path, a value, size(path)) or of a SET action's value
// (also if_not_exists, list_append, + and -), and its evaluation against an item.
//
// Thread-safety: immutable after parsing; evaluation only reads.
#pragma once

#include <optional>
#include <vector>

#include "expressions/document_path.h"
#include "model/attribute_value.h"

namespace gtsim::expr {

struct Operand {
  enum class Kind { kPath, kValue, kSize, kIfNotExists, kListAppend, kPlus, kMinus };

  Kind kind = Kind::kValue;
  DocumentPath path;          // kPath
  AttributeValue value;       // kValue: the resolved :placeholder
  std::vector<Operand> args;  // the function's arguments, or the two sides of + and -

  // The operand's type when known before evaluation (values, and what size, list_append, + and -
  // produce); nullopt for paths and if_not_exists.
  std::optional<AttributeType> static_type() const;
};

// The operand's value for a condition on `item` (nullptr: no item), or nullptr when it has none: a
// missing path, or size() of a type without a size (N, BOOL, NULL). The result points into
// `item`, into `operand`, or into `scratch` (computed values). Never throws.
const AttributeValue* resolve_condition_operand(const Operand& operand, const Item* item,
                                                AttributeValue& scratch);

// The value a SET action assigns, computed from the item before the update. Throws
// DynamoError(kValidation) with DynamoDB's messages for a path that does not exist, for operands
// of the wrong type, and for a number overflow.
AttributeValue compute_update_operand(const Operand& operand, const Item& item);

}  // namespace gtsim::expr
