#include <doctest/doctest.h>

#include <string>

#include "expressions/expression.h"
#include "test_support.h"

namespace gtsim::expr {
namespace {

using testing::check_validation_error;
using testing::ErrorCase;
using testing::num;
using testing::sample_attributes;
using testing::sample_item;

std::string project(const std::string& text) {
  ExpressionAttributes attributes = sample_attributes();
  return to_display_string(ProjectionExpression::parse(text, attributes).apply(sample_item()));
}

std::string display(const Item& item) {
  return to_display_string(item);
}

using List = AttributeValue::List;
using Map = AttributeValue::Map;

TEST_CASE("projections keep the listed paths with their structure") {
  CHECK(project("who") == display({{"who", "alice"}}));
  CHECK(project("who, visits, absent") == display({{"who", "alice"}, {"visits", num("3")}}));
  CHECK(project("doc.core") == display({{"doc", Map{{"core", Map{{"deep", num("7")}}}}}}));
  CHECK(project("doc.core.deep, doc.s") ==
        display({{"doc", Map{{"core", Map{{"deep", num("7")}}}, {"s", "hello"}}}}));
  // List elements keep their order and are packed together.
  CHECK(project("seq[2].k, seq[0]") == display({{"seq", List{"x", Map{{"k", "v"}}}}}));
  CHECK(project("seq[1]") == display({{"seq", List{num("1")}}}));
  // Nothing projected from a document leaves the document out.
  for (const char* text : {"seq[9]", "doc.nope", "who.x", "seq.k", "doc[0]", "absent"}) {
    CAPTURE(text);
    CHECK(project(text) == display({}));
  }
  CHECK(project("#n, #dotted") == display({{"who", "alice"}, {"a.b", num("1")}}));
  CHECK(display(ProjectionExpression().apply(sample_item())) == display(sample_item()));
}

TEST_CASE("invalid projections give DynamoDB's messages") {
  const ErrorCase cases[] = {
      {"", "The expression can not be empty;"},
      {"a,", "Syntax error; token: \"<EOF>\", near: \",\""},
      {"a b", "Syntax error; token: \"b\", near: \"a b\""},
      {"a = :one", "Syntax error; token: \"=\", near: \"a = :one\""},
      {":one", "Syntax error; token: \":one\", near: \":one\""},
      {"a[x]", "Syntax error; token: \"x\", near: \"[x]\""},
      {"status", "Attribute name is a reserved keyword; reserved keyword: status"},
      {"#nope",
       "An expression attribute name used in the document path is not defined; attribute name: "
       "#nope"},
      {"a, a.b",
       "Two document paths overlap with each other; must remove or rewrite one of these paths; "
       "path one: [a], path two: [a, b]"},
      {"a[0], a",
       "Two document paths overlap with each other; must remove or rewrite one of these paths; "
       "path one: [a, [0]], path two: [a]"},
      {"#n, who",
       "Two document paths overlap with each other; must remove or rewrite one of these paths; "
       "path one: [who], path two: [who]"},
      {"a.b, a[0]",
       "Two document paths conflict with each other; must remove or rewrite one of these paths; "
       "path one: [a, b], path two: [a, [0]]"},
  };
  for (const ErrorCase& c : cases) {
    CAPTURE(c.text);
    ExpressionAttributes attributes = sample_attributes();
    check_validation_error([&] { ProjectionExpression::parse(c.text, attributes); },
                           "Invalid ProjectionExpression: " + c.message);
  }
}

}  // namespace
}  // namespace gtsim::expr
