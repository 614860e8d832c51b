// The region operations driven by DynamoDB expressions, end to end through parse_request.
#include "regions/expression_requests.h"

#include <doctest/doctest.h>

#include "model/errors.h"
#include "test_region.h"

using namespace gtsim;
using namespace gtsim::testing;

namespace {

Key key(const std::string& id) {
  return {{"id", id}};
}

ParsedRequest parse(ExpressionTexts texts) {
  return parse_request(texts, users_table().key_schema);
}

}  // namespace

TEST_CASE("conditional put and update expressions act on the local copy") {
  TempDir dir;
  auto r = open_region(dir, "us-east-1");
  auto create = parse({.condition = "attribute_not_exists(id)"});
  r->put({"users", {{"id", "42"}, {"visits", Decimal::from_int(0)}}, create.condition}, 1);
  CHECK_THROWS_AS(r->put({"users", {{"id", "42"}}, create.condition}, 2), DynamoError);

  auto increment =
      parse({.condition = "visits < :max",
             .update = "SET visits = visits + :one",
             .values = {{":one", Decimal::from_int(1)}, {":max", Decimal::from_int(2)}}});
  for (int i = 0; i < 2; ++i) {
    r->update({"users", key("42"), *increment.update, increment.condition}, 10 + i);
  }
  CHECK(r->get({"users", key("42")}).item->at("visits") == AttributeValue(Decimal::from_int(2)));
  CHECK_THROWS_WITH(r->update({"users", key("42"), *increment.update, increment.condition}, 20),
                    "The conditional request failed");
}

TEST_CASE("query with key condition filter and projection") {
  TempDir dir;
  auto r = Region::open(dir.file("r.db"), "us-east-1", {}, 0);
  TableSpec spec;
  spec.name = "orders";
  spec.key_schema.partition = {"customer", AttributeType::kS};
  spec.key_schema.sort = KeyAttribute{"order", AttributeType::kS};
  r->create_table(spec);
  for (const char* order : {"2024-01", "2024-02", "2025-01"}) {
    r->put({"orders",
            {{"customer", "c1"}, {"order", order}, {"total", Decimal::from_int(5)}, {"note", "x"}}},
           1);
  }
  ParsedRequest q =
      parse_request({.condition = "#t >= :min",
                     .projection = "#o, #t",
                     .key_condition = "customer = :c AND begins_with(#o, :year)",
                     .names = {{"#o", "order"}, {"#t", "total"}},
                     .values = {{":c", "c1"}, {":year", "2024"}, {":min", Decimal::from_int(1)}}},
                    spec.key_schema);
  Page page = r->query({"orders", *q.key_condition, q.filter, q.projection});
  REQUIRE(page.items.size() == 2);
  CHECK(page.items[0] == Item{{"order", "2024-01"}, {"total", Decimal::from_int(5)}});
}

TEST_CASE("unused placeholders and key updates are refused") {
  CHECK_THROWS_WITH(parse({.filter = "a = "}), doctest::Contains("Invalid FilterExpression"));
  CHECK_THROWS_WITH(parse({.condition = "attribute_exists(id)", .values = {{":x", "1"}}}),
                    doctest::Contains("unused in expressions"));
  TempDir dir;
  auto r = open_region(dir, "us-east-1");
  auto bad = parse({.update = "SET id = :v", .values = {{":v", "2"}}});
  CHECK_THROWS_WITH(r->update({"users", key("1"), *bad.update}, 1),
                    doctest::Contains("Cannot update attribute id"));
}
