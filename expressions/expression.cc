#include "expressions/expression.h"

#include "expressions/condition_node.h"
#include "expressions/key_condition.h"
#include "expressions/parser.h"
#include "expressions/projection_plan.h"
#include "expressions/update_plan.h"
#include "model/errors.h"

namespace gtsim::expr {
namespace {

// "{#a, #b}" of the placeholders in `all` that are not in `used`, or "" when all were used.
template <typename Map>
std::string unused_keys(const Map& all, const std::set<std::string>& used) {
  std::string keys;
  for (const auto& [key, value] : all) {
    if (used.contains(key)) continue;
    keys += keys.empty() ? "{" : ", ";
    keys += key;
  }
  return keys.empty() ? keys : keys + "}";
}

}  // namespace

ExpressionAttributes::ExpressionAttributes(std::map<std::string, std::string> names,
                                           std::map<std::string, AttributeValue> values)
    : names_(std::move(names)), values_(std::move(values)) {}

void ExpressionAttributes::check_all_used() const {
  if (std::string keys = unused_keys(names_, used_names_); !keys.empty()) {
    throw_validation("Value provided in ExpressionAttributeNames unused in expressions: keys: " +
                     keys);
  }
  if (std::string keys = unused_keys(values_, used_values_); !keys.empty()) {
    throw_validation("Value provided in ExpressionAttributeValues unused in expressions: keys: " +
                     keys);
  }
}

const std::string& ExpressionAttributes::resolve_name(const std::string& placeholder) {
  auto it = names_.find(placeholder);
  if (it == names_.end()) {
    throw_validation(
        "An expression attribute name used in the document path is not defined; attribute name: " +
        placeholder);
  }
  used_names_.insert(placeholder);
  return it->second;
}

const AttributeValue& ExpressionAttributes::resolve_value(const std::string& placeholder) {
  auto it = values_.find(placeholder);
  if (it == values_.end()) {
    throw_validation(
        "An expression attribute value used in expression is not defined; attribute value: " +
        placeholder);
  }
  used_values_.insert(placeholder);
  return it->second;
}

ConditionExpression ConditionExpression::parse(std::string_view text,
                                               ExpressionAttributes& attributes) {
  return parse(text, attributes, ConditionKind::kCondition);
}

ConditionExpression ConditionExpression::parse(std::string_view text,
                                               ExpressionAttributes& attributes,
                                               ConditionKind kind) {
  Parser parser(text, kind == ConditionKind::kFilter ? "FilterExpression" : "ConditionExpression",
                attributes);
  ConditionExpression expression;
  expression.root_ = std::make_shared<const detail::ConditionNode>(parser.parse_condition());
  return expression;
}

bool ConditionExpression::evaluate(const Item* item) const {
  return root_ == nullptr || root_->evaluate(item);
}

UpdateExpression UpdateExpression::parse(std::string_view text, ExpressionAttributes& attributes) {
  Parser parser(text, "UpdateExpression", attributes);
  UpdateExpression expression;
  expression.plan_ = std::make_shared<const detail::UpdatePlan>(parser.parse_update());
  return expression;
}

Item UpdateExpression::apply(const Item& current) const {
  return plan_ == nullptr ? current : plan_->apply(current);
}

std::set<std::string> UpdateExpression::touched_attributes() const {
  return plan_ == nullptr ? std::set<std::string>() : plan_->touched_attributes();
}

ProjectionExpression ProjectionExpression::parse(std::string_view text,
                                                 ExpressionAttributes& attributes) {
  Parser parser(text, "ProjectionExpression", attributes);
  ProjectionExpression expression;
  expression.plan_ = std::make_shared<const detail::ProjectionPlan>(parser.parse_projection());
  return expression;
}

Item ProjectionExpression::apply(const Item& item) const {
  return plan_ == nullptr ? item : plan_->apply(item);
}

KeyConditionExpression KeyConditionExpression::parse(std::string_view text,
                                                     ExpressionAttributes& attributes,
                                                     const KeySchema& schema) {
  Parser parser(text, "KeyConditionExpression", attributes);
  KeyConditionParts parts = split_key_condition(parser.parse_condition(), schema);
  KeyConditionExpression expression;
  expression.partition_value_ = std::move(parts.partition_value);
  if (parts.sort_condition) {
    expression.sort_condition_ =
        std::make_shared<const detail::ConditionNode>(std::move(*parts.sort_condition));
  }
  return expression;
}

bool KeyConditionExpression::sort_key_matches(const AttributeValue& sort_value) const {
  return sort_condition_ == nullptr || sort_condition_matches(*sort_condition_, sort_value);
}

}  // namespace gtsim::expr
