#include "model/json_text.h"

#include <doctest/doctest.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/errors.h"

namespace gtsim {
namespace {

// Strings over the characters JSON escapes, plain ASCII and multi-byte UTF-8.
std::string random_text(std::mt19937& rng) {
  static const std::string kPieces[] = {"a",
                                        "Z",
                                        "0",
                                        " ",
                                        "\"",
                                        "\\",
                                        "/",
                                        "\b",
                                        "\f",
                                        "\n",
                                        "\r",
                                        "\t",
                                        std::string(1, '\0'),
                                        "\x01",
                                        "\x1f",
                                        "\x7f",
                                        "\xc3\xa9",
                                        "\xe2\x82\xac",
                                        "\xf0\x9f\x98\x80"};
  std::string text;
  for (size_t n = rng() % 6; n > 0; --n)
    text += kPieces[rng() % std::size(kPieces)];
  return text;
}

AttributeValue random_value(std::mt19937& rng, int depth) {
  switch (rng() % (depth > 0 ? 10 : 8)) {
    case 0:
      return random_text(rng);
    case 1:
      return Decimal::from_int(static_cast<int64_t>(rng() % 2001) - 1000);
    case 2:
      return Binary{random_text(rng)};
    case 3:
      return rng() % 2 == 0;
    case 4:
      return Null{};
    case 5:
      return AttributeValue::StringSet{"x" + random_text(rng), "y" + random_text(rng)};
    case 6:
      return AttributeValue::NumberSet{Decimal::parse("1.5"), Decimal::parse("-2E+3")};
    case 7:
      return AttributeValue::BinarySet{Binary{"b"}, Binary{random_text(rng) + "c"}};
    case 8: {
      AttributeValue::List list;
      for (size_t n = rng() % 3; n > 0; --n)
        list.push_back(random_value(rng, depth - 1));
      return list;
    }
    default: {
      AttributeValue::Map map;
      for (size_t n = rng() % 3; n > 0; --n)
        map.emplace(random_text(rng), random_value(rng, depth - 1));
      return map;
    }
  }
}

// An item of `min_attributes` to 4 attributes, values nested up to `depth` deep.
Item random_item(std::mt19937& rng, size_t min_attributes, int depth) {
  Item item;
  for (size_t n = min_attributes + rng() % (5 - min_attributes); n > 0; --n)
    item.emplace(random_text(rng), random_value(rng, depth));
  return item;
}

TEST_CASE("item JSON text is what nlohmann dumps, for 2000 random items") {
  std::mt19937 rng(20261126);
  for (int i = 0; i < 2000; ++i) {
    const Item item = random_item(rng, 0, 3);
    const std::string expected = item_to_json(item).dump();
    REQUIRE(item_json_text(item) == expected);
  }
}

// Trees of every kind of nlohmann value: integers of both signs and past int64, floats of every
// form dump() gives them (exponents, -0.0, whole numbers), texts JSON escapes.
nlohmann::json random_tree(std::mt19937& rng, int depth) {
  static const double kFloats[] = {0.1, -0.0, 1.0, 1e300, -2.5e-8, 123456.789, 1e21, 3.0e-310};
  switch (rng() % (depth > 0 ? 9 : 7)) {
    case 0:
      return random_text(rng);
    case 1:
      return static_cast<int64_t>(rng()) - static_cast<int64_t>(rng()) * 4096;
    case 2:
      return static_cast<uint64_t>(rng()) << 33 | 1;  // past int64's maximum half the time
    case 3:
      return kFloats[rng() % std::size(kFloats)];
    case 4:
      return rng() % 2 == 0;
    case 5:
      return nullptr;
    case 6:
      return nlohmann::json::object();
    case 7: {
      nlohmann::json array = nlohmann::json::array();
      for (size_t n = rng() % 4; n > 0; --n)
        array.push_back(random_tree(rng, depth - 1));
      return array;
    }
    default: {
      nlohmann::json object = nlohmann::json::object();
      for (size_t n = rng() % 4; n > 0; --n)
        object[random_text(rng)] = random_tree(rng, depth - 1);
      return object;
    }
  }
}

TEST_CASE("a JSON tree appended directly is what nlohmann dumps, for 2000 random trees") {
  std::mt19937 rng(20261127);
  for (int i = 0; i < 2000; ++i) {
    const nlohmann::json tree = random_tree(rng, 4);
    std::string out = "x";  // appended to, not replaced
    append_json_dump(tree, out);
    REQUIRE(out == std::string("x").append(tree.dump()));
  }
}

TEST_CASE("a JSON tree with a string that is not UTF-8 is refused as nlohmann refuses it") {
  const nlohmann::json tree = {{"ok", "fine"}, {"bad", std::string("a\xff")}};
  std::string out;
  CHECK_THROWS_AS(tree.dump(), nlohmann::json::type_error);
  CHECK_THROWS_AS(append_json_dump(tree, out), nlohmann::json::type_error);
}

TEST_CASE("item JSON text escapes control characters as nlohmann does") {
  Item item{{"k", std::string("a\"b\\c\nd\x01\x7f")}};
  CHECK(item_json_text(item) == R"({"k":{"S":"a\"b\\c\nd\u0001)"
                                "\x7f"
                                R"("}})");
}

TEST_CASE("JSON strings of every ASCII character, alone and in runs, are what nlohmann dumps") {
  for (int c = 0; c < 0x80; ++c) {
    for (const std::string& text : {std::string(1, static_cast<char>(c)),
                                    "ab" + std::string(2, static_cast<char>(c)) + "cd"}) {
      std::string out = "x";  // appended to, not replaced
      append_json_string(text, out);
      CHECK_MESSAGE(out == std::string("x").append(nlohmann::json(text).dump()), c);
    }
  }
}

TEST_CASE("every character at every place of a long string is written and read as nlohmann does") {
  // Plain runs are scanned eight characters at a time: each character, ASCII or a byte of a
  // multi-byte one, lands in each place of a word and of the tail after the last whole word.
  const std::string pieces[] = {"\xc3\xa9", "\xe2\x82\xac", "\xff"};
  std::vector<std::string> specials;
  for (int c = 0; c < 0x80; ++c)
    specials.emplace_back(1, static_cast<char>(c));
  specials.insert(specials.end(), std::begin(pieces), std::end(pieces));
  for (const std::string& special : specials) {
    for (size_t at = 0; at <= 21; ++at) {
      std::string text(21, 'a');
      text.insert(at, special);
      CAPTURE(text);
      std::optional<std::string> expected;
      try {
        expected = nlohmann::json(text).dump();
      } catch (const nlohmann::json::exception&) {  // not UTF-8
      }
      std::string out = "x";
      if (!expected) {
        CHECK_THROWS(append_json_string(text, out));
        continue;
      }
      append_json_string(text, out);
      REQUIRE(out == "x" + *expected);
      const Item read = item_from_json_text("{\"k\":{\"S\":" + *expected + "}}", 8);
      CHECK(read.at("k") == AttributeValue(text));
    }
  }
}

TEST_CASE("item JSON text refuses a string that is not UTF-8, as nlohmann does") {
  Item item{{"k", std::string("\xff")}};
  CHECK_THROWS_AS(item_to_json(item).dump(), nlohmann::json::type_error);
  CHECK_THROWS_AS(item_json_text(item), nlohmann::json::type_error);
}

// What the tree-building path makes of `text`: the item, or nullopt when it refuses it.
std::optional<Item> through_tree(const std::string& text) {
  try {
    return item_from_json(nlohmann::json::parse(text));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<Item> read_directly(const std::string& text) {
  try {
    return item_from_json_text(text, 100);
  } catch (const DynamoError&) {
    return std::nullopt;
  }
}

TEST_CASE("item JSON text reads back as the item, compact or indented") {
  std::mt19937 rng(7);
  for (int i = 0; i < 1000; ++i) {
    const Item item = random_item(rng, 0, 3);
    REQUIRE(item_from_json_text(item_json_text(item), 100) == item);
    REQUIRE(item_from_json_text(item_to_json(item).dump(2), 100) == item);
  }
}

// One edit at a random place: one of `bytes` inserted there, the byte there removed, or replaced.
template <size_t N>
void damage(std::string& text, const std::string (&bytes)[N], std::mt19937& rng) {
  const size_t at = rng() % (text.size() + 1);
  switch (rng() % 3) {
    case 0:
      text.insert(at, bytes[rng() % N]);
      break;
    case 1:
      if (at < text.size()) text.erase(at, 1);
      break;
    default:
      if (at < text.size()) text.replace(at, 1, bytes[rng() % N]);
  }
}

TEST_CASE("reading item JSON text agrees with the tree path on 20000 damaged texts") {
  static const std::string kBytes[] = {
      " ", "\"", "\\", "{",    "}",    "[",    "]",    ":",       ",",       "u",   "S",
      "N", "x",  "0",  "true", "\xc3", "\xa9", "\xff", "\\ud83d", "\\ude00", "\x01"};
  std::mt19937 rng(11);
  int refused = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = item_json_text(random_item(rng, 1, 2));
    for (size_t edits = 1 + rng() % 2; edits > 0; --edits)
      damage(text, kBytes, rng);
    const std::optional<Item> expected = through_tree(text);
    INFO(text);
    REQUIRE(read_directly(text) == expected);
    refused += expected ? 0 : 1;
  }
  CHECK(refused > 1000);  // the damage did reach the refusals
  CHECK(refused < 19000);
}

// Plain text: printable ASCII but the quote and the backslash (DEL included, as JSON allows).
std::string random_plain_text(std::mt19937& rng, size_t min_pieces) {
  static const std::string kPieces[] = {"a", "Z", "0", " ", "/", "~", "\x7f", "id"};
  std::string text;
  for (size_t n = min_pieces + rng() % 4; n > 0; --n)
    text += kPieces[rng() % std::size(kPieces)];
  return text;
}

// An item of 1 to 4 attributes, each an S of plain text or an N.
Item random_plain_item(std::mt19937& rng) {
  static const char* kNumbers[] = {"0", "-7", "1.5", "-2E+3", "12345678901234567890", "0.001"};
  Item item;
  for (size_t n = 1 + rng() % 4; n > 0; --n) {
    AttributeValue value = rng() % 2 == 0 ? AttributeValue(random_plain_text(rng, 0))
                                          : AttributeValue(Decimal::parse(kNumbers[rng() % 6]));
    item.insert_or_assign(random_plain_text(rng, 1), std::move(value));
  }
  return item;
}

TEST_CASE("the written texts of items of plain strings and numbers are plain and read back") {
  std::mt19937 rng(13);
  for (int i = 0; i < 2000; ++i) {
    const Item item = random_plain_item(rng);
    const std::string text = item_json_text(item);
    INFO(text);
    REQUIRE(is_plain_item_text(text));
    REQUIRE(item_from_json_text(text, 2) == item);
  }
}

TEST_CASE("item texts with more than plain strings and numbers, or another form, are not plain") {
  CHECK(is_plain_item_text(R"({"a":{"S":""},"b":{"N":"1"}})"));
  for (const char* text : {
           R"({"a":{"S":"x\"y"}})",             // an escape
           "{\"a\":{\"S\":\"\xc3\xa9\"}}",      // beyond ASCII
           "{\"a\":{\"S\":\"\t\"}}",            // a control character
           R"({"a": {"S":"x"}})",               // space
           R"({"b":{"S":"x"},"a":{"S":"y"}})",  // names out of order
           R"({"a":{"S":"x"},"a":{"S":"y"}})",  // a repeated name
           R"({"":{"S":"x"}})",                 // an empty name
           R"({"a":{"BOOL":true}})",            // another type
           R"({"a":{"M":{}}})",                 // another type, nesting
           R"({"a":{"N":"x"}})",                // not a number
           R"({"a":{"N":"1e999"}})",            // out of DynamoDB's range
           R"({"a":{"S":"x","S":"y"}})",        // two descriptors
           R"({})",                             // no attribute
           R"({"a":{"S":"x"}} )",               // text after the item
           R"({"a":{"S":"x"})",                 // cut short
       }) {
    INFO(text);
    CHECK_FALSE(is_plain_item_text(text));
  }
}

TEST_CASE("damaged plain texts read as the tree path reads them, and those still plain are valid") {
  static const std::string kBytes[] = {"\"", "\\", "{", "}", ":", ",", "S",    "N",
                                       "x",  "0",  "-", ".", "e", " ", "\xc3", "\x01"};
  std::mt19937 rng(17);
  int still_plain = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = item_json_text(random_plain_item(rng));
    damage(text, kBytes, rng);
    const std::optional<Item> expected = through_tree(text);
    INFO(text);
    REQUIRE(read_directly(text) == expected);
    if (!is_plain_item_text(text)) continue;
    ++still_plain;
    REQUIRE(expected);
    REQUIRE(item_from_json_text(text, 2) == *expected);
  }
  CHECK(still_plain > 2000);  // damage inside names and values keeps many plain
  CHECK(still_plain < 18000);
}

TEST_CASE("reading item JSON text handles escapes, duplicates and depth") {
  CHECK(item_from_json_text(R"({"k":{"S":"\u00e9\ud83d\ude00\/\t"}})", 100) ==
        Item{{"k", std::string("\xc3\xa9\xf0\x9f\x98\x80/\t")}});
  CHECK(item_from_json_text(R"({"k":{"S":"a"},"k":{"N":"2"}})", 100) ==
        Item{{"k", Decimal::parse("2")}});
  CHECK_THROWS_AS(item_from_json_text(R"({"k":{"S":"a","N":"1"}})", 100), DynamoError);
  const std::string nested = R"({"k":{"L":[{"L":[]}]}})";  // 5 deep
  CHECK(item_from_json_text(nested, 5).size() == 1);
  CHECK_THROWS_AS(item_from_json_text(nested, 4), DynamoError);
  CHECK_THROWS_AS(item_from_json_text(R"({"k":{"S":"\ud83d"}})", 100), DynamoError);
  CHECK_THROWS_AS(item_from_json_text(R"({"k":{"SS":[]}})", 100), DynamoError);
}

}  // namespace
}  // namespace gtsim
