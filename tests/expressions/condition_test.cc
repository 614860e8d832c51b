#include <doctest/doctest.h>

#include <string>

#include "expressions/expression.h"
#include "test_support.h"

namespace gtsim::expr {
namespace {

using testing::check_validation_error;
using testing::ErrorCase;
using testing::sample_attributes;
using testing::sample_item;

bool holds(const std::string& text, const Item* item) {
  ExpressionAttributes attributes = sample_attributes();
  return ConditionExpression::parse(text, attributes).evaluate(item);
}

struct ConditionCase {
  std::string text;
  bool expected;
};

TEST_CASE("conditions evaluate with DynamoDB's comparison rules") {
  const ConditionCase cases[] = {
      // Comparators on numbers, strings (UTF-8 byte order) and binary.
      {"visits = :three", true},
      {"visits <> :three", false},
      {"visits < :four", true},
      {"visits <= :three", true},
      {"visits > :two", true},
      {"visits >= :four", false},
      {"score < :zero", true},
      {"who = :alice", true},
      {"who < :bob", true},
      {"who > :al", true},
      {"capital < :a", true},
      {"utf > :z", true},
      {"bits > :blobprefix", true},
      {"bits = :blob", true},
      {"size(who) > size(tags)", true},
      // Different types: never equal, never ordered, and no error.
      {"visits = :threestr", false},
      {"visits <> :threestr", true},
      {"visits < :alice", false},
      {"visits >= :alice", false},
      {"flag < :true", false},
      // Missing attributes: only <> holds.
      {"absent = :one", false},
      {"absent <> :one", true},
      {"absent < :one", false},
      {"absent >= :one", false},
      // Deep equality of documents and sets (set order does not matter).
      {"flag = :true", true},
      {"nothing = :null", true},
      {"tags = :tags_ba", true},
      {"seq = :list_copy", true},
      {"doc.core = :inner", true},
      // Document paths.
      {"doc.core.deep = :seven", true},
      {"seq[2].k = :v", true},
      {"seq[0] = :x", true},
      {"seq[5] = :one", false},
      {"seq.k = :v", false},
      {"doc[0] = :v", false},
      {"#n = :alice", true},
      {"#dotted = :one", true},
      {"#s = :one", false},
      // BETWEEN and IN.
      {"visits BETWEEN :two AND :four", true},
      {"visits BETWEEN :three AND :three", true},
      {"visits BETWEEN :four AND :seven", false},
      {"who BETWEEN :al AND :bob", true},
      {"bits BETWEEN :blobprefix AND :blob", true},
      {"visits BETWEEN :alice AND :bob", false},
      {"absent BETWEEN :one AND :two", false},
      {"visits IN (:one, :two, :three)", true},
      {"visits IN (:one, :two)", false},
      {"who IN (:bob, :alice)", true},
      {"tags IN (:tags_ba)", true},
      {"absent IN (:one)", false},
      {"visits IN (score, visits)", true},
      // Functions.
      {"attribute_exists(doc.core.deep)", true},
      {"attribute_exists(seq[3])", false},
      {"attribute_exists(doc.s.deeper)", false},
      {"attribute_not_exists(absent)", true},
      {"attribute_not_exists(who)", false},
      {"attribute_type(who, :S)", true},
      {"attribute_type(visits, :N)", true},
      {"attribute_type(bits, :B)", true},
      {"attribute_type(flag, :BOOL)", true},
      {"attribute_type(nothing, :NULL)", true},
      {"attribute_type(tags, :SS)", true},
      {"attribute_type(nums, :NS)", true},
      {"attribute_type(bins, :BS)", true},
      {"attribute_type(seq, :L)", true},
      {"attribute_type(doc, :M)", true},
      {"attribute_type(who, :N)", false},
      {"attribute_type(absent, :S)", false},
      {"begins_with(who, :al)", true},
      {"begins_with(who, :bob)", false},
      {"begins_with(bits, :blobprefix)", true},
      {"begins_with(bits, :al)", false},
      {"begins_with(visits, :al)", false},
      {"begins_with(absent, :al)", false},
      {"contains(who, :lic)", true},
      {"contains(who, :bob)", false},
      {"contains(tags, :a)", true},
      {"contains(tags, :x)", false},
      {"contains(tags, :one)", false},
      {"contains(nums, :one)", true},
      {"contains(nums, :seven)", false},
      {"contains(seq, :x)", true},
      {"contains(seq, :one)", true},
      {"contains(seq, :seven)", false},
      {"contains(bits, :blobmid)", true},
      {"contains(doc, :hello)", false},
      {"contains(absent, :a)", false},
      {"size(who) = :five", true},
      {"size(utf) = :two", true},
      {"size(bits) = :three", true},
      {"size(tags) = :two", true},
      {"size(nums) = :two", true},
      {"size(seq) = :three", true},
      {"size(doc) = :two", true},
      {"size(visits) = :one", false},
      {"size(visits) <> :one", true},
      {"size(absent) < :one", false},
      {"size(:alice) = :five", true},
      // Precedence: NOT binds tighter than AND, AND tighter than OR.
      {"visits = :three OR visits = :one AND who = :bob", true},
      {"NOT visits = :one AND who = :bob", false},
      {"NOT (visits = :one AND who = :bob)", true},
      {"(visits = :one OR visits = :three) AND who = :alice", true},
      {"visits = :one AND who = :alice OR who = :alice", true},
      {"NOT NOT visits = :three", true},
      {"NOT attribute_exists(absent)", true},
      // Parentheses around conditions and operands; keywords in any case.
      {"(visits = :three)", true},
      {"(visits) = :three", true},
      {"visits = (:three)", true},
      {"(size(who)) = :five", true},
      {"(visits = :three) AND (who = :alice)", true},
      {"visits between :two and :four", true},
      {"visits in (:three)", true},
      {"not visits = :one", true},
      {"  visits=:three  ", true},
  };
  Item item = sample_item();
  for (const ConditionCase& c : cases) {
    CAPTURE(c.text);
    CHECK(holds(c.text, &item) == c.expected);
  }
}

TEST_CASE("conditions on a absent item") {
  CHECK(holds("attribute_not_exists(id)", nullptr));
  CHECK_FALSE(holds("attribute_exists(id)", nullptr));
  CHECK(holds("visits <> :one", nullptr));
  CHECK_FALSE(holds("visits = :one", nullptr));
  CHECK_FALSE(holds("size(who) > :zero", nullptr));
  CHECK(ConditionExpression().evaluate(nullptr));
}

TEST_CASE("invalid conditions give DynamoDB's messages") {
  const ErrorCase cases[] = {
      // Syntax errors name the token and its neighbours.
      {"", "The expression can not be empty;"},
      {"a = AND", "Syntax error; token: \"AND\", near: \"= AND\""},
      {"a = :one AND", "Syntax error; token: \"<EOF>\", near: \"AND\""},
      {"a == :one", "Syntax error; token: \"=\", near: \"== :one\""},
      {"a = :one )", "Syntax error; token: \")\", near: \":one )\""},
      {"(a = :one", "Syntax error; token: \"<EOF>\", near: \":one\""},
      {"a BETWEEN :one :two", "Syntax error; token: \":two\", near: \":one :two\""},
      {"a IN :one", "Syntax error; token: \":one\", near: \"IN :one\""},
      {"a IN ()", "Syntax error; token: \")\", near: \"()\""},
      {"_a = :one", "Syntax error; token: \"_\", near: \"_a\""},
      {"a[x] = :one", "Syntax error; token: \"x\", near: \"[x]\""},
      {"a[-1] = :one", "Syntax error; token: \"-\", near: \"[-1\""},
      {"a.1 = :one", "Syntax error; token: \"1\", near: \".1 =\""},
      {"a = :one extra", "Syntax error; token: \"extra\", near: \":one extra\""},
      {"a = #", "Syntax error; token: \"#\", near: \"= #\""},
      {"a = : one", "Syntax error; token: \":\", near: \"= : one\""},
      {"hi-there = :one", "Syntax error; token: \"-\", near: \"hi-there\""},
      {"a", "Syntax error; token: \"<EOF>\", near: \"a\""},
      {"a AND b", "Syntax error; token: \"AND\", near: \"a AND b\""},
      {"(a) AND b = :one", "Syntax error; token: \"AND\", near: \") AND b\""},
      {"status = ", "Syntax error; token: \"<EOF>\", near: \"=\""},
      {"NOT", "Syntax error; token: \"<EOF>\", near: \"NOT\""},
      {"a = :one + :two", "Syntax error; token: \"+\", near: \":one + :two\""},
      // Names and placeholders.
      {"status = :one", "Attribute name is a reserved keyword; reserved keyword: status"},
      {"a.Size = :one", "Attribute name is a reserved keyword; reserved keyword: Size"},
      {"a = :nope",
       "An expression attribute value used in expression is not defined; attribute value: :nope"},
      {"#nope = :one",
       "An expression attribute name used in the document path is not defined; attribute name: "
       "#nope"},
      // Functions.
      {"foo(a)", "Invalid function name; function: foo"},
      {"BEGINS_WITH(a, :a)", "Invalid function name; function: BEGINS_WITH"},
      {"a = if_not_exists(a, :one)", "Invalid function name; function: if_not_exists"},
      {"size(a)",
       "The function is not allowed to be used this way in an expression; function: size"},
      {"begins_with(a, :a) = :true",
       "The function is not allowed to be used this way in an expression; function: begins_with"},
      {"a = contains(a, :a)",
       "The function is not allowed to be used this way in an expression; function: contains"},
      {"begins_with(a)",
       "Incorrect number of operands for operator or function; operator or function: "
       "begins_with, number of operands: 1"},
      {"attribute_exists(a, b)",
       "Incorrect number of operands for operator or function; operator or function: "
       "attribute_exists, number of operands: 2"},
      {"size(a, b) = :one",
       "Incorrect number of operands for operator or function; operator or function: size, "
       "number of operands: 2"},
      {"attribute_exists(:one)",
       "Operator or function requires a document path; operator or function: attribute_exists"},
      {"attribute_not_exists(size(a))",
       "Operator or function requires a document path; operator or function: "
       "attribute_not_exists"},
      {"begins_with(a, :one)",
       "Incorrect operand type for operator or function; operator or function: begins_with, "
       "operand type: N"},
      {"attribute_type(a, :one)",
       "Incorrect operand type for operator or function; operator or function: attribute_type, "
       "operand type: N"},
      {"attribute_type(a, :x)",
       "Invalid attribute type name found; type: x, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
      {"size(:one) = :one",
       "Incorrect operand type for operator or function; operator or function: size, operand "
       "type: N"},
      // Operands.
      {"a = a",
       "The first operand must be distinct from the remaining operands for this operator or "
       "function; operator: =, first operand: [a]"},
      {"contains(a.b[1], a.b[1])",
       "The first operand must be distinct from the remaining operands for this operator or "
       "function; operator: contains, first operand: [a, b, [1]]"},
      {"a BETWEEN :three AND :one",
       "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
       "lower bound operand: AttributeValue: {N:3}, upper bound operand: AttributeValue: {N:1}"},
      {"a BETWEEN :one AND :a",
       "The BETWEEN operator requires same data type for lower and upper bounds; lower bound "
       "operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}"},
      {"((a = :one))", "The expression has redundant parentheses;"},
      {"((a)) = :one", "The expression has redundant parentheses;"},
      {"a = ((:one))", "The expression has redundant parentheses;"},
      // The most important semantic error wins; syntax errors come before all of them.
      {"status = :nope", "Attribute name is a reserved keyword; reserved keyword: status"},
      {"foo(status)", "Invalid function name; function: foo"},
      {"((status = :one))", "The expression has redundant parentheses;"},
      {"status = :one AND", "Syntax error; token: \"<EOF>\", near: \"AND\""},
  };
  for (const ErrorCase& c : cases) {
    CAPTURE(c.text);
    ExpressionAttributes attributes = sample_attributes();
    check_validation_error([&] { ConditionExpression::parse(c.text, attributes); },
                           "Invalid ConditionExpression: " + c.message);
  }
}

TEST_CASE("a filter's errors name FilterExpression") {
  ExpressionAttributes attributes = sample_attributes();
  check_validation_error(
      [&] { ConditionExpression::parse("a =", attributes, ConditionKind::kFilter); },
      "Invalid FilterExpression: Syntax error; token: \"<EOF>\", near: \"=\"");
  Item item = sample_item();
  CHECK(ConditionExpression::parse("visits = :three", attributes, ConditionKind::kFilter)
            .evaluate(&item));
}

std::string repeat(const std::string& piece, int count, const std::string& separator) {
  std::string out;
  for (int i = 0; i < count; ++i)
    out += (i ? separator : "") + piece;
  return out;
}

TEST_CASE("conditions are bounded in size, operators, nesting and IN operands") {
  const std::string prefix = "Invalid ConditionExpression: ";
  auto parse = [](const std::string& text) {
    ExpressionAttributes attributes = sample_attributes();
    return ConditionExpression::parse(text, attributes);
  };
  std::string padded = "a = :one" + std::string(4096 - 8, ' ');
  CHECK_NOTHROW(parse(padded));
  check_validation_error([&] { parse(padded + " "); },
                         prefix +
                             "Expression size has exceeded the maximum allowed size; expression "
                             "size: 4097");
  // 150 comparisons and 149 ORs: 299 operators; one more comparison makes 301.
  CHECK_NOTHROW(parse(repeat("a = :one", 150, " OR ")));
  check_validation_error([&] { parse(repeat("a = :one", 151, " OR ")); },
                         prefix + "The expression contains too many operators; maximum: 300");
  CHECK_NOTHROW(parse(repeat("NOT", 32, " ") + " a = :one"));
  check_validation_error([&] { parse(repeat("NOT", 33, " ") + " a = :one"); },
                         prefix + "The expression has too many nesting levels; maximum: 32");
  check_validation_error([&] { parse(std::string(3000, '(')); },
                         prefix + "The expression has too many nesting levels; maximum: 32");
  CHECK_NOTHROW(parse(std::string("a").append(repeat(".b", 31, "")).append(" = :one")));
  check_validation_error(
      [&] { parse(std::string("a").append(repeat(".b", 32, "")).append(" = :one")); },
      prefix + "The document path has too many nesting levels; nesting levels: 33");
  CHECK_NOTHROW(parse("a IN (" + repeat(":one", 100, ", ") + ")"));
  check_validation_error(
      [&] { parse("a IN (" + repeat(":one", 101, ", ") + ")"); },
      prefix + "Too many operands for the IN operator; number of operands: 101, maximum: 100");
}

}  // namespace
}  // namespace gtsim::expr
