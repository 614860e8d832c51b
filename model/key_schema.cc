#include "model/key_schema.h"

#include "model/errors.h"

namespace gtsim {
namespace {

void check_key_value(const KeyAttribute& attribute, const AttributeValue& value) {
  if (value.type() != attribute.type) {
    throw_validation(
        std::string("One or more parameter values were invalid: Type mismatch for key ") +
        attribute.name + " expected: " + type_descriptor(attribute.type) +
        " actual: " + type_descriptor(value.type()));
  }
  bool empty = (value.type() == AttributeType::kS && value.as_string().empty()) ||
               (value.type() == AttributeType::kB && value.as_binary().bytes.empty());
  if (empty) {
    throw_validation(
        "One or more parameter values are not valid. The AttributeValue for a key attribute "
        "cannot contain an empty " +
        std::string(value.type() == AttributeType::kS ? "string" : "binary") +
        " value. Key: " + attribute.name);
  }
}

void check_key_type(const KeyAttribute& attribute) {
  if (attribute.name.empty()) throw_validation("A key attribute name must not be empty");
  if (attribute.type != AttributeType::kS && attribute.type != AttributeType::kN &&
      attribute.type != AttributeType::kB) {
    throw_validation("Member must satisfy enum value set: [B, N, S] (key attribute " +
                     attribute.name + " has type " + type_descriptor(attribute.type) + ")");
  }
}

}  // namespace

void KeySchema::validate() const {
  check_key_type(partition);
  if (sort) {
    check_key_type(*sort);
    if (sort->name == partition.name) {
      throw_validation("Both the partition key and the sort key are named " + partition.name);
    }
  }
}

Key KeySchema::key_of_item(const Item& item) const {
  Key key;
  for (const KeyAttribute* attribute : {&partition, sort ? &*sort : nullptr}) {
    if (!attribute) continue;
    auto it = item.find(attribute->name);
    if (it == item.end()) {
      throw_validation("One or more parameter values were invalid: Missing the key " +
                       attribute->name + " in the item");
    }
    check_key_value(*attribute, it->second);
    key.emplace(it->first, it->second);
  }
  return key;
}

void KeySchema::validate_key(const Key& key) const {
  size_t expected = sort ? 2 : 1;
  for (const KeyAttribute* attribute : {&partition, sort ? &*sort : nullptr}) {
    if (!attribute) continue;
    auto it = key.find(attribute->name);
    if (it == key.end()) {
      throw_validation("The provided key element does not match the schema");
    }
    check_key_value(*attribute, it->second);
  }
  if (key.size() != expected)
    throw_validation("The provided key element does not match the schema");
}

std::string KeySchema::encode_component(const AttributeValue& value) {
  switch (value.type()) {
    case AttributeType::kS:
      return value.as_string();
    case AttributeType::kN:
      return value.as_number().to_string();
    case AttributeType::kB:
      return base64_encode(value.as_binary().bytes);
    default:
      GTSIM_CHECK(false, "key attribute of a non-key type");
  }
}

}  // namespace gtsim
