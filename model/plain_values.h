// Conversion from "plain" documents, as people write items in scenario YAML or plain JSON:
// {id: "42", name: alice, visits: 3} becomes S, S, N.
//
// YAML rules: a quoted scalar is S; an unquoted one is NULL (null, ~, empty), BOOL (true,
// false), N when it reads as a number, else S. Sequences are L, maps are M. Explicit tags pick
// other types: !S, !N "12.50", !B <base64>, !!binary <base64>, !SS [..], !NS [..], !BS [..].
// Numbers from YAML keep every digit (YAML scalars are text); numbers from plain JSON pass
// through a double, so exact numbers beyond 15 digits need DynamoDB JSON or YAML.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "model/attribute_value.h"
#include "model/errors.h"

namespace YAML {
class Node;
}

namespace gtsim {

// A conversion error that knows where in the YAML text it happened (1-based line and column).
class YamlValueError : public DynamoError {
 public:
  YamlValueError(const std::string& message, int line, int column)
      : DynamoError(ErrorType::kValidation, message), line(line), column(column) {}
  int line;
  int column;
};

// Throws YamlValueError.
AttributeValue value_from_yaml(const YAML::Node& node);
// The node must be a map. Throws YamlValueError.
Item item_from_yaml(const YAML::Node& node);

// Throws DynamoError(kValidation).
AttributeValue value_from_plain_json(const nlohmann::json& json);
Item item_from_plain_json(const nlohmann::json& json);

}  // namespace gtsim
