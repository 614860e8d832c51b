#include <doctest/doctest.h>

#include <string>

#include "expressions/expression.h"
#include "test_support.h"

namespace gtsim::expr {
namespace {

using testing::check_validation_error;
using testing::num;
using testing::sample_attributes;
using testing::sample_item;

Item apply_update(const std::string& text, const Item& item) {
  ExpressionAttributes attributes = sample_attributes();
  return UpdateExpression::parse(text, attributes).apply(item);
}

using List = AttributeValue::List;
using Map = AttributeValue::Map;

struct UpdateCase {
  std::string text;
  Item before;
  Item after;
};

TEST_CASE("update expressions apply SET, REMOVE, ADD and DELETE as DynamoDB does") {
  const Item list_item{{"l", List{num("0"), num("1"), num("2"), num("3"), num("4")}}};
  const UpdateCase cases[] = {
      // SET with values, paths, arithmetic and functions.
      {"SET a = :one", {}, {{"a", num("1")}}},
      {"set a = :one", {}, {{"a", num("1")}}},
      {"SET a = :one, b = :x", {}, {{"a", num("1")}, {"b", "x"}}},
      {"SET a = b", {{"b", "x"}}, {{"a", "x"}, {"b", "x"}}},
      {"SET v = v + :one", {{"v", num("3")}}, {{"v", num("4")}}},
      {"SET v = :one - v", {{"v", num("3")}}, {{"v", num("-2")}}},
      {"SET v = (v + :one)", {{"v", num("3")}}, {{"v", num("4")}}},
      {"SET v = :one + :two", {}, {{"v", num("3")}}},
      {"SET v = v - :one", {{"v", num("0.1")}}, {{"v", num("-0.9")}}},
      {"SET a = if_not_exists(a, :one)", {}, {{"a", num("1")}}},
      {"SET a = if_not_exists(a, :one)", {{"a", "x"}}, {{"a", "x"}}},
      {"SET b = if_not_exists(a, :one)", {{"a", "x"}}, {{"a", "x"}, {"b", "x"}}},
      {"SET a = if_not_exists(a, :zero) + :one", {}, {{"a", num("1")}}},
      {"SET l = list_append(l, :list2)", {{"l", List{"x"}}}, {{"l", List{"x", "y", "z"}}}},
      {"SET l = list_append(:list2, l)", {{"l", List{"x"}}}, {{"l", List{"y", "z", "x"}}}},
      {"SET l = list_append(if_not_exists(l, :empty_list), :list2)", {}, {{"l", List{"y", "z"}}}},
      // SET on nested paths; an index beyond the end appends, in index order.
      {"SET m.b = :one", {{"m", Map{}}}, {{"m", Map{{"b", num("1")}}}}},
      {"SET m.b.c = :one",
       {{"m", Map{{"b", Map{{"c", "x"}, {"d", "y"}}}}}},
       {{"m", Map{{"b", Map{{"c", num("1")}, {"d", "y"}}}}}}},
      {"SET l[1] = :x", list_item, {{"l", List{num("0"), "x", num("2"), num("3"), num("4")}}}},
      {"SET l[9] = :x, l[7] = :z",
       list_item,
       {{"l", List{num("0"), num("1"), num("2"), num("3"), num("4"), "z", "x"}}}},
      {"SET #n = :x", {}, {{"who", "x"}}},
      {"SET #dotted = :x", {}, {{"a.b", "x"}}},
      // Every value is computed from the item before the update.
      {"SET a = b, b = a", {{"a", "x"}, {"b", "y"}}, {{"a", "y"}, {"b", "x"}}},
      {"REMOVE a SET b = a", {{"a", "x"}}, {{"b", "x"}}},
      // REMOVE; list indexes refer to the original positions.
      {"REMOVE a, absent", {{"a", "x"}, {"b", "y"}}, {{"b", "y"}}},
      {"REMOVE l[0], l[2]", list_item, {{"l", List{num("1"), num("3"), num("4")}}}},
      {"REMOVE l[1] SET l[3] = :x", list_item, {{"l", List{num("0"), num("2"), "x", num("4")}}}},
      {"REMOVE l[17]", list_item, list_item},
      {"REMOVE m.b", {{"m", Map{{"b", "x"}}}}, {{"m", Map{}}}},
      {"REMOVE m.absent", {{"m", Map{{"b", "x"}}}}, {{"m", Map{{"b", "x"}}}}},
      {"REMOVE l[0].k, l[1]",
       {{"l", List{Map{{"k", "v"}, {"j", "w"}}, "x"}}},
       {{"l", List{Map{{"j", "w"}}}}}},
      // ADD numbers and sets.
      {"ADD v :one", {{"v", num("3")}}, {{"v", num("4")}}},
      {"ADD v :one", {}, {{"v", num("1")}}},
      {"ADD t :tags_xy",
       {{"t", AttributeValue::StringSet{"a", "x"}}},
       {{"t", AttributeValue::StringSet{"a", "x", "y"}}}},
      {"ADD t :tags_xy", {}, {{"t", AttributeValue::StringSet{"x", "y"}}}},
      {"ADD m.v :one", {{"m", Map{{"v", num("1")}}}}, {{"m", Map{{"v", num("2")}}}}},
      // DELETE from sets; an emptied set disappears.
      {"DELETE t :tags_a",
       {{"t", AttributeValue::StringSet{"a", "b"}}},
       {{"t", AttributeValue::StringSet{"b"}}}},
      {"DELETE t :tags_ab", {{"t", AttributeValue::StringSet{"a", "b"}}, {"k", "x"}}, {{"k", "x"}}},
      {"DELETE t :tags_xy",
       {{"t", AttributeValue::StringSet{"a"}}},
       {{"t", AttributeValue::StringSet{"a"}}}},
      {"DELETE t :tags_a", {}, {}},
      // Several clauses, in any order.
      {"SET a = :one REMOVE b ADD c :one DELETE t :tags_a",
       {{"b", "x"}, {"c", num("1")}, {"t", AttributeValue::StringSet{"a", "b"}}},
       {{"a", num("1")}, {"c", num("2")}, {"t", AttributeValue::StringSet{"b"}}}},
      {"DELETE t :tags_a ADD c :one REMOVE b SET a = :one",
       {{"b", "x"}, {"t", AttributeValue::StringSet{"a"}}},
       {{"a", num("1")}, {"c", num("1")}}},
  };
  for (const UpdateCase& c : cases) {
    CAPTURE(c.text);
    CHECK(to_display_string(apply_update(c.text, c.before)) == to_display_string(c.after));
  }
}

TEST_CASE("update arithmetic is exact to 38 digits") {
  Item item{{"v", num("99999999999999999999999999999999999998")}};
  CHECK(apply_update("SET v = v + :one", item).at("v") ==
        num("99999999999999999999999999999999999999"));
  CHECK(apply_update("ADD v :one", item).at("v") == num("99999999999999999999999999999999999999"));
  CHECK(apply_update("SET v = :big - :one", {}).at("v") ==
        num("99999999999999999999999999999999999998"));
  check_validation_error([&] { apply_update("SET v = :big + :big", {}); },
                         "Attempting to store a number with more than 38 significant digits");
  check_validation_error(
      [&] {
        apply_update("ADD v :big", {{"v", num("2")}});
      },
      "Attempting to store a number with more than 38 significant digits");
}

struct RuntimeErrorCase {
  std::string text;
  Item before;
  const char* message;
};

TEST_CASE("update runtime errors give DynamoDB's messages") {
  const char* kInvalidPath =
      "The document path provided in the update expression is invalid for update";
  const char* kIncorrectType = "An operand in the update expression has an incorrect data type";
  const char* kMissing =
      "The provided expression refers to an attribute that does not exist in the item";
  const RuntimeErrorCase cases[] = {
      {"SET m.b = :one", {}, kInvalidPath},
      {"SET m.b = :one", {{"m", "x"}}, kInvalidPath},
      {"SET m.b = :one", {{"m", List{}}}, kInvalidPath},
      {"SET l[0] = :one", {{"l", Map{}}}, kInvalidPath},
      {"SET l[0] = :one", {}, kInvalidPath},
      {"SET l[5].k = :one", {{"l", List{}}}, kInvalidPath},
      {"REMOVE m.b", {}, kInvalidPath},
      {"REMOVE l[0]", {{"l", "x"}}, kInvalidPath},
      {"ADD m.v :one", {}, kInvalidPath},
      {"DELETE m.t :tags_a", {{"m", "x"}}, kInvalidPath},
      {"SET a = b", {}, kMissing},
      {"SET a = :one, b = a", {}, kMissing},
      {"SET a = b + :one", {}, kMissing},
      {"SET a = list_append(b, :list2)", {}, kMissing},
      {"SET a = b + :one", {{"b", "x"}}, kIncorrectType},
      {"SET a = :one - b", {{"b", List{}}}, kIncorrectType},
      {"SET a = list_append(b, :list2)", {{"b", "x"}}, kIncorrectType},
      {"SET a = list_append(:list2, b)", {{"b", AttributeValue::StringSet{"x"}}}, kIncorrectType},
      {"ADD a :one", {{"a", "x"}}, kIncorrectType},
      {"ADD a :one", {{"a", AttributeValue::StringSet{"x"}}}, kIncorrectType},
      {"ADD a :tags_a", {{"a", num("1")}}, kIncorrectType},
      {"ADD a :tags_a", {{"a", List{}}}, kIncorrectType},
      {"ADD a :nums_9", {{"a", AttributeValue::StringSet{"x"}}}, kIncorrectType},
      {"DELETE a :tags_a", {{"a", "x"}}, kIncorrectType},
      {"DELETE a :nums_9", {{"a", AttributeValue::StringSet{"x"}}}, kIncorrectType},
  };
  for (const RuntimeErrorCase& c : cases) {
    CAPTURE(c.text);
    check_validation_error([&] { apply_update(c.text, c.before); }, c.message);
  }
}

TEST_CASE("invalid update expressions give DynamoDB's messages") {
  const testing::ErrorCase cases[] = {
      {"", "The expression can not be empty;"},
      {"HELLO a = :one", "Syntax error; token: \"HELLO\", near: \"HELLO a\""},
      {"SET", "Syntax error; token: \"<EOF>\", near: \"SET\""},
      {"SET a = :one,", "Syntax error; token: \"<EOF>\", near: \",\""},
      {"SET a = :one + :one + :one", "Syntax error; token: \"+\", near: \":one + :one\""},
      {"SET :one = :two", "Syntax error; token: \":one\", near: \"SET :one =\""},
      {"SET a[:one] = :two", "Syntax error; token: \":one\", near: \"[:one]\""},
      {"SET a[#n] = :two", "Syntax error; token: \"#n\", near: \"[#n]\""},
      {"SET a :one", "Syntax error; token: \":one\", near: \"a :one\""},
      {"SET c = if_not_exists(c, :one+:two)", "Syntax error; token: \"+\", near: \":one+:two\""},
      {"SET _a = :one", "Syntax error; token: \"_\", near: \"SET _a\""},
      {"SET a = :one REMOVE", "Syntax error; token: \"<EOF>\", near: \"REMOVE\""},
      {"SET a = :one, REMOVE b", "Syntax error; token: \"REMOVE\", near: \", REMOVE b\""},
      {"ADD a b", "Syntax error; token: \"b\", near: \"a b\""},
      {"DELETE a", "Syntax error; token: \"<EOF>\", near: \"a\""},
      {"REMOVE a = :one", "Syntax error; token: \"=\", near: \"a = :one\""},
      {"SET a = :one SET b = :two",
       "The \"SET\" section can only be used once in an update expression;"},
      {"SET a = :one REMOVE b set c = :two",
       "The \"SET\" section can only be used once in an update expression;"},
      {"REMOVE a remove b",
       "The \"REMOVE\" section can only be used once in an update expression;"},
      {"SET status = :one", "Attribute name is a reserved keyword; reserved keyword: status"},
      {"SET a = :nope",
       "An expression attribute value used in expression is not defined; attribute value: :nope"},
      {"REMOVE #nope",
       "An expression attribute name used in the document path is not defined; attribute name: "
       "#nope"},
      {"SET a = foo(b)", "Invalid function name; function: foo"},
      {"SET a = size(b)", "Invalid function name; function: size"},
      {"SET a = LIST_APPEND(b, :list2)", "Invalid function name; function: LIST_APPEND"},
      {"SET a = list_append(list_append(:list2, :list2), :list2)",
       "The function is not allowed to be used this way in an expression; function: list_append"},
      {"SET a = list_append(:list2)",
       "Incorrect number of operands for operator or function; operator or function: "
       "list_append, number of operands: 1"},
      {"SET a = if_not_exists(a, :one, :two)",
       "Incorrect number of operands for operator or function; operator or function: "
       "if_not_exists, number of operands: 3"},
      {"SET a = if_not_exists(:one, :two)",
       "Operator or function requires a document path; operator or function: if_not_exists"},
      {"SET a = list_append(:one, :list2)",
       "Incorrect operand type for operator or function; operator or function: list_append, "
       "operand type: N"},
      {"SET a = :one + :a",
       "Incorrect operand type for operator or function; operator or function: +, operand type: "
       "S"},
      {"SET a = :list2 - :one",
       "Incorrect operand type for operator or function; operator or function: -, operand type: "
       "L"},
      {"ADD a :x",
       "Incorrect operand type for operator or function; operator: ADD, operand type: STRING"},
      {"ADD a :list2",
       "Incorrect operand type for operator or function; operator: ADD, operand type: LIST"},
      {"DELETE a :one",
       "Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER"},
      {"SET a = :one, a.b = :two",
       "Two document paths overlap with each other; must remove or rewrite one of these paths; "
       "path one: [a], path two: [a, b]"},
      {"SET a.b = :one REMOVE a",
       "Two document paths overlap with each other; must remove or rewrite one of these paths; "
       "path one: [a, b], path two: [a]"},
      {"SET a = :one REMOVE a",
       "Two document paths overlap with each other; must remove or rewrite one of these paths; "
       "path one: [a], path two: [a]"},
      {"SET #n = :one, name2 = :one ADD #n :one",
       "Two document paths overlap with each other; must remove or rewrite one of these paths; "
       "path one: [who], path two: [who]"},
      {"SET a[1][1] = :one, a[1] = :two",
       "Two document paths overlap with each other; must remove or rewrite one of these paths; "
       "path one: [a, [1], [1]], path two: [a, [1]]"},
      {"SET a.b = :one, a[1] = :two",
       "Two document paths conflict with each other; must remove or rewrite one of these paths; "
       "path one: [a, b], path two: [a, [1]]"},
      {"REMOVE a.b.c, a.b[2]",
       "Two document paths conflict with each other; must remove or rewrite one of these paths; "
       "path one: [a, b, c], path two: [a, b, [2]]"},
  };
  for (const testing::ErrorCase& c : cases) {
    CAPTURE(c.text);
    ExpressionAttributes attributes = sample_attributes();
    check_validation_error([&] { UpdateExpression::parse(c.text, attributes); },
                           "Invalid UpdateExpression: " + c.message);
  }
}

TEST_CASE("independent paths in one update are allowed") {
  for (const char* text : {"SET a.b = :one, a.c = :two", "SET a[1] = :one, a[2] = :two",
                           "SET a.b.c = :one REMOVE a.b.d, a.e", "SET ab = :one, a = :two"}) {
    CAPTURE(text);
    ExpressionAttributes attributes = sample_attributes();
    CHECK_NOTHROW(UpdateExpression::parse(text, attributes));
  }
}

TEST_CASE("an update reports the top-level attributes it touches") {
  ExpressionAttributes attributes = sample_attributes();
  auto update = UpdateExpression::parse(
      "SET a.b = :one, #n = c REMOVE d[1] ADD e :one DELETE f :tags_a", attributes);
  CHECK(update.touched_attributes() == std::set<std::string>{"a", "who", "d", "e", "f"});
  CHECK(UpdateExpression().touched_attributes().empty());
  Item item = sample_item();
  CHECK(UpdateExpression().apply(item) == item);
}

}  // namespace
}  // namespace gtsim::expr
