#include "model/plain_values.h"

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

using namespace gtsim;

TEST_CASE("plain YAML maps become typed items") {
  Item item = item_from_yaml(YAML::Load(R"({id: "42", name: alice, visits: 3, ok: true, gone: null,
      price: 12.50, zip: "02134", nested: {a: [1, two]}, tags: !SS [x, y], ids: !NS ["1", "2"],
      blob: !B AAE=, exact: !N "123456789012345678901234567890.5"})"));
  CHECK(item.at("id").as_string() == "42");
  CHECK(item.at("name").as_string() == "alice");
  CHECK(item.at("visits").as_number() == Decimal::from_int(3));
  CHECK(item.at("ok").as_bool());
  CHECK(item.at("gone").type() == AttributeType::kNULL);
  CHECK(item.at("price").as_number().to_string() == "12.5");
  CHECK(item.at("zip").as_string() == "02134");
  CHECK(item.at("nested").as_map().at("a").as_list().at(1).as_string() == "two");
  CHECK(item.at("tags").as_string_set().size() == 2);
  CHECK(item.at("ids").type() == AttributeType::kNS);
  CHECK(item.at("blob").as_binary().bytes == std::string("\x00\x01", 2));
  CHECK(item.at("exact").as_number().to_string() == "123456789012345678901234567890.5");
}

TEST_CASE("YAML value errors carry line and column") {
  try {
    item_from_yaml(YAML::Load("id: a\ntags: !SS [x, x]\n"));
    FAIL("expected an error");
  } catch (const YamlValueError& e) {
    CHECK(e.line == 2);
    CHECK(e.column > 1);
    CHECK(std::string(e.what()).find("duplicate") != std::string::npos);
  }
  try {
    item_from_yaml(YAML::Load("id: a\nbig: 1e999\n"));
    FAIL("expected an error");
  } catch (const YamlValueError& e) {
    CHECK(e.line == 2);
    CHECK(e.column == 6);
  }
  CHECK_THROWS_AS(item_from_yaml(YAML::Load("x: !FOO 1")), YamlValueError);
  CHECK_THROWS_AS(item_from_yaml(YAML::Load("[1, 2]")), YamlValueError);
}

TEST_CASE("plain JSON maps become typed items") {
  Item item =
      item_from_plain_json(nlohmann::json::parse(R"({"id": "1", "n": 2.5, "l": [true, null]})"));
  CHECK(item.at("n").as_number().to_string() == "2.5");
  CHECK(item.at("l").as_list().at(1).type() == AttributeType::kNULL);
  CHECK_THROWS_AS(item_from_plain_json(nlohmann::json::parse("[1]")), DynamoError);
}
