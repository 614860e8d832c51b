// DynamoDB's expression language: condition, filter, update, key-condition and projection
// expressions, as the DynamoDB Developer Guide documents them ("Expressions").
//
// Each expression is parsed once (a real tokenizer and grammar, not regexes) into an immutable
// object that evaluates against items. Parsing resolves #name and :value placeholders through the
// request's ExpressionAttributes, which records which placeholders were used so that the request
// can reject unused ones as DynamoDB does.
//
// Errors: any malformed or invalid expression, or an evaluation that DynamoDB would refuse (adding
// a number to a string, a number overflow, ...), throws DynamoError(kValidation) with a message
// shaped like DynamoDB's, naming the token and its position where there is one. Nothing here
// crashes on any input.
//
// Thread-safety: parsed expressions are immutable and may be evaluated from several threads;
// ExpressionAttributes is not thread-safe (one per request).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "model/attribute_value.h"
#include "model/key_schema.h"

namespace gtsim::expr {

// The ExpressionAttributeNames and ExpressionAttributeValues of one request.
class ExpressionAttributes {
 public:
  ExpressionAttributes() = default;
  ExpressionAttributes(std::map<std::string, std::string> names,
                       std::map<std::string, AttributeValue> values);

  // After every expression of the request has been parsed: throws DynamoError(kValidation) if a
  // name or value placeholder was never used, with DynamoDB's message
  // ("Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}").
  void check_all_used() const;

  // Used by the parser; throw DynamoError(kValidation) for an undefined placeholder, with
  // DynamoDB's message without the "Invalid <kind>Expression: " prefix, which the parser adds.
  const std::string& resolve_name(const std::string& placeholder);
  const AttributeValue& resolve_value(const std::string& placeholder);

 private:
  std::map<std::string, std::string> names_;
  std::map<std::string, AttributeValue> values_;
  std::set<std::string> used_names_;
  std::set<std::string> used_values_;
};

namespace detail {
struct ConditionNode;
struct UpdatePlan;
struct ProjectionPlan;
}  // namespace detail

// Which request parameter a condition comes from; it names the parameter in error messages
// ("Invalid FilterExpression: ...").
enum class ConditionKind { kCondition, kFilter };

// ConditionExpression and FilterExpression.
class ConditionExpression {
 public:
  static ConditionExpression parse(std::string_view text, ExpressionAttributes& attributes);
  static ConditionExpression parse(std::string_view text, ExpressionAttributes& attributes,
                                   ConditionKind kind);
  // True when `item` satisfies the condition; `item` is nullptr when no item exists (then only
  // attribute_not_exists and the like can hold). A default-constructed (never parsed) condition
  // holds for every item. Never throws.
  bool evaluate(const Item* item) const;

 private:
  std::shared_ptr<const detail::ConditionNode> root_;
};

// UpdateExpression: SET, REMOVE, ADD, DELETE clauses.
class UpdateExpression {
 public:
  static UpdateExpression parse(std::string_view text, ExpressionAttributes& attributes);
  // The item after applying the update to `current` (an empty item when none exists). Throws
  // DynamoError(kValidation) for DynamoDB's runtime errors (wrong operand types, list_append on a
  // non-list, ...). A default-constructed (never parsed) update changes nothing.
  Item apply(const Item& current) const;
  // The top-level attribute names the update writes or removes. The caller refuses updates that
  // touch key attributes, and per-attribute conflict policies stamp these.
  std::set<std::string> touched_attributes() const;

 private:
  std::shared_ptr<const detail::UpdatePlan> plan_;
};

// ProjectionExpression.
class ProjectionExpression {
 public:
  static ProjectionExpression parse(std::string_view text, ExpressionAttributes& attributes);
  // The projected item: only the listed paths, nested structure kept. A default-constructed
  // (never parsed) projection keeps the whole item.
  Item apply(const Item& item) const;

 private:
  std::shared_ptr<const detail::ProjectionPlan> plan_;
};

// KeyConditionExpression: equality on the partition key plus at most one sort-key condition.
class KeyConditionExpression {
 public:
  // Throws DynamoError(kValidation) when the expression does not fit the schema (no partition key
  // equality, a condition on a non-key attribute, two sort-key conditions, a type mismatch).
  static KeyConditionExpression parse(std::string_view text, ExpressionAttributes& attributes,
                                      const KeySchema& schema);
  const AttributeValue& partition_value() const { return partition_value_; }
  // Whether an item's sort-key value satisfies the sort-key condition (always true when there is
  // none). Never throws.
  bool sort_key_matches(const AttributeValue& sort_value) const;

 private:
  AttributeValue partition_value_;
  std::shared_ptr<const detail::ConditionNode> sort_condition_;
};

}  // namespace gtsim::expr
