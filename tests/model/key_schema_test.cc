#include "model/key_schema.h"

#include <doctest/doctest.h>

#include "model/errors.h"

using namespace gtsim;

TEST_CASE("key schema extracts and validates keys with DynamoDB messages") {
  KeySchema schema{{"pk", AttributeType::kS}, KeyAttribute{"sk", AttributeType::kN}};
  schema.validate();
  Item item{{"pk", "a"}, {"sk", Decimal::from_int(1)}, {"x", true}};
  CHECK(schema.key_of_item(item) == Key{{"pk", "a"}, {"sk", Decimal::from_int(1)}});
  CHECK_THROWS_WITH(schema.key_of_item(Item{{"pk", "a"}}),
                    "One or more parameter values were invalid: Missing the key sk in the item");
  CHECK_THROWS_WITH(
      schema.key_of_item(Item{{"pk", Decimal::from_int(1)}, {"sk", Decimal::from_int(1)}}),
      "One or more parameter values were invalid: Type mismatch for key pk "
      "expected: S actual: N");
  CHECK_THROWS_WITH(schema.key_of_item(Item{{"pk", ""}, {"sk", Decimal::from_int(1)}}),
                    doctest::Contains("cannot contain an empty string value"));
  CHECK_THROWS_WITH(schema.validate_key(item),
                    "The provided key element does not match the schema");
  CHECK_NOTHROW(schema.validate_key(schema.key_of_item(item)));
}

TEST_CASE("key schema refuses non-key types and name clashes") {
  CHECK_THROWS_AS((KeySchema{{"pk", AttributeType::kBOOL}, std::nullopt}.validate()), DynamoError);
  CHECK_THROWS_AS(
      (KeySchema{{"pk", AttributeType::kS}, KeyAttribute{"pk", AttributeType::kS}}.validate()),
      DynamoError);
}

TEST_CASE("key components encode canonically") {
  CHECK(KeySchema::encode_component(Decimal::parse("1.50")) == "1.5");
  CHECK(KeySchema::encode_component(Binary{"\x01"}) == "AQ==");
  CHECK(KeySchema::encode_component("x") == "x");
}
