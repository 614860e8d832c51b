#include "model/attribute_value.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "model/errors.h"
#include "model/json_text.h"

namespace gtsim {
namespace {

constexpr std::array<const char*, 10> kDescriptors = {"S", "N", "B",  "BOOL", "NULL",
                                                      "M", "L", "SS", "NS",   "BS"};

template <typename T, typename V>
const T& get_checked(const V& variant, AttributeType expected) {
  const T* p = std::get_if<T>(&variant);
  GTSIM_CHECK(p != nullptr,
              std::string("attribute value is not of type ") + type_descriptor(expected));
  return *p;
}

template <typename Set, typename Parse>
Set parse_set(std::vector<std::string> members, const char* descriptor, Parse parse) {
  if (members.empty()) {
    // DynamoDB's wording, double space included.
    static const std::map<std::string, std::string> kKind = {
        {"SS", "string"}, {"NS", "number"}, {"BS", "binary"}};
    throw_validation("One or more parameter values were invalid: An " + kKind.at(descriptor) +
                     " set  may not be empty");
  }
  Set set;
  for (std::string& member : members) {
    if (!set.insert(parse(member)).second) {
      throw_validation("One or more parameter values were invalid: Input collection " +
                       nlohmann::json(member).dump() + " contains duplicates.");
    }
  }
  return set;
}

}  // namespace

const char* type_descriptor(AttributeType type) {
  return kDescriptors[static_cast<size_t>(type)];
}

bool parse_type_descriptor(std::string_view name, AttributeType* type) {
  for (size_t i = 0; i < kDescriptors.size(); ++i) {
    if (name == kDescriptors[i]) {
      *type = static_cast<AttributeType>(i);
      return true;
    }
  }
  return false;
}

const std::string& AttributeValue::as_string() const {
  return get_checked<std::string>(value_, AttributeType::kS);
}
const Decimal& AttributeValue::as_number() const {
  return get_checked<Decimal>(value_, AttributeType::kN);
}
const Binary& AttributeValue::as_binary() const {
  return get_checked<Binary>(value_, AttributeType::kB);
}
bool AttributeValue::as_bool() const {
  return get_checked<bool>(value_, AttributeType::kBOOL);
}
const AttributeValue::Map& AttributeValue::as_map() const {
  return get_checked<Map>(value_, AttributeType::kM);
}
AttributeValue::Map& AttributeValue::as_map() {
  return const_cast<Map&>(get_checked<Map>(value_, AttributeType::kM));
}
const AttributeValue::List& AttributeValue::as_list() const {
  return get_checked<List>(value_, AttributeType::kL);
}
AttributeValue::List& AttributeValue::as_list() {
  return const_cast<List&>(get_checked<List>(value_, AttributeType::kL));
}
const AttributeValue::StringSet& AttributeValue::as_string_set() const {
  return get_checked<StringSet>(value_, AttributeType::kSS);
}
const AttributeValue::NumberSet& AttributeValue::as_number_set() const {
  return get_checked<NumberSet>(value_, AttributeType::kNS);
}
const AttributeValue::BinarySet& AttributeValue::as_binary_set() const {
  return get_checked<BinarySet>(value_, AttributeType::kBS);
}

nlohmann::json AttributeValue::to_json() const {
  using json = nlohmann::json;
  const char* d = type_descriptor(type());
  switch (type()) {
    case AttributeType::kS:
      return json{{d, as_string()}};
    case AttributeType::kN:
      return json{{d, as_number().to_string()}};
    case AttributeType::kB:
      return json{{d, base64_encode(as_binary().bytes)}};
    case AttributeType::kBOOL:
      return json{{d, as_bool()}};
    case AttributeType::kNULL:
      return json{{d, true}};
    case AttributeType::kM: {
      json m = json::object();
      for (const auto& [name, value] : as_map())
        m[name] = value.to_json();
      return json{{d, m}};
    }
    case AttributeType::kL: {
      json l = json::array();
      for (const auto& value : as_list())
        l.push_back(value.to_json());
      return json{{d, l}};
    }
    case AttributeType::kSS:
      return json{{d, as_string_set()}};
    case AttributeType::kNS: {
      json s = json::array();
      for (const auto& n : as_number_set())
        s.push_back(n.to_string());
      return json{{d, s}};
    }
    case AttributeType::kBS: {
      json s = json::array();
      for (const auto& b : as_binary_set())
        s.push_back(base64_encode(b.bytes));
      return json{{d, s}};
    }
  }
  GTSIM_CHECK(false, "unreachable attribute type");
}

AttributeValue AttributeValue::set_from_members(AttributeType type,
                                                std::vector<std::string> members) {
  switch (type) {
    case AttributeType::kSS:
      return parse_set<StringSet>(std::move(members), "SS",
                                  [](std::string& s) { return std::move(s); });
    case AttributeType::kNS:
      return parse_set<NumberSet>(std::move(members), "NS",
                                  [](const std::string& s) { return Decimal::parse(s); });
    case AttributeType::kBS:
      return parse_set<BinarySet>(std::move(members), "BS",
                                  [](const std::string& s) { return Binary{base64_decode(s)}; });
    default:
      GTSIM_CHECK(false, "not a set type");
  }
}

AttributeValue AttributeValue::from_json(const nlohmann::json& json) {
  if (!json.is_object() || json.size() != 1) {
    throw_validation(
        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
        "supported datatypes");
  }
  // Through the object's own iterator: json.items() would hand out a proxy that dies at the `;`.
  const auto entry = json.begin();
  const std::string& descriptor = entry.key();
  const nlohmann::json& body = entry.value();
  AttributeType type;
  if (!parse_type_descriptor(descriptor, &type)) {
    throw_validation(
        "Supplied AttributeValue is empty, must contain exactly one of the supported "
        "datatypes (unknown type descriptor \"" +
        descriptor + "\")");
  }
  auto need_string = [&]() -> const std::string& {
    if (!body.is_string())
      throw_validation("Supplied AttributeValue " + descriptor + " must be a string");
    return body.get_ref<const std::string&>();
  };
  switch (type) {
    case AttributeType::kS:
      return AttributeValue(need_string());
    case AttributeType::kN:
      return Decimal::parse(need_string());
    case AttributeType::kB:
      return Binary{base64_decode(need_string())};
    case AttributeType::kBOOL:
      if (!body.is_boolean()) throw_validation("Supplied AttributeValue BOOL must be a boolean");
      return body.get<bool>();
    case AttributeType::kNULL:
      if (!body.is_boolean() || !body.get<bool>()) {
        throw_validation(
            "One or more parameter values were invalid: Null attribute value types "
            "must have the value of true");
      }
      return Null{};
    case AttributeType::kM: {
      if (!body.is_object()) throw_validation("Supplied AttributeValue M must be a map");
      Map m;
      for (const auto& [name, value] : body.items())
        m.emplace(name, from_json(value));
      return m;
    }
    case AttributeType::kL: {
      if (!body.is_array()) throw_validation("Supplied AttributeValue L must be a list");
      List l;
      for (const auto& value : body)
        l.push_back(from_json(value));
      return l;
    }
    case AttributeType::kSS:
    case AttributeType::kNS:
    case AttributeType::kBS: {
      if (!body.is_array()) {
        throw_validation("Supplied AttributeValue " + descriptor + " is not a list of values");
      }
      std::vector<std::string> members;
      for (const auto& element : body) {
        if (!element.is_string()) {
          throw_validation("Supplied AttributeValue " + descriptor +
                           " has a member that is not a string");
        }
        members.push_back(element.get<std::string>());
      }
      return set_from_members(type, std::move(members));
    }
  }
  GTSIM_CHECK(false, "unreachable attribute type");
}

size_t AttributeValue::size_bytes() const {
  switch (type()) {
    case AttributeType::kS:
      return as_string().size();
    // DynamoDB: about 1 byte per two significant digits, plus 1.
    case AttributeType::kN:
      return as_number().to_string().size() / 2 + 1;
    case AttributeType::kB:
      return as_binary().bytes.size();
    case AttributeType::kBOOL:
    case AttributeType::kNULL:
      return 1;
    case AttributeType::kM: {
      size_t n = 3;
      for (const auto& [name, value] : as_map())
        n += name.size() + value.size_bytes() + 1;
      return n;
    }
    case AttributeType::kL: {
      size_t n = 3;
      for (const auto& value : as_list())
        n += value.size_bytes() + 1;
      return n;
    }
    case AttributeType::kSS: {
      size_t n = 0;
      for (const auto& s : as_string_set())
        n += s.size();
      return n;
    }
    case AttributeType::kNS: {
      size_t n = 0;
      for (const auto& d : as_number_set())
        n += d.to_string().size() / 2 + 1;
      return n;
    }
    case AttributeType::kBS: {
      size_t n = 0;
      for (const auto& b : as_binary_set())
        n += b.bytes.size();
      return n;
    }
  }
  return 0;
}

nlohmann::json item_to_json(const Item& item) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : item)
    out[name] = value.to_json();
  return out;
}

Item item_from_json(const nlohmann::json& json) {
  if (!json.is_object()) throw_validation("An item must be a map of attribute names to values");
  Item item;
  for (const auto& [name, value] : json.items())
    item.emplace(name, AttributeValue::from_json(value));
  return item;
}

namespace {

size_t nesting_levels(const AttributeValue& value) {
  size_t deepest = 0;
  if (value.type() == AttributeType::kM) {
    for (const auto& [name, element] : value.as_map())
      deepest = std::max(deepest, nesting_levels(element));
  } else if (value.type() == AttributeType::kL) {
    for (const auto& element : value.as_list())
      deepest = std::max(deepest, nesting_levels(element));
  } else {
    return 0;
  }
  return deepest + 1;
}

}  // namespace

size_t item_nesting_levels(const Item& item) {
  size_t deepest = 0;
  for (const auto& [name, value] : item)
    deepest = std::max(deepest, nesting_levels(value));
  return deepest;
}

size_t item_size_bytes(const Item& item) {
  size_t n = 0;
  for (const auto& [name, value] : item)
    n += name.size() + value.size_bytes();
  return n;
}

std::string to_display_string(const AttributeValue& value) {
  std::string out;
  switch (value.type()) {
    case AttributeType::kS:
      append_json_string(value.as_string(), out);
      break;
    case AttributeType::kN:
      out = value.as_number().to_string();
      break;
    case AttributeType::kB:
      out = "b64:" + base64_encode(value.as_binary().bytes);
      break;
    case AttributeType::kBOOL:
      out = value.as_bool() ? "true" : "false";
      break;
    case AttributeType::kNULL:
      out = "null";
      break;
    case AttributeType::kM: {
      out = "{";
      for (const auto& [name, v] : value.as_map()) {
        if (out.size() > 1) out += ", ";
        out += name + ": " + to_display_string(v);
      }
      out += "}";
      break;
    }
    case AttributeType::kL: {
      out = "[";
      for (const auto& v : value.as_list()) {
        if (out.size() > 1) out += ", ";
        out += to_display_string(v);
      }
      out += "]";
      break;
    }
    case AttributeType::kSS:
      for (const auto& member : value.as_string_set()) {
        out += out.empty() ? "<<" : ", ";
        append_json_string(member, out);
      }
      out += ">>";
      break;
    case AttributeType::kNS:
      for (const auto& member : value.as_number_set()) {
        out += (out.empty() ? "<<" : ", ") + member.to_string();
      }
      out += ">>";
      break;
    case AttributeType::kBS:
      for (const auto& member : value.as_binary_set()) {
        out += (out.empty() ? "<<b64:" : ", b64:") + base64_encode(member.bytes);
      }
      out += ">>";
      break;
  }
  return out;
}

std::string to_display_string(const Item& item) {
  return to_display_string(AttributeValue(AttributeValue::Map(item.begin(), item.end())));
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t chunk = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) chunk |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) chunk |= static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(chunk >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[chunk & 63] : '=';
  }
  return out;
}

std::string base64_decode(std::string_view text) {
  auto value_of = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.size() % 4 != 0) throw_validation("Invalid Base64 value: length is not a multiple of 4");
  std::string out;
  for (size_t i = 0; i < text.size(); i += 4) {
    uint32_t chunk = 0;
    int padding = 0;
    for (size_t j = 0; j < 4; ++j) {
      char c = text[i + j];
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        ++padding;
        chunk <<= 6;
        continue;
      }
      int v = value_of(c);
      if (v < 0 || padding > 0) throw_validation("Invalid Base64 value: unexpected character");
      chunk = (chunk << 6) | static_cast<uint32_t>(v);
    }
    out += static_cast<char>((chunk >> 16) & 0xff);
    if (padding < 2) out += static_cast<char>((chunk >> 8) & 0xff);
    if (padding < 1) out += static_cast<char>(chunk & 0xff);
  }
  return out;
}

}  // namespace gtsim
