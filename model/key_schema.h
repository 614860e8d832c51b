// KeySchema: a table's primary key (partition key and optional sort key), and Key, the key
// attributes of one item.
//
// Thread-safety: value types.
#pragma once

#include <optional>
#include <string>

#include "model/attribute_value.h"

namespace gtsim {

struct KeyAttribute {
  std::string name;
  AttributeType type = AttributeType::kS;  // kS, kN or kB only
  bool operator==(const KeyAttribute&) const = default;
};

// The key attributes of one item, exactly the schema's, no more.
using Key = Item;

struct KeySchema {
  KeyAttribute partition;
  std::optional<KeyAttribute> sort;

  // Throws DynamoError(kValidation) unless both key attributes are of type S, N or B and named
  // differently.
  void validate() const;

  // The key of a full item. Throws DynamoError(kValidation) with DynamoDB's message when a key
  // attribute is missing, of the wrong type, or an empty string or binary.
  Key key_of_item(const Item& item) const;

  // Checks that `key` holds exactly the schema's key attributes (as GetItem's Key must). Throws
  // DynamoError(kValidation) with DynamoDB's message otherwise.
  void validate_key(const Key& key) const;

  // A text encoding of one key attribute value that is stable and unique per value, used as the
  // SQLite primary key columns: S as is, N as canonical decimal text, B as base64.
  static std::string encode_component(const AttributeValue& value);

  bool is_key_attribute(const std::string& name) const {
    return name == partition.name || (sort && name == sort->name);
  }
  bool operator==(const KeySchema&) const = default;
};

}  // namespace gtsim
