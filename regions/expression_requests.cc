#include "regions/expression_requests.h"

namespace gtsim {

ItemPredicate to_predicate(const expr::ConditionExpression& condition) {
  return [condition](const Item* item) { return condition.evaluate(item); };
}

ItemUpdate to_update(const expr::UpdateExpression& update) {
  return {[update](const Item& current) { return update.apply(current); },
          update.touched_attributes()};
}

ItemProjection to_projection(const expr::ProjectionExpression& projection) {
  return [projection](const Item& item) { return projection.apply(item); };
}

KeyCondition to_key_condition(const expr::KeyConditionExpression& key_condition) {
  return {key_condition.partition_value(), [key_condition](const AttributeValue& sort_value) {
            return key_condition.sort_key_matches(sort_value);
          }};
}

ParsedRequest parse_request(const ExpressionTexts& texts, const KeySchema& schema) {
  expr::ExpressionAttributes attributes(texts.names, texts.values);
  ParsedRequest parsed;
  if (texts.key_condition) {
    parsed.key_condition = to_key_condition(
        expr::KeyConditionExpression::parse(*texts.key_condition, attributes, schema));
  }
  if (texts.condition) {
    parsed.condition = to_predicate(expr::ConditionExpression::parse(*texts.condition, attributes));
  }
  if (texts.filter) {
    parsed.filter = to_predicate(
        expr::ConditionExpression::parse(*texts.filter, attributes, expr::ConditionKind::kFilter));
  }
  if (texts.update)
    parsed.update = to_update(expr::UpdateExpression::parse(*texts.update, attributes));
  if (texts.projection) {
    parsed.projection =
        to_projection(expr::ProjectionExpression::parse(*texts.projection, attributes));
  }
  attributes.check_all_used();
  return parsed;
}

}  // namespace gtsim
