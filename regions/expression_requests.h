// Region requests from DynamoDB expressions: the one bridge between expressions/ and the region's
// operations, shared by scenario steps, the control channel and the DynamoDB endpoint, so that
// there is a single implementation of "PutItem with a ConditionExpression".
//
// Parsed expressions are immutable and shared, so the returned function objects are cheap copies
// that own what they need.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "expressions/expression.h"
#include "regions/region.h"

namespace gtsim {

ItemPredicate to_predicate(const expr::ConditionExpression& condition);
ItemUpdate to_update(const expr::UpdateExpression& update);
ItemProjection to_projection(const expr::ProjectionExpression& projection);
KeyCondition to_key_condition(const expr::KeyConditionExpression& key_condition);

// The expression texts of one request with their placeholders, as DynamoDB's API and scenario
// steps carry them. Empty fields are absent.
struct ExpressionTexts {
  std::optional<std::string> condition;  // ConditionExpression
  std::optional<std::string> filter;     // FilterExpression (query, scan)
  std::optional<std::string> update;
  std::optional<std::string> projection;
  std::optional<std::string> key_condition;
  std::map<std::string, std::string> names;
  std::map<std::string, AttributeValue> values;
};

// Parsed and converted parts of one request. Parsing checks every placeholder was used, as
// DynamoDB does; throws DynamoError(kValidation) naming the expression at fault.
struct ParsedRequest {
  ItemPredicate condition;
  ItemPredicate filter;
  std::optional<ItemUpdate> update;
  ItemProjection projection;
  std::optional<KeyCondition> key_condition;
};
ParsedRequest parse_request(const ExpressionTexts& texts, const KeySchema& schema);

}  // namespace gtsim
