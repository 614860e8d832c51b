// AttributeValue: one DynamoDB attribute value (S, N, B, BOOL, NULL, M, L, SS, NS, BS), and Item,
// an item as a map of attribute names to values.
//
// Values are plain value types (copyable, comparable with ==). Equality follows DynamoDB: numbers
// compare by value, sets ignore order. Conversion to and from DynamoDB JSON
// ({"S": "x"}, {"N": "1"}, ...) is lossless and is the form gtsim stores in SQLite and puts on the
// wire, so a student reading a region file sees what the DynamoDB API would show.
//
// Thread-safety: value types; distinct objects may be used from distinct threads.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "model/decimal.h"

namespace gtsim {

enum class AttributeType { kS, kN, kB, kBOOL, kNULL, kM, kL, kSS, kNS, kBS };

// DynamoDB's descriptor for the type: "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS".
const char* type_descriptor(AttributeType type);
// Inverse of type_descriptor; false if the name is not one of them.
bool parse_type_descriptor(std::string_view name, AttributeType* type);

// Raw bytes of a B value; distinct from std::string so that S and B never mix.
struct Binary {
  std::string bytes;
  auto operator<=>(const Binary&) const = default;
};

struct Null {
  auto operator<=>(const Null&) const = default;
};

class AttributeValue {
 public:
  using Map = std::map<std::string, AttributeValue>;
  using List = std::vector<AttributeValue>;
  using StringSet = std::set<std::string>;
  using NumberSet = std::set<Decimal>;
  using BinarySet = std::set<Binary>;

  AttributeValue() : value_(Null{}) {}
  // Implicit from each alternative, so that code reads like the data it builds.
  AttributeValue(std::string s) : value_(std::move(s)) {}
  AttributeValue(const char* s) : value_(std::string(s)) {}
  AttributeValue(Decimal n) : value_(std::move(n)) {}
  AttributeValue(Binary b) : value_(std::move(b)) {}
  AttributeValue(bool b) : value_(b) {}
  AttributeValue(Null n) : value_(n) {}
  AttributeValue(Map m) : value_(std::move(m)) {}
  AttributeValue(List l) : value_(std::move(l)) {}
  AttributeValue(StringSet s) : value_(std::move(s)) {}
  AttributeValue(NumberSet s) : value_(std::move(s)) {}
  AttributeValue(BinarySet s) : value_(std::move(s)) {}

  // Numbers must go through Decimal, so that 3 never silently becomes BOOL true.
  template <typename T>
  requires(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) AttributeValue(T)
  = delete;

  static AttributeValue number(std::string_view text) { return Decimal::parse(text); }

  AttributeType type() const { return static_cast<AttributeType>(value_.index()); }

  // Typed access. Calling the accessor of another type is a bug (GTSIM_CHECK).
  const std::string& as_string() const;
  const Decimal& as_number() const;
  const Binary& as_binary() const;
  bool as_bool() const;
  const Map& as_map() const;
  Map& as_map();
  const List& as_list() const;
  List& as_list();
  const StringSet& as_string_set() const;
  const NumberSet& as_number_set() const;
  const BinarySet& as_binary_set() const;

  bool operator==(const AttributeValue& other) const { return value_ == other.value_; }

  // DynamoDB JSON, e.g. {"M": {"n": {"N": "1"}}}.
  nlohmann::json to_json() const;
  // Parses DynamoDB JSON. Throws DynamoError(kValidation) naming what is wrong (unknown type
  // descriptor, empty set, duplicate set member, bad number or base64).
  static AttributeValue from_json(const nlohmann::json& json);
  // A set of `type` (kSS, kNS or kBS) from its members as DynamoDB JSON writes them (numbers as
  // text, binaries in base64). Throws DynamoError(kValidation) for an empty set, a duplicate
  // member, a bad number or base64.
  static AttributeValue set_from_members(AttributeType type, std::vector<std::string> members);

  // Approximate size in bytes as DynamoDB counts it (names are counted by the item).
  size_t size_bytes() const;

 private:
  // Alternative order matches AttributeType.
  std::variant<std::string, Decimal, Binary, bool, Null, Map, List, StringSet, NumberSet, BinarySet>
      value_;
};

using Item = std::map<std::string, AttributeValue>;

// An item in DynamoDB JSON: {"id": {"S": "42"}, ...}.
nlohmann::json item_to_json(const Item& item);
Item item_from_json(const nlohmann::json& json);

// DynamoDB's item size: attribute name lengths plus value sizes.
size_t item_size_bytes(const Item& item);
constexpr size_t kMaxItemSizeBytes = 400 * 1024;

// How deep M and L values nest in the item: 0 when no attribute is an M or L, 1 when one holds
// only scalars, and so on. DynamoDB refuses items nested deeper than 32 levels.
size_t item_nesting_levels(const Item& item);
constexpr size_t kMaxNestingLevels = 32;

// Compact, readable rendering for terminals and reports: {id: "42", visits: 3, tags: <<"a", "b">>}.
std::string to_display_string(const AttributeValue& value);
std::string to_display_string(const Item& item);

std::string base64_encode(std::string_view bytes);
// Throws DynamoError(kValidation) for text that is not base64.
std::string base64_decode(std::string_view text);

}  // namespace gtsim
