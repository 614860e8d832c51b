// The rules of KeyConditionExpression: the parsed condition must be an equality on the partition
// key, optionally AND one condition on the sort key (=, <, <=, >, >=, BETWEEN, begins_with), with
// values of the key's type. Messages are DynamoDB's.
#pragma once

#include <optional>

#include "expressions/condition_node.h"
#include "model/key_schema.h"

namespace gtsim::expr {

struct KeyConditionParts {
  AttributeValue partition_value;
  std::optional<detail::ConditionNode> sort_condition;
};

// Splits a parsed KeyConditionExpression into its partition value and its sort-key condition.
// Throws DynamoError(kValidation) when the condition breaks the rules above.
KeyConditionParts split_key_condition(detail::ConditionNode root, const KeySchema& schema);

// Whether `sort_value` satisfies `sort_condition`, a condition split_key_condition returned.
bool sort_condition_matches(const detail::ConditionNode& sort_condition,
                            const AttributeValue& sort_value);

}  // namespace gtsim::expr
