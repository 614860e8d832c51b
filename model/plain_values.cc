#include "model/plain_values.h"

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

namespace gtsim {
namespace {

[[noreturn]] void fail_at(const YAML::Node& node, const std::string& message) {
  const YAML::Mark mark = node.Mark();
  throw YamlValueError(message, mark.line + 1, mark.column + 1);
}

// Runs a conversion that may throw DynamoError and re-throws it with the node's position.
template <typename F>
auto at_node(const YAML::Node& node, F convert) {
  try {
    return convert();
  } catch (const YamlValueError&) {
    throw;
  } catch (const DynamoError& e) {
    fail_at(node, e.what());
  }
}

template <typename Set, typename Parse>
Set set_from_yaml(const YAML::Node& node, const char* tag, Parse parse) {
  if (!node.IsSequence() || node.size() == 0) {
    fail_at(node, std::string(tag) + " needs a non-empty sequence, e.g. " + tag + " [a, b]");
  }
  Set set;
  for (const auto& member : node) {
    if (!member.IsScalar()) fail_at(member, std::string("members of ") + tag + " must be scalars");
    if (!set.insert(at_node(member, [&] { return parse(member.Scalar()); })).second) {
      fail_at(member, std::string("duplicate member in ") + tag + ": " + member.Scalar());
    }
  }
  return set;
}

AttributeValue plain_scalar(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Null{};
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  // Text that reads as a number is N even when DynamoDB cannot hold it: then it is an error.
  if (Decimal::well_formed(s))
    return at_node(node, [&] { return AttributeValue(Decimal::parse(s)); });
  return s;
}

}  // namespace

AttributeValue value_from_yaml(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  // yaml-cpp turns null, ~ and an empty value into a node of its own kind.
  if (node.IsNull() && (tag == "?" || tag.empty() || tag == "!NULL")) return Null{};
  if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    if (tag == "!") return s;  // quoted
    if (tag == "?" || tag.empty()) return plain_scalar(node);
    if (tag == "!S") return s;
    if (tag == "!N") return at_node(node, [&] { return AttributeValue(Decimal::parse(s)); });
    if (tag == "!B" || tag == "tag:yaml.org,2002:binary") {
      return at_node(node, [&] { return AttributeValue(Binary{base64_decode(s)}); });
    }
    if (tag == "!NULL") return Null{};
  }
  if (tag == "!SS") {
    return set_from_yaml<AttributeValue::StringSet>(node, "!SS",
                                                    [](const std::string& s) { return s; });
  }
  if (tag == "!NS") {
    return set_from_yaml<AttributeValue::NumberSet>(
        node, "!NS", [](const std::string& s) { return Decimal::parse(s); });
  }
  if (tag == "!BS") {
    return set_from_yaml<AttributeValue::BinarySet>(
        node, "!BS", [](const std::string& s) { return Binary{base64_decode(s)}; });
  }
  if (tag != "?" && !tag.empty()) {
    fail_at(node, "unknown tag " + tag + " (known: !S !N !B !SS !NS !BS !NULL)");
  }
  if (node.IsSequence()) {
    AttributeValue::List list;
    for (const auto& element : node)
      list.push_back(value_from_yaml(element));
    return list;
  }
  if (node.IsMap()) {
    AttributeValue::Map map;
    for (const auto& entry : node) {
      if (!entry.first.IsScalar()) fail_at(entry.first, "map keys must be strings");
      if (!map.emplace(entry.first.Scalar(), value_from_yaml(entry.second)).second) {
        fail_at(entry.first, "duplicate attribute name " + entry.first.Scalar());
      }
    }
    return map;
  }
  fail_at(node, "expected a value");
}

Item item_from_yaml(const YAML::Node& node) {
  if (!node.IsMap()) fail_at(node, "an item must be a map of attribute names to values");
  AttributeValue value = value_from_yaml(node);
  const auto& map = value.as_map();
  return Item(map.begin(), map.end());
}

AttributeValue value_from_plain_json(const nlohmann::json& json) {
  switch (json.type()) {
    case nlohmann::json::value_t::string:
      return json.get<std::string>();
    case nlohmann::json::value_t::boolean:
      return json.get<bool>();
    case nlohmann::json::value_t::null:
      return Null{};
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return Decimal::parse(json.dump());
    case nlohmann::json::value_t::array: {
      AttributeValue::List list;
      for (const auto& element : json)
        list.push_back(value_from_plain_json(element));
      return list;
    }
    case nlohmann::json::value_t::object: {
      AttributeValue::Map map;
      for (const auto& [name, element] : json.items())
        map.emplace(name, value_from_plain_json(element));
      return map;
    }
    default:
      throw_validation("unsupported JSON value: " + json.dump());
  }
}

Item item_from_plain_json(const nlohmann::json& json) {
  if (!json.is_object()) throw_validation("an item must be a JSON object");
  AttributeValue value = value_from_plain_json(json);
  const auto& map = value.as_map();
  return Item(map.begin(), map.end());
}

}  // namespace gtsim
