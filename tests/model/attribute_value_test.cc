#include "model/attribute_value.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "model/errors.h"

using namespace gtsim;
using nlohmann::json;

TEST_CASE("every attribute type round-trips through DynamoDB JSON") {
  json doc = json::parse(R"({
    "s": {"S": "hello"}, "n": {"N": "-12.50"}, "b": {"B": "AAEC/w=="}, "t": {"BOOL": true},
    "z": {"NULL": true}, "m": {"M": {"inner": {"L": [{"N": "1"}, {"S": "x"}]}}},
    "ss": {"SS": ["b", "a"]}, "ns": {"NS": ["2", "10", "1.0"]}, "bs": {"BS": ["AA==", "AQ=="]}
  })");
  Item item = item_from_json(doc);
  CHECK(item.at("n").as_number().to_string() == "-12.5");
  CHECK(item.at("b").as_binary().bytes == std::string("\x00\x01\x02\xff", 4));
  CHECK(item.at("ns").as_number_set().size() == 3);
  CHECK(item_from_json(item_to_json(item)) == item);
  CHECK(item_to_json(item)["n"] == json{{"N", "-12.5"}});
}

TEST_CASE("DynamoDB JSON errors are validation errors") {
  for (const char* bad : {R"({"X": "1"})", R"({"S": "a", "N": "1"})", R"({"N": "abc"})",
                          R"({"SS": []})", R"({"SS": ["a", "a"]})", R"({"NULL": false})",
                          R"({"B": "***"})", R"({"BOOL": "yes"})", R"("plain")"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(AttributeValue::from_json(json::parse(bad)), DynamoError);
  }
  CHECK_THROWS_WITH(AttributeValue::from_json(json::parse(R"({"NS": []})")),
                    doctest::Contains("number set  may not be empty"));
}

TEST_CASE("numbers compare by value inside sets and maps") {
  AttributeValue a = AttributeValue::NumberSet{Decimal::parse("1.0"), Decimal::parse("2")};
  AttributeValue b = AttributeValue::NumberSet{Decimal::parse("2.00"), Decimal::parse("1")};
  CHECK(a == b);
  CHECK(AttributeValue(Decimal::parse("1")) != AttributeValue("1"));
}

TEST_CASE("base64 matches RFC 4648 vectors") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_decode("Zm9vYmE=") == "fooba");
  CHECK_THROWS_AS(base64_decode("Zm9"), DynamoError);
  CHECK_THROWS_AS(base64_decode("Z=9v"), DynamoError);
}

TEST_CASE("display strings are compact") {
  Item item{{"id", "42"},
            {"visits", Decimal::from_int(3)},
            {"tags", AttributeValue::StringSet{"a", "b"}}};
  CHECK(to_display_string(item) == R"({id: "42", tags: <<"a", "b">>, visits: 3})");
  CHECK(item_size_bytes(item) > 0);
}
