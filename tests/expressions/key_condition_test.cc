#include <doctest/doctest.h>

#include <string>

#include "expressions/expression.h"
#include "test_support.h"

namespace gtsim::expr {
namespace {

using testing::check_validation_error;
using testing::ErrorCase;
using testing::num;

// Table "events": partition key id (S), sort key ts (N); table "users": partition key id only;
// table "files": partition key id (S), sort key sk (S).
KeySchema events() {
  return KeySchema{{"id", AttributeType::kS}, KeyAttribute{"ts", AttributeType::kN}};
}
KeySchema users() {
  return KeySchema{{"id", AttributeType::kS}, std::nullopt};
}
KeySchema files() {
  return KeySchema{{"id", AttributeType::kS}, KeyAttribute{"sk", AttributeType::kS}};
}

ExpressionAttributes attributes() {
  return ExpressionAttributes({{"#id", "id"}, {"#p", "sk"}}, {{":id", "42"},
                                                              {":one", num("1")},
                                                              {":two", num("2")},
                                                              {":three", num("3")},
                                                              {":pre", "a/"},
                                                              {":s", "x"}});
}

KeyConditionExpression parse(const std::string& text, const KeySchema& schema) {
  ExpressionAttributes attrs = attributes();
  return KeyConditionExpression::parse(text, attrs, schema);
}

struct MatchCase {
  std::string text;
  const char* sort_value;
  bool expected;
};

TEST_CASE("key conditions split into the partition value and a sort-key condition") {
  CHECK(parse("id = :id", users()).partition_value() == AttributeValue("42"));
  CHECK(parse("id = :id", events()).sort_key_matches(num("5")));
  CHECK(parse("#id = :id", events()).partition_value() == AttributeValue("42"));
  const MatchCase cases[] = {
      {"id = :id AND ts = :two", "2", true},
      {"id = :id AND ts = :two", "3", false},
      {"id = :id AND ts < :two", "1", true},
      {"id = :id AND ts < :two", "2", false},
      {"id = :id AND ts <= :two", "2", true},
      {"id = :id AND ts > :two", "3", true},
      {"id = :id AND ts > :two", "2", false},
      {"id = :id AND ts >= :two", "2", true},
      {"id = :id AND ts BETWEEN :one AND :three", "2", true},
      {"id = :id AND ts BETWEEN :one AND :three", "4", false},
      {"ts > :two AND id = :id", "3", true},
      {":id = id AND :two < ts", "3", true},
      {":id = id AND :two < ts", "1", false},
      {"(id = :id) AND (ts = :one)", "1", true},
  };
  for (const MatchCase& c : cases) {
    CAPTURE(c.text);
    CAPTURE(c.sort_value);
    KeyConditionExpression condition = parse(c.text, events());
    CHECK(condition.partition_value() == AttributeValue("42"));
    CHECK(condition.sort_key_matches(num(c.sort_value)) == c.expected);
  }
  KeyConditionExpression prefix = parse("id = :id AND begins_with(#p, :pre)", files());
  CHECK(prefix.sort_key_matches("a/b"));
  CHECK_FALSE(prefix.sort_key_matches("b/a"));
}

struct KeyErrorCase {
  std::string text;
  KeySchema schema;
  std::string message;  // the whole message
};

TEST_CASE("invalid key conditions give DynamoDB's messages") {
  const std::string syntax = "Invalid KeyConditionExpression: ";
  const KeyErrorCase cases[] = {
      {"id = ", events(), syntax + "Syntax error; token: \"<EOF>\", near: \"=\""},
      {"", events(), syntax + "The expression can not be empty;"},
      {"id = :nope", events(),
       syntax + "An expression attribute value used in expression is not defined; attribute "
                "value: :nope"},
      {"begins_with(sk, :one)", files(),
       syntax + "Incorrect operand type for operator or function; operator or function: "
                "begins_with, operand type: N"},
      {"id = :id OR ts = :one", events(), "Invalid operator used in KeyConditionExpression: OR"},
      {"NOT id = :id", events(), "Invalid operator used in KeyConditionExpression: NOT"},
      {"id IN (:id)", events(), "Invalid operator used in KeyConditionExpression: IN"},
      {"id <> :id", events(), "Invalid operator used in KeyConditionExpression: <>"},
      {"id = :id AND attribute_exists(ts)", events(),
       "Invalid operator used in KeyConditionExpression: attribute_exists"},
      {"id = :id AND contains(sk, :s)", files(),
       "Invalid operator used in KeyConditionExpression: contains"},
      {"id = :id AND size(ts) > :one", events(),
       "KeyConditionExpressions cannot contain nested operations"},
      {"id = :id AND :one BETWEEN ts AND :two", events(),
       "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute "
       "as its first operand"},
      {"id = :id AND begins_with(:s, sk)", files(),
       "Invalid condition in KeyConditionExpression: begins_with operator must have the key "
       "attribute as its first operand"},
      {"id = :id AND ts = tx", events(),
       "Invalid condition in KeyConditionExpression: Multiple attribute names used in one "
       "condition"},
      {"id = :id AND ts.x = :one", events(),
       "KeyConditionExpressions cannot have conditions on nested attributes"},
      {"id = :id AND :one = :two", events(),
       "Invalid condition in KeyConditionExpression: No key attribute specified"},
      {"id = :id AND ts = :one AND ts = :two", events(),
       "KeyConditionExpressions must only contain one condition per key"},
      {"id = :id AND id = :id", events(),
       "KeyConditionExpressions must only contain one condition per key"},
      {"ts = :one", events(), "Query condition missed key schema element: id"},
      {"id = :id AND foo = :one", events(), "Query condition missed key schema element: ts"},
      {"id = :id AND ts = :one", users(), "Query key condition not supported"},
      {"id > :id", events(), "Query key condition not supported"},
      {"begins_with(id, :id)", events(), "Query key condition not supported"},
      {"id = :one", events(),
       "One or more parameter values were invalid: Condition parameter type does not match "
       "schema type"},
      {"id = :id AND ts = :s", events(),
       "One or more parameter values were invalid: Condition parameter type does not match "
       "schema type"},
      {"id = :id AND begins_with(ts, :s)", events(),
       "One or more parameter values were invalid: Condition parameter type does not match "
       "schema type"},
  };
  for (const KeyErrorCase& c : cases) {
    CAPTURE(c.text);
    check_validation_error([&] { parse(c.text, c.schema); }, c.message);
  }
}

}  // namespace
}  // namespace gtsim::expr
