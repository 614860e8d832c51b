// Shared fixtures of the expression tests: a sample item, the placeholders the tables use, and a
// check for exact ValidationException messages.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <string>

#include "expressions/expression.h"
#include "model/errors.h"

namespace gtsim::expr::testing {

inline AttributeValue num(const char* text) {
  return AttributeValue::number(text);
}
inline AttributeValue bin(std::string bytes) {
  return Binary{std::move(bytes)};
}

// An item with every attribute type.
inline Item sample_item() {
  return Item{
      {"id", "42"},
      {"who", "alice"},
      {"capital", "Z"},
      {"utf", "\xc3\xa9"},  // é, two UTF-8 bytes
      {"visits", num("3")},
      {"score", num("-1.5")},
      {"bits", bin("\x01\x02\x03")},
      {"flag", true},
      {"nothing", Null{}},
      {"tags", AttributeValue::StringSet{"a", "b"}},
      {"nums", AttributeValue::NumberSet{Decimal::from_int(1), Decimal::from_int(2)}},
      {"bins", AttributeValue::BinarySet{Binary{"\x01"}}},
      {"seq", AttributeValue::List{"x", num("1"), AttributeValue::Map{{"k", "v"}}}},
      {"doc",
       AttributeValue::Map{{"core", AttributeValue::Map{{"deep", num("7")}}}, {"s", "hello"}}},
      {"a.b", num("1")},
  };
}

// The placeholders every table may use; unused ones are not checked in these tables.
inline std::map<std::string, AttributeValue> sample_values() {
  return {
      {":zero", num("0")},
      {":one", num("1")},
      {":two", num("2")},
      {":three", num("3")},
      {":four", num("4")},
      {":five", num("5")},
      {":seven", num("7")},
      {":threestr", "3"},
      {":a", "a"},
      {":x", "x"},
      {":z", "z"},
      {":v", "v"},
      {":al", "al"},
      {":lic", "lic"},
      {":alice", "alice"},
      {":bob", "bob"},
      {":hello", "hello"},
      {":true", true},
      {":null", Null{}},
      {":blob", bin("\x01\x02\x03")},
      {":blobprefix", bin("\x01\x02")},
      {":blobmid", bin("\x02\x03")},
      {":tags_ba", AttributeValue::StringSet{"b", "a"}},
      {":tags_a", AttributeValue::StringSet{"a"}},
      {":tags_ab", AttributeValue::StringSet{"a", "b"}},
      {":tags_xy", AttributeValue::StringSet{"x", "y"}},
      {":nums_9", AttributeValue::NumberSet{Decimal::from_int(9)}},
      {":list_copy", AttributeValue::List{"x", num("1"), AttributeValue::Map{{"k", "v"}}}},
      {":list2", AttributeValue::List{"y", "z"}},
      {":empty_list", AttributeValue::List{}},
      {":inner", AttributeValue::Map{{"deep", num("7")}}},
      {":S", "S"},
      {":N", "N"},
      {":B", "B"},
      {":BOOL", "BOOL"},
      {":NULL", "NULL"},
      {":SS", "SS"},
      {":NS", "NS"},
      {":BS", "BS"},
      {":L", "L"},
      {":M", "M"},
      {":big", num("99999999999999999999999999999999999999")},
  };
}

inline std::map<std::string, std::string> sample_names() {
  return {{"#n", "who"}, {"#dotted", "a.b"}, {"#s", "status"}};
}

inline ExpressionAttributes sample_attributes() {
  return ExpressionAttributes(sample_names(), sample_values());
}

// An invalid expression and the message it must give, without the "Invalid <kind>: " prefix.
struct ErrorCase {
  std::string text;
  std::string message;
};

// Runs `action` and checks that it throws DynamoError(kValidation) with exactly `message`.
inline void check_validation_error(const std::function<void()>& action,
                                   const std::string& message) {
  try {
    action();
    FAIL_CHECK("no error; expected: " << message);
  } catch (const DynamoError& error) {
    CHECK(error.type() == ErrorType::kValidation);
    CHECK(std::string(error.what()) == message);
  }
}

}  // namespace gtsim::expr::testing
