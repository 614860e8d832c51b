#include <doctest/doctest.h>

#include "expressions/expression.h"
#include "test_support.h"

namespace gtsim::expr {
namespace {

using testing::check_validation_error;
using testing::num;

TEST_CASE("every placeholder of a request must be used by one of its expressions") {
  ExpressionAttributes attributes({{"#a", "a"}, {"#b", "b"}}, {{":x", num("1")}, {":y", "y"}});
  ConditionExpression::parse("#a = :x", attributes);
  check_validation_error([&] { attributes.check_all_used(); },
                         "Value provided in ExpressionAttributeNames unused in expressions: keys: "
                         "{#b}");
  UpdateExpression::parse("SET #b = :x", attributes);
  check_validation_error([&] { attributes.check_all_used(); },
                         "Value provided in ExpressionAttributeValues unused in expressions: keys: "
                         "{:y}");
  ProjectionExpression::parse("#a", attributes);
  ConditionExpression::parse("a = :y", attributes);
  CHECK_NOTHROW(attributes.check_all_used());

  ExpressionAttributes several({}, {{":x", num("1")}, {":y", "y"}, {":z", "z"}});
  ConditionExpression::parse("a = :y", several);
  check_validation_error([&] { several.check_all_used(); },
                         "Value provided in ExpressionAttributeValues unused in expressions: keys: "
                         "{:x, :z}");
  CHECK_NOTHROW(ExpressionAttributes().check_all_used());
}

TEST_CASE("placeholders resolve to their names and values") {
  ExpressionAttributes attributes({{"#a", "a.b"}}, {{":x", "x"}});
  CHECK(attributes.resolve_name("#a") == "a.b");
  CHECK(attributes.resolve_value(":x") == AttributeValue("x"));
  check_validation_error([&] { attributes.resolve_name("#b"); },
                         "An expression attribute name used in the document path is not defined; "
                         "attribute name: #b");
  check_validation_error([&] { attributes.resolve_value(":y"); },
                         "An expression attribute value used in expression is not defined; "
                         "attribute value: :y");
}

}  // namespace
}  // namespace gtsim::expr
